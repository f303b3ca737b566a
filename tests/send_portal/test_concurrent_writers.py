"""Several people saving at the same moment, each in their own thread and database connection, against a
real database (a file on SQLite, as `make run` uses; see tests/conftest.py): nobody gets an error, and
every update they were told was saved is in the database."""

import sqlite3
import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from actions.models import ProgressUpdate, Status
from tests.factories import ActionFactory

PEOPLE = 4
POSTS_EACH = 3


@pytest.mark.django_db(transaction=True)
def test_people_posting_updates_at_the_same_moment_are_all_saved(operations, priority):
    actions = [ActionFactory(ref=f"P1.{n + 1}", priority=priority) for n in range(PEOPLE)]
    start = threading.Barrier(PEOPLE)
    answers = []

    def post_updates(action):
        client = Client(raise_request_exception=False)
        client.force_login(operations)
        start.wait()
        try:
            for n in range(POSTS_EACH):
                action.refresh_from_db()
                response = client.post(
                    reverse("actions:progressupdate_add", args=[action.ref]),
                    {"version": action.version, "status": Status.ON_TRACK, "narrative": f"Post {n}"},
                )
                answers.append(response.status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=post_updates, args=[action]) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert answers == [302] * (PEOPLE * POSTS_EACH)
    assert ProgressUpdate.objects.count() == PEOPLE * POSTS_EACH


@pytest.mark.django_db(transaction=True)
def test_a_database_still_locked_after_the_timeout_answers_503_and_then_recovers(board_member):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: PostgreSQL locks rows, not the database, and waits for them")
    client = Client(raise_request_exception=False)
    client.force_login(board_member)
    other_writer = sqlite3.connect(connection.settings_dict["NAME"])
    other_writer.execute("BEGIN IMMEDIATE")  # someone else holds the write lock and does not let go
    options = connection.settings_dict["OPTIONS"]
    timeout = options["timeout"]
    connection.close()
    options["timeout"] = 0.2
    try:
        response = client.get(reverse("dashboard"))
    finally:
        other_writer.rollback()
        other_writer.close()
        connection.close()
        options["timeout"] = timeout

    assert response.status_code == 503
    assert "Sorry, the service is unavailable" in response.content.decode()
    assert client.get(reverse("dashboard")).status_code == 200
