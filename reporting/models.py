"""Highlight reports: what a workstream lead tells each Board meeting about their priority.

Imports no governance module (meetings are named by string), so the board pack can read reports.
"""

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from send_portal.models import ReviewedModel, ReviewQuerySet, TimeStampedModel, VersionedModel
from send_portal.rules import is_administrator, is_operations


class Assessment(models.TextChoices):
    """The overall assessment of a priority, from a fixed scale; MEANINGS says what each one means."""

    ON_TRACK = "on_track", "On track"
    SOME_CONCERNS = "some_concerns", "Some concerns"
    SIGNIFICANT_CONCERNS = "significant_concerns", "Significant concerns"
    COMPLETE = "complete", "Complete"


# Shown where the assessment is chosen, and in the board pack's key.
MEANINGS = {
    Assessment.ON_TRACK: "Delivery and impact are where the plan expects them to be. The workstream needs "
    "nothing from the Board beyond its usual oversight.",
    Assessment.SOME_CONCERNS: "Some actions or indicators are behind, but the workstream has a credible plan "
    "to recover them with its own resources.",
    Assessment.SIGNIFICANT_CONCERNS: "The priority will not be delivered as planned without a change: the "
    "workstream needs a decision or support from the Board.",
    Assessment.COMPLETE: "The priority's actions are delivered and their impact is evidenced; the workstream "
    "reports for monitoring only.",
}
# GOV.UK tag modifier for each assessment ("" is the plain blue tag); the word is always shown with it.
ASSESSMENT_COLOURS = {
    Assessment.ON_TRACK: "green",
    Assessment.SOME_CONCERNS: "yellow",
    Assessment.SIGNIFICANT_CONCERNS: "red",
    Assessment.COMPLETE: "",
}
# Better is lower: the change since the last Board compares these.
ASSESSMENT_RANK = {
    Assessment.COMPLETE: 0,
    Assessment.ON_TRACK: 1,
    Assessment.SOME_CONCERNS: 2,
    Assessment.SIGNIFICANT_CONCERNS: 3,
}


class Ask(models.TextChoices):
    """What the workstream asks of the Board."""

    DECISION = "decision", "Decision"
    SUPPORT = "support", "Support"
    NONE = "none", "None"


ASK_MEANINGS = {
    Ask.DECISION: "The Board is asked to decide something only it can decide.",
    Ask.SUPPORT: "The Board is asked to help: unblock, lend its weight or find resources.",
    Ask.NONE: "The workstream asks nothing of the Board this time.",
}


class Change(models.TextChoices):
    """A priority's change since the last Board: its assessment against the previous report's."""

    BETTER = "better", "Better"
    SAME = "same", "Same"
    WORSE = "worse", "Worse"
    FIRST = "first", "First report"


def change_between(previous, current):
    """Better, same or worse from the `previous` assessment to the `current` one; FIRST without a previous."""
    if previous is None:
        return Change.FIRST
    was, now = ASSESSMENT_RANK[Assessment(previous)], ASSESSMENT_RANK[Assessment(current)]
    if now < was:
        return Change.BETTER
    return Change.SAME if now == was else Change.WORSE


class HighlightReportQuerySet(ReviewQuerySet):
    def visible_to(self, user):
        """Every signed-in role reads every report."""
        return self if user.is_authenticated else self.none()

    def editable_by(self, user):
        """Reports the user may write: the twin of reporting.change_highlightreport."""
        if not user.is_authenticated:
            return self.none()
        if is_operations(user) or is_administrator(user):
            return self
        return self.filter(priority__lead=user)

    def for_summary(self):
        return self.select_related("priority", "meeting", "author")


