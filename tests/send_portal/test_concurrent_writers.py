"""Several people saving at the same moment, each in their own thread and database connection, against a
real database (a file on SQLite, as `make run` uses; see tests/conftest.py): nobody gets an error, and
every update they were told was saved is in the database."""

import sqlite3
import threading

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
from django.db import connection
from django.test import Client
from django.urls import reverse

from actions.models import ProgressUpdate, Status
from tests.factories import ActionFactory, UserFactory

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


checking_a_password = threading.Event()
password_checked = threading.Event()


class SlowHasher(MD5PasswordHasher):
    """Holds a sign-in in the middle of checking its password until the test lets it go."""

    algorithm = "slow_md5"

    def verify(self, password, encoded):
        checking_a_password.set()
        password_checked.wait(timeout=10)
        return super().verify(password, encoded)


@pytest.mark.django_db(transaction=True)
def test_signing_in_does_not_hold_the_write_lock_while_the_password_is_checked(settings):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only: PostgreSQL has no database-wide write lock")
    settings.PASSWORD_HASHERS = [f"{__name__}.SlowHasher"]
    UserFactory(username="sam", password="a long passphrase")
    checking_a_password.clear()
    password_checked.clear()
    answers = []

    def sign_in():
        try:
            answers.append(
                Client().post(reverse("login"), {"username": "sam", "password": "a long passphrase"})
            )
        finally:
            connection.close()

    signing_in = threading.Thread(target=sign_in)
    signing_in.start()
    try:
        assert checking_a_password.wait(timeout=10)
        someone_else = sqlite3.connect(connection.settings_dict["NAME"], timeout=0.5)
        someone_else.execute("BEGIN IMMEDIATE")  # "database is locked" if the sign-in held the lock
        someone_else.rollback()
        someone_else.close()
    finally:
        password_checked.set()
        signing_in.join(timeout=30)
    assert answers[0].status_code == 302
