"""Project-wide views: the dashboard and the health check."""

from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from actions.models import Priority


def dashboard(request):
    """The plan at a glance."""
    priorities = Priority.objects.visible_to(request.user)
    return render(request, "dashboard.html", {"priorities": priorities})


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
