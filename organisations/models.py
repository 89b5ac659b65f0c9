from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who signs in. Their language is used for the UI, e-mails and reports."""

    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["first_name", "last_name", "username"]

    def __str__(self):
        return self.get_full_name() or self.username


class Organisation(models.Model):
    """A public-sector organisation (or the funder) in a tree: access to one includes its subtree.

    `path` is the chain of ids from the root ("/1/4/9/"), so a subtree is one indexed prefix query.
    """

    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("Ministry")
        AGENCY = "agency", _("Agency")
        WELLBEING_COUNTY = "wellbeing_county", _("Wellbeing services county")
        MUNICIPALITY = "municipality", _("Municipality")
        FUNDER = "funder", _("Funder")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Helsinki")
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["path"]

    def __str__(self):
        return self.name

    def clean(self):
        # A new or top-level organisation cannot be inside itself, and has no parent to read.
        if not (self.pk and self.parent_id):
            return
        if self.parent_id == self.pk or str(self.pk) in self.parent.path.split("/"):
            raise ValidationError({"parent": _("An organisation cannot be inside itself.")})

    def save(self, *args, **kwargs):
        with transaction.atomic():
            old_path = self.path
            super().save(*args, **kwargs)
            parent_path = self.parent.path if self.parent_id else "/"
            new_path = f"{parent_path}{self.pk}/"
            if new_path != old_path:
                type(self).objects.filter(pk=self.pk).update(path=new_path)
                if old_path:
                    type(self).objects.filter(path__startswith=old_path).exclude(pk=self.pk).update(
                        path=Concat(models.Value(new_path), Substr("path", len(old_path) + 1))
                    )
                self.path = new_path

    def subtree(self):
        return Organisation.objects.filter(path__startswith=self.path)

    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]

    def nearest_leaders(self, excluding=None):
        """The active leaders of this organisation or, where it has none (but `excluding`), of the
        nearest organisation above it that has some."""
        ids = self.ancestor_ids()[::-1]
        leaders = Membership.objects.filter(
            organisation_id__in=ids, role=Membership.Role.LEADER, user__is_active=True
        )
        if excluding is not None:
            leaders = leaders.exclude(user_id=excluding)
        by_organisation: dict[int, list[int]] = {}
        for organisation_id, user_id in leaders.values_list("organisation_id", "user_id"):
            by_organisation.setdefault(organisation_id, []).append(user_id)
        for organisation_id in ids:
            if by_organisation.get(organisation_id):
                return User.objects.filter(pk__in=by_organisation[organisation_id]).order_by("pk")
        return User.objects.none()


class Membership(models.Model):
    """A user's role in an organisation (and, through the tree, in its sub-organisations)."""

    class Role(models.TextChoices):
        LEADER = "leader", _("Leader")
        MEMBER = "member", _("Product team member")
        VIEWER = "viewer", _("Viewer")
        FUNDING_OFFICER = "funding_officer", _("Funding officer")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"], name="one_role_per_organisation"
            )
        ]

    def __str__(self):
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"


def people_in(organisations, roles=None):
    """People who hold a membership (with one of `roles`, if given) in any of these organisations,
    for owner and team pickers."""
    memberships = {"memberships__organisation__in": organisations}
    if roles is not None:
        memberships["memberships__role__in"] = roles
    return (
        get_user_model()
        .objects.filter(is_active=True, **memberships)
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class AccessRequest(models.Model):
    """Someone who signed in (through their organisation's identity provider) without a
    membership asks to join an organisation; one of its leaders approves with a role or declines."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting for a leader")
        APPROVED = "approved", _("approved")
        DECLINED = "declined", _("declined")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="access_requests",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="access_requests",
    )
    message = models.CharField(
        _("message to the leaders"),
        max_length=500,
        blank=True,
        help_text=_("What you work on, so a leader knows which role to give you."),
    )
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.PENDING)
    role = models.CharField(_("role given"), max_length=20, choices=Membership.Role, blank=True)
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("access request")
        verbose_name_plural = _("access requests")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                condition=models.Q(state="pending"),
                name="one_pending_access_request",
            )
        ]

    def __str__(self):
        return f"{self.user} → {self.organisation}"

    def deciders(self):
        """The leaders asked to decide: those of the organisation itself or, where it has none,
        of the nearest organisation above it that has one."""
        return self.organisation.nearest_leaders()
