"""Statistical process control (SPC) for indicators, the NHS England "Making Data Count" way.

An XmR (individuals) chart asks one question of a series of values: is anything happening beyond the
ordinary month-to-month noise? The method, per group of points (a rebase starts a new group):

- the centre line is the mean of the group's values;
- the moving ranges are the absolute differences between neighbouring values, and their mean (mr_bar)
  measures the noise. With ``screen_outliers`` any moving range at or above 3.267 x mr_bar is dropped
  and mr_bar recomputed, once, so that a single freak value does not widen the limits;
- the process limits are mean +/- 2.66 x mr_bar (about 3 sigma), the 2-sigma lines mean +/- 1.7733 x
  mr_bar (2/3 of the way to the limits);
- a point is special cause when it is outside the limits, part of 7 values in a row each strictly higher
  (or lower) than the one before, 2 of 3 values in a row between the 2-sigma line and the limit on the
  same side, or part of 7 values in a row on the same side of the mean. Each point gets one label, in
  that order of precedence, and the label is improvement or concern according to the direction;
- the variation icon is the latest point's; the assurance icon compares the target with the latest
  group's limits: a target beyond the limits will consistently be met (or missed), one inside them will
  be met some periods and missed in others.

The numbers and labels reproduce NHSRplotthedots 0.2.2 (R; tests in tests/indicators/test_spc.py run its
outputs as vectors). Where that package differs from NHS England's published guidance and tools, we follow
the package (sources: NHSRplotthedots issues #90, #153, #194 and pull request #24 on GitHub):

1. Outlier screening of moving ranges is on by default; the Making Data Count Excel tools do not screen
   (``screen_outliers=False`` reproduces them).
2. "2 of 3 beyond 2 sigma" counts only points between the 2-sigma line and the limit: a point beyond the
   limit does not count towards it (the Making Data Count tools count every point beyond 2 sigma since
   late 2023). All three points must be on the same side of the mean; only those beyond 2 sigma are marked.
3. A trend needs 7 values, each strictly higher (lower) than the one before: a repeated value breaks it.
   NHS England's guide to run and control charts says a repeated value neither adds to nor breaks a trend.
4. A value exactly on the mean breaks a run of 7 on one side; run-chart guidance often says such a value
   neither adds to nor breaks the run.
5. A point caught by two rules takes the label of the first in the order above, so a value below the
   lower limit in a rising trend is concern; the Making Data Count single-chart tool shows improvement
   when a point triggers both.
6. Limits, labels and icons are given from 2 points on, with a warning below 13 points; the Making Data
   Count single-chart tool shows no limits or icons until there are 13 points.
7. Assurance compares strictly, a point the guidance leaves open: a target exactly on a limit is "hit and miss".

Where the package gives no answer we choose one: an empty series gives no groups and a warning; a group of
one value has no limits; a flat series (every moving range zero) has limits on the mean, where the package,
when screening, would drop every moving range and give no limits at all.
"""

import math
from dataclasses import dataclass
from enum import StrEnum

LIMIT_SIGMAS = 2.66  # 3 sigma: 3 / d2, with d2 = 1.128 for moving ranges of two values
TWO_SIGMA_SIGMAS = 2 * (LIMIT_SIGMAS / 3)
OUTLIER_SCREEN = 3.267  # D4 for moving ranges of two values: the upper limit of the moving range chart
MIN_RELIABLE_POINTS = 13
RUN_LENGTH = 7

DIRECTIONS = {
    "increase": "increase",
    "decrease": "decrease",
    "neutral": "neutral",
    "higher_is_better": "increase",  # indicators.models.Direction
    "lower_is_better": "decrease",
}


class PointType(StrEnum):
    COMMON_CAUSE = "common_cause"
    IMPROVEMENT = "special_cause_improvement"
    CONCERN = "special_cause_concern"
    NEUTRAL_HIGH = "special_cause_neutral_high"
    NEUTRAL_LOW = "special_cause_neutral_low"


