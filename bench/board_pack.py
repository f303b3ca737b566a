"""Time the board pack for the demo Board meeting: HTML rendering and PDF rendering, cold and warm.

Run against a database with the demo plan loaded (nothing is written: the pack is not kept):

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 DEBUG=True .venv/bin/python manage.py migrate -v0
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 DEBUG=True .venv/bin/python manage.py load_plan
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 DEBUG=True .venv/bin/python bench/board_pack.py [RUNS]

The first run is cold (charts not yet cached in this process, WeasyPrint not yet imported); later runs
reuse the cached charts, as a second pack for the same meeting does in a long-running worker.
PROFILE=40 adds a cProfile of one more, warm, PDF (its 40 costliest functions, cumulative).
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "send_portal.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from governance.models import Meeting  # noqa: E402
from governance.services import render_board_pack_html, render_pdf  # noqa: E402

TITLE = "SEND Improvement Board, 12 March 2026"


def page_count(pdf):
    try:
        from pypdf import PdfReader  # a dev dependency
    except ImportError:
        return "?"
    import io

    return len(PdfReader(io.BytesIO(pdf)).pages)


def main(runs):
    meeting = Meeting.objects.get(title=TITLE)
    rows = []
    for run in range(runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as queries:
            html = render_board_pack_html(meeting)
        rendered = time.perf_counter()
        pdf = render_pdf(html, "http://127.0.0.1/")
        finished, cpu = time.perf_counter(), time.process_time() - cpu_started
        rows.append((rendered - started, finished - rendered, finished - started, cpu))
        print(
            f"run {run + 1}: html {rows[-1][0]:.2f} s ({len(queries)} queries), pdf {rows[-1][1]:.2f} s, "
            f"total {rows[-1][2]:.2f} s wall, {cpu:.2f} s CPU; {len(pdf) // 1024} KiB, {page_count(pdf)} pages"
        )
    if runs > 1:
        warm = rows[1:]
        print(
            f"warm runs: median {statistics.median(r[2] for r in warm):.2f} s wall "
            f"(max {max(r[2] for r in warm):.2f} s), median {statistics.median(r[3] for r in warm):.2f} s CPU"
        )
    print(f"load average now: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    if os.environ.get("PROFILE"):  # where a warm PDF's time goes, by function (cumulative)
        import cProfile
        import pstats

        profile = cProfile.Profile()
        profile.runcall(render_pdf, html, "http://127.0.0.1/")
        pstats.Stats(profile).sort_stats("cumulative").print_stats(int(os.environ["PROFILE"]))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
