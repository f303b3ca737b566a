"""Running meetings in the portal: forms, the refused stale edit, the action log, escalations, calendar."""

import csv
import io
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from governance.models import (
    AgendaItem,
    Attendance,
    CalendarFeed,
    Decision,
    Escalation,
    FeedbackItem,
    Meeting,
    MeetingAction,
    MeetingActionStatus,
    MeetingKind,
    MeetingStatus,
)
from tests.factories import (
    ActionFactory,
    AgendaItemFactory,
    DecisionFactory,
    FeedbackItemFactory,
    GroupFactory,
    IndicatorFactory,
    MeetingActionFactory,
    MeetingFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def board():
    return GroupFactory(board=True)


@pytest.fixture
def meeting(board):
    return MeetingFactory(group=board, title="Board, December", minutes="Draft minutes.")


def meeting_data(meeting, **changes):
    data = {
        "version": meeting.version,
        "group": meeting.group.pk,
        "title": meeting.title,
        "kind": meeting.kind,
        "date": meeting.date.isoformat(),
        "start_time": "",
        "location": meeting.location,
        "status": meeting.status,
        "minutes": meeting.minutes,
    }
    return data | changes


# --- Meetings and their parts ----------------------------------------------------------------------------
def test_the_operations_group_creates_a_meeting(client, operations, board):
    client.force_login(operations)

    response = client.post(
        reverse("governance:meeting_add"),
        {
            "group": board.pk,
            "title": "Board, March",
            "kind": MeetingKind.MEETING,
            "date": "2027-03-11",
            "start_time": "10:00",
            "status": MeetingStatus.SCHEDULED,
        },
    )

    meeting = Meeting.objects.get(title="Board, March")
    assert response["Location"] == meeting.get_absolute_url()
    assert (meeting.date, meeting.start_time) == (date(2027, 3, 11), time(10))


def test_a_meeting_without_a_title_is_called_by_its_group_and_date(client, operations):
    board = GroupFactory(board=True, name="SEND Improvement Board")
    client.force_login(operations)

    response = client.post(
        reverse("governance:meeting_add"),
        {"group": board.pk, "title": " ", "kind": "meeting", "date": "10 12 2026", "status": "scheduled"},
    )

    meeting = Meeting.objects.get()
    assert response["Location"] == meeting.get_absolute_url()
    assert meeting.title == "SEND Improvement Board, 10 December 2026"
    assert str(meeting) == "SEND Improvement Board, 10 December 2026"


def test_a_meeting_date_that_is_not_real_is_refused_with_the_hints_example(client, operations, board):
    client.force_login(operations)

    response = client.post(reverse("governance:meeting_add"), {"group": board.pk, "date": "31/02/2027"})

    text = response.content.decode()
    assert (
        field_error(response, "date")
        == "Enter the date of the meeting as a real date, for example 10 12 2026"
    )
    assert '<div id="id_date_hint" class="govuk-hint">For example, 10 12 2026.</div>' in text
    assert "<title>Error: Create a meeting" in text
    assert not Meeting.objects.exists()


def test_every_date_a_form_asks_for_takes_the_hints_example_and_its_error_repeats_it():
    from actions.forms import ActionForm
    from governance.forms import MeetingActionForm, MeetingForm

    for form_class, name in [
        (MeetingForm, "date"),
        (MeetingActionForm, "due_date"),
        (ActionForm, "start_date"),
        (ActionForm, "revised_due_date"),
    ]:
        field = form_class.base_fields[name]
        example = re.search(r"[Ff]or example,? (\d+ \d+ \d{4})", str(field.help_text)).group(1)
        assert field.clean(example) == date(2026, 12, 10), (form_class, name)
        assert field.error_messages["invalid"].endswith(f"for example {example}"), (form_class, name)


def test_a_meeting_dated_in_the_future_cannot_be_marked_held(client, operations, meeting):
    meeting.date = timezone.localdate() + timedelta(days=1)
    meeting.save()
    client.force_login(operations)

    response = client.post(
        reverse("governance:meeting_edit", args=[meeting.pk]),
        meeting_data(meeting, status=MeetingStatus.HELD, minutes="Typed ahead."),
    )

    meeting.refresh_from_db()
    assert field_error(response, "status").startswith("A meeting cannot be held before its date.")
    assert "Typed ahead." in response.content.decode()
    assert meeting.status == MeetingStatus.SCHEDULED
    client.post(
        reverse("governance:meeting_edit", args=[meeting.pk]),
        meeting_data(meeting, status=MeetingStatus.HELD, date=timezone.localdate().isoformat()),
    )
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.HELD  # on the day it can


def test_saving_minutes_from_an_out_of_date_form_is_refused_and_says_what_changed(
    client, operations, meeting
):
    other = UserFactory(first_name="Rita", last_name="Clerk")
    other.groups.set(operations.groups.all())
    loaded = meeting_data(meeting)
    client.force_login(other)
    client.post(
        reverse("governance:meeting_edit", args=[meeting.pk]), loaded | {"minutes": "Rita's minutes."}
    )
    client.force_login(operations)

    response = client.post(
        reverse("governance:meeting_edit", args=[meeting.pk]), loaded | {"minutes": "Mine."}
    )

    text = response.content.decode()
    meeting.refresh_from_db()
    assert response.status_code == 200
    assert "Your changes have not been saved" in text
    assert "Rita&#x27;s minutes." in text  # what they wrote, in the "Now" column
    assert "Mine." in text  # what I wrote is still in the form
    assert meeting.minutes == "Rita's minutes."


def test_saving_the_minutes_from_a_current_form_saves_them(client, operations, meeting):
    client.force_login(operations)

    client.post(
        reverse("governance:meeting_edit", args=[meeting.pk]), meeting_data(meeting, minutes="Agreed.")
    )

    meeting.refresh_from_db()
    assert (meeting.minutes, meeting.version) == ("Agreed.", 2)


def test_a_board_member_cannot_change_the_minutes(client, board_member, meeting):
    client.force_login(board_member)

    response = client.post(
        reverse("governance:meeting_edit", args=[meeting.pk]), meeting_data(meeting, minutes="X")
    )

    meeting.refresh_from_db()
    assert response.status_code == 403
    assert meeting.minutes == "Draft minutes."


def test_an_agenda_item_links_the_plan_actions_chosen_from_the_list(client, operations, meeting):
    first = ActionFactory(ref="P2.3", title="Recruit educational psychologists")
    second = ActionFactory(ref="P2.4")
    client.force_login(operations)
    url = reverse("governance:agendaitem_add", args=[meeting.pk])

    page = client.get(url).content.decode()
    client.post(url, {"order": 1, "title": "EP recruitment", "actions": [second.pk, first.pk]})

    assert 'type="checkbox"' in page and "P2.3 Recruit educational psychologists" in page
    item = AgendaItem.objects.get()
    assert sorted(item.actions.values_list("ref", flat=True)) == ["P2.3", "P2.4"]
    edit = client.get(reverse("governance:agendaitem_edit", args=[meeting.pk, item.pk])).content.decode()
    assert edit.count('checked="checked"') == 2


def test_an_agenda_item_naming_an_unknown_action_is_refused(client, operations, meeting):
    client.force_login(operations)

    response = client.post(
        reverse("governance:agendaitem_add", args=[meeting.pk]),
        {"order": 1, "title": "EP recruitment", "actions": ["999999"]},
    )

    assert field_error(response, "actions") == "Select plan actions from the list"
    assert not AgendaItem.objects.exists()


def test_removing_an_agenda_item_keeps_its_decisions(client, operations, meeting):
    item = AgendaItem.objects.create(meeting=meeting, order=1, title="Item")
    meeting.record_decision(text="Agreed.", agenda_item=item)
    client.force_login(operations)

    client.post(reverse("governance:agendaitem_delete", args=[meeting.pk, item.pk]))

    assert not AgendaItem.objects.exists()
    assert Decision.objects.get().text == "Agreed."


def test_a_decision_is_numbered_after_the_meetings_others(client, operations, meeting):
    meeting.record_decision(text="First.")
    client.force_login(operations)

    client.post(reverse("governance:decision_add", args=[meeting.pk]), {"text": "Second."})

    assert list(meeting.decisions.values_list("order", "text")) == [(1, "First."), (2, "Second.")]


def test_the_meeting_page_numbers_decisions_as_their_edit_pages_and_history_do(client, operations, meeting):
    DecisionFactory(meeting=meeting, order=2, text="Adopt the new EHC process.")
    DecisionFactory(meeting=meeting, order=5, text="Write to schools.")
    client.force_login(operations)

    page = client.get(meeting.get_absolute_url()).content.decode()

    assert '<li value="2">Adopt the new EHC process.' in page
    assert (
        '<li value="5">Write to schools.' in page
        and 'Edit<span class="govuk-visually-hidden"> decision 5' in page
    )


def test_an_action_log_item_may_be_added_before_its_owner_is_agreed(client, operations, meeting):
    client.force_login(operations)
    url = reverse("governance:meetingaction_add", args=[meeting.pk])

    page = client.get(url).content.decode()
    client.post(url, {"text": "Write it up.", "owner": "", "owner_role": "", "due_date": "15 1 2027"})

    assert "Owner (optional)" in page
    item = MeetingAction.objects.get()
    assert (item.owner, item.owner_role, item.due_date) == (None, "", date(2027, 1, 15))
    assert "Not recorded" in client.get(meeting.get_absolute_url()).content.decode()


def test_dropping_an_action_log_item_without_a_reason_is_refused(client, operations, meeting):
    item = MeetingActionFactory(meeting=meeting)
    client.force_login(operations)
    url = reverse("governance:meetingaction_close", args=[item.pk])

    response = client.post(url, {"status": MeetingActionStatus.DROPPED, "dropped_reason": ""})
    assert "Give the reason the action was dropped" in response.content.decode()

    client.post(url, {"status": MeetingActionStatus.DROPPED, "dropped_reason": "No longer needed."})
    item.refresh_from_db()
    assert (item.status, item.dropped_reason, item.closed_on) == (
        MeetingActionStatus.DROPPED,
        "No longer needed.",
        timezone.localdate(),
    )


def test_attendance_lists_the_groups_members_and_saves_their_answers(client, operations, meeting, board):
    chair, adviser = UserFactory(first_name="Chair"), UserFactory(first_name="Adviser")
    board.members.add(chair, adviser)
    client.force_login(operations)
    url = reverse("governance:attendance_edit", args=[meeting.pk])

    assert "Chair Example" in client.get(url).content.decode()
    client.post(
        url, {f"person_{chair.pk}": "present", f"person_{adviser.pk}": "apologies", "add_status": "present"}
    )

    assert dict(Attendance.objects.values_list("person__first_name", "status")) == {
        "Chair": "present",
        "Adviser": "apologies",
    }


def test_you_said_we_did_is_added_to_the_meeting(client, operations, meeting):
    client.force_login(operations)

    client.post(
        reverse("governance:feedbackitem_add", args=[meeting.pk]),
        {"you_said": "Letters are confusing.", "we_did": "Rewrote them with parents."},
    )

    assert FeedbackItem.objects.get().meeting == meeting


def test_the_meeting_page_shows_matters_arising_from_the_groups_earlier_meeting(client, board_member, board):
    earlier = MeetingFactory(group=board, date=timezone.localdate() - timedelta(days=30))
    MeetingActionFactory(meeting=earlier, text="Circulate the baseline data pack.")
    meeting = MeetingFactory(group=board)
    client.force_login(board_member)

    text = client.get(meeting.get_absolute_url()).content.decode()

    assert "Circulate the baseline data pack." in text
    assert "Edit the meeting and minutes" not in text  # board members only read


# --- Editing what a meeting recorded ---------------------------------------------------------------------
def field_error(response, name):
    """The error message shown next to form field `name`, or None."""
    found = re.search(
        rf'id="id_{name}_1_error" class="govuk-error-message">.*?Error:</span>\s*(.*?)\s*</span>',
        response.content.decode(),
        re.DOTALL,
    )
    return found and found.group(1)


def test_editing_a_decision_saves_it_and_returns_to_the_meetings_decisions(client, operations, meeting):
    item = AgendaItemFactory(meeting=meeting, order=2)
    decision = meeting.record_decision(text="Agred the plan.")
    client.force_login(operations)

    response = client.post(
        reverse("governance:decision_edit", args=[meeting.pk, decision.pk]),
        {"version": decision.version, "agenda_item": item.pk, "text": "Agreed the plan."},
    )

    decision.refresh_from_db()
    assert response["Location"] == f"{meeting.get_absolute_url()}#decisions"
    assert (decision.text, decision.agenda_item, decision.order) == ("Agreed the plan.", item, 1)


def test_a_decision_without_its_text_is_refused_next_to_the_field_and_keeps_the_agenda_item(
    client, operations, meeting
):
    item = AgendaItemFactory(meeting=meeting, order=2)
    decision = meeting.record_decision(text="Agreed the plan.")
    client.force_login(operations)

    response = client.post(
        reverse("governance:decision_edit", args=[meeting.pk, decision.pk]),
        {"agenda_item": item.pk, "text": "  "},
    )

    decision.refresh_from_db()
    assert response.status_code == 200
    assert field_error(response, "text") == "Enter what the meeting decided"
    assert f'<option value="{item.pk}" selected>' in response.content.decode()
    assert (decision.text, decision.agenda_item) == ("Agreed the plan.", None)


def test_editing_an_action_log_item_saves_it_and_returns_to_its_row(client, operations, meeting):
    item = MeetingActionFactory(meeting=meeting, text="Write it up.", owner_role="Clerk")
    client.force_login(operations)

    response = client.post(
        reverse("governance:meetingaction_edit", args=[meeting.pk, item.pk]),
        {
            "version": item.version,
            "text": "Write up the minutes.",
            "owner": operations.pk,
            "owner_role": "",
            "due_date": "2027-02-01",
        },
    )

    item.refresh_from_db()
    assert response["Location"] == f"{meeting.get_absolute_url()}#action-{item.pk}"
    assert (item.text, item.owner, item.due_date, item.status) == (
        "Write up the minutes.",
        operations,
        date(2027, 2, 1),
        MeetingActionStatus.OPEN,
    )


def test_an_action_log_item_with_a_date_that_is_not_real_is_refused_next_to_the_field_and_keeps_the_typing(
    client, operations, meeting
):
    item = MeetingActionFactory(meeting=meeting, text="Write it up.", owner_role="Clerk")
    client.force_login(operations)

    response = client.post(
        reverse("governance:meetingaction_edit", args=[meeting.pk, item.pk]),
        {"text": "Write up the minutes.", "owner": "", "owner_role": "", "due_date": "31/02/2027"},
    )

    item.refresh_from_db()
    assert field_error(response, "owner") is None
    assert field_error(response, "due_date") == "Enter the due date as a real date, for example 10 12 2026"
    assert "Write up the minutes." in response.content.decode()
    assert 'value="31/02/2027"' in response.content.decode()
    assert (item.text, item.owner_role) == ("Write it up.", "Clerk")


def test_an_action_log_item_keeps_an_owner_who_has_since_left(client, operations, meeting):
    leaver = UserFactory(first_name="Lee", is_active=False)
    item = MeetingActionFactory(meeting=meeting, owner=leaver)
    client.force_login(operations)
    url = reverse("governance:meetingaction_edit", args=[meeting.pk, item.pk])

    assert f'<option value="{leaver.pk}" selected>' in client.get(url).content.decode()
    client.post(
        url, {"version": item.version, "text": item.text, "owner": leaver.pk, "due_date": "2027-03-01"}
    )

    item.refresh_from_db()
    assert (item.owner, item.due_date) == (leaver, date(2027, 3, 1))


def test_an_agenda_item_keeps_a_presenter_who_has_since_left(client, operations, meeting):
    leaver = UserFactory(first_name="Lee", is_active=False)
    item = AgendaItemFactory(meeting=meeting, order=1, title="EP recruitment", presenter=leaver)
    client.force_login(operations)
    url = reverse("governance:agendaitem_edit", args=[meeting.pk, item.pk])

    assert f'<option value="{leaver.pk}" selected>' in client.get(url).content.decode()
    client.post(
        url,
        {"version": item.version, "order": 1, "title": "EP recruitment update", "presenter": leaver.pk},
    )

    item.refresh_from_db()
    assert (item.presenter, item.title) == (leaver, "EP recruitment update")
    new_item = client.get(reverse("governance:agendaitem_add", args=[meeting.pk])).content.decode()
    assert f'<option value="{leaver.pk}"' not in new_item  # not offered for a new item


def test_editing_you_said_we_did_saves_it_and_returns_to_the_meetings_list_of_them(
    client, operations, meeting
):
    item = FeedbackItemFactory(meeting=meeting, you_said="Letters are confusing.", we_did="")
    client.force_login(operations)

    response = client.post(
        reverse("governance:feedbackitem_edit", args=[meeting.pk, item.pk]),
        {
            "version": item.version,
            "you_said": "Letters are confusing.",
            "we_did": "Rewrote them with parents.",
            "impact": "",
        },
    )

    item.refresh_from_db()
    assert response["Location"] == f"{meeting.get_absolute_url()}#you-said-we-did"
    assert (item.we_did, item.meeting) == ("Rewrote them with parents.", meeting)


def test_you_said_we_did_without_what_was_said_is_refused_next_to_the_field_and_keeps_the_typing(
    client, operations, meeting
):
    item = FeedbackItemFactory(meeting=meeting, you_said="Letters are confusing.", we_did="")
    client.force_login(operations)

    response = client.post(
        reverse("governance:feedbackitem_edit", args=[meeting.pk, item.pk]),
        {"you_said": "", "we_did": "Rewrote them with parents.", "impact": ""},
    )

    item.refresh_from_db()
    assert field_error(response, "you_said") == "Enter what children, young people or families said"
    assert "Rewrote them with parents." in response.content.decode()
    assert (item.you_said, item.we_did) == ("Letters are confusing.", "")


EDITS = {
    "decision": ("governance:decision_edit", DecisionFactory, {"text": "Changed."}),
    "action-log item": (
        "governance:meetingaction_edit",
        MeetingActionFactory,
        {"text": "Changed.", "owner_role": "Clerk"},
    ),
    "you said, we did": ("governance:feedbackitem_edit", FeedbackItemFactory, {"you_said": "Changed."}),
}


@pytest.mark.parametrize("kind", EDITS)
def test_an_item_of_another_meeting_cannot_be_edited_through_this_one(client, operations, meeting, kind):
    name, factory, data = EDITS[kind]
    other = factory(meeting=MeetingFactory())
    client.force_login(operations)
    url = reverse(name, args=[meeting.pk, other.pk])

    assert client.get(url).status_code == 404
    assert client.post(url, data).status_code == 404
    other.refresh_from_db()
    assert "Changed." not in (getattr(other, "text", "") + getattr(other, "you_said", ""))


@pytest.mark.parametrize("kind", EDITS)
def test_a_board_member_cannot_edit_what_a_meeting_recorded(client, board_member, meeting, kind):
    name, factory, data = EDITS[kind]
    item = factory(meeting=meeting)
    client.force_login(board_member)

    response = client.post(reverse(name, args=[meeting.pk, item.pk]), data)

    item.refresh_from_db()
    assert response.status_code == 403
    assert b"Only the Operations Group and administrators" in response.content
    assert "Changed." not in (getattr(item, "text", "") + getattr(item, "you_said", ""))


def test_the_meeting_page_links_each_item_to_its_edit_page_named_for_screen_readers(
    client, operations, meeting, board
):
    decision = meeting.record_decision(text="Agreed the plan.")
    action = MeetingActionFactory(meeting=meeting, text="Write it up.")
    feedback = FeedbackItemFactory(meeting=meeting, you_said="Letters are confusing.")
    earlier = MeetingFactory(group=board, date=meeting.date - timedelta(days=30))
    carried = MeetingActionFactory(meeting=earlier, text="Circulate the data pack.")
    client.force_login(operations)

    text = client.get(meeting.get_absolute_url()).content.decode()

    for url, hidden in [
        (reverse("governance:decision_edit", args=[meeting.pk, decision.pk]), " decision 1"),
        (reverse("governance:meetingaction_edit", args=[meeting.pk, action.pk]), " action: Write it up."),
        (
            reverse("governance:feedbackitem_edit", args=[meeting.pk, feedback.pk]),
            " 'you said, we did': Letters are confusing.",
        ),
        (
            reverse("governance:meetingaction_edit", args=[earlier.pk, carried.pk]),
            " action: Circulate the data pack.",
        ),
    ]:
        assert f'href="{url}">Edit<span class="govuk-visually-hidden">{hidden}</span></a>' in text


# --- Two people editing the same record at once ---------------------------------------------------------
STALE_EDITS = {  # what the page calls it: (edit page, a new item, its form's data, the field both change)
    "agenda item": (
        "governance:agendaitem_edit",
        lambda meeting: AgendaItemFactory(meeting=meeting, order=1, title="Finance"),
        lambda item: {"order": item.order, "title": item.title, "presenter_role": ""},
        "title",
    ),
    "decision": (
        "governance:decision_edit",
        lambda meeting: meeting.record_decision(text="Agred the plan."),
        lambda item: {"agenda_item": "", "text": item.text},
        "text",
    ),
    "action": (
        "governance:meetingaction_edit",
        lambda meeting: MeetingActionFactory(meeting=meeting, text="Write it up.", owner_role="Clerk"),
        lambda item: {"text": item.text, "owner_role": item.owner_role, "due_date": ""},
        "text",
    ),
    "'you said, we did' item": (
        "governance:feedbackitem_edit",
        lambda meeting: FeedbackItemFactory(meeting=meeting, you_said="Letters are confusing.", we_did=""),
        lambda item: {"you_said": item.you_said, "we_did": item.we_did, "impact": ""},
        "we_did",
    ),
}


# How the conflict table names the field changed: the form's label, as the person saw it.
STALE_LABELS = {
    "agenda item": "Title",
    "decision": "Decision",
    "action": "Action",
    "'you said, we did' item": "We did",
}


@pytest.fixture
def rita(operations):
    """A second member of the Operations Group, editing at the same time."""
    person = UserFactory(first_name="Rita", last_name="Clerk")
    person.groups.set(operations.groups.all())
    return person


@pytest.mark.parametrize("kind", STALE_EDITS)
def test_saving_an_item_from_an_out_of_date_form_is_refused_and_names_the_other_change(
    client, operations, rita, meeting, kind
):
    name, make, form_data, field = STALE_EDITS[kind]
    item = make(meeting)
    url = reverse(name, args=[meeting.pk, item.pk])
    loaded = {"version": item.version, **form_data(item)}
    client.force_login(rita)
    assert client.post(url, loaded | {field: "Rita's wording."}).status_code == 302
    recorded = item.history.count()
    client.force_login(operations)

    response = client.post(url, loaded | {field: "My wording."})

    text = response.content.decode()
    item.refresh_from_db()
    assert response.status_code == 200
    assert "Your changes have not been saved" in text
    assert f"Rita Clerk changed this {escape(kind)} after you opened this page" in text
    assert f'<th scope="row" class="govuk-table__header">{STALE_LABELS[kind]}</th>' in text  # the form's
    assert "Rita&#x27;s wording." in text  # her change, in the "Now" column
    assert "My wording." in text  # what I typed is still in the form
    assert 'name="version" value="2"' in text  # ready to save again over her change, knowingly
    assert (getattr(item, field), item.version) == ("Rita's wording.", 2)
    assert item.history.count() == recorded  # nothing written


@pytest.mark.parametrize("kind", STALE_EDITS)
def test_saving_an_item_from_a_current_form_saves_it_and_moves_its_version_on(
    client, operations, meeting, kind
):
    name, make, form_data, field = STALE_EDITS[kind]
    item = make(meeting)
    client.force_login(operations)

    response = client.post(
        reverse(name, args=[meeting.pk, item.pk]),
        {"version": item.version, **form_data(item), field: "New wording."},
    )

    item.refresh_from_db()
    assert response.status_code == 302
    assert (getattr(item, field), item.version) == ("New wording.", 2)


@pytest.mark.parametrize("kind", STALE_EDITS)
def test_saving_the_kept_form_again_after_a_refusal_saves_it(client, operations, rita, meeting, kind):
    name, make, form_data, field = STALE_EDITS[kind]
    item = make(meeting)
    url = reverse(name, args=[meeting.pk, item.pk])
    loaded = {"version": item.version, **form_data(item)}
    client.force_login(rita)
    client.post(url, loaded | {field: "Rita's wording."})
    client.force_login(operations)
    client.post(url, loaded | {field: "My wording."})

    response = client.post(url, loaded | {"version": 2, field: "My wording."})

    item.refresh_from_db()
    assert response.status_code == 302
    assert (getattr(item, field), item.version) == ("My wording.", 3)


def test_an_out_of_date_agenda_item_names_the_plan_actions_the_other_person_linked(
    client, operations, rita, meeting
):
    action = ActionFactory(ref="P2.3", title="Recruit educational psychologists")
    item = AgendaItemFactory(meeting=meeting, order=1, title="EP recruitment")
    url = reverse("governance:agendaitem_edit", args=[meeting.pk, item.pk])
    loaded = {"version": 1, "order": 1, "title": "EP recruitment", "presenter_role": ""}
    client.force_login(rita)
    client.post(url, loaded | {"actions": [action.pk]})
    client.force_login(operations)

    response = client.post(url, loaded | {"title": "EP recruitment update"})

    assert "P2.3 Recruit educational psychologists" in response.content.decode()
    item.refresh_from_db()
    assert item.title == "EP recruitment"
    assert list(item.actions.values_list("ref", flat=True)) == ["P2.3"]


def test_closing_an_action_log_item_makes_an_edit_form_opened_before_it_out_of_date(
    client, operations, meeting
):
    item = MeetingActionFactory(meeting=meeting, text="Write it up.", owner_role="Clerk")
    loaded = {"version": item.version, "text": "Write it up.", "owner_role": "Clerk", "due_date": ""}
    client.force_login(operations)
    client.post(
        reverse("governance:meetingaction_close", args=[item.pk]), {"status": MeetingActionStatus.DONE}
    )

    response = client.post(
        reverse("governance:meetingaction_edit", args=[meeting.pk, item.pk]), loaded | {"text": "Reworded."}
    )

    text = response.content.decode()
    item.refresh_from_db()
    assert "Your changes have not been saved" in text
    assert '<td class="govuk-table__cell">Done</td>' in text  # the status, in the "Now" column
    assert (item.text, item.status, item.version) == ("Write it up.", MeetingActionStatus.DONE, 2)


def test_a_board_member_sees_no_edit_links_on_the_meeting_page(client, board_member, meeting):
    meeting.record_decision(text="Agreed the plan.")
    MeetingActionFactory(meeting=meeting)
    FeedbackItemFactory(meeting=meeting)
    client.force_login(board_member)

    text = client.get(meeting.get_absolute_url()).content.decode()

    assert "/edit/" not in text


def test_edits_to_decisions_actions_and_you_said_we_did_show_on_the_meetings_history(
    client, operations, meeting
):
    decision = meeting.record_decision(text="Agred the plan.")
    action = MeetingActionFactory(meeting=meeting, text="Write it up.", owner_role="Clerk")
    feedback = FeedbackItemFactory(meeting=meeting, you_said="Letters are confusing.", we_did="")
    client.force_login(operations)
    client.post(
        reverse("governance:decision_edit", args=[meeting.pk, decision.pk]),
        {"version": decision.version, "text": "Agreed the plan."},
    )
    client.post(
        reverse("governance:meetingaction_edit", args=[meeting.pk, action.pk]),
        {"version": action.version, "text": "Write it up.", "owner_role": "Board secretary"},
    )
    client.post(
        reverse("governance:feedbackitem_edit", args=[meeting.pk, feedback.pk]),
        {"version": feedback.version, "you_said": "Letters are confusing.", "we_did": "Rewrote them."},
    )

    text = client.get(reverse("governance:meeting_history", args=[meeting.pk])).content.decode()

    assert "Decision 1: changed" in text and "Agreed the plan." in text
    assert "Action log: Write it up.: changed" in text and "Board secretary" in text
    assert "You said, we did: changed" in text and "Rewrote them." in text


# --- The action log --------------------------------------------------------------------------------------
def test_the_action_log_filters_overdue_items_by_the_one_rule(client, board_member, meeting):
    today = timezone.localdate()
    MeetingActionFactory(meeting=meeting, text="Late one", due_date=today - timedelta(days=1))
    MeetingActionFactory(meeting=meeting, text="Due soon", due_date=today + timedelta(days=5))
    MeetingActionFactory(
        meeting=meeting,
        text="Late but done",
        due_date=today - timedelta(days=9),
        status=MeetingActionStatus.DONE,
    )
    client.force_login(board_member)

    response = client.get(reverse("governance:meetingaction_list") + "?overdue=on")

    rows = [record.text for record in response.context["table"].data]
    assert rows == ["Late one"]


def test_the_action_log_exports_what_is_filtered_with_the_overdue_flag(client, board_member, meeting):
    MeetingActionFactory(
        meeting=meeting, text="=HYPERLINK(1)", due_date=timezone.localdate() - timedelta(days=1)
    )
    client.force_login(board_member)

    response = client.get(reverse("governance:meetingaction_list") + "?status=open&_export=csv")

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Action", "Raised at", "Group"]
    assert rows[1][0] == "'=HYPERLINK(1)"  # formulas are escaped
    assert "Open; Overdue" in rows[1]


def test_only_the_operations_group_sees_edit_and_close_links_on_the_action_log(
    client, board_member, operations, meeting
):
    open_item = MeetingActionFactory(meeting=meeting, text="Write to schools")
    done = MeetingActionFactory(meeting=meeting, text="Book the room", status=MeetingActionStatus.DONE)
    url = reverse("governance:meetingaction_list")
    edit = reverse("governance:meetingaction_edit", args=[meeting.pk, open_item.pk])

    client.force_login(board_member)
    as_board_member = client.get(url).content.decode()
    client.force_login(operations)
    page = client.get(url).content.decode()

    assert "/close/" not in as_board_member and edit not in as_board_member
    assert f'href="{edit}">Edit<span class="govuk-visually-hidden"> action: Write to schools</span>' in page
    assert reverse("governance:meetingaction_close", args=[open_item.pk]) in page
    assert reverse("governance:meetingaction_edit", args=[meeting.pk, done.pk]) in page
    assert reverse("governance:meetingaction_close", args=[done.pk]) not in page  # closed already
    assert '<span class="govuk-visually-hidden">Edit or close</span>' in page  # the column has a header


def test_the_meetings_list_shows_upcoming_meetings_soonest_first(client, board_member, board):
    today = timezone.localdate()
    MeetingFactory(group=board, title="Past", date=today - timedelta(days=3))
    MeetingFactory(group=board, title="Later", date=today + timedelta(days=40))
    MeetingFactory(group=board, title="Sooner", date=today + timedelta(days=4))
    client.force_login(board_member)

    response = client.get(reverse("governance:meeting_list") + "?when=upcoming")

    assert [m.title for m in response.context["table"].data] == ["Sooner", "Later"]


# --- Escalations -----------------------------------------------------------------------------------------
def test_escalating_an_action_puts_it_on_the_next_board_meetings_page(client, operations, meeting):
    action = ActionFactory(ref="P3.3", title="Commission autism assessment")
    client.force_login(operations)

    response = client.post(
        reverse("governance:action_escalate", args=["P3.3"]), {"reason": "No funding agreed."}
    )

    assert response["Location"] == action.get_absolute_url()
    escalation = Escalation.objects.get()
    assert (escalation.action, escalation.raised_by) == (action, operations)
    text = client.get(meeting.get_absolute_url()).content.decode()
    assert "No funding agreed." in text
    assert "Record the Board's decision" in text


def test_an_action_already_waiting_for_the_board_is_not_escalated_twice(client, operations):
    action = ActionFactory(ref="P3.3")
    Escalation.escalate(action=action, reason="First.", raised_by=None)
    client.force_login(operations)

    response = client.post(reverse("governance:action_escalate", args=["P3.3"]), {"reason": "Again."})

    assert "is waiting for the Board&#x27;s decision" in response.content.decode()
    assert Escalation.objects.count() == 1


def test_an_indicator_can_be_escalated(client, operations):
    indicator = IndicatorFactory(code="P2-I1")
    client.force_login(operations)

    client.post(reverse("governance:indicator_escalate", args=["P2-I1"]), {"reason": "Below trajectory."})

    assert Escalation.objects.get().indicator == indicator


def test_the_board_records_its_decision_and_the_escalation_leaves_later_agendas(client, operations, board):
    today = timezone.localdate()
    this_meeting = MeetingFactory(group=board, date=today + timedelta(days=7))
    later = MeetingFactory(group=board, date=today + timedelta(days=35))
    escalation = Escalation.escalate(
        action=ActionFactory(ref="P2.3"), reason="Approve a new date.", raised_by=None
    )
    client.force_login(operations)

    client.post(
        reverse("governance:escalation_resolve", args=[this_meeting.pk, escalation.pk]),
        {"text": "New date of June approved."},
    )

    escalation.refresh_from_db()
    assert escalation.resolved_by_decision.meeting == this_meeting
    assert list(this_meeting.decisions.values_list("text", flat=True)) == ["P2.3: New date of June approved."]
    assert "Approve a new date." not in client.get(later.get_absolute_url()).content.decode()


def test_the_action_page_offers_escalation_only_to_those_who_may(client, operations, lead, priority):
    action = ActionFactory(ref="P1.1", priority=priority)
    client.force_login(operations)
    assert "Escalate to the Board" in client.get(action.get_absolute_url()).content.decode()
    client.force_login(lead)
    assert "Escalate to the Board" not in client.get(action.get_absolute_url()).content.decode()


# --- Calendar --------------------------------------------------------------------------------------------
def test_the_calendar_feed_lists_upcoming_meetings_in_icalendar(client, board_member, board):
    today = timezone.localdate()
    MeetingFactory(group=board, title="Old", date=today - timedelta(days=1))
    MeetingFactory(
        group=board,
        title="Board, with papers; and a long title that goes on and on so that the line must be folded",
        date=today + timedelta(days=10),
        start_time=time(10),
        location="County Hall, Preston",
    )
    MeetingFactory(
        group=board, title="Called off", date=today + timedelta(days=3), status=MeetingStatus.CANCELLED
    )
    feed = CalendarFeed.objects.create(user=board_member)

    response = client.get(reverse("governance:calendar_feed", args=[feed.token]))  # not signed in

    body = response.content.decode()
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert "VERSION:2.0\r\n" in body
    assert "\n" not in body.replace("\r\n", "")  # every line ends CRLF
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))
    unfolded = body.replace("\r\n ", "")
    assert "SUMMARY:Board\\, with papers\\; and a long title" in unfolded
    assert "LOCATION:County Hall\\, Preston" in unfolded
    assert "STATUS:CANCELLED" in unfolded
    assert "Old" not in unfolded
    assert unfolded.count("BEGIN:VEVENT") == 2


