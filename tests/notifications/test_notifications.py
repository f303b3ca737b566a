"""Mail when something changes: sent by tasks enqueued once the change commits, to those who want it."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from actions.models import Status
from governance.models import BoardPackRequest, Escalation
from governance.tasks import generate_requested_pack
from notifications.models import Preference, SentMessage
from send_portal.roles import BOARD_MEMBER, OPERATIONS_GROUP
from tests.factories import ActionFactory, GroupFactory, MeetingFactory, UserFactory


@pytest.fixture
def action(priority, lead):
    return ActionFactory(ref="P1.4", priority=priority, lead=UserFactory(username="actionlead"))


def test_the_leads_are_told_when_their_action_is_escalated(
    action, lead, operations, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        Escalation.escalate(action=action, reason="Needs funding <b>now</b>.", raised_by=operations)

    assert sorted(m.to[0] for m in mailoutbox) == sorted([lead.email, action.lead.email])
    message = mailoutbox[0]
    assert message.subject == "P1.4 is escalated to the Improvement Board"
    assert "Needs funding <b>now</b>." in message.body
    html = message.alternatives[0].content
    assert "Needs funding &lt;b&gt;now&lt;/b&gt;." in html
    assert 'href="http://127.0.0.1:8000/actions/P1.4/"' in html
    assert "because you lead this action or its priority" in message.body


def test_nothing_is_sent_when_the_change_is_rolled_back(
    action, operations, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        Escalation.escalate(action=action, reason="Needs funding.", raised_by=operations)
    # the test's transaction is never committed: the enqueue waits in on_commit and never runs
    assert len(callbacks) == 1 and mailoutbox == []


def test_the_leads_are_told_when_the_due_date_is_revised(
    client, action, lead, operations, mailoutbox, django_capture_on_commit_callbacks
):
    Preference.objects.create(person=action.lead, changes=False)  # this one said no
    new_date = action.due_date + timedelta(days=30)
    client.force_login(operations)
    data = {
        "title": action.title,
        "description": "",
        "lead_role": "",
        "lead_organisation": action.lead_organisation,
        "start_date": action.start_date.isoformat(),
        "revised_due_date": new_date.isoformat(),
        "revision_reason": "The supplier is late.",
        "expected_impact": "",
        "version": action.version,
        "lead": action.lead.pk,
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("actions:action_edit", args=[action.ref]), data)

    assert response.status_code == 302, response.content.decode()
    [message] = mailoutbox
    assert message.to == [lead.email]
    assert message.subject == f"The due date of P1.4 is revised to {new_date:%-d %B %Y}"
    assert "The supplier is late." in message.body


def test_the_leads_are_told_when_an_update_revises_the_due_date(
    action, lead, operations, mailoutbox, django_capture_on_commit_callbacks
):
    new_date = timezone.localdate() + timedelta(days=60)
    with django_capture_on_commit_callbacks(execute=True):
        action.record_update(
            author=operations,
            status=Status.AT_RISK,
            narrative="Moved with the Board's agreement.",
            revised_due_date=new_date,
            revision_reason="The supplier is late.",
        )

    assert sorted(m.to[0] for m in mailoutbox) == sorted([lead.email, action.lead.email])
    assert mailoutbox[0].subject == f"The due date of P1.4 is revised to {new_date:%-d %B %Y}"


def test_an_edit_that_keeps_the_due_date_sends_nothing(
    action, operations, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        action.save_details({"title": "A clearer title"}, expected_version=action.version)
    assert mailoutbox == []


@pytest.mark.usefixtures("without_sign_off")  # approved as made; sign-off: test_sign_off.py
def test_the_operations_group_is_told_when_an_update_marks_an_action_off_track(
    action, lead, operations, mailoutbox, django_capture_on_commit_callbacks
):
    colleague = UserFactory(username="colleague")
    colleague.groups.add(Group.objects.get(name=OPERATIONS_GROUP))

    with django_capture_on_commit_callbacks(execute=True):
        action.record_update(
            author=operations, status=Status.OFF_TRACK, narrative="Stalled.", mitigation="Escalating."
        )
    with django_capture_on_commit_callbacks(execute=True):  # still off track: not news
        action.record_update(
            author=lead, status=Status.OFF_TRACK, narrative="Still stalled.", mitigation="Waiting."
        )

    [message] = mailoutbox  # to the colleague, not to the person who posted it
    assert message.to == [colleague.email]
    assert message.subject == "P1.4 is off track"
    assert "Escalating." in message.body


def test_board_members_who_opted_in_are_told_the_next_boards_pack_is_ready(
    operations, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("governance.services.render_pdf", lambda html, base_url: b"%PDF-1.7 test")
    board = Group.objects.get(name=BOARD_MEMBER)
    keen, quiet = UserFactory(username="keen"), UserFactory(username="quiet")
    board.user_set.add(keen, quiet)
    Preference.objects.create(person=keen, pack_ready=True)
    meeting = MeetingFactory(group=GroupFactory(board=True), date=timezone.localdate() + timedelta(days=5))
    later = MeetingFactory(group=meeting.group, date=timezone.localdate() + timedelta(days=40))

    for which in (later, meeting):
        with django_capture_on_commit_callbacks(execute=True):
            generate_requested_pack.call(
                BoardPackRequest.objects.create(meeting=which, requested_by=operations).pk
            )

    [message] = mailoutbox  # only for the next meeting's pack, only to who asked
    assert message.to == [keen.email]
    assert message.subject == f"The board pack for {meeting} is ready"
    assert SentMessage.objects.count() == 1
