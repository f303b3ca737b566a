"""The rules that judge an indicator, each written once: on course, data overdue, direction of travel.

Pure functions of values and dates (no database), so the list page, the dashboard, the charts, the
exports and the board pack all get the same answer. `Indicator` calls them with its own fields.

**On course (the trajectory rule).** The trajectory is the straight line from the baseline (value,
date) to the target (value, date). A value is judged against the trajectory on its period-end date:

- it is *target met* when it is at or better than the target (better = higher or lower, by direction);
- otherwise *on track* when it is at or better than the trajectory's value for its date;
- *within tolerance* when it is behind the trajectory by no more than the tolerance (the indicator's own,
  or by default 10% of the distance from baseline to target);
- *off track* when it is further behind.

Before the baseline date the trajectory is the baseline value (the plan has not started moving it yet);
after the target date it is the target value, so a target not met by its date is behind the trajectory.
An indicator with no values has *no data yet*. An indicator whose plan has not set its baseline (or its
target) yet has no trajectory: it is *baseline to be set*, whatever its values, and is never judged
against a guessed line.

**Data overdue.** A value is due `reporting_lag_days` after the end of each reporting period. The data
are overdue when the latest period whose value is due has no value recorded for it (or for a later
period). A value counts for the period its period-end date falls in, so a value dated 31 January counts
for January (monthly), the quarter January to March, the spring term, and so on. Periods:

- monthly: calendar months;
- quarterly: calendar quarters (January–March, April–June, July–September, October–December), which are
  also the financial-year quarters;
- termly: the English school year in three four-month terms: autumn 1 September–31 December, spring
  1 January–30 April (Easter falls in March or April), summer 1 May–31 August (with the summer holiday).
  Census-style values (January, May, October) each fall in a different term;
- annual: years ending on the last day of the baseline's month (an indicator with a January baseline is
  reported each January), because annual surveys and returns keep their own calendar.

Nothing is due for periods that end before the baseline date.

**Direction of travel.** The latest value against the previous one: improving, worsening or no change,
judged by the indicator's direction (for a "lower is better" count a fall is improving).
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import models

DEFAULT_TOLERANCE_SHARE = Decimal("0.1")  # 10% of the distance from baseline to target


class IndicatorStatus(models.TextChoices):
    """Where an indicator stands against its trajectory, from its latest value."""

    ON_TRACK = "on_track", "On track"
    WITHIN_TOLERANCE = "within_tolerance", "Within tolerance"
    OFF_TRACK = "off_track", "Off track"
    TARGET_MET = "target_met", "Target met"
    NO_DATA = "no_data", "No data yet"
    # The plan has not set the baseline (or the target) yet: there is no trajectory, so nothing is judged.
    BASELINE_TO_BE_SET = "baseline_to_be_set", "Baseline to be set"


# GOV.UK Frontend tag modifier for each status (govuk-tag--<colour>); "" is the plain blue tag.
# The status word is always shown with the colour.
STATUS_COLOURS = {
    IndicatorStatus.ON_TRACK: "green",
    IndicatorStatus.WITHIN_TOLERANCE: "yellow",
    IndicatorStatus.OFF_TRACK: "red",
    IndicatorStatus.TARGET_MET: "",
    IndicatorStatus.NO_DATA: "grey",
    IndicatorStatus.BASELINE_TO_BE_SET: "grey",
}
DATA_OVERDUE = "Data overdue"  # the derived flag, shown beside the status
DATA_OVERDUE_COLOUR = "orange"


class Frequency(models.TextChoices):
    """How often an indicator is reported (see the module docstring for each kind of period)."""

    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"
    TERMLY = "termly", "Termly"
    ANNUAL = "annual", "Annual"


class Travel(models.TextChoices):
    """The direction of travel since the previous value, judged by the indicator's direction."""

    IMPROVING = "improving", "Improving"
    WORSENING = "worsening", "Worsening"
    NO_CHANGE = "no_change", "No change"


# The symbol shows which way the value moved (up, down, level); the word says whether that is good.
MOVEMENT_SYMBOLS = {1: "▲", -1: "▼", 0: "▶"}
MOVEMENT_WORDS = {1: "up", -1: "down", 0: "level"}


def tolerance_for(baseline_value, target_value, tolerance=None):
    """The tolerance in the indicator's unit: its own, or 10% of the distance from baseline to target."""
    if tolerance is not None:
        return Decimal(tolerance)
    return abs(Decimal(target_value) - Decimal(baseline_value)) * DEFAULT_TOLERANCE_SHARE


def trajectory_value(baseline_value, baseline_date, target_value, target_date, on):
    """The trajectory's value on a date: the straight line from baseline to target, flat outside it."""
    baseline_value, target_value = Decimal(baseline_value), Decimal(target_value)
    if on <= baseline_date:
        return baseline_value
    if on >= target_date:
        return target_value
    elapsed = Decimal((on - baseline_date).days) / Decimal((target_date - baseline_date).days)
    return baseline_value + (target_value - baseline_value) * elapsed


