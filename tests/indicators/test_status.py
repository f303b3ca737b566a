"""The rules that judge an indicator (indicators/status.py): the trajectory, data overdue, travel."""

from datetime import date
from decimal import Decimal

import pytest

from indicators.status import (
    Frequency,
    IndicatorStatus,
    Period,
    Travel,
    freshness,
    is_overdue,
    judge,
    next_period,
    period_containing,
    trajectory_value,
    travel,
)

# Baseline 20 on 1 Jan 2025, target 60 on 1 Jan 2027: the trajectory is 40 on 1 Jan 2026 (halfway), and
# the default tolerance is 10% of 40 = 4.
RISING = {
    "baseline_value": 20,
    "baseline_date": date(2025, 1, 1),
    "target_value": 60,
    "target_date": date(2027, 1, 1),
    "lower_is_better": False,
}
# Baseline 100, target 20 (lower is better): the trajectory is 60 halfway; the default tolerance is 8.
FALLING = {**RISING, "baseline_value": 100, "target_value": 20, "lower_is_better": True}
HALFWAY = date(2026, 1, 1)


def test_the_trajectory_is_a_straight_line_from_baseline_to_target():
    assert trajectory_value(20, date(2025, 1, 1), 60, date(2027, 1, 1), HALFWAY) == 40


def test_a_value_on_the_trajectory_is_on_track():
    assert judge(40, HALFWAY, **RISING) == IndicatorStatus.ON_TRACK


def test_a_value_ahead_of_the_trajectory_is_on_track_when_higher_is_better():
    assert judge(45, HALFWAY, **RISING) == IndicatorStatus.ON_TRACK


def test_a_value_below_the_trajectory_is_on_track_when_lower_is_better():
    assert judge(55, HALFWAY, **FALLING) == IndicatorStatus.ON_TRACK


def test_a_value_a_little_behind_the_trajectory_is_within_tolerance():
    assert judge(Decimal("36.5"), HALFWAY, **RISING) == IndicatorStatus.WITHIN_TOLERANCE


def test_a_value_exactly_the_tolerance_behind_is_still_within_tolerance():
    assert judge(36, HALFWAY, **RISING) == IndicatorStatus.WITHIN_TOLERANCE


def test_a_value_further_behind_than_the_tolerance_is_off_track():
    assert judge(Decimal("35.9"), HALFWAY, **RISING) == IndicatorStatus.OFF_TRACK


def test_a_value_above_the_trajectory_is_behind_when_lower_is_better():
    assert judge(65, HALFWAY, **FALLING) == IndicatorStatus.WITHIN_TOLERANCE
    assert judge(69, HALFWAY, **FALLING) == IndicatorStatus.OFF_TRACK


def test_a_tighter_tolerance_of_its_own_makes_a_small_shortfall_off_track():
    assert judge(Decimal("38.5"), HALFWAY, **RISING, tolerance=1) == IndicatorStatus.OFF_TRACK


def test_a_wider_tolerance_of_its_own_keeps_a_larger_shortfall_within_tolerance():
    assert judge(31, HALFWAY, **RISING, tolerance=10) == IndicatorStatus.WITHIN_TOLERANCE


def test_a_value_that_reaches_the_target_is_target_met_whatever_the_date():
    assert judge(60, date(2025, 2, 1), **RISING) == IndicatorStatus.TARGET_MET
    assert judge(61, HALFWAY, **RISING) == IndicatorStatus.TARGET_MET


def test_a_value_at_or_below_the_target_is_target_met_when_lower_is_better():
    assert judge(20, HALFWAY, **FALLING) == IndicatorStatus.TARGET_MET
    assert judge(5, HALFWAY, **FALLING) == IndicatorStatus.TARGET_MET


def test_before_the_baseline_date_a_value_is_judged_against_the_baseline():
    before = date(2024, 11, 30)
    assert judge(20, before, **RISING) == IndicatorStatus.ON_TRACK
    assert judge(17, before, **RISING) == IndicatorStatus.WITHIN_TOLERANCE
    assert judge(15, before, **RISING) == IndicatorStatus.OFF_TRACK


