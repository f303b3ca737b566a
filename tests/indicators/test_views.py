"""Indicator pages: the list (filters, exports), an indicator's page and CSV, and recording a value."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from indicators.models import Direction, Measurement, Outcome, Unit
from tests.factories import IndicatorFactory, MeasurementFactory

pytestmark = pytest.mark.django_db


def last_month_end():
    return timezone.localdate().replace(day=1) - timedelta(days=1)


@pytest.fixture
def off_track(priority):
    """P1-I1: 20 to 60 per cent, well behind its trajectory, with two values."""
    indicator = IndicatorFactory(code="P1-I1", priority=priority, name="Plans issued within 20 weeks")
    MeasurementFactory(indicator=indicator, period_end=date(2025, 5, 31), value=22)
    MeasurementFactory(indicator=indicator, period_end=date(2025, 6, 30), value=21, is_illustrative=True)
    return indicator


@pytest.fixture
def on_track(other_priority):
    """P2-I1: a count that fell below its trajectory last month (lower is better), so it is up to date."""
    indicator = IndicatorFactory(
        code="P2-I1",
        priority=other_priority,
        name="Overdue assessments",
        unit=Unit.COUNT,
        direction=Direction.LOWER_IS_BETTER,
        baseline_value=1800,
        target_value=0,
        baseline_date=date(2024, 12, 31),
        target_date=timezone.localdate() + timedelta(days=400),
    )
    MeasurementFactory(indicator=indicator, period_end=last_month_end(), value=100)
    return indicator


# --- The list -----------------------------------------------------------------------------------------
def test_the_list_shows_each_indicators_latest_value_status_and_travel(client, board_member, off_track):
    client.force_login(board_member)
    response = client.get(reverse("indicators:indicator_list"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Plans issued within 20 weeks" in text
    assert "21%" in text and "Off track" in text and "Worsening" in text and "down from 22%" in text


def test_the_list_filters_by_status(client, board_member, off_track, on_track):
    client.force_login(board_member)
    response = client.get(reverse("indicators:indicator_list"), {"status": "off_track"})
    assert list(response.context["table"].data) == [off_track]


def test_the_list_filters_to_indicators_with_data_overdue(client, board_member, off_track, on_track):
    client.force_login(board_member)
    response = client.get(reverse("indicators:indicator_list"), {"overdue": "on"})
    assert list(response.context["table"].data) == [off_track]


def test_the_list_filters_by_priority_number_and_search(client, board_member, off_track, on_track):
    client.force_login(board_member)
    url = reverse("indicators:indicator_list")
    assert list(client.get(url, {"priority": 2}).context["table"].data) == [on_track]
    assert list(client.get(url, {"q": "20 weeks"}).context["table"].data) == [off_track]


def test_the_list_exports_what_it_shows_as_csv(client, board_member, off_track, on_track):
    client.force_login(board_member)
    response = client.get(reverse("indicators:indicator_list"), {"status": "off_track", "_export": "csv"})
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["Code"] for row in rows] == ["P1-I1"]
    assert rows[0]["Status"] == "Off track"
    assert rows[0]["Latest value"] == "21.000" and rows[0]["Latest period end"] == "2025-06-30"
    assert rows[0]["Data"].startswith("Data overdue.")


def test_the_list_exports_as_xlsx(client, board_member, off_track):
    client.force_login(board_member)
    response = client.get(reverse("indicators:indicator_list"), {"_export": "xlsx"})
    assert response.status_code == 200
    assert response.content.startswith(b"PK")


def test_the_list_offers_the_upload_only_to_people_who_may_upload(client, board_member, lead):
    client.force_login(board_member)
    assert b"Upload values from a CSV file" not in client.get(reverse("indicators:indicator_list")).content
    client.force_login(lead)
    assert b"Upload values from a CSV file" in client.get(reverse("indicators:indicator_list")).content


def test_indicators_are_in_the_navigation(client, board_member):
    client.force_login(board_member)
    response = client.get(reverse("indicators:indicator_list"))
    assert {"label": "Indicators", "url": "/indicators/", "active": True} in response.context["nav_items"]


# --- An indicator's page ------------------------------------------------------------------------------
def test_the_indicator_page_gives_the_chart_a_text_alternative_with_the_latest_value_and_status(
    client, board_member, off_track
):
    client.force_login(board_member)
    text = client.get(off_track.get_absolute_url()).content.decode()
    assert 'src="/indicators/P1-I1/chart.svg"' in text
    assert 'alt="Plans issued within 20 weeks: 21% for the period ending 30 June 2025, off track:' in text


def test_the_indicator_page_says_which_values_are_illustrative(client, board_member, off_track):
    client.force_login(board_member)
    text = client.get(off_track.get_absolute_url()).content.decode()
    assert "Some values are illustrative" in text
    assert text.count(">Illustrative</strong>") == 1


def test_the_indicator_page_lists_corrections_with_the_old_value_who_and_when(client, lead, off_track):
    off_track.record_value(period_end=date(2025, 6, 30), value=24, note="Late returns", by=lead, correct=True)
    client.force_login(lead)
    response = client.get(off_track.get_absolute_url())
    [correction] = response.context["corrections"]
    assert (correction.old_value, correction.new_value, correction.by) == ("21%", "24%", lead)
    assert "Late returns" in response.content.decode()


def test_the_indicator_page_offers_recording_only_to_people_who_may(client, board_member, lead, off_track):
    client.force_login(board_member)
    assert b"Record a value" not in client.get(off_track.get_absolute_url()).content
    client.force_login(lead)
    assert b"Record a value" in client.get(off_track.get_absolute_url()).content


def test_the_indicator_csv_has_every_value_in_the_upload_columns(client, board_member, off_track):
    client.force_login(board_member)
    response = client.get(reverse("indicators:indicator_csv", args=["P1-I1"]))
    assert response["Content-Disposition"] == 'attachment; filename="P1-I1.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [(r["indicator code"], r["period end"], r["value"]) for r in rows] == [
        ("P1-I1", "2025-05-31", "22"),
        ("P1-I1", "2025-06-30", "21"),
    ]
    assert [r["illustrative"] for r in rows] == ["no", "yes"]


def test_the_indicator_csv_writes_values_as_numbers_the_upload_reads_back(client, operations, on_track):
    """A count of 9480 was written '9.48E+3' (Decimal.normalize); the upload now refuses that spelling."""
    MeasurementFactory(indicator=on_track, period_end=date(2025, 1, 31), value=9480)
    client.force_login(operations)
    response = client.get(reverse("indicators:indicator_csv", args=["P2-I1"]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["value"] for r in rows] == ["9480", "100"]
    upload = SimpleUploadedFile("P2-I1.csv", response.content, content_type="text/csv")
    preview = client.post(reverse("indicators:measurement_upload"), {"file": upload}).context["preview"]
    assert [row.outcome for row in preview.rows] == [Outcome.UNCHANGED, Outcome.UNCHANGED]


def test_the_indicator_csv_defuses_spreadsheet_formulas_in_notes(client, board_member, off_track):
    Measurement.objects.filter(indicator=off_track).update(note="=HYPERLINK(1)")
    client.force_login(board_member)
    response = client.get(reverse("indicators:indicator_csv", args=["P1-I1"]))
    assert "'=HYPERLINK(1)" in response.content.decode()


# --- Recording a value --------------------------------------------------------------------------------
def record(client, indicator, **data):
    return client.post(reverse("indicators:measurement_add", args=[indicator.code]), data)


def test_a_lead_records_a_value_for_their_priority(client, lead, off_track):
    client.force_login(lead)
    response = record(client, off_track, period_end="31/07/2025", value="23.5", note="From SEN2")
    assert response.status_code == 302 and response["Location"] == off_track.get_absolute_url()
    measurement = off_track.measurements.get(period_end=date(2025, 7, 31))
    assert (measurement.value, measurement.recorded_by, measurement.note) == (
        Decimal("23.5"),
        lead,
        "From SEN2",
    )


def test_a_percentage_over_100_is_refused_with_a_clear_message(client, lead, off_track):
    client.force_login(lead)
    response = record(client, off_track, period_end="31/07/2025", value="120")
    assert response.status_code == 200
    assert response.context["form"].errors["value"] == ["Enter a percentage between 0 and 100"]
    assert not off_track.measurements.filter(period_end=date(2025, 7, 31)).exists()


def test_a_count_must_be_a_whole_number(client, operations, on_track):
    client.force_login(operations)
    response = record(client, on_track, period_end="31/01/2025", value="2.5")
    assert response.context["form"].errors["value"] == ["A count must be a whole number"]


def test_an_empty_form_says_what_to_enter(client, lead, off_track):
    client.force_login(lead)
    errors = record(client, off_track).context["form"].errors
    assert errors["period_end"] == ["Enter the last day of the period the value describes"]
    assert errors["value"] == ["Enter the value"]


def test_a_value_for_a_period_already_recorded_needs_the_correction_box(client, lead, off_track):
    client.force_login(lead)
    response = record(client, off_track, period_end="30/06/2025", value="25")
    assert response.context["form"].errors["correct"] == [
        "The period ending 30 June 2025 already has a value of 21%. To replace it, select this box and "
        "say why in the note"
    ]
    assert off_track.measurements.get(period_end=date(2025, 6, 30)).value == 21


def test_a_correction_needs_a_reason_in_the_note(client, lead, off_track):
    client.force_login(lead)
    response = record(client, off_track, period_end="30/06/2025", value="25", correct="on", version=1)
    assert response.context["form"].errors["note"] == ["Say why the value is being corrected"]


def test_a_correction_replaces_the_value_and_keeps_the_old_one_in_the_history(client, lead, off_track):
    client.force_login(lead)
    response = record(
        client, off_track, period_end="30/06/2025", value="25", correct="on", note="Re-run", version=1
    )
    assert response.status_code == 302
    measurement = off_track.measurements.get(period_end=date(2025, 6, 30))
    old, new = measurement.history.order_by("history_date")[:2]
    assert (old.value, new.value, new.history_user) == (21, 25, lead)


def test_the_correct_link_opens_the_form_with_the_recorded_value(client, lead, off_track):
    client.force_login(lead)
    response = client.get(reverse("indicators:measurement_add", args=["P1-I1"]), {"period_end": "2025-06-30"})
    form = response.context["form"]
    assert (form.initial["value"], form.initial["correct"], form.initial["version"]) == ("21", True, 1)


def test_the_correct_link_shows_a_count_as_the_indicator_page_does_and_it_saves_back(
    client, operations, on_track
):
    MeasurementFactory(indicator=on_track, period_end=date(2025, 1, 31), value=9480)
    client.force_login(operations)
    url = reverse("indicators:measurement_add", args=["P2-I1"])
    form = client.get(url, {"period_end": "2025-01-31"}).context["form"]
    assert form.initial["value"] == "9,480"
    response = client.post(
        url, {**form.initial, "period_end": "31/01/2025", "note": "Same figure, new source"}
    )
    assert response.status_code == 302
    assert on_track.measurements.get(period_end=date(2025, 1, 31)).note == "Same figure, new source"


def correct(client, indicator, period_end, **data):
    """Open the Correct link of a period's value and post the form with `data` typed into it."""
    url = reverse("indicators:measurement_add", args=[indicator.code])
    form = client.get(url, {"period_end": period_end.isoformat()}).context["form"]
    return lambda: client.post(url, {**form.initial, "period_end": f"{period_end:%d/%m/%Y}", **data})


