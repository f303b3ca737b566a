"""Closing a reporting period in a background task: the press answers at once, the period's page says the
period is being closed until the snapshot is taken, a failure is shown with its reason and a "Try again"
button, and a second press while one is under way is told so."""

import threading
from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse

import reporting.snapshots
from reporting.models import CloseStatus, Period, PeriodCloseRequest, PeriodSnapshot
from reporting.snapshots import close_period
from reporting.tasks import close_requested_period
from send_portal.roles import OPERATIONS_GROUP
from tests.conftest import _person
from tests.factories import ActionFactory, PeriodFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def period(priority):
    ActionFactory(ref="P1.1", priority=priority, start_date=date(2025, 10, 1), due_date=date(2026, 9, 30))
    return PeriodFactory(start=date(2026, 1, 1))


def press_close(client, period, **kwargs):
    return client.post(reverse("reporting:period_close", args=[period.pk]), **kwargs)


def test_closing_answers_at_once_and_the_page_says_the_period_is_being_closed_until_the_snapshot_is_taken(
    client, operations, lead, period
):
    client.force_login(operations)

    response = press_close(client, period)  # no on_commit capture: the task is not run yet

    assert response["Location"] == period.get_absolute_url()
    close_request = PeriodCloseRequest.objects.get()
    assert close_request.status == CloseStatus.QUEUED and close_request.requested_by == operations
    assert not PeriodSnapshot.objects.exists() and not Period.objects.get().is_closed
    response = client.get(period.get_absolute_url())
    page = response.content.decode()
    assert response["Refresh"] == "5"
    assert 'role="status"' in page and "This period is being closed" in page
    assert "waiting for the background worker" in page and "can still be seen" in page
    assert "updates itself every 5 seconds" in page and 'id="in"' in page  # the updates are still listed
    assert reverse("reporting:period_close", args=[period.pk]) not in page  # no second "Close" button
    stopped = client.get(period.get_absolute_url() + "?auto=off")  # the person turns the reloading off
    assert "Refresh" not in stopped and "Check again" in stopped.content.decode()
    client.force_login(lead)  # everyone who reads the period is told, on its page and in the list
    assert "This period is being closed" in client.get(period.get_absolute_url()).content.decode()
    assert (
        "being closed: the snapshot is being taken"
        in client.get(reverse("reporting:period_list")).content.decode()
    )

    close_requested_period.call(close_request.pk)  # what the worker does

    close_request.refresh_from_db()
    assert close_request.status == CloseStatus.CLOSED and close_request.finished_at is not None
    closed = Period.objects.get()
    assert closed.is_closed and closed.closed_by == operations and closed.snapshot.taken_by == operations
    response = client.get(period.get_absolute_url())
    assert "Refresh" not in response
    assert "The plan as reported" in response.content.decode()


def test_while_the_snapshot_is_being_taken_the_page_says_so(client, operations, period):
    close_request = PeriodCloseRequest.objects.create(period=period, status=CloseStatus.CLOSING)
    close_request.start()
    client.force_login(operations)

    page = client.get(period.get_absolute_url()).content.decode()

    assert "This period is being closed" in page and "is being taken, started at" in page


def test_a_second_press_while_closing_is_under_way_is_told_so_and_asks_for_nothing_more(
    client, operations, period
):
    client.force_login(operations)
    press_close(client, period)

    second = press_close(client, period, follow=True)

    assert second.redirect_chain[0][0] == period.get_absolute_url()
    assert "is already being closed" in second.content.decode()
    assert PeriodCloseRequest.objects.count() == 1
    confirm = client.get(reverse("reporting:period_close", args=[period.pk]), follow=True)
    assert confirm.redirect_chain[0][0] == period.get_absolute_url()
    assert "is already being closed" in confirm.content.decode()


@pytest.mark.parametrize("role", ["board_member", "lead", "other_lead"])
def test_only_the_operations_group_and_administrators_can_press_close(request, client, period, role):
    client.force_login(request.getfixturevalue(role))

    assert press_close(client, period).status_code == 403
    assert not PeriodCloseRequest.objects.exists()


def test_an_administrator_can_press_close(client, admin_user, period):
    client.force_login(admin_user)

    assert press_close(client, period).status_code == 302
    assert PeriodCloseRequest.objects.get().requested_by == admin_user


def test_the_database_refuses_a_second_close_under_way_for_a_period(operations, period):
    first = PeriodCloseRequest.objects.create(period=period, status=CloseStatus.CLOSING)
    with pytest.raises(IntegrityError), transaction.atomic():
        PeriodCloseRequest.objects.create(period=period)
    # A press that loses the race is answered with the request under way, as a later press would be.
    assert PeriodCloseRequest.request(period, by=operations) == (first, False)
    PeriodCloseRequest.objects.create(period=period, status=CloseStatus.FAILED)  # finished ones pile up


