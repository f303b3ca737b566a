"""The canary: a secret written into every internal text field of the demo plan never reaches a public
page or the feed; published once, it appears exactly where that item's words are."""

import re
from html import escape
from urllib.parse import urljoin, urlsplit

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import models
from django.urls import reverse

from public_site.demo import load_demo_public_site
from public_site.models import PUBLIC_MODELS, YouSaidWeDid
from reporting.demo import load_demo_highlight_reports
from send_portal.plan_loader import DEFAULT_PLAN_FILE, DEMO_PASSWORD, load_plan, story_day

SECRET = "zq7canary"
# Models whose words are public by nature: the partnership's name and its vocabulary (the header says it).
PUBLIC_BY_NATURE = {"send_portal.partnership", "send_portal.historicalpartnership"}
INTERNAL_APPS = {
    "send_portal",
    "actions",
    "indicators",
    "governance",
    "reporting",
    "notifications",
    "api",
    "public_site",
}
HREF = re.compile(r'href="([^"]+)"')


def secret_value(field, pk):
    """A value holding SECRET that the field accepts."""
    if isinstance(field, models.EmailField):
        return f"{SECRET}{pk}@example.org"
    if isinstance(field, models.URLField):
        return f"https://example.org/{SECRET}/{pk}"
    value = f"{SECRET}-{pk}-internal"
    return value[: field.max_length] if field.max_length else value


def text_fields(model):
    """Every free-text field of an internal model: CharField, TextField and file names, but not a choice
    (its value is a code), a password hash or the published copy of a public item (which is public)."""
    published = {f"published_{name}" for m in PUBLIC_MODELS for name in m.text_fields}
    for field in model._meta.concrete_fields:
        if field.choices or field.name in ("password",) or field.name in published:
            continue
        if isinstance(field, (models.CharField, models.TextField, models.FileField)):
            yield field


def write_canary_everywhere():
    """Write SECRET into every internal free-text field of every row; returns how many values were written."""
    written = 0
    for model in apps.get_models():
        if model._meta.app_label not in INTERNAL_APPS or model._meta.label_lower in PUBLIC_BY_NATURE:
            continue
        fields = list(text_fields(model))
        if not fields:
            continue
        for pk in model._base_manager.values_list("pk", flat=True):
            model._base_manager.filter(pk=pk).update(**{f.attname: secret_value(f, pk) for f in fields})
            written += len(fields)
    return written


def crawl(client):
    """Every page reachable from the public home page and the feed, by links under /public/."""
    start = [reverse("public:home"), reverse("public:feed")]
    seen, todo, pages = set(), list(start), {}
    while todo:
        url = todo.pop()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        pages[url] = body
        for href in HREF.findall(body):
            path = urlsplit(urljoin(url, href.replace("&amp;", "&")))
            if path.path.startswith("/public/"):
                todo.append(path.path + (f"?{path.query}" if path.query else ""))
    return pages


@pytest.fixture
def demo_plan(db):
    report = load_plan(DEFAULT_PLAN_FILE, demo_password=DEMO_PASSWORD, move_dates=True)
    today = story_day(DEFAULT_PLAN_FILE, report.months_moved)
    load_demo_highlight_reports(today=today)
    assert load_demo_public_site(today=today) >= 10


@pytest.mark.django_db
def test_a_secret_in_every_internal_field_appears_on_no_public_page(client, demo_plan, operations):
    assert write_canary_everywhere() > 1000
    cache.clear()

    pages = crawl(client)

    assert len(pages) >= 12  # home, 5 priorities, lists, a chair's update, statements, feed, sign-up
    leaks = [url for url, body in pages.items() if SECRET in body]
    assert leaks == []

    # Published, the secret shows, and only as that item's own words.
    item = YouSaidWeDid.objects.order_by("pk").first()
    item.refresh_from_db()
    assert SECRET in item.you_said  # the canary's draft
    item.publish(by=operations)
    cache.clear()
    pages = crawl(client)
    showing = {url for url, body in pages.items() if SECRET in body}
    assert reverse("public:yousaidwedid_list") in showing
    own_words = [item.published_you_said, item.published_we_did, item.published_what_changed]
    for url in showing:
        body = pages[url]
        for words in own_words:
            body = body.replace(escape(words), "").replace(words, "")
        assert SECRET not in body, f"{url} shows the secret outside the published item"
