"""The evidence pack for inspectors: Lancashire's priority 2 as one tagged PDF and a ZIP of its evidence."""

import csv
import io
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from actions.models import Plan, ProgressUpdate
from reporting.models import EvidencePack, PackStatus
from reporting.tasks import retry_evidence_pack
from send_portal.models import Review

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_with_evidence():
    """The demo plan with evidence files on three of priority 2's updates and one of priority 1's, and a
    priority 2 file on an update still awaiting sign-off (so not in the pack)."""
    call_command("load_plan", stdout=io.StringIO())
    files = {}
    p2 = list(ProgressUpdate.objects.filter(action__priority__number=2).order_by("date", "pk"))
    for index, update in enumerate(p2[:3]):
        body = f"evidence {index} of {update.action.ref}".encode()
        update.evidence_name = f"Report {index}.pdf"
        update.evidence_file.save(f"report-{index}.pdf", ContentFile(body), save=False)
        update.save()
        files[update.pk] = body
    pending = p2[3]
    pending.evidence_name = "draft.pdf"
    pending.evidence_file.save("draft.pdf", ContentFile(b"not yet approved"), save=False)
    pending.review = Review.SUBMITTED
    pending.save()
    other = ProgressUpdate.objects.filter(action__priority__number=1).first()
    other.evidence_file.save("p1.pdf", ContentFile(b"priority 1"), save=True)
    return files


