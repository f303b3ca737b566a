"""Server time and query count of the portal's main pages, beside two reference pages (docs/performance.md).

One run measures every page against the same database, in the same process, one after another:

    bench/benchmark.py measure --label "N=10" --out /tmp/bench/n10.json     # needs DATABASE_URL
    bench/benchmark.py report /tmp/bench/n1.json /tmp/bench/n10.json         # Markdown table

`bench/benchmark.sh` prepares the two databases (fresh, migrated, demo plan, and scale_plan --factor 10
for N=10) and runs both steps. Nothing in the plan is changed: the script adds two people of its own
(`bench-ops` in the Operations Group, `bench-admin` a superuser) and reads.

How a page is timed: Django's test Client, in this process, signed in (force_login) as the Operations
Group person (the admin changelist as the superuser), with production settings (DEBUG off). Each page is
requested twice to warm up, then REPS times under time.perf_counter(); every request passes through the
whole middleware stack, sessions and sign-in included. The query count comes from one more request
under CaptureQueriesContext, so capturing does not slow the timed requests.

The two references, on the same data:
- "trivial page": a view that renders base.html and runs no query of its own, served through the same
  middleware to the same signed-in person. It exists only in this script's URLconf (BENCH_URLS below),
  so the portal gains no URL. Its queries are the ones every signed-in page pays (session, user, the
  current plan for the header, saving the session).
- "admin changelist": /admin/actions/action/ as a superuser, what an administrator would use instead.
A third row, "base.html only", renders the template with render_to_string for a RequestFactory request
(no middleware): the floor of template rendering alone. It is shown for information; ratios use the two
references above.
"""

import argparse
import gc
import json
import logging
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "send_portal.settings")
# Production-like settings for an in-process client: DEBUG off, plain http, the test client's host name.
os.environ.setdefault("DEBUG", "False")
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-" + "0" * 40)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1")
os.environ.setdefault("SECURE_SSL_REDIRECT", "False")
os.environ.setdefault("STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group as Role  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.shortcuts import render  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import include, path, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_tasks_db.models import DBTaskResult  # noqa: E402

from actions.models import Action, Priority, ProgressUpdate  # noqa: E402
from actions.views import ActionListView  # noqa: E402
from api.models import AccessToken  # noqa: E402
from governance.models import BoardPackRequest, Meeting  # noqa: E402
from governance.services import render_board_pack_html, render_pdf  # noqa: E402
from indicators.charts import TRAJECTORY, chart_cache_key  # noqa: E402
from indicators.models import Indicator, Measurement  # noqa: E402
from send_portal.models import User  # noqa: E402
from send_portal.roles import OPERATIONS_GROUP, ensure_roles  # noqa: E402
from send_portal.views import dashboard_key  # noqa: E402

BOARD_MEETING = "SEND Improvement Board, 12 March 2026"  # the demo plan's, dates as written

# WeasyPrint warns, for every copy, that an image with alt="" (the pack's decorative SPC icons) has no
# alt text. Load it now (governance.pdf sets its log level on import), then keep the output to the figures.
import governance.pdf  # noqa: E402, F401

logging.getLogger("weasyprint").setLevel(logging.ERROR)


def trivial(request):
    """The reference page: base.html through the whole stack, no query of its own."""
    return render(request, "base.html")


BENCH_URLS = [path("bench/trivial/", trivial, name="bench_trivial"), path("", include("send_portal.urls"))]
urlpatterns = BENCH_URLS  # this module is the URLconf of the benchmark process only


# --- Timing --------------------------------------------------------------------------------------------
def percentile(values, q):
    """The q-th percentile with linear interpolation between the two nearest ranks."""
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def run_rounds(pages, rounds):
    """Request every page once per round, in turn, so a burst of load on the machine touches every page
    alike. Returns {name: (wall ms list, CPU ms list)}; a page stops after its own number of rounds."""
    times = {name: ([], []) for name, _, _, _ in pages}
    for round_number in range(rounds):
        for name, call, before_each, n in pages:
            if round_number >= n:
                continue
            if before_each:
                before_each()
            started, cpu_started = time.perf_counter(), time.process_time()
            call()
            times[name][0].append((time.perf_counter() - started) * 1000)
            times[name][1].append((time.process_time() - cpu_started) * 1000)
    return times


def count_queries(call, before_each=None):
    if before_each:
        before_each()
    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries)


