"""Writing, editing and reading highlight reports; the dashboard's first screen built from them."""

from datetime import timedelta

import pytest
from django.urls import reverse

from reporting.models import Ask, Assessment, Change, HighlightReport
from reporting.summary import priority_summaries
from tests.factories import (
    ActionFactory,
    GroupFactory,
    HighlightReportFactory,
    IndicatorFactory,
    MeetingFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def board_meetings(db):
    board = GroupFactory(board=True)
    later = MeetingFactory(group=board, title="Board, March")
    earlier = MeetingFactory(group=board, title="Board, February", date=later.date - timedelta(days=28))
    return earlier, later


def form_data(**changes):
    return {
        "assessment": Assessment.SOME_CONCERNS,
        "reason": "Two actions are overdue because recruitment failed.",
        "achievements": "Portal phase one live.",
        "risks": "Agency costs.",
        "ask_kind": Ask.DECISION,
        "ask": "Fund agency caseworkers to March.",
        **changes,
    }


def test_a_lead_writes_their_priority_report_seeing_the_previous_one(client, lead, priority, board_meetings):
    earlier, later = board_meetings
    HighlightReportFactory(priority=priority, meeting=earlier, reason="Last month all was well.")
    action = ActionFactory(priority=priority, ref="P1.1")
    indicator = IndicatorFactory(priority=priority, code="P1-I1")
    url = reverse("reporting:highlightreport_add", args=[later.pk, priority.number])
    client.force_login(lead)

    page = client.get(url).content.decode()
    assert "The previous report, to Board, February" in page and "Last month all was well." in page
    assert "the workstream needs a decision or support from the Board" in page  # a meaning beside its choice

    response = client.post(url, form_data(actions=[action.pk], indicators=[indicator.pk]))

    report = HighlightReport.objects.get(meeting=later)
    assert response.status_code == 302 and response["Location"] == report.get_absolute_url()
    assert (report.author, list(report.actions.all()), list(report.indicators.all())) == (
        lead,
        [action],
        [indicator],
    )
    assert report.history.filter(history_type="+").count() == 1
    detail = client.get(report.get_absolute_url()).content.decode()
    assert "Fund agency caseworkers to March." in detail and "P1.1" in detail and "P1-I1" in detail


def test_an_ask_needs_its_words_and_nothing_typed_is_lost(client, lead, priority, board_meetings):
    client.force_login(lead)
    url = reverse("reporting:highlightreport_add", args=[board_meetings[1].pk, priority.number])

    response = client.post(url, form_data(ask="", reason="Kept reason."))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Say what you ask the Board to decide or support" in page
    assert "Kept reason." in page
    assert not HighlightReport.objects.exists()


def test_a_reason_is_one_sentence_of_at_most_300_characters(client, lead, priority, board_meetings):
    client.force_login(lead)
    url = reverse("reporting:highlightreport_add", args=[board_meetings[1].pk, priority.number])
    response = client.post(url, form_data(reason="x" * 301))
    assert "Give the reason in one sentence of at most 300 characters" in response.content.decode()


def test_writing_a_report_that_exists_opens_it_and_a_late_second_one_is_refused_keeping_its_words(
    client, lead, operations, priority, board_meetings
):
    existing = HighlightReportFactory(priority=priority, meeting=board_meetings[1], author=operations)
    url = reverse("reporting:highlightreport_add", args=[board_meetings[1].pk, priority.number])
    client.force_login(lead)

    assert client.get(url)["Location"] == reverse("reporting:highlightreport_edit", args=[existing.pk])
    response = client.post(url, form_data(reason="My own words."))

    page = response.content.decode()
    assert response.status_code == 200 and "Your changes have not been saved" in page
    assert "My own words." in page and operations.display_name in page
    existing.refresh_from_db()
    assert existing.reason == "Every action is on schedule."


def test_a_stale_edit_is_refused_with_what_changed(client, lead, operations, priority, board_meetings):
    report = HighlightReportFactory(priority=priority, meeting=board_meetings[1])
    url = reverse("reporting:highlightreport_edit", args=[report.pk])
    loaded = report.version
    report.save_details({"reason": "Changed by the Operations Group."}, expected_version=loaded)
    client.force_login(lead)

    response = client.post(url, {**form_data(reason="Mine."), "version": loaded})

    page = response.content.decode()
    assert "Your changes have not been saved" in page and "Changed by the Operations Group." in page
    report.refresh_from_db()
    assert report.reason == "Changed by the Operations Group."
    response = client.post(url, {**form_data(reason="Mine."), "version": report.version})
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.reason, report.ask) == ("Mine.", "Fund agency caseworkers to March.")


def test_the_change_since_the_last_board_compares_the_two_latest_reports(
    priority, other_priority, board_meetings
):
    earlier, later = board_meetings
    HighlightReportFactory(priority=priority, meeting=earlier, assessment=Assessment.ON_TRACK)
    HighlightReportFactory(priority=priority, meeting=later, assessment=Assessment.SIGNIFICANT_CONCERNS)
    HighlightReportFactory(priority=other_priority, meeting=later, assessment=Assessment.ON_TRACK)

    first, second = priority_summaries([priority, other_priority])
    by_earlier = priority_summaries([priority], by=earlier.date)[0]

    assert (first.report.meeting, first.previous.meeting, first.change) == (later, earlier, Change.WORSE)
    assert first.change_text == f"Worse than at the Board of {earlier.date:%-d %B %Y}"
    assert (second.previous, second.change) == (None, Change.FIRST)
    assert (by_earlier.report.meeting, by_earlier.previous, by_earlier.change) == (
        earlier,
        None,
        Change.FIRST,
    )


@pytest.mark.parametrize(
    ("was", "now", "change"),
    [
        (Assessment.SOME_CONCERNS, Assessment.ON_TRACK, Change.BETTER),
        (Assessment.ON_TRACK, Assessment.COMPLETE, Change.BETTER),
        (Assessment.SOME_CONCERNS, Assessment.SOME_CONCERNS, Change.SAME),
        (Assessment.SOME_CONCERNS, Assessment.SIGNIFICANT_CONCERNS, Change.WORSE),
    ],
)
def test_better_same_or_worse_follows_the_scale(was, now, change):
    from reporting.models import change_between

    assert change_between(was, now) == change


def test_the_dashboard_shows_each_prioritys_assessment_reason_change_and_ask(
    client, board_member, priority, board_meetings
):
    earlier, later = board_meetings
    HighlightReportFactory(priority=priority, meeting=earlier, assessment=Assessment.ON_TRACK)
    HighlightReportFactory(
        priority=priority,
        meeting=later,
        assessment=Assessment.SIGNIFICANT_CONCERNS,
        reason="Recruitment failed twice.",
        ask_kind=Ask.DECISION,
        ask="Approve agency cover.",
    )
    client.force_login(board_member)

    page = client.get(reverse("dashboard")).content.decode()
    row = page.split('data-priority="1"')[1].split("</tr>")[0]

    for expected in [
        "Significant concerns",
        "Recruitment failed twice.",
        "Worse",
        "Decision:",
        "Approve agency cover.",
    ]:
        assert expected in row, expected
    assert "Your work" not in page  # a board member leads nothing


def test_a_leads_dashboard_puts_their_own_work_first(client, lead, priority, board_meetings):
    client.force_login(lead)
    page = client.get(reverse("dashboard")).content.decode()
    assert page.index("Your work") < page.index("Each priority, as its workstream reports it")
    assert reverse("reporting:highlightreport_add", args=[board_meetings[1].pk, priority.number]) in page
