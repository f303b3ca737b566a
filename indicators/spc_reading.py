"""An indicator's SPC reading as the pages show it: the analysis (indicators/spc.py) run on its values,
grouped by its rebases, with the variation and assurance verdicts in words (each with its icon), every
value's verdict explained, and how urgently the Board should look at it.

Plain Python: `Indicator.spc` and `Indicator.read_spc()` feed it the indicator's values and rebases.

**Too few values (the issue leaves the threshold open).** The limits need at least 13 values in a group
(`spc.MIN_RELIABLE_POINTS`). A group with fewer is shown as a run chart: its values and its mean, no
limits, and its values are not judged. When the latest group is short there is no variation or assurance
verdict either, only "Too few values to judge". This is what the Making Data Count single-chart tool does
(no limits or icons until 13 points); NHSRplotthedots gives trial limits from 2 points with a warning, and
the analysis itself still follows it, so only the display differs.
"""

from bisect import bisect_left
from dataclasses import dataclass

from indicators import spc

PERIODS = {"monthly": "months", "quarterly": "quarters", "termly": "terms", "annual": "years"}

TOO_FEW = "too_few"
NO_DATA = "no_data"

# Variation: what the latest value says, from spc.Analysis.variation_icon. Each entry: (icon, words).
VARIATION = {
    "common_cause": ("common-cause", "Common cause: no significant change"),
    "improvement_high": ("improvement-high", "Special cause improvement: higher values"),
    "improvement_low": ("improvement-low", "Special cause improvement: lower values"),
    "concern_high": ("concern-high", "Special cause concern: higher values"),
    "concern_low": ("concern-low", "Special cause concern: lower values"),
    "neutral_high": ("neutral-high", "Special cause variation: higher values"),
    "neutral_low": ("neutral-low", "Special cause variation: lower values"),
    TOO_FEW: ("none", "Too few values to judge"),
    NO_DATA: ("none", "No values yet"),
}

# Assurance: whether the process, as it runs now, will meet the target.
ASSURANCE = {
    spc.Assurance.CONSISTENT_PASS: ("pass", "Will consistently meet the target"),
    spc.Assurance.CONSISTENT_FAIL: ("fail", "Will consistently miss the target"),
    spc.Assurance.INCONSISTENT: (
        "hit-and-miss",
        "Hit and miss: will meet the target some periods, not others",
    ),
    "no_target": ("none", "No target to assess"),
    "neutral": ("none", "Not assessed: neither direction is better"),
    TOO_FEW: ("none", "Too few values to judge"),
    NO_DATA: ("none", "No values yet"),
}

# What each icon means, for the "How to read these charts" page (keyed by icon).
MEANINGS = {
    "variation": {
        "common-cause": "The latest value is within the process limits and part of no unusual pattern: the "
        "ups and downs are the ordinary noise of this process. Reacting to one month's change would be "
        "reacting to noise.",
        "improvement-high": "The latest value is special cause and better than usual because it is higher: "
        "something has changed for the better. Find out what, and keep it.",
        "improvement-low": "The latest value is special cause and better than usual because it is lower.",
        "concern-high": "The latest value is special cause and worse than usual because it is higher: "
        "something has changed for the worse. This is where to look first.",
        "concern-low": "The latest value is special cause and worse than usual because it is lower.",
        "neutral-high": "The latest value is unusually high, for an indicator where neither direction is "
        "better.",
        "neutral-low": "The latest value is unusually low, for an indicator where neither direction is "
        "better.",
        "none": f"No verdict yet: there are no values, or fewer than {spc.MIN_RELIABLE_POINTS} since the start "
        "or the last rebase.",
    },
    "assurance": {
        "pass": "The target is beyond the process limits on the good side: if nothing changes, the target will "
        "be met every period.",
        "fail": "The target is beyond the process limits on the bad side: if nothing changes, the target will "
        "be missed every period. Meeting it needs a change to the process, not more of the same.",
        "hit-and-miss": "The target is between the process limits: it will be met in some periods and missed "
        "in others, by chance alone. A single period meeting (or missing) it proves nothing.",
        "none": "Not assessed: the indicator has no target, neither direction is better, or there are too few "
        "values yet.",
    },
}

