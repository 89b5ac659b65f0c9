"""The one mechanism every write to an audited model goes through.

`AuditedModel.save()/delete()` and `AuditedQuerySet.update()/bulk_create()/bulk_update()/delete()`
each write their `AuditEntry` rows in the same transaction as the change, so forms, htmx edits,
the admin, bulk operations and the API are all covered on any database. Many-to-many changes are
recorded from `m2m_changed`, the only hook Django offers for them. Raw SQL is not audited: don't.
"""

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models.deletion import Collector
from django.db.models.signals import m2m_changed

from organisations.models import User
from renewal.models import AuditEntry

_actor: ContextVar[User | None] = ContextVar("audit_actor", default=None)
# Why the change was made, where the person had to say (a corrected measurement, say).
_reason: ContextVar[str] = ContextVar("audit_reason", default="")
# Django's bulk_update() runs update() per batch; bulk_update() records the change itself.
_in_bulk_update: ContextVar[bool] = ContextVar("audit_in_bulk_update", default=False)

# What one AuditEntry records: (pk, action, repr, changes, initiative_id).
Row = tuple[Any, str, str, dict[str, Any], int | None]
# A row of `values()`: attribute names to stored values.
Values = dict[str, Any]


@contextmanager
def acting_as(user: User | AnonymousUser | None, reason: str | None = None) -> Iterator[None]:
    """Attribute every audited write inside the block to `user` (None: the system), and, when
    given, record `reason` with each of them."""
    # The anonymous user, or a user not yet saved, is nobody: the change is the system's.
    token = _actor.set(user if isinstance(user, User) and user.pk else None)
    reason_token = _reason.set(reason[:1000]) if reason is not None else None
    try:
        yield
    finally:
        _actor.reset(token)
        if reason_token is not None:
            _reason.reset(reason_token)


def current_actor() -> User | None:
    return _actor.get()


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def audited_fields(model: type[models.Model] | models.Model) -> list["models.Field[Any, Any]"]:
    excluded = set(getattr(model, "audit_exclude", ()))
    return [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and f.name not in excluded and f.attname not in excluded
    ]


def _value_of(field: "models.Field[Any, Any]", instance: models.Model) -> Any:
    value = field.value_from_object(instance)
    if isinstance(field, models.DecimalField) and value is not None:
        # Scaled as the database returns it, so 97.5 in memory and 97.5000 stored compare equal.
        value = field.to_python(value).quantize(Decimal(1).scaleb(-field.decimal_places))
    return _jsonable(value)


def _values_of(instance: models.Model) -> Values:
    return {f.attname: _value_of(f, instance) for f in audited_fields(instance)}


def _diff(old: Values, new: Values) -> dict[str, Any]:
    return {name: [old.get(name), value] for name, value in new.items() if old.get(name) != value}


def _scope_path(model: type["AuditedModel"]) -> str:
    return model.audit_initiative_path


def _write(model: type[models.Model], rows: Iterable[Row]) -> list[AuditEntry]:
    actor = current_actor()
    content_type = ContentType.objects.get_for_model(model)
    entries = [
        AuditEntry(
            actor=actor,
            actor_name=str(actor) if actor else "",
            action=action,
            content_type=content_type,
            object_id=str(pk),
            object_repr=label[:200],
            initiative_id=initiative_id,
            changes=changes,
            reason=_reason.get(),
        )
        for pk, action, label, changes, initiative_id in rows
    ]
    return AuditEntry.objects.bulk_create(entries)


def _rows_by_pk(
    model: type["AuditedModel"], pks: Iterable[Any], attnames: Sequence[str], using: str
) -> dict[Any, Values]:
    path = _scope_path(model)
    fields = ["pk", *attnames] + ([path] if path not in ("pk", *attnames) else [])
    rows = model._base_manager.using(using).filter(pk__in=list(pks)).values(*fields)
    return {row["pk"]: row for row in rows}


def _scope_of(row: Values, model: type["AuditedModel"]) -> int | None:
    path = _scope_path(model)
    return row.get(path) if path != "pk" else row["pk"]


def _record_bulk_change(
    model: type["AuditedModel"],
    before: dict[Any, Values],
    after: dict[Any, Values],
    attnames: Sequence[str],
    using: str,
) -> None:
    rows: list[Row] = []
    for pk, new_row in after.items():
        old = {a: _jsonable(before.get(pk, {}).get(a)) for a in attnames}
        new = {a: _jsonable(new_row.get(a)) for a in attnames}
        changes = _diff(old, new)
        if changes:
            rows.append(
                (
                    pk,
                    "update",
                    f"{model._meta.verbose_name} #{pk}",
                    changes,
                    _scope_of(new_row, model),
                )
            )
    if rows:
        _write(model, rows)


