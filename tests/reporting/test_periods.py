"""Reporting periods: what a period page shows, closing one freezes the plan as reported, comparing two."""

import csv
import io
import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import DatabaseError, transaction
from django.template.loader import render_to_string
from django.urls import reverse

from actions.models import Status
from reporting.models import Assessment, Period, PeriodSnapshot, PeriodStatus, SnapshotFrozen
from reporting.snapshots import close_period, compare, plan_as_of
from send_portal.models import Review
from tests.factories import (
    ActionFactory,
    GroupFactory,
    HighlightReportFactory,
    IndicatorFactory,
    MeasurementFactory,
    MeetingFactory,
    PeriodFactory,
    ProgressUpdateFactory,
)

pytestmark = pytest.mark.django_db

JAN = date(2026, 1, 1)


@pytest.fixture
def plan(priority):
    """Two actions and an indicator of `priority`, with updates and values in and before January 2026, and
    a January period reporting to a Board meeting that has the priority's highlight report."""
    meeting = MeetingFactory(group=GroupFactory(board=True), date=date(2026, 2, 12))
    slow = ActionFactory(
        ref="P1.1", priority=priority, start_date=date(2025, 10, 1), due_date=date(2026, 6, 30)
    )
    quick = ActionFactory(
        ref="P1.2", priority=priority, start_date=date(2025, 10, 1), due_date=date(2026, 3, 31)
    )
    ProgressUpdateFactory(
        action=slow, date=date(2026, 1, 10), status=Status.ON_TRACK, narrative="Recruiting."
    )
    ProgressUpdateFactory(
        action=quick, date=date(2025, 12, 5), status=Status.AT_RISK, mitigation="Extra staff"
    )
    indicator = IndicatorFactory(code="P1-I1", priority=priority)
    MeasurementFactory(indicator=indicator, period_end=date(2025, 12, 31), value=30)
    HighlightReportFactory(priority=priority, meeting=meeting, assessment=Assessment.SOME_CONCERNS)
    period = PeriodFactory(start=JAN, meeting=meeting)
    return {"meeting": meeting, "slow": slow, "quick": quick, "indicator": indicator, "period": period}


def snapshot_section(client, period):
    """The rendered "as reported" section of the period's page."""
    html = client.get(period.get_absolute_url()).content.decode()
    start = html.index('<div class="portal-snapshot" id="as-reported">')
    return html[start : html.index('<section aria-labelledby="corrections-title"', start)]


def test_the_snapshot_reads_approved_updates_and_values_dated_by_the_period_end(plan, operations):
    ProgressUpdateFactory(
        action=plan["quick"], date=date(2026, 2, 3), status=Status.COMPLETE
    )  # after the end
    ProgressUpdateFactory(
        action=plan["slow"],
        date=date(2026, 1, 20),
        status=Status.OFF_TRACK,
        mitigation="x",
        review=Review.SUBMITTED,
    )  # awaiting sign-off
    snapshot = close_period(plan["period"], by=operations)

    actions = {a["ref"]: a for a in snapshot.data["priorities"][0]["actions"]}
    assert actions["P1.1"]["status"] == Status.ON_TRACK
    assert actions["P1.1"]["latest_update"]["narrative"] == "Recruiting."
    assert actions["P1.2"]["status"] == Status.AT_RISK
    assert snapshot.data["priorities"][0]["indicators"][0]["latest"]["text"] == "30%"
    assert snapshot.data["priorities"][0]["report"]["assessment"] == Assessment.SOME_CONCERNS
    plan["period"].refresh_from_db()
    assert plan["period"].status == PeriodStatus.CLOSED and plan["period"].closed_by == operations


def test_a_period_closes_once(plan, operations):
    close_period(plan["period"], by=operations)
    with pytest.raises(ValidationError):
        close_period(plan["period"], by=operations)
    assert PeriodSnapshot.objects.count() == 1


