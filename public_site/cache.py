"""The public pages' cache: each page rendered once per "public version", then served from the cache with
no database work at all. The version is a number in the cache that publishing (or taking down, or a new
value of a published measure) replaces (public_site/signals.py), so every page's key changes at once and the
next request renders afresh. With several server processes the cache must be one they share (CACHE_URL:
Redis or a file cache), or a process would go on serving its own copy (docs/public-site.md)."""

import time
from functools import wraps

from django.core.cache import cache
from django.http import HttpResponse

VERSION_KEY = "public:version"
PAGE_TIMEOUT = 24 * 60 * 60  # a day: old versions' pages are never read again and age out


def public_version():
    """The current public version (set the first time it is asked for)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, time.time_ns(), timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def bump_public_version():
    """Make every cached public page out of date at once."""
    cache.set(VERSION_KEY, time.time_ns(), timeout=None)


def cached_public_page(view):
    """Serve the view's 200 answer to a GET from the cache, keyed by public version, host and full path.
    The response keeps only its body and content type: no cookie, no Vary: Cookie, nothing per person."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        key = f"public:page:{public_version()}:{request.get_host()}:{request.get_full_path()}"
        hit = cache.get(key)
        if hit is not None:
            content, content_type = hit
            response = HttpResponse(content, content_type=content_type)
            response["X-Public-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.cookies and not response.streaming:
            if hasattr(response, "render"):
                response.render()
            cache.set(key, (response.content, response["Content-Type"]), PAGE_TIMEOUT)
            response["X-Public-Cache"] = "miss"
        return response

    return wrapper
