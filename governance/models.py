"""Governance: the groups that run the plan, their meetings, decisions, action log and family feedback."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from send_portal.models import TimeStampedModel


class GroupKind(models.TextChoices):
    BOARD = "board", "Improvement Board"
    OPERATIONS_GROUP = "operations_group", "Operations Group"
    WORKSTREAM = "workstream", "Workstream"
    OTHER = "other", "Other group"


class GroupQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self if user.is_authenticated else self.none()


class Group(TimeStampedModel):
    """A governance group: the Improvement Board, the Operations Group, or a priority's workstream."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=GroupKind)
    reports_to = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reporting_groups"
    )
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="chaired_groups",
    )
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="governance_groups")
    priority = models.ForeignKey(
        "actions.Priority",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="groups",
        help_text="For a workstream: the priority it delivers.",
    )
    meets = models.CharField("meets", max_length=100, blank=True, help_text="e.g. monthly, fortnightly")

    history = HistoricalRecords(m2m_fields=[members])
    objects = GroupQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = "governance group"
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=GroupKind.WORKSTREAM) | Q(priority__isnull=True),
                name="%(app_label)s_%(class)s_only_workstreams_have_priority",
                violation_error_message="Only a workstream is linked to a priority.",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("governance:group_detail", args=[self.slug])


class MeetingKind(models.TextChoices):
    MEETING = "meeting", "Meeting"
    STOCKTAKE = "stocktake", "DfE and NHS England stocktake"


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self if user.is_authenticated else self.none()

    def upcoming(self, today=None):
        return self.filter(date__gte=today or timezone.localdate()).exclude(status=MeetingStatus.CANCELLED)

    def past(self, today=None):
        return self.filter(date__lt=today or timezone.localdate())

    def next_board_meeting(self, today=None):
        """The next Improvement Board meeting, or None (one query)."""
        return (
            self.upcoming(today)
            .filter(group__kind=GroupKind.BOARD)
            .select_related("group")
            .order_by("date", "pk")
            .first()
        )


class Meeting(TimeStampedModel):
    """A meeting of a governance group, or a DfE and NHS England stocktake."""

    group = models.ForeignKey("governance.Group", on_delete=models.PROTECT, related_name="meetings")
    date = models.DateField()
    start_time = models.TimeField(null=True, blank=True)
    location = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=20, choices=MeetingKind, default=MeetingKind.MEETING)
    title = models.CharField(max_length=300)
    status = models.CharField(max_length=20, choices=MeetingStatus, default=MeetingStatus.SCHEDULED)
    minutes = models.TextField(blank=True)
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="governance.Attendance",
        blank=True,
        related_name="meetings_attended",
    )

    history = HistoricalRecords()
    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]
        indexes = [models.Index(fields=["group", "date"], name="governance_meeting_group_idx")]

    def __str__(self):
        return f"{self.title} ({self.date:%d %B %Y})"

    def get_absolute_url(self):
        return reverse("governance:meeting_detail", args=[self.pk])


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", "Present"
    APOLOGIES = "apologies", "Apologies"
    ABSENT = "absent", "Absent"


class Attendance(models.Model):
    """Whether a person attended a meeting or sent apologies."""

    meeting = models.ForeignKey("governance.Meeting", on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="attendance")
    status = models.CharField(max_length=20, choices=AttendanceStatus, default=AttendanceStatus.PRESENT)

    class Meta:
        ordering = ["meeting", "person"]
        verbose_name_plural = "attendance"
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"],
                name="%(app_label)s_%(class)s_once_per_meeting",
                violation_error_message="This person is already on the attendance list.",
            ),
        ]

    def __str__(self):
        return f"{self.person}: {self.get_status_display()}"


class AgendaItem(models.Model):
    """An item on a meeting's agenda, optionally about a priority or particular plan actions."""

    meeting = models.ForeignKey("governance.Meeting", on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveSmallIntegerField(default=1)
    title = models.CharField(max_length=300)
    priority = models.ForeignKey(
        "actions.Priority", on_delete=models.PROTECT, null=True, blank=True, related_name="agenda_items"
    )
    actions = models.ManyToManyField("actions.Action", blank=True, related_name="agenda_items")
    presenter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_items",
    )
    presenter_role = models.CharField(
        max_length=200, blank=True, help_text="When the presenter has no account."
    )

    history = HistoricalRecords(m2m_fields=[actions])

    class Meta:
        ordering = ["meeting", "order", "pk"]

    def __str__(self):
        return f"{self.order}. {self.title}"

    @property
    def presenter_name(self):
        return self.presenter.display_name if self.presenter_id else self.presenter_role


class Decision(models.Model):
    """A decision recorded at a meeting."""

    meeting = models.ForeignKey("governance.Meeting", on_delete=models.CASCADE, related_name="decisions")
    agenda_item = models.ForeignKey(
        "governance.AgendaItem", on_delete=models.SET_NULL, null=True, blank=True, related_name="decisions"
    )
    order = models.PositiveSmallIntegerField(default=1)
    text = models.TextField()

    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "order", "pk"]

    def __str__(self):
        return self.text[:80]


class MeetingActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


MEETING_ACTION_TAG_COLOURS = {
    MeetingActionStatus.OPEN: "",
    MeetingActionStatus.DONE: "green",
    MeetingActionStatus.DROPPED: "grey",
}


class MeetingActionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self if user.is_authenticated else self.none()

    def open(self):
        return self.filter(status=MeetingActionStatus.OPEN)

    def overdue(self, today=None):
        """Open action-log items past their due date: the one definition for the action log."""
        return self.open().filter(due_date__lt=today or timezone.localdate())


class MeetingAction(TimeStampedModel):
    """An entry in the action log: something a meeting asked someone to do."""

    meeting = models.ForeignKey(
        "governance.Meeting", on_delete=models.CASCADE, related_name="meeting_actions"
    )
    text = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="meeting_actions",
    )
    owner_role = models.CharField(max_length=200, blank=True, help_text="When the owner has no account.")
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=MeetingActionStatus, default=MeetingActionStatus.OPEN)
    dropped_reason = models.TextField(blank=True)
    closed_on = models.DateField(null=True, blank=True)

    history = HistoricalRecords()
    objects = MeetingActionQuerySet.as_manager()

    class Meta:
        ordering = ["meeting", "due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=MeetingActionStatus.DROPPED) | ~Q(dropped_reason=""),
                name="%(app_label)s_%(class)s_dropped_has_reason",
                violation_error_message="Give the reason the action was dropped.",
            ),
        ]

    def __str__(self):
        return self.text[:80]

    @property
    def owner_name(self):
        return self.owner.display_name if self.owner_id else self.owner_role

    def is_overdue(self, today=None):
        """Open and past its due date (same rule as MeetingActionQuerySet.overdue)."""
        today = today or timezone.localdate()
        return self.status == MeetingActionStatus.OPEN and self.due_date is not None and self.due_date < today


class FeedbackItem(TimeStampedModel):
    """'You said, we did': feedback from children, young people and families, and the response to it."""

    meeting = models.ForeignKey(
        "governance.Meeting", on_delete=models.SET_NULL, null=True, blank=True, related_name="feedback_items"
    )
    priority = models.ForeignKey(
        "actions.Priority", on_delete=models.PROTECT, null=True, blank=True, related_name="feedback_items"
    )
    you_said = models.TextField("you said")
    we_did = models.TextField("we did", blank=True)
    impact = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = "you said, we did item"

    def __str__(self):
        return self.you_said[:80]
