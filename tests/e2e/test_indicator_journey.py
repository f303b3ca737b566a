"""A lead records an indicator's latest value, sees it in the chart's data table, then uploads more."""

from datetime import date

from django.urls import reverse
from playwright.sync_api import expect

from indicators.models import Unit
from tests.e2e.helpers import assert_accessible, sign_in
from tests.factories import IndicatorFactory, MeasurementFactory


def test_a_lead_records_a_value_and_sees_it_in_the_charts_data_table(
    page, live_server, lead, priority, tmp_path, without_sign_off
):  # where values need no sign-off (tests/indicators/test_sign_off.py covers the other case)
    indicator = IndicatorFactory(
        code="P1-I1",
        priority=priority,
        name="New EHC plans issued within 20 weeks",
        unit=Unit.PERCENT,
        baseline_value=17,
        baseline_date=date(2024, 12, 31),
        target_value=50,
        target_date=date(2026, 12, 31),
    )
    for month, value in ((5, 14), (6, 18)):
        MeasurementFactory(
            indicator=indicator, period_end=date(2025, month, 28), value=value, is_illustrative=True
        )

    sign_in(page, live_server, lead.username, lands_on="actions:action_mine")
    page.goto(live_server.url + reverse("dashboard"))
    assert_accessible(page)  # the dashboard, with each priority's indicators and sparklines

    page.get_by_role("link", name="Indicators", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Indicators")
    row = page.get_by_role("row").filter(has_text="P1-I1")
    expect(row.locator(".govuk-tag").first).to_have_text("Off track")
    expect(row).to_contain_text("Improving")
    assert_accessible(page)

    row.get_by_role("link", name="P1-I1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(indicator.name)
    chart = page.get_by_role("img", name="New EHC plans issued within 20 weeks: 18% for the period ending")
    expect(chart).to_be_visible()
    page.wait_for_function("image => image.complete && image.naturalWidth > 0", arg=chart.element_handle())
    expect(page.get_by_text("Some values are illustrative")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Record a value").click()
    page.get_by_label("Period end").fill("31/07/2025")
    page.get_by_label("Value", exact=True).fill("120")
    page.get_by_role("button", name="Save value").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Enter a percentage between 0 and 100")
    expect(page.get_by_label("Period end")).to_have_value("31/07/2025")
    assert_accessible(page)

    page.get_by_label("Value", exact=True).fill("26.5")
    page.get_by_label("Note (optional)").fill("From the SEND case system")
    page.get_by_role("button", name="Save value").click()

    expect(page.get_by_role("alert")).to_contain_text("26.5% is recorded for the period ending 31 July 2025")
    values = page.get_by_role("table", name="Values")
    new_row = values.get_by_role("row").filter(has_text="31 Jul 2025")
    expect(new_row).to_contain_text("26.5%")
    expect(new_row).to_contain_text("Published")
    expect(new_row).to_contain_text(lead.display_name)
    expect(
        page.get_by_role("img", name="26.5% for the period ending 31 July 2025", exact=False)
    ).to_be_visible()
    assert_accessible(page)

    csv_file = tmp_path / "values.csv"
    csv_file.write_text(
        "indicator code,period end,value,note\nP1-I1,31/08/2025,28,\nP1-I1,30/09/2025,140,\n",
        encoding="utf-8",
    )
    page.goto(live_server.url + reverse("indicators:measurement_upload"))
    page.get_by_label("CSV file").set_input_files(str(csv_file))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the values before saving")
    rows = page.get_by_role("table", name="What each row would do")
    expect(rows.get_by_role("row").filter(has_text="31 Aug 2025")).to_contain_text("Add")
    expect(rows.get_by_role("row").filter(has_text="30 Sep 2025")).to_contain_text(
        "Enter a percentage between"
    )
    assert_accessible(page)

    page.get_by_role("button", name="Save 1 value").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Saved 1 value from values.csv: 1 added, 0 corrected. 1 rejected row was not saved."
    )
    assert indicator.measurements.count() == 4
