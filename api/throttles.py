"""Rate limiting per token: a Power BI refresh that loops cannot starve a colleague's refresh."""

from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from api.models import AccessToken


class TokenRateThrottle(SimpleRateThrottle):
    """API_RATE_LIMIT requests per token; a signed-in browser counts per person, anyone else per address.
    Counts are kept in the default cache (shared by the workers when CACHE_URL names a shared cache)."""

    scope = "api"

    def get_rate(self):
        # Read when asked, not when the class was imported, so a changed setting (and a test) takes effect.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def get_cache_key(self, request, view):
        if isinstance(request.auth, AccessToken):
            ident = f"token-{request.auth.pk}"
        elif request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"address-{self.get_ident(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
