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


def recover(queryset=None) -> int:
    """Recover the stale imports among these (all by default): each is queued again once, or
    failed with a message its owner sees. The number recovered."""
    count = 0
    for imp in imports.stale_imports(queryset).order_by("pk"):
        again = imports.recover_stale(imp)
        if again == "check":
            check_import.delay(imp.pk)
        elif again == "store":
            store_import.delay(imp.pk)
        count += 1
    return count


@shared_task(name="metrics.recover_stale_imports")
def recover_stale_imports() -> int:
    """Periodic (beat): imports whose worker died are queued again or failed."""
    return recover()
