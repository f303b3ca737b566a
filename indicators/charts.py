"""Indicator charts: matplotlib figures rendered to SVG text, for <img> tags and for the board pack.

Other code calls these plain functions:

- ``trajectory_chart_svg(indicator, measurements) -> str``: the indicator page's chart. The recorded
  values (hollow markers for illustrative ones), the baseline, the target, the dashed trajectory line from
  baseline to target and the tolerance band behind it. Percentage axes run from 0 to at most 100; every
  axis starts at 0, so a change is never exaggerated.
- ``sparkline_svg(indicator, measurements) -> str``: a small trend line for tables and the dashboard.
- ``spc_chart_svg(indicator, reading) -> str``: the statistical process control chart of an
  `Indicator.read_spc()` reading: values marked by the kind of variation (shape and colour), each group's
  mean and process limits (the 2-sigma lines lightly), the target dashed and each rebase as a vertical
  line. A group with too few values shows its mean and no limits (see indicators/spc_reading.py).
- ``cached_chart_svg(indicator, kind) -> (svg, key)``: any of these from Django's cache, rendered only when
  the indicator or one of its values changed (the key holds the indicator's `updated`, the number of
  values and the latest value's `updated`; for the SPC chart, the rebase dates too).
- ``svg_data_uri(svg) -> str``: a ``data:image/svg+xml;base64,...`` URI, for embedding a chart in a
  document that cannot fetch it (the board pack PDF); ``static_svg_data_uri(path)`` does the same for an
  SVG under static/ (the SPC icons in the pack).

The SVG is byte-identical between runs (fixed hash salt, no date, text kept as text), so the cache and a
PDF of it are reproducible. Matplotlib writes `style` attributes, which our Content Security Policy blocks
in inline SVG: always show the SVG through an <img> (its own document) with a text alternative from
`Indicator.status_sentence()` or `Indicator.trend_sentence()`, and a data table beside it.
"""

import base64
import functools
import hashlib
import io
import math
from pathlib import Path

import matplotlib
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.db.models import Count, Max
from matplotlib import dates as mdates
from matplotlib import ticker
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import text_to_path

from indicators.models import Unit, read_by_the_board
from indicators.spc_reading import MARKERS

TRAJECTORY = "trajectory"
SPARKLINE = "sparkline"
SPC = "spc"
CHART_VERSION = 3  # bump when the drawing changes, so cached charts are redrawn
CACHE_SECONDS = 7 * 24 * 60 * 60  # keys change when the data do; this only lets unused charts expire

# GOV.UK Frontend colours.
BLUE = "#1d70b8"
BLACK = "#0b0c0c"
GREEN = "#00703c"
DARK_GREY = "#505a5f"
MID_GREY = "#b1b4b6"
LIGHT_YELLOW = "#fff7bf"
LIGHT_GREY = "#8b9499"
PURPLE = "#4c2c92"

FIGURE_SIZE = (8, 4.2)  # inches; the SVG scales to the width of its <img>
FONT_POINTS = 10
EDGE = 4  # points of white space at the edge of a chart
RC = {
    "svg.fonttype": "none",  # text stays text: smaller, selectable, searchable
    "svg.hashsalt": "send-portal",  # stable element ids, so the output is byte-identical between runs
    "font.family": "sans-serif",
    "font.sans-serif": ["Liberation Sans", "Arial", "Helvetica", "DejaVu Sans"],
    "font.size": FONT_POINTS,
    "axes.edgecolor": DARK_GREY,
    "axes.labelcolor": BLACK,
    "xtick.color": BLACK,
    "ytick.color": BLACK,
}

UNIT_AXIS_LABELS = {Unit.PERCENT: "Per cent", Unit.COUNT: "Number", Unit.WEEKS: "Weeks", Unit.DAYS: "Days"}


