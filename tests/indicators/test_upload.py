"""Uploading values from a CSV file: a preview of every row, nothing written until confirmed."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from indicators import uploads
from indicators.models import Measurement, Outcome, Unit
from tests.factories import IndicatorFactory, MeasurementFactory

pytestmark = pytest.mark.django_db
URL = reverse("indicators:measurement_upload")
HEADER = "indicator code,period end,value,note\n"


@pytest.fixture
def own(priority):
    """An indicator of the lead's priority, with a value for June 2025."""
    indicator = IndicatorFactory(code="P1-I1", priority=priority, unit=Unit.PERCENT)
    MeasurementFactory(indicator=indicator, period_end=date(2025, 6, 30), value=25)
    return indicator


@pytest.fixture
def others(other_priority):
    return IndicatorFactory(code="P2-I1", priority=other_priority, unit=Unit.COUNT)


def upload(client, content, name="values.csv"):
    data = content.encode("utf-8") if isinstance(content, str) else content
    return client.post(URL, {"file": SimpleUploadedFile(name, data, content_type="text/csv")})


def outcomes(response):
    return [(row.number, row.outcome, row.reason) for row in response.context["preview"].rows]


def test_a_good_file_is_previewed_and_nothing_is_written(client, lead, own):
    client.force_login(lead)
    response = upload(client, HEADER + "P1-I1,31/07/2025,26.5,From SEN2\nP1-I1,2025-08-31,27,\n")
    assert response.status_code == 200
    assert [(n, o) for n, o, _ in outcomes(response)] == [(2, Outcome.ADDED), (3, Outcome.ADDED)]
    assert Measurement.objects.count() == 1


def test_confirming_a_preview_saves_its_rows_as_recorded_by_the_uploader(client, lead, own):
    client.force_login(lead)
    preview = upload(client, HEADER + "P1-I1,31/07/2025,26.5,From SEN2\n")

    response = client.post(URL, {"payload": preview.context["payload"]})

    assert response.status_code == 302 and response["Location"] == reverse("indicators:indicator_list")
    saved = own.measurements.get(period_end=date(2025, 7, 31))
    assert (saved.value, saved.note, saved.recorded_by) == (Decimal("26.5"), "From SEN2", lead)


def test_a_row_for_a_recorded_period_is_a_change_that_keeps_the_old_value(client, lead, own):
    client.force_login(lead)
    preview = upload(client, HEADER + "P1-I1,30/06/2025,28,Re-run\n")
    assert outcomes(preview) == [(2, Outcome.CORRECTED, "Replaces 25%.")]

    client.post(URL, {"payload": preview.context["payload"]})

    [correction] = own.corrections()
    assert (correction.old_value, correction.new_value, correction.by) == ("25%", "28%", lead)


def test_a_row_that_matches_what_is_recorded_is_left_alone(client, lead, own):
    client.force_login(lead)
    assert outcomes(upload(client, HEADER + "P1-I1,30/06/2025,25,\n")) == [
        (2, Outcome.UNCHANGED, "This value is already recorded.")
    ]


def test_each_bad_row_is_rejected_with_its_reason(client, lead, own, others):
    client.force_login(lead)
    rows = [
        "P9-I9,31/07/2025,10,",
        "P2-I1,31/07/2025,10,",
        "P1-I1,31/02/2025,10,",
        "P1-I1,30/11/2099,10,",
        "P1-I1,31/07/2025,,",
        "P1-I1,31/07/2025,lots,",
        "P1-I1,31/07/2025,101,",
        "P1-I1,31/08/2025,1.2345,",
        ",31/07/2025,10,",
        "P1-I1,30/09/2025,40,",
        "P1-I1,30/09/2025,41,",
    ]
    response = upload(client, HEADER + "\n".join(rows) + "\n")
    assert outcomes(response) == [
        (2, Outcome.REJECTED, "There is no indicator with the code 'P9-I9'."),
        (
            3,
            Outcome.REJECTED,
            "You cannot record values for P2-I1: only the workstream lead of priority 2, the Operations "
            "Group and administrators can.",
        ),
        (4, Outcome.REJECTED, "Enter the period end as a date, for example 31/01/2026 or 2026-01-31."),
        (5, Outcome.REJECTED, "The period ending 30 November 2099 has not ended yet."),
        (6, Outcome.UNCHANGED, "No value given: nothing is recorded for this row."),
        (7, Outcome.REJECTED, "Enter the value as a percentage, for example 17.5."),
        (8, Outcome.REJECTED, "Enter a percentage between 0 and 100."),
        (9, Outcome.REJECTED, "Give the value with no more than 3 decimal places."),
        (10, Outcome.REJECTED, "Enter the indicator code."),
        (11, Outcome.ADDED, ""),
        (
            12,
            Outcome.REJECTED,
            "Row 11 already gives P1-I1 a value for the period ending 30 September 2025; give each period once.",
        ),
    ]


