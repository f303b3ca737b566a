"""Values every page template needs: names, the navigation, and whether the plan is demonstration data."""

from django.conf import settings
from django.urls import reverse

from send_portal.models import Partnership

# (label, url name, the URL namespaces or names that make the item current)
NAVIGATION = [
    ("Dashboard", "dashboard", {"dashboard"}),
    ("Actions", "actions:action_list", {"action_list", "action_detail", "progressupdate_add", "action_edit"}),
    ("My actions", "actions:action_mine", {"action_mine"}),
    ("Indicators", "indicators:indicator_list", {"indicators"}),
    (
        "Meetings",
        "governance:meeting_list",
        {"meeting_list", "meeting_detail", "group_list", "group_detail", "meeting_changes", "calendar"},
    ),
    ("Action log", "governance:meetingaction_list", {"meetingaction_list", "meetingaction_close"}),
    (
        "Periods",
        "reporting:period_list",
        {"period_list", "period_add", "period_detail", "period_close", "period_compare", "period_history"},
    ),
]


def _nav_items(request):
    match = getattr(request, "resolver_match", None)
    here = {match.namespace, match.url_name} if match else set()
    items = [
        {"label": label, "url": reverse(name), "active": bool(here & sections)}
        for label, name, sections in NAVIGATION
    ]
    if request.user.has_perm("send_portal.view_sign_off"):  # no query: the person's roles are cached
        items.append(
            {
                "label": "Sign-off",
                "url": reverse("reporting:sign_off"),
                "active": bool(here & {"sign_off", "submission_return"}),
            }
        )
    if request.user.is_staff:
        items.append({"label": "Admin", "url": reverse("admin:index"), "active": False})
    return items


def error_page_context(request):
    """What the error pages (404) show, with no query: the partnership from the cache (or the first-start
    default) and no plan or navigation. Set before the page renders, so `portal` returns it."""
    partnership = Partnership.cached()
    request._portal_context = {
        "PARTNERSHIP": partnership,
        "PARTNERSHIP_NAME": partnership.name,
        "SERVICE_NAME": settings.SERVICE_NAME,
        "plan": None,
        "is_demonstration": False,
        "nav_items": [],
    }


def portal(request):
    """Worked out once per request: a django-tables2 table renders its template with the request again,
    which runs every context processor a second time."""
    cached = getattr(request, "_portal_context", None)
    if cached is None:
        cached = request._portal_context = _portal(request)
    return cached


def _portal(request):
    from actions.models import Plan

    signed_in = hasattr(request, "user") and request.user.is_authenticated
    plan = Plan.current() if signed_in else None
    partnership = Partnership.current()
    return {
        "PARTNERSHIP": partnership,
        "PARTNERSHIP_NAME": partnership.name,
        "SERVICE_NAME": settings.SERVICE_NAME,
        "plan": plan,
        "is_demonstration": bool(plan and plan.is_demonstration),
        "nav_items": _nav_items(request) if signed_in else [],
    }
