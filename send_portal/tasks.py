"""Project-wide background tasks."""

from django.tasks import task


@task()
def heartbeat():
    """Does nothing: a worker that runs it has been seen (send_portal/health.py)."""
    return "alive"
