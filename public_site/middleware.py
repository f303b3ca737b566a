"""Route the public site's requests, keep them free of anything per person, and answer them from the cache.

A request for PUBLIC_HOST is sent to the public URLconf (public_site/host_urls.py). A request for the public
site (that host, or a path under /public/) has its session and CSRF cookies set aside before the session,
authentication and CSRF middleware see it, so it is answered as for anyone: no session is read or saved
(no database work), no cookie is set, and one cached copy serves everyone.

A GET of a page its view marked cacheable (public_site.cache.public_cacheable), with no query string, is
kept whole (headers and body) with the public version it was rendered at (public_site/cache.py); the next
such request is answered from there, before sessions, authentication, CSRF and URL resolution run at all:
one cache read of two keys (the version and the page) and no database work. Goes after SecurityMiddleware and WhiteNoise (their headers and static
files stay theirs) and before SessionMiddleware in MIDDLEWARE.
"""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils.csp import CSP, build_policy

from public_site.cache import PAGE_TIMEOUT, cached_page, page_key

PUBLIC_PREFIX = "/public/"
# Headers a cached copy does not keep: the CSP is set afresh (never a nonce: no public page has a script),
# the request id belongs to each request.
NOT_KEPT = {
    str(CSP.HEADER_ENFORCE).lower(),
    str(CSP.HEADER_REPORT_ONLY).lower(),
    "x-request-id",
    "set-cookie",
}


class PublicSiteMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.host = settings.PUBLIC_HOST.lower()
        self.csp = build_policy(settings.SECURE_CSP) if settings.SECURE_CSP else ""

    def __call__(self, request):
        on_public_host = (
            bool(self.host) and request.META.get("HTTP_HOST", "").split(":")[0].lower() == self.host
        )
        if on_public_host:
            request.urlconf = "public_site.host_urls"
        if not (on_public_host or request.path_info.startswith(PUBLIC_PREFIX)):
            return self.get_response(request)

        request.COOKIES.pop(settings.SESSION_COOKIE_NAME, None)
        request.COOKIES.pop(settings.CSRF_COOKIE_NAME, None)
        request.is_public_site = True
        cacheable = request.method in ("GET", "HEAD") and not request.META.get("QUERY_STRING")
        if cacheable:
            key = page_key(request.get_host(), request.path)
            version, hit = cached_page(key)
            if hit is not None:
                return self._from_cache(hit)

        response = self.get_response(request)
        self._vary_not_on_cookie(response)
        if (
            cacheable
            and getattr(response, "public_cacheable", False)
            and response.status_code == 200
            and not response.cookies
            and not response.streaming
        ):
            headers = [(k, v) for k, v in response.items() if k.lower() not in NOT_KEPT]
            # Kept with the version read before rendering: a publish meanwhile makes it stale at once.
            cache.set(key, (version, response.content, headers), PAGE_TIMEOUT)
        return response

    def _from_cache(self, hit):
        content, headers = hit
        response = HttpResponse(content)
        for name, value in headers:
            response[name] = value
        if self.csp:
            response[str(CSP.HEADER_ENFORCE)] = self.csp
        response["X-Public-Cache"] = "hit"
        return response

    @staticmethod
    def _vary_not_on_cookie(response):
        """The session middleware says "Vary: Cookie" once anything looked at the (empty) session, but
        this answer cannot depend on a cookie: none was read. A shared cache may keep one copy."""
        vary = [v.strip() for v in response.get("Vary", "").split(",") if v.strip()]
        if "Cookie" in vary:
            vary.remove("Cookie")
            if vary:
                response["Vary"] = ", ".join(vary)
            else:
                del response["Vary"]
