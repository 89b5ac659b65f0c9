"""Bad input gets a clear message, never a server error (issue 15, item 8)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pytest_django.asserts import assertContains

from metrics.models import KPI
from renewal.validators import no_line_breaks

LINE_BREAK_MESSAGE = "Write this on one line: it cannot contain line breaks."


# One-line fields -------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["Permit\r\nBcc: x@example.com", "a\nb", "a\rb", "a\u2028b"])
def test_a_line_break_is_refused_in_a_one_line_field(text):
    with pytest.raises(ValidationError) as caught:
        no_line_breaks(text)
    assert caught.value.messages == [LINE_BREAK_MESSAGE]


def test_a_kpi_name_with_a_line_break_is_refused_next_to_the_field(member_client, kpi, form_data):
    edit_url = reverse("metrics:kpi_edit", args=[kpi.pk])
    form = member_client.get(edit_url).context["form"]

    response = member_client.post(edit_url, form_data(form, name="Permit time\r\nBcc: x@y.fi"))

    assertContains(response, LINE_BREAK_MESSAGE)
    assert response.context["form"].errors["name"] == [LINE_BREAK_MESSAGE]
    assert KPI.objects.get(pk=kpi.pk).name == "Permit processing time"
