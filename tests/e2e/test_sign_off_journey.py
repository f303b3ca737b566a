"""A lead's update awaits sign-off; the Operations Group returns it with a reason (refused without one);
the lead sees why on My actions and posts again; another member approves it and the Board reads it."""

from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.helpers import assert_accessible, sign_in
from tests.factories import ActionFactory


def test_an_update_is_returned_with_a_reason_then_resubmitted_and_approved(
    page, live_server, lead, operations, board_member, priority
):
    action = ActionFactory(ref="P1.1", priority=priority, title="Publish the annual review plan")

    sign_in(page, live_server, lead.username, lands_on="actions:action_mine")
    page.goto(live_server.url + reverse("actions:progressupdate_add", args=[action.ref]))
    page.get_by_label("On track").check()
    page.get_by_label("Progress since the last update").fill("Draft plan shared with schools.")
    page.get_by_role("button", name="Save update").click()
    expect(page.get_by_role("alert")).to_contain_text("awaits sign-off by the Operations Group")
    expect(page.get_by_text("1 newer update awaiting sign-off")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name=f"Sign out ({lead.display_name})").click()

    sign_in(page, live_server, operations.username)
    page.get_by_role("link", name="Sign-off").click()
    expect(page.get_by_role("heading", name="Progress updates (1)")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Return with a reason").click()
    page.get_by_role("button", name="Return to the lead").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Say why it is returned")
    assert_accessible(page)
    page.get_by_label("Why is it returned?").fill("Say which schools have the draft.")
    page.get_by_role("button", name="Return to the lead").click()
    expect(page.get_by_text("Nothing is awaiting sign-off.")).to_be_visible()
    page.get_by_role("button", name=f"Sign out ({operations.display_name})").click()

    sign_in(page, live_server, lead.username, lands_on="actions:action_mine")
    banner = page.get_by_role("region", name="Returned to you")
    expect(banner).to_contain_text("Say which schools have the draft.")
    assert_accessible(page)
    banner.get_by_role("link", name="Post a new update").click()
    page.get_by_label("On track").check()
    page.get_by_label("Progress since the last update").fill("Draft plan with all 12 secondary schools.")
    page.get_by_role("button", name="Save update").click()
    page.get_by_role("button", name=f"Sign out ({lead.display_name})").click()

    sign_in(page, live_server, operations.username)
    page.goto(live_server.url + reverse("reporting:sign_off"))
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("alert")).to_contain_text("Approved")
    page.get_by_role("button", name=f"Sign out ({operations.display_name})").click()

    sign_in(page, live_server, board_member.username)
    page.goto(live_server.url + action.get_absolute_url())
    expect(page.locator(".portal-reading").first.locator(".govuk-tag").first).to_have_text("On track")
    expect(page.get_by_text("newer update awaiting sign-off")).to_have_count(0)
    assert_accessible(page)
