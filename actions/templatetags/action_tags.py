"""Action components: an action's or update's status tag with its word, and its flags."""

from django import template
from django.utils.html import format_html, format_html_join

from actions.models import FLAG_COLOUR, TAG_COLOURS, Status
from send_portal.templatetags.portal import tag_html

register = template.Library()


@register.simple_tag
def status_tag(obj):
    """The tag for an action's or a progress update's status, e.g. a yellow 'At risk'."""
    status = Status(obj.status)
    return tag_html(status.label, TAG_COLOURS[status])


@register.simple_tag
def action_flags(action, today=None):
    """'Overdue' and 'No recent update' tags for an open action, from the model's one rule for each."""
    tags = format_html_join("", "{}", ((tag_html(flag, FLAG_COLOUR),) for flag in action.flags(today)))
    return format_html('<span class="portal-flags">{}</span>', tags) if tags else ""


@register.simple_tag
def action_reading(action, today=None):
    """The action's one status reading: its declared status as a tag, then the declaration's date and the
    schedule facts in words, e.g. [On track] (declared 3 Nov) · due 30 Sep, 62 days overdue."""
    reading = action.reading(today)
    html = format_html(
        '<span class="portal-reading">{} <span class="portal-reading__details">{}</span></span>',
        tag_html(reading.status.label, TAG_COLOURS[reading.status]),
        reading.details,
    )
    waiting = getattr(action, "updates_awaiting", 0)  # ActionQuerySet.with_sign_off_counts()
    if waiting:
        html += format_html(
            ' <span class="portal-reading__awaiting">{} {} newer update{} awaiting sign-off</span>',
            tag_html("Awaiting sign-off", "yellow"),
            waiting,
            "" if waiting == 1 else "s",
        )
    return html
