"""An indicator judged on its values, and Indicator.record_value: adding, correcting, keeping history."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import FETCH_RAISE
from django.utils import timezone

from indicators.models import Direction, Indicator, IndicatorStatus, Measurement, Outcome, Unit
from indicators.status import Travel
from tests.factories import IndicatorFactory, MeasurementFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_indicator_with_no_values_has_no_data_yet():
    assert IndicatorFactory().status == IndicatorStatus.NO_DATA


def test_an_indicator_is_judged_on_its_latest_value():
    indicator = IndicatorFactory(baseline_value=20, target_value=60)
    MeasurementFactory(indicator=indicator, period_end=date(2025, 6, 30), value=10)
    MeasurementFactory(indicator=indicator, period_end=date(2026, 12, 31), value=60)
    assert indicator.status == IndicatorStatus.TARGET_MET


def test_an_indicators_direction_of_travel_compares_its_latest_two_values():
    indicator = IndicatorFactory(direction=Direction.LOWER_IS_BETTER, unit=Unit.COUNT)
    MeasurementFactory(indicator=indicator, period_end=date(2025, 11, 30), value=553)
    MeasurementFactory(indicator=indicator, period_end=date(2025, 12, 31), value=360)
    assert indicator.travel == Travel.IMPROVING
    assert indicator.movement == ("▼", "down")


def test_the_list_queryset_judges_every_indicator_without_a_query_per_indicator(django_assert_num_queries):
    for _ in range(3):
        MeasurementFactory.create_batch(3, indicator=IndicatorFactory())
    with django_assert_num_queries(2):  # the indicators, then all their values
        for indicator in Indicator.objects.for_table().fetch_mode(FETCH_RAISE):
            assert indicator.status and indicator.freshness() and indicator.priority.number
            assert indicator.travel is not None


def test_the_status_sentence_states_the_latest_value_and_the_status():
    indicator = IndicatorFactory(name="EHC plans within 20 weeks", baseline_value=20, target_value=60)
    MeasurementFactory(indicator=indicator, period_end=date(2026, 1, 31), value=Decimal("28.7"))
    assert indicator.status_sentence() == (
        "EHC plans within 20 weeks: 28.7% for the period ending 31 January 2026, off track: behind the "
        "trajectory's 40.9% (target 60% by 31 December 2026)."
    )


def test_recording_a_value_adds_it_for_its_period(lead):
    indicator = IndicatorFactory()
    measurement, outcome = indicator.record_value(
        period_end=date(2025, 6, 30), value=Decimal("31.5"), by=lead
    )
    assert outcome == Outcome.ADDED
    measurement.refresh_from_db()
    assert (measurement.value, measurement.recorded_by, measurement.is_illustrative) == (
        Decimal("31.5"),
        lead,
        False,
    )


def test_a_value_for_a_period_that_has_not_ended_is_refused():
    indicator = IndicatorFactory()
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(ValidationError, match="The period must have ended"):
        indicator.record_value(period_end=tomorrow, value=30)


def test_a_value_that_makes_no_sense_for_the_unit_is_refused():
    indicator = IndicatorFactory(unit=Unit.PERCENT)
    with pytest.raises(ValidationError, match="between 0 and 100"):
        indicator.record_value(period_end=date(2025, 6, 30), value=Decimal("120"))
    assert not Measurement.objects.exists()


def test_a_second_value_for_a_period_is_refused_unless_it_is_a_correction():
    measurement = MeasurementFactory(period_end=date(2025, 6, 30), value=25)
    with pytest.raises(ValidationError, match="already has a value of 25%"):
        measurement.indicator.record_value(period_end=date(2025, 6, 30), value=30)
    measurement.refresh_from_db()
    assert measurement.value == 25


def test_a_correction_keeps_the_old_value_who_changed_it_and_when(lead):
    measurement = MeasurementFactory(period_end=date(2025, 6, 30), value=25, is_illustrative=True)
    indicator = measurement.indicator

    _, outcome = indicator.record_value(
        period_end=date(2025, 6, 30), value=30, note="Late returns added", by=lead, correct=True, reason="Fix"
    )

    assert outcome == Outcome.CORRECTED
    measurement.refresh_from_db()
    assert (measurement.value, measurement.is_illustrative) == (30, False)
    [correction] = indicator.corrections()
    assert (correction.old_value, correction.new_value, correction.by) == ("25%", "30%", lead)
    assert correction.note == "Late returns added"
    assert timezone.now() - correction.at < timedelta(minutes=1)
    assert measurement.history.first().history_change_reason == "Fix"


def test_corrections_are_listed_newest_first():
    measurement = MeasurementFactory(period_end=date(2025, 6, 30), value=25)
    indicator = measurement.indicator
    for value in (26, 27):
        indicator.record_value(period_end=date(2025, 6, 30), value=value, note=f"To {value}", correct=True)
    assert [c.new_value for c in indicator.corrections()] == ["27%", "26%"]


def test_a_change_to_a_note_alone_is_not_listed_as_a_correction_of_the_value():
    measurement = MeasurementFactory(period_end=date(2025, 6, 30), value=25)
    measurement.indicator.record_value(
        period_end=date(2025, 6, 30), value=25, note="Source: SEN2", correct=True
    )
    assert measurement.indicator.corrections() == []


def test_correcting_a_value_to_what_is_already_recorded_changes_nothing():
    measurement = MeasurementFactory(period_end=date(2025, 6, 30), value=25)
    _, outcome = measurement.indicator.record_value(period_end=date(2025, 6, 30), value=25, correct=True)
    assert outcome == Outcome.UNCHANGED
    assert measurement.history.count() == 1


@pytest.mark.usefixtures("without_sign_off")  # approved as made; sign-off: test_sign_off.py
def test_a_new_value_updates_the_indicators_status_at_once():
    indicator = IndicatorFactory(baseline_value=20, target_value=60)
    assert indicator.status == IndicatorStatus.NO_DATA
    indicator.record_value(period_end=date(2025, 6, 30), value=60, by=UserFactory())
    assert indicator.status == IndicatorStatus.TARGET_MET
