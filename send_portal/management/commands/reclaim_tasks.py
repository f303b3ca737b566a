"""Put back in the queue the background tasks whose worker died while running them."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult


class Command(BaseCommand):
    help = (
        "Make tasks left RUNNING by a worker that was killed (SIGKILL, out of memory) ready to run again. "
        "django-tasks-db never does this itself; every task here is safe to run twice."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=float,
            default=settings.TASK_RECLAIM_AFTER_MINUTES,
            help="Minutes a task must have been running (default TASK_RECLAIM_AFTER_MINUTES). Use 0 when no "
            "worker is running, e.g. just before starting the only one.",
        )

    def handle(self, *args, older_than, **options):
        cutoff = timezone.now() - timedelta(minutes=older_than)
        stuck = DBTaskResult.objects.running().filter(started_at__lte=cutoff)
        count = stuck.update(status=TaskResultStatus.READY, started_at=None)
        self.stdout.write(
            f"Reclaimed {count} task{'s' if count != 1 else ''} left running by a worker that stopped."
        )
