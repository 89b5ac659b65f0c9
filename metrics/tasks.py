"""Background work for measurement imports: thin tasks that load by id and call the service."""

from celery import shared_task

from metrics import imports
from metrics.models import MeasurementImport


@shared_task
def check_import(import_id: int) -> None:
    imp = (
        MeasurementImport.objects.select_related("user", "initiative").filter(pk=import_id).first()
    )
    if imp is not None:
        imports.import_check(imp)


@shared_task
def store_import(import_id: int) -> None:
    imp = (
        MeasurementImport.objects.select_related("user", "initiative").filter(pk=import_id).first()
    )
    if imp is not None:
        imports.import_store(imp)
