"""What changed since the last meeting (over a fixture with known changes), and the board pack: kept
unchanged once generated, and a PDF with every section for the demo Board meeting."""

import io
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from actions.models import Status
from governance.models import BoardPack, Meeting
from governance.services import generate_board_pack, plan_changes
from indicators.models import Measurement
from indicators.status import IndicatorStatus
from tests.factories import (
    ActionFactory,
    GroupFactory,
    IndicatorFactory,
    MeasurementFactory,
    MeetingFactory,
    PriorityFactory,
    ProgressUpdateFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PREVIOUS = date(2026, 3, 2)  # the Board's previous meeting: the window starts that day
MEETING = date(2026, 4, 6)  # this meeting: the window ends the day before
TODAY = date(2026, 4, 20)


def at(day):
    return timezone.make_aware(datetime.combine(day, time(10)))


def action(ref, **fields):
    fields.setdefault("start_date", date(2025, 4, 1))
    fields.setdefault("due_date", date(2026, 12, 31))
    return ActionFactory(ref=ref, priority=PriorityFactory(number=1), title=f"Action {ref}", **fields)


def update(target, day, status):
    return ProgressUpdateFactory(action=target, date=day, status=status, narrative=f"{target.ref} on {day}")


def backdate_history(obj, day):
    """Make every history row recorded so far for `obj` look as if it was written on `day`."""
    type(obj).history.filter(id=obj.pk).update(history_date=at(day))


@pytest.fixture
def meeting():
    board = GroupFactory(board=True)
    MeetingFactory(group=board, date=date(2026, 2, 2))
    MeetingFactory(group=board, date=PREVIOUS)
    return MeetingFactory(group=board, date=MEETING)


@pytest.fixture
def known_changes(meeting):
    """Plan changes before, inside and after the window, each named for what it should count as."""
    editor = UserFactory(first_name="Olive", last_name="Ops")

    went_at_risk = action("P1.1")
    update(went_at_risk, date(2026, 2, 10), Status.ON_TRACK)
    went_at_risk_update = update(went_at_risk, date(2026, 3, 10), Status.AT_RISK)

    completed = action("P1.2")
    update(completed, date(2026, 2, 15), Status.ON_TRACK)
    completed_update = update(completed, date(2026, 3, 20), Status.COMPLETE)

    started = action("P1.3")
    started_update = update(started, PREVIOUS, Status.ON_TRACK)  # the previous meeting's day counts

    unchanged = action("P1.4")
    update(unchanged, date(2026, 2, 1), Status.ON_TRACK)
    unchanged_update = update(unchanged, date(2026, 3, 12), Status.ON_TRACK)

    after_window = action("P1.5")
    update(after_window, MEETING, Status.AT_RISK)  # this meeting's day is the next window's

    action("P1.6", due_date=date(2026, 3, 20))  # due in the window, not complete: newly overdue
    action("P1.7", due_date=date(2026, 2, 20))  # overdue before the window: not new
    action("P1.8", due_date=date(2026, 4, 10))  # due after the window

    revised = action("P1.9", due_date=date(2026, 3, 31))
    backdate_history(revised, date(2026, 1, 5))
    revised.revised_due_date, revised.revision_reason = (
        date(2026, 6, 30),
        "Supplier went into administration.",
    )
    revised._history_date, revised._history_user = at(date(2026, 3, 15)), editor
    revised.save()
    revised.revised_due_date = date(2026, 7, 31)
    revised._history_date = at(date(2026, 4, 8))  # after the window
    revised.save()

    indicator = IndicatorFactory(code="P1-I1", name="EHC plans within 20 weeks")  # 20% to 60% by Dec 2026
    seen = MeasurementFactory(indicator=indicator, period_end=date(2026, 1, 31), value=45)  # on track
    new = MeasurementFactory(indicator=indicator, period_end=date(2026, 2, 28), value=30)  # off track
    Measurement.objects.filter(pk=seen.pk).update(recorded_at=at(date(2026, 2, 20)))
    Measurement.objects.filter(pk=new.pk).update(recorded_at=at(date(2026, 3, 20)))
    backdate_history(seen, date(2026, 2, 20))
    seen.refresh_from_db()
    seen.value, seen._history_date, seen._history_user = Decimal(46), at(date(2026, 3, 25)), editor
    seen.save()

    return {
        "updates": [went_at_risk_update, completed_update, started_update, unchanged_update],
        "editor": editor,
        "new_value": new,
        "corrected": seen,
    }


def test_what_changed_lists_exactly_the_changes_inside_the_window(meeting, known_changes):
    changes = plan_changes(meeting, today=TODAY)

    assert (changes.previous.date, changes.start, changes.end) == (PREVIOUS, PREVIOUS, MEETING)
    assert [(c.action.ref, c.was, c.now, c.on) for c in changes.status_changes] == [
        ("P1.1", Status.ON_TRACK, Status.AT_RISK, date(2026, 3, 10)),
        ("P1.3", Status.NOT_STARTED, Status.ON_TRACK, PREVIOUS),
    ]
    assert [(c.action.ref, c.was, c.on) for c in changes.completed] == [
        ("P1.2", Status.ON_TRACK, date(2026, 3, 20))
    ]
    assert changes.new_updates == known_changes["updates"]
    assert [a.ref for a in changes.newly_overdue] == ["P1.6"]
    assert [(r.action.ref, r.was, r.now, r.reason, r.on, r.by) for r in changes.revised_due_dates] == [
        (
            "P1.9",
            date(2026, 3, 31),
            date(2026, 6, 30),
            "Supplier went into administration.",
            date(2026, 3, 15),
            "Olive Ops",
        )
    ]
    assert changes.new_values == [known_changes["new_value"]]
    assert [(c.measurement, c.was, c.now, c.on, c.by) for c in changes.corrected_values] == [
        (known_changes["corrected"], Decimal(45), Decimal(46), date(2026, 3, 25), "Olive Ops")
    ]
    assert [(c.indicator.code, c.was, c.now) for c in changes.indicator_status_changes] == [
        ("P1-I1", IndicatorStatus.ON_TRACK, IndicatorStatus.OFF_TRACK)
    ]
    assert not changes.is_empty


def test_a_groups_first_meeting_has_nothing_to_compare_with():
    meeting = MeetingFactory(group=GroupFactory(board=True), date=MEETING)

    changes = plan_changes(meeting, today=TODAY)

    assert changes.previous is None
    assert changes.is_empty


def test_the_what_changed_page_shows_the_lists(client, board_member, meeting, known_changes):
    client.force_login(board_member)

    response = client.get(reverse("governance:meeting_changes", args=[meeting.pk]))

    text = response.content.decode()
    assert "Status changes (2)" in text
    assert "Actions completed (1)" in text
    assert "Supplier went into administration." in text


# --- Board packs -----------------------------------------------------------------------------------------
def test_a_generated_pack_stays_unchanged_after_the_live_data_moves_on(
    client, operations, board_member, django_capture_on_commit_callbacks
):
    meeting = MeetingFactory(group=GroupFactory(board=True), title="Board, May")
    plan_action = ActionFactory(ref="P2.3", title="Recruit educational psychologists")
    ProgressUpdateFactory(action=plan_action, status=Status.AT_RISK, narrative="Two offers withdrawn.")
    client.force_login(operations)

    with django_capture_on_commit_callbacks(execute=True):  # the task runs once the request commits
        response = client.post(reverse("governance:boardpack_generate", args=[meeting.pk]))

    assert response.status_code == 302
    pack = BoardPack.objects.get()
    kept_html, kept_pdf = pack.html, bytes(pack.pdf)
    assert "Two offers withdrawn." in kept_html
    assert pack.generated_by == operations

    ProgressUpdateFactory(action=plan_action, status=Status.OFF_TRACK, narrative="Recruitment abandoned.")
    Meeting.objects.filter(pk=meeting.pk).update(title="Board, June")
    client.force_login(board_member)

    html = client.get(reverse("governance:boardpack_detail", args=[pack.pk])).content.decode()
    pdf = client.get(reverse("governance:boardpack_pdf", args=[pack.pk])).content
    live = client.get(reverse("governance:boardpack_preview", args=[meeting.pk])).content.decode()

    assert html == kept_html
    assert "Recruitment abandoned." not in html and "Board, May" in html
    assert pdf == kept_pdf
    assert "Recruitment abandoned." in live and "Board, June" in live


def test_the_pdf_of_the_demo_board_meeting_starts_with_the_summary_and_has_every_section(operations):
    call_command("load_plan", stdout=io.StringIO())
    meeting = Meeting.objects.get(title="SEND Improvement Board, 12 March 2026")

    pack, _ = generate_board_pack(meeting, generated_by=operations, base_url="http://testserver/")

    reader = PdfReader(io.BytesIO(bytes(pack.pdf)))
    page_text = [" ".join((page.extract_text() or "").split()) for page in reader.pages]
    text = " ".join(page_text)
    pages = len(reader.pages)
    assert pages <= 20
    first = page_text[0]
    for expected in [  # page 1: the cover's facts, then the summary
        "Board pack: SEND Improvement Board, 12 March 2026",
        "Thursday 12 March 2026",
        "Generated from live data at",
        "kept unchanged",
        "Summary",
        "Each priority, as its workstream reports it to this meeting",
        "Significant concerns",  # priority 2's assessment in the demo reports
        "Timeliness of new EHC plans is below its trajectory",
        "Decision: Decide whether to fund extra agency caseworkers",
        "Decisions sought",
        "Escalated, P3.3",
        "Page 1 of",
    ]:
        assert expected in first, expected
    for expected in [
        "1. Agenda",
        "Standing ICB update",
        "2. Highlight reports",
        "Achievements since the last report",
        "3. Actions at risk, off track or overdue",
        "P2.3 Recruit five additional permanent educational psychologists",
        "days overdue",
        "4. Indicators",
        "have fewer than 13 values: their SPC limits are not shown yet",
        "New EHC plans issued within 20 weeks",
        "5. What changed since the last meeting",
        "Newly overdue",
        "6. Action log",
        "Matters arising",
        "Confirm the commissioned assessment framework",
        "7. Escalations to the Board",
        "Commission autism assessment for 16-25s",
        "8. You said, we did",
        "the survey was too long",
        "Appendix: indicator charts and values",
        f"Page {pages} of {pages}",
    ]:
        assert expected in text, expected
    assert text.count("Too few values to judge") == 0  # said once, in a sentence, not per row
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]  # a tagged PDF
    metadata = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b'pdfuaid:part="1"' in metadata  # it declares PDF/UA-1


