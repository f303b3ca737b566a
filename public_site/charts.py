"""A simple bar chart of a public measure, as SVG markup for the page itself: presentation attributes only
(no `style`, which the CSP forbids), a title naming what it shows, and the same figures in a table beside
it. No value is read from anything but the indicator's recorded values and its target."""

from django.utils.html import escape
from django.utils.safestring import mark_safe

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 48
BAR = "#1d70b8"
TARGET = "#0b0c0c"


def measure_rows(measure, limit=12):
    """The last `limit` values as (period label, value, formatted value), oldest first."""
    indicator = measure.indicator
    return [
        (f"{m.period_end:%B %Y}", m.value, indicator.format_value(m.value)) for m in indicator.series[-limit:]
    ]


def bar_chart_svg(measure, rows, title_id):
    """The chart: one bar a period, a dashed line at the target, the axis from 0."""
    indicator = measure.indicator
    if not rows:
        return ""
    top = max([float(value) for _, value, _ in rows] + [float(indicator.target_value), 1.0]) * 1.1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / len(rows)

    def y(value):
        return TOP + plot_h - float(value) / top * plot_h

    bars = []
    for i, (label, value, _) in enumerate(rows):
        short = label[:3] + label[-2:] if len(rows) > 4 else label
        bars.append(
            f'<rect x="{LEFT + i * step + step * 0.15:.1f}" y="{y(value):.1f}" width="{step * 0.7:.1f}" '
            f'height="{TOP + plot_h - y(value):.1f}" fill="{BAR}"></rect>'
            f'<text x="{LEFT + i * step + step / 2:.1f}" y="{HEIGHT - BOTTOM + 16}" font-size="12" '
            f'text-anchor="middle" fill="#0b0c0c">{escape(short)}</text>'
        )
    target_y = y(indicator.target_value)
    base = TOP + plot_h
    return mark_safe(
        f'<svg class="public-chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'aria-labelledby="{escape(title_id)}" xmlns="http://www.w3.org/2000/svg" focusable="false">'
        f'<line x1="{LEFT}" y1="{base}" x2="{WIDTH - RIGHT}" y2="{base}" stroke="#0b0c0c" stroke-width="1"></line>'
        + "".join(bars)
        + f'<line x1="{LEFT}" y1="{target_y:.1f}" x2="{WIDTH - RIGHT}" y2="{target_y:.1f}" stroke="{TARGET}" '
        'stroke-width="2" stroke-dasharray="6 4"></line>'
        f'<text x="{LEFT}" y="{max(target_y - 6, 12):.1f}" font-size="13" fill="#0b0c0c">'
        f"Target {escape(indicator.formatted_target)}</text>"
        f'<text x="4" y="{base + 4}" font-size="12" fill="#0b0c0c">0</text>'
        "</svg>"
    )