class Assurance(StrEnum):
    CONSISTENT_PASS = "consistent_pass"
    CONSISTENT_FAIL = "consistent_fail"
    INCONSISTENT = "inconsistent"


ASSURANCE_ICONS = {
    Assurance.CONSISTENT_PASS: "pass",
    Assurance.CONSISTENT_FAIL: "fail",
    Assurance.INCONSISTENT: "inconsistent",
}

# The numbered differences in the module docstring, in plain words for the "How to read these charts" page:
# (what we do, what the published Making Data Count guidance or tools do). Keep the two lists in step.
DIFFERENCES_FROM_GUIDANCE = (
    (
        "Before working out the limits, we leave out any jump between neighbouring values that is 3.267 "
        "times the average jump or more, so that one freak value does not widen the limits.",
        "The Making Data Count Excel tools keep every jump.",
    ),
    (
        '"2 of 3 values close to a limit" counts only values between the 2-sigma line and the process '
        "limit. A value beyond the limit is special cause on its own and does not count towards 2 of 3.",
        "Since late 2023 the Making Data Count tools count every value beyond the 2-sigma line.",
    ),
    (
        "A trend needs 7 values in a row, each higher (or each lower) than the one before: a repeated value "
        "breaks it.",
        "NHS England's guide to run and control charts says a repeated value neither adds to nor breaks a "
        "trend.",
    ),
    (
        "A value exactly on the mean breaks a run of 7 values on one side of the mean.",
        "Run-chart guidance often says such a value neither adds to nor breaks the run.",
    ),
    (
        "When a value is caught by two rules, the first in this order decides: outside the limits, trend, 2 of "
        "3 close to a limit, run. So a value below the lower limit during a rising trend is concern when "
        "higher is better.",
        "The Making Data Count single-chart tool shows improvement when a value triggers both.",
    ),
    (
        f"The analysis works out limits from 2 values, with a warning below {MIN_RELIABLE_POINTS}. The portal "
        f"shows no limits, no special cause and no icons for a group of fewer than {MIN_RELIABLE_POINTS} "
        "values, as the Making Data Count tool does; it says so instead.",
        f"The Making Data Count single-chart tool shows no limits or icons until there are "
        f"{MIN_RELIABLE_POINTS} values.",
    ),
    (
        'A target exactly on a process limit counts as "hit and miss".',
        "The guidance does not say.",
    ),
)

RULES_IN_WORDS = {  # special cause type (NHSRplotthedots' label) -> the rule that fired, in plain words
    "Common Cause": "no special cause rule",
    "Above UCL": "above the upper process limit",
    "Below LCL": "below the lower process limit",
    "7 Point Trend (Increasing)": "part of 7 values in a row, each higher than the one before",
    "7 Point Trend (Decreasing)": "part of 7 values in a row, each lower than the one before",
    "2 in 3 Above CL": "2 of 3 values in a row close to the upper process limit",
    "2 in 3 Below CL": "2 of 3 values in a row close to the lower process limit",
    "7 Points Above CL": "part of 7 values in a row above the mean",
    "7 Points Below CL": "part of 7 values in a row below the mean",
}


@dataclass(frozen=True)
class Group:
    """A run of points sharing one mean and one set of limits: the whole series, or a stretch after a rebase."""

    start: int
    end: int
    mean: float
    mr_bar: float | None  # None for a single value: there is no moving range yet

    def _line(self, sigmas):
        return None if self.mr_bar is None else self.mean + sigmas * self.mr_bar

    @property
    def lpl(self):
        """The lower process limit."""
        return self._line(-LIMIT_SIGMAS)

    @property
    def upl(self):
        """The upper process limit."""
        return self._line(LIMIT_SIGMAS)

    @property
    def lower_2sigma(self):
        return self._line(-TWO_SIGMA_SIGMAS)

    @property
    def upper_2sigma(self):
        return self._line(TWO_SIGMA_SIGMAS)

    @property
    def n(self):
        return self.end - self.start + 1

    @property
    def short(self):
        """Fewer than 13 points: the limits are trial limits and not yet reliable."""
        return self.n < MIN_RELIABLE_POINTS


