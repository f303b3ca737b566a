"""Small components every page uses: a tag with its word, table cells. Knows no app (their tags build on it)."""

from django import template
from django.utils.html import format_html

from send_portal.models import Partnership

register = template.Library()


def tag_html(text, colour):
    """A GOV.UK tag: the word always shown, the colour a second signal."""
    modifier = f" govuk-tag--{colour}" if colour else ""
    return format_html('<strong class="govuk-tag{}">{}</strong>', modifier, text)


@register.simple_tag
def tag(text, colour):
    """A GOV.UK tag with its word, e.g. {% tag report.get_assessment_display report.assessment_colour %}."""
    return tag_html(text, colour)


@register.simple_tag
def row_cells(table, record):
    """A row's cells written by the table itself (e.g. actions.tables.ActionTable.cells_html)."""
    return table.cells_html(record)


@register.filter
def minutes(duration):
    """A timedelta as whole minutes, e.g. 30."""
    return int(duration.total_seconds() // 60)


@register.filter
def td_class(column):
    """' classes' for a django-tables2 column's data cells (from its attrs td class), worked out once per
    column of a table: BoundColumn.attrs rebuilds every attribute dict on each read, which made it the
    costliest part of a cell. Our tables set static td classes only (no callables of the record)."""
    cached = column.__dict__.get("_portal_td_class")
    if cached is None:
        name = column.attrs["td"].get("class")
        cached = column.__dict__["_portal_td_class"] = f" {name}" if name else ""
    return cached


@register.simple_tag
def review_tag(submission):
    """A submission's sign-off as a tag with its words ("Awaiting sign-off", "Returned to the lead"), or
    nothing when it is approved: the Board's pages show approved items plainly."""
    if submission is None or submission.is_approved:
        return ""
    return tag_html(submission.get_review_display(), submission.review_tag_colour)


@register.simple_tag(takes_context=True)
def priority_word(context):
    """What the plan calls a priority, with a capital ('Priority', 'Area of significant weakness',
    'Theme'): Partnership.priority_called, from the page's partnership (the PARTNERSHIP of every page, the
    pack's `partnership`), else the cached one."""
    return (context.get("PARTNERSHIP") or context.get("partnership") or Partnership.current()).priority_word
