import csv
import io
import os
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, ProgressUpdate, Status
from tests.factories import ActionFactory, PriorityFactory, ProgressUpdateFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def action(priority):
    return ActionFactory(ref="P1.1", priority=priority, title="Recruit educational psychologists")


def post_update(client, action, **data):
    payload = {"version": action.version, "status": Status.ON_TRACK, "narrative": "Two posts filled."} | data
    return client.post(reverse("actions:progressupdate_add", args=[action.ref]), payload)


@pytest.mark.usefixtures("without_sign_off")  # approved as made; sign-off: test_sign_off.py
def test_a_lead_posts_an_update_and_it_becomes_the_actions_status(client, lead, action):
    client.force_login(lead)

    response = post_update(client, action, status=Status.AT_RISK, mitigation="Agency cover booked.")

    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == Status.AT_RISK
    update = action.updates.get()
    assert (update.author, update.mitigation) == (lead, "Agency cover booked.")


def test_an_update_without_a_narrative_is_refused_with_the_error_next_to_the_field(client, lead, action):
    client.force_login(lead)

    response = post_update(client, action, narrative="")

    assert response.status_code == 200
    assert "Describe the progress made since the last update" in response.content.decode()
    assert b"govuk-error-summary" in response.content
    assert not ProgressUpdate.objects.exists()


@pytest.mark.parametrize("status", [Status.AT_RISK, Status.OFF_TRACK])
def test_an_action_at_risk_or_off_track_needs_to_say_what_is_being_done(client, lead, action, status):
    client.force_login(lead)

    response = post_update(client, action, status=status, mitigation="  ")

    assert "Say what is being done about the action being at risk or off track" in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_marking_an_action_complete_needs_evidence(client, lead, action):
    client.force_login(lead)

    response = post_update(client, action, status=Status.COMPLETE)

    assert "Add a link to evidence or upload a file" in response.content.decode()
    assert not ProgressUpdate.objects.exists()


@pytest.mark.usefixtures("without_sign_off")  # approved as made; sign-off: test_sign_off.py
def test_marking_an_action_complete_with_a_link_completes_it_today(client, lead, action):
    client.force_login(lead)

    post_update(client, action, status=Status.COMPLETE, evidence_link="https://example.org/minutes.pdf")

    action.refresh_from_db()
    assert action.status == Status.COMPLETE
    assert action.completed_on == timezone.localdate()


@pytest.mark.usefixtures("without_sign_off")  # approved as made; sign-off: test_sign_off.py
def test_a_second_person_saving_an_older_form_is_refused_and_shown_what_changed(
    client, lead, operations, action
):
    loaded_version = action.version
    action.record_update(
        author=operations, status=Status.OFF_TRACK, narrative="Provider withdrew.", mitigation="Re-procuring."
    )
    client.force_login(lead)

    response = post_update(client, action, version=loaded_version, narrative="My news, typed earlier.")

    content = response.content.decode()
    assert response.status_code == 200
    assert "Your changes have not been saved" in content
    assert "Off track" in content  # what the other person changed the status to
    assert "My news, typed earlier." in content  # nothing the person typed is lost
    action.refresh_from_db()
    assert action.updates.count() == 1
    assert action.status == Status.OFF_TRACK


def test_after_a_refused_save_saving_again_succeeds(client, lead, operations, action):
    loaded_version = action.version
    action.record_update(author=operations, status=Status.ON_TRACK, narrative="First.")
    client.force_login(lead)
    post_update(client, action, version=loaded_version)
    action.refresh_from_db()

    response = post_update(client, action, version=action.version)

    assert response.status_code == 302
    assert action.updates.count() == 2