@dataclass(frozen=True)
class Point:
    """One value with its verdict: which rule (if any) marks it special cause, and what that means."""

    index: int
    value: float
    special_cause_type: str
    point_type: PointType
    relative_to_mean: int  # 1 above, -1 below, 0 on the mean
    outside_limits: bool
    close_to_limits: bool  # between the 2-sigma line and the limit

    @property
    def is_special_cause(self):
        return self.point_type != PointType.COMMON_CAUSE

    @property
    def rule(self):
        """The rule that fired, in plain words."""
        return RULES_IN_WORDS[self.special_cause_type]


@dataclass(frozen=True)
class Analysis:
    """The SPC reading of a series: groups with their limits, a verdict per point, icons and warnings."""

    improvement_direction: str
    target: float | None
    groups: list[Group]
    points: list[Point]
    warnings: list[str]

    @property
    def variation_icon(self):
        """The Making Data Count variation icon, from the latest point, e.g. "improvement_high"."""
        if not self.points:
            return None
        point_type = self.latest_point.point_type
        if point_type == PointType.COMMON_CAUSE:
            return "common_cause"
        if point_type in (PointType.NEUTRAL_HIGH, PointType.NEUTRAL_LOW):
            return point_type.removeprefix("special_cause_")
        better, worse = ("high", "low") if self.improvement_direction == "increase" else ("low", "high")
        return f"improvement_{better}" if point_type == PointType.IMPROVEMENT else f"concern_{worse}"

    @property
    def assurance(self):
        """Whether the latest group's process will meet the target: only with a target and a direction."""
        group, target = self.latest_group, self.target
        if target is None or self.improvement_direction == "neutral" or group is None or group.mr_bar is None:
            return None
        increase = self.improvement_direction == "increase"
        if target > group.upl:
            return Assurance.CONSISTENT_FAIL if increase else Assurance.CONSISTENT_PASS
        if target < group.lpl:
            return Assurance.CONSISTENT_PASS if increase else Assurance.CONSISTENT_FAIL
        return Assurance.INCONSISTENT

    @property
    def assurance_icon(self):
        return ASSURANCE_ICONS.get(self.assurance)

    @property
    def latest_point(self):
        return self.points[-1] if self.points else None

    @property
    def latest_group(self):
        return self.groups[-1] if self.groups else None


def analyse(
    values, improvement_direction, target=None, rebase_at=(), screen_outliers=True, fix_after_n_points=None
):
    """Analyse a time-ordered series of numbers (no gaps) as an XmR chart; see the module docstring.

    ``improvement_direction`` is "increase"/"higher_is_better", "decrease"/"lower_is_better" or "neutral".
    ``rebase_at`` lists the 0-based indices where a new group starts; ``fix_after_n_points`` (12 or more)
    computes each group's mean and limits from its first n points only.
    """
    direction = DIRECTIONS.get(improvement_direction)
    if direction is None:
        raise ValueError(f"Unknown improvement direction {improvement_direction!r}.")
    if fix_after_n_points is not None and fix_after_n_points < 12:
        raise ValueError("fix_after_n_points must be 12 or more.")
    values = [float(value) for value in values]
    if any(not 0 <= index < len(values) for index in rebase_at):
        raise ValueError("Every rebase must be the index of one of the values.")
    target = None if target is None else float(target)
    if not values:
        return Analysis(direction, target, [], [], ["No values yet: there is nothing to analyse."])

    starts = sorted({0, *rebase_at})
    groups, points = [], []
    for start, next_start in zip(starts, [*starts[1:], len(values)], strict=True):
        group = _limits(values, start, next_start - 1, screen_outliers, fix_after_n_points)
        groups.append(group)
        points.extend(_classify(values[start:next_start], group, direction))

    warnings = [_short_group_warning(group, len(groups)) for group in groups if group.short]
    return Analysis(direction, target, groups, points, warnings)