class HighlightReport(ReviewedModel, TimeStampedModel, VersionedModel):
    """A priority's highlight report to one Board meeting: the assessment and its reason, achievements,
    risks and issues, and the ask of the Board, citing the actions and indicators behind it."""

    priority = models.ForeignKey(
        "actions.Priority", on_delete=models.PROTECT, related_name="highlight_reports"
    )
    meeting = models.ForeignKey(
        "governance.Meeting", on_delete=models.PROTECT, related_name="highlight_reports"
    )
    assessment = models.CharField("overall assessment", max_length=30, choices=Assessment)
    reason = models.CharField(
        "the reason, in one sentence", max_length=300, help_text="Why this assessment, in one sentence."
    )
    achievements = models.TextField("achievements since the last report", blank=True)
    risks = models.TextField("risks and issues", blank=True)
    ask_kind = models.CharField("what the workstream asks of the Board", max_length=20, choices=Ask)
    ask = models.TextField("the ask, in words", blank=True)
    actions = models.ManyToManyField("actions.Action", blank=True, related_name="highlight_reports")
    indicators = models.ManyToManyField("indicators.Indicator", blank=True, related_name="highlight_reports")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="highlight_reports",
    )

    history = HistoricalRecords(m2m_fields=[actions, indicators])
    objects = HighlightReportQuerySet.as_manager()

    class Meta:
        ordering = ["priority__number", "-meeting__date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["priority", "meeting"],
                name="%(app_label)s_%(class)s_one_per_priority_and_meeting",
                violation_error_message="This priority already has a highlight report for this meeting.",
            ),
            models.CheckConstraint(
                condition=Q(ask_kind=Ask.NONE) | ~Q(ask=""),
                name="%(app_label)s_%(class)s_ask_has_words",
                violation_error_message="Say what the workstream asks of the Board.",
            ),
        ]

    def __str__(self):
        return f"Highlight report: priority {self.priority.number} to {self.meeting}"

    def get_absolute_url(self):
        return reverse("reporting:highlightreport_detail", args=[self.pk])

    @property
    def assessment_colour(self):
        return ASSESSMENT_COLOURS[Assessment(self.assessment)]

    @property
    def assessment_meaning(self):
        return MEANINGS[Assessment(self.assessment)]

    @property
    def has_ask(self):
        return self.ask_kind != Ask.NONE

    @property
    def ask_text(self):
        """The ask as the summary shows it: "Decision: approve …", or "None"."""
        if not self.has_ask:
            return Ask.NONE.label
        return f"{self.get_ask_kind_display()}: {self.ask}"


# --- Reporting periods, their snapshots and evidence packs -------------------------------------------------
class PeriodStatus(models.TextChoices):
    """A reporting period is open while updates come in, then closed: its snapshot is taken."""

    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


PERIOD_STATUS_COLOURS = {PeriodStatus.OPEN: "green", PeriodStatus.CLOSED: "grey"}


class PeriodQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Every signed-in role reads the periods and the plan as reported on each."""
        return self if user.is_authenticated else self.none()

    def open(self):
        return self.filter(status=PeriodStatus.OPEN)

    def closed(self):
        return self.filter(status=PeriodStatus.CLOSED)

    def current(self, today=None):
        """The open period whose updates are due soonest: the one leads are reporting to now, or None."""
        return self.open().order_by("updates_due_by", "start", "pk").first()

    def for_table(self):
        """Periods for the list, each with `being_closed`: a press of "Close the period" is under way."""
        under_way = PeriodCloseRequest.objects.under_way().filter(period=models.OuterRef("pk"))
        return (
            self.select_related("meeting", "closed_by")
            .annotate(being_closed=models.Exists(under_way))
            .order_by("-start", "-pk")
        )


class Period(TimeStampedModel):
    """One turn of the Board's cycle (monthly by default): updates dated from `start` to `end` are due by
    `updates_due_by`; the Operations Group then closes it, which freezes the plan as reported in a
    PeriodSnapshot for the Board meeting it reports to."""

    start = models.DateField("first day")
    end = models.DateField("last day")
    updates_due_by = models.DateField("updates due by")
    meeting = models.ForeignKey(
        "governance.Meeting",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reporting_periods",
        help_text="The Improvement Board meeting this period reports to.",
    )
    status = models.CharField(max_length=10, choices=PeriodStatus, default=PeriodStatus.OPEN, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="closed_periods",
        editable=False,
    )
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = HistoricalRecords()
    objects = PeriodQuerySet.as_manager()

    class Meta:
        ordering = ["-start", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=models.F("start")),
                name="%(app_label)s_%(class)s_ends_after_start",
                violation_error_message="The last day must be on or after the first day.",
            ),
            models.CheckConstraint(
                condition=Q(updates_due_by__gte=models.F("start")),
                name="%(app_label)s_%(class)s_due_after_start",
                violation_error_message="Updates cannot be due before the period starts.",
            ),
            models.CheckConstraint(
                condition=Q(status=PeriodStatus.OPEN) | Q(closed_at__isnull=False),
                name="%(app_label)s_%(class)s_closed_has_time",
                violation_error_message="A closed period records when it was closed.",
            ),
            models.UniqueConstraint(
                fields=["start"],
                name="%(app_label)s_%(class)s_one_per_start",
                violation_error_message="A reporting period already starts on that day.",
            ),
        ]

    def __str__(self):
        if self.start.day == 1 and self.start.month == self.end.month and self.start.year == self.end.year:
            return f"Reporting period {self.start:%B %Y}"
        return f"Reporting period {self.start:%-d %b %Y} to {self.end:%-d %b %Y}"

    def get_absolute_url(self):
        return reverse("reporting:period_detail", args=[self.pk])

    @property
    def is_closed(self):
        return self.status == PeriodStatus.CLOSED

    @property
    def status_colour(self):
        return PERIOD_STATUS_COLOURS[PeriodStatus(self.status)]

    @property
    def label(self):
        return str(self).removeprefix("Reporting period ")

    def latest_close_request(self):
        """The last press of "Close the period" (a PeriodCloseRequest), or None. One query."""
        return self.close_requests.select_related("requested_by").order_by("-requested_at", "-pk").first()


class SnapshotFrozen(Exception):
    """A period's snapshot never changes once taken."""


