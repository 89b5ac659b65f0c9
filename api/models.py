import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from renewal.validators import no_line_breaks

TOKEN_START = "rnw_"
PREFIX_LENGTH = 12
# Writing last_used_at on every request would turn each read into a write; once a minute is enough.
LAST_USED_PRECISION_SECONDS = 60


def _hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class APITokenQuerySet(models.QuerySet):
    def for_user(self, user):
        """A person's own API tokens: only they list and revoke them, administrators included."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)


class APIToken(models.Model):
    """A personal API token. The secret is shown once; only its SHA-256 and a prefix are kept.

    The prefix is the token's first characters, so a person can tell their tokens apart and an
    operator can recognise a leaked one, without the table holding anything that signs in.
    """

    class Scope(models.TextChoices):
        READ = "read", _("Read")
        WRITE = "write", _("Read and write")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(
        _("name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “Case system feed”."),
        validators=[no_line_breaks],
    )
    scope = models.CharField(_("scope"), max_length=8, choices=Scope, default=Scope.READ)
    prefix = models.CharField(_("prefix"), max_length=PREFIX_LENGTH, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    # Chosen at creation: API_TOKEN_DEFAULT_DAYS by default, at most API_TOKEN_MAX_DAYS.
    expires_at = models.DateTimeField(_("expires"), editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = APITokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(
        cls, user, name: str, scope: str = Scope.READ, days: int | None = None
    ) -> tuple["APIToken", str]:
        """A new token for the user, and its secret: the only time the secret exists in clear.
        It works for `days` (API_TOKEN_DEFAULT_DAYS if not given, never more than the maximum)."""
        days = min(days or settings.API_TOKEN_DEFAULT_DAYS, settings.API_TOKEN_MAX_DAYS)
        raw = TOKEN_START + secrets.token_urlsafe(32)
        now = timezone.now()
        token = cls.objects.create(
            user=user,
            name=name,
            scope=scope,
            prefix=raw[:PREFIX_LENGTH],
            key_hash=_hash(raw),
            created_at=now,
            expires_at=now + timedelta(days=days),
        )
        return token, raw

    @classmethod
    def authenticate(cls, raw: str) -> "APIToken | None":
        """The live token this secret belongs to, for an active user; None for anything else."""
        if not raw.startswith(TOKEN_START) or len(raw) > 200:
            return None
        token = (
            cls.objects.select_related("user")
            .filter(
                key_hash=_hash(raw),
                revoked_at__isnull=True,
                expires_at__gt=timezone.now(),
                user__is_active=True,
            )
            .first()
        )
        if token is not None:
            now = timezone.now()
            stale = now - timedelta(seconds=LAST_USED_PRECISION_SECONDS)
            if token.last_used_at is None or token.last_used_at < stale:
                cls.objects.filter(pk=token.pk).update(last_used_at=now)
                token.last_used_at = now
        return token

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])
