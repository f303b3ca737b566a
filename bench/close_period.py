"""Time closing a reporting period (taking its snapshot) on the plan bench/benchmark.sh builds for N=10:
the demo plan, then scale_plan --factor 10 --seed 1 on top. Nothing is kept: the closing runs inside a
transaction that is rolled back, so the script can be run again on the same database.

    DB=/tmp/bench-close.sqlite3; export DATABASE_URL=sqlite:///$DB DEBUG=True
    .venv/bin/python manage.py migrate -v0 && .venv/bin/python manage.py load_plan
    .venv/bin/python manage.py scale_plan --factor 10 --seed 1
    .venv/bin/python bench/close_period.py [RUNS]

Each run closes the demo's open period (creating one for this month if the plan has none) and prints the
wall time, the queries it took and the snapshot's size.
"""

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "send_portal.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from actions.models import Action, ProgressUpdate  # noqa: E402
from indicators.models import Indicator, Measurement  # noqa: E402
from reporting.forms import next_period_initial  # noqa: E402
from reporting.models import Period  # noqa: E402
from reporting.snapshots import close_period  # noqa: E402


class RolledBack(Exception):
    pass


def one_run():
    try:
        with transaction.atomic():
            period = Period.objects.current()
            if period is None:
                initial = next_period_initial(timezone.localdate())
                period = Period.objects.create(**initial)
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                snapshot = close_period(period, by=None)
            seconds = time.perf_counter() - started
            size = len(json.dumps(snapshot.data))
            raise RolledBack((seconds, len(queries), size))
    except RolledBack as result:
        return result.args[0]


def main(runs):
    print(
        f"plan: {Action.objects.count()} actions, {ProgressUpdate.objects.count()} updates, "
        f"{Indicator.objects.count()} indicators, {Measurement.objects.count()} values"
    )
    times = []
    for run in range(runs):
        seconds, queries, size = one_run()
        times.append(seconds)
        print(f"run {run + 1}: closed in {seconds:.2f} s, {queries} queries, snapshot {size // 1024} KiB")
    print(f"slowest {max(times):.2f} s, fastest {min(times):.2f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