def test_a_value_of_a_googol_is_rejected_as_too_big(client, lead, own):
    """Found by tests/test_hostile_input_more.py: '1e100' raised InvalidOperation (a 500) when quantized."""
    client.force_login(lead)
    response = upload(
        client, HEADER + "P1-I1,31/07/2025,1e100,\nP1-I1,31/08/2025,-1E+30,\nP1-I1,30/09/2025,1000000000,\n"
    )
    assert response.status_code == 200
    unread = "Enter the value as a percentage, for example 17.5."
    assert outcomes(response) == [
        (2, Outcome.REJECTED, unread),
        (3, Outcome.REJECTED, unread),
        (4, Outcome.REJECTED, "Enter a value under a billion."),
    ]


def test_a_period_end_before_2000_is_rejected(client, lead, own):
    """Found by tests/test_hostile_input_more.py: a value for 0001-01-01 broke the indicator's charts."""
    client.force_login(lead)
    response = upload(client, HEADER + "P1-I1,0001-01-01,10,\n")
    assert outcomes(response) == [(2, Outcome.REJECTED, "Enter a period end on or after 1 January 2000.")]


def test_confirming_a_file_with_bad_rows_saves_only_the_good_ones(client, lead, own, others):
    client.force_login(lead)
    preview = upload(client, HEADER + "P2-I1,31/07/2025,10,\nP1-I1,31/07/2025,30,\nP1-I1,31/08/2025,x,\n")

    client.post(URL, {"payload": preview.context["payload"]})

    assert list(Measurement.objects.order_by("period_end").values_list("indicator__code", "value")) == [
        ("P1-I1", 25),
        ("P1-I1", 30),
    ]


def test_the_operations_group_may_upload_values_for_any_priority(client, operations, own, others):
    client.force_login(operations)
    response = upload(client, HEADER + "P1-I1,31/07/2025,30,\nP2-I1,31/07/2025,12,\n")
    assert [o for _, o, _ in outcomes(response)] == [Outcome.ADDED, Outcome.ADDED]


def test_values_with_thousands_separators_and_percent_signs_are_read(client, operations, own, others):
    client.force_login(operations)
    response = upload(client, HEADER + 'P2-I1,31/07/2025,"1,801",\nP1-I1,31/07/2025,17.5%,\n')
    assert [row.value for row in response.context["preview"].rows] == [Decimal("1801"), Decimal("17.5")]


def test_thousands_are_read_only_in_groups_of_three_and_a_decimal_comma_is_refused(
    client, operations, own, others
):
    """Issue 12: '9,7' for a percentage was read as 97. A comma is read only between groups of three."""
    client.force_login(operations)
    rows = ['P2-I1,31/07/2025,"9,480",', "P2-I1,31/08/2025,9480,", "P2-I1,30/09/2025,9480.0,"]
    rows += ['P1-I1,31/07/2025,"9,7",', 'P2-I1,31/10/2025,"1,25",', 'P2-I1,30/11/2025,"94,80",']
    response = upload(client, HEADER + "\n".join(rows) + "\n")
    assert [(row.outcome, row.value) for row in response.context["preview"].rows[:3]] == [
        (Outcome.ADDED, Decimal("9480"))
    ] * 3
    assert outcomes(response)[3:] == [
        (
            5,
            Outcome.REJECTED,
            "Use a point for decimals: 9.7 (a comma can only separate thousands, as in 9,480).",
        ),
        (
            6,
            Outcome.REJECTED,
            "Use a point for decimals: 1.25 (a comma can only separate thousands, as in 9,480).",
        ),
        (
            7,
            Outcome.REJECTED,
            "Use a point for decimals: 94.80 (a comma can only separate thousands, as in 9,480).",
        ),
    ]
    assert "9,7" in response.content.decode()  # the rejected row shows the value as written


def test_a_count_written_with_a_percent_sign_is_refused_not_read_as_a_count(client, operations, others):
    client.force_login(operations)
    response = upload(client, HEADER + "P2-I1,31/07/2025,12%,\n")
    assert outcomes(response) == [
        (2, Outcome.REJECTED, "Enter the value as a whole number, for example 9,480.")
    ]


def test_column_names_may_differ_in_case_spacing_and_order(client, lead, own):
    client.force_login(lead)
    response = upload(client, "Value,Period_End,Indicator Code\n30,31/07/2025,p1-i1\n")
    assert [o for _, o, _ in outcomes(response)] == [Outcome.ADDED]


