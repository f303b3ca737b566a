"""List pages run the same number of queries whatever the number of rows (STYLE rule 23)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import ActionFactory, PriorityFactory, ProgressUpdateFactory, UserFactory

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
    before = count_queries(client, url)

    add_actions(27, operations)

    assert count_queries(client, url) == before


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
    action = ActionFactory(lead=UserFactory())  # one query per kind of related record: same kinds before and after
    client.force_login(operations)
    url = reverse("actions:action_history", args=[action.ref])
    count_queries(client, url)
    before = count_queries(client, url)

    for i in range(10):
        action.save_details({"title": f"Title {i}", "lead": UserFactory()}, expected_version=action.version)

    assert count_queries(client, url) == before
