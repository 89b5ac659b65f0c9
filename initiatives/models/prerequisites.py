"""Phase 2: responsibilities, competences, data and common principles."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from renewal.audit import AuditedModel
from renewal.validators import no_line_breaks, plausible_date


class PhaseItem(AuditedModel):
    """Something listed in a phase workspace, belonging to one initiative."""

    initiative = models.ForeignKey(
        "initiatives.Initiative", verbose_name=_("initiative"), on_delete=models.CASCADE
    )
    # Edits compare versions (renewal.forms.VersionedModelForm): no lost update.
    version = models.PositiveIntegerField(default=1, editable=False)

    audit_initiative_path = "initiative_id"
    audit_exclude = ("version",)

    class Meta:
        abstract = True


class Responsibility(PhaseItem):
    """Who does the work, who has the final say, who is consulted and who is informed."""

    class Role(models.TextChoices):
        RESPONSIBLE = "responsible", _("Responsible (does the work)")
        ACCOUNTABLE = "accountable", _("Accountable (has the final say)")
        CONSULTED = "consulted", _("Consulted")
        INFORMED = "informed", _("Informed")

    class Expertise(models.TextChoices):
        GENERAL = "general", _("General")
        LEGAL = "legal", _("Legal")
        COMPLIANCE = "compliance", _("Compliance")
        SECURITY = "security", _("Information security")
        DATA_PROTECTION = "data_protection", _("Data protection")

    role = models.CharField(_("role"), max_length=12, choices=Role)
    name = models.CharField(_("person or unit"), max_length=200, validators=[no_line_breaks])
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    expertise = models.CharField(
        _("expertise"), max_length=16, choices=Expertise, default=Expertise.GENERAL
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("responsibility")
        verbose_name_plural = _("responsibilities")
        ordering = ["role", "name"]
        default_related_name = "responsibilities"

    def __str__(self):
        return f"{self.name} ({self.get_role_display()})"


class Competence(PhaseItem):
    """A competence the initiative needs, whether it is available, and the plan to close a gap."""

    class Availability(models.TextChoices):
        YES = "yes", _("Available")
        PARTLY = "partly", _("Partly available")
        NO = "no", _("Not available")

    name = models.CharField(_("competence needed"), max_length=200, validators=[no_line_breaks])
    available = models.CharField(_("availability"), max_length=8, choices=Availability)
    gap_plan = models.TextField(_("plan to close the gap"), blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True, validators=[plausible_date])

    class Meta:
        verbose_name = _("competence")
        verbose_name_plural = _("competences")
        ordering = ["name"]
        default_related_name = "competences"

    def __str__(self):
        return self.name

    @property
    def has_gap(self) -> bool:
        return self.available != self.Availability.YES


SCORE = [MinValueValidator(1), MaxValueValidator(5)]


class Dataset(PhaseItem):
    """A dataset the initiative depends on, with its owner and a 1–5 quality assessment."""

    name = models.CharField(_("dataset"), max_length=200, validators=[no_line_breaks])
    owner = models.CharField(_("data owner"), max_length=200, validators=[no_line_breaks])
    completeness = models.PositiveSmallIntegerField(
        _("completeness (1–5)"), null=True, blank=True, validators=SCORE
    )
    accuracy = models.PositiveSmallIntegerField(
        _("accuracy (1–5)"), null=True, blank=True, validators=SCORE
    )
    timeliness = models.PositiveSmallIntegerField(
        _("timeliness (1–5)"), null=True, blank=True, validators=SCORE
    )
    consistency = models.PositiveSmallIntegerField(
        _("consistency (1–5)"), null=True, blank=True, validators=SCORE
    )
    known_issues = models.TextField(_("known issues"), blank=True)
    fixes = models.TextField(_("fixes"), blank=True)

    SCORES = ("completeness", "accuracy", "timeliness", "consistency")

    class Meta:
        verbose_name = _("dataset")
        verbose_name_plural = _("datasets")
        ordering = ["name"]
        default_related_name = "datasets"

    def __str__(self):
        return self.name

    @property
    def is_assessed(self) -> bool:
        return all(getattr(self, s) is not None for s in self.SCORES)

    @property
    def average_score(self):
        scores = [getattr(self, s) for s in self.SCORES if getattr(self, s) is not None]
        return sum(scores) / len(scores) if scores else None


class CommonPrinciple(PhaseItem):
    """A standard, interface or shared component used, so other units can reuse the solution."""

    class Kind(models.TextChoices):
        STANDARD = "standard", _("Standard")
        INTERFACE = "interface", _("Interface")
        SHARED_COMPONENT = "shared_component", _("Shared component")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    name = models.CharField(_("name"), max_length=200, validators=[no_line_breaks])
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("common principle")
        verbose_name_plural = _("common principles")
        ordering = ["kind", "name"]
        default_related_name = "principles"

    def __str__(self):
        return self.name
