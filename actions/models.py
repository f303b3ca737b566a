"""The plan: its priorities, their actions and the dated progress updates on each action."""

import re
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models, transaction
from django.db.models import Case, F, Q, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from actions.signals import due_date_revised, marked_off_track
from send_portal.models import (
    Partnership,
    ReviewedModel,
    ReviewQuerySet,
    StaleEdit,
    TimeStampedModel,
    VersionedModel,
)
from send_portal.rules import is_administrator, is_operations

STALE_AFTER_DAYS = 30  # "No recent update": no progress update for this many days


class Status(models.TextChoices):
    """An action's delivery status, as set by its latest progress update."""

    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "On track"
    AT_RISK = "at_risk", "At risk"
    OFF_TRACK = "off_track", "Off track"
    COMPLETE = "complete", "Complete"


# GOV.UK Frontend tag modifier for each status (govuk-tag--<colour>); "" is the plain blue tag.
# The status word is always shown with the colour.
TAG_COLOURS = {
    Status.NOT_STARTED: "grey",
    Status.ON_TRACK: "green",
    Status.AT_RISK: "yellow",
    Status.OFF_TRACK: "red",
    Status.COMPLETE: "",
}
FLAG_COLOUR = "orange"  # the derived flags "Overdue" and "No recent update"

# RAG rating of each status, for reports that speak red/amber/green.
RAG = {
    Status.NOT_STARTED: "Grey",
    Status.ON_TRACK: "Green",
    Status.AT_RISK: "Amber",
    Status.OFF_TRACK: "Red",
    Status.COMPLETE: "Blue",
}
NEEDS_MITIGATION = {Status.AT_RISK, Status.OFF_TRACK}


OVERDUE_REASON_MISSING = "Say why the action is still overdue"


IMPACT_NEEDS_COMPLETE = (
    "Evidence of impact goes with an update that marks the action complete: select Complete, or leave the "
    "impact fields empty"
)
IMPACT_NEEDS_WORDS = "Describe the impact families and the data show, to go with the impact link or file"


def missing_update_details(
    status,
    mitigation,
    has_evidence,
    *,
    action=None,
    overdue_reason="",
    revises_due_date=False,
    impact="",
    has_impact_file=False,
):
    """The one rule for what a new progress update must say beyond its narrative: {field: message}.

    At risk or off track needs what is being done about it; complete needs evidence of delivery (unless
    the action is already delivered and the update adds evidence of impact); evidence of impact (`impact`,
    the narrative, with an optional link or file: `has_impact_file`) goes only with complete, and a link
    or file needs the narrative; an update on an overdue `action` that leaves it open needs the reason it
    is still overdue, unless it revises the due date (Action.needs_overdue_explanation). (Applied to
    updates people post, in the portal's form and the admin's; updates imported from an old plan file are
    taken as they were.)
    """
    errors = {}
    if status in NEEDS_MITIGATION and not (mitigation or "").strip():
        errors["mitigation"] = "Say what is being done about the action being at risk or off track"
    already_delivered = action is not None and action.status == Status.COMPLETE
    if status == Status.COMPLETE and not has_evidence and not already_delivered:
        errors["evidence_link"] = "Add a link to evidence or upload a file that shows the action is complete"
    has_impact_words = bool((impact or "").strip())
    if (has_impact_words or has_impact_file) and status != Status.COMPLETE:
        errors["impact_narrative"] = IMPACT_NEEDS_COMPLETE
    elif has_impact_file and not has_impact_words:
        errors["impact_narrative"] = IMPACT_NEEDS_WORDS
    if (
        action is not None
        and action.needs_overdue_explanation(status)
        and not revises_due_date
        and not (overdue_reason or "").strip()
    ):
        errors["overdue_reason"] = OVERDUE_REASON_MISSING
    return errors


def _short_date(day, today):
    """'3 Nov' this year, '3 Nov 2025' in another."""
    return f"{day:%-d %b}" if day.year == today.year else f"{day:%-d %b %Y}"


def _days(n):
    return f"{n} day{'' if n == 1 else 's'}"


@dataclass(frozen=True)
class ActionReading:
    """An action's status read as one sentence: the lead's declared status (with when it was declared) and
    the schedule facts beside it, e.g. "On track (declared 3 Nov) · due 30 Sep, 62 days overdue · no
    update for 41 days". `status` is shown as a tag; `text` is the whole sentence in words."""

    status: Status
    declared: str  # "declared 3 Nov", or "no update yet"
    schedule: tuple  # e.g. ("due 30 Sep, 62 days overdue", "no update for 41 days")
    overdue: bool
    stale: bool
    impact: str = ""  # for a delivered action: "impact evidenced 4 Jun" or "impact not yet evidenced"

    @property
    def details(self):
        """Everything after the status word: "(declared 3 Nov) · due 30 Sep, 62 days overdue"."""
        parts = [*self.schedule, self.impact] if self.impact else self.schedule
        return "".join([f"({self.declared})", *(f" · {part}" for part in parts)])

    @property
    def text(self):
        return f"{self.status.label} {self.details}"

    @property
    def contradicts(self):
        """The declared status says all is well while the schedule says otherwise."""
        return self.status == Status.ON_TRACK and (self.overdue or self.stale)

    def __str__(self):
        return self.text


