"""Sign-off of indicator values: a value a lead records awaits the Operations Group, and every reading
(status, digests, chart, API) is made from approved values; approving it changes the readings at once,
through the digests' cache too."""

from datetime import date

import pytest
from django.urls import reverse

from indicators.charts import TRAJECTORY, chart_cache_key
from indicators.digests import plan_digests
from indicators.models import Indicator
from indicators.status import IndicatorStatus
from send_portal.models import Review
from tests.api.conftest import token_client
from tests.factories import IndicatorFactory, MeasurementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def indicator(priority):
    """Target 50 from 10 over two years; 10 a year in is off track, 40 is on track."""
    indicator = IndicatorFactory(
        code="P1-I1",
        priority=priority,
        baseline_value=10,
        baseline_date=date(2024, 1, 31),
        target_value=50,
        target_date=date(2026, 1, 31),
    )
    MeasurementFactory(indicator=indicator, period_end=date(2025, 1, 31), value=10)
    return indicator


def test_a_leads_value_is_not_read_until_it_is_approved(indicator, lead, operations, board_member, client):
    assert [d.status for d in plan_digests()] == [IndicatorStatus.OFF_TRACK]
    key_before = chart_cache_key(Indicator.objects.get(pk=indicator.pk), TRAJECTORY)

    value, _ = indicator.record_value(period_end=date(2025, 2, 28), value=45, by=lead)

    assert value.review == Review.SUBMITTED
    fresh = Indicator.objects.with_measurements().get(pk=indicator.pk)
    assert [m.period_end for m in fresh.series] == [date(2025, 1, 31)]
    assert fresh.values_awaiting == 1
    assert [d.status for d in plan_digests()] == [IndicatorStatus.OFF_TRACK]
    client.force_login(board_member)
    page = client.get(indicator.get_absolute_url()).content.decode()
    assert "1 value awaiting sign-off" in page and "Values not yet signed off" in page
    row = token_client(board_member).get("/api/v1/indicators/").json()["results"][0]
    assert row["latest_period_end"] == "2025-01-31"

    value.approve(by=operations, expected_version=value.version)

    assert [d.status for d in plan_digests()] == [IndicatorStatus.ON_TRACK]  # the cache key moved
    assert chart_cache_key(Indicator.objects.get(pk=indicator.pk), TRAJECTORY) != key_before
    row = token_client(board_member).get("/api/v1/indicators/").json()["results"][0]
    assert row["latest_period_end"] == "2025-02-28"


def test_a_returned_value_stays_out_of_the_readings_with_its_reason_on_the_page(
    indicator, lead, operations, client
):
    value, _ = indicator.record_value(period_end=date(2025, 2, 28), value=45, by=lead)
    value.return_to_lead(by=operations, reason="The published figure is 41.")
    client.force_login(lead)

    page = client.get(indicator.get_absolute_url()).content.decode()

    assert "The published figure is 41." in page
    assert "Returned to the lead" in page
    assert [d.status for d in plan_digests()] == [IndicatorStatus.OFF_TRACK]


def test_the_api_gives_each_values_sign_off_state(indicator, lead, operations):
    indicator.record_value(period_end=date(2025, 2, 28), value=45, by=lead)

    rows = token_client(operations).get("/api/v1/measurements/").json()["results"]

    assert [(r["period_end"], r["review"]) for r in rows] == [
        ("2025-01-31", "approved"),
        ("2025-02-28", "submitted"),
    ]


def test_with_sign_off_turned_off_a_value_is_read_at_once(indicator, lead, without_sign_off):
    indicator.record_value(period_end=date(2025, 2, 28), value=45, by=lead)

    assert [d.status for d in plan_digests()] == [IndicatorStatus.ON_TRACK]


def test_the_record_page_offers_to_correct_a_returned_value(indicator, lead, operations, client):
    value, _ = indicator.record_value(period_end=date(2025, 2, 28), value=45, by=lead)
    value.return_to_lead(by=operations, reason="Check it.")
    client.force_login(lead)

    response = client.get(
        reverse("indicators:measurement_add", args=[indicator.code]) + "?period_end=2025-02-28"
    )

    assert response.context["form"].initial["correct"] is True
