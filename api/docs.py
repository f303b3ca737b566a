"""The OpenAPI schema (public: it describes the API, holds no data) and Swagger UI for signed-in people.

Swagger UI's files come from drf-spectacular-sidecar and WhiteNoise serves them from our own origin, and
its start-up script is a file too (the "split" view answers `?script` with it): the Content Security
Policy allows scripts only from this site or with the page's nonce."""

from django.contrib.auth.decorators import login_not_required
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView


class SchemaView(SpectacularAPIView):
    """/api/v1/schema/: the OpenAPI 3 schema, YAML by default, JSON with ?format=json."""

    @classmethod
    def as_view(cls, *args, **kwargs):
        return login_not_required(super().as_view(*args, **kwargs))


class ApiDocsView(SpectacularSwaggerSplitView):
    """/api/v1/docs/: Swagger UI, for signed-in people (the sign-in page first, otherwise)."""

    template_name = "api/swagger_ui.html"
    title = "SEND Portal API"
