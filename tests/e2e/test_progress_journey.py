"""A lead finds an overdue action and reports it at risk with evidence; a board member then sees it."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.helpers import assert_accessible, sign_in
from tests.factories import ActionFactory, ProgressUpdateFactory


def test_a_lead_reports_an_overdue_action_at_risk_and_the_board_sees_it(
    page, live_server, lead, board_member, priority, tmp_path, without_sign_off
):
    """Where the partnership needs no sign-off (test_sign_off_journey.py walks the one that does)."""
    today = timezone.localdate()
    late = ActionFactory(
        ref="P1.2",
        priority=priority,
        title="Recruit five educational psychologists",
        start_date=today - timedelta(days=90),
        due_date=today - timedelta(days=3),
    )
    ProgressUpdateFactory(action=late, date=today - timedelta(days=40))
    ActionFactory(ref="P1.1", priority=priority, title="Publish the annual review plan")

    # A lead with no other role lands on their own work, each action listed once.
    sign_in(page, live_server, lead.username, lands_on="actions:action_mine")
    expect(page.get_by_role("heading", name="Overdue (1)")).to_be_visible()
    expect(page.get_by_role("link", name="P1.2")).to_have_count(1)
    assert_accessible(page)

    page.get_by_role("link", name="Actions", exact=True).click()
    assert_accessible(page)
    page.get_by_text("Filter actions").click()
    page.get_by_label("Overdue only").check()
    page.get_by_role("button", name="Apply filters").click()
    table = page.get_by_role("table")
    expect(table.get_by_role("link", name="P1.2")).to_be_visible()
    expect(table.get_by_role("link", name="P1.1")).to_have_count(0)
    assert_accessible(page)

    table.get_by_role("link", name="P1.2").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(late.title)
    assert_accessible(page)
    page.get_by_role("link", name="Post an update").click()
    expect(page.get_by_role("button", name="Save update")).to_be_visible()
    assert_accessible(page)

    # At risk without saying what is being done or why it is overdue: refused, the error summary takes
    # focus, and the evidence file attached is kept.
    evidence = tmp_path / "recruitment-report.pdf"
    evidence.write_bytes(b"%PDF-1.4 recruitment report")
    page.get_by_label("At risk").check()
    page.get_by_label("Progress since the last update").fill("Two offers withdrawn; one candidate left.")
    page.get_by_label("Upload evidence (optional)").set_input_files(str(evidence))
    page.get_by_role("button", name="Save update").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Say what is being done about the action being at risk or off track")
    expect(summary).to_contain_text("Say why the action is still overdue")
    expect(page.get_by_label("Progress since the last update")).to_have_value(
        "Two offers withdrawn; one candidate left."
    )
    expect(page.get_by_text("recruitment-report.pdf is attached")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("What is being done about it").fill("Agency psychologists booked until June.")
    page.get_by_label("Why is the action still overdue?").fill("Both shortlisted candidates withdrew.")
    page.get_by_role("button", name="Save update").click()

    expect(page.get_by_role("alert")).to_contain_text("it is now At risk")
    expect(page.locator(".portal-timeline").first).to_contain_text("Agency psychologists booked until June.")
    expect(page.get_by_role("link", name="recruitment-report.pdf")).to_be_visible()
    expect(page.locator(".govuk-inset-text")).to_contain_text("Both shortlisted candidates withdrew.")
    assert_accessible(page)

    page.get_by_role("button", name=f"Sign out ({lead.display_name})").click()
    sign_in(page, live_server, board_member.username)

    latest = page.locator(".portal-updates li").first  # the latest updates, in sentences
    expect(latest).to_contain_text("P1.2")
    expect(latest.locator(".govuk-tag").first).to_have_text("At risk")
    page.get_by_text("The plan in numbers").click()  # the counts, one click down
    at_risk_cell = page.get_by_role("link", name="1 at risk in priority 1")
    expect(at_risk_cell).to_be_visible()
    assert_accessible(page)

    page.goto(live_server.url + reverse("actions:priority_detail", args=[priority.number]))
    expect(page).to_have_url(live_server.url + reverse("actions:priority_detail", args=[priority.number]))
    row = page.get_by_role("row").filter(has_text="P1.2")
    expect(row.locator(".govuk-tag").first).to_have_text("At risk")
    expect(row).to_contain_text("overdue")
    expect(page.get_by_role("link", name="Post an update")).to_have_count(0)
    assert_accessible(page)
