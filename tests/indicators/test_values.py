"""How a value is written: one reading (Indicator.parse_value) for the record form and the CSV upload,
and everything the portal shows can be typed back."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from indicators import uploads
from indicators.forms import MeasurementForm
from indicators.models import Indicator, Outcome, Unit
from tests.factories import IndicatorFactory

SPELLINGS = [
    "9480",
    "9,480",
    "9480.0",
    "9,480.000",
    "1,234,567",
    "17.5",
    "0.125",
    ".5",
    "17.5%",
    "17.5 %",
    "12.5 weeks",
    "40 days",
    "9,7",
    "1,25",
    "9.480,5",
    "1,2,3",
    "9 480",
    "1e3",
    "NaN",
    "lots",
    "-5",
    "1000000000",
    "1.2345",
    "",
]


@pytest.mark.parametrize("unit", list(Unit))
@pytest.mark.parametrize(
    "value", ["0", "7", "9480", "1234567", "17.5", "0.125", "99.999", "1234.5", "999999999.999"]
)
def test_every_value_the_portal_shows_reads_back_as_the_same_value(unit, value):
    indicator = Indicator(unit=unit)
    assert indicator.parse_value(indicator.format_value(Decimal(value))) == Decimal(value)


@pytest.mark.parametrize("text", ["9480", "9,480", "9480.0", " 9,480 "])
def test_a_count_may_be_written_with_or_without_thousands_separators(text):
    assert Indicator(unit=Unit.COUNT).parse_value(text) == Decimal("9480")


@pytest.mark.parametrize("text, example", [("9,7", "9.7"), ("1,25", "1.25"), ("0,5", "0.5")])
def test_a_decimal_comma_is_refused_with_the_value_written_with_a_point(text, example):
    with pytest.raises(ValidationError) as error:
        Indicator(unit=Unit.PERCENT).parse_value(text)
    assert error.value.messages == [
        f"Use a point for decimals: {example} (a comma can only separate thousands, as in 9,480)."
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("unit", list(Unit))
def test_the_form_and_the_upload_read_every_spelling_alike(lead, priority, unit):
    indicator = IndicatorFactory(code="P1-I1", priority=priority, unit=unit)
    rows = [
        {"number": n, "code": "P1-I1", "period_end": f"{n + 1}/07/2025", "value": text, "note": ""}
        for n, text in enumerate(SPELLINGS)
    ]
    checked = uploads.check_rows(rows, lead).rows
    for text, row in zip(SPELLINGS, checked, strict=True):
        row_reason = row.reason if row.outcome == Outcome.REJECTED else ""
        form = MeasurementForm({"period_end": "31/07/2025", "value": text}, indicator=indicator)
        form.is_valid()
        if not text:  # the form asks for it; an upload row without a value is left alone
            assert form.errors["value"] == ["Enter the value"] and row.outcome == Outcome.UNCHANGED
        elif row.outcome == Outcome.REJECTED:
            assert form.errors.get("value") == [row_reason.rstrip(".")], text
        else:
            assert "value" not in form.errors and form.cleaned_data["value"] == row.value, text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "unit, hint, error",
    [
        (
            Unit.COUNT,
            "A whole number, for example 9,480.",
            "Enter the value as a whole number, for example 9,480",
        ),
        (
            Unit.PERCENT,
            "A percentage between 0 and 100, for example 17.5.",
            "Enter the value as a percentage, for example 17.5",
        ),
        (
            Unit.WEEKS,
            "A number of weeks, for example 12.5.",
            "Enter the value as a number of weeks, for example 12.5",
        ),
        (
            Unit.DAYS,
            "A number of days, for example 40.",
            "Enter the value as a number of days, for example 40",
        ),
    ],
)
def test_the_forms_hint_and_error_give_the_same_example_for_the_unit(
    client, lead, priority, unit, hint, error
):
    indicator = IndicatorFactory(code="P1-I1", priority=priority, unit=unit)
    client.force_login(lead)
    url = reverse("indicators:measurement_add", args=[indicator.code])
    response = client.post(url, {"period_end": "31/07/2025", "value": "lots"})
    assert response.context["form"].fields["value"].help_text == hint
    assert response.context["form"].errors["value"] == [error]
    assert hint in response.content.decode() and error in response.content.decode()


@pytest.mark.django_db
def test_a_count_written_as_the_indicator_page_shows_it_is_recorded(client, lead, priority):
    """Issue 12: the page showed 9,661 and the form refused 9,480."""
    indicator = IndicatorFactory(code="P1-I1", priority=priority, unit=Unit.COUNT, baseline_value=9000)
    client.force_login(lead)
    url = reverse("indicators:measurement_add", args=[indicator.code])
    response = client.post(url, {"period_end": "31/07/2025", "value": "9,480"})
    assert response.status_code == 302
    assert indicator.measurements.get(period_end=date(2025, 7, 31)).value == 9480