def test_a_correction_made_after_someone_elses_is_refused_with_what_they_changed(
    client, lead, operations, off_track
):
    """Issue 12: two people correcting the same value were both told it was saved; the second silently
    replaced the first."""
    june = date(2025, 6, 30)
    client.force_login(lead)
    mine = correct(client, off_track, june, value="23", note="My re-run")
    other = Client()
    other.force_login(operations)
    assert correct(other, off_track, june, value="24.5", note="Their re-run")().status_code == 302

    response = mine()

    assert response.status_code == 200
    assert off_track.measurements.get(period_end=june).value == Decimal("24.5")  # the first correction stands
    conflict = response.context["conflict"]
    assert conflict["who"] == [operations.display_name]
    assert ("Value", "21%", "24.5%") in conflict["fields"] and ("Note", "", "Their re-run") in conflict[
        "fields"
    ]
    text = response.content.decode()
    assert (
        "Your changes have not been saved" in text and "changed this value after you opened this page" in text
    )
    form = response.context["form"]  # what was typed is kept, ready to save over their correction
    assert (form["value"].value(), form["note"].value(), form["version"].value()) == ("23", "My re-run", 2)
    assert client.post(response.request["PATH_INFO"], form.data).status_code == 302
    assert off_track.measurements.get(period_end=june).value == 23


