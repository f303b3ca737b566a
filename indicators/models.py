"""Success indicators: what the plan measures, and the values recorded for each period."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from send_portal.models import TimeStampedModel


class Unit(models.TextChoices):
    PERCENT = "percent", "Percentage"
    COUNT = "count", "Count"
    WEEKS = "weeks", "Weeks"
    DAYS = "days", "Days"


UNIT_SUFFIX = {Unit.PERCENT: "%", Unit.COUNT: "", Unit.WEEKS: " weeks", Unit.DAYS: " days"}


class Direction(models.TextChoices):
    HIGHER_IS_BETTER = "higher_is_better", "Higher is better"
    LOWER_IS_BETTER = "lower_is_better", "Lower is better"


class Frequency(models.TextChoices):
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    TERMLY = "termly", "Termly"
    ANNUAL = "annual", "Annual"


class Provenance(models.TextChoices):
    REAL = "real", "Published figures"
    MIXED = "mixed", "Published and illustrative figures"
    ILLUSTRATIVE = "illustrative", "Illustrative (demonstration only)"


class IndicatorQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Every signed-in role may read every indicator."""
        return self if user.is_authenticated else self.none()

    def for_table(self):
        return self.select_related("priority", "owner").order_by("priority__number", "code")


class Indicator(TimeStampedModel):
    """A success indicator, e.g. 'New EHC plans issued within 20 weeks (%)', with baseline and target."""

    code = models.SlugField(max_length=20, unique=True, help_text="The plan's code, e.g. P2-I1.")
    priority = models.ForeignKey("actions.Priority", on_delete=models.PROTECT, related_name="indicators")
    name = models.CharField(max_length=300)
    definition = models.TextField(blank=True)
    unit = models.CharField(max_length=20, choices=Unit)
    direction = models.CharField(max_length=20, choices=Direction)
    baseline_value = models.DecimalField(max_digits=12, decimal_places=3)
    baseline_date = models.DateField()
    target_value = models.DecimalField(max_digits=12, decimal_places=3)
    target_date = models.DateField()
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

    history = HistoricalRecords()
    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["priority__number", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_date__gt=models.F("baseline_date")),
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

    def format_value(self, value):
        """A value with its unit, e.g. '17.5%' or '1,801'."""
        if value is None:
            return ""
        value = Decimal(value).normalize()
        text = f"{value:,f}" if value != value.to_integral() else f"{int(value):,}"
        return f"{text}{UNIT_SUFFIX[Unit(self.unit)]}"

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


class MeasurementQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self if user.is_authenticated else self.none()


class Measurement(models.Model):
    """The value of an indicator for one reporting period. One value per indicator and period."""

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

    history = HistoricalRecords()
    objects = MeasurementQuerySet.as_manager()

    class Meta:
        ordering = ["indicator", "period_end"]
        get_latest_by = "period_end"
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period_end"],
                name="%(app_label)s_%(class)s_one_per_period",
                violation_error_message="This indicator already has a value for that period. "
                "Correct the existing value instead of adding a second one.",
            ),
        ]

    def __str__(self):
        return f"{self.indicator.code} {self.period_end:%d %b %Y}: {self.value}"

    def get_absolute_url(self):
        return self.indicator.get_absolute_url()

    def clean(self):
        if self.indicator_id is not None:
            try:
                self.indicator.validate_value(self.value)
            except ValidationError as error:
                raise ValidationError({"value": error.messages}) from error

    @property
    def formatted_value(self):
        return self.indicator.format_value(self.value)
