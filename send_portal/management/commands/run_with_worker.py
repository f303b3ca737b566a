"""`make run`: the development server and the background-task worker, started and stopped together."""

import os
import signal
import subprocess
import sys
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand

STOP_WAIT_SECONDS = 10


class Command(BaseCommand):
    help = (
        "Run `runserver` and `db_worker` side by side. Ctrl-C or SIGTERM stops both; if either stops, "
        "the other is stopped too."
    )

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, addrport, **options):
        call_command("reclaim_tasks", older_than=0)  # the worker started here is the only one
        manage = [sys.executable, "manage.py"]
        # Each child leads its own process group, so stopping it stops runserver's reloader child too.
        children = [
            subprocess.Popen(
                [*manage, "db_worker", "--interval", "1", "--no-reload"], start_new_session=True
            ),
            subprocess.Popen([*manage, "runserver", addrport], start_new_session=True),
        ]
        stopping = []

        def stop(signum, frame):
            stopping.append(signum)

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        while not stopping and all(child.poll() is None for child in children):
            time.sleep(0.2)
        for child in children:
            self._signal(child, signal.SIGTERM)
        deadline = time.monotonic() + STOP_WAIT_SECONDS
        for child in children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self._signal(child, signal.SIGKILL)
                child.wait()
        self.stdout.write("The web server and the worker have stopped.")

    @staticmethod
    def _signal(child, signum):
        try:
            os.killpg(child.pid, signum)
        except ProcessLookupError:
            pass