def read_status(
    *,
    status,
    declared_on,
    due_date,
    revised_from=None,
    completed_on=None,
    since=None,
    today=None,
    stale_after=STALE_AFTER_DAYS,
    due_precision="day",
    revised_from_precision="day",
    impact_evidenced_on=None,
):
    """The one reading of an action's status, from its facts (no database): the declared `status` and
    the date of the update that declared it (`declared_on`, None when never updated), the current
    `due_date` (and the original it was `revised_from`), `completed_on`, and `since`, the date its
    "no recent update" clock started (the last update, else the start date). Overdue and stale follow
    the rules of overdue_condition and stale_condition; for a delivered action, `impact_evidenced_on` (None:
    not yet). The facts come from approved updates only (Action.derived_status). The dates are written as
    precisely as the plan gives them (`due_precision`, `revised_from_precision`; date_in_words): "due May
    2025", "due date to be confirmed"."""
    today = today or timezone.localdate()
    status = Status(status)
    declared = f"declared {_short_date(declared_on, today)}" if declared_on else "no update yet"
    if due_precision == DatePrecision.TBC or due_date == TBC_DATE:
        due = "due date to be confirmed"
    else:
        due = f"due {date_in_words(due_date, due_precision, short=True, today=today)}"
    if revised_from and revised_from != due_date:
        due += (
            f" (revised from {date_in_words(revised_from, revised_from_precision, short=True, today=today)})"
        )
    schedule = []
    overdue = stale = False
    impact = ""
    if status == Status.COMPLETE:
        done = completed_on or declared_on
        late = (done - due_date).days if done else 0
        schedule.append(f"was {due}" + (f", completed {_days(late)} late" if late > 0 else ""))
        impact = (
            f"impact evidenced {_short_date(impact_evidenced_on, today)}"
            if impact_evidenced_on
            else "impact not yet evidenced"
        )
    else:
        overdue = due_date < today
        if overdue:
            schedule.append(f"{due}, {_days((today - due_date).days)} overdue")
        elif due_date == today:
            schedule.append(f"{due} (today)")
        else:
            schedule.append(due)
        quiet = (today - since).days if since else None
        stale = quiet is not None and quiet > stale_after
        if stale:
            schedule.append(
                f"no update for {_days(quiet)}"
                if declared_on
                else f"no update in the {_days(quiet)} since it started"
            )
    return ActionReading(status, declared, tuple(schedule), overdue, stale, impact)


class PriorityKind(models.TextChoices):
    PRIORITY_ACTION = "priority_action", "Area for priority action"
    AREA_FOR_IMPROVEMENT = "area_for_improvement", "Area for improvement"


class DatePrecision(models.TextChoices):
    """How precisely a plan gives a due date. The date stored is the last day of the period (31 May 2025
    for "May 2025"), so every rule that compares due dates (overdue, due soon, ordering) judges the
    action at the end of that period without knowing about precision."""

    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"
    TBC = "tbc", "To be confirmed"


# The date stored for a due date "to be confirmed": after every real date, so never overdue or due soon.
TBC_DATE = date(9999, 12, 31)


def date_in_words(value, precision=DatePrecision.DAY, *, short=False, today=None):
    """The one way a plan date is written: as precisely as the plan gives it, '31 May 2025', 'May 2025',
    '2026' or 'To be confirmed'. `short` abbreviates the month for tables and sentences ('3 Nov 2025',
    'Nov 2025'); with `today` too, a day in today's year drops its year ('3 Nov')."""
    if value is None:
        return ""
    if precision == DatePrecision.TBC or value == TBC_DATE:
        return DatePrecision.TBC.label
    if precision == DatePrecision.YEAR:
        return f"{value:%Y}"
    if precision == DatePrecision.MONTH:
        return f"{value:%b %Y}" if short else f"{value:%B %Y}"
    if short:
        return _short_date(value, today) if today else f"{value:%-d %b %Y}"
    return f"{value:%-d %B %Y}"


class LeadOrganisation(models.TextChoices):
    COUNCIL = "council", "Council"
    ICB = "icb", "ICB"
    JOINT = "joint", "Council and ICB"
    OTHER = "other", "Other partner"


class PlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Every signed-in role may read the plan, and its earlier versions."""
        return self if user.is_authenticated else self.none()

    def current(self):
        """Plans no import has replaced: the portal runs the newest of them."""
        return self.filter(superseded_by__isnull=True)

    def superseded(self):
        return self.filter(superseded_by__isnull=False)


class CurrentPlanManager(models.Manager):
    """The default manager of the plan's records (priorities, actions, indicators): only the current
    version's. Records of a plan an import replaced are kept, read-only, with `archived_in` set to that
    plan; every page, count, export, mail and API reads through this manager, so they are on none of them
    (and a page that edits one answers 404). `all_versions` reads them all (the versions pages)."""

    def get_queryset(self):
        return super().get_queryset().filter(archived_in__isnull=True)


def archived_in_field():
    return models.ForeignKey(
        "actions.Plan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="Empty for the current plan; the earlier plan version it belongs to once an import replaced it.",
    )


class Plan(TimeStampedModel):
    """The Priority Action Plan itself: its title, approval dates and the inspection it answers."""

    title = models.CharField(max_length=300)
    inspection_published_on = models.DateField("inspection report published", null=True, blank=True)
    inspection_outcome = models.TextField(blank=True)
    approved_on = models.DateField("approved by the partnership", null=True, blank=True)
    ofsted_approved_on = models.DateField("approved by Ofsted", null=True, blank=True)
    is_demonstration = models.BooleanField(
        "demonstration data",
        default=False,
        help_text="Shows a 'demonstration data' banner on every page: the plan holds invented values.",
    )
    # Set by `manage.py load_plan`: what it last loaded (the file, how far its dates were moved and the
    # demo password, hashed), so running it again on the same file can be skipped; and that move.
    loaded_fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    dates_moved_months = models.PositiveSmallIntegerField(
        "dates moved by (months)",
        default=0,
        editable=False,
        help_text="The demo plan's dates are moved on by whole months when loaded, so that its story is today.",
    )
    superseded_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="replaces",
        help_text="The version that replaced this one: its records are then kept read-only.",
    )
    superseded_at = models.DateTimeField(null=True, blank=True, editable=False)

    history = HistoricalRecords()
    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("plan_import:version_detail", args=[self.pk])

    @classmethod
    def current(cls):
        """The plan this portal runs (one query), or None before one is loaded."""
        return cls.objects.current().order_by("-pk").first()

    @property
    def is_current(self):
        return self.superseded_by_id is None

    def supersede(self, *, by, new_title=None):
        """Keep this version read-only and start a new current one (in the caller's transaction): every
        current priority, action and indicator is moved into this version, saved so that history records
        `by` as the person who did it. Returns the new Plan."""
        new = Plan(title=new_title or self.title)
        new._history_user = by
        new.save()
        for model in (_indicator_model(), Action, Priority):
            for record in model.objects.all():
                record.archived_in = self
                record._history_user = by
                record.save()
        self.superseded_by, self.superseded_at = new, timezone.now()
        self._history_user = by
        self.save(update_fields=["superseded_by", "superseded_at", "updated"])
        return new

    def archived(self, model):
        """This earlier version's records of `model` (Priority, Action or Indicator)."""
        return model.all_versions.filter(archived_in=self)


def _indicator_model():
    from django.apps import apps

    return apps.get_model("indicators", "Indicator")


class PriorityQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Every signed-in role may read the whole plan."""
        return self if user.is_authenticated else self.none()

    def led_by(self, user):
        return self.filter(lead=user)

    def in_number_order(self):
        """Priorities in the plan's number order. Say it whenever the query aggregates: Django leaves
        Meta.ordering out of a GROUP BY query, and the rows then come back in whatever order the database
        reads them (on PostgreSQL, a priority saved last comes last)."""
        return self.order_by("number")

    def with_action_counts(self, today=None):
        """Annotate each priority with its actions by status, `overdue`, `stale`, `attention` (at risk, off
        track or overdue) and `total` (one query), in number order."""
        counts = {
            f"count_{status.value}": models.Count("actions", filter=Q(actions__status=status))
            for status in Status
        }
        return self.annotate(
            total=models.Count("actions"),
            overdue=models.Count("actions", filter=overdue_condition(today, prefix="actions__")),
            stale=models.Count("actions", filter=stale_condition(today, prefix="actions__")),
            # at risk, off track or overdue: the actions needing_attention() lists
            attention=models.Count(
                "actions",
                filter=Q(actions__status__in=NEEDS_MITIGATION) | overdue_condition(today, prefix="actions__"),
            ),
            **counts,
        ).in_number_order()


class Priority(TimeStampedModel):
    """One of the plan's areas for priority action or areas for improvement."""

    number = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    kind = models.CharField(max_length=30, choices=PriorityKind, default=PriorityKind.PRIORITY_ACTION)
    short_title = models.CharField(max_length=200)
    statement = models.TextField(help_text="The inspection report's words, verbatim.")
    expected_impact = models.TextField(blank=True)
    success_looks_like = models.TextField(blank=True, help_text="One measure of success per line.")
    workstream_name = models.CharField(max_length=200, blank=True)
    notes = models.TextField(
        blank=True,
        help_text="What the imported plan said that has no field here, one 'column: value' a line.",
    )
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_priorities",
        help_text="The workstream lead.",
    )

    archived_in = archived_in_field()

    history = HistoricalRecords()
    objects = CurrentPlanManager.from_queryset(PriorityQuerySet)()
    all_versions = PriorityQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        verbose_name_plural = "priorities"
        base_manager_name = "all_versions"
        constraints = [
            models.UniqueConstraint(
                fields=["number"],
                condition=Q(archived_in__isnull=True),
                name="%(app_label)s_%(class)s_number_unique",
                violation_error_message="Another priority of the plan has this number.",
            ),
            models.UniqueConstraint(
                fields=["archived_in", "number"],
                name="%(app_label)s_%(class)s_number_unique_in_version",
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="%(app_label)s_%(class)s_number_positive",
                violation_error_message="A priority's number starts at 1.",
            ),
        ]

    def __str__(self):
        return f"{Partnership.current().priority_word} {self.number}: {self.short_title}"

    def get_absolute_url(self):
        return reverse("actions:priority_detail", args=[self.number])

    @property
    def status_counts(self):
        """(status, tag colour, number of actions) for each status; needs with_action_counts()."""
        return [(status, TAG_COLOURS[status], getattr(self, f"count_{status.value}")) for status in Status]

    @property
    def success_measures(self):
        """The 'what success looks like' lines as a list."""
        return [line.strip() for line in self.success_looks_like.splitlines() if line.strip()]


