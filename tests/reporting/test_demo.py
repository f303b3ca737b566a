"""The demo plan ships a highlight report per priority for its last two Board meetings."""

import io

import pytest
from django.core.management import call_command

from actions.models import Priority
from reporting.demo import demo_board_meetings
from reporting.models import HighlightReport
from reporting.summary import priority_summaries
from send_portal.plan_loader import DEFAULT_PLAN_FILE, story_day

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_report_per_priority_for_the_last_two_board_meetings_and_reloading_changes_nothing():
    call_command("load_plan", stdout=io.StringIO())
    # loaded as written (no --demo-users): the reports go to the Board meetings around the file's own day
    earlier, later = demo_board_meetings(story_day(DEFAULT_PLAN_FILE, 0))
    priorities = list(Priority.objects.order_by("number"))

    for meeting in (earlier, later):
        assert set(meeting.highlight_reports.values_list("priority__number", flat=True)) == {1, 2, 3, 4, 5}
    assert all(s.previous is not None and s.change for s in priority_summaries(priorities))
    out = io.StringIO()
    call_command("load_plan", stdout=out)
    assert HighlightReport.objects.count() == 10
    assert "highlight reports" not in out.getvalue()
