"""Background tasks that send mail (django.tasks). Mail is sent only from here, never in a request.

Each task is small and idempotent: it reads the records named by its arguments and calls a service that
sends each mail at most once per person and key (notifications/services.py), so a task run twice, or
again after its worker died, sends nothing twice."""

from datetime import date

from django.apps import apps
from django.tasks import task

from actions.models import Action, ProgressUpdate
from governance.models import BoardPack, Escalation
from notifications import services
from send_portal.models import User


@task()
def send_digest(person_id, round_key):
    """One person's reminder digest for one round (enqueued by `manage.py send_reminders`)."""
    person = User.objects.filter(pk=person_id).first()
    message = services.send_digest(person, round_key) if person else None
    return message.pk if message else None


@task()
def notify_escalated(escalation_id):
    escalation = Escalation.objects.select_related("action__priority__lead", "action__lead").get(
        pk=escalation_id
    )
    return len([m for m in services.notify_escalated(escalation) if m])


@task()
def notify_due_date_revised(action_id, was, version, was_precision="day"):
    action = Action.objects.select_related("priority__lead", "lead").get(pk=action_id)
    sent = services.notify_due_date_revised(
        action, was=date.fromisoformat(was), version=version, was_precision=was_precision
    )
    return len([m for m in sent if m])


@task()
def notify_off_track(update_id):
    update = ProgressUpdate.objects.select_related("action", "author").get(pk=update_id)
    return len([m for m in services.notify_off_track(update) if m])


@task()
def notify_pack_ready(pack_id):
    pack = BoardPack.objects.defer("html", "pdf").get(pk=pack_id)
    return len([m for m in services.notify_pack_ready(pack) if m])


@task()
def notify_returned(model_label, pk, reviewed_at):
    """Tell the lead a submission (`model_label`: "actions.ProgressUpdate", "indicators.Measurement" or
    "reporting.HighlightReport") was returned; `reviewed_at` names the return, so each is told once."""
    submission = apps.get_model(model_label).objects.filter(pk=pk).first()
    if submission is None:
        return 0
    return len([m for m in services.notify_returned(submission, key_time=reviewed_at) if m])
