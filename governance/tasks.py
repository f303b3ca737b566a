"""Background tasks of governance: generating a board pack off the request (django.tasks)."""

import logging

from django.conf import settings
from django.db import transaction
from django.tasks import task

from governance.models import BoardPackRequest
from governance.services import generate_board_pack
from governance.signals import board_pack_ready

log = logging.getLogger(__name__)


@task()
def generate_requested_pack(request_id):
    """Generate the board pack a BoardPackRequest asked for and keep it with the meeting. Idempotent: a
    request already ready is left alone, and one left "generating" by a worker that died is generated
    again (generating only reads the plan; the pack is kept in the same transaction that marks it ready).
    A failure is recorded on the request with its reason, for the Operations Group to read and retry."""
    pack_request = BoardPackRequest.objects.select_related("meeting", "requested_by").get(pk=request_id)
    if not pack_request.start():
        return pack_request.pack_id
    try:
        # No transaction around the rendering: it takes seconds, and on SQLite an open transaction would
        # hold up the web server's writes. A worker killed between keeping the pack and marking the request
        # ready leaves a kept pack that the rerun keeps again: two identical packs, no harm.
        pack, seconds = generate_board_pack(
            pack_request.meeting, generated_by=pack_request.requested_by, base_url=f"{settings.SITE_URL}/"
        )
        pack_request.finish(pack)
    except Exception as error:
        log.exception("Board pack request %s failed", request_id)
        pack_request.fail(f"{type(error).__name__}: {error}"[:2000])
        raise
    with transaction.atomic():
        board_pack_ready.send(sender=BoardPackRequest, pack=pack)
    log.info("Board pack %s for %s generated in %.1f s", pack.pk, pack_request.meeting, seconds)
    return pack.pk


def request_board_pack(meeting, *, by):
    """Ask for a pack for `meeting` (BoardPackRequest.request) and, when it is new, enqueue its task once
    the request is committed. Returns (request, created)."""
    pack_request, created = BoardPackRequest.request(meeting, by=by)
    if created:
        transaction.on_commit(lambda: generate_requested_pack.enqueue(pack_request.pk))
    return pack_request, created
