"""Governance: the groups that run the plan, their meetings, decisions, action log and family feedback."""

import secrets

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from governance.signals import escalated
from send_portal.models import TimeStampedModel, VersionedModel


class GroupKind(models.TextChoices):
    BOARD = "board", "Improvement Board"
    OPERATIONS_GROUP = "operations_group", "Operations Group"
    WORKSTREAM = "workstream", "Workstream"
    OTHER = "other", "Other group"


class GroupQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self if user.is_authenticated else self.none()

    def for_table(self):
        """Groups with their chair and parent loaded and `member_count`, `meeting_count` and
        `open_action_count` annotated (one query)."""
        return (
            self.select_related("chair", "reports_to", "priority")
            .annotate(
                member_count=models.Count("members", distinct=True),
                meeting_count=models.Count("meetings", distinct=True),
                open_action_count=models.Count(
                    "meetings__meeting_actions",
                    filter=Q(meetings__meeting_actions__status=MeetingActionStatus.OPEN),
                    distinct=True,
                ),
            )
            .order_by("kind", "name")
        )


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


MEETING_STATUS_COLOURS = {
    MeetingStatus.SCHEDULED: "",
    MeetingStatus.HELD: "grey",
    MeetingStatus.CANCELLED: "red",
}


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self if user.is_authenticated else self.none()

    def upcoming(self, today=None):
        return self.filter(date__gte=today or timezone.localdate()).exclude(status=MeetingStatus.CANCELLED)

    def past(self, today=None):
        return self.filter(date__lt=today or timezone.localdate())

    def for_table(self):
        return self.select_related("group").order_by("-date", "-pk")

    def for_calendar(self, today=None):
        """Meetings from today on, cancelled ones included so a subscribed calendar shows them cancelled."""
        return (
            self.filter(date__gte=today or timezone.localdate())
            .select_related("group")
            .order_by("date", "pk")
        )

    def next_board_meeting(self, today=None):
        """The next Improvement Board meeting, or None (one query)."""
        return (
            self.upcoming(today)
            .filter(group__kind=GroupKind.BOARD)
            .select_related("group")
            .order_by("date", "pk")
            .first()
        )


class Meeting(TimeStampedModel, VersionedModel):
    """A meeting of a governance group, or a DfE and NHS England stocktake."""

    group = models.ForeignKey("governance.Group", on_delete=models.PROTECT, related_name="meetings")
    date = models.DateField()
    start_time = models.TimeField(null=True, blank=True)
    location = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=20, choices=MeetingKind, default=MeetingKind.MEETING)
    title = models.CharField(
        max_length=300, blank=True, help_text="Left empty, the group and date: see default_title()."
    )
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
        indexes = [
            models.Index(fields=["group", "date"], name="governance_meeting_group_idx"),
            # The meetings list (newest first) and its upcoming/past filters.
            models.Index(fields=["date", "id"], name="governance_meeting_date_idx"),
        ]

    def __str__(self):
        if f"{self.date:%-d %B %Y}" in self.title:  # a default title says the date already
            return self.title
        return f"{self.title} ({self.date:%d %B %Y})"

    def get_absolute_url(self):
        return reverse("governance:meeting_detail", args=[self.pk])

    def clean(self):
        """A meeting is not held before its date (the admin and the portal's form both say so)."""
        super().clean()
        if self.status == MeetingStatus.HELD and self.date and self.date > timezone.localdate():
            raise ValidationError(
                {
                    "status": f"A meeting cannot be held before its date. Keep it as scheduled until "
                    f"{self.date:%-d %B %Y}, or correct the date"
                }
            )

    def save(self, *args, **kwargs):
        if not self.title.strip():
            self.title = self.default_title()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "title"}
        super().save(*args, **kwargs)

    def default_title(self):
        """What the group and date say, e.g. 'SEND Improvement Board, 10 December 2026' (a stocktake
        says so)."""
        name = MeetingKind.STOCKTAKE.label if self.kind == MeetingKind.STOCKTAKE else self.group.name
        return f"{name}, {self.date:%-d %B %Y}"

    @property
    def is_board_meeting(self):
        return self.group.kind == GroupKind.BOARD

    @property
    def is_stocktake(self):
        return self.kind == MeetingKind.STOCKTAKE

    @property
    def status_colour(self):
        return MEETING_STATUS_COLOURS[MeetingStatus(self.status)]

    def previous_meeting(self):
        """The group's last meeting of the same kind before this one, not cancelled, or None (one query).

        A stocktake follows the previous stocktake, a Board meeting the previous Board meeting."""
        return (
            Meeting.objects.filter(group_id=self.group_id, kind=self.kind, date__lt=self.date)
            .exclude(status=MeetingStatus.CANCELLED)
            .order_by("-date", "-pk")
            .first()
        )

    def record_decision(self, *, text, agenda_item=None):
        """Add a decision after the meeting's others."""
        return self.decisions.create(
            text=text.strip(), agenda_item=agenda_item, order=self.decisions.count() + 1
        )

    def record_attendance(self, chosen):
        """Set who was present, sent apologies or was absent: {user: AttendanceStatus or ""}, where ""
        removes the person from the list."""
        with transaction.atomic():
            recorded = {row.person_id: row for row in self.attendance.all()}
            for person, status in chosen.items():
                row = recorded.get(person.pk)
                if not status:
                    if row is not None:
                        row.delete()
                elif row is None:
                    Attendance.objects.create(meeting=self, person=person, status=status)
                elif row.status != status:
                    row.status = status
                    row.save(update_fields=["status"])


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