def judge(
    value, on, *, baseline_value, baseline_date, target_value, target_date, lower_is_better, tolerance=None
):
    """The status of `value` measured for the period ending `on` (the one trajectory rule)."""
    if value is None:
        return IndicatorStatus.NO_DATA
    sign = -1 if lower_is_better else 1
    value = Decimal(value)
    if sign * (value - Decimal(target_value)) >= 0:
        return IndicatorStatus.TARGET_MET
    expected = trajectory_value(baseline_value, baseline_date, target_value, target_date, on)
    behind = sign * (expected - value)  # how far the value is behind the trajectory (negative: ahead)
    if behind <= 0:
        return IndicatorStatus.ON_TRACK
    if behind <= tolerance_for(baseline_value, target_value, tolerance):
        return IndicatorStatus.WITHIN_TOLERANCE
    return IndicatorStatus.OFF_TRACK


def travel(previous, latest, *, lower_is_better):
    """Improving, worsening or no change from `previous` to `latest`; None without two values."""
    if previous is None or latest is None:
        return None
    movement = movement_of(previous, latest)
    if movement == 0:
        return Travel.NO_CHANGE
    better = movement < 0 if lower_is_better else movement > 0
    return Travel.IMPROVING if better else Travel.WORSENING


def movement_of(previous, latest):
    """1 when the value rose, -1 when it fell, 0 when it stayed the same."""
    difference = Decimal(latest) - Decimal(previous)
    return (difference > 0) - (difference < 0)


# --- Reporting periods --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Period:
    """A reporting period, first and last day included."""

    start: date
    end: date

    def previous(self, frequency, anchor_month):
        return period_containing(self.start - timedelta(days=1), frequency, anchor_month)


def _month_end(year, month):
    return date(year, month, calendar.monthrange(year, month)[1])


# Months in each kind of period. Periods start in January (and every `length` months after it), except
# annual ones, which start the month after the anchor month (see the module docstring).
PERIOD_MONTHS = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.TERMLY: 4, Frequency.ANNUAL: 12}


def period_containing(day, frequency, anchor_month=12):
    """The reporting period `day` falls in. `anchor_month` is the month annual periods end in."""
    frequency = Frequency(frequency)
    length = PERIOD_MONTHS[frequency]
    first_month = anchor_month % 12 + 1 if frequency == Frequency.ANNUAL else 1
    month = day.year * 12 + day.month - 1  # months since year 0, so periods can cross a new year
    start = month - (month - (first_month - 1)) % length
    end = start + length - 1
    return Period(date(start // 12, start % 12 + 1, 1), _month_end(end // 12, end % 12 + 1))


def latest_due_period(today, frequency, reporting_lag_days, anchor_month=12):
    """The latest period whose value is due by `today`: it ended at least `reporting_lag_days` ago."""
    reference = today - timedelta(days=reporting_lag_days)
    period = period_containing(reference, frequency, anchor_month)
    return period if period.end <= reference else period.previous(frequency, anchor_month)


def next_period(latest_period_end, *, frequency, baseline_date):
    """The period to record a value for next: the one after the latest value's period; with no value
    yet, the period the baseline date falls in (the first one whose value is due, see freshness())."""
    anchor = baseline_date.month
    if latest_period_end is None:
        return period_containing(baseline_date, frequency, anchor)
    after = period_containing(latest_period_end, frequency, anchor).end + timedelta(days=1)
    return period_containing(after, frequency, anchor)


@dataclass(frozen=True)
class Freshness:
    """How fresh an indicator's data are: overdue or not, and which period's value is due by when."""

    overdue: bool
    period: Period  # overdue: the latest period whose value is missing; else the next period to report
    due_by: date


def freshness(latest_period_end, today, *, frequency, reporting_lag_days, baseline_date):
    """The one 'data overdue' rule: the latest period whose value is due has no value, nor any later one."""
    anchor = baseline_date.month
    lag = timedelta(days=reporting_lag_days)
    due = latest_due_period(today, frequency, reporting_lag_days, anchor)
    if due.end >= baseline_date and (latest_period_end is None or latest_period_end < due.start):
        return Freshness(overdue=True, period=due, due_by=due.end + lag)
    covered = due.end
    if latest_period_end is not None:
        covered = max(covered, period_containing(latest_period_end, frequency, anchor).end)
    upcoming = period_containing(covered + timedelta(days=1), frequency, anchor)
    if upcoming.end < baseline_date:
        upcoming = period_containing(baseline_date, frequency, anchor)
    return Freshness(overdue=False, period=upcoming, due_by=upcoming.end + lag)


def is_overdue(latest_period_end, today, *, frequency, reporting_lag_days, baseline_date):
    """Whether the indicator's data are overdue (see freshness())."""
    return freshness(
        latest_period_end,
        today,
        frequency=frequency,
        reporting_lag_days=reporting_lag_days,
        baseline_date=baseline_date,
    ).overdue
