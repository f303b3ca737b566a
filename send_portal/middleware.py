"""Refuse a request body that is too large before any of it is read (README: the proxy limits it too)."""

from django.conf import settings
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat


def upload_limit(max_file_bytes):
    """Declare the largest file a view accepts, so a larger request is refused before it is read."""

    def decorate(view):
        view.max_file_bytes = max_file_bytes
        return view

    return decorate


class RequestSizeMiddleware:
    """Answer 413 with a page that says the limit, judging by Content-Length alone, before anything reads
    the body (the CSRF check reads the form, so this comes before it in MIDDLEWARE).

    A request may carry the view's largest file (`upload_limit`, else EVIDENCE_MAX_BYTES, the largest
    anywhere, for the admin) plus its other fields, which Django caps at DATA_UPLOAD_MAX_MEMORY_SIZE. A
    file a little over its limit still reaches the form, which says so next to the field.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return None  # Django reads no body without a valid length
        max_file_bytes = getattr(view, "max_file_bytes", settings.EVIDENCE_MAX_BYTES)
        if length <= max_file_bytes + settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
            return None
        response = render(request, "413.html", {"limit": filesizeformat(max_file_bytes)}, status=413)
        response["Connection"] = "close"  # the unread body must not be taken for the next request
        return response
