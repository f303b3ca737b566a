"""The board pack of a meeting whose reporting period is closed is built from that period's snapshot: what it
says of the plan does not move when the plan is changed, corrected or edited after the period closed."""

import re
from datetime import UTC, date, datetime

import pytest

from actions.models import Status
from governance.services import board_pack_context, render_board_pack_html
from indicators.models import Measurement
from reporting.models import Ask, Assessment, HighlightReport, Period, PeriodSnapshot, PeriodStatus
from reporting.snapshots import close_period, compare, plan_as_of
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

GENERATED = datetime(2026, 2, 10, 9, 0, tzinfo=UTC)
PLAN_SECTIONS = ("summary", "reports", "attention", "indicators", "appendix")


@pytest.fixture
def plan(priority):
    """A January period reporting to the Board of 12 February: an action at risk, one on track, an indicator
    of the priority and one of the whole plan with values, and the priority's highlight report asking for a
    decision and citing both."""
    previous_board = MeetingFactory(group=GroupFactory(board=True), date=date(2026, 1, 8))
    meeting = MeetingFactory(group=previous_board.group, date=date(2026, 2, 12))
    risky = ActionFactory(ref="P1.1", priority=priority, title="Recruit psychologists")
    steady = ActionFactory(ref="P1.2", priority=priority, title="Publish the annual review plan")
    ProgressUpdateFactory(
        action=risky, date=date(2026, 1, 12), status=Status.AT_RISK, mitigation="Agency staff"
    )
    ProgressUpdateFactory(action=steady, date=date(2026, 1, 14), status=Status.ON_TRACK)
    timeliness = IndicatorFactory(code="P1-I1", name="EHC plans in 20 weeks", priority=priority)
    whole_plan = IndicatorFactory(code="PLAN-I1", name="Families who feel heard", priority=None)
    for month, value in ((10, 31), (11, 33), (12, 36)):
        MeasurementFactory(indicator=timeliness, period_end=date(2025, month, 28), value=value)
        MeasurementFactory(indicator=whole_plan, period_end=date(2025, month, 28), value=value + 10)
    HighlightReportFactory(priority=priority, meeting=previous_board, assessment=Assessment.ON_TRACK)
    report = HighlightReportFactory(
        priority=priority,
        meeting=meeting,
        assessment=Assessment.SIGNIFICANT_CONCERNS,
        reason="Recruitment has stalled.",
        ask_kind=Ask.DECISION,
        ask="Approve agency funding.",
    )
    report.actions.add(risky)
    report.indicators.add(timeliness)
    period = PeriodFactory(start=date(2026, 1, 1), meeting=meeting)
    return {
        "meeting": meeting,
        "risky": risky,
        "steady": steady,
        "timeliness": timeliness,
        "whole_plan": whole_plan,
        "report": report,
        "period": period,
    }


def plan_sections(meeting):
    """The pack's sections that describe the plan, as rendered (the cover's date and the meeting's own
    records left out)."""
    html = render_board_pack_html(meeting, generated_at=GENERATED, today=date(2026, 2, 10))
    sections = {}
    for name in PLAN_SECTIONS:
        found = re.search(rf'<section[^>]* id="{name}".*?</section>', html, re.S)
        assert found, name
        sections[name] = found.group(0)
    return sections