class PeriodSnapshot(models.Model):
    """The plan as reported on a closed period, frozen when it closed: every action's status, dates and
    latest approved update, every indicator's latest approved value and readings, and the highlight reports
    to the period's meeting (reporting/snapshots.py builds `data`). Never changed or deleted afterwards:
    save() and delete() refuse, the admin is read-only and the database refuses an UPDATE (migration 0004)."""

    period = models.OneToOneField("reporting.Period", on_delete=models.PROTECT, related_name="snapshot")
    data = models.JSONField()
    taken_at = models.DateTimeField()
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-taken_at", "-pk"]

    def __str__(self):
        return f"Snapshot of {self.period}"

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise SnapshotFrozen("A period's snapshot never changes once taken.")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self.period.get_absolute_url()

    def delete(self, *args, **kwargs):
        raise SnapshotFrozen("A period's snapshot is never deleted.")


class CloseStatus(models.TextChoices):
    """How far a press of "Close the period" has got: waiting for the worker, taking the snapshot, done, or
    failed (with the reason)."""

    QUEUED = "queued", "Queued"
    CLOSING = "closing", "Being closed"
    CLOSED = "closed", "Closed"
    FAILED = "failed", "Failed"


CLOSE_UNDER_WAY = [CloseStatus.QUEUED, CloseStatus.CLOSING]


class PeriodCloseRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self if user.is_authenticated else self.none()

    def under_way(self):
        """Requests waiting for the worker or being closed (at most one per period)."""
        return self.filter(status__in=CLOSE_UNDER_WAY)