def _to_svg(figure):
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def _trajectory_points(indicator, first, last):
    """The trajectory as (dates, values) from `first` to `last`: flat at the baseline before it starts
    and at the target after its date, as the trajectory rule reads it."""
    dates = sorted({first, indicator.baseline_date, indicator.target_date, last})
    dates = [day for day in dates if first <= day <= last]
    return dates, [float(indicator.expected_value(day)) for day in dates]


def _value_axis(axes, indicator, values):
    """Start at 0; percentages end at 100 at most. Numbers get thousands separators."""
    marks = [float(v) for v in (indicator.baseline_value, indicator.target_value) if v is not None]
    top = max([*values, *marks, 1.0]) * 1.12
    if indicator.unit == Unit.PERCENT:
        axes.set_ylim(0, min(100, top))
        axes.yaxis.set_major_formatter(ticker.PercentFormatter(xmax=100, decimals=0))
    else:
        axes.set_ylim(0, top)
        axes.yaxis.set_major_formatter(ticker.StrMethodFormatter("{x:,.0f}"))
    axes.set_ylabel(UNIT_AXIS_LABELS[Unit(indicator.unit)])


def trajectory_chart_svg(indicator, measurements):
    """The indicator's values against its trajectory, baseline and target, as SVG text (about 100 ms)."""
    with matplotlib.rc_context(RC):
        return _to_svg(trajectory_figure(indicator, measurements))


def trajectory_figure(indicator, measurements):
    """The matplotlib Figure behind trajectory_chart_svg(); call that inside matplotlib.rc_context(RC)."""
    measurements = list(measurements)
    dates = [m.period_end for m in measurements]
    values = [float(m.value) for m in measurements]
    figure = Figure(figsize=FIGURE_SIZE)
    axes = figure.add_subplot()
    if indicator.has_trajectory:
        _draw_trajectory(axes, indicator, dates)
    else:  # baseline to be set: the values alone, never a guessed line
        axes.set_title("Baseline to be set: no trajectory yet", loc="left", fontsize="medium")
    _finish_trajectory_figure(figure, axes, indicator, measurements, dates, values)
    return figure


def _draw_trajectory(axes, indicator, dates):
    """The trajectory line, its tolerance band, the baseline and the target."""
    first = min([indicator.baseline_date, *dates])
    last = max([indicator.target_date, *dates])
    sign = -1 if indicator.lower_is_better else 1
    tolerance = float(indicator.tolerance_value)
    line_dates, line_values = _trajectory_points(indicator, first, last)
    behind = [value - sign * tolerance for value in line_values]
    axes.fill_between(
        line_dates, line_values, behind, color=LIGHT_YELLOW, linewidth=0, label="Within tolerance"
    )
    axes.plot(line_dates, line_values, linestyle="--", color=BLACK, linewidth=1.5, label="Trajectory")
    axes.plot(
        [indicator.baseline_date],
        [float(indicator.baseline_value)],
        linestyle="none",
        marker="s",
        markersize=7,
        color=DARK_GREY,
        label=f"Baseline {indicator.format_value(indicator.baseline_value)}",
    )
    axes.plot(
        [indicator.target_date],
        [float(indicator.target_value)],
        linestyle="none",
        marker="D",
        markersize=7,
        color=GREEN,
        label=f"Target {indicator.format_value(indicator.target_value)}",
    )


def _finish_trajectory_figure(figure, axes, indicator, measurements, dates, values):
    if measurements:
        axes.plot(dates, values, color=BLUE, linewidth=2, marker="o", markersize=5, label="Recorded value")
        illustrative = [(m.period_end, float(m.value)) for m in measurements if m.is_illustrative]
        if illustrative:
            axes.plot(
                [day for day, _ in illustrative],
                [value for _, value in illustrative],
                linestyle="none",
                marker="o",
                markersize=5,
                markerfacecolor="white",
                markeredgecolor=BLUE,
                markeredgewidth=1.5,
                label="Illustrative value (invented)",
            )
        axes.annotate(
            indicator.format_value(measurements[-1].value),
            (dates[-1], values[-1]),
            xytext=(6, 6),
            textcoords="offset points",
            color=BLACK,
            fontweight="bold",
        )
    else:
        _say_no_values(axes)

    _value_axis(axes, indicator, values)
    _date_axis(axes)
    axes.grid(axis="y", color=MID_GREY, linewidth=0.5)
    axes.set_axisbelow(True)
    axes.spines[["top", "right"]].set_visible(False)
    _place(figure, axes, latest=indicator.format_value(measurements[-1].value) if measurements else "")


