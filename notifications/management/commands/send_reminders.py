"""Enqueue each person's reminder digest: run daily by cron or a systemd timer (README)."""

from django.core.management.base import BaseCommand
from django.db.models import Q
from django.utils import timezone

from actions.models import ProgressUpdate
from indicators.models import Measurement
from notifications.models import Preference, SentMessage
from notifications.services import digest_round
from notifications.tasks import send_digest
from reporting.models import HighlightReport
from send_portal.models import User


class Command(BaseCommand):
    help = (
        "Enqueue one reminder-digest task per person whose digest is due today (weekly, or before the next "
        "Improvement Board). Safe to run as often as you like: each person gets one digest per round."
    )

    def handle(self, *args, **options):
        today = timezone.localdate()
        people = (
            User.objects.filter(is_active=True)
            .exclude(email="")
            .filter(
                Q(pk__in=User.objects.filter(led_priorities__isnull=False).values("pk"))
                | Q(pk__in=User.objects.filter(led_actions__isnull=False).values("pk"))
                | Q(pk__in=User.objects.filter(owned_indicators__isnull=False).values("pk"))
                # whoever submitted something that was returned (they may lead nothing: the Operations
                # Group posts updates too); their digest lists it while it is unanswered
                | Q(pk__in=ProgressUpdate.objects.returned().values("submitted_by"))
                | Q(pk__in=Measurement.objects.returned().values("submitted_by"))
                | Q(pk__in=HighlightReport.objects.returned().values("submitted_by"))
            )
            .order_by("pk")
        )
        preferences = {p.person_id: p for p in Preference.objects.filter(person__in=people)}
        rounds = {}
        for person in people:
            key = digest_round(preferences.get(person.pk) or Preference(person=person), today)
            if key is not None:
                rounds[person.pk] = key
        sent = set(
            SentMessage.objects.filter(
                recipient__in=list(rounds), key__in={f"digest:{key}" for key in rounds.values()}
            ).values_list("recipient_id", "key")
        )
        queued = 0
        for person_id, key in rounds.items():
            if (person_id, f"digest:{key}") not in sent:
                send_digest.enqueue(person_id, key)
                queued += 1
        self.stdout.write(
            f"Queued {queued} reminder digests ({len(rounds) - queued} already sent this round)."
        )