class PeriodCloseRequest(models.Model):
    """A press of "Close the period": the background task closing the period (reporting.tasks, which calls
    snapshots.close_period), who asked and when, and how far it has got (queued, being closed, closed, or
    failed with the reason). The database allows one under way per period, so a second press, even at the
    same instant, is told the first is under way."""

    period = models.ForeignKey("reporting.Period", on_delete=models.CASCADE, related_name="close_requests")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="period_close_requests",
    )
    requested_at = models.DateTimeField(default=timezone.now, editable=False)
    status = models.CharField(max_length=20, choices=CloseStatus, default=CloseStatus.QUEUED)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True, help_text="Why closing the period failed.")

    objects = PeriodCloseRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["period"],
                condition=Q(status__in=CLOSE_UNDER_WAY),
                name="%(app_label)s_%(class)s_one_under_way_per_period",
                violation_error_message="This period is already being closed.",
            ),
        ]

    def __str__(self):
        return f"Closing {self.period}: {self.get_status_display().lower()}"

    def get_absolute_url(self):
        return self.period.get_absolute_url()

    @property
    def is_under_way(self):
        return self.status in CLOSE_UNDER_WAY

    @property
    def has_failed(self):
        return self.status == CloseStatus.FAILED

    @classmethod
    def request(cls, period, *, by):
        """Ask for `period` to be closed: a new queued request, or (created False) the latest one, which is
        under way. Race-safe: the database's constraint decides between two presses at the same instant."""
        try:
            with transaction.atomic():
                return cls.objects.create(period=period, requested_by=by), True
        except IntegrityError:
            return cls.objects.filter(period=period).order_by("-requested_at", "-pk").first(), False

    def start(self):
        """Mark the request as being closed (again, when a worker that died is replaced). Returns False when
        there is nothing left to do: the request is done."""
        if self.status == CloseStatus.CLOSED:
            return False
        self.status, self.started_at, self.error = CloseStatus.CLOSING, timezone.now(), ""
        self.save(update_fields=["status", "started_at", "error"])
        return True

    def finish(self):
        self.status, self.finished_at = CloseStatus.CLOSED, timezone.now()
        self.save(update_fields=["status", "finished_at"])

    def fail(self, reason):
        self.status, self.error, self.finished_at = CloseStatus.FAILED, reason, timezone.now()
        self.save(update_fields=["status", "error", "finished_at"])


class PackStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    GENERATING = "generating", "Generating"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


PACK_STATUS_COLOURS = {PackStatus.QUEUED: "grey", PackStatus.GENERATING: "", PackStatus.READY: "green"}
PACK_STATUS_COLOURS[PackStatus.FAILED] = "red"


class EvidencePackQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self if user.is_authenticated else self.none()

    def listing(self):
        """Packs without their (large) PDF and ZIP, for lists and progress pages."""
        return self.defer("pdf", "zip_file").select_related("priority", "requested_by")


class EvidencePack(models.Model):
    """An evidence pack for inspectors about one priority over a date range: a tagged PDF and a ZIP of the
    evidence files with a CSV index, made by a background task and kept with who asked and when."""

    priority = models.ForeignKey("actions.Priority", on_delete=models.PROTECT, related_name="evidence_packs")
    starts_on = models.DateField("from")
    ends_on = models.DateField("to")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=20, choices=PackStatus, default=PackStatus.QUEUED)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    pdf = models.BinaryField(editable=False, default=bytes)
    zip_file = models.BinaryField(editable=False, default=bytes)
    file_count = models.PositiveIntegerField(default=0)

    objects = EvidencePackQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="%(app_label)s_%(class)s_ends_after_start",
                violation_error_message="The end of the range must be on or after its start.",
            ),
        ]

    def __str__(self):
        return f"Evidence pack: priority {self.priority.number}, {self.starts_on:%-d %b %Y} to {self.ends_on:%-d %b %Y}"

    def get_absolute_url(self):
        return reverse("reporting:evidencepack_detail", args=[self.pk])

    @property
    def is_under_way(self):
        return self.status in (PackStatus.QUEUED, PackStatus.GENERATING)

    @property
    def is_ready(self):
        return self.status == PackStatus.READY

    @property
    def tag_colour(self):
        return PACK_STATUS_COLOURS[PackStatus(self.status)]

    @property
    def has_failed(self):
        return self.status == PackStatus.FAILED

    def retry(self):
        """Set a failed pack back to queued, for its task to make it again. Returns False, changing nothing,
        unless the pack had failed. Race-safe: of two presses at the same instant, the database lets one
        through (a conditional UPDATE; the pack keeps no history)."""
        retried = EvidencePack.objects.filter(pk=self.pk, status=PackStatus.FAILED).update(
            status=PackStatus.QUEUED, started_at=None, finished_at=None, error=""
        )
        self.refresh_from_db(fields=["status", "started_at", "finished_at", "error"])
        return bool(retried)

    @property
    def filename_stem(self):
        return f"evidence-priority-{self.priority.number}-{self.starts_on:%Y%m%d}-{self.ends_on:%Y%m%d}"