def test_evidence_is_stored_under_a_generated_name_and_downloaded_with_its_own(client, lead, action):
    client.force_login(lead)
    upload = SimpleUploadedFile(
        "Board report <final>.pdf", b"%PDF-1.7 evidence", content_type="application/pdf"
    )

    post_update(client, action, evidence_file=upload)

    update = action.updates.get()
    assert "Board report" not in update.evidence_file.name
    assert update.evidence_file.name.endswith(".pdf")
    response = client.get(reverse("actions:evidence_download", args=[action.ref, update.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7 evidence"
    assert "attachment" in response["Content-Disposition"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("script.exe", b"MZ\x90\x00", "must be a PDF, an Office or OpenDocument file"),
        ("fake.pdf", b"<html>not a pdf</html>", "is not a real .pdf file"),
        ("photo.png", b"GIF89a....", "is not a real .png file"),
        ("noextension", b"%PDF-1.4", "must be a PDF"),
    ],
)
def test_evidence_files_of_other_types_are_refused(client, lead, action, name, content, message):
    client.force_login(lead)

    response = post_update(client, action, evidence_file=SimpleUploadedFile(name, content))

    assert message in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_evidence_larger_than_the_limit_is_refused(client, lead, action, settings):
    settings.EVIDENCE_MAX_BYTES = 1000
    client.force_login(lead)

    response = post_update(client, action, evidence_file=SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * 2000))

    assert "must be smaller than" in response.content.decode()
    assert not ProgressUpdate.objects.exists()


def test_the_operations_group_revises_a_due_date_with_a_reason(client, operations, action):
    client.force_login(operations)
    new_date = action.due_date + timedelta(days=60)

    response = client.post(
        reverse("actions:action_edit", args=[action.ref]),
        {
            "version": action.version,
            "title": action.title,
            "lead_organisation": "council",
            "revised_due_date": new_date.isoformat(),
            "revision_reason": "Recruitment market.",
            "start_date": action.start_date.isoformat(),
        },
    )

    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.revised_due_date, action.due_date) == (new_date, action.due_date)
    assert action.history.first().history_user == operations


def test_revising_a_due_date_without_a_reason_is_refused(client, operations, action):
    client.force_login(operations)

    response = client.post(
        reverse("actions:action_edit", args=[action.ref]),
        {
            "version": action.version,
            "title": action.title,
            "lead_organisation": "council",
            "revised_due_date": (action.due_date + timedelta(days=5)).isoformat(),
        },
    )

    assert "Give the reason the due date was revised" in response.content.decode()
    action.refresh_from_db()
    assert action.revised_due_date is None


def test_an_impossible_date_gets_a_message_not_a_server_error(client, operations, action):
    client.force_login(operations)

    response = client.post(
        reverse("actions:action_edit", args=[action.ref]),
        {
            "version": action.version,
            "title": action.title,
            "lead_organisation": "council",
            "revised_due_date": "2026-02-31",
            "revision_reason": "x",
        },
    )

    assert response.status_code == 200
    assert "Enter the revised due date as a real date" in response.content.decode()


def test_editing_an_action_someone_else_changed_is_refused(client, operations, action):
    loaded = action.version
    action.save_details({"title": "Renamed by a colleague"}, expected_version=loaded)
    client.force_login(operations)

    response = client.post(
        reverse("actions:action_edit", args=[action.ref]),
        {"version": loaded, "title": "My title", "lead_organisation": "council"},
    )

    content = response.content.decode()
    assert "Your changes have not been saved" in content
    assert "Renamed by a colleague" in content
    action.refresh_from_db()
    assert action.title == "Renamed by a colleague"


def test_the_actions_list_filters_overdue_actions(client, board_member, priority):
    late = ActionFactory(priority=priority, overdue=True, title="Late one")
    ActionFactory(priority=priority, title="On time one")
    client.force_login(board_member)

    response = client.get(reverse("actions:action_list"), {"overdue": "on"})

    assert [row.record for row in response.context["table"].rows] == [late]


def test_the_actions_list_filters_by_days_without_an_update(client, board_member, priority):
    today = timezone.localdate()
    quiet = ActionFactory(priority=priority, start_date=today - timedelta(days=90))
    ProgressUpdateFactory(action=quiet, date=today - timedelta(days=45))
    busy = ActionFactory(priority=priority, start_date=today - timedelta(days=90))
    ProgressUpdateFactory(action=busy, date=today - timedelta(days=5))
    client.force_login(board_member)

    response = client.get(reverse("actions:action_list"), {"not_updated_for": "30"})

    assert [row.record for row in response.context["table"].rows] == [quiet]


