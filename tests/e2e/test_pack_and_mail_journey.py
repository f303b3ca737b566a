"""The Operations Group generates a board pack and follows its progress; a lead chooses their email and
unsubscribes from a mail's link. Every page passes axe (WCAG 2.2 AA)."""

from django.urls import reverse
from playwright.sync_api import expect

from governance.models import BoardPackRequest, PackRequestStatus
from notifications.services import unsubscribe_token
from tests.e2e.helpers import assert_accessible, sign_in
from tests.factories import GroupFactory, MeetingFactory


def test_a_pack_is_generated_and_its_progress_page_is_accessible_in_every_state(
    page, live_server, operations, monkeypatch
):
    monkeypatch.setattr("governance.services.render_pdf", lambda html, base_url: b"%PDF-1.7 test")
    meeting = MeetingFactory(group=GroupFactory(board=True), title="SEND Improvement Board - May")
    queued = BoardPackRequest.objects.create(meeting=MeetingFactory(title="Another meeting"))
    failed = BoardPackRequest.objects.create(
        meeting=MeetingFactory(title="A third meeting"),
        status=PackRequestStatus.FAILED,
        error="Out of memory",
    )
    sign_in(page, live_server, operations.username)

    page.goto(live_server.url + queued.get_absolute_url() + "?auto=off")  # no reload while axe runs
    expect(page.locator("#pack-status")).to_have_text("Queued")
    expect(page.get_by_role("status")).to_contain_text("waiting for the background worker")
    assert_accessible(page)

    page.goto(live_server.url + failed.get_absolute_url())
    expect(page.get_by_role("status")).to_contain_text("Out of memory")
    assert_accessible(page)

    page.goto(live_server.url + meeting.get_absolute_url())
    page.get_by_role("button", name="Generate the board pack").click()  # tests run the task on commit
    expect(page.locator("#pack-status")).to_have_text("Ready")
    expect(page.get_by_role("link", name="Open the PDF")).to_be_visible()
    assert_accessible(page)


def test_a_lead_chooses_their_email_and_unsubscribes_from_a_link(page, live_server, lead):
    sign_in(page, live_server, lead.username)
    page.get_by_role("link", name="Email reminders").click()
    page.get_by_label("Before each Improvement Board meeting").check()
    page.get_by_role("button", name="Save my choices").click()
    expect(page.get_by_role("alert")).to_contain_text("Your email choices are saved")
    assert_accessible(page)

    page.context.clear_cookies()  # the link works without signing in
    page.goto(live_server.url + reverse("notifications:unsubscribe", args=[unsubscribe_token(lead)]))
    assert_accessible(page)
    page.get_by_role("button", name="Unsubscribe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are unsubscribed")
    assert_accessible(page)
