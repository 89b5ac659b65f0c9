"""Validators shared by the models of every app above the project core."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# Every character Python's str.splitlines() breaks on: CR, LF, the vertical tab and form feed,
# the file/group/record separators, NEL and the Unicode line and paragraph separators.
LINE_BREAKS = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


@deconstructible
class NoLineBreaksValidator(RegexValidator):
    """Refuse a line break in a one-line field: a name, title, unit or source with a CR/LF ends
    up in e-mail subjects, CSV cells and chart labels, where it breaks them."""

    regex = re.compile(f"[{re.escape(LINE_BREAKS)}]")
    inverse_match = True
    message = _("Write this on one line: it cannot contain line breaks.")
    code = "line_break"


no_line_breaks = NoLineBreaksValidator()


# The years a date in Renewal can fall in: earlier is a typing error (0025 for 2025), later too.
EARLIEST_DATE, LATEST_DATE = date(1900, 1, 1), date(2100, 12, 31)


@deconstructible
class PlausibleDateValidator:
    """Refuse a date before 1900 or after 2100, which no plan, review or measurement has."""

    message = _("Check the year: the date must be between 1900 and 2100.")
    code = "implausible_date"

    def __call__(self, value: date | None) -> None:
        if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PlausibleDateValidator)


plausible_date = PlausibleDateValidator()
