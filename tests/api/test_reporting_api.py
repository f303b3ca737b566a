"""The API's highlight reports and reporting periods: what the Board was told, with its sign-off, and a
closed period's plan as reported, exactly as its snapshot keeps it."""

import csv
import io
import json
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from reporting.models import Assessment
from reporting.snapshots import close_period
from send_portal.models import Review
from tests.api.conftest import token_client
from tests.factories import (
    ActionFactory,
    HighlightReportFactory,
    IndicatorFactory,
    MeasurementFactory,
    MeetingFactory,
    PeriodFactory,
    PriorityFactory,
    ProgressUpdateFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def reported(priority, operations):
    """A January period closed with the priority's approved report to the February Board, and a report
    of another priority awaiting sign-off."""
    meeting = MeetingFactory(date=date(2026, 2, 12))
    action = ActionFactory(ref="P1.1", priority=priority)
    ProgressUpdateFactory(action=action, date=date(2026, 1, 10))
    indicator = IndicatorFactory(code="P1-I1", priority=priority)
    MeasurementFactory(indicator=indicator, period_end=date(2025, 12, 31), value=30)
    report = HighlightReportFactory(
        priority=priority, meeting=meeting, assessment=Assessment.SOME_CONCERNS, reason="Slower than planned."
    )
    report.actions.add(action)
    report.indicators.add(indicator)
    HighlightReportFactory(
        priority=PriorityFactory(number=2), meeting=meeting, review=Review.SUBMITTED, reason="Draft."
    )
    closed = PeriodFactory(start=date(2026, 1, 1), meeting=meeting)
    close_period(closed, by=operations)
    open_period = PeriodFactory(start=date(2026, 2, 1))
    return {"meeting": meeting, "report": report, "closed": closed, "open": open_period}


def test_highlight_reports_say_their_sign_off_and_cite_by_reference(reported, board_member):
    api = token_client(board_member)
    answer = api.get(reverse("api:highlightreport-list")).json()
    by_priority = {row["priority"]: row for row in answer["results"]}
    assert by_priority[1]["reason"] == "Slower than planned."
    assert (by_priority[1]["actions"], by_priority[1]["indicators"]) == (["P1.1"], ["P1-I1"])
    assert (by_priority[1]["review"], by_priority[2]["review_label"]) == ("approved", "Awaiting sign-off")
    assert by_priority[1]["url"].endswith(reported["report"].get_absolute_url())

    approved = api.get(reverse("api:highlightreport-list"), {"review": "approved"}).json()["results"]
    assert [row["priority"] for row in approved] == [1]


def test_a_closed_period_holds_its_snapshot_and_an_open_one_none(reported, board_member):
    api = token_client(board_member)
    listed = api.get(reverse("api:period-list")).json()["results"]
    assert [(row["label"], row["status"]) for row in listed] == [
        ("January 2026", "closed"),
        ("February 2026", "open"),
    ]
    assert [row["being_closed"] for row in listed] == [False, False]
    assert "as_reported" not in listed[0]  # the snapshot (about 1 MB at ten times the plan) only in detail

    closed = api.get(reverse("api:period-detail", args=[reported["closed"].pk])).json()
    reported["closed"].snapshot.refresh_from_db()
    assert closed["as_reported"] == reported["closed"].snapshot.data
    assert closed["as_reported"]["priorities"][0]["summary"]["report"]["reason"] == "Slower than planned."
    assert api.get(reverse("api:period-detail", args=[reported["open"].pk])).json()["as_reported"] is None


def test_a_period_as_csv_keeps_the_snapshot_as_json_text(reported, operations):
    api = token_client(operations)
    response = api.get(reverse("api:period-detail", args=[reported["closed"].pk]), {"format": "csv"})
    [row] = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert json.loads(row["as_reported"])["as_of"] == "2026-01-31"


def test_the_lists_take_a_fixed_number_of_queries(reported, operations, django_assert_max_num_queries):
    api = token_client(operations)
    for more in range(3, 6):
        HighlightReportFactory(priority=PriorityFactory(number=more), meeting=reported["meeting"])
        PeriodFactory(start=date(2026, more, 1))
    with django_assert_max_num_queries(12):
        assert api.get(reverse("api:highlightreport-list")).status_code == 200
    with django_assert_max_num_queries(10):
        assert api.get(reverse("api:period-list")).status_code == 200


def test_a_rewritten_report_and_a_closed_period_appear_in_the_changes(reported, operations):
    before = timezone.now()
    report = reported["report"]
    report.reason = "Rewritten."
    report.save()
    close_period(reported["open"], by=operations)

    changes = token_client(operations).get(reverse("api:changes"), {"updated_since": before.isoformat()})
    found = {(c["record_type"], c["record_id"], c["change"]) for c in changes.json()["results"]}
    assert ("highlight_report", report.pk, "changed") in found
    assert ("period", reported["open"].pk, "changed") in found


def test_a_period_being_closed_says_so(reported, operations):
    from reporting.tasks import request_period_close

    with_closing = reported["open"]
    request_period_close(with_closing, by=operations)  # queued: no worker runs it in this test
    answer = token_client(operations).get(reverse("api:period-detail", args=[with_closing.pk])).json()
    assert (answer["status"], answer["being_closed"], answer["as_reported"]) == ("open", True, None)
