"""Who wants which mail, and what was sent to whom about which items (so nothing is sent twice)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from send_portal.models import TimeStampedModel


class DigestFrequency(models.TextChoices):
    WEEKLY = "weekly", "Every week"
    BEFORE_BOARD = "before_board", "Before each Improvement Board meeting"
    NONE = "none", "Never"


class Preference(TimeStampedModel):
    """A person's choices about mail. A person with no row gets the defaults: a weekly digest and
    notifications about their own actions, and no "board pack ready" mail."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mail_preference"
    )
    digest = models.CharField(
        "reminder digest", max_length=20, choices=DigestFrequency, default=DigestFrequency.WEEKLY
    )
    changes = models.BooleanField(
        "tell me when something changes",
        default=True,
        help_text="An action of yours is escalated or its due date revised; for the Operations Group, "
        "an action goes off track.",
    )
    pack_ready = models.BooleanField(
        "tell me when the board pack for the next Improvement Board is ready", default=False
    )

    class Meta:
        ordering = ["person"]

    def __str__(self):
        return f"Mail preferences of {self.person}"

    @classmethod
    def of(cls, person):
        """The person's preferences (unsaved defaults when they never chose)."""
        return cls.objects.filter(person=person).first() or cls(person=person)

    def unsubscribe(self):
        """Stop every mail the portal sends this person."""
        self.digest, self.changes, self.pack_ready = DigestFrequency.NONE, False, False
        self.save()


class MessageKind(models.TextChoices):
    DIGEST = "digest", "Reminder digest"
    ESCALATED = "escalated", "Action escalated"
    DUE_DATE_REVISED = "due_date_revised", "Due date revised"
    OFF_TRACK = "off_track", "Action off track"
    PACK_READY = "pack_ready", "Board pack ready"
    RETURNED = "returned", "Returned with a reason"


class SentMessageQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self if user.is_authenticated else self.none()

    def digests(self):
        return self.filter(kind=MessageKind.DIGEST)


class SentMessage(models.Model):
    """One mail sent to one person. `key` names what it was about, e.g. "digest:week:2026-W49" or
    "escalated:12": the database refuses a second row with the same person and key, so a rerun, a second
    worker or a retried task never sends the same mail twice (see notifications/services.py)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="messages_received"
    )
    kind = models.CharField(max_length=30, choices=MessageKind)
    key = models.CharField(max_length=200)
    subject = models.CharField(max_length=300)
    to_address = models.EmailField()
    sent_at = models.DateTimeField(auto_now_add=True)

    objects = SentMessageQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "sent_at"], name="notif_sent_recipient_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"],
                name="%(app_label)s_%(class)s_once_per_person_and_key",
                violation_error_message="This mail has already been sent to this person.",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} to {self.recipient} on {self.sent_at:%d %b %Y}"


class ItemReason(models.TextChoices):
    DUE_SOON = "due_soon", "Due soon"
    OVERDUE = "overdue", "Overdue"
    NO_RECENT_UPDATE = "no_recent_update", "No recent update"
    DATA_DUE = "data_due", "Data due"
    DATA_OVERDUE = "data_overdue", "Data overdue"
    RETURNED = "returned", "Returned with a reason"


class SentItem(models.Model):
    """An action or indicator a digest reminded its recipient about, and why. A returned update is recorded
    as its action and a returned value as its indicator; a returned highlight report, which is neither,
    is not recorded as an item (see Digest.items)."""

    message = models.ForeignKey("notifications.SentMessage", on_delete=models.CASCADE, related_name="items")
    reason = models.CharField(max_length=30, choices=ItemReason)
    action = models.ForeignKey(
        "actions.Action", on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )
    indicator = models.ForeignKey(
        "indicators.Indicator", on_delete=models.CASCADE, null=True, blank=True, related_name="reminders"
    )

    class Meta:
        ordering = ["message", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__isnull=False, indicator__isnull=True)
                | Q(action__isnull=True, indicator__isnull=False),
                name="%(app_label)s_%(class)s_action_or_indicator",
                violation_error_message="A reminder is about one action or one indicator.",
            ),
            models.UniqueConstraint(
                fields=["message", "reason", "action", "indicator"],
                name="%(app_label)s_%(class)s_once_per_message",
                violation_error_message="This item is already in the message.",
            ),
        ]

    def __str__(self):
        return f"{self.get_reason_display()}: {self.action or self.indicator}"