# How each kind of value is marked on the chart and beside it in the table: the shape names the kind, so
# colour is never the only signal. (matplotlib marker, size, colour, symbol for the table, legend words)
MARKERS = {
    "common": ("o", 6, "#505a5f", "●", "Common cause"),
    "improvement": ("o", 10, "#1d70b8", "⬤", "Special cause: improvement"),
    "concern": ("D", 8.5, "#c05000", "◆", "Special cause: concern"),
    "neutral": ("s", 8.5, "#4c2c92", "■", "Special cause: neither better nor worse"),
    "not_judged": ("o", 6, "#505a5f", "●", "Not judged (too few values)"),
}

KIND_OF_POINT = {
    spc.PointType.COMMON_CAUSE: "common",
    spc.PointType.IMPROVEMENT: "improvement",
    spc.PointType.CONCERN: "concern",
    spc.PointType.NEUTRAL_HIGH: "neutral",
    spc.PointType.NEUTRAL_LOW: "neutral",
}

SPECIAL_CAUSE_WORDS = {"improvement": "improvement", "concern": "concern", "neutral": "variation"}


@dataclass(frozen=True)
class Verdict:
    """A variation or assurance verdict: the words always shown, and the project's own icon beside them."""

    kind: str  # "variation" or "assurance"
    key: str  # e.g. "improvement_high", "consistent_fail", "too_few"
    icon_name: str
    label: str

    @property
    def icon(self):
        """The icon's path under static/, e.g. 'indicators/icons/variation-improvement-high.svg'."""
        return f"indicators/icons/{self.kind}-{self.icon_name}.svg"

    @property
    def is_concern(self):
        return self.key.startswith("concern") or self.key == spc.Assurance.CONSISTENT_FAIL


def _verdict(kind, table, key):
    icon_name, label = table[key]
    return Verdict(kind, str(key), icon_name, label)


@dataclass(frozen=True)
class AppliedRebase:
    """A recorded rebase and the value that starts its new group (None while no value is on or after it)."""

    rebase: object
    index: int | None
    starts_with: object  # the Measurement that starts the new group, or None


@dataclass(frozen=True)
class PointRow:
    """One value in the SPC data table: its verdict in words and the lines of its group."""

    measurement: object
    point: spc.Point
    group: spc.Group
    judged: bool  # False in a group with too few values: shown, not judged
    starts_group: bool  # the first value after a rebase
    mean: str  # the group's mean and limits, formatted with the unit ("" when there are none)
    lower_limit: str
    upper_limit: str

    @property
    def kind(self):
        """'common', 'improvement', 'concern', 'neutral' or 'not_judged': picks the chart's marker."""
        return KIND_OF_POINT[self.point.point_type] if self.judged else "not_judged"

    @property
    def symbol(self):
        return MARKERS[self.kind][3]

    @property
    def explanation(self):
        """Why the value is (or is not) special cause, naming the rule that fired."""
        if not self.judged:
            return f"Not judged: fewer than {spc.MIN_RELIABLE_POINTS} values in its group, so no limits yet"
        if not self.point.is_special_cause:
            return "Common cause: within the limits, no unusual pattern"
        return f"Special cause {SPECIAL_CAUSE_WORDS[self.kind]}: {self.point.rule}"


