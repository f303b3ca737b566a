"""Sign-off of progress updates, and "complete means evidenced": a lead's update awaits the Operations
Group; the Board's pages, the pack and the API read approved updates only; delivered and impact evidenced
are two facts."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import IMPACT_NEEDS_COMPLETE, Action, ProgressUpdate, Status
from governance import services
from send_portal.models import OWN_SUBMISSION_MESSAGE, Review, SignOffRefused
from tests.api.conftest import token_client
from tests.factories import ActionFactory, GroupFactory, MeetingFactory, ProgressUpdateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def action(priority):
    return ActionFactory(ref="P1.1", priority=priority, title="Recruit educational psychologists")


def post_update(client, action, **data):
    payload = {"version": action.version, "status": Status.ON_TRACK, "narrative": "Two posts filled."} | data
    return client.post(reverse("actions:progressupdate_add", args=[action.ref]), payload)


def lead_marks_off_track(client, lead, action):
    client.force_login(lead)
    response = post_update(
        client,
        action,
        status=Status.OFF_TRACK,
        mitigation="Agency cover asked for.",
        overdue_reason="Slipped.",
    )
    assert response.status_code == 302
    action.refresh_from_db()
    return action.updates.latest_first().first()


def test_a_leads_update_awaits_sign_off_and_leaves_the_status_the_board_reads(client, lead, action):
    update = lead_marks_off_track(client, lead, action)

    assert (update.review, update.submitted_by) == (Review.SUBMITTED, lead)
    assert action.status == Status.NOT_STARTED and action.last_update_on is None


def test_the_board_does_not_see_an_unapproved_update_as_approved_on_the_action_page(
    client, lead, board_member, action
):
    lead_marks_off_track(client, lead, action)
    client.force_login(board_member)

    page = client.get(action.get_absolute_url()).content.decode()

    assert "1 newer update awaiting sign-off" in page
    assert 'govuk-tag govuk-tag--yellow">Awaiting sign-off' in page
    assert 'govuk-tag govuk-tag--grey">Not started' in page  # the reading at the top: approved only


def test_the_dashboard_lists_only_approved_updates_and_the_actions_list_says_one_awaits(
    client, lead, board_member, action
):
    lead_marks_off_track(client, lead, action)
    client.force_login(board_member)

    dashboard = client.get(reverse("dashboard"))
    listing = client.get(reverse("actions:action_list")).content.decode()

    assert list(dashboard.context["updates"]) == []
    assert "Off track" not in "".join(str(p.count_off_track) for p in dashboard.context["priorities"])
    assert dashboard.context["priorities"][0].count_off_track == 0
    assert "1 newer update awaiting sign-off" in listing


def test_the_pack_reads_the_approved_update_and_says_a_newer_one_awaits(client, lead, operations, action):
    action.due_date = timezone.localdate() - timedelta(days=3)  # overdue: it is in the pack's list
    action.save()
    ProgressUpdateFactory(action=action, status=Status.AT_RISK, narrative="Approved before.", mitigation="x")
    lead_marks_off_track(client, lead, action)
    meeting = MeetingFactory(group=GroupFactory(board=True), date=timezone.localdate() + timedelta(days=7))

    context = services.board_pack_context(meeting)

    [shown] = context["needs_attention"]
    assert (shown.status, shown.latest_narrative, shown.updates_awaiting) == (
        Status.AT_RISK,
        "Approved before.",
        1,
    )
    html = services.render_board_pack_html(meeting)
    assert "1 newer update awaiting sign-off" in html


def test_the_api_gives_the_approved_status_and_the_updates_sign_off_state(client, lead, board_member, action):
    update = lead_marks_off_track(client, lead, action)
    api = token_client(board_member)

    [row] = api.get("/api/v1/actions/").json()["results"]
    given = api.get("/api/v1/progress-updates/").json()["results"][0]

    assert (row["status"], row["updates_awaiting_sign_off"]) == ("not_started", 1)
    assert (given["id"], given["review"], given["review_label"]) == (
        update.pk,
        "submitted",
        "Awaiting sign-off",
    )


def test_approving_the_update_makes_it_the_actions_status(client, lead, operations, action):
    update = lead_marks_off_track(client, lead, action)
    version = action.version

    update.approve(by=operations)

    action.refresh_from_db()
    assert (action.status, action.last_update_on, action.version) == (
        Status.OFF_TRACK,
        update.date,
        version + 1,
    )
    update.refresh_from_db()
    assert (update.review, update.reviewed_by) == (Review.APPROVED, operations)


def test_nobody_approves_their_own_update(operations, action):
    update = action.record_update(author=operations, status=Status.ON_TRACK, narrative="Mine.")

    with pytest.raises(SignOffRefused) as refused:
        update.approve(by=operations)

    assert refused.value.message == OWN_SUBMISSION_MESSAGE
    update.refresh_from_db()
    assert update.review == Review.SUBMITTED


def test_history_records_the_sign_off_of_an_update(client, lead, operations, action):
    update = lead_marks_off_track(client, lead, action)

    update.return_to_lead(by=operations, reason="Say which posts.")

    reviews = list(
        update.history.order_by("history_date").values_list("review", "history_user", "return_reason")
    )
    assert reviews == [(Review.SUBMITTED, lead.pk, ""), (Review.RETURNED, operations.pk, "Say which posts.")]


def test_with_sign_off_turned_off_an_update_is_approved_at_once(client, lead, action, without_sign_off):
    update = lead_marks_off_track(client, lead, action)

    assert (update.review, update.reviewed_by) == (Review.APPROVED, lead)
    assert action.status == Status.OFF_TRACK


# --- Complete means evidenced ----------------------------------------------------------------------------
def test_an_update_marking_complete_without_impact_evidence_shows_delivered_only(
    client, lead, operations, action
):
    client.force_login(lead)
    post_update(client, action, status=Status.COMPLETE, evidence_link="https://example.org/report")
    update = action.updates.get()
    update.approve(by=operations)
    action.refresh_from_db()

    page = client.get(action.get_absolute_url()).content.decode()

    assert (action.delivered_on, action.impact_evidenced_on) == (update.date, None)
    assert "Delivered on" in page
    assert "Not yet: delivered, but no approved update has evidenced its impact" in page
    assert "impact not yet evidenced" in action.reading().text


def test_a_later_approved_update_adds_the_evidence_of_impact(client, lead, operations, action):
    client.force_login(lead)
    post_update(client, action, status=Status.COMPLETE, evidence_link="https://example.org/report")
    action.updates.get().approve(by=operations)
    action.refresh_from_db()

    # Already delivered: the follow-up needs no evidence of delivery again, only the impact.
    response = post_update(
        client,
        action,
        status=Status.COMPLETE,
        narrative="Six months on.",
        impact_narrative="Waits fell to 14 weeks.",
    )
    assert response.status_code == 302
    later = action.updates.latest_first().first()
    action.refresh_from_db()
    assert action.impact_evidenced_on is None  # not until it is approved
    later.approve(by=operations)

    action.refresh_from_db()
    assert action.impact_evidenced_on == later.date
    assert "impact evidenced" in action.reading().text
    row = token_client(operations).get("/api/v1/actions/").json()["results"][0]
    assert (row["delivered_on"], row["impact_evidenced_on"]) == (
        later.date.isoformat(),
        later.date.isoformat(),
    )


def test_evidence_of_impact_on_an_update_that_does_not_mark_complete_is_refused(client, lead, action):
    client.force_login(lead)

    response = post_update(client, action, status=Status.ON_TRACK, impact_narrative="Families say it helps.")

    assert response.status_code == 200
    assert IMPACT_NEEDS_COMPLETE in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_marking_complete_still_needs_evidence_of_delivery(client, lead, action):
    client.force_login(lead)

    response = post_update(client, action, status=Status.COMPLETE, impact_narrative="Waits fell.")

    assert (
        "Add a link to evidence or upload a file that shows the action is complete"
        in response.content.decode()
    )
    assert not ProgressUpdate.objects.exists()


def test_a_reopened_action_loses_its_impact_evidence(operations, lead, action, without_sign_off):
    action.record_update(
        author=lead,
        status=Status.COMPLETE,
        narrative="Done.",
        evidence_link="https://e.org",
        impact_narrative="Better.",
    )
    action.refresh_from_db()
    assert action.impact_evidenced_on is not None

    action.record_update(author=lead, status=Status.ON_TRACK, narrative="Reopened: not done after all.")

    action.refresh_from_db()
    assert (action.status, action.delivered_on, action.impact_evidenced_on) == (Status.ON_TRACK, None, None)
    assert Action.objects.get(pk=action.pk).derived_impact_evidenced_on() is None


def test_the_off_track_mail_waits_for_the_approval(
    client, lead, operations, action, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        update = lead_marks_off_track(client, lead, action)
    assert mailoutbox == []  # submitted: the action is not off track yet

    with django_capture_on_commit_callbacks(execute=True):
        update.approve(by=operations)

    assert [(m.subject, m.to) for m in mailoutbox] == [("P1.1 is off track", [operations.email])]
