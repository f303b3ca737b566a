"""SPC analysis: NHSRplotthedots' own outputs as vectors, then the behaviours we chose ourselves."""

import json
from decimal import Decimal
from pathlib import Path

import pytest

from indicators.models import Direction
from indicators.spc import Assurance, PointType, analyse, describe

VECTORS = Path("/work/shared/spc-vectors/cases")
CASES = sorted(VECTORS.glob("*.json"))
GROUP_FIELDS = ["start", "end", "n", "mean", "lpl", "upl", "mr_bar", "lower_2sigma", "upper_2sigma"]
POINT_FIELDS = ["special_cause_type", "point_type", "relative_to_mean", "outside_limits", "close_to_limits"]

# 13 values alternating around 10 with no pattern: common cause, mean 10
STEADY = [9, 11, 9, 11, 9, 11, 9, 11, 9, 11, 9, 11, 10]


def analyse_case(case):
    options = case["options"]
    return analyse(
        case["values"],
        case["improvement_direction"],
        target=case["target"],
        rebase_at=options["rebase_at_index"],
        screen_outliers=options["screen_outliers"],
        fix_after_n_points=options["fix_after_n_points"],
    )


def test_there_are_twelve_vectors():
    assert len(CASES) == 12


@pytest.mark.parametrize("path", CASES, ids=lambda path: path.stem)
def test_the_analysis_matches_nhsrplotthedots(path):
    case = json.loads(path.read_text())
    expected = case["expected"]
    result = analyse_case(case)

    assert len(result.groups) == len(expected["groups"])
    for group, want in zip(result.groups, expected["groups"], strict=True):
        for name in GROUP_FIELDS:
            assert getattr(group, name) == pytest.approx(want[name], abs=1e-9), name
        assert group.short == want["short_group_warning"]
    for name in POINT_FIELDS:
        assert [getattr(point, name) for point in result.points] == expected[name], name
    assert result.variation_icon == expected["variation_icon"]
    assert result.assurance == expected["assurance"]
    assert result.assurance_icon == expected["assurance_icon"]
    assert bool(result.warnings) == expected["warning_emitted"]


def test_a_rebase_starts_a_new_group_with_its_own_mean_and_limits():
    result = analyse(STEADY + [v + 10 for v in STEADY], "increase", rebase_at=[13])

    before, after = result.groups
    assert (before.start, before.end, after.start, after.end) == (0, 12, 13, 25)
    assert after.mean == pytest.approx(before.mean + 10)
    assert after.upl == pytest.approx(before.upl + 10)
    assert all(not point.is_special_cause for point in result.points)


def test_without_the_rebase_the_step_change_is_special_cause():
    result = analyse(STEADY + [v + 10 for v in STEADY], "increase")

    assert result.latest_point.point_type == PointType.IMPROVEMENT


def test_fewer_than_thirteen_points_gives_the_warning():
    result = analyse(STEADY[:12], "increase")

    assert result.groups[0].short
    assert result.warnings == ["Fewer than 13 points: the limits are not yet reliable."]


def test_thirteen_points_give_no_warning():
    assert analyse(STEADY, "increase").warnings == []


def test_a_short_group_after_a_rebase_says_where_it_is():
    result = analyse(STEADY + STEADY[:5], "increase", rebase_at=[13])

    assert result.warnings == [
        "Fewer than 13 points from point 14 to point 18: the limits are not yet reliable."
    ]


def test_no_target_gives_no_assurance():
    result = analyse(STEADY, "increase")

    assert result.assurance is None
    assert result.assurance_icon is None


def test_a_target_above_the_limits_consistently_fails_when_higher_is_better():
    result = analyse(STEADY, "higher_is_better", target=20)

    assert result.assurance == Assurance.CONSISTENT_FAIL
    assert result.assurance_icon == "fail"


def test_the_portals_lower_is_better_means_decrease():
    result = analyse(STEADY, "lower_is_better", target=20)

    assert result.improvement_direction == "decrease"
    assert result.assurance == Assurance.CONSISTENT_PASS


def test_an_unknown_direction_is_refused():
    with pytest.raises(ValueError, match="Unknown improvement direction"):
        analyse(STEADY, "up")


def test_a_neutral_direction_gives_neutral_special_cause_and_no_assurance():
    result = analyse(STEADY + [40], "neutral", target=5)

    assert result.latest_point.special_cause_type == "Above UCL"
    assert result.latest_point.point_type == PointType.NEUTRAL_HIGH
    assert result.variation_icon == "neutral_high"
    assert result.assurance is None


def test_a_point_exactly_on_the_mean_breaks_a_run():
    # mean 10: six values above, one on the mean, six above again, then six below to balance
    values = [11, 13, 11, 13, 11, 13, 10, 13, 11, 13, 11, 13, 11, 7, 5, 7, 5, 7, 5]
    result = analyse(values, "increase")

    assert result.groups[0].mean == 10
    assert result.points[6].relative_to_mean == 0
    assert all(point.special_cause_type == "Common Cause" for point in result.points[:13])


def test_the_same_point_just_above_the_mean_completes_the_run():
    values = [11, 13, 11, 13, 11, 13, 10.5, 13, 11, 13, 11, 13, 11, 7, 5, 7, 5, 7, 5]
    result = analyse(values, "increase")

    assert all(point.special_cause_type == "7 Points Above CL" for point in result.points[:13])


