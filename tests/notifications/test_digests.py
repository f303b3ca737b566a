"""Reminder digests, sent through a real SMTP server (aiosmtpd) by `manage.py send_reminders`: the
person's actions and indicator data due, and first what was returned to them and is still unanswered."""

import io
import re
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actions.models import Status
from notifications.models import DigestFrequency, ItemReason, MessageKind, Preference, SentMessage
from notifications.services import build_mail, digest_for, digest_round
from tests.factories import (
    ActionFactory,
    GroupFactory,
    HighlightReportFactory,
    IndicatorFactory,
    MeasurementFactory,
    MeetingFactory,
    PeriodFactory,
    UserFactory,
)


def send_reminders(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_reminders", stdout=io.StringIO())


def refs_in(text):
    return set(re.findall(r"\bR\d+\.\d+\b", text))


@pytest.fixture
def leads_work(priority, lead, other_lead, other_priority):
    """`lead`'s actions in every state, an indicator whose data are overdue, and others' actions."""
    today = timezone.localdate()
    actions = {
        "due_soon": ActionFactory(ref="R1.1", priority=priority, due_date=today + timedelta(days=5)),
        "overdue": ActionFactory(ref="R1.2", priority=priority, due_date=today - timedelta(days=3)),
        "stale": ActionFactory(
            ref="R1.3",
            priority=priority,
            start_date=today - timedelta(days=60),
            due_date=today + timedelta(days=90),
        ),
        "fine": ActionFactory(ref="R1.4", priority=priority, due_date=today + timedelta(days=90)),
        "own": ActionFactory(
            ref="R2.9", priority=other_priority, lead=lead, due_date=today - timedelta(days=1)
        ),
        "others": ActionFactory(ref="R2.1", priority=other_priority, due_date=today - timedelta(days=3)),
    }
    indicator = IndicatorFactory(code="P1-I7", priority=priority, name="Plans issued in 20 weeks")
    return actions, indicator


def test_a_leads_digest_lists_exactly_their_due_overdue_and_stale_items(
    smtp, leads_work, lead, django_capture_on_commit_callbacks
):
    send_reminders(django_capture_on_commit_callbacks)

    [message] = smtp.to(lead.email)
    text, html = smtp.text(message), smtp.html(message)
    assert refs_in(text) == {"R1.1", "R1.2", "R1.3", "R2.9"}
    assert refs_in(html) == {"R1.1", "R1.2", "R1.3", "R2.9"}
    overdue = text.split("OVERDUE (2)")[1].split("DUE IN THE NEXT")[0]
    assert refs_in(overdue) == {"R1.2", "R2.9"}
    due_soon = text.split("DUE IN THE NEXT 14 DAYS (1)")[1].split("NO UPDATE")[0]
    assert refs_in(due_soon) == {"R1.1"}
    stale = text.split("NO UPDATE IN THE LAST 30 DAYS (1)")[1].split("INDICATOR DATA")[0]
    assert refs_in(stale) == {"R1.3"}
    assert "INDICATOR DATA OVERDUE (1)" in text and "P1-I7 Plans issued in 20 weeks" in text
    assert "because you lead these actions" in text and "because you lead these actions" in html
    assert "http://127.0.0.1:8000/actions/R1.2/update/" in text  # absolute links to where to act
    assert 'href="http://127.0.0.1:8000/actions/R1.2/update/"' in html
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    recorded = SentMessage.objects.get(recipient=lead)
    assert {
        (i.reason, i.action.ref if i.action else i.indicator.code)
        for i in recorded.items.select_related("action", "indicator")
    } == {
        (ItemReason.DUE_SOON, "R1.1"),
        (ItemReason.OVERDUE, "R1.2"),
        (ItemReason.OVERDUE, "R2.9"),
        (ItemReason.NO_RECENT_UPDATE, "R1.3"),
        (ItemReason.DATA_OVERDUE, "P1-I7"),
    }


def test_indicator_data_recorded_on_time_are_not_chased(
    smtp, priority, lead, django_capture_on_commit_callbacks
):
    indicator = IndicatorFactory(code="P1-I8", priority=priority)
    MeasurementFactory(
        indicator=indicator, period_end=timezone.localdate().replace(day=1) - timedelta(days=1)
    )
    ActionFactory(ref="R1.5", priority=priority, due_date=timezone.localdate() - timedelta(days=1))

    send_reminders(django_capture_on_commit_callbacks)

    assert "P1-I8" not in smtp.text(smtp.to(lead.email)[0])


def test_a_second_run_the_same_day_sends_nothing(
    smtp, leads_work, lead, other_lead, django_capture_on_commit_callbacks
):
    send_reminders(django_capture_on_commit_callbacks)
    first = len(smtp.messages)

    send_reminders(django_capture_on_commit_callbacks)

    assert first == 2  # lead and other_lead
    assert len(smtp.messages) == first
    assert SentMessage.objects.count() == 2


def test_an_unsubscribed_person_gets_nothing(
    smtp, leads_work, lead, other_lead, client, django_capture_on_commit_callbacks
):
    send_reminders(django_capture_on_commit_callbacks)
    unsubscribe = re.search(
        r"http://127\.0\.0\.1:8000(/email/unsubscribe/\S+/)", smtp.text(smtp.to(lead.email)[0])
    )[1]
    SentMessage.objects.all().delete()  # as if a new round had begun
    smtp.messages.clear()

    assert client.post(unsubscribe).status_code == 200  # one click, no sign-in, no CSRF token (RFC 8058)
    send_reminders(django_capture_on_commit_callbacks)

    assert smtp.to(lead.email) == []
    assert len(smtp.to(other_lead.email)) == 1
    assert Preference.objects.get(person=lead).digest == DigestFrequency.NONE


def test_hostile_text_in_an_action_title_is_escaped_in_html_and_plain_in_text(
    smtp, priority, lead, django_capture_on_commit_callbacks
):
    hostile = '<script>alert("x")</script> & <b>bold</b>'
    ActionFactory(
        ref="R1.6", priority=priority, title=hostile, due_date=timezone.localdate() - timedelta(days=1)
    )

    send_reminders(django_capture_on_commit_callbacks)

    [message] = smtp.to(lead.email)
    assert hostile in smtp.text(message)
    html = smtp.html(message)
    assert "<script>" not in html and "<b>bold</b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html


def test_nothing_is_sent_to_someone_with_nothing_due(
    smtp, priority, lead, django_capture_on_commit_callbacks
):
    ActionFactory(ref="R1.7", priority=priority, due_date=timezone.localdate() + timedelta(days=90))

    send_reminders(django_capture_on_commit_callbacks)

    assert smtp.messages == []


def test_before_each_board_the_digest_waits_for_the_week_before_the_meeting(db, lead, settings):
    preference = Preference(person=lead, digest=DigestFrequency.BEFORE_BOARD)
    today = timezone.localdate()
    meeting = MeetingFactory(
        group=GroupFactory(board=True), date=today + timedelta(days=settings.REMINDER_BOARD_DAYS + 3)
    )

    assert digest_round(preference, today) is None
    assert digest_round(preference, today + timedelta(days=3)) == f"board:{meeting.pk}"
    assert digest_round(Preference(person=lead), today).startswith("week:")
    assert digest_round(Preference(person=lead, digest=DigestFrequency.NONE), today) is None


def test_a_failed_send_records_nothing_so_the_next_run_sends_it(
    leads_work, lead, settings, django_capture_on_commit_callbacks
):
    from tests.notifications.conftest import free_port

    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "use_tls": False, "timeout": 2},
        }
    }

    send_reminders(django_capture_on_commit_callbacks)  # the immediate backend records the task's failure

    assert not SentMessage.objects.exists()


