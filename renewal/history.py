"""The audit trail of an initiative, turned into lines a person can read."""

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page, Paginator
from django.db import models
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from renewal.formatting import number, short_date
from renewal.models import AuditEntry

PAGE_SIZE = 50

# An audited model, or None when the entry's content type lost its model.
ModelClass = type[models.Model] | None


@dataclass
class Change:
    field: str
    old: str
    new: str


def history_page(initiative: Any, reader: Any, page_number: Any) -> Page:
    """One page of the initiative's history, newest first, each entry made readable.

    Entries about funding applications, their comments, reviews and frozen commitments are the
    reader's only for the applications they may read (the officer rule: another funder's
    application, or one still in draft, leaves no trace here)."""
    entries = AuditEntry.objects.filter(initiative_id=initiative.pk).exclude(
        _unreadable_funding(initiative, reader)
    )
    entries = entries.select_related("actor")
    page = Paginator(entries, PAGE_SIZE).get_page(page_number)
    readable(page.object_list)
    return page


def _application_descendants(model: type[models.Model], via: str) -> list[tuple[type, str]]:
    """The audited models hanging off the application model (comments, commitments, committed
    KPIs...), each with its lookup back to the application's primary key."""
    found = []
    for relation in model._meta.related_objects:
        related = relation.related_model
        if not isinstance(related, type) or not hasattr(related, "audit_initiative_path"):
            continue
        path = f"{relation.field.name}__{via}" if via else relation.field.name
        found.append((related, path))
        found.extend(_application_descendants(related, path))
    return found


def _unreadable_funding(initiative: Any, reader: Any) -> Q:
    """The condition matching entries about funding rows the reader may not read.

    Funding sits above this module: its applications are reached through the relation the funding
    app declares on the initiative, and the decision is its queryset's `visible_to` (policy's
    officer rule for officers, the whole organisation's applications for its members)."""
    applications = initiative.funding_applications.all()
    readable_ids = applications.visible_to(reader).values("pk")
    hidden = Q(pk__in=[])
    families = [(applications.model, ""), *_application_descendants(applications.model, "")]
    for model, path in families:
        lookup = f"{path}__in" if path else "pk__in"
        readable = model._base_manager.filter(**{lookup: readable_ids}).values_list("pk", flat=True)
        content_type = ContentType.objects.get_for_model(model)
        hidden |= Q(content_type=content_type) & ~Q(object_id__in=[str(pk) for pk in readable])
    return hidden


def object_history(
    models_and_ids: list[tuple[type[models.Model], list[Any]]],
    page_number: Any,
    page_size: int = PAGE_SIZE,
) -> Page:
    """One page of the history of these objects (a KPI and its measurements, say), readable."""
    condition = Q(pk__in=[])
    for model, ids in models_and_ids:
        content_type = ContentType.objects.get_for_model(model)
        condition |= Q(content_type=content_type, object_id__in=[str(pk) for pk in ids])
    entries = AuditEntry.objects.filter(condition).select_related("actor")
    page = Paginator(entries, page_size).get_page(page_number)
    readable(page.object_list)
    return page


def readable(entries: Iterable[Any]) -> None:
    """Give each entry its kind, object and changes in the reader's words and formats."""
    content_types = ContentType.objects.in_bulk({e.content_type_id for e in entries})
    labels: dict[tuple[type, str], str] = {}
    for entry in entries:
        model = content_types[entry.content_type_id].model_class()
        entry.model = model
        entry.kind = model._meta.verbose_name if model else ""
        entry.object_label = readable_dates(entry.object_repr)
        entry.readable_changes = [
            Change(
                _label(model, name),
                _value(model, name, old, labels),
                _value(model, name, new, labels),
            )
            for name, (old, new) in entry.changes.items()
            if _shown(model, name)
        ]
    _name_bulk_written_objects(entries)


def _name_bulk_written_objects(entries: Iterable[Any]) -> None:
    """Rows written in bulk were recorded as "<kind> #<id>", in the writer's language: name the
    ones that still exist as they are named now, the others by their number alone."""
    wanted: defaultdict[type[models.Model], set[str]] = defaultdict(set)
    for entry in entries:
        if entry.model is not None and entry.object_repr.endswith(f" #{entry.object_id}"):
            entry.object_label = f"#{entry.object_id}"
            wanted[entry.model].add(entry.object_id)
    found = {
        (model, str(pk)): str(obj)
        for model, pks in wanted.items()
        for pk, obj in model._base_manager.in_bulk(pks).items()
    }
    for entry in entries:
        entry.object_label = readable_dates(
            found.get((entry.model, entry.object_id), entry.object_label)
        )


ISO_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")


def readable_dates(text: str) -> str:
    """An object's stored name with its ISO dates ("KPI 2026-11-27: 119") in the reader's short
    style: the name was written once, in no language, and is read in Finnish or Swedish."""

    def shown(match: re.Match[str]) -> str:
        try:
            return short_date(match[1])
        except ValueError:
            return match[1]

    return ISO_DATE.sub(shown, text)


def _field(model: ModelClass, name: str) -> Any:
    if model is None:
        return None
    for field in model._meta.get_fields():
        if getattr(field, "attname", None) == name or field.name == name:
            return field
    return None


def _shown(model: ModelClass, name: str) -> bool:
    """Plain id columns (a frozen commitment's link back to the live KPI) mean nothing to people."""
    field = _field(model, name)
    return not (field is not None and not field.is_relation and name.endswith("_id"))


def _label(model: ModelClass, name: str) -> str:
    field = _field(model, name)
    return str(field.verbose_name) if field is not None and hasattr(field, "verbose_name") else name


def _value(model: ModelClass, name: str, value: Any, labels: dict[tuple[type, str], str]) -> str:
    if value is None or value == "" or value == []:
        return "—"
    field = _field(model, name)
    if field is None:
        return readable_dates(str(value))
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
                labels[key] = readable_dates(str(obj)) if obj else f"#{pk}"
            names.append(labels[key])
        return ", ".join(names)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(field, models.DecimalField):
        # Stored as "97.5000"; people compare figures in their own language's format.
        return str(number(Decimal(value)))
    if isinstance(field, models.DateTimeField):
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        if timezone.is_aware(moment):
            moment = timezone.localtime(moment)
        return formats.date_format(moment, "SHORT_DATETIME_FORMAT")
    if isinstance(field, models.DateField):
        return formats.date_format(date.fromisoformat(str(value)), "SHORT_DATE_FORMAT")
    if name == "tags":
        return ", ".join(t for t in str(value).split("|") if t)
    return str(value)
