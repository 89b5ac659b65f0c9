"""python manage.py refresh_kpi_statuses: recompute every KPI's cached latest value and status.

The domain's write paths refresh the KPIs they touch; this is the safety net after anything that
wrote around them (raw SQL, a data migration, a restored backup).
"""

from django.core.management.base import BaseCommand

from metrics.models import KPI, refresh_kpi_statuses

BATCH = 2000


class Command(BaseCommand):
    help = "Recompute the cached latest value and status of every KPI (or of one initiative's)."

    def add_arguments(self, parser):
        parser.add_argument("--initiative", type=int, help="Only this initiative's KPIs (its id).")

    def handle(self, *args, initiative, **options):
        kpis = KPI._base_manager.order_by("pk")
        if initiative is not None:
            kpis = kpis.filter(initiative_id=initiative)
        ids = list(kpis.values_list("pk", flat=True))
        for start in range(0, len(ids), BATCH):
            refresh_kpi_statuses(KPI.objects.filter(pk__in=ids[start : start + BATCH]))
        self.stdout.write(self.style.SUCCESS(f"Refreshed the status of {len(ids):,} KPIs."))
