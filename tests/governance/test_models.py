from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from governance.models import (
    CalendarFeed,
    Escalation,
    GroupKind,
    MeetingAction,
    MeetingActionStatus,
    MeetingKind,
    MeetingStatus,
)
from send_portal.models import StaleEdit
from tests.factories import (
    ActionFactory,
    AgendaItemFactory,
    AttendanceFactory,
    GroupFactory,
    IndicatorFactory,
    MeetingActionFactory,
    MeetingFactory,
    PriorityFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def test_a_dropped_action_needs_a_reason():
    with pytest.raises(IntegrityError), transaction.atomic():
        MeetingActionFactory(status=MeetingActionStatus.DROPPED, dropped_reason="")


def test_an_open_action_log_item_past_its_due_date_is_overdue():
    item = MeetingActionFactory(due_date=date(2026, 1, 1))
    MeetingActionFactory(due_date=date(2026, 1, 1), status=MeetingActionStatus.DONE)

    assert item.is_overdue(date(2026, 1, 2))
    assert list(MeetingAction.objects.overdue(date(2026, 1, 2))) == [item]


def test_only_a_workstream_is_linked_to_a_priority():
    with pytest.raises(IntegrityError), transaction.atomic():
        GroupFactory(kind=GroupKind.BOARD, priority=PriorityFactory())
    assert GroupFactory(kind=GroupKind.WORKSTREAM, priority=PriorityFactory()).priority


def test_a_person_is_on_a_meetings_attendance_list_once():
    attendance = AttendanceFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        AttendanceFactory(meeting=attendance.meeting, person=attendance.person)


def test_the_next_board_meeting_is_the_earliest_upcoming_board_meeting():
    today = timezone.localdate()
    board = GroupFactory(board=True)
    MeetingFactory(group=board, date=today - timedelta(days=3))
    MeetingFactory(group=GroupFactory(), date=today + timedelta(days=1))
    MeetingFactory(group=board, date=today + timedelta(days=2), status=MeetingStatus.CANCELLED)
    expected = MeetingFactory(group=board, date=today + timedelta(days=9))
    MeetingFactory(group=board, date=today + timedelta(days=40))

    from governance.models import Meeting

    assert Meeting.objects.next_board_meeting(today) == expected


# --- Matters arising: open action-log items carry forward ------------------------------------------------
def test_an_open_item_is_carried_to_every_later_meeting_of_the_group_until_it_is_closed():
    group = GroupFactory()
    first = MeetingFactory(group=group, date=date(2026, 1, 10))
    second = MeetingFactory(group=group, date=date(2026, 2, 10))
    third = MeetingFactory(group=group, date=date(2026, 3, 10))
    item = MeetingActionFactory(meeting=first, due_date=date(2026, 2, 1))
    MeetingActionFactory(meeting=MeetingFactory(date=date(2026, 1, 10)))  # another group's

    assert list(MeetingAction.objects.carried_to(first)) == []
    assert list(MeetingAction.objects.carried_to(second)) == [item]
    assert list(MeetingAction.objects.carried_to(third)) == [item]

    item.close(MeetingActionStatus.DONE, today=date(2026, 2, 10))  # closed at the second meeting

    assert list(MeetingAction.objects.carried_to(second)) == [item]  # it was reviewed there
    assert list(MeetingAction.objects.carried_to(third)) == []


def test_an_item_closed_before_the_next_meeting_is_not_carried_to_it():
    group = GroupFactory()
    first = MeetingFactory(group=group, date=date(2026, 1, 10))
    second = MeetingFactory(group=group, date=date(2026, 2, 10))
    item = MeetingActionFactory(meeting=first)

    item.close(MeetingActionStatus.DROPPED, reason="Overtaken by the new strategy.", today=date(2026, 1, 20))

    assert list(MeetingAction.objects.carried_to(second)) == []


def test_closing_an_action_twice_keeps_the_first_closing_date():
    item = MeetingActionFactory()
    item.close(MeetingActionStatus.DONE, today=date(2026, 2, 1))

    item.close(MeetingActionStatus.DROPPED, reason="Changed our minds.", today=date(2026, 3, 1))

    item.refresh_from_db()
    assert (item.status, item.closed_on, item.dropped_reason) == (
        MeetingActionStatus.DONE,
        date(2026, 2, 1),
        "",
    )


def test_closing_an_action_moves_its_version_on():
    item = MeetingActionFactory()

    item.close(MeetingActionStatus.DONE)

    item.refresh_from_db()
    assert (item.status, item.version) == (MeetingActionStatus.DONE, 2)


def test_closing_an_out_of_date_copy_of_an_action_closed_since_keeps_the_first_closing():
    item = MeetingActionFactory()
    copy = MeetingAction.objects.get(pk=item.pk)  # loaded by someone else while it was still open
    item.close(MeetingActionStatus.DONE, today=date(2026, 2, 1))

    copy.close(MeetingActionStatus.DROPPED, reason="Changed our minds.", today=date(2026, 3, 1))

    item.refresh_from_db()
    assert (item.status, item.closed_on, item.version) == (MeetingActionStatus.DONE, date(2026, 2, 1), 2)
    assert copy.status == MeetingActionStatus.DONE  # the copy now shows what is stored


def test_dropping_an_action_needs_a_reason():
    item = MeetingActionFactory()
    with pytest.raises(ValidationError):
        item.close(MeetingActionStatus.DROPPED, reason="  ")
    item.refresh_from_db()
    assert item.status == MeetingActionStatus.OPEN


# --- Escalations reach the next Board meeting and stay until decided -------------------------------------
def _escalate(action, on):
    escalation = Escalation.escalate(action=action, reason="Recruitment has failed twice.", raised_by=None)
    escalation.raised_at = timezone.make_aware(datetime.combine(on, time(9)))
    escalation.save()
    return escalation


def test_an_escalation_appears_on_each_board_meeting_from_the_next_until_the_board_decides():
    board = GroupFactory(board=True)
    before = MeetingFactory(group=board, date=date(2026, 1, 10))
    next_board = MeetingFactory(group=board, date=date(2026, 2, 10))
    after = MeetingFactory(group=board, date=date(2026, 3, 10))
    later = MeetingFactory(group=board, date=date(2026, 4, 10))
    operations_meeting = MeetingFactory(group=GroupFactory(), date=date(2026, 2, 1))
    escalation = _escalate(ActionFactory(start_date=None), on=date(2026, 1, 20))

    assert list(Escalation.objects.for_meeting(before)) == []
    assert list(Escalation.objects.for_meeting(operations_meeting)) == []
    assert list(Escalation.objects.for_meeting(next_board)) == [escalation]
    assert list(Escalation.objects.for_meeting(after)) == [escalation]  # no decision yet: carried

    decision = escalation.resolve(meeting=after, text="Agency cover approved until June.")

    assert list(Escalation.objects.for_meeting(after)) == [escalation]  # decided there, still shown
    assert list(Escalation.objects.for_meeting(later)) == []
    assert decision.meeting == after
    assert decision.text == f"{escalation.action.ref}: Agency cover approved until June."
    assert list(Escalation.objects.open()) == []


def test_an_escalation_is_about_exactly_one_action_or_indicator():
    with pytest.raises(IntegrityError), transaction.atomic():
        Escalation.objects.create(reason="Both.", action=ActionFactory(), indicator=IndicatorFactory())
    with pytest.raises(IntegrityError), transaction.atomic():
        Escalation.objects.create(reason="Neither.")


def test_an_action_waiting_for_the_boards_decision_cannot_be_escalated_again():
    action = ActionFactory()
    Escalation.escalate(action=action, reason="First time.", raised_by=None)

    with pytest.raises(ValidationError, match="waiting for the Board's decision"):
        Escalation.escalate(action=action, reason="Second time.", raised_by=None)


def test_only_a_board_meeting_decides_on_an_escalation():
    escalation = Escalation.escalate(indicator=IndicatorFactory(), reason="Off track.", raised_by=None)

    with pytest.raises(ValidationError, match="Only the Improvement Board"):
        escalation.resolve(meeting=MeetingFactory(group=GroupFactory()), text="Noted.")


# --- Meetings --------------------------------------------------------------------------------------------
def test_the_previous_meeting_is_the_groups_last_one_of_the_same_kind_not_cancelled():
    board = GroupFactory(board=True)
    expected = MeetingFactory(group=board, date=date(2026, 1, 10))
    MeetingFactory(group=board, date=date(2026, 1, 20), status=MeetingStatus.CANCELLED)
    MeetingFactory(group=board, date=date(2026, 1, 25), kind=MeetingKind.STOCKTAKE)
    MeetingFactory(group=GroupFactory(), date=date(2026, 1, 28))
    meeting = MeetingFactory(group=board, date=date(2026, 2, 10))

    assert meeting.previous_meeting() == expected


def test_saving_a_meeting_from_an_out_of_date_form_is_refused():
    meeting = MeetingFactory(minutes="First draft.")
    meeting.save_details({"minutes": "Second draft."}, expected_version=1)

    with pytest.raises(StaleEdit):
        meeting.save_details({"minutes": "My draft."}, expected_version=1)

    meeting.refresh_from_db()
    assert (meeting.minutes, meeting.version) == ("Second draft.", 2)


def test_saving_an_action_log_item_from_an_out_of_date_form_is_refused_and_writes_nothing():
    item = MeetingActionFactory(text="First wording.")
    item.save_details({"text": "Second wording."}, expected_version=1)

    with pytest.raises(StaleEdit):
        item.save_details({"text": "My wording."}, expected_version=1)

    item.refresh_from_db()
    assert (item.text, item.version, item.history.count()) == ("Second wording.", 2, 2)


def test_saving_an_agenda_item_sets_its_plan_actions_with_its_details():
    item = AgendaItemFactory(title="EP recruitment")
    action = ActionFactory(ref="P2.3")

    item.save_details({"title": "EP recruitment update", "actions": [action]}, expected_version=1)

    item.refresh_from_db()
    assert (item.title, item.version, list(item.actions.all())) == ("EP recruitment update", 2, [action])


def test_what_changed_on_a_decision_names_its_agenda_item_not_its_number():
    meeting = MeetingFactory()
    finance = AgendaItemFactory(meeting=meeting, order=2, title="Finance")
    decision = meeting.record_decision(text="Agreed the budget.")
    decision.save_details({"agenda_item": finance}, expected_version=1)

    changes = decision.changes_since(1)

    assert [(label, old, str(new)) for label, old, new in changes["fields"]] == [
        ("agenda item", None, "2. Finance")
    ]


def test_what_changed_on_an_agenda_item_names_the_plan_actions_linked():
    item = AgendaItemFactory(title="EP recruitment")
    ActionFactory(ref="P2.4", title="Train SENCOs")
    action = ActionFactory(ref="P2.3", title="Recruit educational psychologists")
    item.save_details({"actions": [action]}, expected_version=1)

    changes = item.changes_since(1)

    assert changes["fields"] == [("actions", "", "P2.3 Recruit educational psychologists")]


def test_recording_attendance_adds_changes_and_removes_people():
    meeting = MeetingFactory()
    present, apologies, removed = UserFactory(), UserFactory(), UserFactory()
    AttendanceFactory(meeting=meeting, person=removed)
    AttendanceFactory(meeting=meeting, person=apologies)

    meeting.record_attendance({present: "present", apologies: "apologies", removed: ""})

    assert dict(meeting.attendance.values_list("person__username", "status")) == {
        present.username: "present",
        apologies.username: "apologies",
    }


def test_resetting_a_calendar_link_changes_its_secret():
    feed = CalendarFeed.objects.create(user=UserFactory())
    old = feed.token

    feed.reset()

    assert feed.token != old and len(feed.token) >= 40
    assert CalendarFeed.for_token(old) is None
    assert CalendarFeed.for_token(feed.token) == feed


def test_a_calendar_link_is_signed_not_stored(settings):
    feed = CalendarFeed.objects.create(user=UserFactory())
    link = feed.token
    stored = " ".join(str(value) for value in CalendarFeed.objects.values().get())

    settings.SECRET_KEY = "another-secret-key-" + "x" * 40  # e.g. a copy of the database elsewhere

    assert link.split(":")[-1] not in stored  # the signature is nowhere in the row
    assert CalendarFeed.for_token(link) is None  # and no link opens without our key
    assert CalendarFeed.for_token("WzEsMV0:not-a-signature") is None


def test_a_calendar_link_still_opens_while_the_old_key_is_a_fallback(settings):
    feed = CalendarFeed.objects.create(user=UserFactory())
    link, old_key = feed.token, settings.SECRET_KEY

    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-rotated-secret-key-" + "z" * 40, [old_key]

    assert CalendarFeed.for_token(link) == feed
    assert feed.token != link  # new links are signed with the new key
