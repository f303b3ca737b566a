"""Time the background worker making the demo Board meeting's pack: from pressing "Generate" to ready.

Against a database with the demo plan loaded (a pack is kept each run, as "Generate" keeps it):

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 DEBUG=True .venv/bin/python manage.py migrate -v0
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 DEBUG=True .venv/bin/python manage.py load_plan
    DATABASE_URL=sqlite:////tmp/bench.sqlite3 .venv/bin/python bench/pack_worker.py [RUNS]

Each run queues a request as the "Generate" button does (governance.tasks.request_board_pack, with the
DatabaseBackend), then starts `manage.py db_worker --batch` in a new process, which runs it and exits.
Printed: the task's own time (the request's started_at to finished_at: what a warm, long-running worker
takes) and the wall time from the press to ready including the new worker process's start-up (what the
first pack after `make run` or a deploy takes: imports, WeasyPrint, every chart drawn).
"""

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "send_portal.settings")
os.environ.setdefault("DEBUG", "False")
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-" + "0" * 40)
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("STATICFILES_BACKEND", "django.contrib.staticfiles.storage.StaticFilesStorage")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402

from governance.models import Meeting, PackRequestStatus  # noqa: E402
from governance.tasks import request_board_pack  # noqa: E402

TITLE = "SEND Improvement Board - December 2026"


def main(runs):
    meeting = Meeting.objects.get(title=TITLE)
    task_times, wall_times = [], []
    for run in range(runs):
        started = time.perf_counter()
        with transaction.atomic():
            pack_request, _ = request_board_pack(meeting, by=None)
        subprocess.run(
            [sys.executable, "manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload"],
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wall = time.perf_counter() - started
        pack_request.refresh_from_db()
        if pack_request.status != PackRequestStatus.READY:
            raise SystemExit(f"run {run + 1}: {pack_request.status} {pack_request.error}")
        task = (pack_request.finished_at - pack_request.started_at).total_seconds()
        task_times.append(task)
        wall_times.append(wall)
        print(f"run {run + 1}: task {task:.2f} s, press to ready {wall:.2f} s (new worker process)")
    print(
        f"median: task {statistics.median(task_times):.2f} s (max {max(task_times):.2f} s), "
        f"press to ready {statistics.median(wall_times):.2f} s (max {max(wall_times):.2f} s)"
    )
    print(f"load average now: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
