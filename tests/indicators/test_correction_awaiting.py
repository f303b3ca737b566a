"""Correcting an approved value: until the correction is signed off the Board reads the approved value (not
a gap), every page says a correction awaits, and a returned correction leaves the approved value standing."""

from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.urls import reverse

from indicators.models import Indicator, Measurement
from reporting.snapshots import close_period, corrections
from send_portal.models import Review
from tests.factories import IndicatorFactory, PeriodFactory

pytestmark = pytest.mark.django_db

JAN = date(2026, 1, 31)


@pytest.fixture
def indicator(priority):
    return IndicatorFactory(priority=priority, code="P1-I1")


@pytest.fixture
def approved(indicator, lead, operations):
    """January's value, 30, recorded by the lead and approved by the Operations Group."""
    value, _ = indicator.record_value(period_end=JAN, value=30, by=lead)
    return value.approve(by=operations)


def correct(indicator, lead, to):
    current = indicator.measurements.get(period_end=JAN)
    value, _ = indicator.record_value(
        period_end=JAN,
        value=to,
        by=lead,
        correct=True,
        reason="Late returns",
        expected_version=current.version,
    )
    return value


def board_values(indicator):
    return [m.value for m in Indicator.objects.with_measurements().get(pk=indicator.pk).series]


def test_the_board_reads_the_approved_value_while_its_correction_awaits(
    indicator, approved, lead, operations
):
    correction = correct(indicator, lead, 35)
    assert (correction.review, correction.approved_value) == (Review.SUBMITTED, Decimal(30))

    fresh = Indicator.objects.with_measurements().get(pk=indicator.pk)
    [shown] = fresh.series
    assert (shown.value, shown.correction_pending, shown.corrected_to) == (Decimal(30), True, "35%")
    assert [m.value for m in fresh.unapproved_values] == [Decimal(35)]  # listed as awaiting sign-off
    with pytest.raises(TypeError):
        shown.save()  # the copy the Board reads is never written back

    correction.approve(by=operations)
    assert board_values(indicator) == [Decimal(35)]


def test_a_returned_correction_leaves_the_approved_value_standing(indicator, approved, lead, operations):
    correct(indicator, lead, 35).return_to_lead(by=operations, reason="The published figure is 33.")
    assert board_values(indicator) == [Decimal(30)]

    correct(indicator, lead, 33)  # answers the return: still the value approved in the first place
    assert Measurement.objects.get(pk=approved.pk).approved_value == Decimal(30)
    assert board_values(indicator) == [Decimal(30)]


def test_a_value_never_approved_is_not_read_by_the_board(indicator, lead):
    indicator.record_value(period_end=JAN, value=30, by=lead)
    correct(indicator, lead, 35)
    assert board_values(indicator) == []


def test_the_indicator_page_and_the_sign_off_queue_say_a_correction_awaits(
    client, indicator, approved, lead, operations
):
    correct(indicator, lead, 35)
    client.force_login(operations)
    page = client.get(indicator.get_absolute_url()).content.decode()
    assert "A correction to 35%</a> awaits sign-off: until then this approved value counts." in page
    assert "A correction: the readings, chart and status above use the approved value" in page
    queue = client.get(reverse("reporting:sign_off")).content.decode()
    assert "A correction of the approved value, 30%: the Board reads 30% until this is signed off." in queue


def test_a_period_closed_while_a_correction_awaits_reports_the_approved_value(
    indicator, approved, lead, operations
):
    correction = correct(indicator, lead, 35)
    period = PeriodFactory(start=date(2026, 1, 1))
    snapshot = close_period(period, by=operations)
    [entry] = snapshot.data["priorities"][0]["indicators"]
    assert entry["latest"]["text"] == "30%"
    assert corrections(period).indicators == []  # awaiting: not yet a correction of what was reported

    correction.approve(by=operations)
    period.refresh_from_db()
    [move] = corrections(period).indicators
    assert (move.was.split(" ")[0], move.now.split(" ")[0]) == ("30%", "35%")


def test_the_migration_recovers_the_approved_value_of_a_correction_made_before_it(
    indicator, approved, lead, operations
):
    migration = __import__(
        "indicators.migrations.0009_measurement_approved_value", fromlist=["keep_the_approved_values"]
    )
    correct(indicator, lead, 35)
    Measurement.objects.filter(pk=approved.pk).update(approved_value=None)  # as before the field existed
    assert board_values(indicator) == []

    migration.keep_the_approved_values_of_corrections_awaiting(apps, None)
    assert board_values(indicator) == [Decimal(30)]
