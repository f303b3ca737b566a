"""The dashboard's facts are kept in the cache, and any change to what they read shows on the next request."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from actions.models import Status
from governance.models import Escalation
from send_portal.freshness import data_key
from send_portal.views import DASHBOARD_TABLES
from tests.factories import (
    ActionFactory,
    GroupFactory,
    HighlightReportFactory,
    IndicatorFactory,
    MeetingFactory,
    ProgressUpdateFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, board_member):
    client.force_login(board_member)
    return client


def dashboard(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    return response.content.decode()


def test_an_unchanged_dashboard_is_read_from_the_cache_in_one_query_of_its_own(
    signed_in, priority, django_assert_max_num_queries
):
    ActionFactory(priority=priority)
    dashboard(signed_in)
    # Session and person (2), the facts' key (1), the person's own work (1), their permissions for the
    # import link (3), the header's plan (1), saving the session (1), and the request's two savepoints
    # (4 statements): none of them grows with the plan.
    with django_assert_max_num_queries(13):
        dashboard(signed_in)


def test_a_new_update_shows_on_the_next_request(signed_in, priority, without_sign_off):
    action = ActionFactory(priority=priority, title="Publish the local offer")
    assert "reported it" not in dashboard(signed_in)

    action.record_update(author=UserFactory(), status=Status.AT_RISK, narrative="Slipping.")

    page = dashboard(signed_in)
    assert "Publish the local offer" in page and "reported it" in page


def test_an_escalation_shows_on_the_next_request_and_goes_when_deleted(signed_in, priority):
    action = ActionFactory(priority=priority)
    dashboard(signed_in)
    escalation = Escalation.objects.create(action=action, reason="Needs a decision on funding.")
    assert "Needs a decision on funding." in dashboard(signed_in)

    escalation.delete()

    assert "Needs a decision on funding." not in dashboard(signed_in)


def test_a_new_highlight_report_shows_on_the_next_request(signed_in, priority):
    dashboard(signed_in)
    meeting = MeetingFactory(group=GroupFactory(board=True), date=timezone.localdate() - timedelta(days=3))

    HighlightReportFactory(priority=priority, meeting=meeting, reason="Waiting times fell for a third month.")

    assert "Waiting times fell for a third month." in dashboard(signed_in)


def test_a_renamed_person_shows_under_their_new_name(signed_in, priority):
    author = UserFactory(first_name="Alex", last_name="Old")
    ProgressUpdateFactory(action=ActionFactory(priority=priority), author=author)
    assert "Alex Old" in dashboard(signed_in)

    author.last_name = "New"
    author.save()

    assert "Alex New" in dashboard(signed_in)


def test_an_action_becomes_overdue_when_the_day_changes(priority):
    ActionFactory(priority=priority, start_date=date(2026, 1, 5), due_date=date(2026, 6, 30))
    on_the_day = data_key("dashboard", DASHBOARD_TABLES, date(2026, 6, 30))

    assert data_key("dashboard", DASHBOARD_TABLES, date(2026, 7, 1)) != on_the_day
    assert data_key("dashboard", DASHBOARD_TABLES, date(2026, 6, 30)) == on_the_day


def test_a_new_indicator_moves_the_key(priority):
    before = data_key("dashboard", DASHBOARD_TABLES, date(2026, 6, 30))

    IndicatorFactory(priority=priority)

    assert data_key("dashboard", DASHBOARD_TABLES, date(2026, 6, 30)) != before
