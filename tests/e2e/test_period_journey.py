"""The Operations Group runs two reporting periods, closes them (a background task takes each snapshot: the
page says so while it works, and a failure is shown with a "Try again" button) and compares what moved;
every page and state is checked with axe."""

from datetime import date

from playwright.sync_api import expect

import reporting.tasks
from actions.models import Status
from reporting.models import PeriodCloseRequest
from reporting.snapshots import close_period
from reporting.tasks import close_requested_period
from tests.e2e.helpers import assert_accessible, sign_in
from tests.factories import ActionFactory, PeriodFactory, ProgressUpdateFactory


def test_the_operations_group_closes_two_periods_and_compares_them(
    page, live_server, operations, priority, monkeypatch
):
    action = ActionFactory(
        ref="P1.1", priority=priority, start_date=date(2025, 10, 1), due_date=date(2026, 9, 30)
    )
    ProgressUpdateFactory(action=action, date=date(2026, 1, 10), status=Status.ON_TRACK)
    ProgressUpdateFactory(
        action=action, date=date(2026, 2, 10), status=Status.OFF_TRACK, mitigation="Agency staff"
    )
    PeriodFactory(start=date(2026, 1, 1))

    sign_in(page, live_server, operations.username)
    page.get_by_role("link", name="Periods", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reporting periods")
    assert_accessible(page)

    page.get_by_role("link", name="January 2026").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("January 2026")
    assert_accessible(page)
    page.get_by_role("link", name="Close the period").click()
    assert_accessible(page)
    # In tests the task runs as soon as it is enqueued; here the worker has not started it yet.
    monkeypatch.setattr(
        "reporting.views.request_period_close",
        lambda period, by: PeriodCloseRequest.request(period, by=by),
    )
    page.get_by_role("button", name="Close the period").click()
    expect(page.get_by_role("heading", level=2, name="This period is being closed")).to_be_visible()
    expect(page.locator("#closing")).to_contain_text("can still be seen")
    page.get_by_role("link", name="Stop updating this page automatically").click()
    expect(page.get_by_role("link", name="Check again (and update automatically)")).to_be_visible()
    assert_accessible(page)
    close_requested_period.call(PeriodCloseRequest.objects.get().pk)  # what the worker does
    page.get_by_role("link", name="Check again (and update automatically)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The plan as reported: January 2026")
    expect(page.locator("#as-reported")).to_contain_text("On track")
    assert_accessible(page)
    monkeypatch.undo()

    page.get_by_role("link", name="All reporting periods").click()
    page.get_by_role("link", name="Create the next period").click()
    expect(page.get_by_label("First day")).to_have_value("1 2 2026")
    assert_accessible(page)
    page.get_by_role("button", name="Create the period").click()

    def broken(period, *, by):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(reporting.tasks, "close_period", broken)
    page.get_by_role("link", name="Close the period").click()
    page.get_by_role("button", name="Close the period").click()
    expect(page.get_by_role("heading", level=2, name="Closing the period failed")).to_be_visible()
    expect(page.locator("#closing")).to_contain_text("RuntimeError: the disk is full")
    assert_accessible(page)
    monkeypatch.setattr(reporting.tasks, "close_period", close_period)
    page.get_by_role("button", name="Try again").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The plan as reported: February 2026")

    page.get_by_role("link", name="Compare with January 2026").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Compare two periods")
    expect(page.locator("main")).to_contain_text("Actions that moved worse (1)")
    assert_accessible(page)


def test_the_operations_group_asks_for_an_evidence_pack_and_downloads_it(
    page, live_server, operations, priority
):
    action = ActionFactory(
        ref="P1.1", priority=priority, start_date=date(2025, 10, 1), due_date=date(2026, 9, 30)
    )
    ProgressUpdateFactory(action=action, date=date(2026, 1, 10), status=Status.ON_TRACK)

    sign_in(page, live_server, operations.username)
    page.goto(live_server.url + priority.get_absolute_url())
    page.get_by_role("link", name="Evidence pack for inspectors").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evidence pack for inspectors")
    assert_accessible(page)
    page.get_by_label("From").fill("1 1 2026")
    page.get_by_label("To").fill("31 12 2025")
    page.get_by_role("button", name="Make the evidence pack").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter a last day on or after the first day")
    assert_accessible(page)

    page.get_by_label("To").fill("31 1 2026")
    page.get_by_role("button", name="Make the evidence pack").click()
    expect(page.locator("#pack-status")).to_have_text("Ready")
    expect(page.get_by_role("link", name="Open the PDF")).to_be_visible()
    assert_accessible(page)
