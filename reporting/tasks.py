"""Background tasks of reporting: making an evidence pack off the request (django.tasks)."""

import logging

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone

from reporting import evidence
from reporting.models import EvidencePack, PackStatus

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