def test_the_calendar_feed_reads_back_each_meeting_with_its_title_start_and_location(
    client, board_member, board
):
    today = timezone.localdate()
    MeetingFactory(
        group=board,
        title="Board, with papers; and\na second line",
        date=today + timedelta(days=10),
        start_time=time(10, 30),
        location="County Hall, Preston; Room 1",
    )
    MeetingFactory(group=board, title="Stocktake", date=today + timedelta(days=200), location="")
    feed = CalendarFeed.objects.create(user=board_member)

    body = client.get(reverse("governance:calendar_feed", args=[feed.token])).content

    calendar = icalendar.Calendar.from_ical(body)
    events = {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}
    assert set(events) == {"Board, with papers; and\na second line", "Stocktake"}
    board_meeting = events["Board, with papers; and\na second line"]
    assert board_meeting.start == datetime.combine(
        today + timedelta(days=10), time(10, 30), tzinfo=ZoneInfo("Europe/London")
    )
    assert board_meeting.start.tzinfo.key == "Europe/London"
    assert str(board_meeting["LOCATION"]) == "County Hall, Preston; Room 1"
    assert "SUMMARY:Board\\, with papers\\; and\\na second line" in body.decode()
    assert events["Stocktake"].start == today + timedelta(days=200)  # no start time: all day
    assert "LOCATION" not in events["Stocktake"]
    assert [zone.tz_name for zone in calendar.timezones] == ["Europe/London"]


