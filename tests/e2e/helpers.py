"""What browser journeys share: signing in through the real form, and the WCAG 2.2 AA check."""

from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import Error, Page, expect

PASSWORD = "correct horse battery staple"  # what tests.factories.UserFactory gives everyone

AXE = Axe()
# target-size (WCAG 2.2) runs only when the wcag22aa tag is asked for.
WCAG_22_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}


# What the browser says when axe was started on a document that a click had just begun to replace.
_NAVIGATING = ("reading 'documentElement'", "Execution context was destroyed")


def assert_accessible(page: Page):
    """Fail with axe's report when the page, as it is now, breaks a WCAG 2.2 A or AA rule.

    A click that follows a link returns before the next page has loaded; axe then starts on the
    document being replaced. The check waits for the new page and runs again on it, so it always
    reports on a whole page."""
    for attempt in range(3):
        page.wait_for_load_state("load")
        try:
            results = AXE.run(page, options=WCAG_22_AA)
            break
        except Error as error:
            if attempt == 2 or not any(words in str(error) for words in _NAVIGATING):
                raise
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