def test_ticking_correct_for_a_value_the_page_did_not_show_asks_to_check_it_first(client, lead, off_track):
    client.force_login(lead)
    response = record(client, off_track, period_end="30/06/2025", value="25", correct="on", note="Re-run")
    assert response.context["form"].errors["correct"] == [
        "The period ending 30 June 2025 already has a value of 21%. Check it is the value you mean to "
        "replace, then save again"
    ]
    assert off_track.measurements.get(period_end=date(2025, 6, 30)).value == 21
    again = client.post(response.request["PATH_INFO"], response.context["form"].data)
    assert again.status_code == 302 and off_track.measurements.get(period_end=date(2025, 6, 30)).value == 25


def test_the_form_offers_the_period_after_the_latest_value(client, lead, off_track):
    """Issue 12: the period end was left blank although the frequency says which period is next."""
    client.force_login(lead)
    response = client.get(reverse("indicators:measurement_add", args=["P1-I1"]))
    assert response.context["form"].initial == {"period_end": date(2025, 7, 31)}
    assert 'value="31/07/2025"' in response.content.decode()


def test_the_form_offers_no_period_while_the_next_one_has_not_ended(client, operations, on_track):
    client.force_login(operations)
    response = client.get(reverse("indicators:measurement_add", args=["P2-I1"]))
    assert response.context["form"].initial == {}


def test_a_period_end_in_year_one_is_refused_and_the_charts_still_draw(client, lead, off_track):
    """Found by tests/test_hostile_input_more.py: a value saved for 0001-01-01 made the trajectory chart
    raise ValueError (a 500): matplotlib's date axis cannot reach before year 1."""
    client.force_login(lead)
    response = record(client, off_track, period_end="0001-01-01", value="20")
    assert response.status_code == 200
    assert response.context["form"].errors["period_end"] == ["Enter a period end on or after 1 January 2000"]
    assert client.get(reverse("indicators:indicator_chart", args=["P1-I1"])).status_code == 200


def test_a_correct_link_with_an_impossible_date_opens_an_empty_form(client, lead, off_track):
    """Found by tests/test_hostile_input_more.py: ?period_end=2025-02-30 raised ValueError (a 500)."""
    client.force_login(lead)
    response = client.get(reverse("indicators:measurement_add", args=["P1-I1"]), {"period_end": "2025-02-30"})
    assert response.status_code == 200
    assert "value" not in response.context["form"].initial
