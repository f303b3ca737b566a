"""Reminder digests, sent through a real SMTP server (aiosmtpd) by `manage.py send_reminders`."""

import io
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from notifications.models import DigestFrequency, ItemReason, Preference, SentMessage
from notifications.services import digest_round
from tests.factories import (
    ActionFactory,
    GroupFactory,
    IndicatorFactory,
    MeasurementFactory,
    MeetingFactory,
    PeriodFactory,
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