def overdue_condition(today=None, prefix=""):
    """The one rule for 'overdue', as a Q: open, and today is after the current due date.

    `prefix` lets aggregates over a relation use the same rule, e.g. prefix="actions__".
    """
    today = today or timezone.localdate()
    p = prefix
    return ~Q(**{f"{p}status": Status.COMPLETE}) & (
        Q(**{f"{p}revised_due_date__lt": today})
        | Q(**{f"{p}revised_due_date__isnull": True, f"{p}due_date__lt": today})
    )


def stale_condition(today=None, days=STALE_AFTER_DAYS, prefix=""):
    """The one rule for 'no recent update', as a Q: open, and no update for more than `days` days.

    An action never updated counts from its start date.
    """
    cutoff = (today or timezone.localdate()) - timedelta(days=days)
    p = prefix
    return ~Q(**{f"{p}status": Status.COMPLETE}) & (
        Q(**{f"{p}last_update_on__lt": cutoff})
        | Q(**{f"{p}last_update_on__isnull": True, f"{p}start_date__lt": cutoff})
    )


class ActionQuerySet(models.QuerySet):
    def with_current_due_date(self):
        """Annotate `current_due` (the revised due date when there is one, else the original)."""
        return self.annotate(current_due=Coalesce("revised_due_date", "due_date"))

    def open(self):
        return self.exclude(status=Status.COMPLETE)

    def overdue(self, today=None):
        """Open actions whose current due date has passed: the one definition of 'overdue'."""
        return self.filter(overdue_condition(today))

    def needing_attention(self, today=None):
        """At risk, off track or overdue, the most serious first: off track, then overdue (the longest
        overdue first), then at risk; plan order within each."""
        overdue = overdue_condition(today)
        return (
            self.filter(Q(status__in=NEEDS_MITIGATION) | overdue)
            .with_current_due_date()
            .annotate(severity=Case(When(status=Status.OFF_TRACK, then=0), When(overdue, then=1), default=2))
            .order_by("severity", "current_due", "ref_sort", "pk")
        )

    def stale(self, today=None, days=STALE_AFTER_DAYS):
        """Open actions with no progress update in more than `days` days ('no recent update')."""
        return self.filter(stale_condition(today, days))

    def due_within(self, days, today=None):
        """Open actions due in the next `days` days (not yet overdue)."""
        today = today or timezone.localdate()
        return (
            self.open()
            .with_current_due_date()
            .filter(current_due__gte=today, current_due__lte=today + timedelta(days=days))
        )

    def due_after(self, days, today=None):
        """Open actions due more than `days` days from today: neither overdue nor due_within(days)."""
        today = today or timezone.localdate()
        return self.open().with_current_due_date().filter(current_due__gt=today + timedelta(days=days))

    def visible_to(self, user):
        """Every signed-in role may read every action."""
        return self if user.is_authenticated else self.none()

    def updatable_by(self, user):
        """Actions the user may post progress updates on: the QuerySet twin of actions.add_progressupdate."""
        if not user.is_authenticated:
            return self.none()
        if is_operations(user) or is_administrator(user):
            return self
        return self.filter(Q(priority__lead=user) | Q(lead=user))

    def mine(self, user):
        """The user's own actions and their priorities' actions (the 'My actions' page)."""
        return self.filter(Q(priority__lead=user) | Q(lead=user))

    def by_urgency(self, days, today=None):
        """The actions in four parts, each action in exactly one: (slug, heading, queryset) for those
        overdue, due within `days` days, due later, and complete (the 'My actions' page)."""
        today = today or timezone.localdate()
        soonest_first = ("current_due", "ref_sort", "pk")
        return [
            ("overdue", "Overdue", self.overdue(today).with_current_due_date().order_by(*soonest_first)),
            (
                "due-soon",
                f"Due in the next {days} days",
                self.due_within(days, today).order_by(*soonest_first),
            ),
            ("due-later", "Due later", self.due_after(days, today)),
            ("complete", "Complete", self.filter(status=Status.COMPLETE)),
        ]

    def with_sign_off_counts(self):
        """Annotate `updates_awaiting`: how many of each action's updates await sign-off (a subquery, no
        extra query), so the Board's pages can say "1 newer update awaiting sign-off"."""
        waiting = (
            ProgressUpdate.objects.awaiting_sign_off()
            .filter(action=models.OuterRef("pk"))
            .order_by()
            .values("action")
            .annotate(n=models.Count("pk"))
            .values("n")
        )
        return self.annotate(updates_awaiting=Coalesce(models.Subquery(waiting), 0))

    def for_table(self):
        return (
            self.select_related("priority", "lead")
            .with_current_due_date()
            .with_sign_off_counts()
            .order_by("ref_sort", "pk")
        )


