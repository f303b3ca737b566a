"""List pages run the same number of queries whatever the number of rows (STYLE rule 23)."""

from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from send_portal.models import Partnership
from tests.factories import (
    ActionFactory,
    HighlightReportFactory,
    PriorityFactory,
    ProgressUpdateFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def add_actions(n, lead):
    for i in range(n):
        priority = PriorityFactory(number=(i % 5) + 1, lead=lead)
        action = ActionFactory(priority=priority, lead=UserFactory(), overdue=(i % 2 == 0))
        ProgressUpdateFactory(action=action)


PAGES = [
    reverse("dashboard"),
    reverse("actions:action_list"),
    reverse("actions:action_list") + "?overdue=on&status=on_track",
    reverse("actions:action_mine"),
    reverse("actions:priority_detail", args=[1]),
]


@pytest.mark.parametrize("url", PAGES)
def test_a_page_runs_the_same_number_of_queries_for_3_and_30_actions(client, operations, url):
    client.force_login(operations)
    add_actions(3, operations)
    count_queries(client, url)  # warm per-process caches (content types, sessions)
    operations.save()  # a change: pages kept in the cache (the dashboard's facts) are worked out again
    first = count_queries(client, url)
    then = count_queries(client, url)

    add_actions(27, operations)

    assert count_queries(client, url) == first  # the first request after the change
    assert count_queries(client, url) == then


@pytest.mark.parametrize("url", PAGES)
def test_a_page_stays_under_its_query_ceiling(client, operations, url, django_assert_max_num_queries):
    client.force_login(operations)
    add_actions(30, operations)
    count_queries(client, url)

    with django_assert_max_num_queries(20):
        client.get(url)


def test_the_action_page_runs_the_same_number_of_queries_for_1_and_20_updates(client, operations):
    action = ActionFactory()
    ProgressUpdateFactory(action=action)
    client.force_login(operations)
    url = action.get_absolute_url()
    count_queries(client, url)
    before = count_queries(client, url)

    ProgressUpdateFactory.create_batch(19, action=action)

    assert count_queries(client, url) == before


def test_the_action_history_page_runs_the_same_number_of_queries_for_1_and_10_changes(client, operations):
    action = ActionFactory(
        lead=UserFactory()
    )  # one query per kind of related record: same kinds before and after
    client.force_login(operations)
    url = reverse("actions:action_history", args=[action.ref])
    count_queries(client, url)
    before = count_queries(client, url)

    for i in range(10):
        action.save_details({"title": f"Title {i}", "lead": UserFactory()}, expected_version=action.version)

    assert count_queries(client, url) == before


# --- Governance: meetings list, a meeting page, the action log -------------------------------------------
def add_meetings(n, board):
    """n Board meetings, each with an agenda item about a plan action, a decision, attendance, an open
    action-log item (carried forward to later meetings), an escalation and 'you said, we did'."""
    from governance.models import Escalation
    from tests.factories import (
        AgendaItemFactory,
        AttendanceFactory,
        DecisionFactory,
        FeedbackItemFactory,
        MeetingActionFactory,
        MeetingFactory,
    )

    for _ in range(n):
        earliest = board.meetings.order_by("date").values_list("date", flat=True).first()
        meeting = MeetingFactory(group=board, date=(earliest or date(2026, 12, 1)) - timedelta(days=7))
        item = AgendaItemFactory(meeting=meeting, presenter=UserFactory(), priority=PriorityFactory(number=1))
        item.actions.add(ActionFactory())
        DecisionFactory(meeting=meeting, agenda_item=item)
        AttendanceFactory(meeting=meeting, person=UserFactory())
        MeetingActionFactory(meeting=meeting, owner=UserFactory())
        FeedbackItemFactory(meeting=meeting, priority=PriorityFactory(number=1))
        Escalation.objects.create(action=ActionFactory(), reason="Needs the Board.", raised_by=UserFactory())


@pytest.fixture
def board(db):
    from tests.factories import GroupFactory

    return GroupFactory(board=True)


@pytest.fixture
def upcoming_board_meeting(board):
    from tests.factories import MeetingFactory

    return MeetingFactory(group=board, date=date(2026, 12, 10))


GOVERNANCE_PAGES = [
    lambda meeting: reverse("governance:meeting_list"),
    lambda meeting: reverse("governance:meeting_detail", args=[meeting.pk]),
    lambda meeting: reverse("governance:meetingaction_list"),
    lambda meeting: reverse("governance:meetingaction_list") + "?overdue=on&status=open",
    lambda meeting: reverse("governance:group_list"),
    lambda meeting: reverse("governance:group_detail", args=[meeting.group.slug]),
]


@pytest.mark.parametrize(
    "page", GOVERNANCE_PAGES, ids=["meetings", "meeting", "log", "log-filtered", "groups", "group"]
)
def test_a_governance_page_runs_the_same_number_of_queries_for_3_and_30_meetings(
    client, operations, board, upcoming_board_meeting, page
):
    url = page(upcoming_board_meeting)
    client.force_login(operations)
    add_meetings(3, board)
    count_queries(client, url)
    before = count_queries(client, url)

    add_meetings(27, board)

    assert count_queries(client, url) == before


@pytest.mark.parametrize(
    "page", GOVERNANCE_PAGES, ids=["meetings", "meeting", "log", "log-filtered", "groups", "group"]
)
def test_a_governance_page_stays_under_its_query_ceiling(
    client, operations, board, upcoming_board_meeting, page, django_assert_max_num_queries
):
    url = page(upcoming_board_meeting)
    client.force_login(operations)
    add_meetings(30, board)
    count_queries(client, url)

    with django_assert_max_num_queries(25):
        client.get(url)


# --- Indicators: the list, the dashboard and priority page beside it, an indicator's page ---------------
def add_indicators(n):
    """n indicators across priorities 1-5, each with a few values (some corrected, some with enough for
    SPC limits, some with an SPC rebase)."""
    from tests.factories import IndicatorFactory, MeasurementFactory, RebaseFactory

    for i in range(n):
        indicator = IndicatorFactory(priority=PriorityFactory(number=(i % 5) + 1), owner=UserFactory())
        for month in range(1 + i % 4 + (14 if i % 5 == 0 else 0)):
            MeasurementFactory(
                indicator=indicator,
                period_end=date(2024, 1, 28) + timedelta(days=31 * month),
                value=20 + month,
            )
        if i % 3 == 0:
            indicator.record_value(period_end=date(2024, 1, 28), value=30, note="Fixed", correct=True)
        if i % 2 == 0:
            RebaseFactory(indicator=indicator, starts_on=date(2024, 3, 1), recorded_by=UserFactory())


INDICATOR_PAGES = [
    reverse("indicators:indicator_list"),
    reverse("indicators:indicator_list") + "?status=off_track&status=on_track",
    reverse("indicators:indicator_list") + "?overdue=on&priority=1&q=Indicator",
    reverse("indicators:indicator_list") + "?_export=csv",
    reverse("indicators:measurement_upload_template"),
    reverse("dashboard"),
    reverse("actions:priority_detail", args=[1]),
]


@pytest.mark.parametrize("url", INDICATOR_PAGES)
def test_a_page_runs_the_same_number_of_queries_for_3_and_30_indicators(client, operations, url):
    client.force_login(operations)
    add_indicators(3)
    count_queries(client, url)
    cache.clear()
    Partnership.current()  # the partnership's name is cached too: only the digests start cold
    cold = count_queries(client, url)  # indicator digests worked out from every value (indicators/digests.py)
    before = count_queries(client, url)  # then read from the cache

    add_indicators(27)

    assert count_queries(client, url) == cold  # the new values change the digests' key
    assert count_queries(client, url) == before


@pytest.mark.parametrize("url", INDICATOR_PAGES)
def test_an_indicator_page_stays_under_its_query_ceiling(
    client, operations, url, django_assert_max_num_queries
):
    client.force_login(operations)
    add_indicators(30)
    count_queries(client, url)

    with django_assert_max_num_queries(20):
        client.get(url)


def test_the_indicator_page_runs_the_same_number_of_queries_for_1_and_20_values(client, operations):
    from tests.factories import IndicatorFactory, MeasurementFactory

    indicator = IndicatorFactory()
    MeasurementFactory(indicator=indicator, period_end=date(2025, 1, 31))
    client.force_login(operations)
    url = indicator.get_absolute_url()
    count_queries(client, url)
    before = count_queries(client, url)

    for n in range(1, 20):
        MeasurementFactory(
            indicator=indicator,
            period_end=date(2025, 1, 31) + timedelta(days=31 * n),
            recorded_by=UserFactory(),
        )
    indicator.record_value(
        period_end=date(2025, 1, 31), value=40, note="Fixed", by=UserFactory(), correct=True
    )

    assert count_queries(client, url) == before


def test_the_indicator_page_with_the_spc_chart_runs_the_same_number_of_queries_for_1_and_20_values(
    client, operations
):
    from tests.factories import IndicatorFactory, MeasurementFactory, RebaseFactory

    indicator = IndicatorFactory()
    MeasurementFactory(indicator=indicator, period_end=date(2025, 1, 31))
    client.force_login(operations)
    url = indicator.get_absolute_url() + "?chart=spc"
    count_queries(client, url)
    before = count_queries(client, url)

    for n in range(1, 20):
        MeasurementFactory(indicator=indicator, period_end=date(2025, 1, 31) + timedelta(days=31 * n))
    for n in range(3):
        rebase = RebaseFactory(
            indicator=indicator,
            starts_on=date(2025, 5, 1) + timedelta(days=93 * n),
            recorded_by=UserFactory(),
        )
    indicator.remove_rebase(rebase, by=UserFactory(), reason="Wrong date")

    assert count_queries(client, url) == before


def test_the_board_pack_runs_the_same_number_of_queries_for_3_and_30_indicators(client, operations, board):
    """The pack ranks indicators by their cached digests and reads in full only those it shows, values and
    rebases prefetched: no query per row."""
    from tests.factories import MeetingFactory

    meeting = MeetingFactory(group=board, date=date(2026, 12, 10))
    url = reverse("governance:boardpack_preview", args=[meeting.pk])
    client.force_login(operations)
    add_indicators(3)
    count_queries(client, url)
    cache.clear()
    Partnership.current()  # the partnership's name is cached too: only the digests start cold
    cold = count_queries(client, url)  # indicator digests worked out from every value (indicators/digests.py)
    before = count_queries(client, url)  # then read from the cache

    add_indicators(27)

    assert count_queries(client, url) == cold  # the new values change the digests' key
    assert count_queries(client, url) == before


# --- What changed since the last meeting, and the board pack that includes it -----------------------------
def add_plan_activity(n, today):
    """n actions, each updated before and during the window (a status change), with its due date revised
    in the window; every third with an indicator whose value is recorded, then corrected, in the window."""
    from actions.models import Status
    from tests.factories import IndicatorFactory

    for i in range(n):
        action = ActionFactory(priority=PriorityFactory(number=(i % 5) + 1), lead=UserFactory())
        ProgressUpdateFactory(action=action, date=today - timedelta(days=40))
        ProgressUpdateFactory(action=action, date=today - timedelta(days=5), status=Status.AT_RISK)
        action.refresh_from_db()
        action.save_details(
            {
                "revised_due_date": action.due_date + timedelta(days=60),
                "revision_reason": "Recruitment slipped",
            },
            expected_version=action.version,
        )
        if i % 3 == 0:
            indicator = IndicatorFactory(priority=action.priority, owner=UserFactory())
            indicator.record_value(period_end=today - timedelta(days=31), value=40, by=UserFactory())
            indicator.record_value(
                period_end=today - timedelta(days=31), value=45, by=UserFactory(), correct=True, reason="Typo"
            )


PLAN_CHANGE_PAGES = [
    lambda meeting: reverse("governance:meeting_changes", args=[meeting.pk]),
    lambda meeting: reverse("governance:boardpack_preview", args=[meeting.pk]),
]


@pytest.mark.parametrize("page", PLAN_CHANGE_PAGES, ids=["changes", "board-pack"])
def test_what_changed_and_the_board_pack_run_the_same_number_of_queries_for_3_and_30_changed_actions(
    client, operations, board, page
):
    """plan_changes reads the window's updates and history, and one subquery per kind of 'before': never
    a query per action, update, history row or indicator."""
    from django.utils import timezone

    from tests.factories import MeetingFactory

    today = timezone.localdate()
    MeetingFactory(group=board, date=today - timedelta(days=30))
    meeting = MeetingFactory(group=board, date=today + timedelta(days=1))
    url = page(meeting)
    client.force_login(operations)
    add_plan_activity(3, today)
    count_queries(client, url)
    before = count_queries(client, url)

    add_plan_activity(27, today)

    count_queries(client, url)  # the board pack works out the indicator digests again (new values)
    assert count_queries(client, url) == before
    page = client.get(url).content.decode()
    assert "Revised due dates (30)" in page and "Status changes (30)" in page
    assert "Corrected indicator values (10)" in page


# --- The dashboard's first screen: highlight reports, escalations, what needs attention -----------------
def add_board_cycles(n, board):
    """n Board meetings, each with a highlight report from each of five priorities (citing an action and an
    indicator), an escalation and an overdue action."""
    from governance.models import Escalation
    from tests.factories import HighlightReportFactory, IndicatorFactory, MeetingFactory

    for _ in range(n):
        earliest = board.meetings.order_by("date").values_list("date", flat=True).first()
        meeting = MeetingFactory(group=board, date=(earliest or date(2026, 12, 1)) - timedelta(days=28))
        for number in range(1, 6):
            priority = PriorityFactory(number=number)
            report = HighlightReportFactory(priority=priority, meeting=meeting, author=UserFactory())
            report.actions.add(ActionFactory(priority=priority, overdue=True))
            report.indicators.add(IndicatorFactory(priority=priority))
        Escalation.objects.create(action=ActionFactory(), reason="Needs the Board.", raised_by=UserFactory())


@pytest.mark.parametrize("role", ["board_member", "lead"])
def test_the_dashboard_runs_the_same_number_of_queries_for_1_and_10_board_cycles(
    request, client, board, role
):
    user = request.getfixturevalue(role)
    client.force_login(user)
    url = reverse("dashboard")
    add_board_cycles(1, board)
    count_queries(client, url)
    before = count_queries(client, url)

    add_board_cycles(9, board)
    count_queries(client, url)  # the indicators changed: their digests are worked out again, once

    assert count_queries(client, url) == before


# --- The API: every list endpoint, at 1 and 10 of everything ---------------------------------------------
API_LISTS = [
    "api:priority-list",
    "api:action-list",
    "api:progressupdate-list",
    "api:indicator-list",
    "api:measurement-list",
    "api:meeting-list",
    "api:decision-list",
    "api:meetingaction-list",
    "api:escalation-list",
    "api:changes",
]


def add_everything(n):
    """n of each kind of record the API lists, each with its related records (and history rows)."""
    from governance.models import Escalation
    from tests.factories import (
        DecisionFactory,
        IndicatorFactory,
        MeasurementFactory,
        MeetingActionFactory,
        MeetingFactory,
    )

    for _ in range(n):
        action = ActionFactory(lead=UserFactory())
        ProgressUpdateFactory(action=action)
        indicator = IndicatorFactory(priority=action.priority, owner=UserFactory())
        MeasurementFactory(indicator=indicator)
        meeting = MeetingFactory()
        DecisionFactory(meeting=meeting)
        MeetingActionFactory(meeting=meeting, owner=UserFactory())
        Escalation.objects.create(action=action, reason="Needs a decision.", raised_by=UserFactory())
        action.title += " (corrected)"
        action.save()


@pytest.mark.parametrize("name", API_LISTS)
def test_an_api_list_runs_the_same_number_of_queries_for_1_and_10_of_everything(operations, name):
    from tests.api.conftest import token_client

    client = token_client(operations)
    url = reverse(name)
    add_everything(1)
    count_queries(client, url)  # warm per-process caches (content types, digests)
    before = count_queries(client, url)

    add_everything(9)
    count_queries(client, url)  # the indicator digests are worked out again after any change (3 queries)

    assert count_queries(client, url) == before


# --- Highlight reports: a report's page and a meeting's reports, whatever they cite ---------------------
def test_a_highlight_reports_pages_run_the_same_queries_for_1_and_10_cited_actions_and_indicators(
    client, operations, board
):
    from tests.factories import HighlightReportFactory, IndicatorFactory, MeasurementFactory, MeetingFactory

    meeting = MeetingFactory(group=board)
    priority = PriorityFactory(number=1)
    report = HighlightReportFactory(priority=priority, meeting=meeting, author=UserFactory())

    def cite(n):
        for _ in range(n):
            report.actions.add(ActionFactory(priority=priority, lead=UserFactory(), overdue=True))
            indicator = IndicatorFactory(priority=priority)
            MeasurementFactory(indicator=indicator)
            report.indicators.add(indicator)

    client.force_login(operations)
    urls = [
        reverse("reporting:highlightreport_detail", args=[report.pk]),
        reverse("reporting:meeting_reports", args=[meeting.pk]),
    ]
    cite(1)
    for url in urls:
        count_queries(client, url)
    before = [count_queries(client, url) for url in urls]

    cite(9)
    for url in urls:
        count_queries(client, url)  # the indicators changed: their digests are worked out again, once

    assert [count_queries(client, url) for url in urls] == before


def add_submissions(n, lead):
    """`n` of each kind awaiting sign-off: progress updates, indicator values, highlight reports."""
    from actions.models import Status
    from tests.factories import GroupFactory, IndicatorFactory, MeetingFactory

    board = GroupFactory(board=True)
    for i in range(n):
        priority = PriorityFactory(lead=lead)
        action = ActionFactory(priority=priority)
        action.record_update(author=lead, status=Status.ON_TRACK, narrative="Going well.")
        IndicatorFactory(priority=priority).record_value(period_end=date(2026, 1, 31), value=i, by=lead)
        report = HighlightReportFactory(priority=priority, meeting=MeetingFactory(group=board))
        report.mark_submitted(lead)
        report.save()


@pytest.mark.parametrize("url", [reverse("reporting:sign_off"), reverse("actions:action_mine")])
def test_the_sign_off_queue_and_my_actions_run_the_same_queries_for_1_and_10_submissions(
    client, operations, url
):
    lead = UserFactory(username="submitter")
    add_submissions(1, lead)
    client.force_login(operations if "sign-off" in url else lead)
    count_queries(client, url)
    before = count_queries(client, url)

    add_submissions(9, lead)

    assert count_queries(client, url) == before