def post(client, url):
    """A POST that must answer with a redirect (post/redirect/get)."""

    def call():
        response = client.post(url)
        if response.status_code != 302:
            raise SystemExit(f"POST {url} answered {response.status_code}")
        return response

    return call


def get(client, url):
    def call():
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        return response

    return call


# --- What is measured ----------------------------------------------------------------------------------
def bench_people():
    """The Operations Group person and the superuser the benchmark signs in as (created once)."""
    ensure_roles()
    ops, _ = User.objects.get_or_create(username="bench-ops", defaults={"first_name": "Bench"})
    ops.groups.add(Role.objects.get(name=OPERATIONS_GROUP))
    admin, _ = User.objects.get_or_create(
        username="bench-admin", defaults={"is_staff": True, "is_superuser": True}
    )
    return ops, admin


def pages(ops_client, admin_client, ops, api_client=None):
    """(name, call, before_each) for each page, in the order measured."""
    priority = Priority.objects.annotate(n=Count("actions")).order_by("-n", "number").first()
    action = Action.objects.annotate(n=Count("updates")).order_by("-n", "ref_sort").first()
    indicator = Indicator.objects.annotate(n=Count("measurements")).order_by("-n", "code").first()
    meeting = Meeting.objects.get(title=BOARD_MEETING)
    factory = RequestFactory()

    def base_only():
        request = factory.get("/")
        request.user = ops
        render_to_string("base.html", request=request)

    def forget_dashboard():
        """As after a change to what the dashboard reads: its facts are not in the cache."""
        cache.delete(dashboard_key(timezone.localdate()))

    def forget_actions_list():
        """As after a change to what the actions list reads: its first page is not in the cache."""
        request = factory.get(actions)
        cache.delete(ActionListView()._cache_key(request))

    def forget_chart():
        cache.delete(chart_cache_key(indicator, TRAJECTORY))

    def forget_pack_charts():
        """Every trajectory chart, as after a restart (other cached things, e.g. digests, stay)."""
        for each in Indicator.objects.prefetch_related("measurements"):
            cache.delete(chart_cache_key(each, TRAJECTORY))

    def pdf():
        render_pdf(render_board_pack_html(meeting), "http://testserver/")

    def forget_pack_requests():
        """Before each press of "Generate": no pack under way (else the press only finds that one), and
        no task queued (no worker runs here: the queue would only grow)."""
        BoardPackRequest.objects.filter(meeting=meeting).delete()
        DBTaskResult.objects.filter(task_path="governance.tasks.generate_requested_pack").delete()

    forget_pack_requests()
    other = Meeting.objects.exclude(pk=meeting.pk).order_by("-date").first()  # untouched by the presses
    BoardPackRequest.objects.filter(meeting=other).delete()
    progress = BoardPackRequest.objects.create(meeting=other, requested_by=ops, status="generating")
    pack = get(ops_client, reverse("governance:boardpack_preview", args=[meeting.pk]))
    chart = reverse("indicators:indicator_chart", args=[indicator.code])
    actions = reverse("actions:action_list")
    return [
        ("trivial page (reference)", get(ops_client, reverse("bench_trivial")), None),
        ("base.html only (no middleware)", base_only, None),
        ("admin changelist (reference)", get(admin_client, "/admin/actions/action/"), None),
        ("dashboard", get(ops_client, reverse("dashboard")), None),
        # The first request after a change (someone saved): the facts are worked out and rendered again;
        # the indicators' digests are not (no value changed).
        ("dashboard, first after a change", get(ops_client, reverse("dashboard")), forget_dashboard),
        (f"priority page ({priority.number})", get(ops_client, priority.get_absolute_url()), None),
        ("actions list", get(ops_client, actions), None),
        ("actions list, first after a change", get(ops_client, actions), forget_actions_list),
        ("actions list, filtered", get(ops_client, f"{actions}?priority=2&status=on_track"), None),
        # The API's page of 100 actions (JSON), with the Operations Group person's token (issue 18).
        ("API actions, 100 a page", get(api_client, reverse("api:action-list") + "?page_size=100"), None),
        (f"action page ({action.ref})", get(ops_client, action.get_absolute_url()), None),
        ("indicators list", get(ops_client, reverse("indicators:indicator_list")), None),
        (f"indicator page ({indicator.code})", get(ops_client, indicator.get_absolute_url()), None),
        ("indicator chart, cold", get(ops_client, chart), forget_chart),
        ("indicator chart, cached", get(ops_client, chart), None),
        ("meetings list", get(ops_client, reverse("governance:meeting_list")), None),
        ("meeting page (Board, Dec 2026)", get(ops_client, meeting.get_absolute_url()), None),
        ("action log", get(ops_client, reverse("governance:meetingaction_list")), None),
        # "Generate" queues the pack's task (on commit) and redirects to its progress page.
        (
            "board pack Generate (enqueues)",
            post(ops_client, reverse("governance:boardpack_generate", args=[meeting.pk])),
            forget_pack_requests,
        ),
        ("board pack progress page", get(ops_client, progress.get_absolute_url()), None),
        ("board pack HTML", pack, None),
        ("board pack PDF", pdf, None),
        # Last in each round: they forget the charts, and drawing the pack's charts caches them again.
        ("board pack HTML, charts cold", pack, forget_pack_charts),
        ("board pack PDF, charts cold", pdf, forget_pack_charts),
    ]