class AgendaItem(VersionedModel):
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


class Decision(VersionedModel):
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

    def carried_to(self, meeting):
        """'Matters arising' at `meeting`: items from the same group's earlier meetings that were still
        open when it met (open now, or closed on or after its date), oldest first."""
        return (
            self.filter(meeting__group_id=meeting.group_id, meeting__date__lt=meeting.date)
            .filter(Q(status=MeetingActionStatus.OPEN) | Q(closed_on__gte=meeting.date))
            .select_related("meeting", "owner")
            .order_by("meeting__date", "due_date", "pk")
        )

    def for_table(self):
        """The action log: open items first, earliest due first (items with no date last)."""
        still_open = models.Case(
            models.When(status=MeetingActionStatus.OPEN, then=models.Value(0)), default=models.Value(1)
        )
        return (
            self.select_related("meeting__group", "owner")
            .alias(still_open=still_open)
            .order_by("still_open", models.F("due_date").asc(nulls_last=True), "pk")
        )


class MeetingAction(TimeStampedModel, VersionedModel):
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
        indexes = [
            # The action log: open items by due date, and the overdue filter (open and past due).
            models.Index(fields=["status", "due_date"], name="governance_maction_status_idx"),
        ]
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

    @property
    def tag_colour(self):
        return MEETING_ACTION_TAG_COLOURS[MeetingActionStatus(self.status)]

    @property
    def is_open(self):
        return self.status == MeetingActionStatus.OPEN

    def close(self, status, *, reason="", today=None):
        """Close the item as done, or as dropped with the reason; records today as the closing date.

        Closing an item that is already closed changes nothing, so the first closing date is kept. The
        item is read again, locked, first: closing works from its current state, and an edit form opened
        before the closing is out of date (the version goes up)."""
        if status not in (MeetingActionStatus.DONE, MeetingActionStatus.DROPPED):
            raise ValidationError("An action is closed as done or dropped.")
        if status == MeetingActionStatus.DROPPED and not reason.strip():
            raise ValidationError({"dropped_reason": "Give the reason the action was dropped"})
        with transaction.atomic():
            self.refresh_from_db(from_queryset=MeetingAction.objects.select_for_update())
            if self.status != MeetingActionStatus.OPEN:
                return
            self.status = status
            self.dropped_reason = reason.strip() if status == MeetingActionStatus.DROPPED else ""
            self.closed_on = today or timezone.localdate()
            self.version += 1
            self.save(update_fields=["status", "dropped_reason", "closed_on", "version", "updated"])


class FeedbackItem(TimeStampedModel, VersionedModel):
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


class EscalationQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self if user.is_authenticated else self.none()

    def open(self):
        """Escalations the Board has not yet recorded a decision on."""
        return self.filter(resolved_by_decision__isnull=True)

    def for_meeting(self, meeting):
        """What a Board meeting is asked to discuss: everything raised by its date that had no decision
        before it met. An escalation stays on each Board meeting until the one that decides it."""
        if meeting.group.kind != GroupKind.BOARD:
            return self.none()
        return (
            self.filter(raised_at__date__lte=meeting.date)
            .filter(
                Q(resolved_by_decision__isnull=True)
                | Q(resolved_by_decision__meeting__date__gte=meeting.date)
            )
            .select_related("action", "indicator", "raised_by", "resolved_by_decision__meeting")
            .order_by("raised_at", "pk")
        )