class Action(TimeStampedModel, VersionedModel):
    """A commitment in the plan, e.g. 'P2.3 Recruit additional educational psychologists'."""

    ref = models.CharField("reference", max_length=20, help_text="The plan's reference, e.g. P2.3.")
    ref_sort = models.CharField(max_length=40, editable=False, blank=True, db_index=True)
    priority = models.ForeignKey("actions.Priority", on_delete=models.PROTECT, related_name="actions")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_actions",
        help_text="The person accountable in the portal, when they have an account.",
    )
    lead_role = models.CharField(
        max_length=200, blank=True, help_text="The lead as the plan names them, e.g. 'Principal EP'."
    )
    lead_organisation = models.CharField(
        max_length=20, choices=LeadOrganisation, default=LeadOrganisation.COUNCIL
    )
    senior_responsible_officer = models.CharField(
        max_length=200, blank=True, help_text="The accountable senior officer, as the plan names them."
    )
    partners = models.ManyToManyField(
        "send_portal.Organisation",
        blank=True,
        related_name="partnered_actions",
        help_text="Partner organisations that contribute to the action.",
    )
    start_date = models.DateField(null=True, blank=True)
    due_date = models.DateField("original due date")
    revised_due_date = models.DateField(null=True, blank=True)
    due_precision = models.CharField(
        "precision of the due date",
        max_length=10,
        choices=DatePrecision,
        default=DatePrecision.DAY,
        help_text="How precisely the plan gives the original due date.",
    )
    revised_due_precision = models.CharField(
        "precision of the revised due date",
        max_length=10,
        choices=DatePrecision,
        default=DatePrecision.DAY,
        help_text="How precisely the revised due date is given: to the day when revised in the portal.",
    )
    revision_reason = models.TextField("reason for the revised date", blank=True)
    expected_impact = models.TextField(blank=True)
    notes = models.TextField(
        blank=True,
        help_text="What the imported plan said that has no field here, one 'column: value' a line.",
    )
    status = models.CharField(max_length=20, choices=Status, default=Status.NOT_STARTED, editable=False)
    completed_on = models.DateField(null=True, blank=True, editable=False)
    impact_evidenced_on = models.DateField(
        "impact evidenced",
        null=True,
        blank=True,
        editable=False,
        help_text="When an approved update first gave evidence of the delivered action's impact.",
    )
    last_update_on = models.DateField(null=True, blank=True, editable=False)

    archived_in = archived_in_field()

    history = HistoricalRecords(excluded_fields=["ref_sort"])
    objects = CurrentPlanManager.from_queryset(ActionQuerySet)()
    all_versions = ActionQuerySet.as_manager()
    unreported_fields = ("ref_sort", "archived_in")

    class Meta:
        ordering = ["ref_sort", "pk"]
        base_manager_name = "all_versions"
        indexes = [
            models.Index(fields=["status", "due_date"], name="actions_status_due_idx"),
            models.Index(fields=["last_update_on"], name="actions_last_update_idx"),
            # A priority's actions in plan order (the priority page; the list filtered by priority).
            models.Index(fields=["priority", "ref_sort"], name="actions_priority_ref_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["ref"],
                condition=Q(archived_in__isnull=True),
                name="%(app_label)s_%(class)s_ref_unique",
                violation_error_message="Another action of the plan has this reference.",
            ),
            models.UniqueConstraint(
                fields=["archived_in", "ref"], name="%(app_label)s_%(class)s_ref_unique_in_version"
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.COMPLETE) | Q(completed_on__isnull=False),
                name="%(app_label)s_%(class)s_complete_has_date",
                violation_error_message="A completed action needs a completion date.",
            ),
            models.CheckConstraint(
                condition=Q(status=Status.COMPLETE) | Q(completed_on__isnull=True),
                name="%(app_label)s_%(class)s_only_complete_has_date",
                violation_error_message="Only a completed action has a completion date.",
            ),
            models.CheckConstraint(
                condition=Q(status=Status.COMPLETE) | Q(impact_evidenced_on__isnull=True),
                name="%(app_label)s_%(class)s_only_delivered_has_impact",
                violation_error_message="Only a delivered action has evidence of impact.",
            ),
            models.CheckConstraint(
                condition=Q(revised_due_date__isnull=True) | ~Q(revision_reason=""),
                name="%(app_label)s_%(class)s_revised_date_has_reason",
                violation_error_message="Give the reason the due date was revised.",
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(start_date__lte=F("due_date")),
                name="%(app_label)s_%(class)s_starts_before_due",
                violation_error_message="The start date must be on or before the due date.",
            ),
        ]

    def __str__(self):
        return f"{self.ref} {self.title}"

    def get_absolute_url(self):
        return reverse("actions:action_detail", args=[self.ref])

    def save(self, *args, **kwargs):
        self.ref_sort = natural_sort_key(self.ref)
        super().save(*args, **kwargs)

    # --- Derived facts: each one rule, used everywhere ------------------------------------------------
    @property
    def current_due_date(self):
        """The date the action is now due: the revised date when there is one."""
        return self.revised_due_date or self.due_date

    @property
    def current_due_precision(self):
        """How precisely the current due date is given (DatePrecision)."""
        return self.revised_due_precision if self.revised_due_date else self.due_precision

    @property
    def current_due_text(self):
        """The current due date as precisely as the plan gives it, e.g. 'May 2025' (date_in_words)."""
        return date_in_words(self.current_due_date, self.current_due_precision)

    @property
    def due_text(self):
        """The original due date as precisely as the plan gives it, e.g. 'May 2025' or 'To be confirmed'."""
        return date_in_words(self.due_date, self.due_precision)

    @property
    def revised_due_text(self):
        """The revised due date in words, or '' when it was never revised."""
        return date_in_words(self.revised_due_date, self.revised_due_precision)

    def current_due_short(self, today=None):
        """The current due date for a table: '3 Nov', 'May 2025', 'To be confirmed'."""
        return date_in_words(self.current_due_date, self.current_due_precision, short=True, today=today)

    @property
    def is_revised(self):
        return self.revised_due_date is not None and self.revised_due_date != self.due_date

    def is_overdue(self, today=None):
        """Past its current due date and not complete (same rule as ActionQuerySet.overdue)."""
        today = today or timezone.localdate()
        return self.status != Status.COMPLETE and self.current_due_date < today

    def days_since_update(self, today=None):
        """Days since the latest progress update (since the start date when never updated), or None."""
        since = self.last_update_on or self.start_date
        if since is None:
            return None
        return ((today or timezone.localdate()) - since).days

    def is_stale(self, today=None, days=STALE_AFTER_DAYS):
        """Open with no update in more than `days` days (same rule as stale_condition)."""
        since = self.days_since_update(today)
        return self.status != Status.COMPLETE and since is not None and since > days

    def needs_overdue_explanation(self, status, today=None):
        """The one rule for an update on an overdue action: unless it marks the action complete, it must
        say why the action is still overdue (ProgressUpdate.overdue_reason, which the Operations Group
        reads on the action's page) or, from someone who may revise dates, move the due date. So nobody
        declares an overdue action 'On track' and leaves its date unexplained."""
        return status != Status.COMPLETE and self.is_overdue(today)

    def flags(self, today=None):
        """The derived flags shown beside the status, e.g. ['Overdue', 'No recent update']."""
        flags = []
        if self.is_overdue(today):
            flags.append("Overdue")
        if self.is_stale(today):
            flags.append("No recent update")
        return flags

    def reading(self, today=None):
        """ActionReading: the declared status and the schedule facts as one sentence (read_status)."""
        return read_status(
            status=self.status,
            declared_on=self.last_update_on,
            due_date=self.current_due_date,
            revised_from=self.due_date if self.is_revised else None,
            completed_on=self.completed_on,
            since=self.last_update_on or self.start_date,
            today=today,
            due_precision=self.current_due_precision,
            revised_from_precision=self.due_precision,
            impact_evidenced_on=self.impact_evidenced_on,
        )

    @property
    def delivered_on(self):
        """When the action was delivered: the date of the approved update that marked it complete."""
        return self.completed_on

    @property
    def is_delivered(self):
        return self.status == Status.COMPLETE

    @property
    def is_impact_evidenced(self):
        return self.impact_evidenced_on is not None

    @property
    def lead_name(self):
        """The lead as the plan names them, else the portal user's name."""
        return self.lead_role or (self.lead.display_name if self.lead_id else "")

    @property
    def tag_colour(self):
        return TAG_COLOURS[Status(self.status)]

    @property
    def rag(self):
        return RAG[Status(self.status)]

    # --- Domain actions -------------------------------------------------------------------------------
    def derived_status(self):
        """(status, completed_on, last_update_on) from the latest approved progress update: the one rule
        for an action's current status (what the Board reads). The latest update is by the update's date,
        then when it was recorded. Updates awaiting sign-off or returned do not count."""
        return self.status_given_by(self.updates.approved().order_by("-date", "-created", "-pk").first())

    def derived_impact_evidenced_on(self):
        """The date impact was first evidenced, by approved updates since the action was last marked
        complete (None when it is not delivered, or no approved update gave evidence of impact): the one
        rule for "Impact evidenced". One query."""
        rows = (
            self.updates.approved()
            .order_by("-date", "-created", "-pk")
            .values_list("status", "impact_narrative", "date")
        )
        evidenced_on = None
        for status, impact, day in rows:
            if status != Status.COMPLETE:
                break
            if impact.strip():
                evidenced_on = day
        return evidenced_on

    @staticmethod
    def status_given_by(latest):
        """(status, completed_on, last_update_on) that an action whose latest update is `latest` has."""
        if latest is None:
            return (Status.NOT_STARTED, None, None)
        return (latest.status, latest.date if latest.status == Status.COMPLETE else None, latest.date)

    def refresh_status(self):
        """Store the derived status, completion date and last update date; saves only when they changed."""
        derived = (*self.derived_status(), self.derived_impact_evidenced_on())
        if derived == (self.status, self.completed_on, self.last_update_on, self.impact_evidenced_on):
            return False  # nothing changed: no save, no history row
        self.status, self.completed_on, self.last_update_on, self.impact_evidenced_on = derived
        self.save(
            update_fields=["status", "completed_on", "last_update_on", "impact_evidenced_on", "updated"]
        )
        return True

    def apply_approved_update(self, update):
        """After a progress update on this action is approved or returned: store what the approved updates
        now say, as a change to the action (its version goes up, so a form opened before says what moved),
        and tell other apps when it went off track. Inside the sign-off's transaction; the row is locked
        and saved as it is now (not as this instance was loaded), and this instance is brought up to it."""
        current = Action.objects.select_for_update().get(pk=self.pk)
        was = current.status
        derived = (*current.derived_status(), current.derived_impact_evidenced_on())
        if derived == (
            current.status,
            current.completed_on,
            current.last_update_on,
            current.impact_evidenced_on,
        ):
            return
        current.status, current.completed_on, current.last_update_on, current.impact_evidenced_on = derived
        current.version += 1
        current._history_user = update.reviewed_by
        current.save(
            update_fields=[
                "status",
                "completed_on",
                "last_update_on",
                "impact_evidenced_on",
                "version",
                "updated",
            ]
        )
        for name in ("status", "completed_on", "last_update_on", "impact_evidenced_on", "version", "updated"):
            setattr(self, name, getattr(current, name))
        if current.status == Status.OFF_TRACK and was != Status.OFF_TRACK:
            marked_off_track.send(sender=Action, action=current, update=update)

    def record_update(
        self,
        *,
        author,
        status,
        narrative,
        date=None,
        expected_version=None,
        revised_due_date=None,
        revision_reason="",
        **details,
    ):
        """Add a dated progress update and, once it is approved, move the action to its new status, in one
        transaction; with `revised_due_date` (and its `revision_reason`), revise the due date in the same
        step. Where the partnership needs sign-off the update awaits it (review_on_submission) and the
        action's status, as the Board reads it, stays as the approved updates give it.

        `expected_version` is the version the form was loaded with: when someone else has changed the
        action since, StaleEdit is raised and nothing is written.
        """
        with transaction.atomic():
            current = Action.objects.select_for_update().get(pk=self.pk)
            if expected_version is not None and current.version != expected_version:
                raise StaleEdit(current)
            fields = ["status", "completed_on", "last_update_on", "impact_evidenced_on", "version", "updated"]
            if revised_due_date is not None:
                self.revised_due_date, self.revision_reason = revised_due_date, revision_reason.strip()
                self.revised_due_precision = DatePrecision.DAY  # a date revised in the portal is to the day
                fields += ["revised_due_date", "revision_reason", "revised_due_precision"]
            update = ProgressUpdate(
                action=self,
                author=author,
                status=status,
                narrative=narrative,
                date=date or timezone.localdate(),
                **details,
            )
            update.mark_submitted(author)
            update.full_clean()
            update.save()
            was = current.status
            self.status, self.completed_on, self.last_update_on = self.derived_status()
            self.impact_evidenced_on = self.derived_impact_evidenced_on()
            self.version = current.version + 1
            self.save(update_fields=fields)
            if self.status == Status.OFF_TRACK and was != Status.OFF_TRACK:
                marked_off_track.send(sender=Action, action=self, update=update)
            if revised_due_date is not None and current.current_due_date != self.current_due_date:
                due_date_revised.send(
                    sender=Action,
                    action=self,
                    was=current.current_due_date,
                    now=self.current_due_date,
                    reason=self.revision_reason,
                    was_precision=current.current_due_precision,
                )
        return update

    def save_details(self, changes, *, expected_version):
        """VersionedModel.save_details, telling other apps when the current due date moved."""
        with transaction.atomic():
            # As stored, not as on self: a bound ModelForm has already set the new values on its instance.
            stored = Action.objects.only(
                "due_date", "revised_due_date", "due_precision", "revised_due_precision"
            ).get(pk=self.pk)
            was, was_precision = stored.current_due_date, stored.current_due_precision
            if "revised_due_date" in changes and "revised_due_precision" not in changes:
                changes = {**changes, "revised_due_precision": DatePrecision.DAY}  # the form's dates are days
            super().save_details(changes, expected_version=expected_version)
            if self.current_due_date != was:
                due_date_revised.send(
                    sender=Action,
                    action=self,
                    was=was,
                    now=self.current_due_date,
                    reason=self.revision_reason,
                    was_precision=was_precision,
                )


