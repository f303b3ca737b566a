"""The project-wide pages: the dashboard (which composes every app), health, accessibility, errors."""

import logging
import sys
from collections import defaultdict

from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render, resolve_url
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token

from actions.models import TAG_COLOURS, Action, Plan, Priority, ProgressUpdate, Status, leads_work
from governance.models import Escalation, Group, Meeting
from indicators.digests import digests_of, overview
from indicators.models import Indicator, Measurement, Rebase
from indicators.reading import thin_data_sentence
from reporting.models import HighlightReport
from reporting.summary import decisions_sought, priority_summaries
from send_portal.context_processors import error_page_context
from send_portal.forms import SignInForm
from send_portal.freshness import data_key
from send_portal.health import check_database, readiness
from send_portal.models import Partnership, User
from send_portal.rules import is_board_member

logger = logging.getLogger(__name__)


DASHBOARD_ATTENTION = 5  # actions and indicators "needing attention most" on the first screen
DASHBOARD_ESCALATIONS = 10


DASHBOARD_SECONDS = 10 * 60  # the key moves with any change; this only bounds what a lost key keeps


def dashboard(request):
    """The Board's first screen: each priority's judged status (assessment, reason, change since the last
    Board, the ask) from its highlight reports; then escalations waiting for a decision; then the few
    actions and indicators needing attention most. The counts follow one click down, every number a
    link to the list behind it; then the latest updates, in sentences.

    Everything but the person's own work is the same for everyone signed in, so it is worked out once after
    any change to the data it reads and kept in the cache (dashboard_facts): one query when nothing changed."""
    user = request.user
    today = timezone.localdate()
    facts = dashboard_facts(request, today)
    return render(
        request,
        "dashboard.html",
        {
            "facts_html": facts["html"],
            "has_priorities": facts["has_priorities"],
            "next_board_meeting": facts["next_board_meeting"],
            "your_work": _your_work(user, facts["summaries"], facts["next_board_meeting"], today),
            "import_url": reverse("plan_import:upload")
            if request.user.has_perm("send_portal.import_plan")
            else None,
        },
    )


# What the dashboard's facts read: each table with the field that moves when one of its rows is saved.
DASHBOARD_TABLES = (
    (Plan, "updated"),
    (Partnership, "updated"),
    (User, "updated"),
    (Priority, "updated"),
    (Action, "updated"),
    (ProgressUpdate, "created"),
    (ProgressUpdate, "reviewed_at"),
    (HighlightReport, "updated"),
    (HighlightReport, "reviewed_at"),
    (Group, "updated"),
    (Meeting, "updated"),
    (Escalation, "updated"),
    (Indicator, "updated"),
    (Measurement, "updated"),
    (Measurement, "reviewed_at"),
    (Rebase, "updated"),
)
DASHBOARD_VERSION = 1  # bump when _dashboard_facts.html or what it shows changes


def dashboard_key(today):
    """The cache key of the dashboard's facts as the data stand now (one query)."""
    return data_key(f"dashboard:v{DASHBOARD_VERSION}", DASHBOARD_TABLES, today)


def dashboard_facts(request, today):
    """The dashboard's facts as HTML, with what the rest of the page needs from them: from the cache when
    nothing they read has changed today (one query), else worked out and rendered (about twenty)."""
    key = dashboard_key(today)
    facts = cache.get(key)
    if facts is None:
        context = _dashboard_context(request.user, today)
        facts = {
            "html": mark_safe(render_to_string("_dashboard_facts.html", context, request=request)),
            "has_priorities": bool(context["priorities"]),
            "summaries": context["summaries"],
            "next_board_meeting": context["next_board_meeting"],
        }
        cache.set(key, facts, DASHBOARD_SECONDS)
    return facts


def _dashboard_context(user, today):
    priorities = list(Priority.objects.visible_to(user).with_action_counts(today))
    totals = {
        "total": sum(p.total for p in priorities),
        "overdue": sum(p.overdue for p in priorities),
        "stale": sum(p.stale for p in priorities),
        "by_status": [
            (status, TAG_COLOURS[status], sum(getattr(p, f"count_{status.value}") for p in priorities))
            for status in Status
        ],
    }
    summaries = priority_summaries(priorities)  # 1 query
    escalations = (
        Escalation.objects.visible_to(user).open().select_related("action", "indicator", "raised_by")
    )
    attention = Action.objects.visible_to(user).for_table().needing_attention(today)
    # The latest approved updates: what the Board is told (those awaiting sign-off are on the actions' pages).
    updates = (
        ProgressUpdate.objects.visible_to(user)
        .approved()
        .select_related("action", "author")
        .latest_first()[:8]
    )
    # Counts and "where should the Board look" from each indicator's cached digest: no indicator is read.
    digests = digests_of(Indicator.objects.visible_to(user))  # 1 query
    by_priority = defaultdict(list)
    for digest in digests:
        by_priority[digest.priority_id].append(digest)
    indicator_totals = overview(digests, shown=0)  # no query: the rows come with the digests
    return {
        "priorities": priorities,
        "summaries": summaries,
        "decisions_sought": decisions_sought(summaries),
        "totals": totals,
        "escalations": list(escalations.order_by("raised_at", "pk")[:DASHBOARD_ESCALATIONS]),
        "escalation_count": escalations.count(),
        "attention": list(attention[:DASHBOARD_ATTENTION]),
        "attention_count": sum(p.attention for p in priorities),  # the same rule, no query
        "indicators_to_look_at": indicator_totals.where_to_look[:DASHBOARD_ATTENTION],
        "thin_data": thin_data_sentence(digest.row for digest in digests),
        "indicators_by_priority": [
            (p, overview(by_priority[p.pk], shown=0, looked_at=0)) for p in priorities
        ],
        "plan_wide_indicators": overview(by_priority[None], shown=0, looked_at=0)
        if by_priority.get(None)
        else None,
        "indicator_totals": indicator_totals,
        "updates": updates,
        "next_board_meeting": Meeting.objects.visible_to(user).next_board_meeting(today),
    }


