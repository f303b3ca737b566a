"""SPC on the pages: the chart and its switch, the icons with their words, the "where should the Board
look" table (dashboard, priority page, board pack), the how-to-read page, and charts drawn once."""

import re
import xml.etree.ElementTree as ET
from datetime import date
from io import StringIO
from unittest import mock

import matplotlib
import pytest
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.management import call_command
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import escape

from governance.services import board_pack_context, render_board_pack_html
from indicators import charts, spc
from indicators.digests import SummaryRow
from indicators.models import Indicator
from indicators.spc_reading import ASSURANCE, MARKERS, VARIATION, read
from tests.factories import IndicatorFactory, MeasurementFactory, MeetingFactory, RebaseFactory

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}svg"
STEADY = [9, 11, 9, 11, 9, 11, 9, 11, 9, 11, 9, 11, 10]


def month_end(n):
    """The last day of the n-th month after December 2023 (n=1: 31 January 2024)."""
    year, month = 2024 + (n - 1) // 12, (n - 1) % 12 + 1
    following = date(year + month // 12, month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


def add_values(indicator, values):
    for n, value in enumerate(values, start=1):
        MeasurementFactory(indicator=indicator, period_end=month_end(n), value=value)
    return indicator


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def improving(priority):
    """P1-I1: 13 steady values around 10% and a jump to 40%: special cause improvement, target 60%
    above the limits, so it will consistently be missed."""
    indicator = IndicatorFactory(code="P1-I1", priority=priority, name="Plans issued within 20 weeks")
    return add_values(indicator, STEADY + [40])


@pytest.fixture
def young(other_priority):
    """P2-I1: only five values so far."""
    indicator = IndicatorFactory(code="P2-I1", priority=other_priority, name="Overdue assessments")
    return add_values(indicator, STEADY[:5])


def spc_url(indicator):
    return reverse("indicators:indicator_spc_chart", args=[indicator.code])


# --- The indicator page -----------------------------------------------------------------------------------
def test_the_indicator_page_shows_the_trajectory_chart_until_the_person_chooses(
    client, board_member, improving
):
    client.force_login(board_member)

    page = client.get(improving.get_absolute_url()).content.decode()

    assert reverse("indicators:indicator_chart", args=["P1-I1"]) in page
    assert spc_url(improving) not in page
    assert 'href="?chart=trajectory#chart" aria-current="true"' in page


def test_the_chosen_spc_chart_is_remembered_on_every_indicator_page(client, board_member, improving, young):
    client.force_login(board_member)

    client.get(improving.get_absolute_url() + "?chart=spc")
    page = client.get(young.get_absolute_url()).content.decode()

    assert spc_url(young) in page
    assert 'href="?chart=spc#chart" aria-current="true"' in page
    client.get(young.get_absolute_url() + "?chart=trajectory")
    assert spc_url(improving) not in client.get(improving.get_absolute_url()).content.decode()


def test_an_unknown_chart_choice_is_ignored(client, board_member, improving):
    client.force_login(board_member)
    page = client.get(improving.get_absolute_url() + "?chart=pie").content.decode()
    assert reverse("indicators:indicator_chart", args=["P1-I1"]) in page


def test_the_spc_chart_has_its_sentence_as_alt_text_and_a_table_explaining_each_value(
    client, board_member, improving
):
    client.force_login(board_member)

    response = client.get(improving.get_absolute_url() + "?chart=spc")

    page = response.content.decode()
    sentence = improving.spc.sentence
    assert sentence.startswith("Special cause improvement: the latest value, 40%, is above the upper limit")
    assert sentence.endswith("so it will consistently be missed unless the process changes.")
    assert f'alt="{sentence}"' in page
    assert "Values and their SPC verdicts" in page
    assert "Special cause improvement: above the upper process limit" in page
    # the jump lifts the mean, so the 13 values before it make a run below it
    assert page.count("Special cause concern: part of 7 values in a row below the mean") == 13
    assert reverse("indicators:how_to_read_charts") in page


def test_the_indicator_page_shows_the_variation_and_assurance_icons_with_their_words(
    client, board_member, improving
):
    client.force_login(board_member)

    page = client.get(improving.get_absolute_url()).content.decode()

    assert "indicators/icons/variation-improvement-high.svg" in page
    assert "Special cause improvement: higher values" in page
    assert "indicators/icons/assurance-fail.svg" in page
    assert "Will consistently miss the target" in page


def test_an_indicator_with_fewer_than_13_values_says_so_instead_of_showing_limits(
    client, board_member, young
):
    client.force_login(board_member)

    page = client.get(young.get_absolute_url() + "?chart=spc").content.decode()
    svg = client.get(spc_url(young)).content.decode()

    assert "Too few values for process limits. There are 5 values so far" in page
    assert "Too few values to judge" in page
    assert page.count("None yet") == 10  # no lower or upper limit for any of the 5 values
    assert "Mean (too few values for limits)" in svg
    assert "Process limits" not in svg


def test_an_indicator_with_no_values_has_an_spc_chart_that_says_so(client, board_member, priority):
    indicator = IndicatorFactory(priority=priority)
    client.force_login(board_member)

    svg = client.get(spc_url(indicator)).content.decode()

    assert ET.fromstring(svg).tag == SVG
    assert "No values recorded yet" in svg


# --- The chart itself -------------------------------------------------------------------------------------
def legend(indicator, reading):
    with matplotlib.rc_context(charts.RC):
        figure = charts.spc_figure(indicator, reading)
    return [text.get_text() for text in figure.legends[0].get_texts()]


def test_the_chart_marks_each_kind_of_value_with_its_own_shape():
    assert len({(marker, size) for marker, size, *_ in MARKERS.values()}) == 4  # not judged looks common
    shapes = {kind: MARKERS[kind][0] for kind in ("improvement", "concern", "neutral")}
    assert len(set(shapes.values())) == 3


def test_the_chart_draws_limits_2_sigma_lines_and_the_target_dashed(improving):
    reading = improving.spc
    with matplotlib.rc_context(charts.RC):
        axes = charts.spc_figure(improving, reading).axes[0]
    lines = {line.get_label(): line for line in axes.get_lines()}

    assert {"Mean", "Process limits", "2-sigma lines", "Target 60%"} <= set(lines)
    assert {"Special cause: improvement", "Special cause: concern"} <= set(lines)
    assert lines["Target 60%"].get_linestyle() == "--"
    assert lines["2-sigma lines"].get_linestyle() == ":"


def test_a_neutral_indicator_is_drawn_with_the_neutral_marker_and_no_assurance():
    indicator = IndicatorFactory()
    values = [
        MeasurementFactory(indicator=indicator, period_end=month_end(n), value=v)
        for n, v in enumerate(STEADY + [40], start=1)
    ]
    reading = read(
        values, [], direction="neutral", target=indicator.target_value, formatter=indicator.format_spc_value
    )

    assert "Special cause: neither better nor worse" in legend(indicator, reading)
    assert reading.assurance.label == "Not assessed: neither direction is better"


def test_a_chart_without_a_target_draws_none():
    indicator = IndicatorFactory()
    values = [
        MeasurementFactory(indicator=indicator, period_end=month_end(n), value=v)
        for n, v in enumerate(STEADY, start=1)
    ]
    reading = read(values, [], direction="higher_is_better", target=None)

    assert not any(text.startswith("Target") for text in legend(indicator, reading))
    assert reading.assurance.label == "No target to assess"


def test_the_spc_chart_is_not_drawn_again_when_nothing_changed(client, board_member, improving):
    client.force_login(board_member)

    with mock.patch("indicators.charts.spc_chart_svg", wraps=charts.spc_chart_svg) as draw:
        first = client.get(spc_url(improving)).content
        second = client.get(spc_url(improving)).content
        etag = client.get(spc_url(improving))["ETag"]
        not_modified = client.get(spc_url(improving), headers={"if-none-match": etag})

    assert draw.call_count == 1
    assert first == second
    assert not_modified.status_code == 304


def test_the_spc_chart_is_drawn_again_after_a_new_value_or_a_rebase(client, board_member, improving):
    client.force_login(board_member)

    with mock.patch("indicators.charts.spc_chart_svg", wraps=charts.spc_chart_svg) as draw:
        client.get(spc_url(improving))
        MeasurementFactory(indicator=improving, period_end=month_end(15), value=41)
        client.get(spc_url(improving))
        rebase = RebaseFactory(indicator=improving, starts_on=month_end(14))
        client.get(spc_url(improving))
        rebase.delete()
        client.get(spc_url(improving))  # the same data as the second time: still cached

    assert draw.call_count == 3


# --- Every demo indicator ---------------------------------------------------------------------------------
@pytest.fixture
def demo_plan(db):
    call_command("load_plan", stdout=StringIO())
    return Indicator.objects.with_spc().order_by("code")


def test_every_demo_indicator_with_enough_values_shows_an_spc_chart_icons_and_a_summary_row(
    client, board_member, demo_plan
):
    client.force_login(board_member)
    dashboard = client.get(reverse("dashboard")).content.decode()
    enough = [indicator for indicator in demo_plan if len(indicator.series) >= spc.MIN_RELIABLE_POINTS]
    assert len(enough) >= 3

    for indicator in demo_plan:
        svg = client.get(spc_url(indicator)).content.decode()
        assert ET.fromstring(svg).tag == SVG, indicator.code
        assert f"{indicator.get_absolute_url()}?chart=spc#chart" in dashboard, indicator.code
        if indicator in enough:
            assert "Process limits" in svg, indicator.code
            assert indicator.spc.variation.icon_name != "none", indicator.code
            assert indicator.spc.variation.label in dashboard
        else:
            assert "Mean (too few values for limits)" in svg, indicator.code
            assert indicator.spc.variation.label == "Too few values to judge", indicator.code


# --- Icons ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "icon",
    sorted(
        {f"variation-{i}" for i, _ in VARIATION.values()} | {f"assurance-{i}" for i, _ in ASSURANCE.values()}
    ),
)
def test_every_icon_is_the_projects_own_valid_svg(icon):
    path = finders.find(f"indicators/icons/{icon}.svg")
    assert path is not None
    root = ET.parse(path).getroot()
    assert root.tag == SVG and root.get("aria-hidden") == "true"
    assert "style=" not in open(path, encoding="utf-8").read()  # presentation attributes only (CSP)


