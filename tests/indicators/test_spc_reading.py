"""The SPC reading the pages show: rebases by date, too few values, verdicts in words, the Board's order."""

import re
from dataclasses import dataclass
from datetime import date

from indicators import spc
from indicators.spc_reading import read

# 13 values alternating around 10 with no pattern: common cause, mean 10 (as in test_spc.py)
STEADY = [9, 11, 9, 11, 9, 11, 9, 11, 9, 11, 9, 11, 10]


@dataclass
class Value:
    period_end: date
    value: float


@dataclass
class Rebase:
    starts_on: date


def month_end(n):
    """The last day of the n-th month after December 2023 (n=1: 31 January 2024)."""
    year, month = 2024 + (n - 1) // 12, (n - 1) % 12 + 1
    following = date(year + month // 12, month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def series(values):
    return [Value(month_end(n), v) for n, v in enumerate(values, start=1)]


def test_a_rebase_starts_a_new_group_at_the_first_value_on_or_after_its_date():
    values = series(STEADY + [v + 10 for v in STEADY])
    reading = read(values, [Rebase(date(2025, 2, 1))], direction="higher_is_better", target=None)

    before, after = reading.analysis.groups
    assert after.start == 13 and values[13].period_end == date(2025, 2, 28)
    assert reading.rebases[0].starts_with is values[13]
    assert [row.starts_group for row in reading.rows].index(True) == 13
    assert reading.variation.key == "common_cause"


def test_a_rebase_after_the_latest_value_waits_for_one():
    reading = read(series(STEADY), [Rebase(date(2030, 1, 1))], direction="higher_is_better", target=None)

    assert len(reading.analysis.groups) == 1
    assert reading.rebases[0].index is None and reading.rebases[0].starts_with is None


def test_two_rebases_before_the_same_value_start_one_group():
    rebases = [Rebase(date(2025, 1, 5)), Rebase(date(2025, 1, 20))]
    reading = read(series(STEADY * 2), rebases, direction="higher_is_better", target=None)

    assert len(reading.analysis.groups) == 2


def test_with_fewer_than_13_values_nothing_is_judged_and_the_page_says_why():
    reading = read(series(STEADY[:11] + [40]), [], direction="higher_is_better", target=20)

    assert not reading.judged
    assert reading.variation.label == "Too few values to judge"
    assert reading.assurance.label == "Too few values to judge"
    assert {row.kind for row in reading.rows} == {"not_judged"}  # 40 is far above the rest, but unmarked
    assert reading.rows[-1].explanation.startswith("Not judged: fewer than 13 values")
    assert reading.short_group_warning.startswith("There are 12 values so far: the limits need at least 13.")
    assert reading.sentence.startswith("Too few values to judge yet: 12 since the start")


def test_a_short_group_after_a_rebase_is_not_judged_but_the_one_before_is():
    values = series(STEADY + [40, 41, 42])
    reading = read(values, [Rebase(values[13].period_end)], direction="higher_is_better", target=None)

    assert [row.judged for row in reading.rows] == [True] * 13 + [False] * 3
    assert "since the last rebase" in reading.short_group_warning
    assert reading.rows[-1].lower_limit != ""  # the analysis has trial limits...
    assert reading.variation.key == "too_few"  # ...but are not shown or judged


def test_no_values_say_so():
    reading = read([], [], direction="higher_is_better", target=20)

    assert reading.variation.label == "No values yet"
    assert reading.assurance.label == "No values yet"
    assert reading.rows == []
    assert reading.sentence == "No values have been recorded yet."


def test_without_a_target_assurance_says_there_is_none():
    reading = read(series(STEADY), [], direction="higher_is_better", target=None)

    assert reading.assurance.key == "no_target"
    assert reading.assurance.label == "No target to assess"
    assert reading.assurance.icon == "indicators/icons/assurance-none.svg"
    assert reading.sentence.endswith("there is no target to compare with.")


def test_a_neutral_indicator_is_special_cause_variation_and_not_assessed():
    reading = read(series(STEADY + [40]), [], direction="neutral", target=5)

    assert reading.variation.key == "neutral_high"
    assert reading.variation.label == "Special cause variation: higher values"
    assert reading.assurance.label == "Not assessed: neither direction is better"
    assert reading.rows[-1].kind == "neutral"
    assert reading.rows[-1].explanation == "Special cause variation: above the upper process limit"


def test_a_value_exactly_on_the_mean_breaks_a_run_in_the_table_too():
    values = [11, 13, 11, 13, 11, 13, 10, 13, 11, 13, 11, 13, 11, 7, 5, 7, 5, 7, 5]
    reading = read(series(values), [], direction="higher_is_better", target=None)

    assert reading.rows[6].mean == "10.0"
    assert {row.explanation for row in reading.rows[:13]} == {
        "Common cause: within the limits, no unusual pattern"
    }


def test_a_repeated_value_breaks_a_trend_in_the_table_too():
    values = [5, 7, 5, 7, 5, 7, 5, 7, 5, 1, 2, 3, 4, 4, 5, 6, 7]
    reading = read(series(values), [], direction="higher_is_better", target=None)

    assert not any("each higher than the one before" in row.explanation for row in reading.rows)


def test_a_trend_is_explained_by_the_rule_that_fired():
    values = [5, 7, 5, 7, 5, 7, 5, 7, 5, 1, 2, 3, 4, 5, 6, 7]
    reading = read(series(values), [], direction="lower_is_better", target=None)

    assert reading.rows[-1].kind == "concern"
    assert reading.rows[-1].explanation == (
        "Special cause concern: part of 7 values in a row, each higher than the one before"
    )
    assert reading.variation.label == "Special cause concern: higher values"
    assert reading.variation.icon == "indicators/icons/variation-concern-high.svg"


def test_the_board_looks_first_at_concern_then_a_target_that_will_be_missed():
    @dataclass
    class Indicator:
        code: str
        spc: object

    improving = Indicator("A", read(series(STEADY + [40]), [], direction="higher_is_better", target=5))
    too_few = Indicator("B", read(series(STEADY[:5]), [], direction="higher_is_better", target=5))
    missing = Indicator("C", read(series(STEADY), [], direction="higher_is_better", target=30))
    hit_and_miss = Indicator("D", read(series(STEADY), [], direction="higher_is_better", target=10))
    concern = Indicator("E", read(series(STEADY + [40]), [], direction="lower_is_better", target=5))

    ordered = sorted([improving, too_few, missing, hit_and_miss, concern], key=lambda i: i.spc.attention)

    assert [indicator.code for indicator in ordered] == ["E", "C", "D", "B", "A"]


def test_every_difference_in_the_analysis_docstring_is_on_the_how_to_read_page():
    numbered = re.findall(r"^(\d)\. ", spc.__doc__, flags=re.MULTILINE)
    assert len(numbered) == len(spc.DIFFERENCES_FROM_GUIDANCE) == 7