def test_a_wrong_or_reset_calendar_link_answers_404(client, board_member):
    feed = CalendarFeed.objects.create(user=board_member)
    old = feed.token
    assert client.get(reverse("governance:calendar_feed", args=["not-the-secret"])).status_code == 404
    client.force_login(board_member)

    client.post(reverse("governance:calendar_reset"))

    client.logout()
    feed.refresh_from_db()
    assert client.get(reverse("governance:calendar_feed", args=[old])).status_code == 404
    assert client.get(reverse("governance:calendar_feed", args=[feed.token])).status_code == 200


def test_the_calendar_page_shows_the_persons_own_link(client, board_member):
    client.force_login(board_member)

    response = client.get(reverse("governance:calendar"))

    feed = CalendarFeed.objects.get(user=board_member)
    assert f"/meetings/calendar/{feed.token}.ics" in response.content.decode()


def test_a_groups_page_shows_its_first_25_open_actions_and_links_to_the_rest(client, board_member, meeting):
    MeetingActionFactory.create_batch(26, meeting=meeting)
    client.force_login(board_member)

    response = client.get(reverse("governance:group_detail", args=[meeting.group.slug]))

    page = response.content.decode()
    assert len(response.context["open_actions"]) == 25
    assert "Open actions (26)" in page
    assert f"?group={meeting.group.slug}&amp;status=open" in page and "See all 26 open actions" in page


