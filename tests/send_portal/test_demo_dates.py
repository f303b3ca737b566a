"""The demo plan's dates move on to today, so the demo is never dead; a real plan file's never move; and
loading a file already loaded is skipped."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from actions.models import Action, Plan
from governance.models import Meeting
from indicators.models import Indicator, Measurement
from send_portal.plan_loader import add_months, load_plan, months_to_today
from tests.send_portal.test_load_plan import small_plan, write_plan

pytestmark = pytest.mark.django_db


def load(*args):
    out = StringIO()
    call_command("load_plan", *args, stdout=out)
    return out.getvalue()


def test_after_loading_the_demo_today_most_open_actions_and_indicators_are_not_overdue():
    load("--demo-users")

    open_actions = Action.objects.open().count()
    indicators = list(Indicator.objects.all())
    assert Action.objects.overdue().count() < open_actions / 2
    assert sum(indicator.is_data_overdue() for indicator in indicators) < len(indicators) / 2
    assert Meeting.objects.next_board_meeting() is not None


def test_the_demo_moves_on_by_whole_months_to_another_day_and_keeps_the_plans_facts():
    # A day in the past, so the meetings the loader marks held are held by the clock too.
    later = date(2026, 6, 15)

    report = load_plan(move_dates=True, today=later)

    assert report.months_moved == 3  # 28 February 2026, the file's story day, to 31 May 2026
    plan = Plan.objects.get()
    assert (plan.approved_on, plan.inspection_published_on) == (date(2025, 3, 25), date(2025, 2, 12))
    assert Action.objects.overdue(today=later).count() < Action.objects.open().count() / 2
    indicators = list(Indicator.objects.all())
    assert sum(indicator.is_data_overdue(later) for indicator in indicators) < len(indicators) / 2
    latest = Measurement.objects.order_by("-period_end").first().period_end
    assert latest == date(2026, 5, 31)  # a month's last day stays one
    assert Meeting.objects.next_board_meeting(today=later).date > later


def small_story(tmp_path):
    """A small plan file whose story stands at 31 January 2026."""
    plan = small_plan()
    plan["partnership"]["plan"]["as_of"] = date(2026, 1, 31)
    return write_plan(tmp_path, plan)


def test_a_plan_file_other_than_the_demo_is_loaded_with_its_dates_as_written(tmp_path):
    output = load(str(small_story(tmp_path)), "--demo-users")

    assert "Dates moved" not in output
    assert Plan.objects.get().dates_moved_months == 0
    assert Action.objects.get(ref="P1.1").due_date == date(2025, 12, 31)


def test_loading_the_same_file_again_is_skipped_until_it_changes_or_is_forced(tmp_path):
    path = str(small_story(tmp_path))
    first = load(path, "--demo-users")
    Action.objects.filter(ref="P1.1").update(title="Changed in the portal")

    again = load(path, "--demo-users")

    assert "Loaded" in first and "Already loaded" in again
    assert Action.objects.get(ref="P1.1").title == "Changed in the portal"
    assert "Actions: 0 created, 1 updated, 0 unchanged" in load(path, "--demo-users", "--force")


def test_a_database_that_holds_a_moved_plan_keeps_the_move_it_was_first_loaded_with(tmp_path):
    path = small_story(tmp_path)
    load_plan(path, move_dates=True, today=date(2026, 3, 15))
    first_due = Action.objects.get().due_date

    report = load_plan(path, move_dates=True, today=date(2026, 9, 15))

    assert first_due == date(2026, 1, 31)  # 31 December 2025 moved on by one month
    assert report.months_moved == 1
    assert "moved by 1 months" in report.notes[-1]
    assert Action.objects.get().due_date == first_due


def test_months_are_added_keeping_month_ends_and_the_story_day_is_never_passed():
    assert add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 1, 15), 13) == date(2027, 2, 15)
    story = {"partnership": {"plan": {"as_of": date(2026, 2, 28)}}}
    assert months_to_today(story, date(2026, 12, 1)) == 9
    assert months_to_today(story, date(2026, 11, 29)) == 8
    assert months_to_today(story, date(2026, 1, 1)) == 0
    assert months_to_today({"partnership": {"plan": {}}}, date(2026, 12, 1)) == 0