def test_bad_filter_input_shows_an_error_instead_of_an_empty_table(client, board_member):
    client.force_login(board_member)

    response = client.get(reverse("actions:action_list"), {"not_updated_for": "soon", "priority": "banana"})

    content = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem with the filters" in content
    assert "Correct the filters to see results" in content


def test_the_csv_export_holds_exactly_the_filtered_rows_with_formulas_escaped(client, board_member, priority):
    ActionFactory(priority=priority, ref="P1.1", title='=HYPERLINK("http://evil")', overdue=True)
    ActionFactory(priority=priority, ref="P1.2", title="Not overdue")
    ActionFactory.create_batch(30, priority=priority, overdue=True)  # more than one page
    client.force_login(board_member)

    response = client.get(reverse("actions:action_list"), {"overdue": "on", "_export": "csv"})

    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 31
    assert rows[0]["Title"] == '\'=HYPERLINK("http://evil")'
    assert all("Overdue" in row["Flags"] for row in rows)
    assert {row["Status"] for row in rows} == {"Not started"}


def test_the_xlsx_export_downloads_as_a_spreadsheet(client, board_member, priority):
    ActionFactory(priority=priority)
    client.force_login(board_member)

    response = client.get(reverse("actions:action_list"), {"_export": "xlsx"})

    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert response.content[:2] == b"PK"


def test_my_actions_lists_the_leads_priority_and_own_actions_but_not_others(client, lead, priority):
    own_priority = ActionFactory(priority=priority, title="In my priority")
    led_elsewhere = ActionFactory(priority=PriorityFactory(number=7), lead=lead, title="I lead this one")
    ActionFactory(priority=PriorityFactory(number=8), title="Someone else's")
    client.force_login(lead)

    response = client.get(reverse("actions:action_mine"))

    content = response.content.decode()
    assert own_priority.title in content and led_elsewhere.title in content
    assert "Someone else&#x27;s" not in content and "Someone else's" not in content


def test_the_action_page_shows_original_and_revised_dates_with_the_reason(client, board_member, priority):
    action = ActionFactory(
        priority=priority,
        revised_due_date=timezone.localdate() + timedelta(days=90),
        revision_reason="Waiting for the data-sharing agreement.",
    )
    client.force_login(board_member)

    content = client.get(action.get_absolute_url()).content.decode()

    assert "Original due date" in content and "Revised due date" in content
    assert "Waiting for the data-sharing agreement." in content
    assert "Post an update" not in content  # a board member reads, never changes


def test_the_action_page_escapes_what_people_typed(client, board_member, priority):
    action = ActionFactory(priority=priority)
    ProgressUpdateFactory(action=action, narrative="<script>alert(1)</script>")
    client.force_login(board_member)

    content = client.get(action.get_absolute_url()).content.decode()

    assert "<script>alert(1)</script>" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def test_the_dashboard_counts_link_to_the_same_actions_the_list_shows(client, board_member, priority):
    ActionFactory.create_batch(3, priority=priority, overdue=True)
    ActionFactory.create_batch(2, priority=priority)
    client.force_login(board_member)

    dashboard = client.get(reverse("dashboard"))
    listed = client.get(reverse("actions:action_list"), {"priority": priority.number, "overdue": "on"})

    row = next(p for p in dashboard.context["priorities"] if p.pk == priority.pk)
    assert row.overdue == 3 == listed.context["table"].paginator.count
    assert f"?priority={priority.number}&amp;overdue=on" in dashboard.content.decode()


