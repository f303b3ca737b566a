"""The project-wide pages: the dashboard (which composes every app), health, accessibility, errors."""

import logging
import sys
from collections import defaultdict

from django.contrib.auth.decorators import login_not_required
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.csrf import requires_csrf_token

from actions.models import TAG_COLOURS, Priority, ProgressUpdate, Status
from governance.models import Meeting
from indicators.digests import digests_of, overview
from indicators.models import Indicator

logger = logging.getLogger(__name__)


def dashboard(request):
    """The plan at a glance: each priority's actions by status, overdue and not updated, the latest
    updates and the next Board meeting. Every number links to the list behind it."""
    priorities = list(Priority.objects.visible_to(request.user).with_action_counts())
    totals = {
        "total": sum(p.total for p in priorities),
        "overdue": sum(p.overdue for p in priorities),
        "stale": sum(p.stale for p in priorities),
        "by_status": [
            (status, TAG_COLOURS[status], sum(getattr(p, f"count_{status.value}") for p in priorities))
            for status in Status
        ],
    }
    updates = (
        ProgressUpdate.objects.visible_to(request.user).select_related("action", "author").latest_first()[:8]
    )
    # Counts and "where should the Board look" from each indicator's cached digest: no indicator is read.
    digests = digests_of(Indicator.objects.visible_to(request.user))  # 1 query
    by_priority = defaultdict(list)
    for digest in digests:
        by_priority[digest.priority_id].append(digest)
    return render(
        request,
        "dashboard.html",
        {
            "priorities": priorities,
            "totals": totals,
            "indicators_by_priority": [
                (p, overview(by_priority[p.pk], shown=0, looked_at=0)) for p in priorities
            ],
            "indicator_totals": overview(digests, shown=0),  # no query: the rows come with the digests
            "updates": updates,
            "next_board_meeting": Meeting.objects.visible_to(request.user).next_board_meeting(),
            "import_url": reverse("plan_import:upload")
            if request.user.has_perm("send_portal.import_plan")
            else None,
        },
    )


@login_not_required
def health(request):
    """For load balancers: 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        return JsonResponse({"status": "database unavailable"}, status=503)
    return JsonResponse({"status": "ok"})


@login_not_required
def accessibility(request):
    """The accessibility statement, readable without signing in."""
    return render(request, "accessibility.html")


@requires_csrf_token
def server_error(request):
    """500, or 503 when the cause is that the database cannot be reached. Renders without the database.

    Django calls this for an exception raised anywhere in a request, middleware included (sessions,
    sign-in). Connections carry CONN_HEALTH_CHECKS, so the first request after the database returns
    reconnects by itself: no restart needed.
    """
    error = sys.exc_info()[1]
    if is_connection_error(error):
        logger.error("Database unavailable: %s", error)
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response
    return HttpResponse(render_to_string("500.html"), status=500)


def is_connection_error(error):
    """True for 'cannot reach the database' errors; False for anything else, e.g. a broken query."""
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    text = str(error).lower()
    phrases = ("connection", "could not connect", "server closed", "terminating", "timeout", "unable to open")
    return any(phrase in text for phrase in phrases)


@login_not_required
def csrf_failure(request, reason=""):
    """A form sent without a valid security token (usually a page left open too long): say what to do."""
    return render(request, "403_csrf.html", status=403)
