"""Form pieces shared by every app: tolerant number input and refusing silent overwrites."""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django import forms
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from renewal.models import AuditEntry, SubmissionToken


class NumberField(forms.DecimalField):
    """A decimal typed the way people type it: "1 234,5" and "1234.5" both mean 1234.5."""

    widget = forms.TextInput

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 16)
        kwargs.setdefault("decimal_places", 4)
        super().__init__(**kwargs)
        self.error_messages["invalid"] = _("Enter a number, for example 12.5 or 12,5.")

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("step", None)
        attrs.update({"inputmode": "decimal", "autocomplete": "off"})
        return attrs

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
            value = value.replace("\u2212", "-")
            if "," in value and "." not in value:
                value = value.replace(",", ".")
            # 1e6, NaN and Infinity parse as decimals, but nobody types them meaning a figure.
            if value and not all(c in "0123456789.+-" for c in value):
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            if value:
                try:
                    Decimal(value)
                except InvalidOperation:
                    raise forms.ValidationError(
                        self.error_messages["invalid"], code="invalid"
                    ) from None
        return super().to_python(value)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class ConflictError(Exception):
    def __init__(self, current):
        super().__init__("edit conflict")
        self.current = current


class VersionedModelForm(forms.ModelForm):
    """Refuses a save when someone else saved the object after this form was opened.

    The form carries the version it was opened at; the save locks the row and compares. On a
    conflict the form keeps what the user typed, shows the other person's values beside it and
    takes the new version, so a deliberate second save goes through.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict = []
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    @transaction.atomic
    def save(self, commit=True):
        if self.instance.pk:
            model = type(self.instance)
            current = model._base_manager.select_for_update().get(pk=self.instance.pk)
            if current.version != self.cleaned_data.get("version"):
                raise ConflictError(current)
            self.instance.version = current.version + 1
        return super().save(commit)

    def show_conflict(self, current, changed_by=None):
        """Turn the form into a conflict report: their values beside the user's, nothing lost."""
        data = self.data.copy()
        data[self.add_prefix("version")] = current.version
        self.data = data
        for name, field in self.fields.items():
            if name == "version" or name not in self.cleaned_data:
                continue
            theirs = field.prepare_value(getattr(current, name, None))
            if hasattr(theirs, "all"):
                theirs = list(theirs.all())
            mine = self.cleaned_data[name]
            if _display(field, theirs) != _display(field, mine):
                self.conflict.append((field.label, _display(field, theirs), _display(field, mine)))
        who = str(changed_by) if changed_by else _("Someone else")
        self.add_error(
            None,
            _(
                "%(who)s saved a change while you were editing. Nothing was overwritten: your "
                "changes are still in the form and theirs are listed below. Check both, then "
                "save again to keep yours."
            )
            % {"who": who},
        )


def _display(field, value) -> str:
    if value in (None, ""):
        return "—"
    if isinstance(field, forms.ModelMultipleChoiceField):
        return ", ".join(sorted(str(v) for v in value)) or "—"
    if isinstance(field, forms.ModelChoiceField):
        if hasattr(value, "pk"):
            return str(value)
        obj = field.queryset.filter(pk=value).first()
        return str(obj) if obj else str(value)
    if isinstance(field, forms.TypedChoiceField | forms.ChoiceField):
        return str(dict(field.choices).get(value, value))
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def save_or_show_conflict(form: VersionedModelForm, obj) -> bool:
    """Save the form; on an edit conflict turn it into the conflict report and return False."""
    try:
        form.save()
    except ConflictError as conflict:
        last = (
            AuditEntry.objects.filter(
                content_type__app_label=obj._meta.app_label,
                content_type__model=obj._meta.model_name,
                object_id=str(obj.pk),
            )
            .select_related("actor")
            .first()
        )
        form.show_conflict(conflict.current, changed_by=last.actor if last else None)
        return False
    return True


class OncePerSubmission(forms.Form):
    """A create form carries a hidden one-time key, so one submission creates one row.

    Mix it into a create form (before forms.Form / ModelForm) and save inside `submitted_once`.
    """

    submission = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["submission"].initial = uuid.uuid4().hex


@dataclass
class Submission:
    replayed: bool = False
    url: str = ""  # where the result is shown: set it after creating; a replay reads it
    token: SubmissionToken | None = None


@contextmanager
def submitted_once(request, form) -> Iterator[Submission]:
    """Claim the form's one-time key, in one transaction with the create it guards.

        with submitted_once(request, form) as once:
            if once.replayed:
                return redirect(once.url or fallback)
            obj = form.save()
            once.url = obj.get_absolute_url()

    A second request with the same key (a double click, a replay) waits for the first one's
    transaction on the unique key and then finds it: `replayed` is true and `url` is the first
    one's result. A form posted without a key (an old page, a script) creates as before.
    """
    key = (form.cleaned_data.get("submission") or "").strip()
    user = request.user if request.user.is_authenticated else None
    with transaction.atomic():
        once = Submission()
        if key:
            try:
                with transaction.atomic():
                    once.token = SubmissionToken.objects.create(key=key, user=user)
            except IntegrityError:
                first = SubmissionToken.objects.filter(key=key, user=user).first()
                once.replayed, once.url = True, first.result_url if first else ""
        yield once
        if once.token is not None and once.url:
            once.token.result_url = once.url[:500]
            once.token.save(update_fields=["result_url"])
        elif once.token is not None:  # nothing was created (refused): the key may be used again
            once.token.delete()


def earlier_result(request, form) -> str | None:
    """Where an already-used one-time key led, read before validation: for create forms whose
    own checks would refuse the replay as a duplicate ("already recorded") instead of landing
    on the first one's result."""
    key = (form.data.get(form.add_prefix("submission")) or "").strip()
    if not key or not request.user.is_authenticated:
        return None
    token = SubmissionToken.objects.filter(key=key, user=request.user).exclude(result_url="")
    return token.values_list("result_url", flat=True).first()
