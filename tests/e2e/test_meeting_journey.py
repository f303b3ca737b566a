"""The Operations Group sets up a Board meeting and its action log; a board member then reads it."""

from datetime import timedelta

from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.helpers import assert_accessible, sign_in
from tests.factories import GroupFactory, MeetingActionFactory, MeetingFactory


def test_the_operations_group_sets_up_a_meeting_and_a_board_member_reads_it(
    page, live_server, operations, board_member
):
    today = timezone.localdate()
    board = GroupFactory(board=True)
    earlier = MeetingFactory(
        group=board, title="SEND Improvement Board - last month", date=today - timedelta(days=30)
    )
    MeetingActionFactory(
        meeting=earlier,
        text="Circulate the baseline data pack.",
        owner_role="Analyst",
        due_date=today - timedelta(days=2),
    )

    sign_in(page, live_server, operations.username)
    page.get_by_role("link", name="Meetings", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Meetings")
    assert_accessible(page)

    page.get_by_role("link", name="Create a meeting").click()
    page.get_by_role("button", name="Save meeting").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Select the group that meets")
    expect(summary).to_contain_text("Enter the date of the meeting")
    assert_accessible(page)

    page.get_by_label("Group").select_option(label=board.name)
    page.get_by_label("Title").fill("SEND Improvement Board - next month")
    page.get_by_label("Date", exact=True).fill((today + timedelta(days=14)).isoformat())
    page.get_by_label("Start time (optional)").fill("10:00")
    page.get_by_role("button", name="Save meeting").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("SEND Improvement Board - next month")
    matters = page.get_by_role("region", name="Matters arising (table, scrolls sideways on small screens)")
    expect(matters).to_contain_text("Circulate the baseline data pack.")
    expect(matters.locator(".govuk-tag", has_text="Overdue")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Add to the action log").click()
    page.get_by_label("Action", exact=True).fill("Bring the EP recruitment options to the Board.")
    page.get_by_label("Owner's role, when they have no account (optional)").fill("Principal EP")
    page.get_by_role("button", name="Add to the action log").click()
    expect(page.get_by_role("alert")).to_contain_text("added to the action log")

    page.get_by_role("button", name=f"Sign out ({operations.display_name})").click()
    sign_in(page, live_server, board_member.username)
    page.get_by_role("link", name="Action log").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Action log")
    table = page.get_by_role("table")
    expect(table).to_contain_text("Bring the EP recruitment options to the Board.")
    expect(table.get_by_role("link", name="Close action:")).to_have_count(0)  # board members only read
    assert_accessible(page)

    page.get_by_text("Filter action log").click()
    page.get_by_label("Overdue only").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(table.get_by_role("row")).to_have_count(2)  # the header and the one overdue item
    expect(table).to_contain_text("Circulate the baseline data pack.")
    assert_accessible(page)

    table.get_by_role("link", name="SEND Improvement Board - last month").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("SEND Improvement Board - last month")
    expect(page.get_by_role("link", name="Edit the meeting and minutes")).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name="Board pack (print)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Board pack: ")
    expect(page.get_by_role("heading", name="6. Action log")).to_be_visible()
    assert_accessible(page)
