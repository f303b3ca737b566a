"""The URLconf of the public host name (PUBLIC_HOST): the families' site at the root, nothing else.
public.middleware.PublicSiteMiddleware routes that host's requests here."""

from django.urls import include, path

urlpatterns = [path("", include("public.urls"))]
handler404 = "public.views.page_not_found"