def test_after_the_target_date_a_value_short_of_the_target_is_behind_the_trajectory():
    after = date(2027, 6, 30)
    assert judge(58, after, **RISING) == IndicatorStatus.WITHIN_TOLERANCE
    assert judge(50, after, **RISING) == IndicatorStatus.OFF_TRACK


def test_after_the_target_date_a_value_at_the_target_is_target_met():
    assert judge(19, date(2027, 6, 30), **FALLING) == IndicatorStatus.TARGET_MET


def test_no_value_means_no_data_yet():
    assert judge(None, HALFWAY, **RISING) == IndicatorStatus.NO_DATA


# --- Direction of travel ------------------------------------------------------------------------------
def test_a_rise_is_improving_when_higher_is_better():
    assert travel(30, 35, lower_is_better=False) == Travel.IMPROVING


def test_a_fall_is_worsening_when_higher_is_better():
    assert travel(35, 30, lower_is_better=False) == Travel.WORSENING


def test_a_fall_is_improving_when_lower_is_better():
    assert travel(553, 360, lower_is_better=True) == Travel.IMPROVING


def test_a_rise_is_worsening_when_lower_is_better():
    assert travel(360, 553, lower_is_better=True) == Travel.WORSENING


def test_the_same_value_again_is_no_change():
    assert travel(Decimal("69.4"), Decimal("69.40"), lower_is_better=False) == Travel.NO_CHANGE


def test_there_is_no_direction_of_travel_without_a_previous_value():
    assert travel(None, 30, lower_is_better=False) is None


# --- Reporting periods --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("frequency", "day", "anchor", "period"),
    [
        (Frequency.MONTHLY, date(2026, 2, 10), 12, Period(date(2026, 2, 1), date(2026, 2, 28))),
        (Frequency.QUARTERLY, date(2025, 11, 5), 12, Period(date(2025, 10, 1), date(2025, 12, 31))),
        (Frequency.TERMLY, date(2025, 9, 30), 12, Period(date(2025, 9, 1), date(2025, 12, 31))),
        (Frequency.TERMLY, date(2026, 1, 31), 12, Period(date(2026, 1, 1), date(2026, 4, 30))),
        (Frequency.TERMLY, date(2026, 5, 31), 12, Period(date(2026, 5, 1), date(2026, 8, 31))),
        (Frequency.ANNUAL, date(2026, 1, 15), 2, Period(date(2025, 3, 1), date(2026, 2, 28))),
        (Frequency.ANNUAL, date(2026, 1, 31), 1, Period(date(2025, 2, 1), date(2026, 1, 31))),
        (Frequency.ANNUAL, date(2026, 7, 1), 12, Period(date(2026, 1, 1), date(2026, 12, 31))),
    ],
)
def test_each_frequency_has_its_own_reporting_periods(frequency, day, anchor, period):
    assert period_containing(day, frequency, anchor) == period


def overdue(latest, today, frequency, baseline_date=date(2024, 1, 31), lag=30):
    return is_overdue(latest, today, frequency=frequency, reporting_lag_days=lag, baseline_date=baseline_date)


def test_monthly_data_are_overdue_once_last_months_value_is_late():
    # 15 March: January's value was due by 2 March; the latest value is December's.
    assert overdue(date(2025, 12, 31), date(2026, 3, 15), Frequency.MONTHLY)


def test_monthly_data_are_not_overdue_while_the_reporting_lag_runs():
    # 1 March: January's value is not due until 2 March; December's is in.
    assert not overdue(date(2025, 12, 31), date(2026, 3, 1), Frequency.MONTHLY)


def test_monthly_data_are_up_to_date_with_the_latest_due_value():
    assert not overdue(date(2026, 1, 31), date(2026, 3, 15), Frequency.MONTHLY)