def _record_deletions(collector: Collector) -> None:
    for model, instances in collector.data.items():
        if issubclass(model, AuditedModel):
            _write(
                model,
                [
                    (
                        o.pk,
                        "delete",
                        str(o),
                        {k: [v, None] for k, v in _values_of(o).items()},
                        o.audit_initiative_id(),
                    )
                    for o in instances
                    if isinstance(o, AuditedModel)  # all of them: they are `model`'s rows
                ],
            )
    for qs in collector.fast_deletes:
        model = qs.model
        if issubclass(model, AuditedModel):
            attnames = [f.attname for f in audited_fields(model)]
            rows = _rows_by_pk(model, qs.values_list("pk", flat=True), attnames, qs.db)
            _write(
                model,
                [
                    (
                        pk,
                        "delete",
                        f"{model._meta.verbose_name} #{pk}",
                        {a: [_jsonable(row[a]), None] for a in attnames},
                        _scope_of(row, model),
                    )
                    for pk, row in rows.items()
                ],
            )


def _attname(model: type[models.Model] | models.Model, name: str) -> str:
    # update(), bulk_update() and update_fields name the model's own columns, never a relation.
    return model._meta.get_field(name).attname  # type: ignore[union-attr]


def _collect(objs: "Sequence[models.Model] | models.QuerySet[Any]", using: str) -> Collector:
    collector = Collector(using=using)
    collector.collect(objs)
    return collector


class AuditedQuerySet[M: "AuditedModel"](models.QuerySet[M]):
    def update(self, **kwargs: Any) -> int:
        if _in_bulk_update.get():
            return super().update(**kwargs)
        attnames = [_attname(self.model, name) for name in kwargs]
        with transaction.atomic(using=self.db):
            before = {row["pk"]: row for row in self.values("pk", *attnames)}
            count = super().update(**kwargs)
            if before:
                after = _rows_by_pk(self.model, before, attnames, self.db)
                _record_bulk_change(self.model, before, after, attnames, self.db)
        return count

    update.alters_data = True  # type: ignore[attr-defined]  # Django's marker, as on QuerySet

    def bulk_create(self, objs: Iterable[M], *args: Any, **kwargs: Any) -> list[M]:
        with transaction.atomic(using=self.db):
            created = super().bulk_create(objs, *args, **kwargs)
            pks = [o.pk for o in created if o.pk is not None]
            scopes = _rows_by_pk(self.model, pks, [], self.db) if pks else {}
            _write(
                self.model,
                [
                    (
                        o.pk,
                        "create",
                        str(o),
                        _diff({}, _values_of(o)),
                        _scope_of(scopes.get(o.pk, {"pk": o.pk}), self.model),
                    )
                    for o in created
                    if o.pk is not None
                ],
            )
        return created

    def bulk_update(
        self, objs: Iterable[M], fields: Iterable[str], *args: Any, **kwargs: Any
    ) -> int:
        attnames = [_attname(self.model, name) for name in fields]
        pks = [o.pk for o in objs]
        with transaction.atomic(using=self.db):
            before = _rows_by_pk(self.model, pks, attnames, self.db)
            token = _in_bulk_update.set(True)
            try:
                count = super().bulk_update(objs, fields, *args, **kwargs)
            finally:
                _in_bulk_update.reset(token)
            after = _rows_by_pk(self.model, pks, attnames, self.db)
            _record_bulk_change(self.model, before, after, attnames, self.db)
        return count

    def delete(self) -> tuple[int, dict[str, int]]:
        with transaction.atomic(using=self.db):
            _record_deletions(_collect(self.all(), self.db))  # all(): a copy, as _chain()
            return super().delete()

    delete.alters_data = True  # type: ignore[attr-defined]  # Django's marker, as on QuerySet


AuditedManager = models.Manager.from_queryset(AuditedQuerySet)


