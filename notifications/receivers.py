"""Turn the other apps' signals into mail tasks, enqueued once the change is committed (on_commit), so a
change that is rolled back sends nothing and the worker always reads the committed change."""

from functools import partial

from django.db import transaction
from django.dispatch import receiver

from actions.signals import due_date_revised, marked_off_track
from governance.signals import board_pack_ready, escalated
from notifications import tasks
from send_portal.signals import submission_returned


@receiver(escalated, dispatch_uid="notifications_escalated")
def _escalated(sender, escalation, **kwargs):
    if escalation.action_id is not None:
        transaction.on_commit(partial(tasks.notify_escalated.enqueue, escalation.pk))


@receiver(due_date_revised, dispatch_uid="notifications_due_date_revised")
def _due_date_revised(sender, action, was, now, was_precision="day", **kwargs):
    transaction.on_commit(
        partial(
            tasks.notify_due_date_revised.enqueue,
            action.pk,
            was.isoformat(),
            action.version,
            str(was_precision),
        )
    )


@receiver(marked_off_track, dispatch_uid="notifications_off_track")
def _off_track(sender, action, update, **kwargs):
    transaction.on_commit(partial(tasks.notify_off_track.enqueue, update.pk))


@receiver(board_pack_ready, dispatch_uid="notifications_pack_ready")
def _pack_ready(sender, pack, **kwargs):
    transaction.on_commit(partial(tasks.notify_pack_ready.enqueue, pack.pk))


@receiver(submission_returned, dispatch_uid="notifications_returned")
def _returned(sender, submission, **kwargs):
    transaction.on_commit(
        partial(
            tasks.notify_returned.enqueue,
            submission._meta.label,
            submission.pk,
            submission.reviewed_at.isoformat(),
        )
    )
