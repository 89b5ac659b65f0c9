"""The audit trail of an initiative, turned into lines a person can read."""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext as _

from renewal.models import AuditEntry
from renewal.templatetags.renewal import number


@dataclass
class Change:
    field: str
    old: str
    new: str


def history_for(initiative, limit: int = 500):
    entries = list(
        AuditEntry.objects.filter(initiative_id=initiative.pk).select_related("actor")[:limit]
    )
    content_types = ContentType.objects.in_bulk({e.content_type_id for e in entries})
    labels: dict[tuple[type, str, object], str] = {}
    for entry in entries:
        model = content_types[entry.content_type_id].model_class()
        entry.kind = model._meta.verbose_name if model else ""
        entry.readable_changes = [
            Change(
                _label(model, name),
                _value(model, name, old, labels),
                _value(model, name, new, labels),
            )
            for name, (old, new) in entry.changes.items()
        ]
    return entries


def _field(model, name):
    if model is None:
        return None
    for field in model._meta.get_fields():
        if getattr(field, "attname", None) == name or field.name == name:
            return field
    return None


def _label(model, name) -> str:
    field = _field(model, name)
    return str(field.verbose_name) if field is not None and hasattr(field, "verbose_name") else name


def _value(model, name, value, labels) -> str:
    if value is None or value == "" or value == []:
        return "—"
    field = _field(model, name)
    if field is None:
        return str(value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        related = field.related_model
        ids = value if isinstance(value, list) else [value]
        names = []
        for pk in ids:
            key = (related, str(pk))
            if key not in labels:
                obj = related._base_manager.filter(pk=pk).first()
                labels[key] = str(obj) if obj else f"#{pk}"
            names.append(labels[key])
        return ", ".join(names)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(field, models.DecimalField):
        # Stored as "97.5000"; people compare figures in their own language's format.
        return number(Decimal(value))
    if name == "tags":
        return ", ".join(t for t in str(value).split("|") if t)
    return str(value)