def sizes():
    return {
        "actions": Action.objects.count(),
        "progress updates": ProgressUpdate.objects.count(),
        "action history rows": Action.history.count(),
        "indicators": Indicator.objects.count(),
        "measurements": Measurement.objects.count(),
        "meetings": Meeting.objects.count(),
        "users": User.objects.count(),
    }


def measure(label, reps, pdf_reps, cold_pack_reps, out, only=None):
    ops, admin = bench_people()
    ops_client, admin_client = Client(), Client()
    ops_client.force_login(ops)
    token = AccessToken.issue(user=ops, name="benchmark", days=1)[1]
    api_client = Client(headers={"Authorization": f"Token {token}"})
    admin_client.force_login(admin)
    result = {
        "label": label,
        "database": connection.vendor,
        "sizes": sizes(),
        "reps": reps,
        "python": platform.python_version(),
        "django": django.get_version(),
        "cores": os.cpu_count(),
        "load_before": os.getloadavg(),
        "cache": settings.CACHES["default"]["BACKEND"],
        "pages": [],
    }
    print(f"{label}: {result['sizes']} on {connection.vendor}", file=sys.stderr)
    chosen = []
    for name, call, before_each in pages(ops_client, admin_client, ops, api_client):
        if only and not any(word in name for word in only):
            continue
        n = cold_pack_reps if "charts cold" in name else pdf_reps if "PDF" in name else reps
        chosen.append((name, call, before_each, n))
    run_rounds(chosen, 2)  # warm-up: imports, template loading, the chart cache
    queries = {name: count_queries(call, before_each) for name, call, before_each, _ in chosen}
    gc.collect()
    for name, (wall, cpu) in run_rounds(chosen, max(n for *_, n in chosen)).items():
        row = {
            "page": name,
            "reps": len(wall),
            "median_ms": statistics.median(wall),
            "p95_ms": percentile(wall, 95),
            "cpu_median_ms": statistics.median(cpu),
            "queries": queries[name],
        }
        result["pages"].append(row)
        print(
            f"  {name:38} median {row['median_ms']:8.1f} ms  p95 {row['p95_ms']:8.1f} ms  "
            f"cpu {row['cpu_median_ms']:8.1f} ms  {row['queries']:3} queries  ({row['reps']} reps)",
            file=sys.stderr,
        )
    result["load_after"] = os.getloadavg()
    Path(out).write_text(json.dumps(result, indent=2))


