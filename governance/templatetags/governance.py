"""Components for governance pages: action-log status tags and their overdue flag."""

from django import template
from django.utils.html import format_html

from actions.models import FLAG_COLOUR
from governance.models import MEETING_ACTION_TAG_COLOURS, MeetingActionStatus
from send_portal.templatetags.portal import tag_html

register = template.Library()


@register.simple_tag
def meeting_action_tag(item, today=None):
    """An action-log item's status ('Open', 'Done', 'Dropped') and, when open and late, 'Overdue'."""
    status = MeetingActionStatus(item.status)
    tag = tag_html(status.label, MEETING_ACTION_TAG_COLOURS[status])
    if item.is_overdue(today):
        return format_html('<span class="portal-flags">{}{}</span>', tag, tag_html("Overdue", FLAG_COLOUR))
    return tag
