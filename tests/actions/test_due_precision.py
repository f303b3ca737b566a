"""A due date given to the month, the year or 'to be confirmed' reads as the plan gives it everywhere it is
shown: the action's page, the actions table and its exports, the status sentence, the board pack, what
changed since the last meeting, the mails and the API. One function writes it (actions.models.date_in_words)."""

import csv
import io
from datetime import date, datetime, time

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from actions.models import TBC_DATE, DatePrecision, Status, date_in_words, read_status
from governance.services import plan_changes, render_board_pack_html
from notifications.services import notify_due_date_revised, send_digest
from tests.api.conftest import token_client
from tests.factories import ActionFactory, GroupFactory, MeetingFactory, ProgressUpdateFactory

pytestmark = pytest.mark.django_db

TODAY = date(2025, 6, 10)


def month_action(priority, **fields):
    """P1.1, due 'May 2025' (stored as 31 May 2025, so overdue from 1 June)."""
    fields.setdefault("ref", "P1.1")
    fields.setdefault("start_date", date(2025, 1, 1))
    fields.setdefault("due_date", date(2025, 5, 31))
    return ActionFactory(priority=priority, due_precision=DatePrecision.MONTH, **fields)


def tbc_action(priority, **fields):
    fields.setdefault("ref", "P1.2")
    return ActionFactory(priority=priority, due_date=TBC_DATE, due_precision=DatePrecision.TBC, **fields)


def test_date_in_words_writes_each_precision_as_the_plan_gives_it():
    day = date(2025, 5, 31)
    assert date_in_words(day) == "31 May 2025"
    assert date_in_words(day, DatePrecision.MONTH) == "May 2025"
    assert date_in_words(date(2026, 12, 31), DatePrecision.YEAR) == "2026"
    assert date_in_words(TBC_DATE, DatePrecision.TBC) == "To be confirmed"
    assert date_in_words(day, short=True) == "31 May 2025"
    assert date_in_words(day, DatePrecision.MONTH, short=True) == "May 2025"
    assert date_in_words(day, short=True, today=TODAY) == "31 May"


def test_the_reading_sentence_says_may_2025_and_counts_overdue_from_the_end_of_may():
    reading = read_status(
        status=Status.ON_TRACK,
        declared_on=date(2025, 5, 1),
        due_date=date(2025, 5, 31),
        due_precision=DatePrecision.MONTH,
        since=date(2025, 5, 1),
        today=TODAY,
    )
    assert reading.schedule[0] == "due May 2025, 10 days overdue"
    assert "31 May" not in reading.text


def test_the_reading_sentence_of_a_date_to_be_confirmed_is_never_overdue():
    reading = read_status(
        status=Status.NOT_STARTED,
        declared_on=None,
        due_date=TBC_DATE,
        due_precision=DatePrecision.TBC,
        today=TODAY,
    )
    assert reading.schedule == ("due date to be confirmed",)
    assert not reading.overdue
    assert "9999" not in reading.text


def test_the_action_page_shows_the_month_and_to_be_confirmed(client, board_member, priority):
    month, tbc = month_action(priority), tbc_action(priority)
    client.force_login(board_member)

    page = client.get(month.get_absolute_url()).content.decode()
    assert "May 2025" in page and "31 May 2025" not in page

    page = client.get(tbc.get_absolute_url()).content.decode()
    assert "To be confirmed" in page and "9999" not in page


def test_a_revised_date_keeps_the_originals_precision_and_is_to_the_day(client, operations, priority):
    action = month_action(priority)
    action.save_details(
        {"revised_due_date": date(2025, 8, 15), "revision_reason": "Panel moved."},
        expected_version=action.version,
    )
    action.refresh_from_db()
    assert (action.due_text, action.revised_due_text, action.current_due_text) == (
        "May 2025",
        "15 August 2025",
        "15 August 2025",
    )
    client.force_login(operations)
    page = client.get(action.get_absolute_url()).content.decode()
    assert "May 2025" in page and "15 August 2025" in page and "31 May 2025" not in page