def _limits(values, start, end, screen_outliers, fix_after_n_points):
    """The group's mean and limits, from its first ``fix_after_n_points`` values (or all of them)."""
    baseline = values[start : end + 1][:fix_after_n_points]
    mean = math.fsum(baseline) / len(baseline)
    moving_ranges = [abs(b - a) for a, b in zip(baseline, baseline[1:], strict=False)]
    if not moving_ranges:
        return Group(start, end, mean, mr_bar=None)
    mr_bar = math.fsum(moving_ranges) / len(moving_ranges)
    if screen_outliers and mr_bar > 0:  # a flat series keeps its zero ranges rather than losing them all
        moving_ranges = [mr for mr in moving_ranges if mr < OUTLIER_SCREEN * mr_bar]
        mr_bar = math.fsum(moving_ranges) / len(moving_ranges)
    return Group(start, end, mean, mr_bar)


def _classify(ys, group, direction):
    """One group's points, each labelled by the first rule that marks it (limits, trend, 2 of 3, run)."""
    n = len(ys)
    side = [_sign(y - group.mean) for y in ys]
    if group.mr_bar is None:
        outside = close = [False] * n
    else:
        outside = [y > group.upl or y < group.lpl for y in ys]
        close = [
            not out and (y < group.lower_2sigma or y > group.upper_2sigma)
            for y, out in zip(ys, outside, strict=True)
        ]

    steps = [_sign(b - a) for a, b in zip(ys, ys[1:], strict=False)]  # steps[i]: from point i to i + 1
    trend_ends = [
        i >= RUN_LENGTH - 1 and abs(sum(steps[i - RUN_LENGTH + 1 : i])) == RUN_LENGTH - 1 for i in range(n)
    ]
    run_ends = [
        i >= RUN_LENGTH - 1 and side[i] != 0 and len(set(side[i - RUN_LENGTH + 1 : i + 1])) == 1
        for i in range(n)
    ]
    in_trend, in_run = _last_seven(trend_ends), _last_seven(run_ends)
    two_in_three = [
        close[i] and any(_two_in_three_from(s, close, side) for s in range(i - 2, i + 1)) for i in range(n)
    ]

    points = []
    for i, y in enumerate(ys):
        above_or_below = "Above" if side[i] > 0 else "Below"
        if outside[i]:
            label = "Above UCL" if side[i] == 1 else "Below LCL"
        elif in_trend[i]:
            # the package takes the step to the next point while that point is in a trend too
            step = steps[i] if i + 1 < n and in_trend[i + 1] else (steps[i - 1] if i else 0)
            label = "7 Point Trend (Increasing)" if step == 1 else "7 Point Trend (Decreasing)"
        elif two_in_three[i]:
            label = f"2 in 3 {above_or_below} CL"
        elif in_run[i]:
            label = f"7 Points {above_or_below} CL"
        else:
            label = "Common Cause"
        index = group.start + i
        points.append(Point(index, y, label, _point_type(label, direction), side[i], outside[i], close[i]))
    return points


def _sign(x):
    return (x > 0) - (x < 0)


def _last_seven(ends):
    """Mark every point in a stretch of 7 that ends at a marked point."""
    marked = [False] * len(ends)
    for end, is_end in enumerate(ends):
        if is_end:
            marked[end - RUN_LENGTH + 1 : end + 1] = [True] * RUN_LENGTH
    return marked


def _two_in_three_from(start, close, side):
    """Whether the 3 points from ``start`` are all on one side of the mean, 2 or more close to the limit."""
    if start < 0 or start + 3 > len(close):
        return False
    return sum(close[start : start + 3]) >= 2 and abs(sum(side[start : start + 3])) == 3