def test_quarterly_data_are_overdue_when_last_quarters_value_is_missing():
    assert overdue(date(2025, 12, 31), date(2026, 5, 15), Frequency.QUARTERLY)


def test_a_quarterly_value_dated_inside_the_quarter_counts_for_it():
    assert not overdue(date(2026, 2, 15), date(2026, 5, 15), Frequency.QUARTERLY)


def test_termly_data_are_overdue_when_the_spring_term_value_is_missing():
    # 15 June: the spring term (January to April) ended more than 30 days ago; the latest is autumn's.
    assert overdue(date(2025, 9, 30), date(2026, 6, 15), Frequency.TERMLY)


def test_a_january_census_value_counts_for_the_spring_term():
    assert not overdue(date(2026, 1, 31), date(2026, 6, 15), Frequency.TERMLY)


def test_annual_data_are_due_each_year_in_the_baselines_month():
    baseline = date(2025, 1, 31)
    assert not overdue(date(2026, 1, 31), date(2026, 11, 27), Frequency.ANNUAL, baseline)
    assert overdue(date(2025, 1, 31), date(2026, 3, 15), Frequency.ANNUAL, baseline)


def test_annual_data_are_not_overdue_before_the_years_lag_has_passed():
    assert not overdue(date(2025, 1, 31), date(2026, 2, 20), Frequency.ANNUAL, date(2025, 1, 31))


def test_a_longer_reporting_lag_gives_more_time():
    assert not overdue(date(2025, 12, 31), date(2026, 3, 15), Frequency.MONTHLY, lag=60)


def test_nothing_is_due_for_periods_before_the_baseline():
    assert not overdue(None, date(2026, 7, 15), Frequency.MONTHLY, baseline_date=date(2026, 6, 30))


def test_an_indicator_with_no_values_is_overdue_once_a_period_after_its_baseline_is_due():
    assert overdue(None, date(2026, 8, 15), Frequency.MONTHLY, baseline_date=date(2026, 6, 30))


def test_up_to_date_data_say_which_period_is_due_next_and_when():
    fresh = freshness(
        date(2026, 1, 31),
        date(2026, 3, 1),
        frequency=Frequency.MONTHLY,
        reporting_lag_days=30,
        baseline_date=date(2025, 1, 31),
    )
    assert not fresh.overdue
    assert fresh.period == Period(date(2026, 2, 1), date(2026, 2, 28))
    assert fresh.due_by == date(2026, 3, 30)


def test_overdue_data_say_which_periods_value_is_missing_and_when_it_was_due():
    late = freshness(
        date(2025, 12, 31),
        date(2026, 3, 15),
        frequency=Frequency.MONTHLY,
        reporting_lag_days=30,
        baseline_date=date(2025, 1, 31),
    )
    assert late.overdue
    assert late.period == Period(date(2026, 1, 1), date(2026, 1, 31))
    assert late.due_by == date(2026, 3, 2)


@pytest.mark.parametrize(
    "frequency, latest, baseline, period",
    [
        (Frequency.MONTHLY, date(2026, 1, 31), date(2025, 1, 31), (date(2026, 2, 1), date(2026, 2, 28))),
        (Frequency.QUARTERLY, date(2025, 12, 31), date(2025, 3, 31), (date(2026, 1, 1), date(2026, 3, 31))),
        (Frequency.TERMLY, date(2026, 1, 15), date(2025, 9, 1), (date(2026, 5, 1), date(2026, 8, 31))),
        (Frequency.ANNUAL, date(2025, 3, 31), date(2024, 3, 31), (date(2025, 4, 1), date(2026, 3, 31))),
        (Frequency.MONTHLY, None, date(2025, 6, 30), (date(2025, 6, 1), date(2025, 6, 30))),
    ],
)
def test_the_next_period_to_record_follows_the_latest_values_period(frequency, latest, baseline, period):
    """With no value yet, the first period to record is the baseline's, the first whose value is due."""
    assert next_period(latest, frequency=frequency, baseline_date=baseline) == Period(*period)
