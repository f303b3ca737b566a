"""The lead's side of sign-off, for their My actions page: what was returned to them (with the reason)
and how many of their submissions await sign-off. A template tag, because My actions belongs to the
actions app, which may not import the indicators and reporting apps that hold values and reports."""

from django import template
from django.db.models import Q

from actions.models import ProgressUpdate
from indicators.models import Measurement
from reporting.models import HighlightReport

register = template.Library()


@register.inclusion_tag("reporting/_returned_to_you.html")
def returned_to_you(user):
    """Returned updates (not yet answered by a newer one), values and highlight reports of the user's
    actions, indicators and priorities, and how many of their submissions await sign-off. Four queries."""
    updates = list(
        ProgressUpdate.objects.returned_to(user)
        .select_related("action", "reviewed_by")
        .order_by("-reviewed_at", "-pk")
    )
    values = list(
        Measurement.objects.returned()
        .filter(Q(indicator__priority__lead=user) | Q(indicator__owner=user) | Q(submitted_by=user))
        .select_related("indicator", "reviewed_by")
        .order_by("-reviewed_at", "-pk")
    )
    reports = list(
        HighlightReport.objects.returned()
        .filter(Q(priority__lead=user) | Q(submitted_by=user))
        .select_related("priority", "meeting", "reviewed_by")
        .order_by("-reviewed_at", "-pk")
    )
    awaiting = (
        ProgressUpdate.objects.awaiting_sign_off().filter(submitted_by=user).count()
        + Measurement.objects.awaiting_sign_off().filter(submitted_by=user).count()
        + HighlightReport.objects.awaiting_sign_off().filter(submitted_by=user).count()
    )
    return {"updates": updates, "values": values, "reports": reports, "awaiting": awaiting}
