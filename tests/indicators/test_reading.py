"""One sentence for an indicator: trajectory status, SPC variation and assurance reconciled, for every
combination (indicators.reading.read_indicator), and the thin-data sentence said once."""

from dataclasses import dataclass
from datetime import date

import pytest

from indicators import spc
from indicators.reading import read_indicator, thin_data_sentence
from indicators.spc_reading import ASSURANCE, NO_DATA, TOO_FEW, VARIATION
from indicators.status import IndicatorStatus

TARGET = date(2027, 3, 31)
JUDGED = [IndicatorStatus.ON_TRACK, IndicatorStatus.WITHIN_TOLERANCE, IndicatorStatus.OFF_TRACK]
JUDGED += [IndicatorStatus.TARGET_MET]
TRAJECTORY_WORDS = {
    IndicatorStatus.ON_TRACK: "On track against its trajectory",
    IndicatorStatus.WITHIN_TOLERANCE: "A little behind its trajectory (within tolerance)",
    IndicatorStatus.OFF_TRACK: "Off track (behind its trajectory)",
    IndicatorStatus.TARGET_MET: "Target met",
}
VARIATION_WORDS = {
    "common_cause": "no significant change by SPC",
    "improvement_high": "improving by SPC",
    "improvement_low": "improving by SPC",
    "concern_high": "worsening by SPC",
    "concern_low": "worsening by SPC",
    "neutral_high": "an unusual change by SPC",
    "neutral_low": "an unusual change by SPC",
}
ASSURANCE_WORDS = {
    spc.Assurance.CONSISTENT_PASS: "at this rate it will meet the March 2027 target",
    spc.Assurance.CONSISTENT_FAIL: "at this rate it will miss the March 2027 target",
    spc.Assurance.INCONSISTENT: "at this rate it will meet the March 2027 target in some periods and miss it",
    "no_target": None,
    "neutral": None,
}
MOOD = {"improving": 1, "worsening": -1, "will meet the March 2027 target": 1, "will miss": -1}


def test_the_issues_example_reads_as_one_sentence():
    text = read_indicator(
        status=IndicatorStatus.WITHIN_TOLERANCE,
        variation="improvement_high",
        assurance=spc.Assurance.CONSISTENT_FAIL,
        target_date=TARGET,
    )
    assert text == (
        "A little behind its trajectory (within tolerance), and improving by SPC; "
        "but at this rate it will miss the March 2027 target."
    )


def test_every_variation_and_assurance_key_is_covered():
    assert set(VARIATION) == set(VARIATION_WORDS) | {TOO_FEW, NO_DATA}
    assert set(ASSURANCE) == set(ASSURANCE_WORDS) | {TOO_FEW, NO_DATA}


@pytest.mark.parametrize("status", JUDGED)
@pytest.mark.parametrize("variation", sorted(VARIATION_WORDS))
@pytest.mark.parametrize("assurance", sorted(ASSURANCE_WORDS))
def test_the_sentence_says_all_three_and_joins_opposites_with_but(status, variation, assurance):
    text = read_indicator(status=status, variation=variation, assurance=assurance, target_date=TARGET)

    assert text.startswith(TRAJECTORY_WORDS[status])
    assert VARIATION_WORDS[variation] in text
    if ASSURANCE_WORDS[assurance]:
        assert ASSURANCE_WORDS[assurance] in text
    else:
        assert "at this rate" not in text
    good = status in (IndicatorStatus.ON_TRACK, IndicatorStatus.TARGET_MET)
    bad = status == IndicatorStatus.OFF_TRACK
    spc_good, spc_bad = variation.startswith("improvement"), variation.startswith("concern")
    if (good and spc_bad) or (bad and spc_good):
        assert f", but {VARIATION_WORDS[variation]}" in text
    else:
        assert f", and {VARIATION_WORDS[variation]}" in text
    assert text.endswith(".")


@pytest.mark.parametrize("status", JUDGED)
@pytest.mark.parametrize("assurance", sorted(ASSURANCE_WORDS) + [TOO_FEW])
def test_with_too_few_values_the_sentence_leaves_spc_out(status, assurance):
    text = read_indicator(status=status, variation=TOO_FEW, assurance=assurance, target_date=TARGET)
    assert text == f"{TRAJECTORY_WORDS[status]}."


@pytest.mark.parametrize("variation", [NO_DATA, "common_cause"])
def test_with_no_values_it_says_so(variation):
    text = read_indicator(
        status=IndicatorStatus.NO_DATA, variation=variation, assurance=NO_DATA, target_date=TARGET
    )
    assert text == "No values recorded yet."


@dataclass
class Row:
    variation: object


@dataclass
class Verdict:
    key: str


@pytest.mark.parametrize(
    ("thin", "total", "expected"),
    [
        (17, 20, "17 of 20 indicators have fewer than 13 values: their SPC limits are not shown yet"),
        (10, 20, ""),  # half is not most
        (0, 3, ""),
        (0, 0, ""),
    ],
)
def test_thin_data_is_said_once_when_most_indicators_are_too_thin(thin, total, expected):
    rows = [Row(Verdict(TOO_FEW)) for _ in range(thin)] + [Row(Verdict("common_cause"))] * (total - thin)
    assert thin_data_sentence(rows) == expected
