from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from api import views
from api.docs import ApiDocsView

app_name = "api"

router = SimpleRouter()
router.register("priorities", views.PriorityViewSet, basename="priority")
router.register("actions", views.ActionViewSet, basename="action")
router.register("progress-updates", views.ProgressUpdateViewSet, basename="progressupdate")
router.register("indicators", views.IndicatorViewSet, basename="indicator")
router.register("measurements", views.MeasurementViewSet, basename="measurement")
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register("decisions", views.DecisionViewSet, basename="decision")
router.register("action-log", views.MeetingActionViewSet, basename="meetingaction")
router.register("escalations", views.EscalationViewSet, basename="escalation")
router.register("highlight-reports", views.HighlightReportViewSet, basename="highlightreport")
router.register("periods", views.PeriodViewSet, basename="period")

urlpatterns = [
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="schema"),  # YAML, or JSON with ?format=json
    path("api/v1/docs/", login_required(ApiDocsView.as_view(url_name="api:schema")), name="docs"),
    path("api/v1/plan/", views.PlanView.as_view(), name="plan"),
    path("api/v1/changes/", views.ChangeList.as_view(), name="changes"),
    path("api/v1/", include(router.urls)),
    path("accounts/tokens/", views.token_list, name="token_list"),
    path("accounts/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