def test_a_utf8_file_with_a_byte_order_mark_is_read(client, lead, own):
    client.force_login(lead)
    response = upload(client, ("\ufeff" + HEADER + "P1-I1,31/07/2025,30,Café\n").encode("utf-8"))
    assert response.context["encoding"] == "UTF-8"
    assert response.context["preview"].rows[0].note == "Café"


def test_a_windows_1252_file_is_read_and_the_preview_says_so(client, lead, own):
    client.force_login(lead)
    response = upload(client, (HEADER + "P1-I1,31/07/2025,30,Café – résumé\n").encode("cp1252"))
    assert response.context["preview"].rows[0].note == "Café – résumé"
    assert "it was read as Windows-1252" in response.content.decode()


def test_a_utf16_file_is_refused_with_how_to_save_it_and_nothing_is_written(client, lead, own):
    client.force_login(lead)
    response = upload(client, (HEADER + "P1-I1,31/07/2025,30,\n").encode("utf-16"))
    assert response.status_code == 200 and "preview" not in response.context
    assert response.context["form"].errors["file"] == [
        "The selected file is saved as UTF-16 ('Unicode Text') or is not a text file. In Excel, choose "
        "File, Save As, 'CSV UTF-8 (Comma delimited)', then upload that file"
    ]
    assert Measurement.objects.count() == 1


def test_an_excel_workbook_is_refused_with_how_to_save_it_as_csv(client, lead, own):
    client.force_login(lead)
    response = upload(client, b"PK\x03\x04 not really a workbook", name="values.xlsx")
    assert "is an Excel workbook, not a CSV file" in response.context["form"].errors["file"][0]


def test_an_empty_file_is_refused(client, lead, own):
    client.force_login(lead)
    response = upload(client, b"")
    assert response.context["form"].errors["file"] == ["The selected file is empty"]


def test_a_file_of_blank_lines_is_refused_as_empty(client, lead, own):
    client.force_login(lead)
    response = upload(client, "\n\n ,, \n")
    assert response.context["form"].errors["file"] == ["The selected file is empty"]


def test_a_file_with_column_names_but_no_values_is_refused(client, lead, own):
    client.force_login(lead)
    response = upload(client, HEADER)
    assert response.context["form"].errors["file"] == [
        "The selected file has column names but no rows of values under them"
    ]


def test_a_file_missing_a_column_says_which(client, lead, own):
    client.force_login(lead)
    response = upload(client, "indicator code,value\nP1-I1,30\n")
    assert "This file has no 'period end' column" in response.context["form"].errors["file"][0]


def test_no_file_at_all_asks_for_one(client, lead):
    client.force_login(lead)
    response = client.post(URL, {})
    assert response.context["form"].errors["file"] == ["Select a CSV file to upload"]


def test_a_file_over_the_size_limit_is_refused(client, lead, own):
    client.force_login(lead)
    response = upload(client, HEADER + "P1-I1,31/07/2025,30," + "x" * uploads.MAX_BYTES + "\n")
    assert response.context["form"].errors["file"] == ["The selected file must be smaller than 1 MB"]


def test_nothing_is_saved_when_values_changed_between_preview_and_confirm(client, lead, own):
    client.force_login(lead)
    preview = upload(client, HEADER + "P1-I1,31/07/2025,30,\n")
    MeasurementFactory(indicator=own, period_end=date(2025, 7, 31), value=31)  # someone else, meanwhile

    response = client.post(URL, {"payload": preview.context["payload"]})

    assert response.status_code == 200 and response.context["changed"]
    assert outcomes(response) == [(2, Outcome.CORRECTED, "Replaces 31%.")]
    assert own.measurements.get(period_end=date(2025, 7, 31)).value == 31


def test_a_tampered_preview_is_refused(client, lead, own):
    client.force_login(lead)
    payload = upload(client, HEADER + "P1-I1,31/07/2025,30,\n").context["payload"]

    response = client.post(URL, {"payload": payload[:-3] + "abc"})

    assert response.context["problem"] == "This preview cannot be read. Upload the file again."
    assert Measurement.objects.count() == 1


def test_someone_elses_preview_cannot_be_confirmed(client, lead, operations, own):
    client.force_login(operations)
    payload = upload(client, HEADER + "P1-I1,31/07/2025,30,\n").context["payload"]
    client.force_login(lead)

    response = client.post(URL, {"payload": payload})

    assert "made by someone else" in response.context["problem"]
    assert Measurement.objects.count() == 1