def sparkline_svg(indicator, measurements):
    """A small line of the recorded values with the latest one marked, as SVG text."""
    values = [float(m.value) for m in measurements]
    with matplotlib.rc_context(RC):
        figure = Figure(figsize=(1.6, 0.45))
        axes = figure.add_axes((0.04, 0.12, 0.92, 0.76))
        axes.axis("off")
        if values:
            axes.plot(range(len(values)), values, color=BLUE, linewidth=1.5)
            axes.plot([len(values) - 1], [values[-1]], marker="o", markersize=3.5, color=BLACK)
            low, high = min(values), max(values)
            padding = (high - low) * 0.1 or max(abs(high) * 0.1, 1)
            axes.set_ylim(low - padding, high + padding)
            axes.set_xlim(-0.3, max(len(values) - 1, 1) + 0.3)
        else:
            axes.plot([0, 1], [0.5, 0.5], color=MID_GREY, linewidth=1.5, linestyle=":")
            axes.set_ylim(0, 1)
        return _to_svg(figure)


# --- The SPC chart ----------------------------------------------------------------------------------------
def spc_chart_svg(indicator, reading):
    """The SPC chart of `reading` (Indicator.read_spc()) as SVG text."""
    with matplotlib.rc_context(RC):
        return _to_svg(spc_figure(indicator, reading))


def spc_figure(indicator, reading):
    """The matplotlib Figure behind spc_chart_svg(); call that inside matplotlib.rc_context(RC)."""
    figure = Figure(figsize=FIGURE_SIZE)
    axes = figure.add_subplot()
    rows = reading.rows
    dates = [row.measurement.period_end for row in rows]
    values = [float(row.measurement.value) for row in rows]
    shown = list(values)  # every number the value axis must reach

    if rows:
        axes.plot(dates, values, color=LIGHT_GREY, linewidth=1.2, zorder=2)
    shown += _draw_group_lines(axes, reading.analysis.groups, dates)

    for kind in MARKERS:  # one plot per kind of value, so each has one legend entry
        picked = [
            (row.measurement.period_end, float(row.measurement.value)) for row in rows if row.kind == kind
        ]
        if picked:
            marker, size, colour, _, words = MARKERS[kind]
            axes.plot(
                [day for day, _ in picked],
                [value for _, value in picked],
                linestyle="none",
                marker=marker,
                markersize=size,
                color=colour,
                markeredgecolor="white",
                markeredgewidth=0.8,
                label=words,
                zorder=4,
            )

    target = reading.analysis.target
    if target is not None and rows:
        axes.axhline(
            target,
            color=GREEN,
            linewidth=1.8,
            linestyle="--",
            label=f"Target {indicator.format_value(target)}",
            zorder=2,
        )
        shown.append(target)

    drawn = [applied.rebase.starts_on for applied in reading.rebases if applied.starts_with is not None]
    for day in drawn:  # a rebase with no value on or after it yet starts nothing on the chart
        label = "Rebase" if day == drawn[0] else "_nolegend_"
        axes.axvline(day, color=PURPLE, linewidth=1.5, linestyle="-.", label=label, zorder=1)
        axes.annotate(
            "Rebase",
            (day, 1),
            xycoords=("data", "axes fraction"),
            xytext=(4, -12),
            textcoords="offset points",
            color=PURPLE,
            fontsize=9,
        )

    if rows:
        axes.annotate(
            indicator.format_value(rows[-1].measurement.value),
            (dates[-1], values[-1]),
            xytext=(6, 6),
            textcoords="offset points",
            color=BLACK,
            fontweight="bold",
        )
        _date_axis(axes)
    else:
        axes.set_xticks([])
        _say_no_values(axes)
    _spc_value_axis(axes, indicator, shown)
    axes.grid(axis="y", color=MID_GREY, linewidth=0.5)
    axes.set_axisbelow(True)
    axes.spines[["top", "right"]].set_visible(False)
    _place(figure, axes, latest=indicator.format_value(rows[-1].measurement.value) if rows else "")
    return figure