def test_a_failed_closing_shows_the_reason_to_the_operations_group_with_a_try_again_button(
    client, operations, lead, period, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr("reporting.tasks.close_period", broken)
    client.force_login(operations)
    with django_capture_on_commit_callbacks(execute=True):
        press_close(client, period)

    failed = PeriodCloseRequest.objects.get()
    assert failed.status == CloseStatus.FAILED and failed.error == "RuntimeError: the disk is full"
    assert not Period.objects.get().is_closed and not PeriodSnapshot.objects.exists()
    response = client.get(period.get_absolute_url())
    page = response.content.decode()
    assert "Refresh" not in response
    assert "Closing the period failed" in page and "RuntimeError: the disk is full" in page
    try_again = f'action="{reverse("reporting:period_close", args=[period.pk])}"'
    assert try_again in page and ">Try again</button>" in page
    client.force_login(lead)  # who cannot close the period is not shown the failure
    lead_page = client.get(period.get_absolute_url()).content.decode()
    assert "the disk is full" not in lead_page and "Try again" not in lead_page

    monkeypatch.setattr("reporting.tasks.close_period", close_period)
    client.force_login(operations)
    with django_capture_on_commit_callbacks(execute=True):
        press_close(client, period)

    retried = PeriodCloseRequest.objects.exclude(pk=failed.pk).get()
    assert retried.status == CloseStatus.CLOSED and Period.objects.get().is_closed


def test_the_task_leaves_a_period_already_closed_alone(operations, lead, period):
    snapshot = close_period(period, by=lead)
    close_request = PeriodCloseRequest.objects.create(period=period, requested_by=operations)

    close_requested_period.call(close_request.pk)

    close_request.refresh_from_db()
    assert close_request.status == CloseStatus.CLOSED
    closed = Period.objects.get()
    assert closed.closed_by == lead and closed.snapshot.pk == snapshot.pk
    assert closed.snapshot.taken_at == snapshot.taken_at


def test_a_request_left_closing_by_a_dead_worker_is_closed_when_run_again(operations, period):
    close_request = PeriodCloseRequest.objects.create(
        period=period, requested_by=operations, status=CloseStatus.CLOSING
    )

    close_requested_period.call(close_request.pk)
    close_requested_period.call(close_request.pk)  # and a third run changes nothing

    close_request.refresh_from_db()
    assert close_request.status == CloseStatus.CLOSED
    assert PeriodSnapshot.objects.count() == 1 and Period.objects.get().history.count() == 2


def test_a_period_closed_another_way_while_the_task_ran_is_not_a_failure(operations, period, monkeypatch):
    def closed_meanwhile(period, *, by):
        close_period(period, by=None)  # someone else, between the task's look and its lock
        close_period(period, by=by)  # refused: already closed

    monkeypatch.setattr("reporting.tasks.close_period", closed_meanwhile)
    close_request = PeriodCloseRequest.objects.create(period=period, requested_by=operations)

    close_requested_period.call(close_request.pk)

    close_request.refresh_from_db()
    assert close_request.status == CloseStatus.CLOSED and close_request.error == ""
    assert PeriodSnapshot.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_closing_reads_the_plan_before_it_takes_the_lock(period, monkeypatch):
    """On SQLite every transaction takes the one write lock: the seconds plan_as_of takes at ten times the
    plan are spent outside it."""
    real, inside = reporting.snapshots.plan_as_of, []

    def recording(*args):
        inside.append(connection.in_atomic_block)
        return real(*args)

    monkeypatch.setattr("reporting.snapshots.plan_as_of", recording)

    close_period(period, by=None)

    assert inside == [False]
    assert Period.objects.get().is_closed


def test_closing_reads_the_plan_again_when_the_last_day_changed_meanwhile(period, monkeypatch):
    real, days = reporting.snapshots.plan_as_of, []

    def moving(day, *args):
        days.append(day)
        if len(days) == 1:  # someone moves the period's last day while the plan is being read
            Period.objects.filter(pk=period.pk).update(end=date(2026, 1, 20))
        return real(day, *args)

    monkeypatch.setattr("reporting.snapshots.plan_as_of", moving)

    snapshot = close_period(period, by=None)

    assert days == [date(2026, 1, 31), date(2026, 1, 20)]
    assert snapshot.data["as_of"] == "2026-01-20"


@pytest.mark.django_db(transaction=True)
def test_two_people_pressing_close_at_once_close_the_period_once(period):
    """Each in their own thread and database connection (the task runs at once in tests): the period closes
    once, and the other press is told it is being closed or is closed, as a later press would be."""
    members = [_person(f"ops{n}", OPERATIONS_GROUP) for n in range(2)]
    start = threading.Barrier(2)
    said = []

    def press(member):
        client = Client(raise_request_exception=False)
        client.force_login(member)
        start.wait()
        try:
            response = press_close(client, period, follow=True)
            said.append((response.status_code, response.content.decode()))
        finally:
            connection.close()

    threads = [threading.Thread(target=press, args=[member]) for member in members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert [code for code, _ in said] == [200, 200]
    told = ("The plan as reported", "This period is being closed", "is already being closed")
    assert all(any(words in page for words in told) for _, page in said)
    assert PeriodSnapshot.objects.count() == 1
    assert Period.objects.get().history.filter(status="closed").count() == 1
    assert not PeriodCloseRequest.objects.filter(status=CloseStatus.FAILED).exists()