class Escalation(TimeStampedModel):
    """A plan action or an indicator that the Operations Group asks the Improvement Board to discuss.

    It is on the agenda of every Board meeting from the next one on, until the Board records a decision."""

    action = models.ForeignKey(
        "actions.Action", on_delete=models.PROTECT, null=True, blank=True, related_name="escalations"
    )
    indicator = models.ForeignKey(
        "indicators.Indicator", on_delete=models.PROTECT, null=True, blank=True, related_name="escalations"
    )
    reason = models.TextField(help_text="What the Board is asked to decide or unblock, and why.")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="escalations_raised",
    )
    raised_at = models.DateTimeField(default=timezone.now)
    resolved_by_decision = models.ForeignKey(
        "governance.Decision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="escalations_resolved",
        help_text="The Board's decision on it; empty while it waits for one.",
    )

    history = HistoricalRecords()
    objects = EscalationQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__isnull=False, indicator__isnull=True)
                | Q(action__isnull=True, indicator__isnull=False),
                name="%(app_label)s_%(class)s_action_or_indicator",
                violation_error_message="An escalation is about one plan action or one indicator.",
            ),
        ]

    def __str__(self):
        return f"Escalation of {self.subject_ref}"

    def get_absolute_url(self):
        return self.subject.get_absolute_url()

    @property
    def subject(self):
        """The action or indicator escalated."""
        return self.action if self.action_id else self.indicator

    @property
    def subject_ref(self):
        return self.action.ref if self.action_id else self.indicator.code

    @property
    def is_open(self):
        return self.resolved_by_decision_id is None

    @classmethod
    def escalate(cls, *, reason, raised_by, action=None, indicator=None):
        """Ask the Board to discuss `action` or `indicator`. Refused while an earlier escalation of the
        same thing still waits for the Board's decision."""
        waiting = cls.objects.open().filter(action=action, indicator=indicator).first()
        if waiting is not None:
            raise ValidationError(
                f"{waiting.subject_ref} was escalated on {timezone.localtime(waiting.raised_at):%d %B %Y} "
                "and is waiting for the Board's decision."
            )
        escalation = cls(action=action, indicator=indicator, reason=reason.strip(), raised_by=raised_by)
        escalation.full_clean()
        with transaction.atomic():
            escalation.save()
            escalated.send(sender=cls, escalation=escalation)
        return escalation

    def resolve(self, *, meeting, text):
        """Record the Board's decision on this escalation at `meeting`, as one of its decisions."""
        if not meeting.is_board_meeting:
            raise ValidationError("Only the Improvement Board decides on escalations.")
        if not self.is_open:
            raise ValidationError("The Board has already recorded a decision on this escalation.")
        with transaction.atomic():
            decision = meeting.decisions.create(
                order=meeting.decisions.count() + 1, text=f"{self.subject_ref}: {text.strip()}"
            )
            self.resolved_by_decision = decision
            self.save(update_fields=["resolved_by_decision", "updated"])
        return decision


class BoardPackQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self if user.is_authenticated else self.none()

    def listing(self):
        """Packs without their (large) HTML and PDF, for lists."""
        return self.defer("html", "pdf").select_related("generated_by").order_by("-generated_at", "-pk")


class BoardPack(models.Model):
    """A board pack as generated for a meeting, kept unchanged: what the Board saw, and when."""

    meeting = models.ForeignKey("governance.Meeting", on_delete=models.CASCADE, related_name="board_packs")
    generated_at = models.DateTimeField(default=timezone.now, editable=False)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="board_packs",
    )
    html = models.TextField(editable=False)
    pdf = models.BinaryField(editable=False)

    objects = BoardPackQuerySet.as_manager()

    class Meta:
        ordering = ["-generated_at", "-pk"]

    def __str__(self):
        return (
            f"Board pack for {self.meeting}, generated {timezone.localtime(self.generated_at):%d %b %Y %H:%M}"
        )

    def get_absolute_url(self):
        return reverse("governance:boardpack_detail", args=[self.pk])

    @property
    def filename(self):
        return (
            f"board-pack-{self.meeting.date:%Y-%m-%d}-{timezone.localtime(self.generated_at):%Y%m%d-%H%M}.pdf"
        )


class PackRequestStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    GENERATING = "generating", "Generating"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


PACK_REQUEST_COLOURS = {
    PackRequestStatus.QUEUED: "grey",
    PackRequestStatus.GENERATING: "",
    PackRequestStatus.READY: "green",
    PackRequestStatus.FAILED: "red",
}
UNDER_WAY = [PackRequestStatus.QUEUED, PackRequestStatus.GENERATING]


class BoardPackRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self if user.is_authenticated else self.none()

    def under_way(self):
        """Requests waiting for the worker or being generated (at most one per meeting)."""
        return self.filter(status__in=UNDER_WAY)


class BoardPackRequest(models.Model):
    """A press of "Generate": the board pack a background task is making for a meeting, and how far it
    has got (queued, generating, ready, failed with the reason). The database allows one under way per
    meeting, so a second press, even at the same instant, is told the first is under way."""

    meeting = models.ForeignKey("governance.Meeting", on_delete=models.CASCADE, related_name="pack_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pack_requests",
    )
    requested_at = models.DateTimeField(default=timezone.now, editable=False)
    status = models.CharField(max_length=20, choices=PackRequestStatus, default=PackRequestStatus.QUEUED)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True, help_text="Why generating the pack failed.")
    pack = models.OneToOneField(
        "governance.BoardPack", on_delete=models.SET_NULL, null=True, blank=True, related_name="request"
    )

    objects = BoardPackRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting"],
                condition=Q(status__in=UNDER_WAY),
                name="%(app_label)s_%(class)s_one_under_way_per_meeting",
                violation_error_message="A board pack for this meeting is already being generated.",
            ),
        ]

    def __str__(self):
        return f"Board pack for {self.meeting}: {self.get_status_display().lower()}"

    def get_absolute_url(self):
        return reverse("governance:boardpackrequest_detail", args=[self.pk])

    @property
    def is_under_way(self):
        return self.status in UNDER_WAY

    @property
    def tag_colour(self):
        return PACK_REQUEST_COLOURS[PackRequestStatus(self.status)]

    @classmethod
    def request(cls, meeting, *, by):
        """Ask for a pack for `meeting`: a new queued request, or (created False) the one already under way.
        Race-safe: the database's constraint decides between two presses at the same instant."""
        try:
            with transaction.atomic():
                return cls.objects.create(meeting=meeting, requested_by=by), True
        except IntegrityError:
            return cls.objects.under_way().get(meeting=meeting), False

    def start(self):
        """Mark the request as generating (again, when a worker that died is replaced). Returns False
        when there is nothing left to do: the pack is ready."""
        if self.status == PackRequestStatus.READY:
            return False
        self.status, self.started_at, self.error = PackRequestStatus.GENERATING, timezone.now(), ""
        self.save(update_fields=["status", "started_at", "error"])
        return True

    def finish(self, pack):
        self.status, self.pack, self.finished_at = PackRequestStatus.READY, pack, timezone.now()
        self.save(update_fields=["status", "pack", "finished_at"])

    def fail(self, reason):
        self.status, self.error, self.finished_at = PackRequestStatus.FAILED, reason, timezone.now()
        self.save(update_fields=["status", "error", "finished_at"])


def new_calendar_token():
    """The random secret calendar links had before they were signed (migration 0004 names it)."""
    return secrets.token_urlsafe(32)


CALENDAR_SALT = "governance.CalendarFeed"


class CalendarFeed(models.Model):
    """A person's secret calendar link. Whoever has the link can read the meeting dates, so it can be reset.

    Nothing secret is stored: the link's secret is the person and the link's generation, signed with
    SECRET_KEY (`token`), so a copy of the database or a backup alone opens nobody's calendar. Resetting
    moves the generation on, and every earlier link stops working. Changing SECRET_KEY changes every link
    (unless the old key is kept in SECRET_KEY_FALLBACKS)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    generation = models.PositiveIntegerField(default=1, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    reset_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["user"]

    def __str__(self):
        return f"Calendar link of {self.user}"

    def get_absolute_url(self):
        return reverse("governance:calendar_feed", args=[self.token])

    @property
    def token(self):
        """The secret in the link, e.g. 'WzEyLDNd:…' (the same on every visit until a reset)."""
        return signing.Signer(salt=CALENDAR_SALT).sign_object([self.user_id, self.generation])

    @classmethod
    def for_token(cls, token):
        """The feed of an active person whose current link has this secret, else None."""
        try:
            user_id, generation = signing.Signer(salt=CALENDAR_SALT).unsign_object(token)
        except (signing.BadSignature, ValueError, TypeError):
            return None
        return (
            cls.objects.filter(user_id=user_id, generation=generation, user__is_active=True)
            .select_related("user")
            .first()
        )

    def reset(self):
        """Give the link a new secret: the old link stops working at once."""
        self.generation += 1
        self.reset_at = timezone.now()
        self.save(update_fields=["generation", "reset_at"])
