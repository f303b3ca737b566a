from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from governance.models import GroupKind, MeetingAction, MeetingActionStatus, MeetingStatus
from tests.factories import (
    AttendanceFactory,
    GroupFactory,
    MeetingActionFactory,
    MeetingFactory,
    PriorityFactory,
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