def _date_axis(axes):
    axes.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=8))
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%b\n%Y"))  # every tick says its year


def _say_no_values(axes):
    axes.text(
        0.5,
        0.5,
        "No values recorded yet",
        transform=axes.transAxes,
        ha="center",
        va="center",
        color=BLACK,
        fontsize=12,
    )


def _place(figure, axes, latest):
    """Leave room around the axes for the value axis's label and tick labels, the two-line dates, the
    latest value's label and the legend (below, three to a row), measured from their text. Matplotlib's
    constrained layout would find the same room by drawing the chart twice more: half a chart's time."""
    handles, labels = axes.get_legend_handles_labels()
    rows = math.ceil(len(labels) / 3)
    ticks = [tick for tick in axes.get_yticks() if axes.get_ylim()[0] <= tick <= axes.get_ylim()[1]]
    widest = max(
        (_text_width(label) for label in axes.yaxis.get_major_formatter().format_ticks(ticks)), default=0
    )
    size = FONT_POINTS * 1.2  # a line of text
    left = EDGE + size + 4 + widest + 7  # edge, axis label, its pad, tick labels, tick and its pad
    right = EDGE + 6 + _text_width(latest, bold=True)  # the latest value's label may stand past the last date
    top = EDGE + size / 2 + 6  # the top tick label, and the latest value's label above its point
    dates = 2 * size + 7  # the two-line dates under their ticks
    legend = rows * (size + FONT_POINTS * 0.5) + FONT_POINTS if rows else 0
    bottom = EDGE + dates + legend
    width, height = (inches * 72 for inches in FIGURE_SIZE)
    figure.subplots_adjust(
        left=left / width, right=1 - right / width, top=1 - top / height, bottom=bottom / height
    )
    if rows:
        figure.legend(
            handles, labels, loc="lower center", bbox_to_anchor=(0.5, EDGE / height), ncol=3, frameon=False
        )


def _text_width(text, bold=False):
    """The width of `text` in points, in the charts' font."""
    if not text:
        return 0
    font = FontProperties(family=RC["font.family"], size=FONT_POINTS, weight="bold" if bold else "normal")
    with matplotlib.rc_context(RC):
        width, _, _ = text_to_path.get_text_width_height_descent(text, font, ismath=False)
    return width


def _draw_group_lines(axes, groups, dates):
    """Each group's mean, process limits and 2-sigma lines across its own values; a group with too few
    values gets only its mean, dashed. Returns the limits drawn, which the value axis must reach."""
    drawn, limits = set(), []

    def label(text):
        """A legend entry the first time `text` is drawn (every group draws the same kinds of line)."""
        if text in drawn:
            return "_nolegend_"
        drawn.add(text)
        return text

    for group in groups:
        span = dates[group.start : group.end + 1]
        ends = [span[0], span[-1]]
        if group.short:
            mean_label = label("Mean (too few values for limits)")
            axes.plot(
                ends, [group.mean] * 2, color=BLACK, linewidth=1.2, linestyle=(0, (6, 3)), label=mean_label
            )
            continue
        axes.plot(ends, [group.mean] * 2, color=BLACK, linewidth=1.5, label=label("Mean"), zorder=3)
        for line in (group.lpl, group.upl):
            axes.plot(
                ends, [line] * 2, color=DARK_GREY, linewidth=1.2, label=label("Process limits"), zorder=3
            )
        for line in (group.lower_2sigma, group.upper_2sigma):
            two_sigma = label("2-sigma lines")
            axes.plot(
                ends, [line] * 2, color=LIGHT_GREY, linewidth=1.0, linestyle=":", label=two_sigma, zorder=3
            )
        limits += [group.lpl, group.upl]
    return limits


