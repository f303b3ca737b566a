"""A large import runs as a background task (django.tasks; the ImmediateBackend in tests) with its progress
shown on a page that reloads itself: the preview first (nothing written), then the confirm (one transaction)."""

import pytest
from django.urls import reverse

from actions.models import Action
from send_portal.models import ImportRunStatus, PlanImportRun
from send_portal.plan_import import views
from tests.factories import UserFactory
from tests.send_portal.test_plan_import import MESSY, workbook
from tests.send_portal.test_plan_import_views import mapping_data, upload


@pytest.fixture
def large(monkeypatch):
    monkeypatch.setattr(views, "LARGE_IMPORT_ROWS", 2)  # MESSY has more rows than this: "large"


def test_a_large_file_is_previewed_then_imported_by_the_task(
    client, operations, large, django_capture_on_commit_callbacks
):
    client.force_login(operations)
    data = mapping_data(upload(client, workbook(MESSY)))

    with django_capture_on_commit_callbacks(execute=True):
        queued = client.post(reverse("plan_import:preview"), data)
    run = PlanImportRun.objects.get(confirm=False)
    assert queued.status_code == 302 and queued["Location"] == run.get_absolute_url()
    run.refresh_from_db()
    assert run.status == ImportRunStatus.DONE and Action.objects.count() == 0  # the preview wrote nothing
    preview = client.get(run.get_absolute_url())
    assert b"Check the plan before importing" in preview.content
    assert b"No reference: generated P1.1" in preview.content

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(reverse("plan_import:confirm"), mapping_data(preview))
    imported = PlanImportRun.objects.get(confirm=True)
    assert done["Location"] == imported.get_absolute_url()
    imported.refresh_from_db()
    assert imported.status == ImportRunStatus.DONE and imported.payload == ""  # nothing of the file kept
    assert Action.objects.count() == 3
    assert Action.objects.get(ref="P1.1").history.first().history_user == operations
    assert b"The plan is imported" in client.get(imported.get_absolute_url()).content


def test_the_progress_page_reloads_itself_until_the_task_is_done(client, operations):
    run = PlanImportRun.objects.create(
        requested_by=operations, filename="big.xlsx", progress="Checking every record"
    )
    client.force_login(operations)

    page = client.get(run.get_absolute_url())

    assert page["Refresh"] == str(views.PROGRESS_REFRESH_SECONDS)
    assert (
        b"Checking every record" in page.content and b"Stop updating this page automatically" in page.content
    )
    assert "Refresh" not in client.get(run.get_absolute_url(), {"auto": "off"})


def test_a_failed_run_says_why_and_nothing_was_imported(client, operations):
    run = PlanImportRun.objects.create(
        requested_by=operations, filename="big.xlsx", payload="tampered", status=ImportRunStatus.QUEUED
    )
    from send_portal.plan_import.tasks import run_plan_import

    run_plan_import.call(run.pk)
    run.refresh_from_db()
    client.force_login(operations)
    page = client.get(run.get_absolute_url()).content.decode()
    assert run.status == ImportRunStatus.FAILED and "Nothing was imported" in page


def test_another_persons_run_is_not_found(client, operations):
    run = PlanImportRun.objects.create(requested_by=UserFactory(), filename="big.xlsx")
    client.force_login(operations)
    assert client.get(run.get_absolute_url()).status_code == 404
