"""The lead's side of sign-off, for their My actions page: what was returned to them (with the reason)
and how many of their submissions await sign-off. A template tag, because My actions belongs to the
actions app, which may not import the indicators and reporting apps that hold values and reports."""

from django import template

from reporting.sign_off import returned_to

register = template.Library()


@register.inclusion_tag("reporting/_returned_to_you.html")
def returned_to_you(user):
    """What was returned of the user's work and is still unanswered, with the reasons, and how many of
    theirs await sign-off (reporting.sign_off.returned_to, which the reminder digest reads too). Three
    queries, one per kind."""
    returned = returned_to(user)
    return {
        "updates": returned.updates,
        "values": returned.values,
        "reports": returned.reports,
        "awaiting": returned.awaiting,
    }