def _spc_value_axis(axes, indicator, numbers):
    """Fitted to the values, limits and target, so ordinary variation is visible; never below 0 (no unit
    here can be negative). A percentage axis starts at 0 and ends at 100 at most, as on every chart."""
    low, high = (min(numbers), max(numbers)) if numbers else (0.0, 1.0)
    padding = (high - low) * 0.12 or max(abs(high) * 0.1, 1.0)
    if indicator.unit == Unit.PERCENT:
        axes.set_ylim(0, min(100, high + padding))
        axes.yaxis.set_major_formatter(ticker.PercentFormatter(xmax=100, decimals=0))
    else:
        axes.set_ylim(max(0, low - padding), high + padding)
        axes.yaxis.set_major_formatter(ticker.StrMethodFormatter("{x:,.0f}"))
    axes.set_ylabel(UNIT_AXIS_LABELS[Unit(indicator.unit)])


# --- Caching -------------------------------------------------------------------------------------------
def chart_cache_key(indicator, kind):
    """A key that changes whenever the indicator or any of its values changes (one query); for the SPC
    chart, whenever a rebase is recorded or removed too (one more). No query for what was prefetched
    (e.g. by with_measurements()), so a page of charts costs no query per chart."""
    values = _prefetched(indicator, "measurements")
    if values is None:
        facts = indicator.measurements.aggregate(count=Count("pk"), latest=Max("updated"))
    else:
        facts = {"count": len(values), "latest": max((m.updated for m in values), default=None)}
    latest = facts["latest"].isoformat() if facts["latest"] else "none"
    changed = indicator.updated.isoformat() if indicator.updated else "new"
    key = f"indicators:{kind}:v{CHART_VERSION}:{indicator.pk}:{changed}:{facts['count']}:{latest}"
    if kind == SPC:
        rebases = _prefetched(indicator, "rebases")
        if rebases is None:
            days = indicator.rebases.order_by("starts_on").values_list("starts_on", flat=True)
        else:
            days = sorted(rebase.starts_on for rebase in rebases)
        starts = ",".join(day.isoformat() for day in days)
        key += ":" + hashlib.sha256(starts.encode()).hexdigest()[:16]
    return key


def _prefetched(indicator, relation):
    """The indicator's prefetched `relation` rows (a list), or None when they were not prefetched."""
    return getattr(indicator, "_prefetched_objects_cache", {}).get(relation)


def cached_chart_svg(indicator, kind=TRAJECTORY, key=None):
    """(svg, cache key) for the indicator's chart of `kind`, rendered only when nothing cached matches.
    Pass `key` when chart_cache_key() has already been asked, to save its query."""
    key = key or chart_cache_key(indicator, kind)
    svg = cache.get(key)
    if svg is None:
        measurements = _prefetched(indicator, "measurements")
        if measurements is None:
            measurements = indicator.measurements.order_by("period_end")
        # The Board's charts show the values the Board reads (Indicator.series's rule).
        measurements = sorted(read_by_the_board(measurements), key=lambda m: m.period_end)
        if kind == SPC:
            svg = spc_chart_svg(indicator, indicator.read_spc(measurements, list(indicator.rebases.all())))
        else:
            render = sparkline_svg if kind == SPARKLINE else trajectory_chart_svg
            svg = render(indicator, measurements)
        cache.set(key, svg, CACHE_SECONDS)
    return svg, key


def svg_data_uri(svg):
    """The SVG as a data: URI, e.g. for an <img> in a PDF that cannot fetch portal URLs."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


@functools.cache
def static_svg_data_uri(path):
    """An SVG under static/ (e.g. 'indicators/icons/assurance-pass.svg') as a data: URI, so a kept board
    pack carries its icons with it. Read once per process."""
    return svg_data_uri(Path(finders.find(path)).read_text(encoding="utf-8"))