def test_lancashire_priority_2_evidence_pack_holds_every_file_with_an_index_and_a_tagged_pdf(
    client, operations, board_member, demo_with_evidence, django_capture_on_commit_callbacks
):
    client.force_login(operations)
    form = client.get(reverse("reporting:evidencepack_add", args=[2]))
    assert form.context["form"].initial["starts_on"] == Plan.current().approved_on
    initial = form.context["form"].initial
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reporting:evidencepack_add", args=[2]),
            {"starts_on": f"{initial['starts_on']:%d %m %Y}", "ends_on": f"{initial['ends_on']:%d %m %Y}"},
        )
    pack = EvidencePack.objects.get()
    assert response.status_code == 302 and response["Location"] == pack.get_absolute_url()
    assert pack.status == PackStatus.READY, pack.error
    assert pack.requested_by == operations and pack.requested_at is not None

    client.force_login(board_member)  # Board members download packs
    page = client.get(pack.get_absolute_url())
    assert page.status_code == 200 and "Refresh" not in page
    archive = zipfile.ZipFile(
        io.BytesIO(client.get(reverse("reporting:evidencepack_zip", args=[pack.pk])).content)
    )
    names = set(archive.namelist())
    index = list(csv.DictReader(io.StringIO(archive.read("index.csv").decode())))
    listed = {row["file in this ZIP"] for row in index if row["file in this ZIP"]}
    assert names == listed | {"index.csv"}
    assert sorted(archive.read(name) for name in listed) == sorted(demo_with_evidence.values())
    assert all(row["action"].startswith("P2.") for row in index)
    assert pack.file_count == 3

    pdf = client.get(reverse("reporting:evidencepack_pdf", args=[pack.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.content))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Evidence pack: priority 2" in text and "Report 0.pdf" in text and "draft.pdf" not in text


def test_an_evidence_pack_still_being_made_refreshes_its_page_and_offers_no_download(
    client, operations, priority
):
    pack = EvidencePack.objects.create(priority=priority, starts_on="2025-04-01", ends_on="2026-01-31")
    client.force_login(operations)
    page = client.get(pack.get_absolute_url())
    assert page["Refresh"] == "5"
    assert "Refresh" not in client.get(pack.get_absolute_url() + "?auto=off")
    assert client.get(reverse("reporting:evidencepack_zip", args=[pack.pk])).status_code == 404


def test_an_evidence_pack_range_that_ends_before_it_starts_is_refused_next_to_the_field(
    client, operations, priority
):
    client.force_login(operations)
    response = client.post(
        reverse("reporting:evidencepack_add", args=[priority.number]),
        {"starts_on": "1 2 2026", "ends_on": "1 1 2026"},
    )
    assert response.status_code == 200
    assert "Enter a last day on or after the first day" in response.content.decode()
    assert not EvidencePack.objects.exists()


@pytest.fixture
def failed_pack(priority, operations):
    return EvidencePack.objects.create(
        priority=priority,
        starts_on="2025-04-01",
        ends_on="2026-01-31",
        requested_by=operations,
        status=PackStatus.FAILED,
        error="OSError: the PDF renderer ran out of memory",
    )


def test_a_failed_evidence_pack_shows_its_reason_and_whoever_may_ask_for_packs_can_try_again(
    client, operations, failed_pack, django_capture_on_commit_callbacks
):
    client.force_login(operations)
    response = client.get(failed_pack.get_absolute_url())
    page = response.content.decode()
    assert "Refresh" not in response
    assert ">Failed</strong>" in page and "OSError: the PDF renderer ran out of memory" in page
    retry_url = reverse("reporting:evidencepack_retry", args=[failed_pack.pk])
    assert f'action="{retry_url}"' in page and ">Try again</button>" in page

    with django_capture_on_commit_callbacks(execute=True):  # the task runs once the retry is committed
        response = client.post(retry_url)

    assert response["Location"] == failed_pack.get_absolute_url()
    failed_pack.refresh_from_db()
    assert failed_pack.status == PackStatus.READY and failed_pack.error == ""
    assert bytes(failed_pack.pdf).startswith(b"%PDF")
    assert EvidencePack.objects.count() == 1  # the same pack, made again


def test_trying_a_failed_pack_again_queues_it_until_the_worker_runs(client, operations, failed_pack):
    client.force_login(operations)

    client.post(reverse("reporting:evidencepack_retry", args=[failed_pack.pk]))  # no on_commit capture

    failed_pack.refresh_from_db()
    assert failed_pack.status == PackStatus.QUEUED and failed_pack.error == ""
    assert failed_pack.finished_at is None
    assert client.get(failed_pack.get_absolute_url())["Refresh"] == "5"


def test_a_board_member_reads_why_a_pack_failed_but_is_offered_no_try_again(
    client, board_member, failed_pack
):
    client.force_login(board_member)
    page = client.get(failed_pack.get_absolute_url()).content.decode()
    assert "ran out of memory" in page and "Try again" not in page
    response = client.post(reverse("reporting:evidencepack_retry", args=[failed_pack.pk]))
    assert response.status_code == 403
    failed_pack.refresh_from_db()
    assert failed_pack.status == PackStatus.FAILED


@pytest.mark.parametrize("status", [PackStatus.QUEUED, PackStatus.GENERATING, PackStatus.READY])
def test_a_pack_that_has_not_failed_cannot_be_tried_again(
    client, operations, priority, status, django_capture_on_commit_callbacks
):
    pack = EvidencePack.objects.create(
        priority=priority, starts_on="2025-04-01", ends_on="2026-01-31", status=status, pdf=b"%PDF-1.7"
    )
    client.force_login(operations)
    assert "Try again" not in client.get(pack.get_absolute_url() + "?auto=off").content.decode()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("reporting:evidencepack_retry", args=[pack.pk]), follow=True)

    assert "Only a pack whose making failed can be tried again" in response.content.decode()
    assert callbacks == []  # nothing enqueued
    pack.refresh_from_db()
    assert pack.status == status and bytes(pack.pdf) == b"%PDF-1.7"


def test_two_presses_of_try_again_make_the_pack_once(
    operations, failed_pack, django_capture_on_commit_callbacks
):
    other_copy = EvidencePack.objects.get(pk=failed_pack.pk)  # the second person loaded it failed too
    with django_capture_on_commit_callbacks() as callbacks:
        assert retry_evidence_pack(failed_pack) is True
        assert retry_evidence_pack(other_copy) is False
    assert len(callbacks) == 1


def test_trying_again_a_pack_that_does_not_exist_answers_404(client, operations):
    client.force_login(operations)
    assert client.post(reverse("reporting:evidencepack_retry", args=[999999])).status_code == 404
    assert client.get(reverse("reporting:evidencepack_retry", args=[999999])).status_code == 405
