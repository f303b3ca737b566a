"""What the API answers: the same records and readings as the pages, flat CSV, filters for incremental
refresh, and a changes feed of corrections and deletions."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import Action
from indicators.models import Indicator
from tests.api.conftest import token_client
from tests.factories import (
    ActionFactory,
    IndicatorFactory,
    MeasurementFactory,
    MeetingActionFactory,
    MeetingFactory,
    PriorityFactory,
)

pytestmark = pytest.mark.django_db


def rows(response):
    assert response.status_code == 200, response.content
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.fixture
def plan(priority, other_priority, lead):
    """Actions and indicators in two priorities (one led by `lead`), meetings and an action log."""
    for n in range(3):
        ActionFactory(ref=f"P1.{n + 1}", priority=priority, lead=lead if n == 0 else None, overdue=n == 1)
        ActionFactory(ref=f"P2.{n + 1}", priority=other_priority)
    for code, p in (("P1-I1", priority), ("P2-I1", other_priority)):
        indicator = IndicatorFactory(code=code, priority=p)
        for months in range(3):
            MeasurementFactory(indicator=indicator, period_end=date(2026, 1 + months, 28), value=20 + months)
    MeetingActionFactory(meeting=MeetingFactory(), text="Confirm the framework")


# Each list page (its CSV export) and its API list: (page, page column, API endpoint, API column).
SAME_AS_THE_PAGE = [
    ("actions:action_list", "Ref", "api:action-list", "ref"),
    ("actions:action_list", "Status", "api:action-list", "status_label"),
    ("indicators:indicator_list", "Code", "api:indicator-list", "code"),
    ("indicators:indicator_list", "Status", "api:indicator-list", "status_label"),  # the same reading
    ("governance:meeting_list", "Title", "api:meeting-list", "title"),
    ("governance:meetingaction_list", "Action", "api:meetingaction-list", "text"),
]


@pytest.mark.parametrize("role", ["board_member", "lead", "other_lead", "operations", "admin_user"])
def test_each_role_token_reads_exactly_what_that_role_reads_on_the_pages(request, client, plan, role):
    user = request.getfixturevalue(role)
    client.force_login(user)
    api = token_client(user)
    for page, page_column, endpoint, api_column in SAME_AS_THE_PAGE:
        on_the_page = rows(client.get(reverse(page), {"_export": "csv"}))
        from_the_api = rows(api.get(reverse(endpoint), {"format": "csv"}))

        assert sorted(r[page_column] for r in on_the_page) == sorted(r[api_column] for r in from_the_api), (
            role,
            page,
        )


def test_indicator_readings_are_the_pages_own(plan, operations):
    indicator = Indicator.objects.with_spc().get(code="P1-I1")

    answer = token_client(operations).get(reverse("api:indicator-detail", args=["P1-I1"])).json()

    assert answer["status"] == indicator.status.value
    assert answer["data_overdue"] == indicator.data_overdue
    assert answer["travel"] == indicator.travel.value
    assert answer["spc_variation_label"] == indicator.spc.variation.label
    assert answer["spc_assurance_label"] == indicator.spc.assurance.label
    assert answer["latest_value"] == 22.0 and answer["priority"] == 1


def test_csv_has_flat_columns_and_escapes_formulas(operations, priority):
    ActionFactory(ref="P1.1", priority=priority, title='=HYPERLINK("http://example.com")')

    response = token_client(operations).get(reverse("api:action-list"), {"format": "csv"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())
    (row,) = rows(response)
    assert row["ref"] == "P1.1" and row["priority"] == "1"
    assert row["title"] == '\'=HYPERLINK("http://example.com")'


def test_an_empty_csv_still_has_its_columns(operations):
    response = token_client(operations).get(reverse("api:action-list"), {"format": "csv"})

    assert response.content.decode("utf-8-sig").splitlines()[0].startswith("id,ref,priority,title")


def test_filters_by_priority_status_and_updated_since(plan, operations):
    api = token_client(operations)
    cutoff = timezone.now()
    changed = Action.objects.get(ref="P2.2")
    changed.title = "Renamed"
    changed.save()

    by_priority = api.get(reverse("api:action-list"), {"priority": 1}).json()
    since = api.get(reverse("api:action-list"), {"updated_since": cutoff.isoformat()}).json()
    overdue = api.get(reverse("api:action-list"), {"overdue": "true"}).json()
    period = api.get(
        reverse("api:measurement-list"), {"period_after": "2026-02-01", "indicator": "P1-I1"}
    ).json()

    assert [a["ref"] for a in by_priority["results"]] == ["P1.1", "P1.2", "P1.3"]
    assert [a["ref"] for a in since["results"]] == ["P2.2"]
    assert [a["ref"] for a in overdue["results"]] == ["P1.2"]
    assert [m["period_end"] for m in period["results"]] == ["2026-02-28", "2026-03-28"]


def test_a_filter_value_at_fault_answers_400_with_the_field(operations):
    response = token_client(operations).get(reverse("api:action-list"), {"updated_since": "yesterday"})

    assert response.status_code == 400
    assert list(response.json()) == ["updated_since"]


@pytest.mark.parametrize("since", ["2029-09-09T19:51:29-23:58", "0001-01-01T00:30:00+21:40"])
def test_updated_since_takes_any_offset_python_takes(operations, since):
    """PostgreSQL refuses offsets beyond 15:59 (found by schemathesis): they are turned into UTC first."""
    api = token_client(operations)
    for endpoint in ("api:action-list", "api:indicator-list"):
        assert api.get(reverse(endpoint), {"updated_since": since}).status_code in (200, 400)


def test_pages_are_stable_and_in_plan_order(operations):
    priority = PriorityFactory(number=3)
    for ref in ["P3.10", "P3.2", "P3.1"]:
        ActionFactory(ref=ref, priority=priority)
    api = token_client(operations)

    first = api.get(reverse("api:action-list"), {"page_size": 2}).json()
    second = api.get(first["next"]).json()

    assert first["count"] == 3
    assert [a["ref"] for a in first["results"] + second["results"]] == ["P3.1", "P3.2", "P3.10"]


def test_a_corrected_value_and_a_deleted_record_appear_in_the_changes(operations, priority):
    indicator = IndicatorFactory(code="P1-I1", priority=priority)
    indicator.record_value(period_end=date(2026, 1, 31), value=10)
    before = timezone.now()
    indicator.record_value(period_end=date(2026, 1, 31), value=12, correct=True, reason="Late returns")
    gone = ActionFactory(ref="P1.9", priority=priority)
    gone_id = gone.pk
    gone.delete()

    changes = (
        token_client(operations).get(reverse("api:changes"), {"updated_since": before.isoformat()}).json()
    )

    found = {(c["record_type"], c["change"], c["reference"], c["reason"]) for c in changes["results"]}
    assert ("measurement", "changed", None, "Late returns") in found
    assert ("action", "deleted", "P1.9", None) in found
    assert {c["record_id"] for c in changes["results"] if c["record_type"] == "action"} == {gone_id}


def test_an_unknown_address_under_the_api_answers_json_404(operations):
    response = token_client(operations).get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_a_signed_in_browser_reads_the_api_with_its_session(client, board_member, priority):
    ActionFactory(ref="P1.1", priority=priority, due_date=timezone.localdate() + timedelta(days=3))
    client.force_login(board_member)

    assert client.get(reverse("api:action-detail", args=["P1.1"])).json()["ref"] == "P1.1"
    assert client.post(reverse("api:action-list"), {}).status_code == 403