def test_a_board_pack_shows_in_full_only_the_indicators_to_look_at_first(settings, monkeypatch):
    """Every indicator is in the summary table; past the cap, a pack of charts would run to hundreds of
    pages. (The cap is lowered here to keep the test quick.)"""
    from governance import services

    monkeypatch.setattr(services, "PACK_INDICATORS_IN_FULL", 2)
    for n in range(3):
        MeasurementFactory(indicator=IndicatorFactory(code=f"P1-I{n}"), period_end=date(2025, 1, 31))
    meeting = MeetingFactory(group=GroupFactory(board=True))

    context = services.board_pack_context(meeting)

    assert len(context["indicators"]) == 2
    assert len(context["where_to_look"]) == 3
    assert context["indicator_overview"].count == 3


def test_a_board_pack_lists_the_most_serious_actions_first_and_says_how_many_more(monkeypatch):
    """Off track, then overdue (the longest first), then at risk; past the cap, the pack says how many
    more there are and links to them in the portal, and its count covers them all."""
    from governance import services

    monkeypatch.setattr(services, "PACK_ACTIONS_IN_FULL", 3)
    today = timezone.localdate()
    at_risk = ActionFactory(ref="P1.1")
    ProgressUpdateFactory(action=at_risk, status=Status.AT_RISK, mitigation="Extra staff")
    ActionFactory(ref="P1.2", due_date=today - timedelta(days=2))
    ActionFactory(ref="P1.3", start_date=today - timedelta(days=90), due_date=today - timedelta(days=40))
    off_track = ActionFactory(ref="P1.4")
    ProgressUpdateFactory(action=off_track, status=Status.OFF_TRACK, mitigation="Recovery plan")
    ActionFactory(ref="P1.5")  # on track, not overdue: not listed
    meeting = MeetingFactory(group=GroupFactory(board=True))

    context = services.board_pack_context(meeting, today=today)
    html = services.render_board_pack_html(meeting, today=today)

    assert [action.ref for action in context["needs_attention"]] == ["P1.4", "P1.3", "P1.2"]
    assert context["needs_attention_count"] == 4
    assert "3. Actions at risk, off track or overdue (4)" in html
    assert "This pack shows the 3 most serious; the other 1 are in the portal" in html
    assert reverse("actions:action_list") + "?overdue=on" in html


def test_a_board_pack_ranks_every_indicator_but_lists_only_the_first_and_counts_the_rest(monkeypatch):
    from governance import services

    monkeypatch.setattr(services, "PACK_INDICATORS_IN_SUMMARY", 2)
    monkeypatch.setattr(services, "PACK_INDICATORS_IN_FULL", 1)
    for n in range(3):
        MeasurementFactory(indicator=IndicatorFactory(code=f"P1-I{n}"), period_end=date(2025, 1, 31))
    meeting = MeetingFactory(group=GroupFactory(board=True))

    html = services.render_board_pack_html(meeting)

    assert "The 2 of the plan's 3 indicators to look at first" in html
    assert "The plan has 3 indicators: " in html
    assert html.count('class="pack-indicator"') == 1
