"""Components for governance pages: action-log status tags and their overdue flag; an action's escalations
for its page (which the actions app serves without importing this app)."""

from django import template
from django.utils.html import format_html

from actions.models import FLAG_COLOUR
from governance.models import MEETING_ACTION_TAG_COLOURS, Escalation, MeetingActionStatus
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


@register.simple_tag
def action_escalations(action, user):
    """The escalations of a plan action to the Board the user may see, newest first, each with the
    Board's decision and its meeting when there is one (1 query)."""
    return list(
        Escalation.objects.visible_to(user)
        .filter(action=action)
        .select_related("raised_by", "resolved_by_decision__meeting__group")
        .order_by("-raised_at", "-pk")
    )