def test_an_escalated_action_says_so_on_its_page_with_the_boards_decision(client, board_member, board):
    action = ActionFactory(ref="P2.3")
    decided = Escalation.escalate(action=action, reason="Approve a new date.", raised_by=None)
    decided.resolve(meeting=MeetingFactory(group=board, title="Improvement Board"), text="New date 30 June.")
    Escalation.escalate(action=action, reason="Recruitment failed again.", raised_by=None)
    ActionFactory(ref="P2.4")  # not escalated
    client.force_login(board_member)

    text = client.get(action.get_absolute_url()).content.decode()
    other = client.get(reverse("actions:action_detail", args=["P2.4"])).content.decode()

    assert "Escalated to the Improvement Board" in text
    assert "Recruitment failed again." in text
    assert "Waiting for the Board's decision" in text
    assert "Approve a new date." in text
    assert "P2.3: New date 30 June." in text
    assert "Escalated to the Improvement Board" not in other


@pytest.mark.parametrize("param", ["sort", "overdue-sort"])
def test_a_sort_holding_a_dot_is_ignored_on_pages_with_tables_not_a_server_error(client, board_member, param):
    meeting = MeetingFactory()
    client.force_login(board_member)
    group_page = client.get(reverse("governance:group_detail", args=[meeting.group.slug]), {param: ".x"})
    priority_page = client.get(reverse("actions:priority_detail", args=[1]), {param: "a.b"})
    mine = client.get(reverse("actions:action_mine"), {param: "a.b"})

    assert group_page.status_code == 200
    assert priority_page.status_code in (200, 404)
    assert mine.status_code == 200
