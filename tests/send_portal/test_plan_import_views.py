"""The import's pages: choose the file, say what each column holds, check the preview, confirm."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from actions.models import Action, Status
from send_portal.models import ImportColumn
from tests.send_portal.test_plan_import import MESSY, workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(client, content, name="plan.xlsx"):
    return client.post(reverse("plan_import:upload"), {"file": SimpleUploadedFile(name, content, XLSX)})


def mapping_data(response):
    """The mapping form's fields as submitted with their initial choices, plus the payload."""
    form = response.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data["payload"] = response.context["payload"]
    return data


def test_an_officer_imports_a_plan_through_columns_preview_and_confirm(client, operations):
    client.force_login(operations)
    chosen = upload(client, workbook(MESSY))
    assert chosen.status_code == 200
    assert b"Choose what each column holds" in chosen.content
    data = mapping_data(chosen)
    assert data["s0c6"] == "status"  # "RAG", guessed
    assert data["s0c8"] == ""  # "Team comments": kept as notes

    preview = client.post(reverse("plan_import:preview"), data)
    assert b"Check the plan before importing" in preview.content
    assert b"No reference: generated P1.1" in preview.content
    assert Action.objects.count() == 0

    done = client.post(reverse("plan_import:confirm"), data)
    assert done.status_code == 302 and done["Location"] == reverse("dashboard")
    action = Action.objects.get(ref="P1.1")
    assert action.status == Status.ON_TRACK and action.notes == "Team comments: Ask Sam"
    assert action.history.first().history_user == operations
    assert ImportColumn.objects.get(header="RAG").field == "status"


def test_a_corrected_column_is_remembered_for_the_next_import(client, operations):
    client.force_login(operations)
    content = workbook({"Sheet1": [["Theme", "What"], ["Governance", "Set up the Board"]]})
    data = mapping_data(upload(client, content))
    data.update(s0c0="priority_title", s0c1="title")
    client.post(reverse("plan_import:confirm"), data)
    assert Action.objects.get().priority.short_title == "Governance"

    again = mapping_data(upload(client, content))
    assert (again["s0c0"], again["s0c1"]) == ("priority_title", "title")


def test_a_file_with_problems_shows_them_all_and_cannot_be_confirmed(client, operations):
    client.force_login(operations)
    content = workbook({"Actions": [["Priority", "Action", "Due date"], ["EHC", "Do it", "soonish"]]})
    data = mapping_data(upload(client, content))
    preview = client.post(reverse("plan_import:preview"), data)
    assert b"1 problem to fix in the file" in preview.content
    assert b"row 2, column &#x27;Due date&#x27;" in preview.content
    assert b"Import the plan</button>" not in preview.content
    refused = client.post(reverse("plan_import:confirm"), data)
    assert refused.status_code == 200 and b"1 problem to fix" in refused.content
    assert Action.objects.count() == 0


def test_a_file_that_is_not_a_workbook_is_refused_next_to_the_field(client, operations):
    client.force_login(operations)
    response = upload(client, b"%PDF-1.7", name="plan.pdf")
    assert response.status_code == 200
    assert b"Choose an Excel workbook (.xlsx) or a CSV file" in response.content
    assert b"govuk-error-message" in response.content


def test_a_payload_changed_in_the_browser_is_refused(client, operations):
    client.force_login(operations)
    data = mapping_data(upload(client, workbook(MESSY)))
    data["payload"] = data["payload"][:-3] + "xyz"
    response = client.post(reverse("plan_import:confirm"), data)
    assert response.status_code == 302 and response["Location"] == reverse("plan_import:upload")
    assert Action.objects.count() == 0


def test_another_persons_payload_is_refused(client, operations, admin_user):
    client.force_login(operations)
    data = mapping_data(upload(client, workbook(MESSY)))
    client.force_login(admin_user)
    client.post(reverse("plan_import:confirm"), data)
    assert Action.objects.count() == 0


def test_the_export_is_a_workbook_of_the_plan(client, board_member, priority):
    Action.objects.create(ref="P1.1", priority=priority, title="Do it", due_date="2025-05-31")
    client.force_login(board_member)
    response = client.get(reverse("plan_import:export"))
    assert response["Content-Type"] == XLSX
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list(book["Actions"].iter_rows(values_only=True))
    assert rows[1][1:3] == ("P1.1", "Do it")


@pytest.mark.parametrize(("role", "sees"), [("admin_user", True), ("board_member", False)])
def test_an_empty_portal_leads_an_administrator_to_import_the_plan(request, client, role, sees):
    client.force_login(request.getfixturevalue(role))
    response = client.get(reverse("dashboard"))
    assert (b"Import your plan from its spreadsheet" in response.content) is sees