def test_a_summary_row_reads_its_verdicts_in_one_sentence_beside_their_icons(improving):
    rows = [SummaryRow.of(Indicator.objects.with_spc().get(pk=improving.pk))]
    html = render_to_string("indicators/_spc_summary.html", {"rows": rows, "label": "all"})

    assert 'alt="Special cause improvement: higher values"' in html
    assert 'alt="Will consistently miss the target"' in html
    assert "and improving by SPC; but at this rate it will miss the December" in html


# --- Where should the Board look ------------------------------------------------------------------------
def summary_rows(html):
    """The indicator codes in the summary table, in order."""
    table = html.split('class="govuk-table portal-table portal-spc-summary"')[1].split("</table>")[0]
    return re.findall(r'href="/indicators/([^/]+)/\?chart=spc#chart"', table)


def test_the_dashboard_lists_every_indicator_those_needing_attention_first(
    client, board_member, improving, young
):
    concern = add_values(
        IndicatorFactory(
            code="P1-I2",
            priority=improving.priority,
            direction="lower_is_better",
            target_value=5,
            baseline_value=10,
        ),
        STEADY + [40],
    )
    client.force_login(board_member)

    page = client.get(reverse("dashboard")).content.decode()

    assert "Where should the Board look?" in page
    assert summary_rows(page) == [concern.code, improving.code, young.code]
    assert "Special cause concern: higher values" in page


