"""What /health/ready checks: the database answers, the cache answers, and a task worker has been seen.

A worker is "seen" when a task started or finished in the last WORKER_SEEN_WITHIN. So that an idle queue
does not look like a dead worker, a readiness check that finds no task finished in the last minute (and
no heartbeat already waiting) queues a `heartbeat` task: a running worker picks it up within seconds.
Each check answers None when healthy, or a short reason. Imports no app.
"""

import uuid
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

WORKER_SEEN_WITHIN = timedelta(minutes=5)
HEARTBEAT_EVERY = timedelta(minutes=1)
DATABASE_BACKEND = "django_tasks_db.DatabaseBackend"
HEARTBEAT_TASK = "send_portal.tasks.heartbeat"


def check_database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as error:
        return f"database unavailable ({type(error).__name__})"
    return None


def check_cache():
    """A value written and read back: a cache that is down, or full and dropping writes, fails."""
    key, value = "health:probe", uuid.uuid4().hex
    try:
        cache.set(key, value, 30)
        if cache.get(key) != value:
            return "cache did not keep a value"
    except Exception as error:
        return f"cache unavailable ({type(error).__name__})"
    return None


def tasks_run_by_a_worker():
    """True when tasks are queued for a worker process (not run in the request, as in tests)."""
    return settings.TASKS["default"]["BACKEND"] == DATABASE_BACKEND


def check_worker(now=None):
    if not tasks_run_by_a_worker():
        return None
    from django_tasks_db.models import DBTaskResult  # only with the database backend installed

    from send_portal.tasks import heartbeat

    now = now or timezone.now()
    try:
        recent = DBTaskResult.objects.filter(finished_at__gte=now - HEARTBEAT_EVERY).exists()
        if not recent and not DBTaskResult.objects.ready().filter(task_path=HEARTBEAT_TASK).exists():
            heartbeat.enqueue()
        since = now - WORKER_SEEN_WITHIN
        seen = (
            DBTaskResult.objects.filter(finished_at__gte=since).exists()
            or DBTaskResult.objects.filter(started_at__gte=since).exists()
        )
    except Exception as error:
        return f"cannot read the task queue ({type(error).__name__})"
    return None if seen else f"no task worker seen for {WORKER_SEEN_WITHIN.seconds // 60} minutes"


CHECKS = {"database": check_database, "cache": check_cache, "worker": check_worker}


def readiness():
    """{check: reason or None} for every check, database first (the others need it or the network)."""
    return {name: check() for name, check in CHECKS.items()}
