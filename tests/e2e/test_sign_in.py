"""Journeys through signing in and out, and the pages anyone may read without signing in."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from tests.e2e.helpers import assert_accessible, sign_in


def test_a_visitor_is_asked_to_sign_in_and_reaches_the_dashboard(page, live_server, lead):
    page.goto(live_server.url + reverse("dashboard"))

    expect(page).to_have_url(re.compile(re.escape(reverse("login")) + r"\?next=/$"))
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    assert_accessible(page)

    page.get_by_label("Username").fill(lead.username)
    page.get_by_label("Password").fill("not my password")
    page.get_by_role("button", name="Sign in").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()  # GOV.UK Frontend's error summary moves focus to itself
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary.get_by_role("link")).to_contain_text("Enter a correct username and password")
    expect(page.get_by_label("Username")).to_have_value(lead.username)
    expect(page.get_by_label("Password")).to_have_value("")
    assert_accessible(page)

    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(live_server.url + "/")
    expect(page.get_by_role("button", name=f"Sign out ({lead.display_name})")).to_be_visible()
    expect(page.get_by_role("link", name="Dashboard")).to_have_attribute("aria-current", "true")
    assert_accessible(page)


def test_the_accessibility_statement_is_open_to_everyone(page, live_server):
    page.goto(live_server.url + reverse("login"))
    assert_accessible(page)

    page.get_by_role("contentinfo").get_by_role("link", name="Accessibility statement").click()

    expect(page).to_have_url(live_server.url + reverse("accessibility"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Accessibility statement for SEND Portal")
    expect(page.get_by_text("WCAG) version 2.2 to AA standard")).to_be_visible()
    assert_accessible(page)


def test_signing_out_returns_to_the_sign_in_page(page, live_server, board_member):
    sign_in(page, live_server, board_member.username)
    assert_accessible(page)

    page.get_by_role("button", name="Sign out").click()

    expect(page).to_have_url(live_server.url + reverse("login"))
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    assert_accessible(page)

    page.goto(live_server.url + reverse("dashboard"))  # the session really has ended
    expect(page).to_have_url(re.compile(re.escape(reverse("login")) + r"\?next=/$"))
