"""The Operations Group switches an indicator to its SPC chart, finds the choice remembered, reads how to
read it, and rebases the chart after the process changed."""

from datetime import date

from playwright.sync_api import expect

from indicators.models import Indicator, Unit
from tests.e2e.helpers import assert_accessible, sign_in
from tests.factories import IndicatorFactory, MeasurementFactory

STEADY = [9, 11, 9, 11, 9, 11, 9, 11, 9, 11, 9, 11, 10]


def month_end(n):
    """The last day of the n-th month after December 2023 (n=1: 31 January 2024)."""
    year, month = 2024 + (n - 1) // 12, (n - 1) % 12 + 1
    following = date(year + month // 12, month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def wait_for_image(page, image):
    expect(image).to_be_visible()
    page.wait_for_function("image => image.complete && image.naturalWidth > 0", arg=image.element_handle())


def test_the_operations_group_reads_and_rebases_an_spc_chart(page, live_server, operations, priority):
    stepped = IndicatorFactory(
        code="P1-I1",
        priority=priority,
        name="Children seen within 18 weeks",
        unit=Unit.COUNT,
        target_value=30,
    )
    for n, value in enumerate(STEADY + [v + 10 for v in STEADY], start=1):
        MeasurementFactory(indicator=stepped, period_end=month_end(n), value=value)
    young = IndicatorFactory(code="P1-I2", priority=priority, name="Families contacted")
    for n, value in enumerate(STEADY[:4], start=1):
        MeasurementFactory(indicator=young, period_end=month_end(n), value=value)

    reading = Indicator.objects.get(code="P1-I1").spc
    sign_in(page, live_server, operations.username)
    page.get_by_text("The plan in numbers").click()  # the dashboard's counts and tables, one click down
    board_table = page.get_by_role("region", name="Where should the Board look: all indicators")
    expect(board_table.get_by_role("row").filter(has_text="P1-I1")).to_contain_text(  # the one reading
        "improving by SPC"
    )
    assert_accessible(page)

    board_table.get_by_role("link", name="P1-I1 SPC chart").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Children seen within 18 weeks")
    expect(page.get_by_role("link", name="Statistical process control (SPC)")).to_have_attribute(
        "aria-current", "true"
    )
    assert reading.sentence.startswith("Special cause improvement: ")
    wait_for_image(page, page.get_by_role("img", name=reading.sentence))
    verdicts = page.get_by_role("table", name="Values and their SPC verdicts")
    expect(verdicts.get_by_role("row").filter(has_text="31 Dec 2024")).to_contain_text(
        reading.rows[11].explanation  # before the step, the values are a run below the overall mean
    )
    assert_accessible(page)

    page.get_by_role("link", name="Against the trajectory").click()
    expect(page.get_by_role("table", name="Values", exact=True)).to_be_visible()
    page.get_by_role("link", name="Statistical process control (SPC)").click()
    # Wait for that page: it is the answer to it that remembers the choice in the session.
    expect(page.get_by_role("table", name="Values and their SPC verdicts")).to_be_visible()

    # The choice is remembered on the next indicator's page, which has too few values for limits.
    page.goto(live_server.url + young.get_absolute_url())
    expect(page.get_by_text("Too few values for process limits. There are 4 values so far")).to_be_visible()
    wait_for_image(page, page.get_by_role("img", name="Too few values to judge yet: 4 since the start"))
    assert_accessible(page)

    page.get_by_role("link", name="How to read these charts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How to read the SPC charts")
    expect(page.get_by_text("Will consistently miss the target", exact=True)).to_be_visible()
    expect(
        page.get_by_role("heading", name="Where this analysis differs from the published guidance")
    ).to_be_visible()
    assert_accessible(page)

    page.goto(live_server.url + stepped.get_absolute_url())
    page.get_by_role("link", name="Rebase the SPC chart").click()
    page.get_by_role("button", name="Rebase the chart").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter the date the process changed")
    assert_accessible(page)

    page.get_by_label("Rebase date").fill("01/02/2025")
    page.get_by_label("What changed in the process").fill("New EHC process from February 2025")
    page.get_by_role("button", name="Rebase the chart").click()

    expect(page.get_by_role("alert")).to_contain_text(
        "The SPC chart of P1-I1 starts again from 1 February 2025"
    )
    wait_for_image(page, page.get_by_role("img", name="Common cause variation"))
    verdicts = page.get_by_role("table", name="Values and their SPC verdicts")
    expect(verdicts.get_by_role("row").filter(has_text="28 Feb 2025")).to_contain_text(
        "Rebased: new mean and limits from here"
    )
    expect(page.get_by_role("region", name="Rebases of P1-I1")).to_contain_text(
        "New EHC process from February 2025"
    )
    assert_accessible(page)
