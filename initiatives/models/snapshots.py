"""Month on month: what the portfolio said about each initiative once a month."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PortfolioSnapshot(models.Model):
    """One initiative's portfolio row as the monthly job found it: phase, state, KPI status,
    verdict, signals and the money. Written only by `initiatives.snapshots.snapshot_portfolio`
    (and the demo loader), never edited: the portfolio compares today with last month's and
    draws the trend of the last twelve from these rows.

    `month` is the first day of the month the snapshot belongs to; one per initiative and month,
    so a job run twice, or two runs at once, store one."""

    initiative = models.ForeignKey(
        "initiatives.Initiative",
        verbose_name=_("initiative"),
        on_delete=models.CASCADE,
        related_name="portfolio_snapshots",
        editable=False,
    )
    month = models.DateField(_("month"), editable=False)
    phase = models.PositiveSmallIntegerField(_("phase"), editable=False)
    state = models.CharField(_("state"), max_length=20, editable=False)
    kpi_status = models.CharField(_("KPI status"), max_length=20, editable=False)
    verdict = models.CharField(
        _("stop, fix or scale"), max_length=20, null=True, blank=True, editable=False
    )
    # The codes of the paradox signals that fired (initiatives.signals.LABELS' keys).
    signals = models.JSONField(_("signals"), default=list, editable=False)
    budget_eur = models.DecimalField(
        _("planned budget (EUR)"), max_digits=14, decimal_places=2, editable=False
    )
    spent_eur = models.DecimalField(
        _("spent (EUR)"), max_digits=14, decimal_places=2, editable=False
    )
    planned_eur = models.DecimalField(
        _("planned benefit (EUR/year)"), max_digits=16, decimal_places=2, editable=False
    )
    realised_eur = models.DecimalField(
        _("realised benefit (EUR)"), max_digits=16, decimal_places=2, editable=False
    )
    taken_at = models.DateTimeField(_("taken at"), editable=False)

    class Meta:
        verbose_name = _("portfolio snapshot")
        verbose_name_plural = _("portfolio snapshots")
        ordering = ["initiative", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "month"], name="portfolio_snapshot_one_per_month"
            )
        ]
        indexes = [models.Index(fields=["month", "verdict"], name="portfolio_snapshot_trend")]

    def __str__(self):
        return f"{self.initiative_id} {self.month:%Y-%m}"
