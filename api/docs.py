"""The OpenAPI schema (public: it describes the API, holds no data) and Swagger UI for signed-in people.

Swagger UI's files come from drf-spectacular-sidecar and WhiteNoise serves them from our own origin, and
its start-up script is a file too (the "split" view answers `?script` with it): the Content Security
Policy allows scripts only from this site or with the page's nonce."""

from drf_spectacular.views import SpectacularSwaggerSplitView


class ApiDocsView(SpectacularSwaggerSplitView):
    """/api/v1/docs/: Swagger UI, for signed-in people (the sign-in page first, otherwise: DRF marks its
    views login_not_required, so the URL wraps it in login_required again)."""

    template_name = "api/swagger_ui.html"
    title = "SEND Portal API"
