"""Two app servers sharing one Redis cache and one database: a change made through one is seen through
the other on the next request (charts, digests and the SPC table, filter forms). Real processes: two
gunicorn servers started by the test, a redis-server started by the test, a database file of its own."""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SEED = """
from django.test import Client
from actions.models import Priority
from indicators.models import Frequency
from tests.factories import ActionFactory, IndicatorFactory, MeasurementFactory, PriorityFactory, UserFactory
from datetime import date
priority = PriorityFactory(number=1, short_title="Timely plans")
ActionFactory(priority=priority, ref="P1.1")
indicator = IndicatorFactory(code="P1-I1", priority=priority, frequency=Frequency.MONTHLY)
for month, value in ((1, 21), (2, 22), (3, 23)):
    MeasurementFactory(indicator=indicator, period_end=date(2025, month, [31, 28, 31][month - 1]), value=value)
admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
# Values are read at once (no sign-off): what one server records, the other shows on the next request.
from send_portal.models import Partnership
Partnership.objects.create(name="Test SEND Partnership", updates_need_sign_off=False)
client = Client()
client.force_login(admin)
print(client.cookies["sessionid"].value)
"""


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url, seconds=90):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except (urllib.error.URLError, ConnectionError, OSError):
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer in {seconds} s")


@pytest.fixture(scope="module")
def redis_url():
    server = shutil.which("redis-server")
    if not server:
        if os.environ.get("CI"):
            pytest.fail("redis-server is missing: apt-get install -y redis-server (make test does as root)")
        pytest.skip("redis-server is missing: apt-get install -y redis-server")
    port = free_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.1)
    yield f"redis://127.0.0.1:{port}/0"
    process.terminate()
    process.wait(10)


@pytest.fixture(scope="module")
def servers(redis_url, tmp_path_factory):
    """(url of server A, url of server B, admin's session cookie), both on one database and one Redis."""
    folder = tmp_path_factory.mktemp("two-servers")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'portal.sqlite3'}",
        "CACHE_URL": redis_url,
        "DEBUG": "False",
        "SECRET_KEY": "two-servers-test-only-" + "0" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "SECURE_SSL_REDIRECT": "False",
        "SESSION_COOKIE_SECURE": "False",
        "CSRF_COOKIE_SECURE": "False",
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "MEDIA_ROOT": str(folder / "media"),
        "DJANGO_SETTINGS_MODULE": "send_portal.settings",
    }
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--skip-checks", "-v0"], cwd=ROOT, env=env, check=True)
    seeded = subprocess.run(
        [*manage, "shell", "-v0", "-c", SEED], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    session = seeded.stdout.strip().splitlines()[-1]
    processes, urls = [], []
    for name in ("a", "b"):
        port = free_port()
        log = open(folder / f"{name}.log", "w")
        processes.append(
            subprocess.Popen(
                [BIN / "gunicorn", "send_portal.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=log,
            )
        )
        urls.append(f"http://127.0.0.1:{port}")
    try:
        for url in urls:
            wait_for(f"{url}/health/live")
        yield urls[0], urls[1], session
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(15)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(base, path, session, data=None, csrf=""):
    """(status, body) of one request as the signed-in admin."""
    cookie = f"sessionid={session}" + (f"; csrftoken={csrf}" if csrf else "")
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(base + path, data=body, headers={"Cookie": cookie})
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=60) as response:
            return response.status, response.read().decode(errors="replace"), response.headers
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(errors="replace"), error.headers


def post_form(base, path, session, changes):
    """GET a form, keep every field it shows with its value, apply `changes`, POST it back."""
    status, page, headers = fetch(base, path, session)
    assert status == 200, page
    csrf = re.search(r"csrftoken=([^;]+)", headers.get("Set-Cookie", "")).group(1)
    fields = dict(re.findall(r'<input[^>]*?name="([^"]+)"[^>]*?value="([^"]*)"', page))
    fields.update(changes)
    fields["csrfmiddlewaretoken"] = csrf
    return fetch(base, path, session, fields, csrf=csrf)


def cached_keys(redis_url):
    import redis

    return redis.Redis.from_url(redis_url).dbsize()


def test_a_change_through_one_server_is_seen_through_the_other_on_the_next_request(servers, redis_url):
    a, b, session = servers
    # B draws and caches the chart, the digests (with the SPC summary table) and the filter form.
    status, chart_before, _ = fetch(b, "/indicators/P1-I1/chart.svg", session)
    assert status == 200
    status, priority_page, _ = fetch(b, "/priorities/1/", session)
    assert status == 200 and "23%" in priority_page
    status, actions_list, _ = fetch(b, "/actions/", session)
    assert status == 200 and "Priority 7:" not in actions_list
    assert cached_keys(redis_url) > 0  # what B cached is in the shared Redis, not in B

    # Through A: a new value for the next period, and a new priority through the admin.
    status, _, headers = post_form(
        a, "/indicators/P1-I1/record/", session, {"period_end": "30/04/2025", "value": "47.5"}
    )
    assert status == 302, "the value was not recorded"
    status, _, _ = post_form(
        a,
        "/admin/actions/priority/add/",
        session,
        {
            "number": "7",
            "kind": "priority_action",
            "short_title": "Priority 7 of the test",
            "statement": "Added through server A.",
            "actions-TOTAL_FORMS": "0",
            "actions-INITIAL_FORMS": "0",
            "actions-MIN_NUM_FORMS": "0",
            "actions-MAX_NUM_FORMS": "1000",
        },
    )
    assert status == 302, "the priority was not added"

    # B's next requests show both.
    status, chart_after, _ = fetch(b, "/indicators/P1-I1/chart.svg", session)
    assert status == 200 and chart_after != chart_before
    assert chart_after == fetch(a, "/indicators/P1-I1/chart.svg", session)[1]
    status, priority_page, _ = fetch(b, "/priorities/1/", session)
    assert "47.5%" in priority_page  # the digest's row in "where should the Board look"
    status, actions_list, _ = fetch(b, "/actions/", session)
    assert (
        "Priority 7 of the test" in actions_list
        or "7. Priority 7" in actions_list
        or "Priority 7" in actions_list
    )
