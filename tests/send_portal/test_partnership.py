"""The partnership is data: its name comes from the Partnership record (set by the admin or the import),
and no page, nor the board pack, says "Lancashire" for another partnership's plan."""

import re
from urllib.parse import urldefrag, urlsplit

from django.urls import Resolver404, resolve
from django.utils import timezone

from governance.services import render_board_pack_html
from send_portal.models import Partnership
from send_portal.plan_import.files import read_plan_file
from send_portal.plan_import.importer import PlanImport
from tests.factories import GroupFactory, MeetingFactory
from tests.send_portal.test_plan_import import workbook

DEVON = {
    "Partnership": [
        ["Partnership name", "Devon SEND Partnership"],
        ["Partners", "Devon County Council; NHS Devon"],
        ["What a priority is called", "area of significant weakness"],
        ["Board name", "SEND Improvement Board"],
    ],
    "Plan": [
        ["Area of significant weakness", "Action", "Lead", "Deadline", "RAG", "Progress"],
        [
            "Identification of needs",
            "Train SENCOs in early identification",
            "Head of SEND",
            "Sep 25",
            "Amber",
            "Dates set.",
        ],
        [
            "Waiting times",
            "Publish neurodevelopmental waiting times",
            "ICB lead",
            "2026",
            "Red",
            "Data gaps.",
        ],
    ],
    "Indicators": [
        ["Priority", "Indicator", "Unit", "Baseline", "Baseline date", "Target", "Target date"],
        ["Waiting times", "Children waiting over a year", "number", 400, "2025-03", "50% fewer", "2026-03"],
    ],
}

SKIPPED = ("/admin/", "/accounts/logout/", "/static/", "/media/")


def import_devon(user):
    PlanImport(read_plan_file(workbook(DEVON), "devon.xlsx"), filename="devon.xlsx").confirm(user)


def crawl(client, start="/"):
    """Every page reached by following links from `start`, one per URL pattern: {path: content}."""
    seen_routes, pages, queue = set(), {}, [start]
    while queue:
        path = queue.pop(0)
        try:
            route = resolve(path).route
        except Resolver404:
            continue
        if route in seen_routes:
            continue
        seen_routes.add(route)
        response = client.get(path)
        assert response.status_code in (200, 302), path
        if response.status_code != 200:
            continue
        content = (
            response.content.decode("utf-8", "replace")
            if response["Content-Type"].startswith("text/")
            else ""
        )
        pages[path] = content
        for href in re.findall(r'href="([^"]+)"', content):
            link = urldefrag(href.replace("&amp;", "&"))[0]
            parts = urlsplit(link)
            if parts.netloc or not parts.path.startswith("/") or parts.path.startswith(SKIPPED):
                continue
            queue.append(parts.path)
    return pages


def test_until_a_partnership_is_saved_its_name_is_the_setting(db, settings):
    settings.PARTNERSHIP_NAME = "Somewhere SEND Partnership"
    assert Partnership.current().name == "Somewhere SEND Partnership"
    Partnership.objects.create(name="Devon SEND Partnership")
    assert Partnership.current().name == "Devon SEND Partnership"  # saving clears the cached default


def test_the_import_sets_the_partnership_and_its_words(admin_user):
    import_devon(admin_user)
    partnership = Partnership.current()
    assert (partnership.name, partnership.priority_called, partnership.board_name) == (
        "Devon SEND Partnership",
        "area of significant weakness",
        "SEND Improvement Board",
    )
    assert sorted(o.name for o in partnership.partners.all()) == ["Devon County Council", "NHS Devon"]


def test_no_page_a_crawl_reaches_nor_the_board_pack_says_lancashire_for_another_partnership(
    client, admin_user
):
    import_devon(admin_user)
    meeting = MeetingFactory(group=GroupFactory(board=True), date=timezone.localdate())
    client.force_login(admin_user)

    pages = crawl(client)

    assert len(pages) > 15
    assert "Devon SEND Partnership" in pages["/"]
    for path, content in pages.items():
        assert "lancashire" not in content.lower(), path
    pack = render_board_pack_html(meeting)
    assert "Devon SEND Partnership" in pack and "lancashire" not in pack.lower()