def test_the_actions_table_and_its_exports_show_the_precision(client, board_member, priority):
    month_action(priority)
    tbc_action(priority)
    client.force_login(board_member)
    url = reverse("actions:action_list")

    page = client.get(url).content.decode()
    assert "May 2025" in page and "To be confirmed" in page
    assert "31 May 2025" not in page and "9999" not in page

    rows = list(csv.DictReader(io.StringIO(client.get(url, {"_export": "csv"}).content.decode("utf-8-sig"))))
    assert {row["Ref"]: row["Due"] for row in rows} == {"P1.1": "May 2025", "P1.2": "To be confirmed"}

    sheet = load_workbook(io.BytesIO(client.get(url, {"_export": "xlsx"}).content)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    due = values[0].index("Due")
    assert sorted(str(row[due]) for row in values[1:]) == ["May 2025", "To be confirmed"]


def test_the_board_pack_reads_the_month(priority):
    month_action(priority, title="Recruit educational psychologists")
    ProgressUpdateFactory(action=month_action(priority, ref="P1.3"), date=TODAY, status=Status.AT_RISK)
    meeting = MeetingFactory(group=GroupFactory(board=True), date=TODAY)

    html = render_board_pack_html(meeting, today=TODAY)

    assert "due May 2025" in html
    assert "31 May 2025" not in html and "31 May" not in html


def test_what_changed_writes_a_revision_from_a_month_as_the_month(priority):
    board = GroupFactory(board=True)
    MeetingFactory(group=board, date=date(2025, 5, 1))
    meeting = MeetingFactory(group=board, date=date(2025, 6, 2))
    action = month_action(priority)
    type(action).history.filter(id=action.pk).update(
        history_date=timezone.make_aware(datetime.combine(date(2025, 4, 1), time(10)))
    )
    action.revised_due_date, action.revision_reason = date(2025, 9, 30), "Moved by the import."
    action.revised_due_precision = DatePrecision.MONTH
    action._history_date = timezone.make_aware(datetime.combine(date(2025, 5, 20), time(10)))
    action.save()

    changes = plan_changes(meeting, today=TODAY)

    [revision] = changes.revised_due_dates
    assert (revision.was_text, revision.now_text) == ("May 2025", "September 2025")
    page = render_board_pack_html(meeting, today=TODAY)
    assert "from May 2025 to September 2025" in page


def test_the_revised_date_mail_says_may_2025(priority, lead, mailoutbox):
    action = month_action(priority)
    action.revised_due_date, action.revision_reason = date(2025, 7, 15), "Supplier late."
    action.save()

    notify_due_date_revised(action, was=date(2025, 5, 31), version=action.version, was_precision="month")

    [message] = mailoutbox
    assert message.subject == "The due date of P1.1 is revised to 15 July 2025"
    assert "from May 2025 to 15 July 2025" in message.body
    assert "from May 2025 to 15 July 2025" in message.alternatives[0].content
    assert "31 May" not in message.body


def test_the_revised_date_mail_sent_by_the_form_names_the_original_month(
    client, priority, lead, operations, mailoutbox, django_capture_on_commit_callbacks
):
    action = month_action(priority, due_date=date(2099, 5, 31), start_date=date(2099, 1, 1))
    client.force_login(operations)
    data = {
        "title": action.title,
        "description": "",
        "lead_role": "",
        "lead_organisation": action.lead_organisation,
        "start_date": action.start_date.isoformat(),
        "revised_due_date": "2099-07-15",
        "revision_reason": "The supplier is late.",
        "expected_impact": "",
        "version": action.version,
        "lead": "",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("actions:action_edit", args=[action.ref]), data)

    assert response.status_code == 302, response.content.decode()
    [message] = mailoutbox
    assert "from May 2099 to 15 July 2099" in message.body


def test_the_digest_mail_says_was_due_may_2025(priority, lead, mailoutbox):
    month_action(priority)

    send_digest(lead, "week:test", today=TODAY)

    [message] = mailoutbox
    assert "was due May 2025" in message.body and "was due May 2025" in message.alternatives[0].content
    assert "31 May" not in message.body


def test_the_api_gives_the_precision_and_the_words(operations, priority):
    month_action(priority)
    tbc_action(priority)
    api = token_client(operations)

    month = api.get(reverse("api:action-detail", args=["P1.1"])).json()
    tbc = api.get(reverse("api:action-detail", args=["P1.2"])).json()

    assert (month["due_date"], month["due_precision"], month["due_text"]) == (
        "2025-05-31",
        "month",
        "May 2025",
    )
    assert (month["current_due_precision"], month["current_due_text"]) == ("month", "May 2025")
    assert (tbc["due_precision"], tbc["current_due_text"]) == ("tbc", "To be confirmed")


def test_a_date_revised_in_the_portal_is_to_the_day_even_after_an_imported_month(priority, operations):
    action = month_action(priority, due_date=date(2099, 5, 31), start_date=date(2099, 1, 1))
    action.revised_due_date, action.revised_due_precision = date(2099, 9, 30), DatePrecision.MONTH
    action.revision_reason = "Imported."
    action.save()
    action.record_update(
        author=operations,
        status=Status.ON_TRACK,
        narrative="Moved again.",
        revised_due_date=date(2099, 10, 3),
        revision_reason="The panel sits on the 3rd.",
    )
    action.refresh_from_db()
    assert action.current_due_text == "3 October 2099"
    assert action.current_due_precision == DatePrecision.DAY