def test_seven_points_on_one_side_of_the_mean_are_a_run():
    values = [8, 12, 8, 12, 8, 12, 11, 11, 11, 11, 11, 11, 11, 9, 8, 9, 8, 9, 10]
    result = analyse(values, "increase")

    assert [point.special_cause_type for point in result.points[4:14]] == (
        ["Common Cause"] + ["7 Points Above CL"] * 8 + ["Common Cause"]
    )
    assert result.points[5].rule == "part of 7 values in a row above the mean"
    assert result.points[5].point_type == PointType.IMPROVEMENT


def test_seven_values_each_higher_than_the_one_before_are_a_trend():
    values = [5, 7, 5, 7, 5, 7, 5, 7, 5, 1, 2, 3, 4, 5, 6, 7]
    result = analyse(values, "increase")

    assert [point.special_cause_type for point in result.points[-7:]] == ["7 Point Trend (Increasing)"] * 7
    assert result.points[-8].special_cause_type == "Common Cause"


def test_a_repeated_value_breaks_a_trend_as_in_the_reference():
    # NHSRplotthedots needs 6 strict rises in a row: the repeated 4 splits 8 rising values into 4 and 4
    values = [5, 7, 5, 7, 5, 7, 5, 7, 5, 1, 2, 3, 4, 4, 5, 6, 7]
    result = analyse(values, "increase")

    assert not any("Trend" in point.special_cause_type for point in result.points)


def test_empty_input_gives_no_limits_and_a_warning():
    result = analyse([], "increase", target=50)

    assert result.groups == []
    assert result.points == []
    assert result.variation_icon is None
    assert result.assurance is None
    assert result.warnings == ["No values yet: there is nothing to analyse."]
    assert describe(result) == "No values have been recorded yet."


def test_a_single_value_has_no_limits_and_a_warning():
    result = analyse([42], "increase", target=50)

    group = result.groups[0]
    assert (group.mean, group.mr_bar, group.lpl, group.upl) == (42, None, None, None)
    assert result.points[0].point_type == PointType.COMMON_CAUSE
    assert result.assurance is None
    assert result.warnings == ["Only one point: there are no limits yet."]


def test_a_flat_series_has_its_limits_on_the_mean():
    result = analyse([5] * 15, "increase")

    assert (result.groups[0].lpl, result.groups[0].upl) == (5, 5)
    assert not any(point.is_special_cause for point in result.points)


def test_fixed_limits_come_from_the_first_n_points_only():
    result = analyse(STEADY + [30, 30], "increase", fix_after_n_points=13)

    assert result.groups[0].mean == pytest.approx(10)
    assert result.groups[0].n == 15
    assert result.latest_point.special_cause_type == "Above UCL"


def test_describe_a_special_cause_run_with_a_target_inside_the_limits():
    values = [12, 8, 12, 8, 12, 8, 12, 8, 11, 11, 11, 11, 11, 11, 11]
    result = analyse(values, "increase", target=11)

    assert describe(result) == (
        "Special cause improvement: the last 7 values are above the mean; "
        "the target of 11.0 is within the limits, so it will be met some months and missed in others."
    )


def test_describe_common_cause_without_a_target():
    result = analyse(STEADY, "increase")

    assert describe(result, unit_formatter=lambda v: f"{v:.1f}") == (
        "Common cause variation: the latest value, 10.0, is within the limits of 4.9 to 15.1 and shows "
        "no unusual pattern; there is no target to compare with."
    )


def test_describe_concern_above_the_limit_when_lower_is_better():
    result = analyse(STEADY + [40], "lower_is_better", target=10)

    assert describe(result, unit_formatter=lambda v: f"{v:.0f} weeks", periods="terms") == (
        "Special cause concern: the latest value, 40 weeks, is above the upper limit of 17 weeks; "
        "the target of 10 weeks is within the limits, so it will be met some terms and missed in others."
    )


def test_describe_a_target_beyond_the_limits():
    result = analyse(STEADY, "increase", target=2)

    assert describe(result, unit_formatter=lambda v: f"{v:.0f}").endswith(
        "the target of 2 is below the lower limit, so it will consistently be met unless the process changes."
    )


def test_describe_too_few_points():
    result = analyse([40, 42, 41], "increase", target=50)

    assert describe(result, unit_formatter=lambda v: f"{v:.0f}%") == (
        "Too few values to judge yet: 3 since the start, and the limits need at least 13; the latest value is 41%."
    )


def test_describe_a_falling_trend():
    values = [5, 6, 4, 5, 6, 4, 5, 6, 9, 8, 7, 6, 5, 4, 3]
    result = analyse(values, "decrease")

    assert describe(result).startswith(
        "Special cause improvement: the last 7 values have each been lower than the one before;"
    )


def test_describe_a_neutral_indicator_says_the_target_is_not_assessed():
    result = analyse(STEADY + [40], "neutral", target=12)

    assert describe(result, unit_formatter=lambda v: f"{v:.0f}") == (
        "Special cause variation: the latest value, 40, is above the upper limit of 17; "
        "the target of 12 is not assessed, because neither direction is better."
    )


def test_a_rebase_outside_the_series_is_refused():
    with pytest.raises(ValueError, match="index of one of the values"):
        analyse(STEADY, "increase", rebase_at=[13])


def test_the_portals_direction_choices_and_decimal_values_are_accepted():
    result = analyse([Decimal(v) for v in STEADY], Direction.LOWER_IS_BETTER, target=Decimal("20"))

    assert result.groups[0].mean == 10
    assert result.assurance_icon == "pass"