class AuditedModel(models.Model):
    """A model whose every change leaves one AuditEntry (who, when, old and new values).

    Subclasses set `audit_initiative_path`: the lookup from a row to the initiative whose history
    shows the change ("pk", "initiative_id", "kpi__initiative_id").
    """

    audit_initiative_path: str = "pk"
    # Left on an instance between the m2m_changed signals of one change (see _record_m2m).
    _audit_m2m_before: list[Any]
    _audit_m2m_removed: tuple[str, AuditEntry, list[Any], list[Any]] | None
    _audit_created: tuple[AuditEntry, set[str]]

    objects = AuditedManager()

    class Meta:
        abstract = True

    def audit_initiative_id(self) -> int | None:
        path = self.audit_initiative_path
        value: int | None
        if path == "pk":
            value = self.pk
        elif "__" not in path:
            value = getattr(self, path)
        else:
            relation, rest = path.split("__", 1)
            related = getattr(self, relation, None)
            value = getattr(related, rest, None) if related is not None else None
        return value

    def save(self, *args: Any, **kwargs: Any) -> None:
        using = kwargs.get("using") or self._state.db or "default"
        update_fields = kwargs.get("update_fields")
        with transaction.atomic(using=using):
            old = None
            if not self._state.adding and self.pk is not None:
                attnames = [f.attname for f in audited_fields(self)]
                old = _rows_by_pk(type(self), [self.pk], attnames, using).get(self.pk)
            super().save(*args, **kwargs)
            new = _values_of(self)
            if update_fields is not None:
                names = {_attname(self, n) for n in update_fields}
                new = {k: v for k, v in new.items() if k in names}
            if old is None:
                [entry] = _write(
                    type(self),
                    [(self.pk, "create", str(self), _diff({}, new), self.audit_initiative_id())],
                )
                # A form saves the many-to-many fields right after the row: they join this entry.
                self._audit_created = (entry, {f.attname for f in self._meta.many_to_many})
            else:
                changes = _diff({k: _jsonable(v) for k, v in old.items()}, new)
                if changes:
                    _write(
                        type(self),
                        [(self.pk, "update", str(self), changes, self.audit_initiative_id())],
                    )

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        using = kwargs.get("using") or self._state.db or "default"
        with transaction.atomic(using=using):
            _record_deletions(_collect([self], using))
            return super().delete(*args, **kwargs)


def _record_m2m(
    sender: type[models.Model],
    instance: models.Model,
    action: str,
    model: type[models.Model],
    pk_set: set[Any] | None,
    reverse: bool,
    **kwargs: Any,
) -> None:
    if reverse or not isinstance(instance, AuditedModel):
        return
    field = next((f for f in instance._meta.many_to_many if f.remote_field.through is sender), None)
    if field is None:
        return
    if action in ("pre_add", "pre_remove", "pre_clear"):
        instance._audit_m2m_before = sorted(
            getattr(instance, field.name).values_list("pk", flat=True)
        )
        if action != "pre_add":
            instance._audit_m2m_removed = None
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    before = getattr(instance, "_audit_m2m_before", [])
    after = sorted(getattr(instance, field.name).values_list("pk", flat=True))
    removed, instance._audit_m2m_removed = getattr(instance, "_audit_m2m_removed", None), None
    if action == "post_add" and removed and removed[0] == field.attname and removed[3] == before:
        # set() (and so every form) removes, then adds: one change, so one entry, updated here.
        _, entry, original, _ = removed
        if original == after:
            type(entry).objects.filter(pk=entry.pk).delete()
        else:
            entry.changes = {field.attname: [original, after]}
            type(entry).objects.filter(pk=entry.pk).update(changes=entry.changes)
        return
    created = getattr(instance, "_audit_created", None)
    if created is not None and field.attname in created[1]:
        created[1].discard(field.attname)
        if action == "post_add" and not before:
            # Links set on a row just created are part of its creation: one change, one entry.
            entry = created[0]
            entry.changes[field.attname] = [None, after]
            type(entry).objects.filter(pk=entry.pk).update(changes=entry.changes)
            return
    if before != after:
        [entry] = _write(
            type(instance),
            [
                (
                    instance.pk,
                    "update",
                    str(instance),
                    {field.attname: [before, after]},
                    instance.audit_initiative_id(),
                )
            ],
        )
        if action != "post_add":
            instance._audit_m2m_removed = (field.attname, entry, before, after)


m2m_changed.connect(_record_m2m, dispatch_uid="renewal.audit.m2m")


def record(instance: models.Model, action: str, changes: dict[str, Any]) -> AuditEntry:
    """One explicit AuditEntry for a model that is not an AuditedModel (a row of the project core,
    which audit.py cannot subclass from without an import cycle), by the current actor."""
    return _write(type(instance), [(instance.pk, action, str(instance), _jsonable(changes), None)])[
        0
    ]
