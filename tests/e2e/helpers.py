"""What browser journeys share: signing in through the real form, and the WCAG 2.2 AA check."""

from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import Page, expect

PASSWORD = "correct horse battery staple"  # what tests.factories.UserFactory gives everyone

AXE = Axe()
# target-size (WCAG 2.2) runs only when the wcag22aa tag is asked for.
WCAG_22_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}


def assert_accessible(page: Page):
    """Fail with axe's report when the page, as it is now, breaks a WCAG 2.2 A or AA rule."""
    results = AXE.run(page, options=WCAG_22_AA)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


def sign_in(page: Page, live_server, username: str, password: str = PASSWORD, lands_on: str = "dashboard"):
    """Sign in through the login form, as a person would, and wait to land on their landing page (the
    dashboard; "My actions", `lands_on="actions:action_mine"`, for someone who leads work and is not on
    the Board)."""
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(live_server.url + reverse(lands_on))
