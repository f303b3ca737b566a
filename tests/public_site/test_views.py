"""The public pages: published words only, no cookies, and once cached, no database work at all."""

import pytest
from django.urls import reverse

from public_site.models import PrioritySummary
from tests.factories import MeasurementFactory

PUBLIC_PAGES = [
    "public:home",
    "public:yousaidwedid_list",
    "public:chairsupdate_list",
    "public:accessibility",
    "public:privacy",
    "public:feed",
    "public:subscribe",
    "public:subscribe_sent",
]


def page_urls(world):
    return [reverse(name) for name in PUBLIC_PAGES] + [
        reverse("public:priority", args=[world["summary"].priority.number]),
        reverse("public:chairsupdate_detail", args=[world["chairs_update"].pk]),
    ]


@pytest.mark.django_db
def test_every_public_page_answers_anyone_and_sets_no_cookie(client, public_world):
    for url in page_urls(public_world):
        response = client.get(url)
        assert response.status_code == 200, url
        assert not response.cookies, url
        assert "Cookie" not in response.get("Vary", ""), url


@pytest.mark.django_db
def test_a_signed_in_officer_reading_a_public_page_sends_no_cookie_and_gets_the_same_page(
    client, public_world, operations
):
    url = reverse("public:priority", args=[1])
    anonymous = client.get(url).content
    client.force_login(operations)
    response = client.get(url)
    assert response.content == anonymous
    assert not response.cookies
    assert b"Sign out" not in response.content


@pytest.mark.django_db
def test_a_cached_public_page_makes_no_query(client, public_world, django_assert_num_queries):
    for url in page_urls(public_world):
        client.get(url)
        with django_assert_num_queries(0):
            assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_a_signed_in_visitor_costs_no_query_either(
    client, public_world, operations, django_assert_num_queries
):
    client.force_login(operations)
    url = reverse("public:home")
    client.get(url)
    with django_assert_num_queries(0):
        client.get(url)


@pytest.mark.django_db
def test_publishing_changes_the_cached_page_at_once(
    client, summary, operations, django_capture_on_commit_callbacks
):
    url = reverse("public:priority", args=[1])
    client.get(url)
    summary.doing = "Now twelve more staff."
    summary.save()
    assert b"Now twelve more staff." not in client.get(url).content  # a draft: still the old page

    with django_capture_on_commit_callbacks(execute=True):
        summary.publish(by=operations)

    assert b"Now twelve more staff." in client.get(url).content


@pytest.mark.django_db
def test_taking_a_summary_down_makes_its_page_404_at_once(
    client, summary, operations, django_capture_on_commit_callbacks
):
    url = reverse("public:priority", args=[1])
    client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        summary.unpublish(by=operations)
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_a_never_published_summary_is_not_public(client, priority):
    PrioritySummary.objects.create(priority=priority, title="Secret draft", doing="Draft words.")
    assert client.get(reverse("public:priority", args=[1])).status_code == 404
    assert b"Secret draft" not in client.get(reverse("public:home")).content


@pytest.mark.django_db
def test_a_measure_shows_a_chart_a_table_and_its_sentence(client, measure):
    PrioritySummary.objects.create(priority=measure.indicator.priority, title="T", doing="D").publish(by=None)
    html = client.get(reverse("public:priority", args=[1])).content.decode()
    assert 'role="img" aria-labelledby="measure-' in html
    assert "More plans are on time." in html
    assert "<table" in html and "Figure" in html
    assert measure.indicator.code not in html  # the internal code is never shown


@pytest.mark.django_db
def test_every_public_page_says_when_it_was_last_updated(client, public_world):
    for url in page_urls(public_world):
        if "feed" in url:
            continue
        assert b"Last updated:" in client.get(url).content, url


@pytest.mark.django_db
def test_the_feed_is_atom_with_the_published_items(client, public_world):
    response = client.get(reverse("public:feed"))
    assert response["Content-Type"].startswith("application/atom+xml")
    assert b"Plans on time" in response.content and b"What the Board did" in response.content


@pytest.mark.django_db
def test_the_public_host_serves_the_public_site_at_its_root(client, settings, public_world):
    settings.PUBLIC_HOST = "progress.example.org"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "progress.example.org"]
    from public_site import middleware

    middleware_host = middleware.PublicSiteMiddleware(lambda r: None).host
    assert middleware_host == "progress.example.org"
    # The middleware reads PUBLIC_HOST once, when the handler is built: a fresh client builds it again.
    from django.test import Client

    host_client = Client(HTTP_HOST="progress.example.org")
    response = host_client.get("/priorities/1/")
    assert response.status_code == 200
    assert b'href="/you-said-we-did/"' in response.content
    assert host_client.get("/admin/").status_code == 404
    assert host_client.get("/actions/").status_code == 404


@pytest.mark.django_db
def test_a_new_value_of_a_public_measure_shows_at_once(
    client, summary, measure, django_capture_on_commit_callbacks
):
    url = reverse("public:priority", args=[1])
    client.get(url)
    with django_capture_on_commit_callbacks(execute=True):
        MeasurementFactory(indicator=measure.indicator, value=4321)
    assert "4,321" in client.get(url).content.decode()


@pytest.mark.django_db
def test_an_easy_read_version_has_its_lines_and_pictures(client, summary, operations):
    summary.easy_read = "We want help to come sooner. | clock | A clock\nWe will tell you how it goes."
    summary.save()
    summary.publish(by=operations)
    html = client.get(reverse("public:easy_read", args=["priority", summary.pk])).content.decode()
    assert "We want help to come sooner." in html
    assert 'alt="A clock"' in html


@pytest.mark.django_db
def test_an_item_without_easy_read_has_no_easy_read_page(client, summary):
    assert client.get(reverse("public:easy_read", args=["priority", summary.pk])).status_code == 404
    assert client.get(reverse("public:easy_read", args=["nothing", summary.pk])).status_code == 404