def test_the_priority_page_lists_its_own_indicators(client, board_member, improving, young):
    client.force_login(board_member)

    page = client.get(reverse("actions:priority_detail", args=[improving.priority.number])).content.decode()

    assert summary_rows(page) == ["P1-I1"]


def test_the_summary_table_is_kept_in_the_cache_and_shows_a_new_value_at_once(
    client, board_member, improving, young
):
    client.force_login(board_member)
    client.get(reverse("dashboard"))
    kept = [key for key in cache._cache if "spc_summary" in key]  # the in-memory cache of the tests

    MeasurementFactory(indicator=young, period_end=month_end(6), value=123)
    page = client.get(reverse("dashboard")).content.decode()

    table = page.split('class="govuk-table portal-table portal-spc-summary"')[1].split("</table>")[0]
    assert len(kept) == 1
    assert '123%<span class="govuk-body-s portal-secondary portal-block">Jun 2024' in table
    assert len([key for key in cache._cache if "spc_summary" in key]) == 2  # its rows changed: a new key


def test_the_board_pack_has_the_summary_with_its_icons_embedded(improving, young):
    meeting = MeetingFactory()

    html = render_board_pack_html(meeting)

    section = html.split('id="where-to-look"')[1].split("</table>")[0]
    assert "P1-I1" in section and "P2-I1" in section
    assert section.index("P1-I1") < section.index("P2-I1")
    assert "data:image/svg+xml;base64," in section
    assert "Will consistently miss the target" in section
    assert "/static/indicators/icons" not in section  # a kept pack carries its icons with it
    assert (
        'alt="Special cause improvement: higher values"' in section
    )  # a tagged PDF needs alt on every image
    assert "improving by SPC; but at this rate it will miss the" in section  # the reading beside the icons
    assert [i.code for i in board_pack_context(meeting)["where_to_look"]] == ["P1-I1", "P2-I1"]


# --- How to read these charts ---------------------------------------------------------------------------
def test_the_how_to_read_page_explains_every_icon_and_every_difference(client, lead):
    client.force_login(lead)

    page = client.get(reverse("indicators:how_to_read_charts")).content.decode()

    for icon_name, _ in VARIATION.values():
        assert f"variation-{icon_name}.svg" in page
    for icon_name, _ in ASSURANCE.values():
        assert f"assurance-{icon_name}.svg" in page
    for ours, theirs in spc.DIFFERENCES_FROM_GUIDANCE:
        assert escape(ours) in page and escape(theirs) in page
    assert "NHSRplotthedots" in page


def test_the_chosen_chart_survives_a_slower_request_that_saves_the_old_session(
    client, board_member, improving, young
):
    """Every request saves the session to extend it, so a chart image still loading from the page before
    writes the session as it was when that request began. The choice must not be kept there."""
    client.force_login(board_member)
    before = dict(client.session.items())

    client.get(improving.get_absolute_url() + "?chart=spc")
    session = client.session
    session.clear()
    session.update(before)  # what the slower request saves, after the choice
    session.save()

    assert spc_url(young) in client.get(young.get_absolute_url()).content.decode()


def test_the_chart_choice_cookie_is_set_only_when_the_person_chooses(client, board_member, improving):
    client.force_login(board_member)

    assert "indicator_chart" not in client.get(improving.get_absolute_url()).cookies
    cookie = client.get(improving.get_absolute_url() + "?chart=spc").cookies["indicator_chart"]

    assert cookie.value == "spc"
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert "indicator_chart" not in client.get(improving.get_absolute_url() + "?chart=spc").cookies
