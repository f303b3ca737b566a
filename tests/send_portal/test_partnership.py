"""The partnership is data: its name comes from the Partnership record (set by the admin or the import),
and no page, nor the board pack, says "Lancashire" for another partnership's plan."""

import re
from datetime import timedelta
from urllib.parse import urldefrag, urlsplit

from django.urls import Resolver404, resolve
from django.utils import timezone

from governance.services import render_board_pack_html
from send_portal.models import Partnership
from send_portal.plan_import.files import read_plan_file
from send_portal.plan_import.importer import PlanImport
from tests.factories import GroupFactory, MeetingFactory, UserFactory
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
    devon = Partnership.objects.get()
    devon.updates_need_sign_off = False  # the off-track mail goes when the update is approved: at once here
    devon.save()
    meeting = MeetingFactory(group=GroupFactory(board=True), date=timezone.localdate())
    client.force_login(admin_user)

    pages = crawl(client)

    assert len(pages) > 15
    assert "Devon SEND Partnership" in pages["/"]
    for path, content in pages.items():
        assert "lancashire" not in content.lower(), path
    pack = render_board_pack_html(meeting)
    assert "Devon SEND Partnership" in pack and "lancashire" not in pack.lower()


def test_the_board_pack_pdf_and_every_mail_of_another_partnership_never_say_lancashire(
    admin_user, operations, mailoutbox, django_capture_on_commit_callbacks, settings
):
    """The first-start default stays 'Lancashire SEND Partnership'; once Devon's plan is imported, the pack's
    PDF text and the mails (escalation, due date revised, off track, digest) speak Devon's words."""
    from io import BytesIO

    from pypdf import PdfReader

    from actions.models import Action, Status
    from governance.models import Escalation
    from governance.services import render_pdf
    from notifications.services import send_digest

    settings.PARTNERSHIP_NAME = "Lancashire SEND Partnership"
    import_devon(admin_user)
    devon = Partnership.objects.get()
    devon.updates_need_sign_off = False  # the off-track mail goes when the update is approved: at once here
    devon.save()
    meeting = MeetingFactory(group=GroupFactory(board=True), date=timezone.localdate())
    action = Action.objects.get(title="Train SENCOs in early identification")
    action.lead = UserFactory(username="devon.lead", email="lead@devon.example")
    action.save()

    pdf = render_pdf(render_board_pack_html(meeting), "https://portal.devon.example/")
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)
    assert "Devon SEND Partnership" in text and "lancashire" not in text.lower()

    with django_capture_on_commit_callbacks(execute=True):
        Escalation.escalate(action=action, reason="Needs a decision.", raised_by=operations)
        action.refresh_from_db()
        action.save_details(
            {"revised_due_date": timezone.localdate() + timedelta(days=400), "revision_reason": "Later."},
            expected_version=action.version,
        )
        action.refresh_from_db()
        action.record_update(
            author=action.lead, status=Status.OFF_TRACK, narrative="Stuck.", mitigation="Help."
        )
    waiting = Action.objects.get(title="Publish neurodevelopmental waiting times")
    waiting.lead, waiting.due_date = action.lead, timezone.localdate() - timedelta(days=3)
    waiting.start_date = None
    waiting.save()
    send_digest(action.lead, "week:test")
    assert len(mailoutbox) >= 4
    for message in mailoutbox:
        whole = message.subject + message.body + message.alternatives[0].content
        assert "Devon SEND Partnership" in whole, message.subject
        assert "lancashire" not in whole.lower(), message.subject
    escalated = next(m for m in mailoutbox if "escalated" in m.subject)
    assert escalated.subject.endswith("escalated to the SEND Improvement Board")
    assert "area of significant weakness" in escalated.body


def test_the_not_found_page_asks_the_database_nothing(admin_user, rf, django_assert_num_queries):
    from django.http import Http404

    from send_portal.views import page_not_found

    import_devon(admin_user)
    request = rf.get("/no-such-page/")
    request.user = admin_user
    request.session = {}
    with django_assert_num_queries(0):
        response = page_not_found(request, Http404())
    page = response.content.decode()
    assert response.status_code == 404 and "Devon SEND Partnership" in page
