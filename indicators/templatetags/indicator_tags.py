"""Indicator components: status tags with their words, direction of travel, data freshness, SPC verdicts."""

import functools

from django import template
from django.templatetags.static import static
from django.utils.html import format_html, format_html_join

from indicators.charts import static_svg_data_uri
from indicators.digests import overview_of
from indicators.models import OUTCOME_COLOURS, Outcome
from indicators.reading import thin_data_sentence
from indicators.spc_reading import NO_DATA, TOO_FEW
from indicators.status import DATA_OVERDUE, DATA_OVERDUE_COLOUR, STATUS_COLOURS, Travel
from send_portal.templatetags.portal import tag_html

register = template.Library()


@register.simple_tag
def priority_indicators(priority, user):
    """The IndicatorOverview of a priority's indicators the user may see, for the priority's page (which
    the actions app serves without importing this app): the first ten, and the ten to look at first, in
    full; the counts cover all (7 queries, whatever the numbers)."""
    return overview_of(priority.indicators.visible_to(user), shown=10, looked_at=10)


@register.simple_tag
def indicator_status_tag(obj):
    """The tag for an indicator's (or one value's) status against the trajectory, e.g. a red 'Off track'."""
    return tag_html(obj.status.label, STATUS_COLOURS[obj.status])


@register.simple_tag
def data_overdue_tag(indicator):
    """An orange 'Data overdue' tag when the indicator's latest due value is missing, else nothing."""
    return tag_html(DATA_OVERDUE, DATA_OVERDUE_COLOUR) if indicator.data_overdue else ""


@register.simple_tag
def travel(indicator):
    """Direction of travel in words, with a symbol for the way the value moved (hidden from screen readers,
    which read the same in words): e.g. '▼ Improving, down from 553'."""
    if indicator.travel is None:
        return format_html('<span class="portal-secondary">{}</span>', "Not enough values yet")
    symbol, word = indicator.movement
    previous = indicator.format_value(indicator.previous_measurement.value)
    detail = "the same as before" if indicator.travel == Travel.NO_CHANGE else f"{word} from {previous}"
    return format_html(
        '<span class="portal-travel portal-travel--{}"><span class="portal-travel__symbol" aria-hidden="true">'
        '{}</span> {}<span class="govuk-body-s portal-secondary portal-block">{}</span></span>',
        indicator.travel.value,
        symbol,
        indicator.travel.label,
        detail,
    )


def freshness_text(indicator):
    """Data freshness in words, e.g. 'The value for the period ending 30 September 2026 was due by
    30 October 2026.'"""
    freshness = indicator.freshness()
    if freshness.overdue:
        return (
            f"The value for the period ending {freshness.period.end:%-d %B %Y} was due by "
            f"{freshness.due_by:%-d %B %Y}."
        )
    return (
        f"Up to date. The next value, for the period ending {freshness.period.end:%-d %B %Y}, is due by "
        f"{freshness.due_by:%-d %B %Y}."
    )


@register.simple_tag
def data_freshness(indicator, short=False):
    """The 'Data overdue' tag (when it applies) and when the missing or next value is due. `short` is for
    table cells: 'Due 30 Oct 2026' or 'Up to date, next due 2 Mar 2027'."""
    if not short:
        return format_html(
            '{} <span class="govuk-body-s portal-block">{}</span>',
            data_overdue_tag(indicator),
            freshness_text(indicator),
        )
    freshness = indicator.freshness()
    if freshness.overdue:
        return format_html(
            '{}<span class="govuk-body-s portal-block">Due {}</span>',
            data_overdue_tag(indicator),
            f"{freshness.due_by:%-d %b %Y}",
        )
    return format_html(
        'Up to date<span class="govuk-body-s portal-block">Next due {}</span>',
        f"{freshness.due_by:%-d %b %Y}",
    )


@register.simple_tag
def outcome_tag(outcome):
    """What an uploaded row would do, as a tag: Add, Change, No change or Reject."""
    outcome = Outcome(outcome)
    return tag_html(outcome.label, OUTCOME_COLOURS[outcome])


@register.simple_tag
def spc_verdict(verdict, embed=False):
    """An SPC variation or assurance verdict: the project's icon with its words beside it, visible on
    screen and in print. On a page the icon is decorative (alt=""). `embed` is for the board pack: the icon
    goes in as a data: URI, so a kept pack needs nothing from the portal, and it gets a short alt text,
    because a tagged PDF (PDF/UA) requires one on every image (WeasyPrint cannot mark it as decoration)."""
    src = static_svg_data_uri(verdict.icon) if embed else _static_url(verdict.icon)
    alt = f"{verdict.kind.capitalize()} icon" if embed else ""
    return format_html(
        '<span class="portal-verdict portal-verdict--{}"><img class="portal-verdict__icon" src="{}" alt="{}" '
        'width="28" height="28"><span class="portal-verdict__text">{}</span></span>',
        verdict.kind,
        src,
        alt,
        verdict.label,
    )


@functools.cache
def _static_url(path):
    """static(path), worked out once per icon: a summary table shows fifty of them."""
    return static(path)


@register.simple_tag
def spc_marker(row):
    """The chart's marker for one value (same shape and colour), hidden from screen readers, which read the
    explanation beside it."""
    return format_html(
        '<span class="portal-spc-marker portal-spc-marker--{}" aria-hidden="true">{}</span>',
        row.kind,
        row.symbol,
    )


@register.simple_tag
def spc_icons(row, embed=False):
    """The SPC variation and assurance icons of a summary row, each with its verdict as alt text (the
    reading beside them says it in words), or nothing when there are too few values to judge."""
    if row.variation.key in (TOO_FEW, NO_DATA):
        return ""
    icons = []
    for verdict in (row.variation, row.assurance):
        if verdict.icon_name == "none":
            continue
        src = static_svg_data_uri(verdict.icon) if embed else _static_url(verdict.icon)
        icons.append((src, verdict.label))
    return format_html_join(
        "",
        '<img class="portal-verdict__icon portal-spc-icon" src="{}" alt="{}" width="28" height="28">',
        icons,
    )


@register.filter
def thin_data(overview):
    """The one sentence saying how many of an IndicatorOverview's indicators are too thin for SPC, or ""."""
    return thin_data_sentence(digest.row for digest in overview.digests)