@dataclass(frozen=True)
class SpcReading:
    """What the SPC chart, its table, the icons and the summary row show for one indicator."""

    analysis: spc.Analysis
    measurements: list
    rebases: list  # AppliedRebase, in date order
    sentence: str  # the one-sentence text alternative (spc.describe)
    formatter: object = str  # a number as text with its unit, e.g. Indicator.format_spc_value

    @property
    def judged(self):
        """True when the latest group has enough values for its limits and verdicts to be trusted."""
        group = self.analysis.latest_group
        return group is not None and not group.short

    @property
    def variation(self):
        if not self.measurements:
            return _verdict("variation", VARIATION, NO_DATA)
        if not self.judged:
            return _verdict("variation", VARIATION, TOO_FEW)
        return _verdict("variation", VARIATION, self.analysis.variation_icon)

    @property
    def assurance(self):
        analysis = self.analysis
        if not self.measurements:
            return _verdict("assurance", ASSURANCE, NO_DATA)
        if analysis.target is None:
            return _verdict("assurance", ASSURANCE, "no_target")
        if analysis.improvement_direction == "neutral":
            return _verdict("assurance", ASSURANCE, "neutral")
        if not self.judged:
            return _verdict("assurance", ASSURANCE, TOO_FEW)
        return _verdict("assurance", ASSURANCE, analysis.assurance)

    @property
    def attention(self):
        """Where the indicator comes in "where should the Board look": 0 first. Concern, then a target
        that will consistently be missed, then hit and miss, then too few values, then the rest."""
        variation, assurance = self.variation, self.assurance
        if variation.key.startswith("concern"):
            return 0
        if assurance.key == spc.Assurance.CONSISTENT_FAIL:
            return 1
        if assurance.key == spc.Assurance.INCONSISTENT:
            return 2
        if variation.key in (TOO_FEW, NO_DATA):
            return 3
        return 4

    @property
    def rows(self):
        """One PointRow per value, in period order."""
        rows = []
        for group in self.analysis.groups:
            text = {
                name: "" if getattr(group, name) is None else self.formatter(getattr(group, name))
                for name in ("mean", "lpl", "upl")
            }
            for index in range(group.start, group.end + 1):
                rows.append(
                    PointRow(
                        measurement=self.measurements[index],
                        point=self.analysis.points[index],
                        group=group,
                        judged=not group.short,
                        starts_group=index > 0 and index == group.start,
                        mean=text["mean"],
                        lower_limit=text["lpl"],
                        upper_limit=text["upl"],
                    )
                )
        return rows

    @property
    def short_group_warning(self):
        """What the page says when the latest group has too few values, or None."""
        group = self.analysis.latest_group
        if group is None or not group.short:
            return None
        since = "since the last rebase" if group.start else "so far"
        return (
            f"There {'is' if group.n == 1 else 'are'} {group.n} value{'' if group.n == 1 else 's'} {since}: the "
            f"limits need at least {spc.MIN_RELIABLE_POINTS}. The chart shows the values and their mean without "
            "limits, and no value is judged special cause yet."
        )


def read(measurements, rebases, *, direction, target, formatter=str, frequency="monthly"):
    """The SPC reading of `measurements` (in period order, each with `period_end` and `value`).

    Each rebase (anything with `starts_on`) starts a new group at the first value whose period ends on or
    after its date; one on or before the first value changes nothing, and two that start at the same
    value start one group.
    """
    measurements = list(measurements)
    ends = [measurement.period_end for measurement in measurements]
    applied = []
    for rebase in sorted(rebases, key=lambda rebase: rebase.starts_on):
        index = bisect_left(ends, rebase.starts_on)
        if index >= len(measurements):
            applied.append(AppliedRebase(rebase, None, None))
        else:
            applied.append(AppliedRebase(rebase, index, measurements[index]))
    rebase_at = sorted({item.index for item in applied if item.index})
    analysis = spc.analyse(
        [measurement.value for measurement in measurements], direction, target=target, rebase_at=rebase_at
    )
    sentence = spc.describe(analysis, formatter, PERIODS.get(frequency, "periods"))
    return SpcReading(analysis, measurements, applied, sentence, formatter)
