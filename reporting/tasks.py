"""Background tasks of reporting: closing a period (taking its snapshot) and making an evidence pack, off
the request (django.tasks)."""

import logging

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from reporting import evidence
from reporting.models import EvidencePack, PackStatus, Period, PeriodCloseRequest
from reporting.snapshots import close_period

log = logging.getLogger(__name__)


@task()
def generate_evidence_pack(pack_id):
    """Make the PDF and ZIP an EvidencePack asked for and keep them on it. Idempotent: a pack already ready
    is left alone, one left generating by a worker that died is made again. A failure is recorded with
    its reason."""
    pack = EvidencePack.objects.select_related("priority", "requested_by").get(pk=pack_id)
    if pack.status == PackStatus.READY:
        return pack.pk
    pack.status, pack.started_at, pack.error = PackStatus.GENERATING, timezone.now(), ""
    pack.save(update_fields=["status", "started_at", "error"])
    try:
        seconds = evidence.generate(pack, base_url=f"{settings.SITE_URL}/")
    except Exception as error:
        log.exception("Evidence pack %s failed", pack_id)
        pack.status, pack.error, pack.finished_at = (
            PackStatus.FAILED,
            f"{type(error).__name__}: {error}"[:2000],
            timezone.now(),
        )
        pack.save(update_fields=["status", "error", "finished_at"])
        raise
    pack.status, pack.finished_at = PackStatus.READY, timezone.now()
    pack.save(update_fields=["pdf", "zip_file", "file_count", "status", "finished_at"])
    log.info("Evidence pack %s made in %.1f s", pack.pk, seconds)
    return pack.pk


def request_evidence_pack(priority, *, starts_on, ends_on, by):
    """Keep a request for an evidence pack and enqueue its task once the request is committed."""
    pack = EvidencePack.objects.create(
        priority=priority, starts_on=starts_on, ends_on=ends_on, requested_by=by
    )
    transaction.on_commit(lambda: generate_evidence_pack.enqueue(pack.pk))
    return pack


def retry_evidence_pack(pack):
    """Set a failed pack back to queued (EvidencePack.retry) and, when it had failed, enqueue its task again
    once that is committed. Returns whether it was retried."""
    if not pack.retry():
        return False
    transaction.on_commit(lambda: generate_evidence_pack.enqueue(pack.pk))
    return True


@task()
def close_requested_period(request_id):
    """Close the period a PeriodCloseRequest asked to close (snapshots.close_period: the snapshot and who
    closed it, in one transaction). Idempotent: a request already done is left alone, a period already
    closed (by an earlier run or any other way) is left as it is, and one left "being closed" by a worker
    that died is closed again (nothing of a rolled-back closing is kept). A failure is recorded on the
    request with its reason, for the Operations Group to read and try again."""
    close_request = PeriodCloseRequest.objects.select_related("period", "requested_by").get(pk=request_id)
    if not close_request.start():
        return close_request.period_id
    period = close_request.period
    if not period.is_closed:
        try:
            close_period(period, by=close_request.requested_by)
        except Exception as error:
            if not Period.objects.closed().filter(pk=period.pk).exists():
                log.exception("Closing %s (request %s) failed", period, request_id)
                close_request.fail(f"{type(error).__name__}: {error}"[:2000])
                raise
            # Closed another way between our look and our lock (close_period refuses it): nothing is left.
    close_request.finish()
    log.info("%s closed (request %s)", period, request_id)
    return period.pk


def request_period_close(period, *, by):
    """Ask for `period` to be closed (PeriodCloseRequest.request) and, when the request is new, enqueue its
    task once the request is committed. Returns (request, created)."""
    close_request, created = PeriodCloseRequest.request(period, by=by)
    if created:
        transaction.on_commit(lambda: close_requested_period.enqueue(close_request.pk))
    return close_request, created