def test_an_expired_preview_is_refused(client, lead, own, monkeypatch):
    client.force_login(lead)
    payload = upload(client, HEADER + "P1-I1,31/07/2025,30,\n").context["payload"]
    monkeypatch.setattr(uploads, "PAYLOAD_MAX_AGE", -1)

    response = client.post(URL, {"payload": payload})

    assert "more than an hour old" in response.context["problem"]


def test_the_payload_is_signed_for_uploads_only(lead, own):
    payload = signing.dumps({"user": lead.pk, "rows": []}, compress=True)  # no upload salt
    with pytest.raises(uploads.UploadError):
        uploads.loads(payload, lead)


def test_confirming_says_what_was_saved_and_what_was_not(client, lead, own, others):
    client.force_login(lead)
    preview = upload(
        client, HEADER + "P1-I1,31/07/2025,30,\nP1-I1,30/06/2025,26,Fixed\nP2-I1,31/07/2025,1,\n"
    )

    response = client.post(URL, {"payload": preview.context["payload"]}, follow=True)

    assert "Saved 2 values from values.csv: 1 added, 1 corrected. 1 rejected row was not saved." in (
        response.content.decode()
    )


# --- The template -------------------------------------------------------------------------------------
TEMPLATE_URL = reverse("indicators:measurement_upload_template")


def template_rows(client):
    response = client.get(TEMPLATE_URL)
    assert response["Content-Disposition"] == 'attachment; filename="indicator-values-template.csv"'
    return response, list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_template_gives_the_next_period_of_each_indicator_the_person_may_record(
    client, lead, own, others, priority
):
    """Issue 12: the upload had no template. Others' indicators and one whose next period has not ended
    are left out."""
    IndicatorFactory(code="P1-I2", priority=priority, unit=Unit.COUNT, baseline_date=date(2025, 3, 31))
    up_to_date = IndicatorFactory(code="P1-I3", priority=priority)
    MeasurementFactory(indicator=up_to_date, period_end=timezone.localdate())
    client.force_login(lead)
    _, rows = template_rows(client)
    assert rows == [
        ["indicator code", "period end", "value", "note"],
        ["P1-I1", "2025-07-31", "", ""],
        ["P1-I2", "2025-03-31", "", ""],
    ]


def test_a_filled_in_template_uploads_cleanly(client, operations, own, others):
    client.force_login(operations)
    response, rows = template_rows(client)
    filled = io.StringIO()
    writer = csv.writer(filled)
    writer.writerow(rows[0])
    for (code, period_end, _, _), value in zip(rows[1:], ["26.5", "1,801"], strict=True):
        writer.writerow([code, period_end, value, "From the template"])
    preview = upload(client, "\ufeff" + filled.getvalue(), name="indicator-values-template.csv")
    assert [(n, o) for n, o, _ in outcomes(preview)] == [(2, Outcome.ADDED), (3, Outcome.ADDED)]

    client.post(URL, {"payload": preview.context["payload"]})

    assert list(
        Measurement.objects.filter(note="From the template").values_list("indicator__code", "value")
    ) == [
        ("P1-I1", Decimal("26.5")),
        ("P2-I1", Decimal("1801")),
    ]


def test_a_template_row_left_blank_is_left_alone(client, lead, own):
    client.force_login(lead)
    response, _ = template_rows(client)
    preview = upload(client, response.content)
    assert outcomes(preview) == [(2, Outcome.UNCHANGED, "No value given: nothing is recorded for this row.")]


def test_the_upload_page_links_to_the_template(client, lead):
    client.force_login(lead)
    assert TEMPLATE_URL in client.get(URL).content.decode()


def test_a_value_recorded_between_the_confirms_check_and_its_save_leaves_everything_unsaved(
    client, lead, own, monkeypatch
):
    """The confirm checks every row again, then saves; someone recording a value of the file in that moment
    was silently overwritten. Each row is now saved only over what it was checked against."""
    client.force_login(lead)
    preview = upload(client, HEADER + "P1-I1,31/07/2025,26.5,\nP1-I1,31/08/2025,27,\n")
    check = uploads.check_rows

    def check_then_someone_records(rows, user, today=None):
        checked = check(rows, user, today)
        if not own.measurements.filter(period_end=date(2025, 8, 31)).exists():
            MeasurementFactory(indicator=own, period_end=date(2025, 8, 31), value=30)
        return checked

    monkeypatch.setattr(uploads, "check_rows", check_then_someone_records)
    response = client.post(URL, {"payload": preview.context["payload"]})

    assert response.status_code == 200 and response.context["changed"]
    assert outcomes(response)[1] == (3, Outcome.CORRECTED, "Replaces 30%.")
    assert list(own.measurements.values_list("period_end", "value")) == [
        (date(2025, 6, 30), Decimal("25")),
        (date(2025, 8, 31), Decimal("30")),
    ]
