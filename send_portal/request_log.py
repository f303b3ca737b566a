"""One JSON log line a request, with a request id that error pages show and every log line carries.

The line names the URL's route pattern (e.g. `calendar/<str:token>.ics`), never the path itself, so a
secret in a URL (a calendar link, an unsubscribe link) or a query string never reaches the log; nor does
anything of the request body, its headers or cookies. Imports no app.
"""

import contextvars
import logging
import re
import time
import uuid

logger = logging.getLogger("send_portal.request")
request_id_var = contextvars.ContextVar("request_id", default="")
# A request id passed on by the load balancer is kept when it looks like one (letters, digits, - and _).
INCOMING_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")


def route_of(request):
    """The route pattern the request matched (`actions/<str:ref>/`), or '' when none did (a 404)."""
    match = getattr(request, "resolver_match", None)
    return match.route if match else ""


class RequestLogMiddleware:
    """Give each request an id (X-Request-ID in and out), then log one line: method, route, view, status,
    time, user id and request id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if INCOMING_ID.fullmatch(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request.request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request.request_id
            user = getattr(request, "user", None)
            match = getattr(request, "resolver_match", None)
            logger.info(
                "request",
                extra={
                    "method": request.method,
                    "route": route_of(request),
                    "view": match.view_name if match else "",
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user_id": user.pk if user is not None and user.is_authenticated else None,
                },
            )
            return response
        finally:
            request_id_var.reset(token)


class RequestIdFilter(logging.Filter):
    """Adds the current request's id to every log record (empty outside a request)."""

    def filter(self, record):
        # Django logs a 4xx/5xx response after the middleware returned: read the id off its request.
        request = getattr(record, "request", None)
        record.request_id = request_id_var.get() or getattr(request, "request_id", "")
        return True


class RedactPathFilter(logging.Filter):
    """Django's own request loggers ('Not Found: /path', 'Internal Server Error: /path') name the path:
    put the route pattern in its place, and drop the request object, so no secret in a URL is logged."""

    def filter(self, record):
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            record.args = tuple(
                (route_of(request) or "(no route)") if arg == request.path else arg
                for arg in record.args or ()
            )
            del record.request
        return True
