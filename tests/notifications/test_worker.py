"""The real thing: django-tasks-db's DatabaseBackend and `manage.py db_worker` processes, a real SMTP
server, and a worker killed with SIGKILL in the middle of a reminders run."""

import io
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from send_portal.roles import WORKSTREAM_LEAD, ensure_roles
from tests.factories import ActionFactory, PriorityFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]
PEOPLE = 5


def database_url_for_other_processes(tmp_path):
    """A DATABASE_URL at which other processes see this test's (committed) data: on PostgreSQL the test
    database itself; SQLite's test database lives in this process's memory, so a copy in a file."""
    if connection.vendor == "sqlite":
        path = tmp_path / "worker.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(path) as copy:
            connection.connection.backup(copy)
        return f"sqlite:///{path}"
    s = connection.settings_dict
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def manage(*args, env, timeout=60):
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def wait_for(condition, timeout=60):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_run_leaves_every_person_exactly_one_digest(smtp_server, tmp_path, settings):
    inbox, port = smtp_server
    ensure_roles()
    people = []
    for number in range(1, PEOPLE + 1):
        person = UserFactory(username=f"lead{number}")
        person.groups.add(Group.objects.get(name=WORKSTREAM_LEAD))
        priority = PriorityFactory(number=number, lead=person)
        ActionFactory(
            ref=f"K{number}.1", priority=priority, due_date=timezone.localdate() - timedelta(days=2)
        )
        people.append(person)
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    call_command("send_reminders", stdout=io.StringIO())  # as cron would: one task per person, queued
    env = {
        **os.environ,
        "DATABASE_URL": database_url_for_other_processes(tmp_path),
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(port),
        "SMTP_USE_TLS": "False",
    }
    assert DBTaskResult.objects.ready().count() == PEOPLE

    inbox.delay = 1.0  # the server takes a second to accept each message: time to kill mid-send
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.1", "--no-startup-delay", "--no-reload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: len(inbox.messages) >= 2)
        time.sleep(0.5)  # the third digest is now being sent, its SentMessage row not yet committed
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    inbox.delay = 0
    assert 2 <= len(inbox.messages) < PEOPLE

    assert "Reclaimed 1 task left running" in manage("reclaim_tasks", "--older-than", "0", env=env)
    manage("db_worker", "--batch", "--no-startup-delay", "--no-reload", env=env)

    assert Counter(message["To"] for message in inbox.messages) == {person.email: 1 for person in people}