def test_after_closing_changes_corrections_and_admin_edits_leave_the_snapshot_byte_for_byte_the_same(
    client, plan, operations, admin_user, without_sign_off
):
    close_period(plan["period"], by=operations)
    client.force_login(operations)
    stored_before = json.dumps(PeriodSnapshot.objects.get().data, sort_keys=True)
    section_before = snapshot_section(client, plan["period"])
    alone_before = render_to_string(
        "reporting/_snapshot.html", {"snapshot": PeriodSnapshot.objects.get().data}
    )

    # Changing an action: a new update backdated into the period, and new details.
    slow = plan["slow"]
    slow.record_update(
        author=operations,
        status=Status.OFF_TRACK,
        narrative="Lost a recruit.",
        mitigation="Agency",
        date=date(2026, 1, 25),
    )
    slow.title = "Recruit more educational psychologists"
    slow.save()
    # Correcting a value for a period the snapshot covers.
    plan["indicator"].record_value(
        period_end=date(2025, 12, 31), value=35, correct=True, reason="Typo", by=operations
    )
    # Editing through the admin: the action, and the snapshot itself (refused).
    admin = client.__class__()
    admin.force_login(admin_user)
    snapshot = PeriodSnapshot.objects.get()
    assert admin.get(reverse("admin:reporting_periodsnapshot_change", args=[snapshot.pk])).status_code == 200
    response = admin.post(
        reverse("admin:reporting_periodsnapshot_change", args=[snapshot.pk]), {"data": "{}"}
    )
    assert response.status_code == 403
    assert (
        admin.post(
            reverse("admin:reporting_periodsnapshot_delete", args=[snapshot.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    # ... and the closed period's days, which the admin shows read-only.
    period_url = reverse("admin:reporting_period_change", args=[plan["period"].pk])
    admin.post(period_url, {"start": "2026-01-01", "end": "2026-03-31", "updates_due_by": "2026-04-07"})
    assert Period.objects.get(pk=plan["period"].pk).end == date(2026, 1, 31)

    assert json.dumps(PeriodSnapshot.objects.get().data, sort_keys=True) == stored_before
    assert snapshot_section(client, plan["period"]) == section_before
    assert (
        render_to_string("reporting/_snapshot.html", {"snapshot": PeriodSnapshot.objects.get().data})
        == alone_before
    )
    # ... and the corrections show against it, in their own section.
    page = client.get(plan["period"].get_absolute_url()).content.decode()
    corrections = page[page.index('id="corrections-title"') :]
    assert "P1.1" in corrections and "Off track" in corrections
    assert "35%" in corrections and "30%" in corrections


def test_the_snapshot_refuses_to_be_saved_again_or_deleted_even_by_sql(plan, operations):
    snapshot = close_period(plan["period"], by=operations)
    snapshot.data = {}
    with pytest.raises(SnapshotFrozen):
        snapshot.save()
    with pytest.raises(SnapshotFrozen):
        snapshot.delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        PeriodSnapshot.objects.filter(pk=snapshot.pk).update(data={})
    assert PeriodSnapshot.objects.get().data["as_of"] == "2026-01-31"


def test_compare_lists_exactly_the_changes_made_between_two_periods(plan, operations, priority):
    close_period(plan["period"], by=operations)
    february = PeriodFactory(start=date(2026, 2, 1), meeting=plan["meeting"])
    # Between the two: P1.1 goes off track, P1.2 is completed, a new action, a new value, a new assessment.
    ProgressUpdateFactory(
        action=plan["slow"], date=date(2026, 2, 10), status=Status.OFF_TRACK, mitigation="x"
    )
    ProgressUpdateFactory(action=plan["quick"], date=date(2026, 2, 11), status=Status.COMPLETE)
    new = ActionFactory(
        ref="P1.3", priority=priority, start_date=date(2026, 2, 1), due_date=date(2026, 9, 30)
    )
    MeasurementFactory(indicator=plan["indicator"], period_end=date(2026, 1, 31), value=40)
    report = plan["meeting"].highlight_reports.get()
    report.assessment = Assessment.ON_TRACK
    report.save()
    close_period(february, by=operations)

    result = compare(plan["period"].snapshot.data, Period.objects.get(pk=february.pk).snapshot.data)

    assert [m.ref for m in result.worse] == ["P1.1"]
    assert [m.ref for m in result.completed] == ["P1.2"]
    assert [a["ref"] for a in result.new_actions] == [new.ref]
    assert [(m.ref, m.direction) for m in result.indicators] == [("P1-I1", "better")]
    assert [(m.ref, m.direction) for m in result.assessments] == [("Priority 1", "better")]
    assert result.better == [] and result.removed_actions == [] and result.updates == []
    assert result.count == 5


def test_the_compare_page_shows_the_changes_and_refuses_an_unknown_period(
    client, plan, operations, board_member
):
    close_period(plan["period"], by=operations)
    february = PeriodFactory(start=date(2026, 2, 1))
    ProgressUpdateFactory(action=plan["quick"], date=date(2026, 2, 11), status=Status.COMPLETE)
    close_period(february, by=operations)
    client.force_login(board_member)
    url = reverse("reporting:period_compare")

    page = client.get(f"{url}?from={plan['period'].pk}&to={february.pk}").content.decode()
    assert "Actions completed (1)" in page and "P1.2" in page
    bad = client.get(f"{url}?from=999999&to={february.pk}")
    assert bad.status_code == 200 and "Select a closed period to compare from" in bad.content.decode()


def test_an_open_period_page_shows_what_is_in_missing_and_awaiting_sign_off(client, plan, operations):
    ProgressUpdateFactory(
        action=plan["slow"],
        date=date(2026, 1, 20),
        status=Status.ON_TRACK,
        narrative="Pending",
        review=Review.SUBMITTED,
    )
    MeasurementFactory(indicator=plan["indicator"], period_end=date(2026, 1, 31), value=33)
    client.force_login(operations)
    page = client.get(plan["period"].get_absolute_url()).content.decode()
    what_is_in = page[page.index('id="in"') : page.index('id="missing"')]
    missing = page[page.index('id="missing"') : page.index('id="awaiting"')]
    awaiting = page[page.index('id="awaiting"') :]
    assert "P1.1" in what_is_in and "33%" in what_is_in
    assert "P1.2" in missing and "P1.1" not in missing
    assert "Update on" in awaiting and "P1.1" in awaiting


def test_the_operations_group_closes_a_period_from_its_page(
    client, plan, operations, django_capture_on_commit_callbacks
):
    client.force_login(operations)
    assert client.get(reverse("reporting:period_close", args=[plan["period"].pk])).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):  # the task runs once the press is committed
        response = client.post(reverse("reporting:period_close", args=[plan["period"].pk]))
    assert response.status_code == 302
    assert Period.objects.get().is_closed
    assert "The plan as reported" in client.get(plan["period"].get_absolute_url()).content.decode()


def test_a_new_period_is_prefilled_with_the_month_after_the_last(client, plan, operations):
    client.force_login(operations)
    form = client.get(reverse("reporting:period_add")).context["form"]
    assert form.initial["start"] == date(2026, 2, 1)
    assert form.initial["end"] == date(2026, 2, 28)
    assert form.initial["updates_due_by"] == date(2026, 3, 7)
    response = client.post(
        reverse("reporting:period_add"),
        {"start": "1 2 2026", "end": "28 2 2026", "updates_due_by": "7 3 2026"},
    )
    assert response.status_code == 302 and Period.objects.count() == 2
    overlapping = client.post(
        reverse("reporting:period_add"),
        {"start": "15 2 2026", "end": "14 3 2026", "updates_due_by": "20 3 2026"},
    )
    assert "overlap another reporting period" in overlapping.content.decode()
    assert Period.history.filter(start=date(2026, 2, 1)).exists()


def test_the_demo_has_three_closed_monthly_periods_and_one_open_and_they_differ(client, board_member):
    call_command("load_plan", stdout=io.StringIO())
    periods = list(Period.objects.order_by("start"))
    assert [p.status for p in periods] == [PeriodStatus.CLOSED] * 3 + [PeriodStatus.OPEN]
    assert all(p.start.day == 1 for p in periods)
    first, second, third = (p.snapshot.data for p in periods[:3])
    assert compare(first, second).count > 0
    assert compare(second, third).count > 0
    everything = compare(first, third)
    assert everything.better or everything.worse or everything.completed
    assert everything.indicators
    # The compare page, with its default of the last two closed periods, shows them.
    client.force_login(board_member)
    page = client.get(reverse("reporting:period_compare")).content.decode()
    assert f"From {periods[1].label} to {periods[2].label}" in page and " change" in page
    # Reloading the plan leaves the periods alone.
    call_command("load_plan", stdout=io.StringIO())
    assert Period.objects.count() == 4


def test_plan_as_of_takes_a_fixed_number_of_queries(plan, django_assert_num_queries):
    # 7 for the plan, 4 for the priorities' summaries (reports, those awaiting, the cited actions and
    # indicators), whatever the plan's size.
    with django_assert_num_queries(11):
        plan_as_of(date(2026, 1, 31), plan["meeting"].pk, plan["meeting"].date)


def test_the_board_pack_of_the_meeting_a_closed_period_reports_to_lists_the_actions_as_reported(
    plan, operations
):
    from governance.services import board_pack_context, render_board_pack_html

    close_period(plan["period"], by=operations)
    ProgressUpdateFactory(
        action=plan["quick"], date=date(2026, 2, 3), status=Status.COMPLETE
    )  # after closing

    context = board_pack_context(plan["meeting"])
    assert context["period"] == plan["period"]
    assert [action.ref for action in context["needs_attention"]] == ["P1.2"]  # at risk, as reported
    assert context["needs_attention"][0].reading.status == Status.AT_RISK
    assert "Built from Reporting period January 2026" in render_board_pack_html(plan["meeting"])


def test_a_closed_period_exports_as_reported_as_csv_and_an_open_one_does_not(client, plan, operations):
    client.force_login(operations)
    url = reverse("reporting:period_export", args=[plan["period"].pk])
    assert client.get(url).status_code == 404  # still open: nothing reported yet
    close_period(plan["period"], by=operations)
    plan["slow"].title = "=HYPERLINK(1)"
    plan["slow"].save()  # after closing: not in the export

    rows = list(csv.reader(io.StringIO(client.get(url).content.decode())))
    assert rows[0][:4] == ["as of", "priority", "kind", "reference"]
    assert [(row[2], row[3], row[5]) for row in rows[1:]] == [
        ("action", "P1.1", "On track"),
        ("action", "P1.2", "At risk"),
        ("indicator", "P1-I1", rows[3][5]),
    ]
    assert all("HYPERLINK" not in row[4] for row in rows)


def test_an_update_approved_after_closing_shows_as_a_correction_not_in_the_snapshot(client, plan, operations):
    from django.utils import timezone

    pending = ProgressUpdateFactory(
        action=plan["slow"],
        date=date(2026, 1, 28),
        status=Status.OFF_TRACK,
        mitigation="x",
        review=Review.SUBMITTED,
    )
    close_period(plan["period"], by=operations)
    client.force_login(operations)
    before = snapshot_section(client, plan["period"])

    pending.review, pending.reviewed_by, pending.reviewed_at = Review.APPROVED, operations, timezone.now()
    pending.save()

    assert snapshot_section(client, plan["period"]) == before
    page = client.get(plan["period"].get_absolute_url()).content.decode()
    corrections = page[page.index('id="corrections-title"') :]
    assert "Actions that moved worse (1)" in corrections and "P1.1" in corrections
