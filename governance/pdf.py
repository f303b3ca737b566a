"""Rendering HTML to PDF with WeasyPrint, safely: the only resources a pack may load are the portal's own
static files and data: URIs. Nothing is fetched over the network (no SSRF), and the server never requests
its own pages (which would deadlock a single sync worker).

Imported only when a PDF is made: importing WeasyPrint takes about half a second.
"""

import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

# WeasyPrint logs every layout step at INFO, some while it is imported: quieten it first. Warnings and
# errors still show.
logging.getLogger("weasyprint").setLevel(logging.WARNING)

from django.conf import settings  # noqa: E402
from django.contrib.staticfiles import finders  # noqa: E402
from django.contrib.staticfiles.storage import staticfiles_storage  # noqa: E402
from weasyprint import HTML  # noqa: E402
from weasyprint.urls import URLFetcher, URLFetcherResponse  # noqa: E402


class StaticOnlyURLFetcher(URLFetcher):
    """Serve `/static/...` from the staticfiles finders or, for hashed names, the collected files, and
    data: URIs; refuse everything else."""

    def fetch(self, url, headers=None):
        if url.startswith("data:"):
            return super().fetch(url, headers)
        path = unquote(urlsplit(url).path)
        prefix = "/" + settings.STATIC_URL.lstrip("/")
        if not path.startswith(prefix):
            raise ValueError(f"A board pack may only use the portal's static files, not {url}")
        name = path.removeprefix(prefix)
        found = finders.find(name)  # the source files (development, tests)
        if found:
            body = Path(found).read_bytes()
        elif staticfiles_storage.exists(name):  # collected files with hashed names (production)
            with staticfiles_storage.open(name) as handle:
                body = handle.read()
        else:
            raise ValueError(f"No static file at {path}")
        content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=body, headers={"Content-Type": content_type})


def html_to_pdf(html, base_url):
    """A tagged PDF (PDF/UA-1) of `html`; relative links resolve against `base_url`."""
    document = HTML(string=html, base_url=base_url, url_fetcher=StaticOnlyURLFetcher())
    return document.write_pdf(pdf_variant="pdf/ua-1")
