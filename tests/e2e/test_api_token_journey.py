"""Journey: a person makes an API token on their own page, sees it once, opens the API's documentation
(Swagger UI, served from our own origin under the strict CSP) and revokes the token."""

from django.urls import reverse
from playwright.sync_api import expect

from api.models import AccessToken
from tests.e2e.helpers import assert_accessible, sign_in


def test_a_person_makes_a_token_reads_the_api_docs_and_revokes_the_token(page, live_server, board_member):
    sign_in(page, live_server, board_member.username)
    page.get_by_role("link", name="Your API tokens").click()
    expect(page.get_by_role("heading", name="Your API tokens", level=1)).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Make a token").click()  # no name: an error next to the field
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_contain_text("Enter what the token is for")
    assert_accessible(page)

    page.get_by_label("What is it for?").fill("Power BI refresh")
    page.get_by_label("1 year").check()
    page.get_by_role("button", name="Make a token").click()
    expect(page.get_by_role("heading", name="Token “Power BI refresh” made")).to_be_visible()
    shown = page.get_by_label("Your new token").input_value()
    assert shown.startswith("sendp_") and len(shown) == 70
    assert_accessible(page)
    token = AccessToken.objects.get(user=board_member)
    assert shown not in {token.digest, token.token_key}  # only its digest and first characters are kept

    page.goto(live_server.url + reverse("api:docs"))
    expect(page.get_by_role("heading", name="SEND Portal API")).to_be_visible()
    expect(page.get_by_text("/api/v1/actions/{ref}/").first).to_be_visible()

    page.goto(live_server.url + reverse("api:token_list"))
    expect(page.get_by_label("Your new token")).to_have_count(0)  # shown once, never again
    page.get_by_role("button", name="Revoke “Power BI refresh”").click()
    expect(page.get_by_text("The token “Power BI refresh” is revoked.")).to_be_visible()
    expect(page.get_by_text("You have no tokens.")).to_be_visible()
    assert not AccessToken.objects.exists()
