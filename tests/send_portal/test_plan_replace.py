"""Importing as "replace": the file becomes a new plan version, and the version it replaces is kept read-only
(viewable on its own page, not editable, off the dashboard and My actions), recorded as the importer's change."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from actions.models import Action, Plan, Priority, Status
from indicators.models import Indicator
from send_portal.plan_import.files import read_plan_file
from send_portal.plan_import.importer import ADD, PlanImport
from tests.factories import PlanFactory, UserFactory
from tests.send_portal.test_plan_import import workbook
from tests.send_portal.test_plan_import_views import XLSX, mapping_data

pytestmark = pytest.mark.django_db

OLD = {
    "Actions": [
        ["Priority", "Ref", "Action", "Due date", "Status"],
        ["Timeliness of EHC plans", "P1.1", "Recruit two educational psychologists", "May 2025", "Green"],
        ["Timeliness of EHC plans", "P1.9", "Old commitment dropped from the new plan", "2025-12", "Amber"],
    ],
    "Indicators": [
        ["Priority", "Code", "Indicator", "Unit", "Baseline", "Baseline date", "Target", "Target date"],
        ["Timeliness of EHC plans", "P1-I1", "Old plans within 20 weeks", "%", 20, "2025-01", 60, "2026-12"],
    ],
}
NEW = {
    "Actions": [
        ["Priority", "Ref", "Action", "Due date"],
        ["Co-production", "P1.1", "Set up the parent carer panel", "2026-03"],
        ["Co-production", "P1.2", "Publish the Local Offer review", "2026"],
    ],
}


def run(sheets, user, *, replace):
    PlanImport(read_plan_file(workbook(sheets), "plan.xlsx"), filename="plan.xlsx", replace=replace).confirm(
        user
    )


@pytest.fixture
def replaced(operations):
    """The old plan imported, then replaced by the new one, both by `operations`."""
    PlanFactory(title="SEND Priority Action Plan 2024")
    run(OLD, operations, replace=False)
    Action.objects.get(ref="P1.1").record_update(
        author=operations, status=Status.AT_RISK, narrative="Slipping.", mitigation="Agency cover."
    )
    run(NEW, operations, replace=True)
    return Plan.objects.superseded().get()


def test_the_preview_of_a_replacement_adds_everything_and_says_what_is_kept(operations):
    run(OLD, operations, replace=False)
    plan_import = PlanImport(read_plan_file(workbook(NEW), "new.xlsx"), filename="new.xlsx", replace=True)

    preview = plan_import.preview()

    assert {change.outcome for change in preview.changes} == {ADD}
    assert "1 priorities, 2 actions and 1 indicators, kept read-only" in preview.replaces
    assert Action.objects.count() == 2 and Plan.objects.count() == 0  # the preview wrote nothing


def test_replacing_keeps_the_old_version_read_only_and_makes_the_new_one_current(
    without_sign_off, replaced, operations
):
    assert not replaced.is_current and replaced.superseded_at is not None
    current = Plan.current()
    assert current != replaced and current.is_current and replaced.superseded_by == current
    # The current plan's records are the new file's; the old ones are kept in their version.
    assert sorted(Action.objects.values_list("title", flat=True)) == [
        "Publish the Local Offer review",
        "Set up the parent carer panel",
    ]
    assert list(Priority.objects.values_list("short_title", flat=True)) == ["Co-production"]
    assert Indicator.objects.count() == 0
    old = replaced.archived(Action).get(ref="P1.1")
    assert (old.title, old.status, old.updates.count()) == (
        "Recruit two educational psychologists",
        Status.AT_RISK,
        2,  # the import's update and the lead's
    )
    assert replaced.archived(Indicator).get().code == "P1-I1"
    # History records who replaced it, on the plan and on each record it kept.
    assert replaced.history.first().history_user == operations
    assert (
        old.history.first().history_user == operations and old.history.first().archived_in_id == replaced.pk
    )


def test_the_old_version_is_viewable_but_not_editable(client, replaced, board_member, operations):
    client.force_login(board_member)
    page = client.get(replaced.get_absolute_url())
    assert page.status_code == 200
    text = page.content.decode()
    assert "Recruit two educational psychologists" in text and "Old plans within 20 weeks" in text
    assert "May 2025" in text and "read only" in text
    versions = client.get(reverse("plan_import:version_list")).content.decode()
    assert "SEND Priority Action Plan 2024" in versions and "Replaced" in versions

    client.force_login(operations)
    assert client.get(reverse("actions:action_detail", args=["P1.9"])).status_code == 404
    assert client.get(reverse("actions:action_edit", args=["P1.9"])).status_code == 404
    assert client.get(reverse("actions:progressupdate_add", args=["P1.9"])).status_code == 404
    assert client.get(reverse("indicators:indicator_detail", args=["P1-I1"])).status_code == 404
    old = replaced.archived(Action).get(ref="P1.9")
    with pytest.raises(Action.DoesNotExist):
        old.record_update(author=operations, status=Status.ON_TRACK, narrative="Sneaky edit.")
    # The same reference in the new plan is the new action.
    assert (
        b"Set up the parent carer panel"
        in client.get(reverse("actions:action_detail", args=["P1.1"])).content
    )


def test_the_old_versions_actions_are_off_the_dashboard_and_my_actions(client, replaced, operations):
    lead = UserFactory(username="lead.old")
    old = replaced.archived(Action).get(ref="P1.9")
    old.lead = lead
    old.save()
    client.force_login(operations)
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "Recruit two educational psychologists" not in dashboard and "Slipping." not in dashboard
    assert "Old commitment" not in client.get(reverse("actions:action_list")).content.decode()
    client.force_login(lead)
    assert "Old commitment" not in client.get(reverse("actions:action_mine")).content.decode()


def test_replacing_through_the_pages(client, operations):
    run(OLD, operations, replace=False)
    client.force_login(operations)
    from django.core.files.uploadedfile import SimpleUploadedFile

    chosen = client.post(
        reverse("plan_import:upload"),
        {"file": SimpleUploadedFile("new.xlsx", workbook(NEW), XLSX), "mode": "replace"},
    )
    data = mapping_data(chosen)
    preview = client.post(reverse("plan_import:preview"), data)
    assert b"This file replaces the plan" in preview.content
    done = client.post(reverse("plan_import:confirm"), data)
    assert done.status_code == 302
    assert Plan.objects.superseded().count() == 1
    assert Action.objects.count() == 2 and Action.all_versions.count() == 4


def test_the_command_replaces_with_replace(tmp_path, operations):
    run(OLD, operations, replace=False)
    path = tmp_path / "new.xlsx"
    path.write_bytes(workbook(NEW))
    out = io.StringIO()
    call_command("import_plan", str(path), "--replace", "--confirm", "--as", operations.username, stdout=out)
    assert "Replace: a new plan version" in out.getvalue()
    assert Plan.objects.superseded().count() == 1 and Action.objects.count() == 2
