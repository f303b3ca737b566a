"""Indicator charts: valid SVG for every demo indicator, honest axes, and drawn only when data change."""

import xml.etree.ElementTree as ET
from datetime import date
from io import StringIO
from unittest import mock

import matplotlib
import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from indicators import charts
from indicators.models import Indicator, Unit
from tests.factories import IndicatorFactory, MeasurementFactory

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}svg"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def demo_plan(db):
    """The shipped demo plan: 20 indicators, 132 values, plus one indicator with no values yet."""
    call_command("load_plan", stdout=StringIO())
    indicator = Indicator.objects.get(code="P1-I1")
    IndicatorFactory(code="P9-NEW", priority=indicator.priority, name="A new indicator with no values")
    return Indicator.objects.order_by("code")


def svg_root(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    return ET.fromstring(response.content)


def test_every_demo_indicator_answers_its_chart_as_valid_svg(client, operations, demo_plan):
    client.force_login(operations)
    counts = {indicator.code: indicator.measurements.count() for indicator in demo_plan}
    assert len(counts) == 21 and counts["P9-NEW"] == 0 and 1 in counts.values()  # none, one, many
    for code in counts:
        root = svg_root(client.get(reverse("indicators:indicator_chart", args=[code])))
        assert root.tag == SVG, code


def test_every_demo_indicator_answers_its_sparkline_as_valid_svg(client, operations, demo_plan):
    client.force_login(operations)
    for indicator in demo_plan:
        root = svg_root(client.get(reverse("indicators:indicator_sparkline", args=[indicator.code])))
        assert root.tag == SVG, indicator.code


def test_a_chart_with_no_values_says_so():
    svg = charts.trajectory_chart_svg(IndicatorFactory(), [])
    assert "No values recorded yet" in svg


def test_a_chart_is_byte_identical_when_drawn_twice():
    indicator = IndicatorFactory()
    values = MeasurementFactory.create_batch(3, indicator=indicator)
    assert charts.trajectory_chart_svg(indicator, values) == charts.trajectory_chart_svg(indicator, values)


def test_a_chart_keeps_its_text_as_text_and_carries_no_date():
    svg = charts.trajectory_chart_svg(IndicatorFactory(), [])
    assert "<text" in svg and "<dc:date>" not in svg


def test_a_percentage_chart_runs_from_0_to_at_most_100():
    indicator = IndicatorFactory(unit=Unit.PERCENT, baseline_value=80, target_value=95)
    values = [MeasurementFactory(indicator=indicator, value=v) for v in (82, 90, 99)]
    with matplotlib.rc_context(charts.RC):
        low, high = charts.trajectory_figure(indicator, values).axes[0].get_ylim()
    assert (low, high) == (0, 100)


def test_a_count_chart_starts_at_0():
    indicator = IndicatorFactory(unit=Unit.COUNT, baseline_value=9500, target_value=8000)
    values = [MeasurementFactory(indicator=indicator, value=v) for v in (9600, 9700)]
    with matplotlib.rc_context(charts.RC):
        low, _ = charts.trajectory_figure(indicator, values).axes[0].get_ylim()
    assert low == 0


def test_a_chart_draws_the_trajectory_dashed_and_marks_illustrative_values():
    indicator = IndicatorFactory()
    values = [MeasurementFactory(indicator=indicator, is_illustrative=True)]
    with matplotlib.rc_context(charts.RC):
        axes = charts.trajectory_figure(indicator, values).axes[0]
    lines = {line.get_label(): line for line in axes.get_lines()}
    assert lines["Trajectory"].get_linestyle() == "--"
    assert "Illustrative value (invented)" in lines


def test_a_chart_is_not_drawn_again_when_nothing_changed(client, operations):
    indicator = IndicatorFactory()
    MeasurementFactory(indicator=indicator, period_end=date(2025, 6, 30), value=30)
    client.force_login(operations)
    url = reverse("indicators:indicator_chart", args=[indicator.code])

    with mock.patch("indicators.charts.trajectory_chart_svg", wraps=charts.trajectory_chart_svg) as draw:
        first = client.get(url).content
        second = client.get(url).content

    assert draw.call_count == 1
    assert first == second


def test_a_chart_is_drawn_again_when_a_value_is_recorded(client, operations):
    indicator = IndicatorFactory()
    client.force_login(operations)
    url = reverse("indicators:indicator_chart", args=[indicator.code])

    with mock.patch("indicators.charts.trajectory_chart_svg", wraps=charts.trajectory_chart_svg) as draw:
        client.get(url)
        indicator.record_value(period_end=date(2025, 6, 30), value=30, by=operations)
        client.get(url)

    assert draw.call_count == 2


def test_a_chart_is_drawn_again_when_a_value_is_corrected(client, operations):
    measurement = MeasurementFactory(period_end=date(2025, 6, 30), value=30)
    indicator = measurement.indicator
    client.force_login(operations)
    url = reverse("indicators:indicator_chart", args=[indicator.code])

    with mock.patch("indicators.charts.trajectory_chart_svg", wraps=charts.trajectory_chart_svg) as draw:
        client.get(url)
        indicator.record_value(period_end=date(2025, 6, 30), value=31, note="Fixed", correct=True)
        client.get(url)

    assert draw.call_count == 2


def test_a_chart_is_drawn_again_when_the_target_changes(client, operations):
    indicator = IndicatorFactory()
    client.force_login(operations)
    url = reverse("indicators:indicator_chart", args=[indicator.code])

    with mock.patch("indicators.charts.trajectory_chart_svg", wraps=charts.trajectory_chart_svg) as draw:
        client.get(url)
        indicator.target_value = 70
        indicator.save()
        client.get(url)

    assert draw.call_count == 2


def test_a_sparkline_is_not_drawn_again_when_nothing_changed(client, operations):
    indicator = IndicatorFactory()
    client.force_login(operations)
    url = reverse("indicators:indicator_sparkline", args=[indicator.code])

    with mock.patch("indicators.charts.sparkline_svg", wraps=charts.sparkline_svg) as draw:
        client.get(url)
        client.get(url)

    assert draw.call_count == 1


def test_a_browser_holding_the_current_chart_gets_304_not_modified(client, operations):
    indicator = IndicatorFactory()
    client.force_login(operations)
    url = reverse("indicators:indicator_chart", args=[indicator.code])
    etag = client.get(url)["ETag"]

    response = client.get(url, headers={"if-none-match": etag})

    assert response.status_code == 304


def test_a_chart_embeds_as_a_data_uri_for_the_board_pack():
    uri = charts.svg_data_uri(charts.sparkline_svg(IndicatorFactory(), []))
    assert uri.startswith("data:image/svg+xml;base64,")


def test_a_chart_opened_on_its_own_may_use_its_inline_styles_but_run_nothing(client, operations):
    indicator = IndicatorFactory()
    client.force_login(operations)
    policy = client.get(reverse("indicators:indicator_chart", args=[indicator.code]))[
        "Content-Security-Policy"
    ]
    assert "default-src 'none'" in policy and "style-src 'unsafe-inline'" in policy
    assert "script-src" not in policy


@pytest.mark.parametrize(
    ("unit", "values", "target"),
    [
        (Unit.COUNT, [1_250_000, 2_400_000, 3_999_999], 4_000_000),  # wide tick labels and latest value
        (Unit.PERCENT, [12.5, 99.5, 100], 95),  # the latest value at the top of the axis
        (Unit.WEEKS, [], 10),  # no values: no latest value's label
    ],
)
@pytest.mark.parametrize("kind", [charts.TRAJECTORY, charts.SPC])
def test_every_text_and_the_legend_fit_inside_the_chart(db, unit, values, target, kind):
    """The margins are worked out from the text, not by matplotlib's layout: nothing may be cut off."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    indicator = IndicatorFactory(unit=unit, baseline_value=values[0] if values else 1, target_value=target)
    for month, value in enumerate(values, start=1):
        MeasurementFactory(indicator=indicator, period_end=date(2025, month, 28), value=value)
    indicator = Indicator.objects.with_spc().get(pk=indicator.pk)
    with matplotlib.rc_context(charts.RC):
        if kind == charts.TRAJECTORY:
            figure = charts.trajectory_figure(indicator, indicator.measurements.all())
        else:
            figure = charts.spc_figure(indicator, indicator.spc)
        renderer = FigureCanvasAgg(figure).get_renderer()
        drawn = [
            figure.axes[0].get_tightbbox(renderer),
            *(legend.get_window_extent(renderer) for legend in figure.legends),
        ]

    page = figure.bbox
    for box in drawn:
        assert page.x0 <= box.x0 and box.x1 <= page.x1 and page.y0 <= box.y0 and box.y1 <= page.y1, (
            box,
            page,
        )
