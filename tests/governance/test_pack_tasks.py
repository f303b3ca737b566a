"""Generating a board pack in a background task: the request answers at once with a progress page."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

import governance.tasks
from governance.models import BoardPack, BoardPackRequest, PackRequestStatus
from governance.tasks import generate_requested_pack
from tests.factories import GroupFactory, MeetingFactory


@pytest.fixture(autouse=True)
def quick_pdf(monkeypatch):
    """These tests are about the task around the pack, not its PDF (tests/governance/test_services.py
    reads real ones): skip the second or two WeasyPrint takes."""
    monkeypatch.setattr("governance.services.render_pdf", lambda html, base_url: b"%PDF-1.7 test")


@pytest.fixture
def meeting(db):
    return MeetingFactory(group=GroupFactory(board=True), title="Board, May")


def generate(client, meeting):
    return client.post(reverse("governance:boardpack_generate", args=[meeting.pk]))


def test_generate_answers_at_once_with_a_progress_page_that_refreshes_until_ready(
    client, operations, meeting
):
    client.force_login(operations)

    response = generate(client, meeting)  # no on_commit capture: the task is not run yet

    pack_request = BoardPackRequest.objects.get()
    assert response["Location"] == pack_request.get_absolute_url()
    assert not BoardPack.objects.exists()
    response = client.get(pack_request.get_absolute_url())
    page = response.content.decode()
    assert response["Refresh"] == "5"
    assert ">Queued</strong>" in page and "waiting for the background worker" in page
    assert 'role="status"' in page and "updates itself every 5 seconds" in page
    stopped = client.get(pack_request.get_absolute_url() + "?auto=off")  # the person turns it off
    assert "Refresh" not in stopped and "Check again" in stopped.content.decode()

    generate_requested_pack.call(pack_request.pk)  # what the worker does

    response = client.get(pack_request.get_absolute_url())
    page = response.content.decode()
    assert "Refresh" not in response  # ready: it stops refreshing
    assert ">Ready</strong>" in page
    assert reverse("governance:boardpack_pdf", args=[BoardPack.objects.get().pk]) in page


def test_a_second_press_is_told_a_pack_is_under_way(client, operations, meeting):
    client.force_login(operations)
    first = generate(client, meeting)

    second = client.post(reverse("governance:boardpack_generate", args=[meeting.pk]), follow=True)

    assert second.redirect_chain[0][0] == first["Location"]
    assert "already being generated" in second.content.decode()
    assert BoardPackRequest.objects.count() == 1


def test_the_database_refuses_a_second_request_under_way_for_a_meeting(operations, meeting):
    BoardPackRequest.objects.create(meeting=meeting, status=PackRequestStatus.GENERATING)
    with pytest.raises(IntegrityError), transaction.atomic():
        BoardPackRequest.objects.create(meeting=meeting)
    BoardPackRequest.objects.create(
        meeting=meeting, status=PackRequestStatus.FAILED
    )  # finished ones may pile up


def test_a_failed_pack_shows_the_reason_and_can_be_retried(
    client, operations, meeting, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise RuntimeError("the PDF renderer ran out of memory")

    real = governance.tasks.generate_board_pack
    monkeypatch.setattr("governance.tasks.generate_board_pack", broken)
    client.force_login(operations)
    with django_capture_on_commit_callbacks(execute=True):
        generate(client, meeting)
    failed = BoardPackRequest.objects.get()
    assert failed.status == PackRequestStatus.FAILED

    response = client.get(failed.get_absolute_url())
    page = response.content.decode()
    assert "RuntimeError: the PDF renderer ran out of memory" in page
    assert "Refresh" not in response and ">Retry</button>" in page
    meeting_page = client.get(meeting.get_absolute_url()).content.decode()
    assert "the PDF renderer ran out of memory" in meeting_page

    monkeypatch.setattr("governance.tasks.generate_board_pack", real)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("governance:boardpackrequest_retry", args=[failed.pk]))
    retried = BoardPackRequest.objects.exclude(pk=failed.pk).get()
    assert response["Location"] == retried.get_absolute_url()
    assert retried.status == PackRequestStatus.READY and retried.pack is not None


def test_a_request_left_generating_by_a_dead_worker_is_generated_when_run_again(operations, meeting):
    pack_request = BoardPackRequest.objects.create(meeting=meeting, status=PackRequestStatus.GENERATING)

    generate_requested_pack.call(pack_request.pk)
    generate_requested_pack.call(pack_request.pk)  # and a third run changes nothing

    pack_request.refresh_from_db()
    assert pack_request.status == PackRequestStatus.READY
    assert BoardPack.objects.count() == 1


def test_only_a_failed_request_can_be_retried(client, operations, meeting):
    pack_request = BoardPackRequest.objects.create(meeting=meeting)
    client.force_login(operations)
    assert (
        client.post(reverse("governance:boardpackrequest_retry", args=[pack_request.pk])).status_code == 404
    )