# --- Report ----------------------------------------------------------------------------------------------
TRIVIAL, ADMIN = "trivial page (reference)", "admin changelist (reference)"


def stem(name):
    """The page's name without the record it was measured on, to match rows between runs."""
    return name.split(" (")[0] if not name.endswith("(reference)") and "(no " not in name else name


def report(paths):
    runs = [json.loads(Path(p).read_text()) for p in paths]
    first, last = runs[0], runs[-1]
    by_stem = [{stem(row["page"]): row for row in run["pages"]} for run in runs]
    lines = []
    for run in runs:
        sizes_text = ", ".join(f"{v:,} {k}" for k, v in run["sizes"].items())
        lines.append(
            f"- **{run['label']}** ({run['database']}, {run['reps']} timed requests per page after 2 warm-up; "
            f"load average {run['load_before'][0]:.2f} before, {run['load_after'][0]:.2f} after): {sizes_text}."
        )
    lines.append("")
    head = ["page"]
    for run in runs:
        head += [f"{run['label']} median ms", "p95 ms", "queries", "× trivial", "× admin"]
    if len(runs) > 1:
        head += [f"time {first['label']}→{last['label']}", "queries"]
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + "---|" * len(head))
    for row in last["pages"]:
        key = stem(row["page"])
        cells = [row["page"]]
        for rows in by_stem:
            page = rows.get(key)
            if page is None:
                cells += ["", "", "", "", ""]
                continue
            trivial_ms, admin_ms = rows[TRIVIAL]["median_ms"], rows[ADMIN]["median_ms"]
            cells += [
                f"{page['median_ms']:.1f}",
                f"{page['p95_ms']:.1f}",
                str(page["queries"]),
                f"{page['median_ms'] / trivial_ms:.1f}",
                f"{page['median_ms'] / admin_ms:.2f}",
            ]
        if len(runs) > 1:
            start = by_stem[0].get(key)
            if start:
                cells += [
                    f"{row['median_ms'] / start['median_ms']:.2f}×",
                    "same" if start["queries"] == row["queries"] else f"{start['queries']}→{row['queries']}",
                ]
            else:
                cells += ["", ""]
        lines.append("| " + " | ".join(cells) + " |")
    print("\n".join(lines))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("measure", help="time every page against DATABASE_URL")
    run.add_argument("--label", required=True, help="e.g. N=10")
    run.add_argument("--reps", type=int, default=20, help="timed requests per page (default 20)")
    run.add_argument("--pdf-reps", type=int, default=None, help="timed board pack PDFs (default --reps)")
    run.add_argument(
        "--cold-pack-reps", type=int, default=3, help="timed board packs with every chart drawn (default 3)"
    )
    run.add_argument("--only", nargs="*", help="measure only pages whose name contains one of these")
    run.add_argument("--out", required=True, help="where to write the results (JSON)")
    table = commands.add_parser("report", help="a Markdown table of one or more runs (the last is compared)")
    table.add_argument("results", nargs="+")
    args = parser.parse_args()
    if args.command == "measure":
        settings.ROOT_URLCONF = __name__ if __name__ != "__main__" else sys.modules["__main__"]
        measure(args.label, args.reps, args.pdf_reps or args.reps, args.cold_pack_reps, args.out, args.only)
    else:
        report(args.results)


if __name__ == "__main__":
    main()
