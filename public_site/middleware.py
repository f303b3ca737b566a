"""Route the public site's requests, and keep them free of anything per person.

A request for PUBLIC_HOST is sent to the public URLconf (public_site/host_urls.py). A request for the public
site (that host, or a path under /public/) has its session and CSRF cookies set aside before the session,
authentication and CSRF middleware see it, so it is answered as for anyone: no session is read or saved
(no database work), no cookie is set, and the cached page is the same for everyone. Goes before
SessionMiddleware in MIDDLEWARE.
"""

from django.conf import settings

PUBLIC_PREFIX = "/public/"


class PublicSiteMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.host = settings.PUBLIC_HOST.lower()

    def __call__(self, request):
        on_public_host = (
            bool(self.host) and request.META.get("HTTP_HOST", "").split(":")[0].lower() == self.host
        )
        if on_public_host:
            request.urlconf = "public_site.host_urls"
        if on_public_host or request.path_info.startswith(PUBLIC_PREFIX):
            request.COOKIES.pop(settings.SESSION_COOKIE_NAME, None)
            request.COOKIES.pop(settings.CSRF_COOKIE_NAME, None)
            request.is_public_site = True
            response = self.get_response(request)
            # The session middleware says "Vary: Cookie" once anything has looked at the (empty) session,
            # but this answer cannot depend on a cookie: none was read. A shared cache may keep one copy.
            vary = [v.strip() for v in response.get("Vary", "").split(",") if v.strip()]
            if "Cookie" in vary:
                vary.remove("Cookie")
                if vary:
                    response["Vary"] = ", ".join(vary)
                else:
                    del response["Vary"]
            return response
        return self.get_response(request)
