"""Success indicators: what the plan measures, and the values recorded for each period."""

import copy
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords

from actions.models import CurrentPlanManager, archived_in_field
from indicators import spc_reading
from indicators import status as rule
from indicators.reading import read_indicator
from indicators.status import MOVEMENT_SYMBOLS, MOVEMENT_WORDS, STATUS_COLOURS, Frequency, IndicatorStatus
from send_portal.models import (
    Review,
    ReviewedModel,
    ReviewQuerySet,
    StaleEdit,
    TimeStampedModel,
    VersionedModel,
)
from send_portal.rules import is_administrator, is_operations


class Unit(models.TextChoices):
    PERCENT = "percent", "Percentage"
    COUNT = "count", "Count"
    WEEKS = "weeks", "Weeks"
    DAYS = "days", "Days"


# A value for a period before this is a typing mistake (e.g. 0001-01-01); it would also break the charts,
# whose date axis cannot reach before year 1.
EARLIEST_PERIOD_END = date(2000, 1, 1)
EARLIEST_PERIOD_END_MESSAGE = "Enter a period end on or after 1 January 2000"

UNIT_SUFFIX = {Unit.PERCENT: "%", Unit.COUNT: "", Unit.WEEKS: " weeks", Unit.DAYS: " days"}

# How a value may be written, in the record form and in a CSV upload alike (Indicator.parse_value): digits
# with an optional decimal point, commas only between groups of three digits (9,480), and the unit as the
# indicator page shows it (17.5%, 12.5 weeks), so whatever the portal shows can be typed back.
NUMBER = re.compile(r"[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]*)(?:\.[0-9]*)?")
DECIMAL_COMMA = re.compile(r"[+-]?[0-9]+,[0-9]+")  # 9,7 or 1,25: a decimal comma, or a mistyped thousand
UNIT_WORDS = {Unit.PERCENT: ("%",), Unit.COUNT: (), Unit.WEEKS: ("weeks", "week"), Unit.DAYS: ("days", "day")}
# What a value of each unit is, and an example; the form's hint and every "enter the value as" message
# are made from these, so they agree with each other and with the unit.
VALUE_KINDS = {
    Unit.PERCENT: "a percentage",
    Unit.COUNT: "a whole number",
    Unit.WEEKS: "a number of weeks",
    Unit.DAYS: "a number of days",
}
VALUE_EXAMPLES = {Unit.PERCENT: "17.5", Unit.COUNT: "9,480", Unit.WEEKS: "12.5", Unit.DAYS: "40"}
MAX_VALUE = Decimal("1e9")  # Measurement.value holds 12 digits, 3 of them after the point
# record_value(expected_version=UNCHECKED): the caller does not say which version it saw (a script).
UNCHECKED = object()


class Direction(models.TextChoices):
    HIGHER_IS_BETTER = "higher_is_better", "Higher is better"
    LOWER_IS_BETTER = "lower_is_better", "Lower is better"


class Provenance(models.TextChoices):
    REAL = "real", "Published figures"
    MIXED = "mixed", "Published and illustrative figures"
    ILLUSTRATIVE = "illustrative", "Illustrative (demonstration only)"


class IndicatorQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Every signed-in role may read every indicator."""
        return self if user.is_authenticated else self.none()

    def recordable_by(self, user):
        """Indicators the user may record and correct values for: the twin of indicators.add_measurement."""
        if not user.is_authenticated:
            return self.none()
        if is_operations(user) or is_administrator(user):
            return self
        return self.filter(priority__lead=user)

    def looked_after_by(self, user):
        """Indicators whose data the user is asked for: those they own and those of the priorities they lead."""
        return self.filter(Q(priority__lead=user) | Q(owner=user))

    def with_measurements(self):
        """Prefetch every indicator's values in period order: one more query for all the indicators, after
        which status, direction of travel and freshness are worked out in Python with no further query."""
        if any(
            getattr(lookup, "prefetch_to", lookup) == "measurements"
            for lookup in self._prefetch_related_lookups
        ):
            return self  # already prefetched (e.g. by for_table()); a second Prefetch would clash
        return self.prefetch_related(
            Prefetch("measurements", queryset=Measurement.objects.order_by("period_end"))
        )

    def with_spc(self):
        """with_measurements() plus each indicator's rebases (one more query): all `Indicator.spc` needs
        for the SPC reading, icons and summary row, with no query per indicator."""
        qs = self.with_measurements()
        if any(
            getattr(lookup, "prefetch_to", lookup) == "rebases" for lookup in qs._prefetch_related_lookups
        ):
            return qs
        return qs.prefetch_related(Prefetch("rebases", queryset=Rebase.objects.order_by("starts_on")))

    def for_table(self):
        """The indicators list and its exports: priority and owner joined, values prefetched."""
        return (
            self.select_related("priority", "owner").with_measurements().order_by("priority__number", "code")
        )

    def for_detail(self):
        """An indicator page: priority, its lead and the owner joined; values and rebases with who
        recorded them."""
        return self.select_related("priority__lead", "owner").prefetch_related(
            Prefetch(
                "measurements",
                queryset=Measurement.objects.select_related("recorded_by").order_by("period_end"),
            ),
            Prefetch("rebases", queryset=Rebase.objects.select_related("recorded_by").order_by("starts_on")),
        )


class Indicator(TimeStampedModel):
    """A success indicator, e.g. 'New EHC plans issued within 20 weeks (%)', with baseline and target."""

    code = models.SlugField(max_length=20, help_text="The plan's code, e.g. P2-I1.")
    priority = models.ForeignKey(
        "actions.Priority",
        on_delete=models.PROTECT,
        related_name="indicators",
        null=True,
        blank=True,
        help_text="Empty for an indicator of the whole plan rather than one priority.",
    )
    name = models.CharField(max_length=300)
    definition = models.TextField(blank=True)
    unit = models.CharField(max_length=20, choices=Unit)
    direction = models.CharField(max_length=20, choices=Direction)
    baseline_value = models.DecimalField(
        max_digits=12, decimal_places=3, null=True, blank=True, help_text="Empty while it is to be set."
    )
    baseline_date = models.DateField(null=True, blank=True)
    target_value = models.DecimalField(
        max_digits=12,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="Empty while it is to be set, or while a relative target waits for its baseline.",
    )
    target_date = models.DateField(null=True, blank=True)
    target_words = models.CharField(
        "target as the plan words it",
        max_length=200,
        blank=True,
        help_text="A relative target as the plan gives it, e.g. '50% fewer'.",
    )
    milestones = models.TextField(
        "interim milestones",
        blank=True,
        help_text="The plan's interim milestones, one a line, e.g. 'March 2026: 40%'. Shown, not judged.",
    )
    tolerance = models.DecimalField(
        max_digits=12,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="How far behind the trajectory still counts as 'within tolerance'. "
        "Empty: 10% of the distance from baseline to target.",
    )
    frequency = models.CharField(max_length=20, choices=Frequency, default=Frequency.MONTHLY)
    reporting_lag_days = models.PositiveSmallIntegerField(
        default=30, help_text="Days after a period ends before its value is due."
    )
    source = models.CharField("data source", max_length=300, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_indicators",
    )
    provenance = models.CharField(max_length=20, choices=Provenance, default=Provenance.REAL)
    note = models.TextField(blank=True, help_text="Where the figures come from and what is illustrative.")

    archived_in = archived_in_field()

    history = HistoricalRecords()
    objects = CurrentPlanManager.from_queryset(IndicatorQuerySet)()
    all_versions = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["priority__number", "code"]
        base_manager_name = "all_versions"
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=Q(archived_in__isnull=True),
                name="%(app_label)s_%(class)s_code_unique",
                violation_error_message="Another indicator of the plan has this code.",
            ),
            models.UniqueConstraint(
                fields=["archived_in", "code"], name="%(app_label)s_%(class)s_code_unique_in_version"
            ),
            models.CheckConstraint(
                condition=Q(baseline_date__isnull=True)
                | Q(target_date__isnull=True)
                | Q(target_date__gt=models.F("baseline_date")),
                name="%(app_label)s_%(class)s_target_after_baseline",
                violation_error_message="The target date must be after the baseline date.",
            ),
            models.CheckConstraint(
                condition=Q(tolerance__isnull=True) | Q(tolerance__gte=0),
                name="%(app_label)s_%(class)s_tolerance_not_negative",
                violation_error_message="The tolerance cannot be negative.",
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def get_absolute_url(self):
        return reverse("indicators:indicator_detail", args=[self.code])

    @property
    def lower_is_better(self):
        return self.direction == Direction.LOWER_IS_BETTER

    @property
    def has_trajectory(self):
        """The plan has set the baseline and the target (values and dates): only then is a value judged.
        Without them the indicator reads 'Baseline to be set' and no trajectory is drawn or guessed."""
        return None not in (self.baseline_value, self.baseline_date, self.target_value, self.target_date)

    @property
    def is_plan_wide(self):
        """An indicator of the whole plan rather than one priority."""
        return self.priority_id is None

    @property
    def scope_text(self):
        """'Priority 2: Timeliness' or 'The whole plan'."""
        return str(self.priority) if self.priority_id else "The whole plan"

    @property
    def milestone_lines(self):
        return [line.strip() for line in self.milestones.splitlines() if line.strip()]

    @property
    def data_from(self):
        """The date values are due from: the baseline date, else the day the indicator was added."""
        if self.baseline_date is not None:
            return self.baseline_date
        return timezone.localdate(self.created) if self.created else timezone.localdate()

    def format_value(self, value):
        """A value with its unit, e.g. '17.5%' or '1,801'. parse_value() reads it back."""
        if value is None:
            return ""
        return f"{plain_number(value)}{UNIT_SUFFIX[Unit(self.unit)]}"

    @property
    def value_hint(self):
        """What to type as a value, e.g. 'A whole number, for example 9,480.'"""
        unit = Unit(self.unit)
        kind = f"{VALUE_KINDS[unit]} between 0 and 100" if unit == Unit.PERCENT else VALUE_KINDS[unit]
        return f"{kind.capitalize()}, for example {VALUE_EXAMPLES[unit]}."

    def parse_value(self, text):
        """The value written in `text`, read the same way by the record form and the CSV upload: '9480',
        '9,480', '9480.0', '17.5', or as the indicator page shows it ('17.5%', '12.5 weeks'). A comma is read
        only between groups of three digits: '9,7' or '1,25' is refused, never guessed. Raises
        ValidationError with a plain message (ending with a full stop)."""
        unit = Unit(self.unit)
        number = text.strip()
        for word in UNIT_WORDS[unit]:
            if number.lower().endswith(word):
                number = number[: -len(word)].rstrip()
                break
        if not NUMBER.fullmatch(number) or not re.search("[0-9]", number):
            if DECIMAL_COMMA.fullmatch(number):
                raise ValidationError(
                    f"Use a point for decimals: {number.replace(',', '.')} (a comma can only separate "
                    f"thousands, as in 9,480).",
                    code="decimal_comma",
                )
            raise ValidationError(
                f"Enter the value as {VALUE_KINDS[unit]}, for example {VALUE_EXAMPLES[unit]}.", code="invalid"
            )
        value = Decimal(number.replace(",", "").rstrip("."))
        if abs(value) >= MAX_VALUE:
            raise ValidationError("Enter a value under a billion.", code="max_value")
        if value != value.quantize(Decimal("0.001")):
            raise ValidationError("Give the value with no more than 3 decimal places.", code="decimal_places")
        return value

    def validate_value(self, value):
        """Check a value makes sense for the unit; raises ValidationError with a plain message."""
        if value is None:
            return
        if self.unit == Unit.PERCENT and not (0 <= value <= 100):
            raise ValidationError("Enter a percentage between 0 and 100.", code="percent_range")
        if self.unit in (Unit.COUNT, Unit.WEEKS, Unit.DAYS) and value < 0:
            raise ValidationError(
                f"A value in {self.get_unit_display().lower()} cannot be negative.", code="negative"
            )
        if self.unit == Unit.COUNT and value != int(value):
            raise ValidationError("A count must be a whole number.", code="whole_number")

    def round_value(self, value):
        """A computed value (e.g. the trajectory's) rounded as the unit is reported: counts whole, else 1 dp."""
        places = Decimal("1") if self.unit == Unit.COUNT else Decimal("0.1")
        return Decimal(value).quantize(places)

    @property
    def baseline_text(self):
        """'17.5% on 31 March 2025', or 'To be set' (never a guessed value)."""
        if self.baseline_value is None:
            return "To be set"
        if self.baseline_date is None:
            return f"{self.format_value(self.baseline_value)} (date to be set)"
        return f"{self.format_value(self.baseline_value)} on {self.baseline_date:%-d %B %Y}"

    @property
    def formatted_target(self):
        """The target value, or the plan's words for it ('50% fewer'), or 'To be set'."""
        if self.target_value is None:
            return self.target_words or "To be set"
        return self.format_value(self.target_value)

    @property
    def target_text(self):
        """'60% by 31 December 2026', '50% fewer by 31 March 2027 (worked out once the baseline is set)'."""
        by = f" by {self.target_date:%-d %B %Y}" if self.target_date else ""
        if self.target_value is None and self.target_words:
            return f"{self.target_words}{by} (worked out once the baseline is set)"
        if self.target_value is None:
            return f"To be set{by}"
        words = f" ({self.target_words})" if self.target_words else ""
        return f"{self.format_value(self.target_value)}{words}{by}"

    @property
    def tolerance_text(self):
        """The tolerance in words, saying where it comes from."""
        if not self.has_trajectory:
            return "None until the baseline and target are set"
        amount = self.format_value(self.round_value(self.tolerance_value))
        if self.tolerance is None:
            return f"{amount} (10% of the distance from baseline to target)"
        return f"{amount} (set for this indicator)"

    # --- The rules (indicators/status.py), applied to this indicator -----------------------------------
    @cached_property
    def series(self):
        """The indicator's values as the Board reads them, in period order: what every reading (status,
        travel, SPC, charts, digests, pack, API) is made from. Approved values; for a value whose
        correction awaits sign-off (or was returned), the value as last approved; values never approved
        are left out (read_by_the_board). Costs a query unless with_measurements() loaded them."""
        return read_by_the_board(self.measurements.all())

    @cached_property
    def unapproved_values(self):
        """Values awaiting sign-off or returned, in period order (from the same query as `series`)."""
        return [measurement for measurement in self.measurements.all() if not measurement.is_approved]

    @property
    def values_awaiting(self):
        """How many values await sign-off (no query after with_measurements())."""
        return sum(1 for measurement in self.unapproved_values if measurement.is_awaiting_sign_off)

    @property
    def latest_measurement(self):
        return self.series[-1] if self.series else None

    @property
    def previous_measurement(self):
        return self.series[-2] if len(self.series) > 1 else None

    @property
    def tolerance_value(self):
        """The tolerance in the indicator's unit: its own, or 10% of the distance from baseline to target
        (None while they are to be set)."""
        if not self.has_trajectory:
            return None
        return rule.tolerance_for(self.baseline_value, self.target_value, self.tolerance)

    def expected_value(self, on):
        """The trajectory's value on a date (baseline before the baseline date, target after the target's),
        or None while the baseline or target is to be set."""
        if not self.has_trajectory:
            return None
        return rule.trajectory_value(
            self.baseline_value, self.baseline_date, self.target_value, self.target_date, on
        )

    def judge(self, value, on):
        """The status of a value measured for the period ending `on`: the one trajectory rule. Without a
        baseline and target there is nothing to judge against: 'Baseline to be set'."""
        if not self.has_trajectory:
            return IndicatorStatus.BASELINE_TO_BE_SET
        return rule.judge(
            value,
            on,
            baseline_value=self.baseline_value,
            baseline_date=self.baseline_date,
            target_value=self.target_value,
            target_date=self.target_date,
            lower_is_better=self.lower_is_better,
            tolerance=self.tolerance,
        )

    @property
    def status(self):
        """IndicatorStatus from the latest value (No data yet without one; Baseline to be set before the
        plan sets its baseline and target)."""
        if not self.has_trajectory:
            return IndicatorStatus.BASELINE_TO_BE_SET
        latest = self.latest_measurement
        if latest is None:
            return IndicatorStatus.NO_DATA
        return self.judge(latest.value, latest.period_end)

    @property
    def status_colour(self):
        return STATUS_COLOURS[self.status]

    @property
    def travel(self):
        """Travel since the previous value (improving, worsening, no change), or None with fewer than two."""
        previous, latest = self.previous_measurement, self.latest_measurement
        if previous is None:
            return None
        return rule.travel(previous.value, latest.value, lower_is_better=self.lower_is_better)

    @property
    def movement(self):
        """(symbol, word) for which way the latest value moved, e.g. ('▼', 'down'), or None."""
        previous, latest = self.previous_measurement, self.latest_measurement
        if previous is None:
            return None
        movement = rule.movement_of(previous.value, latest.value)
        return MOVEMENT_SYMBOLS[movement], MOVEMENT_WORDS[movement]

    def freshness(self, today=None):
        """rule.Freshness: whether the data are overdue, and which period's value is due by when."""
        latest = self.latest_measurement
        return rule.freshness(
            latest.period_end if latest else None,
            today or timezone.localdate(),
            frequency=self.frequency,
            reporting_lag_days=self.reporting_lag_days,
            baseline_date=self.data_from,
        )

    def next_period(self, today=None):
        """The period to record a value for next (rule.next_period), or None while it has not ended."""
        latest = self.latest_measurement
        period = rule.next_period(
            latest.period_end if latest else None, frequency=self.frequency, baseline_date=self.data_from
        )
        return period if period.end <= (today or timezone.localdate()) else None

    def is_data_overdue(self, today=None):
        """No value for the latest period whose value is due (see indicators/status.py)."""
        return self.freshness(today).overdue

    @cached_property
    def data_overdue(self):
        return self.is_data_overdue()

    @property
    def has_illustrative_values(self):
        return any(measurement.is_illustrative for measurement in self.series)

    def status_sentence(self):
        """One sentence stating the latest value and the status: the text alternative of the chart."""
        latest = self.latest_measurement
        if not self.has_trajectory:
            values = (
                f"latest value {self.format_value(latest.value)} for the period ending {latest.period_end:%-d %B %Y}"
                if latest
                else "no values recorded yet"
            )
            return (
                f"{self.name}: baseline to be set, so no trajectory is judged; {values} "
                f"(baseline {self.baseline_text.lower()}, target {self.target_text[0].lower()}{self.target_text[1:]})."
            )
        target = f"target {self.format_value(self.target_value)} by {self.target_date:%-d %B %Y}"
        if latest is None:
            return f"{self.name}: no values recorded yet ({target})."
        value = f"{self.name}: {self.format_value(latest.value)} for the period ending {latest.period_end:%-d %B %Y}"
        expected = self.format_value(self.round_value(self.expected_value(latest.period_end)))
        status = self.judge(latest.value, latest.period_end)
        if status == IndicatorStatus.TARGET_MET:
            return f"{value}, target met ({target})."
        if status == IndicatorStatus.ON_TRACK:
            return f"{value}, on track: at or better than the trajectory's {expected} ({target})."
        if status == IndicatorStatus.WITHIN_TOLERANCE:
            return f"{value}, within tolerance: a little behind the trajectory's {expected} ({target})."
        return f"{value}, off track: behind the trajectory's {expected} ({target})."

    def trend_sentence(self):
        """One sentence for a sparkline's text alternative: first and latest values and the travel."""
        if not self.series:
            return f"{self.code}: no values recorded yet."
        first, latest = self.series[0], self.series[-1]
        if len(self.series) == 1:
            return (
                f"{self.code}: one value so far, {self.format_value(latest.value)} "
                f"for the period ending {latest.period_end:%-d %B %Y}."
            )
        return (
            f"{self.code}: {len(self.series)} values, from {self.format_value(first.value)} "
            f"({first.period_end:%B %Y}) to {self.format_value(latest.value)} ({latest.period_end:%B %Y}); "
            f"{self.travel.label.lower()} since the previous value."
        )

    def corrections(self):
        """Every change to a recorded value, newest first, from the measurements' history (one query)."""
        records = (
            Measurement.history.filter(indicator_id=self.pk)
            .select_related("history_user")
            .order_by("id", "history_date", "history_id")
        )
        corrections = []
        before = {}
        for record in records:
            earlier = before.get(record.id)
            if earlier is not None and record.history_type == "~" and earlier.value != record.value:
                corrections.append(
                    Correction(
                        period_end=record.period_end,
                        old_value=self.format_value(earlier.value),
                        new_value=self.format_value(record.value),
                        by=record.history_user,
                        at=record.history_date,
                        note=record.note,
                    )
                )
            before[record.id] = record
        return sorted(corrections, key=lambda correction: correction.at, reverse=True)

    # --- Statistical process control (indicators/spc.py, indicators/spc_reading.py) ---------------------
    def format_spc_value(self, value):
        """A computed value (mean, limit) as the unit is reported, e.g. '23.4%'."""
        return self.format_value(self.round_value(value))

    def read_spc(self, measurements, rebases):
        """The SPC reading of these values (in period order) with these rebases."""
        return spc_reading.read(
            measurements,
            rebases,
            direction=self.direction,
            target=self.target_value,
            formatter=self.format_spc_value,
            frequency=self.frequency,
        )

    @cached_property
    def spc(self):
        """The SPC reading of the indicator's values and rebases (spc_reading.SpcReading). Costs two queries
        unless with_spc() or for_detail() loaded them."""
        return self.read_spc(self.series, list(self.rebases.all()))

    @property
    def reading(self):
        """Trajectory status, SPC variation and assurance reconciled in one sentence (reading.read_indicator).
        Needs the values and rebases (with_spc() loads them)."""
        return read_indicator(
            status=self.status,
            variation=self.spc.variation.key,
            assurance=self.spc.assurance.key,
            target_date=self.target_date,
        )

    def removed_rebases(self):
        """Rebases that were recorded and later removed, newest first, from their history (one query)."""
        records = (
            Rebase.history.filter(indicator_id=self.pk, history_type="-")
            .select_related("history_user")
            .order_by("-history_date", "-history_id")
        )
        return [
            RemovedRebase(
                starts_on=record.starts_on,
                reason=record.reason,
                why_removed=record.history_change_reason or "",
                by=record.history_user,
                at=record.history_date,
            )
            for record in records
        ]

    # --- Domain actions ---------------------------------------------------------------------------------
    def rebase(self, *, starts_on, reason, by=None):
        """Start the SPC chart again from `starts_on`: the first value for a period ending on or after it
        begins a new group with its own mean and limits. Refuses a date on or before the first value (it
        would change nothing) and a date already used. Returns the Rebase."""
        first = self.measurements.order_by("period_end").first()
        if first is not None and starts_on <= first.period_end:
            raise ValidationError(
                {
                    "starts_on": "The chart already starts with the value for the period ending "
                    f"{first.period_end:%-d %B %Y}: enter a date after it"
                }
            )
        rebase = Rebase(indicator=self, starts_on=starts_on, reason=reason.strip(), recorded_by=by)
        rebase._history_user = by
        rebase.full_clean()
        rebase.save()
        self.__dict__.pop("spc", None)
        getattr(self, "_prefetched_objects_cache", {}).pop("rebases", None)
        return rebase

    def remove_rebase(self, rebase, *, by=None, reason=""):
        """Remove a rebase recorded by mistake; its history keeps what it was, who removed it and why."""
        if rebase.indicator_id != self.pk:
            raise ValueError("That rebase belongs to another indicator.")
        rebase._history_user = by
        rebase._change_reason = reason.strip()[:100] or None
        rebase.delete()
        self.__dict__.pop("spc", None)
        getattr(self, "_prefetched_objects_cache", {}).pop("rebases", None)

    def already_recorded_message(self, measurement):
        """What to say when a period someone records already has a value (the form and a race alike)."""
        return (
            f"The period ending {measurement.period_end:%-d %B %Y} already has a value of "
            f"{self.format_value(measurement.value)}. To replace it, select this box and say why in the note"
        )

    def record_value(
        self,
        *,
        period_end,
        value,
        note="",
        by=None,
        correct=False,
        reason="",
        today=None,
        expected_version=UNCHECKED,
    ):
        """Record the value for the period ending `period_end`, or correct the one already recorded.

        A period that already has a value is changed only when `correct` is set; otherwise a
        ValidationError says what is recorded, the same when someone else recorded it a moment ago (the
        database's one-value-per-period constraint decides that race). `expected_version` is the version of
        the value the person saw (None: they saw none): when someone else recorded or corrected the value
        since, StaleEdit is raised and nothing is written (also when a correction meets a value added at
        the same moment). A correction saves the measurement (history
        keeps the old value, who and when, with `reason`); an empty `note` keeps the existing note. Returns
        (measurement, Outcome). A value a person records is never illustrative.
        """
        today = today or timezone.localdate()
        if period_end > today:
            raise ValidationError(
                {"period_end": "The period must have ended: enter a period end date that is today or earlier"}
            )
        if period_end < EARLIEST_PERIOD_END:
            raise ValidationError({"period_end": EARLIEST_PERIOD_END_MESSAGE})
        try:
            # Inside a request's transaction this is a savepoint, so a clash below rolls back alone.
            with transaction.atomic():
                measurement, outcome = self._write_value(
                    period_end, value, note, by, correct, reason, expected_version
                )
        except IntegrityError:
            # Someone else added a value for this period after the lookup found none (there was no row
            # to lock yet), and the unique constraint refused the second: answer as if it were there first.
            measurement = self.measurements.filter(period_end=period_end).first()
            if measurement is None:
                raise
            if not correct:
                raise ValidationError(
                    {"correct": self.already_recorded_message(measurement)}, code="exists"
                ) from None
            raise StaleEdit(measurement) from None
        finally:  # saved or refused, someone may have changed the values: read them again when asked
            self.__dict__.pop("series", None)
            self.__dict__.pop("unapproved_values", None)
            self.__dict__.pop("data_overdue", None)
            self.__dict__.pop("spc", None)
            getattr(self, "_prefetched_objects_cache", {}).pop("measurements", None)
        return measurement, outcome

    def _write_value(self, period_end, value, note, by, correct, reason, expected_version):
        """record_value's writing part, inside its transaction: (measurement, Outcome)."""
        # Ordered by pk, not by Meta.ordering: that orders through the indicator's priority, an outer join
        # now that an indicator may belong to the whole plan, and PostgreSQL locks no outer join's rows.
        measurement = (
            self.measurements.select_for_update().filter(period_end=period_end).order_by("pk").first()
        )
        if measurement is None:
            measurement = Measurement(indicator=self, period_end=period_end)
            outcome = Outcome.ADDED
        elif not correct:
            raise ValidationError({"correct": self.already_recorded_message(measurement)}, code="exists")
        elif expected_version is not UNCHECKED and measurement.version != expected_version:
            raise StaleEdit(measurement)
        elif (
            measurement.value == Decimal(value)
            and (not note or note == measurement.note)
            and not measurement.is_returned  # the same value sent again answers a return: a resubmission
        ):
            return measurement, Outcome.UNCHANGED
        else:
            outcome = Outcome.CORRECTED
            measurement.version += 1
            if measurement.is_approved:  # the Board reads the approved value until the correction is
                measurement.approved_value = measurement.value  # signed off (read_by_the_board)
        measurement.value = value
        measurement.note = note or measurement.note
        measurement.is_illustrative = False
        measurement.recorded_by = by
        measurement.mark_submitted(by)  # awaits sign-off, or is approved at once (review_on_submission)
        measurement._history_user = by  # django-simple-history: who made this change
        measurement._change_reason = reason[:100] if outcome == Outcome.CORRECTED else None
        # One value per period is left to the database (the IntegrityError above): a query here would not
        # see a value someone else is adding at this moment.
        measurement.full_clean(validate_constraints=False)
        measurement.save()
        return measurement, outcome


def plain_number(value):
    """A number as the portal writes it, without a unit: '9,480', '17.5', '0.125' (never '9.48E+3')."""
    value = Decimal(str(value) if isinstance(value, float) else value).normalize()
    return f"{value:,f}" if value != value.to_integral() else f"{int(value):,}"


class Outcome(models.TextChoices):
    """What recording a value did, or (in an upload preview) would do."""

    ADDED = "added", "Add"
    CORRECTED = "corrected", "Change"
    UNCHANGED = "unchanged", "No change"
    REJECTED = "rejected", "Reject"


OUTCOME_COLOURS = {
    Outcome.ADDED: "green",
    Outcome.CORRECTED: "yellow",
    Outcome.UNCHANGED: "grey",
    Outcome.REJECTED: "red",
}


@dataclass(frozen=True)
class Correction:
    """A recorded value that was changed: the period, old and new values, who changed it, when and why."""

    period_end: date
    old_value: str  # formatted with the unit, e.g. '17.5%'
    new_value: str
    by: object  # the User, or None when the change was made outside the portal (e.g. the plan loader)
    at: datetime
    note: str


@dataclass(frozen=True)
class RemovedRebase:
    """A rebase removed after it was recorded: its date and reason, who removed it, when and why."""

    starts_on: date
    reason: str
    why_removed: str
    by: object  # the User who removed it, or None
    at: datetime


class MeasurementQuerySet(ReviewQuerySet):
    def visible_to(self, user):
        return self if user.is_authenticated else self.none()

    def read_by_the_board(self):
        """The rows behind the values the Board reads: approved ones, and those whose correction awaits
        sign-off or was returned (read as their approved value: read_by_the_board())."""
        return self.filter(Q(review=Review.APPROVED) | Q(approved_value__isnull=False))


def read_by_the_board(measurements):
    """The values the Board's pages read, in the order given: each approved value as it is; a value
    whose correction awaits sign-off or was returned as it was last approved (Measurement.as_approved);
    a value never approved is left out. The one rule for which values count."""
    shown = []
    for measurement in measurements:
        if measurement.is_approved:
            shown.append(measurement)
        elif measurement.approved_value is not None:
            shown.append(measurement.as_approved())
    return shown


class Measurement(ReviewedModel, VersionedModel):
    """The value of an indicator for one reporting period. One value per indicator and period. Its
    `version` goes up with each correction, so a correction made from an older page is refused."""

    indicator = models.ForeignKey(
        "indicators.Indicator", on_delete=models.CASCADE, related_name="measurements"
    )
    period_end = models.DateField(help_text="The last day of the period the value describes.")
    value = models.DecimalField(max_digits=12, decimal_places=3)
    note = models.TextField(blank=True)
    is_illustrative = models.BooleanField(
        default=False, help_text="An invented or interpolated value, for demonstration only."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recorded_measurements",
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    approved_value = models.DecimalField(
        max_digits=12,
        decimal_places=3,
        null=True,
        blank=True,
        editable=False,
        help_text="The value as last approved, kept when an approved value is corrected: the Board reads it "
        "until the correction is signed off.",
    )

    history = HistoricalRecords()
    objects = MeasurementQuerySet.as_manager()
    correction_pending = False  # True on the copy as_approved() makes

    unreported_fields = ("recorded_by", "is_illustrative")  # who is said anyway; illustrative is not typed

    class Meta:
        ordering = ["indicator", "period_end"]
        get_latest_by = "period_end"
        indexes = [
            # Values recorded in a window (what changed since the last meeting), and the latest change
            # (the key of the cached indicator digests, indicators/digests.py).
            models.Index(fields=["recorded_at"], name="indicators_recorded_idx"),
            models.Index(fields=["updated"], name="indicators_updated_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period_end"],
                name="%(app_label)s_%(class)s_one_per_period",
                violation_error_message="This indicator already has a value for that period. "
                "Correct the existing value instead of adding a second one.",
            ),
        ]

    submission_kind = "indicator value"

    def __str__(self):
        return f"{self.indicator.code} {self.period_end:%d %b %Y}: {self.value}"

    @property
    def corrects_an_approved_value(self):
        """A correction of an approved value, awaiting sign-off or returned: the Board reads approved_value."""
        return not self.is_approved and self.approved_value is not None

    @property
    def formatted_approved_value(self):
        return self.indicator.format_value(self.approved_value) if self.approved_value is not None else ""

    def as_approved(self):
        """A copy of this value as it was last approved, for reading only (correction_pending is set, and
        saving it is refused): its value is approved_value."""
        shown = copy.copy(self)
        shown.corrected_to = self.formatted_value  # the correction, with its unit
        shown.value, shown.review, shown.correction_pending = self.approved_value, Review.APPROVED, True
        return shown

    def save(self, *args, **kwargs):
        if self.correction_pending:
            raise TypeError("This is a read-only copy of an approved value (as_approved): save the original.")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return self.indicator.get_absolute_url()

    def clean(self):
        if self.indicator_id is not None:
            try:
                self.indicator.validate_value(self.value)
            except ValidationError as error:
                raise ValidationError({"value": error.messages}) from error

    def changes_since(self, version, labels=None):
        """What others changed after the form at `version` was loaded (VersionedModel.changes_since); with
        version None, the person saw no value at all, so the whole value is what changed."""
        if version is not None:
            return super().changes_since(version, labels)
        labels = labels or {}
        fields = [(labels.get("value", "value"), None, self.formatted_value)]
        if self.note:
            fields.append((labels.get("note", "note"), None, self.note))
        who = [self.recorded_by.display_name] if self.recorded_by else []
        return {"who": who, "when": self.updated, "fields": fields}

    def shown(self, field, value):
        """A value from the history as a person reads it: the value with its unit, e.g. '17.5%'."""
        if field.name == "value" and value is not None:
            return self.indicator.format_value(value)
        return super().shown(field, value)

    @property
    def formatted_value(self):
        return self.indicator.format_value(self.value)

    @property
    def expected_value(self):
        """The trajectory's value for this period, rounded as the unit is reported (None without one)."""
        expected = self.indicator.expected_value(self.period_end)
        return None if expected is None else self.indicator.round_value(expected)

    @property
    def formatted_expected_value(self):
        if self.expected_value is None:
            return "No trajectory yet"
        return self.indicator.format_value(self.expected_value)

    @property
    def status(self):
        """This value's IndicatorStatus against the trajectory on its period-end date."""
        return self.indicator.judge(self.value, self.period_end)

    @property
    def status_colour(self):
        return STATUS_COLOURS[self.status]


class RebaseQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Every signed-in role may read every indicator, and so its rebases."""
        return self if user.is_authenticated else self.none()


class Rebase(TimeStampedModel):
    """A date from which an indicator's SPC chart starts again with a new mean and new limits, because the
    process changed (e.g. 'new EHC process from September 2025'). The first value for a period ending on
    or after the date starts the new group."""

    indicator = models.ForeignKey("indicators.Indicator", on_delete=models.CASCADE, related_name="rebases")
    starts_on = models.DateField(
        "rebase date", help_text="The first value for a period ending on or after this date starts again."
    )
    reason = models.TextField(help_text="What changed in the process, e.g. a new EHC process.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="recorded_rebases",
    )

    history = HistoricalRecords()
    objects = RebaseQuerySet.as_manager()

    class Meta:
        ordering = ["indicator", "starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "starts_on"],
                name="%(app_label)s_%(class)s_one_per_date",
                violation_error_message="This indicator is already rebased on that date.",
            ),
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="%(app_label)s_%(class)s_has_reason",
                violation_error_message="Say why the chart starts again: what changed in the process.",
            ),
        ]

    def __str__(self):
        return f"{self.indicator.code} rebased from {self.starts_on:%-d %B %Y}"

    def get_absolute_url(self):
        return reverse("indicators:indicator_detail", args=[self.indicator.code]) + "#rebases"