def _point_type(label, direction):
    high = "Above" in label or "Increasing" in label
    if label == "Common Cause":
        return PointType.COMMON_CAUSE
    if direction == "neutral":
        return PointType.NEUTRAL_HIGH if high else PointType.NEUTRAL_LOW
    return PointType.IMPROVEMENT if high == (direction == "increase") else PointType.CONCERN


def _short_group_warning(group, group_count):
    where = "" if group_count == 1 else f" from point {group.start + 1} to point {group.end + 1}"
    if group.mr_bar is None:
        return f"Only one point{where}: there are no limits yet."
    return f"Fewer than {MIN_RELIABLE_POINTS} points{where}: the limits are not yet reliable."


def describe(result, unit_formatter=str, periods="months"):
    """One plain-English sentence for a chart's text alternative: the latest verdict, then the target.

    ``unit_formatter`` turns a number into text (e.g. ``lambda v: f"{v:.0f}%"``); ``periods`` names the
    reporting periods in the assurance clause ("months", "terms").
    """
    point, group = result.latest_point, result.latest_group
    if point is None:
        return "No values have been recorded yet."
    if group.short:
        return (
            f"Too few values to judge yet: {group.n} since {'the last rebase' if group.start else 'the start'}, "
            f"and the limits need at least {MIN_RELIABLE_POINTS}; the latest value is {unit_formatter(point.value)}."
        )
    if point.is_special_cause:
        kind = {PointType.IMPROVEMENT: "improvement", PointType.CONCERN: "concern"}.get(
            point.point_type, "variation"
        )
        opening = f"Special cause {kind}: {_latest_pattern(result, point, unit_formatter)}"
    else:
        opening = (
            f"Common cause variation: the latest value, {unit_formatter(point.value)}, is within the limits of "
            f"{unit_formatter(group.lpl)} to {unit_formatter(group.upl)} and shows no unusual pattern"
        )
    return f"{opening}; {_target_clause(result, unit_formatter, periods)}."


def _latest_pattern(result, point, unit_formatter):
    """What makes the latest point special cause, counted back from it."""
    group, label = result.latest_group, point.special_cause_type
    recent = result.points[group.start :]
    value = unit_formatter(point.value)
    if label == "Above UCL":
        return f"the latest value, {value}, is above the upper limit of {unit_formatter(group.upl)}"
    if label == "Below LCL":
        return f"the latest value, {value}, is below the lower limit of {unit_formatter(group.lpl)}"
    if label.startswith("7 Point Trend"):
        rising = "Increasing" in label
        step, count = (1 if rising else -1), 1
        while count < len(recent) and _sign(recent[-count].value - recent[-count - 1].value) == step:
            count += 1
        return f"the last {count} values have each been {'higher' if rising else 'lower'} than the one before"
    upper_or_lower = "upper" if point.relative_to_mean > 0 else "lower"
    if label.startswith("2 in 3"):
        close = sum(p.close_to_limits for p in recent[-3:])
        return f"{close} of the last 3 values are close to the {upper_or_lower} limit"
    count = 0
    while count < len(recent) and recent[-count - 1].relative_to_mean == point.relative_to_mean:
        count += 1
    return f"the last {count} values are {'above' if point.relative_to_mean > 0 else 'below'} the mean"


def _target_clause(result, unit_formatter, periods):
    if result.target is None:
        return "there is no target to compare with"
    target = unit_formatter(result.target)
    if result.improvement_direction == "neutral":
        return f"the target of {target} is not assessed, because neither direction is better"
    if result.assurance == Assurance.INCONSISTENT:
        return f"the target of {target} is within the limits, so it will be met some {periods} and missed in others"
    beyond = "above the upper" if result.target > result.latest_group.upl else "below the lower"
    met = "met" if result.assurance == Assurance.CONSISTENT_PASS else "missed"
    return f"the target of {target} is {beyond} limit, so it will consistently be {met} unless the process changes"
