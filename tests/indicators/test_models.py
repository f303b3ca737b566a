from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from indicators.models import Measurement, Unit
from tests.factories import IndicatorFactory, MeasurementFactory

pytestmark = pytest.mark.django_db


def test_an_indicator_has_one_value_per_period():
    measurement = MeasurementFactory(period_end=date(2025, 6, 30))
    with pytest.raises(IntegrityError), transaction.atomic():
        MeasurementFactory(indicator=measurement.indicator, period_end=date(2025, 6, 30))


def test_a_second_value_for_a_period_fails_validation_with_a_clear_message():
    measurement = MeasurementFactory(period_end=date(2025, 6, 30))
    duplicate = Measurement(indicator=measurement.indicator, period_end=date(2025, 6, 30), value=30)
    with pytest.raises(ValidationError, match="already has a value for that period"):
        duplicate.full_clean()


def test_two_indicators_may_both_have_a_value_for_the_same_period():
    MeasurementFactory(period_end=date(2025, 6, 30))
    MeasurementFactory(period_end=date(2025, 6, 30))
    assert Measurement.objects.count() == 2


@pytest.mark.parametrize(
    ("unit", "value", "message"),
    [
        (Unit.PERCENT, Decimal("100.5"), "between 0 and 100"),
        (Unit.PERCENT, Decimal("-1"), "between 0 and 100"),
        (Unit.COUNT, Decimal("-3"), "cannot be negative"),
        (Unit.COUNT, Decimal("2.5"), "whole number"),
        (Unit.WEEKS, Decimal("-1"), "cannot be negative"),
    ],
)
def test_a_value_that_makes_no_sense_for_its_unit_is_refused(unit, value, message):
    indicator = IndicatorFactory(unit=unit, baseline_value=1, target_value=2)
    with pytest.raises(ValidationError, match=message):
        Measurement(indicator=indicator, period_end=date(2025, 6, 30), value=value).full_clean()


@pytest.mark.parametrize(
    ("unit", "value"),
    [(Unit.PERCENT, 0), (Unit.PERCENT, 100), (Unit.COUNT, 1801), (Unit.WEEKS, Decimal("10.5"))],
)
def test_a_sensible_value_is_accepted(unit, value):
    indicator = IndicatorFactory(unit=unit, baseline_value=1, target_value=2)
    Measurement(indicator=indicator, period_end=date(2025, 6, 30), value=value).full_clean()


def test_the_target_date_must_follow_the_baseline_date():
    with pytest.raises(IntegrityError), transaction.atomic():
        IndicatorFactory(baseline_date=date(2026, 1, 1), target_date=date(2025, 1, 1))


@pytest.mark.parametrize(
    ("unit", "value", "text"),
    [
        (Unit.PERCENT, Decimal("17.500"), "17.5%"),
        (Unit.COUNT, Decimal("1801.000"), "1,801"),
        (Unit.WEEKS, Decimal("104"), "104 weeks"),
        (Unit.PERCENT, 62.3, "62.3%"),  # a float, e.g. an SPC target: its shortest form, not 62.29999...
        (Unit.COUNT, 1801.0, "1,801"),
    ],
)
def test_values_are_shown_with_their_unit(unit, value, text):
    assert IndicatorFactory.build(unit=unit).format_value(value) == text
