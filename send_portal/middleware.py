"""When the database cannot be reached, answer 503 with a plain page instead of a server error."""

import logging

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    """Turn 'cannot connect' database errors into a 503 page that needs no database to render.

    Connections carry CONN_HEALTH_CHECKS, so the next request after the database returns reconnects
    by itself: no restart needed.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, (OperationalError, InterfaceError)) or not is_connection_error(
            exception
        ):
            return None
        # No reconnecting here: at the end of every request Django closes a connection that is no longer
        # usable (close_old_connections), and CONN_HEALTH_CHECKS tests it before the next request uses it.
        logger.error("Database unavailable: %s", exception)
        response = HttpResponse(render_to_string("503.html"), status=503)
        response["Retry-After"] = "30"
        return response


def is_connection_error(exception: DatabaseError) -> bool:
    """True for 'cannot reach the database' errors, False for e.g. a failed constraint."""
    text = str(exception).lower()
    return isinstance(exception, InterfaceError) or any(
        phrase in text
        for phrase in (
            "connection",
            "could not connect",
            "server closed",
            "terminating",
            "timeout",
            "unable to open",
        )
    )
