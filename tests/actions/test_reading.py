"""One reading of an action's status: the declared status and the schedule facts in one sentence, for
every combination of declared status, overdue, stale and a revised date (actions.models.read_status)."""

from datetime import date, timedelta

import pytest

from actions.models import STALE_AFTER_DAYS, Status, read_status
from tests.factories import ActionFactory, ProgressUpdateFactory

TODAY = date(2026, 12, 1)
OPEN = [s for s in Status if s != Status.COMPLETE]


def facts(status, *, overdue, stale, revised=False, updated=True):
    """read_status's arguments for an action in `status` that is (or not) overdue and stale."""
    due = TODAY - timedelta(days=62) if overdue else TODAY + timedelta(days=20)
    quiet = STALE_AFTER_DAYS + 11 if stale else 5
    declared = TODAY - timedelta(days=quiet) if updated else None
    return dict(
        status=status,
        declared_on=declared,
        due_date=due,
        revised_from=due - timedelta(days=60) if revised else None,
        completed_on=declared if status == Status.COMPLETE else None,
        since=TODAY - timedelta(days=quiet),
        today=TODAY,
    )


def test_the_issues_example_reads_as_one_sentence():
    reading = read_status(
        status=Status.ON_TRACK,
        declared_on=date(2026, 11, 3),
        due_date=date(2026, 9, 30),
        since=date(2026, 10, 21),
        today=TODAY,
    )
    assert reading.text == "On track (declared 3 Nov) · due 30 Sep, 62 days overdue · no update for 41 days"
    assert reading.contradicts


@pytest.mark.parametrize("status", OPEN)
@pytest.mark.parametrize("overdue", [True, False])
@pytest.mark.parametrize("stale", [True, False])
@pytest.mark.parametrize("revised", [True, False])
def test_an_open_action_reads_its_declared_status_then_every_schedule_fact(status, overdue, stale, revised):
    reading = read_status(**facts(status, overdue=overdue, stale=stale, revised=revised))

    declared = TODAY - timedelta(days=STALE_AFTER_DAYS + 11 if stale else 5)
    assert reading.text.startswith(f"{status.label} (declared {declared:%-d %b})")
    assert ("62 days overdue" in reading.text) is overdue
    assert (f"no update for {STALE_AFTER_DAYS + 11} days" in reading.text) is stale
    assert ("(revised from " in reading.text) is revised
    assert (reading.overdue, reading.stale) == (overdue, stale)
    assert reading.contradicts is (status == Status.ON_TRACK and (overdue or stale))
    assert reading.text.count(" · ") == 1 + stale


@pytest.mark.parametrize("overdue", [True, False])
@pytest.mark.parametrize("stale", [True, False])
def test_a_complete_action_is_never_overdue_or_stale_and_says_whether_it_was_late(overdue, stale):
    reading = read_status(**facts(Status.COMPLETE, overdue=overdue, stale=stale))

    assert reading.text.startswith("Complete (declared ")
    assert "overdue" not in reading.text and "no update" not in reading.text
    assert ("late" in reading.text) is overdue
    assert not (reading.overdue or reading.stale or reading.contradicts)


@pytest.mark.parametrize("stale", [True, False])
def test_an_action_never_updated_says_so_and_counts_quiet_days_from_its_start(stale):
    reading = read_status(**facts(Status.NOT_STARTED, overdue=False, stale=stale, updated=False))

    assert reading.text.startswith("Not started (no update yet)")
    assert (f"no update in the {STALE_AFTER_DAYS + 11} days since it started" in reading.text) is stale


def test_an_action_due_today_is_not_yet_overdue():
    reading = read_status(status=Status.AT_RISK, declared_on=TODAY, due_date=TODAY, since=TODAY, today=TODAY)
    assert reading.text == "At risk (declared 1 Dec) · due 1 Dec (today)"


def test_a_date_in_another_year_carries_its_year():
    reading = read_status(
        status=Status.OFF_TRACK, declared_on=date(2025, 12, 20), due_date=date(2027, 1, 5), today=TODAY
    )
    assert reading.text.startswith("Off track (declared 20 Dec 2025) · due 5 Jan 2027")


@pytest.mark.django_db
def test_an_actions_reading_agrees_with_its_overdue_and_stale_flags():
    today = date.today()
    action = ActionFactory(start_date=today - timedelta(days=90), due_date=today - timedelta(days=3))
    ProgressUpdateFactory(action=action, status=Status.ON_TRACK, date=today - timedelta(days=40))
    action.refresh_from_db()

    reading = action.reading(today)

    assert reading.overdue == action.is_overdue(today) is True
    assert reading.stale == action.is_stale(today) is True
    assert "3 days overdue" in reading.text and "no update for 40 days" in reading.text


@pytest.mark.django_db
def test_a_prioritys_attention_count_is_the_number_needing_attention(priority):
    from actions.models import Action, Priority

    ActionFactory(priority=priority, overdue=True)
    ProgressUpdateFactory(action=ActionFactory(priority=priority), status=Status.AT_RISK, mitigation="Help")
    ProgressUpdateFactory(
        action=ActionFactory(priority=priority, overdue=True), status=Status.OFF_TRACK, mitigation="x"
    )
    ActionFactory(priority=priority)  # on schedule

    counted = Priority.objects.with_action_counts().get(pk=priority.pk).attention

    assert counted == Action.objects.needing_attention().count() == 3