def leads_work(user):
    """True when the user leads a priority or an action: the people 'My actions' is for (2 queries)."""
    return user.is_authenticated and (
        Priority.objects.filter(lead=user).exists() or Action.objects.filter(lead=user).exists()
    )


def natural_sort_key(ref):
    """Sort key that puts P2.10 after P2.9: digit runs are zero-padded."""
    return re.sub(r"\d+", lambda m: m.group().zfill(6), ref)


def evidence_path(update, filename):
    """Store evidence under a generated name; the original name is kept in `evidence_name`."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"evidence/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class ProgressUpdateQuerySet(ReviewQuerySet):
    def visible_to(self, user):
        """Every signed-in role reads the current plan's updates (those of a replaced version are on its
        version page only)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(action__archived_in__isnull=True)

    def latest_first(self):
        return self.order_by("-date", "-created", "-pk")


class ProgressUpdate(ReviewedModel):
    """A dated, append-only report on an action: its status on that date, what happened and what's next.

    Never edited or deleted in the portal; a correction is a newer update.
    """

    action = models.ForeignKey("actions.Action", on_delete=models.CASCADE, related_name="updates")
    date = models.DateField(default=timezone.localdate, help_text="The date the update reports on.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="progress_updates",
    )
    author_role = models.CharField(
        max_length=200, blank=True, help_text="The author as the plan names them, when they have no account."
    )
    status = models.CharField(max_length=20, choices=Status)
    narrative = models.TextField()
    mitigation = models.TextField(
        "what is being done about it",
        blank=True,
        help_text="Required when the status is at risk or off track.",
    )
    evidence_link = models.URLField(max_length=500, blank=True)
    evidence_file = models.FileField(upload_to=evidence_path, blank=True, max_length=300)
    evidence_name = models.CharField(
        max_length=255, blank=True, help_text="The uploaded file's original name."
    )
    next_steps = models.TextField(blank=True)
    overdue_reason = models.TextField(
        "why it is still overdue",
        blank=True,
        help_text="Required on an update that leaves an overdue action open (Action.needs_overdue_explanation); "
        "for the Operations Group.",
    )
    impact_narrative = models.TextField(
        "evidence of impact",
        blank=True,
        help_text="On an update that marks the action complete: the difference families and the data show.",
    )
    impact_link = models.URLField("link to evidence of impact", max_length=500, blank=True)
    impact_file = models.FileField(upload_to=evidence_path, blank=True, max_length=300)
    impact_name = models.CharField(
        max_length=255, blank=True, help_text="The uploaded impact evidence file's original name."
    )
    created = models.DateTimeField(auto_now_add=True)

    # The sign-off fields change (approved, returned); the update's own words never do.
    history = HistoricalRecords()
    objects = ProgressUpdateQuerySet.as_manager()
    submission_kind = "progress update"

    class Meta:
        ordering = ["-date", "-created", "-pk"]
        get_latest_by = ["date", "created", "pk"]
        indexes = [
            models.Index(fields=["action", "-date"], name="actions_update_action_date_idx"),
            # The latest updates across the plan (dashboard) and updates dated in a window (what changed).
            models.Index(fields=["date", "created", "id"], name="actions_update_date_idx"),
        ]

    def __str__(self):
        return f"{self.action.ref} {self.date:%d %b %Y}: {self.get_status_display()}"

    def get_absolute_url(self):
        return f"{self.action.get_absolute_url()}#update-{self.pk}"

    @property
    def author_name(self):
        return self.author.display_name if self.author_id else (self.author_role or "Unknown")

    @property
    def has_impact_evidence(self):
        return bool(self.impact_narrative.strip())

    def reviewed(self):
        """An approval (or a return) changes what the approved updates say about the action."""
        self.action.apply_approved_update(self)

    @property
    def tag_colour(self):
        return TAG_COLOURS[Status(self.status)]
