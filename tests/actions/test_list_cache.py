"""The actions list keeps each address's table in the cache, reads the same as worked out afresh, and shows
any change on the next request."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse

from actions.models import Status
from tests.factories import ActionFactory, PriorityFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("actions:action_list")


@pytest.fixture
def signed_in(client, board_member):
    client.force_login(board_member)
    return client


def page(client, query=""):
    response = client.get(URL + query)
    assert response.status_code == 200
    return response.content.decode()


def without_per_request_tokens(html):
    """The page without what differs on every request by design: the CSP nonce and the CSRF token."""
    html = re.sub(r'nonce="[^"]*"', 'nonce=""', html)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken"', html)


@pytest.mark.parametrize("query", ["", "?sort=-due", "?priority=1&status=on_track", "?page=2"])
def test_a_list_from_the_cache_reads_exactly_as_worked_out_afresh(signed_in, query):
    priority = PriorityFactory(number=1)
    for n in range(30):
        ActionFactory(priority=priority, title=f"Action {n}")
    fresh = page(signed_in, query)

    cached = page(signed_in, query)

    assert without_per_request_tokens(cached) == without_per_request_tokens(fresh)


def test_a_cached_list_reads_no_action(signed_in, django_assert_max_num_queries):
    ActionFactory.create_batch(30)
    page(signed_in)
    # Session and person (2), the list's key (1), the header's plan (1), the person's roles and permissions
    # for the navigation (3), saving the session (1) and two savepoints (4): none grows with the plan.
    with django_assert_max_num_queries(12):
        page(signed_in)


def test_a_new_update_shows_on_the_next_request(signed_in, without_sign_off):
    action = ActionFactory(title="Train every SENCo")
    assert "(no update yet)" in page(signed_in)

    action.record_update(author=UserFactory(), status=Status.ON_TRACK, narrative="Done in the north.")

    after = page(signed_in)
    assert "(no update yet)" not in after and "(declared " in after


def test_a_deleted_action_goes_at_once(signed_in):
    ActionFactory(title="Keep")
    gone = ActionFactory(title="Remove me")
    assert "Remove me" in page(signed_in)

    gone.delete()

    assert "Remove me" not in page(signed_in) and "Keep" in page(signed_in)


def test_a_renamed_lead_shows_under_the_new_name(signed_in):
    lead = UserFactory(first_name="Sam", last_name="Before")
    ActionFactory(lead=lead, lead_role="")
    assert "Sam Before" in page(signed_in)

    lead.last_name = "After"
    lead.save()

    assert "Sam After" in page(signed_in)


def test_filters_with_errors_are_shown_afresh_and_never_kept(signed_in):
    ActionFactory()
    first = page(signed_in, "?lead=not-a-person")

    assert "There is a problem with the filters" in first
    assert "There is a problem with the filters" in page(signed_in, "?lead=not-a-person")


def test_an_export_is_never_read_from_the_cache(signed_in):
    ActionFactory(title="In the export")
    page(signed_in)
    cache_size = len(cache._cache) if hasattr(cache, "_cache") else None

    response = signed_in.get(URL + "?_export=csv")

    assert response["Content-Type"].startswith("text/csv")
    assert (
        b"In the export" in b"".join(response.streaming_content) if response.streaming else response.content
    )
    if cache_size is not None:
        assert len(cache._cache) == cache_size
