"""The lead's side of sign-off, for their My actions page: what was returned to them (with the reason)
and how many of their submissions await sign-off. A template tag, because My actions belongs to the
actions app, which may not import the indicators and reporting apps that hold values and reports."""

from django import template
from django.db.models import Exists, OuterRef, Q

from actions.models import ProgressUpdate
from indicators.models import Measurement
from reporting.models import HighlightReport
from send_portal.models import Review

register = template.Library()


@register.inclusion_tag("reporting/_returned_to_you.html")
def returned_to_you(user):
    """What was returned of the user's work (their actions and priorities, their indicators, and whatever
    they submitted) with the reasons, updates only while no newer update answers them; and how many of
    those awaiting sign-off. Three queries, one per kind."""
    unanswered = ~Exists(
        ProgressUpdate.objects.filter(action=OuterRef("action"), created__gt=OuterRef("created"))
    )
    updates = (
        ProgressUpdate.objects.exclude(review=Review.APPROVED)
        .filter(Q(action__priority__lead=user) | Q(action__lead=user) | Q(submitted_by=user))
        .annotate(unanswered=unanswered)
        .select_related("action", "reviewed_by")
    )
    values = (
        Measurement.objects.exclude(review=Review.APPROVED)
        .filter(Q(indicator__priority__lead=user) | Q(indicator__owner=user) | Q(submitted_by=user))
        .select_related("indicator", "reviewed_by")
    )
    reports = (
        HighlightReport.objects.exclude(review=Review.APPROVED)
        .filter(Q(priority__lead=user) | Q(submitted_by=user))
        .select_related("priority", "meeting", "reviewed_by")
    )
    context = {"awaiting": 0}
    for name, rows in (("updates", updates), ("values", values), ("reports", reports)):
        rows = list(rows.order_by("-reviewed_at", "-pk"))
        context["awaiting"] += sum(1 for row in rows if row.is_awaiting_sign_off)
        context[name] = [row for row in rows if row.is_returned and getattr(row, "unanswered", True)]
    return context