def _your_work(user, summaries, next_board_meeting, today):
    """For a workstream lead: the priorities they lead, whether each has its report to the next Board, and
    how many of their actions need attention (one query); None for anyone who leads nothing."""
    led = [s for s in summaries if s.priority.lead_id == user.pk]
    mine = Action.objects.mine(user)
    if not led and not mine.exists():
        return None
    reports = []
    for summary in led:
        written = (
            summary.report
            if next_board_meeting and summary.report and summary.report.meeting_id == next_board_meeting.pk
            else None
        )
        if written is None and next_board_meeting and next_board_meeting.pk in summary.awaiting_meetings:
            written = "awaiting"  # written, and awaiting sign-off
        reports.append((summary.priority, written))
    return {"reports": reports, "needing_attention": mine.needing_attention(today).count()}


def landing_url(user):
    """Where a person lands after signing in: a Board member on the dashboard; someone who leads a
    priority or an action (and is not on the Board) on 'My actions'; anyone else on the dashboard."""
    if not is_board_member(user) and leads_work(user):
        return resolve_url("actions:action_mine")
    return resolve_url("dashboard")


class SignInView(LoginView):
    """Sign in, then go to the page asked for (a safe `next`), else to the person's landing page."""

    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        return landing_url(self.request.user)


@login_not_required
def health(request):
    """For load balancers of old: 200 when the database answers, 503 when it does not."""
    problem = check_database()
    if problem:
        return JsonResponse({"status": problem}, status=503)
    return JsonResponse({"status": "ok"})


@login_not_required
@transaction.non_atomic_requests  # ATOMIC_REQUESTS would open a transaction: liveness needs no database
def health_live(request):
    """Liveness: the process answers. Needs nothing else, so a database outage never restarts it."""
    return JsonResponse({"status": "ok"})


@login_not_required
@transaction.non_atomic_requests  # each check answers for itself, the database's included
def health_ready(request):
    """Readiness, for the load balancer: 200 when the database and cache answer and a task worker was
    seen in the last five minutes (send_portal/health.py); 503 naming what failed otherwise."""
    results = readiness()
    failed = {name: reason for name, reason in results.items() if reason}
    body = {
        "status": "ok" if not failed else "unavailable",
        "checks": {n: r or "ok" for n, r in results.items()},
    }
    return JsonResponse(body, status=503 if failed else 200)


@login_not_required
def accessibility(request):
    """The accessibility statement, readable without signing in."""
    return render(request, "accessibility.html")


@requires_csrf_token
def page_not_found(request, exception):
    """404: JSON under /api/ (as the API's own 404s), the portal's page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    error_page_context(request)  # the page asks the database nothing (the partnership comes from the cache)
    return defaults.page_not_found(request, exception)


def server_error(request):
    """500, or 503 when the cause is that the database cannot be reached. Renders without the database.

    Django calls this for an exception raised anywhere in a request, middleware included (sessions,
    sign-in). Connections carry CONN_HEALTH_CHECKS, so the first request after the database returns
    reconnects by itself: no restart needed.
    """
    error = sys.exc_info()[1]
    if is_connection_error(error):
        logger.error("Database unavailable: %s", error)
        response = HttpResponse(
            render_to_string("503.html", {"request_id": getattr(request, "request_id", "")}), status=503
        )
        response["Retry-After"] = "30"
        return response
    return HttpResponse(
        render_to_string("500.html", {"request_id": getattr(request, "request_id", "")}), status=500
    )


def is_connection_error(error):
    """True for 'cannot use the database now' errors: unreachable, or (SQLite) still locked by another
    writer after the busy timeout. False for anything else, e.g. a broken query."""
    if isinstance(error, InterfaceError):
        return True
    if not isinstance(error, OperationalError):
        return False
    text = str(error).lower()
    phrases = (
        "connection",
        "could not connect",
        "server closed",
        "terminating",
        "timeout",
        "unable to open",
        "database is locked",
    )
    return any(phrase in text for phrase in phrases)


@login_not_required
def csrf_failure(request, reason=""):
    """A form sent without a valid security token (usually a page left open too long): say what to do."""
    return render(request, "403_csrf.html", status=403)
