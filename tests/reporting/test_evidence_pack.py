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
