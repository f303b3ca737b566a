"""Structured logs (one JSON line a request, never a secret) and the liveness and readiness checks."""

import copy
import io
import json
import logging
import logging.config
import socket
import sys
from datetime import timedelta
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.db import OperationalError
from django.test import RequestFactory
from django.urls import reverse

from send_portal.views import server_error


@pytest.fixture
def log_lines():
    """Every line the portal's own console handler would write, as the settings configure it."""
    config = copy.deepcopy(django_settings.LOGGING)  # dictConfig pops keys from what it is given
    configurator = logging.config.DictConfigurator(config)
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(configurator.configure_formatter(config["formatters"]["json"]))
    for name in config["handlers"]["console"]["filters"]:
        handler.addFilter(configurator.configure_filter(config["filters"][name]))
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    lines = []
    yield lambda: lines + [json.loads(line) for line in buffer.getvalue().splitlines()]
    root.removeHandler(handler)
    root.setLevel(level)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def request_lines(lines):
    return [line for line in lines if line.get("logger") == "send_portal.request"]


def test_each_request_logs_one_json_line_with_its_id_route_status_time_and_user(
    client, board_member, log_lines
):
    client.force_login(board_member)
    response = client.get(reverse("actions:action_list"))

    [line] = request_lines(log_lines())
    assert line["request_id"] == response["X-Request-ID"]
    assert len(line["request_id"]) == 32
    assert line["method"] == "GET"
    assert line["route"] == "actions/"
    assert line["view"] == "actions:action_list"
    assert line["status"] == 200
    assert line["user_id"] == board_member.pk
    assert line["duration_ms"] >= 0
    assert line["level"] == "INFO" and line["time"]


@pytest.mark.django_db
def test_a_request_id_from_the_load_balancer_is_kept_and_a_malformed_one_replaced(client, log_lines):
    kept = client.get(reverse("login"), headers={"X-Request-ID": "lb-0123456789abcdef"})
    replaced = client.get(reverse("login"), headers={"X-Request-ID": "<script>alert(1)</script>"})

    assert kept["X-Request-ID"] == "lb-0123456789abcdef"
    assert replaced["X-Request-ID"] != "<script>alert(1)</script>"
    assert [line["request_id"] for line in request_lines(log_lines())] == [
        kept["X-Request-ID"],
        replaced["X-Request-ID"],
    ]


def test_no_password_or_token_reaches_any_log_line(client, board_member, log_lines):
    password, token = "Correct-Horse-Battery-9431", "tok3n-s3cret-0a1b2c3d4e5f6a7b8c9d"
    client.post(reverse("login"), {"username": board_member.username, "password": password})
    client.post(reverse("login"), {"username": "nobody", "password": password})
    client.get(f"/calendar/{token}.ics?key={token}", headers={"Authorization": f"Token {token}"})
    client.get(f"/no-such-page/{token}/", headers={"Authorization": f"Token {token}"})

    lines = log_lines()
    assert len(request_lines(lines)) == 4
    written = json.dumps(lines)
    assert password not in written
    assert token not in written
    assert "Not Found" in written  # Django's own 404 line is there, with the route in place of the path


def test_error_pages_show_the_request_id(client, db):  # the page names the partnership from its record
    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["X-Request-ID"] in response.content.decode()


def test_the_server_error_page_shows_the_request_id():
    request = RequestFactory().get("/")
    request.request_id = "abcdef0123456789"
    try:
        raise ValueError("boom")
    except ValueError:
        assert sys.exc_info()[0] is ValueError
        response = server_error(request)

    assert response.status_code == 500
    assert "abcdef0123456789" in response.content.decode()


def test_liveness_needs_nothing_not_even_the_database(client):
    with mock.patch("send_portal.health.connection") as connection:
        connection.cursor.side_effect = OperationalError("could not connect")
        live = client.get("/health/live")
        ready = client.get("/health/ready")

    assert live.status_code == 200
    assert ready.status_code == 503
    assert ready.json()["checks"]["database"].startswith("database unavailable")


@pytest.mark.django_db
def test_readiness_answers_200_when_database_and_cache_answer(client):
    response = client.get("/health/ready")

    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"
    assert response.json()["checks"]["cache"] == "ok"


@pytest.mark.django_db
def test_readiness_answers_503_when_the_cache_is_down(client, settings):
    unused_tcp_port = free_port()
    # A Redis cache on a port where nothing listens: every call raises ConnectionError, as when Redis is down.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{unused_tcp_port}/0",
        }
    }
    response = client.get("/health/ready")

    assert response.status_code == 503
    assert response.json()["checks"]["cache"].startswith("cache unavailable")


@pytest.fixture
def tasks_for_a_worker(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def test_readiness_answers_503_when_no_worker_has_been_seen_and_queues_a_heartbeat(
    client, db, tasks_for_a_worker
):
    from django_tasks_db.models import DBTaskResult

    response = client.get("/health/ready")
    again = client.get("/health/ready")

    assert response.status_code == 503
    assert response.json()["checks"]["worker"] == "no task worker seen for 5 minutes"
    assert again.status_code == 503
    # one heartbeat waits for a worker, however often the balancer asks
    assert list(DBTaskResult.objects.values_list("task_path", "status")) == [
        ("send_portal.tasks.heartbeat", "READY")
    ]


@pytest.mark.parametrize(("minutes_ago", "status"), [(1, 200), (4, 200), (6, 503)])
def test_readiness_counts_a_worker_seen_within_five_minutes(
    client, db, tasks_for_a_worker, minutes_ago, status
):
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from send_portal.tasks import heartbeat

    heartbeat.enqueue()
    when = timezone.now() - timedelta(minutes=minutes_ago)
    DBTaskResult.objects.update(status="SUCCESSFUL", started_at=when, finished_at=when)

    assert client.get("/health/ready").status_code == status
