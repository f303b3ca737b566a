"""The Board's view: a board member reads each priority's judged status on the first screen, and every page
of the navigation fits at 1280 px and reflows at 375 px; a lead writes a highlight report, errors first."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from governance.models import Escalation
from reporting.models import Ask, Assessment
from tests.e2e.helpers import assert_accessible, sign_in
from tests.factories import (
    ActionFactory,
    GroupFactory,
    HighlightReportFactory,
    IndicatorFactory,
    MeetingFactory,
    PriorityFactory,
    ProgressUpdateFactory,
)

REASONS = [
    "Governance is working, but the needs assessment refresh is late and holds up the joint commissioning plan.",
    "Timeliness of new EHC plans is below its trajectory and will not recover without more casework capacity.",
    "The adult assessment procurement is still off track and the children's waiting list keeps growing.",
    "Families report being better informed and the Local Offer refresh is on schedule.",
    "The joint transition protocol from age 14 is stuck waiting for adult services to agree it.",
]
ASKS = [
    "ICB analysts to supply the health data for the needs assessment by the end of the month.",
    "Decide whether to fund extra agency caseworkers until the redesigned process is in place.",
    "Agree who funds the adult assessment procurement and the date by which the decision is made.",
    "Board members to promote the refreshed Local Offer through their own organisations.",
    "The ICB and adult social care directors to agree the transition protocol before the next Board.",
]
ASSESSMENTS = [Assessment.SOME_CONCERNS, Assessment.SIGNIFICANT_CONCERNS, Assessment.SIGNIFICANT_CONCERNS]
ASSESSMENTS += [Assessment.ON_TRACK, Assessment.SOME_CONCERNS]
TITLES = [
    "Shared strategic governance and planning",
    "EHC plans and annual reviews",
    "Neurodivergent pathway",
]
TITLES += ["Communication with children, young people and families", "Preparing for adulthood and transition"]

NO_PAGE_OVERFLOW = "() => document.documentElement.scrollWidth <= window.innerWidth"
CLIPPED_TABLES = """() => [...document.querySelectorAll('.portal-table-wrapper')]
    .filter(w => w.scrollWidth > w.clientWidth + 1).map(w => w.getAttribute('aria-label') || w.id)"""


def a_plan_reported_to_two_boards(lead):
    today = timezone.localdate()
    board = GroupFactory(board=True)
    earlier = MeetingFactory(group=board, title="Board, last month", date=today - timedelta(days=20))
    upcoming = MeetingFactory(group=board, title="Board, this month", date=today + timedelta(days=8))
    for number in range(1, 6):
        priority = PriorityFactory(
            number=number, short_title=TITLES[number - 1], lead=lead if number == 2 else None
        )
        action = ActionFactory(
            priority=priority, ref=f"P{number}.1", title=f"A long action title for priority {number} " * 3
        )
        ProgressUpdateFactory(action=action, date=today - timedelta(days=45))
        ActionFactory(priority=priority, ref=f"P{number}.2", overdue=True)
        IndicatorFactory(priority=priority, code=f"P{number}-I1")
        HighlightReportFactory(priority=priority, meeting=earlier, assessment=Assessment.ON_TRACK)
        if number != 2:  # priority 2's lead writes theirs in this journey
            HighlightReportFactory(
                priority=priority,
                meeting=upcoming,
                assessment=ASSESSMENTS[number - 1],
                reason=REASONS[number - 1],
                ask_kind=Ask.SUPPORT,
                ask=ASKS[number - 1],
            )
    Escalation.objects.create(action=action, reason="The Board is asked to agree funding.")
    return upcoming


def test_the_board_reads_each_priority_at_a_glance_and_every_page_fits(
    page, live_server, board_member, lead, without_sign_off
):  # where reports need no sign-off (tests/reporting/test_sign_off.py covers the other case)
    upcoming = a_plan_reported_to_two_boards(lead)

    # A lead writes priority 2's report to the coming Board: errors first, each next to its field.
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, live_server, lead.username, lands_on="actions:action_mine")
    page.goto(
        live_server.url + reverse("dashboard")
    )  # a lead lands on My actions; the dashboard puts their work first
    expect(page.get_by_text("Your work")).to_be_visible()
    page.get_by_role("link", name="write its highlight report to the next Board").click()
    expect(page.get_by_text("The previous report, to Board, last month")).to_be_visible()
    page.get_by_label("Decision").check()
    page.get_by_role("button", name="Save the highlight report").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Select the overall assessment of the priority")
    expect(summary).to_contain_text("Say what you ask the Board to decide or support")
    assert_accessible(page)
    page.get_by_label("Significant concerns").check()
    page.get_by_label("The reason, in one sentence").fill(REASONS[1])
    page.get_by_label("The ask, in words").fill(ASKS[1])
    page.get_by_label("P2.2", exact=False).check()
    page.get_by_role("button", name="Save the highlight report").click()
    expect(page.get_by_role("alert")).to_contain_text("The highlight report of priority 2 is saved.")
    assert_accessible(page)
    page.get_by_role("button", name=f"Sign out ({lead.display_name})").click()

    # The board member's first screen: every priority's assessment, reason and ask without scrolling.
    sign_in(page, live_server, board_member.username)
    for number in range(1, 6):
        row = page.locator(f'tr[data-priority="{number}"]')
        for cell in (
            ".portal-glance__assessment-cell",
            ".portal-glance__reason-cell",
            ".portal-glance__ask-cell",
        ):
            expect(row.locator(cell)).to_be_in_viewport(ratio=1)
        expect(row).to_contain_text(REASONS[number - 1])
        expect(row).to_contain_text(ASKS[number - 1])
    expect(page.locator('tr[data-priority="2"]')).to_contain_text("Worse")
    expect(
        page.get_by_role("heading", name="Escalations waiting for the Board's decision (1)")
    ).to_be_visible()
    assert_accessible(page)

    # Every page of the navigation, and the pages they lead to: nothing clipped at 1280 px; at 375 px
    # the page reflows and only a labelled table region scrolls sideways.
    pages = [item.get_attribute("href") for item in page.locator("#navigation a").all()]
    pages += [reverse("actions:priority_detail", args=[2]), reverse("actions:action_detail", args=["P2.1"])]
    pages += [
        reverse("reporting:meeting_reports", args=[upcoming.pk]),
        reverse("indicators:indicator_detail", args=["P2-I1"]),
    ]
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        for path in pages:
            page.goto(live_server.url + path)
            assert page.evaluate(NO_PAGE_OVERFLOW), f"{path} overflows at {width} px"
            if width == 1280:
                assert page.evaluate(CLIPPED_TABLES) == [], f"{path} clips a table at 1280 px"
                assert_accessible(page)
