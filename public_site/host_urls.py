"""The URLconf of the public host name (PUBLIC_HOST): the families' site at the root, nothing else.
public_site.middleware.PublicSiteMiddleware routes that host's requests here."""

from django.urls import include, path

urlpatterns = [path("", include("public_site.urls"))]
handler404 = "public_site.views.page_not_found"