def test_the_pack_reads_the_summary_actions_and_indicators_from_the_closed_period(plan, operations):
    close_period(plan["period"], by=operations)
    context = board_pack_context(plan["meeting"], today=date(2026, 2, 10))

    assert context["period"] == plan["period"]
    assert context["as_of"] == date(2026, 1, 31)
    [summary] = context["summaries"]
    assert summary.report.get_assessment_display() == "Significant concerns"
    assert summary.change_text == "Worse than at the Board of 8 January 2026"
    assert [s.priority.number for s in context["decisions_sought"]] == [summary.priority.number]
    assert [(a.ref, a.reading) for a in summary.report.actions.all()] == [
        ("P1.1", plan_as_of(date(2026, 1, 31))["priorities"][0]["actions"][0]["reading"])
    ]
    [counts] = context["priorities"]
    assert (counts.total, dict((s, n) for s, _, n in counts.status_counts)[Status.AT_RISK]) == (2, 1)
    assert [a.ref for a in context["needs_attention"]] == ["P1.1"]
    assert context["indicator_overview"].count == 2  # the whole plan's indicator counts too
    assert {row.code for row in context["where_to_look"]} == {"P1-I1", "PLAN-I1"}
    appendix = {row["indicator"].code: row for row in context["indicators"]}
    assert [m.formatted_value for m in appendix["P1-I1"]["measurements"]] == ["31%", "33%", "36%"]
    assert appendix["P1-I1"]["chart"].startswith("data:image/svg+xml")
    cover = render_board_pack_html(plan["meeting"], generated_at=GENERATED)
    assert "Built from Reporting period January 2026" in cover and "from live data" not in cover


def test_changes_after_closing_leave_what_the_pack_says_of_the_plan_unchanged(plan, operations):
    close_period(plan["period"], by=operations)
    before = plan_sections(plan["meeting"])
    assert "Recruitment has stalled." in before["summary"]
    assert "36%" in before["appendix"]

    # After closing: the lead completes the action and retitles it, a value is corrected and a new one
    # recorded, the highlight report is rewritten (as the admin would save it), an action is added.
    ProgressUpdateFactory(action=plan["risky"], date=date(2026, 2, 3), status=Status.COMPLETE)
    plan["risky"].title = "Retitled after closing"
    plan["risky"].save()
    Measurement.objects.filter(indicator=plan["timeliness"], period_end=date(2025, 12, 28)).update(value=99)
    MeasurementFactory(indicator=plan["timeliness"], period_end=date(2026, 1, 28), value=12)
    report = HighlightReport.objects.get(pk=plan["report"].pk)
    report.reason, report.assessment, report.ask_kind = "All fine now.", Assessment.ON_TRACK, Ask.NONE
    report.save()
    ActionFactory(ref="P1.3", priority=plan["risky"].priority, status=Status.OFF_TRACK)

    assert plan_sections(plan["meeting"]) == before


def test_without_a_closed_period_the_pack_reads_live_data(plan, operations):
    context = board_pack_context(plan["meeting"], today=date(2026, 2, 10))
    assert context["period"] is None
    ProgressUpdateFactory(action=plan["risky"], date=date(2026, 2, 3), status=Status.COMPLETE)
    context = board_pack_context(plan["meeting"], today=date(2026, 2, 10))
    assert context["needs_attention"] == []


def test_indicators_of_the_whole_plan_are_in_the_snapshot_its_csv_and_comparisons(plan, operations):
    snapshot = close_period(plan["period"], by=operations)
    assert [i["code"] for i in snapshot.data["plan_indicators"]] == ["PLAN-I1"]
    MeasurementFactory(indicator=plan["whole_plan"], period_end=date(2026, 1, 28), value=60)
    later = plan_as_of(date(2026, 2, 28))
    assert [move.ref for move in compare(snapshot.data, later).indicators] == ["PLAN-I1"]


def test_the_pack_builds_from_a_snapshot_taken_before_summaries_were_kept_with_live_data(plan, operations):
    Period.objects.filter(pk=plan["period"].pk).update(status=PeriodStatus.CLOSED, closed_at=GENERATED)
    PeriodSnapshot.objects.create(
        period=plan["period"], data={"version": 1, "priorities": []}, taken_at=GENERATED, taken_by=operations
    )
    context = board_pack_context(plan["meeting"], today=date(2026, 2, 10))
    assert context["period"] is None
    assert [a.ref for a in context["needs_attention"]] == ["P1.1"]
