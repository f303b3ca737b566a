"""The period pages run the same number of queries for a plan of 1 and of 10 times the rows (STYLE rule 23)."""

from datetime import date

import pytest
from django.urls import reverse

from actions.models import Status
from reporting.models import CloseStatus, PeriodCloseRequest
from reporting.snapshots import close_period
from send_portal.models import Review
from tests.factories import (
    ActionFactory,
    IndicatorFactory,
    MeasurementFactory,
    PeriodFactory,
    PriorityFactory,
    ProgressUpdateFactory,
)
from tests.test_query_counts import count_queries

pytestmark = pytest.mark.django_db


def add_plan(n):
    """n actions with updates in January and February 2026 (one awaiting sign-off), n indicators with values."""
    for i in range(n):
        priority = PriorityFactory(number=(i % 5) + 1)
        action = ActionFactory(
            priority=priority, start_date=date(2025, 10, 1), due_date=date(2026, 1, 15 + i % 10)
        )
        ProgressUpdateFactory(action=action, date=date(2026, 1, 5), status=Status.ON_TRACK)
        ProgressUpdateFactory(action=action, date=date(2026, 2, 5), status=Status.AT_RISK, mitigation="x")
        ProgressUpdateFactory(action=action, date=date(2026, 2, 6), review=Review.SUBMITTED)
        ActionFactory(priority=priority, start_date=date(2025, 10, 1), due_date=date(2026, 6, 30))
        indicator = IndicatorFactory(priority=priority)
        MeasurementFactory(indicator=indicator, period_end=date(2025, 12, 31), value=20 + i)
        MeasurementFactory(indicator=indicator, period_end=date(2026, 1, 31), value=30 + i)


@pytest.fixture
def periods(operations):
    january = PeriodFactory(start=date(2026, 1, 1))
    february = PeriodFactory(start=date(2026, 2, 1))
    march = PeriodFactory(start=date(2026, 3, 1))
    return january, february, march


def urls(january, february, march):
    return [
        reverse("reporting:period_list"),
        march.get_absolute_url(),  # open
        february.get_absolute_url(),  # closed: as reported, with corrections
        f"{reverse('reporting:period_compare')}?from={january.pk}&to={february.pk}",
    ]


@pytest.mark.parametrize("page", range(4))
def test_a_period_page_runs_the_same_number_of_queries_for_1_and_10_times_the_plan(
    client, operations, periods, page, django_assert_max_num_queries
):
    january, february, march = periods
    client.force_login(operations)

    add_plan(1)
    close_period(january, by=operations)
    close_period(february, by=operations)
    url = urls(january, february, march)[page]
    count_queries(client, url)  # warm per-process caches (digests, content types, sessions)
    small = count_queries(client, url)

    # Ten times the plan, in two more closed periods (a period closes once): the same page, the same count.
    april, may = PeriodFactory(start=date(2026, 4, 1)), PeriodFactory(start=date(2026, 5, 1))
    add_plan(9)
    close_period(april, by=operations)
    close_period(may, by=operations)
    big_urls = urls(april, may, march)
    count_queries(client, big_urls[page])
    assert count_queries(client, big_urls[page]) == small
    with django_assert_max_num_queries(25):
        client.get(big_urls[page])


def test_the_page_of_a_period_being_closed_runs_the_queries_of_an_open_one(client, operations, periods):
    january, february, march = periods
    client.force_login(operations)
    add_plan(3)
    PeriodCloseRequest.objects.create(period=january, requested_by=operations)
    PeriodCloseRequest.objects.create(period=february, status=CloseStatus.FAILED, error="Disk full")
    count_queries(client, january.get_absolute_url())  # warm per-process caches
    open_page = count_queries(client, march.get_absolute_url())
    assert count_queries(client, january.get_absolute_url()) == open_page  # being closed
    assert count_queries(client, february.get_absolute_url()) == open_page  # closing failed