def test_with_an_open_reporting_period_the_before_board_digest_comes_before_its_updates_are_due(
    db, lead, settings
):
    preference = Preference(person=lead, digest=DigestFrequency.BEFORE_BOARD)
    today = timezone.localdate()
    due = today + timedelta(days=settings.REMINDER_BOARD_DAYS + 2)
    period = PeriodFactory(
        start=today - timedelta(days=20), end=today + timedelta(days=1), updates_due_by=due
    )

    assert digest_round(preference, today) is None
    assert digest_round(preference, today + timedelta(days=2)) == f"period:{period.pk}"


def test_the_digest_says_when_the_open_periods_updates_are_due(
    smtp, leads_work, lead, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    PeriodFactory(
        start=today.replace(day=1), end=today + timedelta(days=3), updates_due_by=today + timedelta(days=9)
    )
    send_reminders(django_capture_on_commit_callbacks)

    [message] = smtp.to(lead.email)
    due = f"are due by {today + timedelta(days=9):%-d %B %Y}"
    assert due in smtp.text(message) and due in smtp.html(message)


# --- What was returned to the person and is still unanswered ----------------------------------------------
def section(text, heading):
    """The plain-text section under `heading`, up to the next blank line or the mail's footer."""
    after = text.replace("\r\n", "\n").split(heading, 1)[1]
    return re.split(r"\n\n|\n--\n", after, maxsplit=1)[0]


@pytest.fixture
def returned_update(priority, lead, operations):
    """The lead's update on R1.1 (due in 90 days: nothing else to remind them of), returned with a reason."""
    action = ActionFactory(ref="R1.1", priority=priority, due_date=timezone.localdate() + timedelta(days=90))
    update = action.record_update(author=lead, status=Status.ON_TRACK, narrative="Two posts filled.")
    return update.return_to_lead(by=operations, reason="Say which two posts were filled.")


@pytest.fixture
def board_meeting():
    return MeetingFactory(group=GroupFactory(board=True), title="Improvement Board, March")


def submitted_report(priority, meeting, by):
    report = HighlightReportFactory(priority=priority, meeting=meeting)
    report.mark_submitted(by)
    report.save()
    return report


def test_a_returned_update_comes_first_in_the_digest_with_its_reason_and_where_to_answer_it(
    smtp, returned_update, lead, operations, priority, django_capture_on_commit_callbacks
):
    ActionFactory(ref="R1.2", priority=priority, due_date=timezone.localdate() - timedelta(days=3))

    send_reminders(django_capture_on_commit_callbacks)

    [message] = smtp.to(lead.email)
    text, html = smtp.text(message), smtp.html(message)
    assert message["Subject"].endswith("2 items need your attention")
    returned = section(text, "RETURNED TO YOU (1)")
    assert refs_in(returned) == {"R1.1"}
    assert "“Say which two posts were filled.”" in returned
    assert f"returned by {operations.display_name} on {timezone.localdate():%-d %B %Y}" in returned
    assert "Post a new update: http://127.0.0.1:8000/actions/R1.1/update/" in returned
    assert text.index("RETURNED TO YOU") < text.index("OVERDUE (1)")  # first: it keeps the Board waiting
    assert html.index("<h2>Returned to you (1)</h2>") < html.index("<h2>Overdue (1)</h2>")
    assert "Say which two posts were filled." in html
    assert 'href="http://127.0.0.1:8000/actions/R1.1/update/">Post a new update on R1.1</a>' in html
    assert "or submitted or lead the work returned to you" in text
    recorded = SentMessage.objects.get(recipient=lead).items.select_related("action")
    assert {(item.reason, item.action.ref) for item in recorded} == {
        (ItemReason.RETURNED, "R1.1"),
        (ItemReason.OVERDUE, "R1.2"),
    }


def test_a_newer_update_answers_the_return_so_the_digest_no_longer_lists_it(
    smtp, returned_update, lead, priority, django_capture_on_commit_callbacks
):
    ActionFactory(ref="R1.2", priority=priority, due_date=timezone.localdate() - timedelta(days=3))
    action = returned_update.action
    action.refresh_from_db()
    action.record_update(author=lead, status=Status.ON_TRACK, narrative="Posts 1 and 2 were filled.")

    send_reminders(django_capture_on_commit_callbacks)

    [message] = smtp.to(lead.email)
    text, html = smtp.text(message), smtp.html(message)
    assert "RETURNED TO YOU" not in text and "Returned to you" not in html
    assert "Say which two posts were filled." not in text + html
    assert refs_in(text) == {"R1.2"}
    recorded = SentMessage.objects.get(recipient=lead).items.all()
    assert [item.reason for item in recorded] == [ItemReason.OVERDUE]


def test_a_returned_value_and_a_returned_report_are_in_the_digest_with_where_to_correct_them(
    smtp, priority, lead, operations, board_meeting, django_capture_on_commit_callbacks
):
    indicator = IndicatorFactory(code="P1-I7", priority=priority, name="Plans issued in 20 weeks")
    value, _ = indicator.record_value(period_end=date(2026, 1, 31), value=12, by=lead)
    value.return_to_lead(by=operations, reason="The published figure is 13.")
    report = submitted_report(priority, board_meeting, lead)
    report.return_to_lead(by=operations, reason="Name the two actions that are behind.")

    send_reminders(django_capture_on_commit_callbacks)

    [message] = smtp.to(lead.email)
    text, html = smtp.text(message), smtp.html(message)
    returned = section(text, "RETURNED TO YOU (2)")
    record = reverse("indicators:measurement_add", args=["P1-I7"])
    correct = f"http://127.0.0.1:8000{record}?period_end=2026-01-31"
    edit = f"http://127.0.0.1:8000{reverse('reporting:highlightreport_edit', args=[report.pk])}"
    assert "The value 12% of P1-I7 Plans issued in 20 weeks for the period ending 31 January 2026" in returned
    assert "“The published figure is 13.”" in returned and f"Correct the value: {correct}" in returned
    assert "The highlight report of priority 1 EHC plans to Improvement Board, March" in returned
    assert "“Name the two actions that are behind.”" in returned and f"Edit the report: {edit}" in returned
    assert f'href="{correct}">Correct the value of P1-I7</a>' in html
    assert f'href="{edit}">Edit the highlight report of priority 1</a>' in html
    assert "Name the two actions that are behind." in html
    # The value is recorded as its indicator; the report, which is neither an action nor an indicator, is not.
    returned_items = SentMessage.objects.get(recipient=lead).items.filter(reason=ItemReason.RETURNED)
    assert [(item.action, item.indicator) for item in returned_items] == [(None, indicator)]


def test_two_returned_values_of_one_indicator_are_both_listed_and_recorded_once(
    smtp, priority, lead, operations, django_capture_on_commit_callbacks
):
    indicator = IndicatorFactory(code="P1-I7", priority=priority)
    for period_end, reason in [(date(2026, 1, 31), "January is 13."), (date(2026, 2, 28), "February is 9.")]:
        value, _ = indicator.record_value(period_end=period_end, value=12, by=lead)
        value.return_to_lead(by=operations, reason=reason)

    send_reminders(django_capture_on_commit_callbacks)

    [message] = smtp.to(lead.email)
    returned = section(smtp.text(message), "RETURNED TO YOU (2)")
    assert "“January is 13.”" in returned and "“February is 9.”" in returned
    returned_items = SentMessage.objects.get(recipient=lead).items.filter(reason=ItemReason.RETURNED)
    assert [item.indicator for item in returned_items] == [indicator]


def test_what_was_approved_or_still_awaits_sign_off_is_not_in_the_returned_section(
    smtp, priority, lead, operations, board_meeting, django_capture_on_commit_callbacks
):
    ActionFactory(ref="R1.2", priority=priority, due_date=timezone.localdate() - timedelta(days=3))
    action = ActionFactory(ref="R1.1", priority=priority, due_date=timezone.localdate() + timedelta(days=90))
    action.record_update(author=lead, status=Status.ON_TRACK, narrative="Fine.").approve(by=operations)
    indicator = IndicatorFactory(code="P1-I7", priority=priority)
    value, _ = indicator.record_value(period_end=date(2026, 1, 31), value=12, by=lead)
    value.approve(by=operations)
    indicator.record_value(period_end=date(2026, 2, 28), value=14, by=lead)  # awaiting sign-off
    submitted_report(priority, board_meeting, lead).approve(by=operations)

    send_reminders(django_capture_on_commit_callbacks)

    [message] = smtp.to(lead.email)
    text, html = smtp.text(message), smtp.html(message)
    assert "RETURNED TO YOU" not in text and "Returned to you" not in html
    assert not SentMessage.objects.get(recipient=lead).items.filter(reason=ItemReason.RETURNED).exists()


def test_a_lead_whose_only_item_is_a_returned_report_gets_a_digest(
    smtp, priority, lead, operations, board_meeting, django_capture_on_commit_callbacks
):
    submitted_report(priority, board_meeting, lead).return_to_lead(by=operations, reason="Name the actions.")

    send_reminders(django_capture_on_commit_callbacks)

    [message] = smtp.to(lead.email)
    assert message["Subject"].endswith("1 item needs your attention")
    assert "“Name the actions.”" in section(smtp.text(message), "RETURNED TO YOU (1)")
    assert SentMessage.objects.get(recipient=lead).kind == MessageKind.DIGEST


def test_someone_who_leads_nothing_is_reminded_of_the_update_they_submitted_that_was_returned(
    smtp, priority, lead, operations, django_capture_on_commit_callbacks
):
    Preference.objects.create(person=lead, digest=DigestFrequency.NONE)
    colleague = UserFactory(username="colleague")  # posted an update on someone else's action
    action = ActionFactory(ref="R1.1", priority=priority, due_date=timezone.localdate() + timedelta(days=90))
    update = action.record_update(author=colleague, status=Status.ON_TRACK, narrative="Two posts filled.")
    update.return_to_lead(by=operations, reason="Say which two posts were filled.")

    send_reminders(django_capture_on_commit_callbacks)

    [message] = smtp.messages
    assert message["To"] == colleague.email
    assert refs_in(section(smtp.text(message), "RETURNED TO YOU (1)")) == {"R1.1"}


def add_returned(n, priority, lead, operations):
    """`n` returned submissions of each kind, of `lead`'s work."""
    for _ in range(n):
        action = ActionFactory(priority=priority, due_date=timezone.localdate() + timedelta(days=90))
        update = action.record_update(author=lead, status=Status.ON_TRACK, narrative="Done.")
        update.return_to_lead(by=operations, reason="Which?")
        value, _ = IndicatorFactory(priority=priority).record_value(
            period_end=date(2026, 1, 31), value=12, by=lead
        )
        value.return_to_lead(by=operations, reason="Check it.")
        report = submitted_report(priority, MeetingFactory(group=GroupFactory(board=True)), lead)
        report.return_to_lead(by=operations, reason="Say more.")


def digest_queries(person):
    """(queries of digest_for, queries of rendering both parts of the mail from it)."""
    with CaptureQueriesContext(connection) as built:
        digest = digest_for(person)
    with CaptureQueriesContext(connection) as rendered:
        build_mail(person, subject="s", template="digest", context={"digest": digest}, why="w")
    return len(built), len(rendered), len(digest.returned)


def test_the_digest_is_built_and_written_in_the_same_queries_for_1_and_5_returned_items_of_each_kind(
    priority, lead, operations
):
    add_returned(1, priority, lead, operations)
    digest_queries(lead)  # warm per-process caches (the partnership)
    built, rendered, returned = digest_queries(lead)
    # digest_for's docstring: three for what was returned, the period, three for the actions, the
    # indicators and their values
    assert (built, returned) == (9, 3)

    add_returned(4, priority, lead, operations)

    assert digest_queries(lead) == (built, rendered, 15)
