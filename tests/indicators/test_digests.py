"""Indicator digests (indicators/digests.py): worked out from every value once, read from the cache until an
indicator, a value or a rebase changes, and pages that show a capped number of indicators in full."""

from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.digests import SHOWN, SummaryRow, digests_of, overview, plan_digests
from indicators.models import Indicator
from indicators.status import IndicatorStatus
from tests.factories import IndicatorFactory, MeasurementFactory, PriorityFactory

pytestmark = pytest.mark.django_db


def off_track_indicator(code, priority):
    """Target 50 from 10 over two years; a value of 10 a year in is well behind the trajectory."""
    indicator = IndicatorFactory(
        code=code,
        priority=priority,
        baseline_value=10,
        baseline_date=date(2024, 1, 31),
        target_value=50,
        target_date=date(2026, 1, 31),
    )
    MeasurementFactory(indicator=indicator, period_end=date(2025, 1, 31), value=10)
    return indicator


@pytest.mark.usefixtures("without_sign_off")  # approved as made; sign-off: test_sign_off.py
def test_digests_are_read_from_the_cache_until_a_value_changes():
    indicator = off_track_indicator("P1-I1", PriorityFactory(number=1))
    assert [d.status for d in plan_digests()] == [IndicatorStatus.OFF_TRACK]

    with CaptureQueriesContext(connection) as cached:
        plan_digests()
    indicator.record_value(period_end=date(2025, 1, 31), value=40, correct=True)

    assert len(cached) == 1  # the key's three aggregates in one query, no values read
    assert [d.status for d in plan_digests()] == [IndicatorStatus.ON_TRACK]


def test_deleting_a_value_or_clearing_the_cache_works_the_digests_out_again():
    indicator = off_track_indicator("P1-I1", PriorityFactory(number=1))
    MeasurementFactory(indicator=indicator, period_end=date(2025, 2, 28), value=45)
    assert [d.status for d in plan_digests()] == [IndicatorStatus.ON_TRACK]

    indicator.measurements.get(period_end=date(2025, 2, 28)).delete()  # no row left is newer
    assert [d.status for d in plan_digests()] == [IndicatorStatus.OFF_TRACK]

    Indicator.objects.filter(pk=indicator.pk).update(target_value=10)  # no signal, no `updated`
    assert [d.status for d in plan_digests()] == [IndicatorStatus.OFF_TRACK]  # kept while the key stands
    cache.clear()  # e.g. a deploy with a new cache: the process's copy is not used without it
    assert [d.status for d in plan_digests()] == [IndicatorStatus.TARGET_MET]


def test_all_indicators_digests_need_one_query_and_a_filtered_set_two():
    priority = PriorityFactory(number=1)
    first = off_track_indicator("P1-I1", priority)
    off_track_indicator("P2-I1", PriorityFactory(number=2))
    plan_digests()

    with CaptureQueriesContext(connection) as every:
        everything = digests_of(Indicator.objects.all())
    with CaptureQueriesContext(connection) as some:
        of_priority = digests_of(priority.indicators.all())

    assert (len(every), len(some)) == (1, 2)
    assert [d.pk for d in everything] == list(Indicator.objects.order_by("code").values_list("pk", flat=True))
    assert [d.pk for d in of_priority] == [first.pk]
    assert digests_of(Indicator.objects.none()) == []


def test_an_overview_counts_every_indicator_but_loads_only_those_it_shows():
    priority = PriorityFactory(number=1)
    for n in range(SHOWN + 2):
        off_track_indicator(f"P1-I{n:02}", priority)

    summary = overview(plan_digests(), shown=3, looked_at=5)

    assert (summary.count, summary.off_track) == (SHOWN + 2, SHOWN + 2)
    assert [i.code for i in summary.indicators] == ["P1-I00", "P1-I01", "P1-I02"]
    with CaptureQueriesContext(connection) as rows_read:
        rows = summary.where_to_look
    assert len(rows) == 5 and not rows_read  # the rows come with the digests
    assert rows[0] == SummaryRow.of(Indicator.objects.with_spc().get(code="P1-I00"))
    in_full = summary.to_look_at_in_full(2)
    assert [i.code for i in in_full] == ["P1-I00", "P1-I01"] and all(
        isinstance(i, Indicator) for i in in_full
    )


def test_the_dashboard_shows_the_first_indicators_to_look_at_and_links_to_all(client, board_member):
    priority = PriorityFactory(number=1)
    for n in range(SHOWN + 1):
        off_track_indicator(f"P1-I{n:02}", priority)
    client.force_login(board_member)

    page = client.get(reverse("dashboard")).content.decode()

    assert page.count("portal-spc-summary__name") == SHOWN
    assert f"These are the {SHOWN} of the plan's {SHOWN + 1} indicators to look at first." in page
    assert f"{SHOWN + 1} off track" in page
    assert f">{SHOWN + 1} indicators</a>" in page


def test_the_priority_page_shows_its_first_ten_indicators_and_links_to_the_rest(client, board_member):
    priority = PriorityFactory(number=1)
    for n in range(12):
        off_track_indicator(f"P1-I{n:02}", priority)
    client.force_login(board_member)

    page = client.get(reverse("actions:priority_detail", args=[1])).content.decode()

    assert page.count("sparkline.svg") == 10  # one per row of the priority's indicators table
    assert "See all 12 indicators of priority 1" in page
