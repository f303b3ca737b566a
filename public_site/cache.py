"""The public pages' cache: each page rendered once per "public version", then answered from the cache
with no database work at all (public_site/middleware.py). The version is a number in the cache that
publishing (or taking down, or a new value of a published measure) replaces (public_site/signals.py), so
every page's key changes at once and the next request renders afresh. With several server processes the
cache must be one they share (CACHE_URL: Redis or a file cache), or a process would go on serving its own
copy (docs/public-site.md)."""

import time
from functools import wraps

from django.core.cache import cache

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


def page_key(host, path):
    """Where a page's copy is kept; the copy carries the version it was rendered at."""
    return f"public:page:{host}:{path}"


def cached_page(key):
    """(current version, the page's copy if it was rendered at that version, else None), read together
    in one round trip to a shared cache such as Redis."""
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY)
    if version is None:
        return public_version(), None
    copy = found.get(key)
    if copy is None or copy[0] != version:
        return version, None
    return version, copy[1:]


def public_cacheable(view):
    """Mark the view's answers as the same for everyone, so the middleware may keep them."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.public_cacheable = True
        return response

    return wrapper