def test_signing_in_never_redirects_off_site(client, db):
    UserFactory(username="alex")

    response = client.post(
        reverse("login") + "?next=https://evil.example.com/",
        {"username": "alex", "password": "correct horse battery staple", "next": "https://evil.example.com/"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")


def test_a_signed_in_person_without_a_role_reads_but_cannot_update(client, action):
    person = UserFactory()
    client.force_login(person)

    assert client.get(action.get_absolute_url()).status_code == 200
    assert client.get(reverse("actions:progressupdate_add", args=[action.ref])).status_code == 403
    assert Action.objects.updatable_by(person).count() == 0


def test_the_history_page_shows_who_revised_a_due_date_and_the_old_and_new_values(
    client, operations, board_member, action
):
    revised = action.due_date + timedelta(days=45)
    client.force_login(operations)
    client.post(
        reverse("actions:action_edit", args=[action.ref]),
        {
            "version": action.version,
            "title": action.title,
            "lead_organisation": "council",
            "revised_due_date": revised.isoformat(),
            "revision_reason": "Supplier delay.",
        },
    )
    client.force_login(board_member)

    content = client.get(reverse("actions:action_history", args=[action.ref])).content.decode()

    assert f"Changed by {operations.display_name}" in content
    assert "Revised due date" in content and revised.strftime("%-d %B %Y") in content
    assert "Supplier delay." in content


@pytest.mark.usefixtures("without_sign_off")  # approved as made; sign-off: test_sign_off.py
def test_the_history_page_records_status_changes_from_progress_updates(client, lead, action):
    action.record_update(author=lead, status=Status.AT_RISK, narrative="Slipping.", mitigation="Extra staff.")
    client.force_login(lead)

    content = client.get(reverse("actions:action_history", args=[action.ref])).content.decode()

    assert "Not started" in content and "At risk" in content


def test_the_priority_page_shows_its_actions_25_to_a_page(client, board_member, priority):
    ActionFactory.create_batch(26, priority=priority)
    client.force_login(board_member)
    url = reverse("actions:priority_detail", args=[priority.number])

    first, second = client.get(url), client.get(url + "?page=2")

    assert len(first.context["table"].page.object_list) == 25
    assert "Showing 1 to 25 of 26." in first.content.decode()
    assert len(second.context["table"].page.object_list) == 1


def test_a_sort_key_naming_no_column_is_ignored(client, board_member, action):
    client.force_login(board_member)

    response = client.get(reverse("actions:action_list") + "?sort=.")  # found by the hostile-input test

    assert response.status_code == 200


def test_a_search_longer_than_200_characters_shows_the_filter_error(client, board_member, action):
    client.force_login(board_member)

    response = client.get(reverse("actions:action_list"), {"q": "x" * 201})  # SQLite refused a huge one

    assert response.status_code == 200
    assert "Enter 200 characters or fewer to search" in response.content.decode()


@pytest.mark.usefixtures("without_sign_off")  # approved as made; sign-off: test_sign_off.py
def test_my_actions_lists_each_action_once_in_the_part_that_fits(client, lead, priority):
    today = timezone.localdate()
    for ref, due, status in [
        ("P1.1", today - timedelta(days=5), Status.ON_TRACK),
        ("P1.2", today + timedelta(days=10), Status.ON_TRACK),
        ("P1.3", today + timedelta(days=200), Status.NOT_STARTED),
        ("P1.4", today - timedelta(days=50), Status.COMPLETE),
    ]:
        action = ActionFactory(
            ref=ref, priority=priority, due_date=due, start_date=today - timedelta(days=90)
        )
        if status != Status.NOT_STARTED:
            action.record_update(
                author=lead, status=status, narrative="Done.", evidence_link="https://x.test/"
            )
    client.force_login(lead)

    response = client.get(reverse("actions:action_mine"))

    parts = {slug: [a.ref for a in table.data] for slug, _, table in response.context["tables"]}
    assert parts == {"overdue": ["P1.1"], "due-soon": ["P1.2"], "due-later": ["P1.3"], "complete": ["P1.4"]}
    assert "All my actions" not in response.content.decode()
    assert "1 of them has had no update in the last 30 days" in response.content.decode()


# --- Posting an update: the evidence file survives a refused post, the last update, overdue actions -------
def test_an_evidence_file_attached_to_a_refused_update_is_kept_and_saved_with_the_corrected_one(
    client, lead, action
):
    client.force_login(lead)
    upload = SimpleUploadedFile("recruitment-report.pdf", b"%PDF-1.7 report", content_type="application/pdf")

    refused = post_update(client, action, status=Status.AT_RISK, evidence_file=upload)  # no mitigation
    kept = refused.context["form"]["kept_evidence"].value()
    response = post_update(
        client, action, status=Status.AT_RISK, mitigation="Agency cover booked.", kept_evidence=kept
    )

    assert "recruitment-report.pdf is attached" in refused.content.decode()
    assert response.status_code == 302
    update = action.updates.get()
    assert update.evidence_name == "recruitment-report.pdf"
    assert update.evidence_file.read() == b"%PDF-1.7 report"
    assert default_storage.listdir("evidence/kept")[1] == []  # the kept copy is gone once saved


def test_a_kept_evidence_reference_from_another_person_is_ignored(client, lead, operations, action):
    client.force_login(lead)
    upload = SimpleUploadedFile("report.pdf", b"%PDF-1.7 report", content_type="application/pdf")
    kept = post_update(client, action, narrative="", evidence_file=upload).context["form"]["kept_evidence"]
    client.force_login(operations)

    post_update(client, action, kept_evidence=kept.value())

    assert not action.updates.get().evidence_file


def test_the_update_form_shows_the_previous_update(client, lead, action):
    action.record_update(
        author=lead, status=Status.AT_RISK, narrative="Two offers withdrawn.", mitigation="Agency."
    )
    client.force_login(lead)

    content = client.get(reverse("actions:progressupdate_add", args=[action.ref])).content.decode()

    assert "The last update" in content and "Two offers withdrawn." in content


@pytest.fixture
def overdue_action(priority):
    today = timezone.localdate()
    return ActionFactory(
        ref="P1.5",
        priority=priority,
        start_date=today - timedelta(days=90),
        due_date=today - timedelta(days=3),
    )


def test_a_lead_cannot_declare_an_overdue_action_on_track_without_saying_why_it_is_overdue(
    client, lead, overdue_action
):
    client.force_login(lead)

    refused = post_update(client, overdue_action, status=Status.ON_TRACK)
    saved = post_update(client, overdue_action, overdue_reason="Waiting for the panel to sign it off.")

    assert "Say why the action is still overdue" in refused.content.decode()
    assert "New due date" not in refused.content.decode()  # a lead does not revise dates
    assert saved.status_code == 302
    assert overdue_action.updates.get().overdue_reason == "Waiting for the panel to sign it off."
    page = client.get(overdue_action.get_absolute_url()).content.decode()
    assert "Why it is still overdue" in page and "Waiting for the panel to sign it off." in page


def test_an_update_on_an_action_that_is_not_overdue_asks_no_reason(client, lead, action):
    client.force_login(lead)

    content = client.get(reverse("actions:progressupdate_add", args=[action.ref])).content.decode()

    assert "Why is the action still overdue?" not in content
    assert post_update(client, action).status_code == 302


def test_the_operations_group_revises_an_overdue_actions_date_in_the_update_form(
    client, operations, overdue_action
):
    client.force_login(operations)
    new_date = timezone.localdate() + timedelta(days=60)

    no_reason = post_update(client, overdue_action, revised_due_date=new_date.isoformat())
    saved = post_update(
        client, overdue_action, revised_due_date=new_date.isoformat(), revision_reason="Panel moved to March."
    )

    assert "Give the reason the due date was revised" in no_reason.content.decode()
    assert saved.status_code == 302
    overdue_action.refresh_from_db()
    assert (overdue_action.revised_due_date, overdue_action.revision_reason) == (
        new_date,
        "Panel moved to March.",
    )
    assert not overdue_action.is_overdue()
    assert overdue_action.updates.get().overdue_reason == ""


def test_the_name_of_a_kept_evidence_file_is_escaped(client, lead, action):
    client.force_login(lead)
    upload = SimpleUploadedFile("<em>report.pdf", b"%PDF-1.7 report", content_type="application/pdf")

    content = post_update(client, action, narrative="", evidence_file=upload).content.decode()

    assert "&lt;em&gt;report.pdf is attached" in content
    assert "<em>report" not in content


def test_keeping_a_file_deletes_kept_files_older_than_a_day(client, lead, action):
    client.force_login(lead)
    stale = default_storage.save("evidence/kept/left-behind.pdf", ContentFile(b"%PDF old"))
    os.utime(default_storage.path(stale), (0, 0))
    upload = SimpleUploadedFile("report.pdf", b"%PDF-1.7 report", content_type="application/pdf")

    post_update(client, action, narrative="", evidence_file=upload)

    assert not default_storage.exists(stale)
    assert len(default_storage.listdir("evidence/kept")[1]) == 1
