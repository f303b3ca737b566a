"""Indicator charts: matplotlib figures rendered to SVG text, for <img> tags and for the board pack.

Other code calls these plain functions:

- ``trajectory_chart_svg(indicator, measurements) -> str``: the indicator page's chart. The recorded
  values (hollow markers for illustrative ones), the baseline, the target, the dashed trajectory line from
  baseline to target and the tolerance band behind it. Percentage axes run from 0 to at most 100; every
  axis starts at 0, so a change is never exaggerated.
- ``sparkline_svg(indicator, measurements) -> str``: a small trend line for tables and the dashboard.
- ``cached_chart_svg(indicator, kind) -> (svg, key)``: either chart from Django's cache, rendered only when
  the indicator or one of its values changed (the key holds the indicator's `updated`, the number of
  values and the latest value's `updated`).
- ``svg_data_uri(svg) -> str``: a ``data:image/svg+xml;base64,...`` URI, for embedding a chart in a
  document that cannot fetch it (the board pack PDF).

The SVG is byte-identical between runs (fixed hash salt, no date, text kept as text), so the cache and a
PDF of it are reproducible. Matplotlib writes `style` attributes, which our Content Security Policy blocks
in inline SVG: always show the SVG through an <img> (its own document) with a text alternative from
`Indicator.status_sentence()` or `Indicator.trend_sentence()`, and a data table beside it.
"""

import base64
import io

import matplotlib
from django.core.cache import cache
from django.db.models import Count, Max
from matplotlib import dates as mdates
from matplotlib import ticker
from matplotlib.figure import Figure

from indicators.models import Unit

TRAJECTORY = "trajectory"
SPARKLINE = "sparkline"
CHART_VERSION = 2  # bump when the drawing changes, so cached charts are redrawn
CACHE_SECONDS = 7 * 24 * 60 * 60  # keys change when the data do; this only lets unused charts expire

# GOV.UK Frontend colours.
BLUE = "#1d70b8"
BLACK = "#0b0c0c"
GREEN = "#00703c"
DARK_GREY = "#505a5f"
MID_GREY = "#b1b4b6"
LIGHT_YELLOW = "#fff7bf"

RC = {
    "svg.fonttype": "none",  # text stays text: smaller, selectable, searchable
    "svg.hashsalt": "send-portal",  # stable element ids, so the output is byte-identical between runs
    "font.family": "sans-serif",
    "font.sans-serif": ["Liberation Sans", "Arial", "Helvetica", "DejaVu Sans"],
    "font.size": 10,
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
    top = max([*values, float(indicator.baseline_value), float(indicator.target_value), 1.0]) * 1.12
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
    first = min([indicator.baseline_date, *dates])
    last = max([indicator.target_date, *dates])
    sign = -1 if indicator.lower_is_better else 1
    tolerance = float(indicator.tolerance_value)

    figure = Figure(figsize=(8, 4.2), layout="constrained")
    axes = figure.add_subplot()

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

    _value_axis(axes, indicator, values)
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(mdates.DateFormatter("%b\n%Y"))  # every tick says its year
    axes.grid(axis="y", color=MID_GREY, linewidth=0.5)
    axes.set_axisbelow(True)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=3, frameon=False)
    return figure


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


def chart_cache_key(indicator, kind):
    """A key that changes whenever the indicator or any of its values changes (one query)."""
    facts = indicator.measurements.aggregate(count=Count("pk"), latest=Max("updated"))
    latest = facts["latest"].isoformat() if facts["latest"] else "none"
    changed = indicator.updated.isoformat() if indicator.updated else "new"
    return f"indicators:{kind}:v{CHART_VERSION}:{indicator.pk}:{changed}:{facts['count']}:{latest}"


def cached_chart_svg(indicator, kind=TRAJECTORY, key=None):
    """(svg, cache key) for the indicator's chart of `kind`, rendered only when nothing cached matches.
    Pass `key` when chart_cache_key() has already been asked, to save its query."""
    key = key or chart_cache_key(indicator, kind)
    svg = cache.get(key)
    if svg is None:
        measurements = list(indicator.measurements.order_by("period_end"))
        render = sparkline_svg if kind == SPARKLINE else trajectory_chart_svg
        svg = render(indicator, measurements)
        cache.set(key, svg, CACHE_SECONDS)
    return svg, key


def svg_data_uri(svg):
    """The SVG as a data: URI, e.g. for an <img> in a PDF that cannot fetch portal URLs."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
