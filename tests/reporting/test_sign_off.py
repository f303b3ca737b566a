"""The Operations Group's sign-off page: the queue by kind, oldest first; approving and returning with a
reason; one's own submission and an item already signed off refused with what happened; a returned item
reaching the lead's My actions page and their mail; highlight reports read by the Board once approved."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import Status
from reporting.models import Ask, Assessment, HighlightReport
from reporting.summary import priority_summaries
from send_portal.models import OWN_SUBMISSION_MESSAGE, Review
from tests.factories import (
    ActionFactory,
    GroupFactory,
    IndicatorFactory,
    MeetingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def action(priority):
    return ActionFactory(ref="P1.1", priority=priority, title="Recruit educational psychologists")


@pytest.fixture
def submitted(action, lead):
    """An update the lead submitted (sign-off is on by default)."""
    return action.record_update(author=lead, status=Status.AT_RISK, narrative="Slower.", mitigation="Agency.")


def approve_url(kind, item):
    return reverse("reporting:submission_approve", args=[kind, item.pk])


def return_url(kind, item):
    return reverse("reporting:submission_return", args=[kind, item.pk])


def test_the_queue_lists_what_awaits_by_kind_oldest_first(client, operations, lead, action, priority):
    first = action.record_update(author=lead, status=Status.ON_TRACK, narrative="First.")
    second = action.record_update(author=lead, status=Status.ON_TRACK, narrative="Second.")
    value, _ = IndicatorFactory(priority=priority, code="P1-I1").record_value(
        period_end=date(2026, 1, 31), value=12, by=lead
    )
    client.force_login(operations)

    response = client.get(reverse("reporting:sign_off"))

    updates, values, reports = response.context["sections"]
    assert [item.pk for item in updates.items] == [first.pk, second.pk]
    assert [item.pk for item in values.items] == [value.pk]
    assert reports.items == []
    page = response.content.decode()
    assert "3 items await sign-off, oldest first" in page
    assert page.index("First.") < page.index("Second.")


def test_approving_from_the_queue_signs_it_off(client, operations, submitted):
    client.force_login(operations)

    response = client.post(approve_url("update", submitted))

    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.review, submitted.reviewed_by) == (Review.APPROVED, operations)
    submitted.action.refresh_from_db()
    assert submitted.action.status == Status.AT_RISK


def test_approving_something_already_signed_off_says_so(client, operations, submitted):
    someone = UserFactory(username="ops2", first_name="Sam", last_name="Other")
    submitted.return_to_lead(by=someone, reason="Which posts?")
    client.force_login(operations)

    response = client.post(approve_url("update", submitted), follow=True)

    assert (
        "is not awaiting sign-off: it was already returned to the lead by Sam Other"
        in response.content.decode()
    )
    submitted.refresh_from_db()
    assert submitted.review == Review.RETURNED


def test_nobody_approves_their_own_submission_from_the_queue(client, operations, action):
    own = action.record_update(author=operations, status=Status.ON_TRACK, narrative="Mine.")
    client.force_login(operations)

    queue = client.get(reverse("reporting:sign_off")).content.decode()
    response = client.post(approve_url("update", own), follow=True)

    assert "You submitted this:" in queue
    assert OWN_SUBMISSION_MESSAGE in response.content.decode()
    own.refresh_from_db()
    assert own.review == Review.SUBMITTED
    assert client.get(return_url("update", own)).status_code == 403


def test_a_return_needs_a_reason_said_next_to_the_field(client, operations, submitted):
    client.force_login(operations)

    response = client.post(return_url("update", submitted), {"reason": "  "})

    assert response.status_code == 200
    assert "Say why it is returned, so the lead knows what to change" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.review == Review.SUBMITTED


def test_a_returned_update_reaches_the_leads_page_and_mail(
    client, operations, lead, submitted, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(operations)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            return_url("update", submitted), {"reason": "Say which two posts were filled."}
        )
    assert response.status_code == 302

    client.force_login(lead)
    page = client.get(reverse("actions:action_mine")).content.decode()

    assert "Returned to you" in page and "Say which two posts were filled." in page
    assert reverse("actions:progressupdate_add", args=["P1.1"]) in page
    [mail] = [m for m in mailoutbox if m.to == [lead.email]]
    assert mail.subject.startswith("Returned to you: P1.1")
    assert "Say which two posts were filled." in mail.body
    assert "Say which two posts were filled." in mail.alternatives[0].content


def test_a_returned_value_of_an_indicator_of_the_whole_plan_reaches_its_owner(
    client, operations, lead, mailoutbox, django_capture_on_commit_callbacks
):
    indicator = IndicatorFactory(code="PLAN-I1", priority=None, owner=lead)
    value, _ = indicator.record_value(period_end=date(2026, 1, 31), value=12, by=lead)
    client.force_login(operations)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(return_url("value", value), {"reason": "The published figure is 13."})
    assert response.status_code == 302
    [mail] = [m for m in mailoutbox if m.to == [lead.email]]
    assert "The published figure is 13." in mail.body


def test_a_new_update_answers_the_return(client, operations, lead, submitted):
    submitted.return_to_lead(by=operations, reason="Which posts?")
    submitted.action.refresh_from_db()
    submitted.action.record_update(
        author=lead, status=Status.AT_RISK, narrative="Posts 1 and 2.", mitigation="x"
    )
    client.force_login(lead)

    page = client.get(reverse("actions:action_mine")).content.decode()

    assert "Which posts?" not in page
    assert "1 update, value or report of your work is awaiting sign-off" in page


def test_a_returned_value_is_corrected_and_goes_back_for_sign_off(client, operations, lead, priority):
    indicator = IndicatorFactory(priority=priority, code="P1-I1")
    value, _ = indicator.record_value(period_end=date(2026, 1, 31), value=12, by=lead)
    value.return_to_lead(by=operations, reason="The published figure is 13.")
    client.force_login(lead)
    assert "The published figure is 13." in client.get(reverse("actions:action_mine")).content.decode()

    indicator.record_value(
        period_end=date(2026, 1, 31), value=13, by=lead, correct=True, expected_version=value.version
    )

    value.refresh_from_db()
    assert (value.value, value.review, value.return_reason) == (13, Review.SUBMITTED, "")


# --- Highlight reports -------------------------------------------------------------------------------------
@pytest.fixture
def board_meeting():
    return MeetingFactory(group=GroupFactory(board=True), date=timezone.localdate() + timedelta(days=10))


def write_report(client, meeting, priority, **data):
    payload = {
        "version": 1,
        "assessment": Assessment.SOME_CONCERNS,
        "reason": "Two actions are behind.",
        "ask_kind": Ask.NONE,
    } | data
    return client.post(reverse("reporting:highlightreport_add", args=[meeting.pk, priority.number]), payload)


def test_a_leads_highlight_report_is_not_the_boards_until_approved(
    client, lead, operations, board_member, priority, board_meeting
):
    client.force_login(lead)
    assert write_report(client, board_meeting, priority).status_code == 302
    report = HighlightReport.objects.get()
    assert (report.review, report.submitted_by) == (Review.SUBMITTED, lead)

    [summary] = priority_summaries([priority])
    assert summary.report is None and summary.newer_awaiting
    client.force_login(board_member)
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "A newer highlight report of priority 1 is awaiting sign-off" in dashboard
    assert "Two actions are behind." not in dashboard
    detail = client.get(report.get_absolute_url()).content.decode()
    assert "The Operations Group has not signed this report off yet" in detail

    report.approve(by=operations, expected_version=report.version)
    [summary] = priority_summaries([priority])
    assert summary.report == report and not summary.newer_awaiting


def test_a_returned_report_edited_by_the_lead_goes_back_for_sign_off(
    client, lead, operations, priority, board_meeting
):
    client.force_login(lead)
    write_report(client, board_meeting, priority)
    report = HighlightReport.objects.get()
    report.return_to_lead(by=operations, reason="Name the two actions.")

    response = client.post(
        reverse("reporting:highlightreport_edit", args=[report.pk]),
        {
            "version": report.version,
            "assessment": Assessment.SOME_CONCERNS,
            "reason": "P1.2 and P1.3 are behind.",
            "ask_kind": Ask.NONE,
        },
    )

    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.review, report.reason, report.return_reason) == (
        Review.SUBMITTED,
        "P1.2 and P1.3 are behind.",
        "",
    )


def test_approving_a_report_changed_since_the_page_was_read_is_refused(
    client, lead, operations, priority, board_meeting
):
    client.force_login(lead)
    write_report(client, board_meeting, priority)
    report = HighlightReport.objects.get()
    client.force_login(operations)

    response = client.post(approve_url("report", report), {"version": report.version - 1}, follow=True)

    assert "was changed after you opened the page" in response.content.decode()
    report.refresh_from_db()
    assert report.review == Review.SUBMITTED


def test_with_sign_off_turned_off_a_report_is_the_boards_at_once(
    client, lead, priority, board_meeting, without_sign_off
):
    client.force_login(lead)
    write_report(client, board_meeting, priority)

    [summary] = priority_summaries([priority])
    assert summary.report.review == Review.APPROVED and not summary.newer_awaiting


def test_the_partnership_admin_turns_sign_off_off(client, admin_user, lead, action):
    from send_portal.models import Partnership

    partnership = Partnership.objects.create(name="Test SEND Partnership")
    client.force_login(admin_user)
    url = reverse("admin:send_portal_partnership_change", args=[partnership.pk])
    assert 'name="updates_need_sign_off"' in client.get(url).content.decode()

    partnership.updates_need_sign_off = False
    partnership.save()  # as the admin's form saves it: the cached partnership follows

    update = action.record_update(author=lead, status=Status.ON_TRACK, narrative="Approved as made.")
    assert update.review == Review.APPROVED
