"""The read-only API under /api/v1/ (each viewset: a queryset narrowed with visible_to, the page's view
permission, a serializer and a filter) and the page where each person makes and revokes their tokens."""

from django.contrib import messages
from django.db.models import Case, CharField, F, OuterRef, Subquery, Value, When
from django.db.models.functions import Cast
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, serializers, viewsets
from rest_framework.exceptions import NotFound

from actions.models import Action, Plan, Priority, ProgressUpdate
from api import filters
from api import serializers as api
from api.forms import AccessTokenForm
from api.models import AccessToken
from governance.models import Decision, Escalation, Meeting, MeetingAction
from indicators.digests import plan_digests
from indicators.models import Indicator, Measurement
from reporting.models import HighlightReport, Period
from send_portal.base_views import get_permitted


# --- The API -------------------------------------------------------------------------------------------
# DRF marks its views login_not_required: without credentials they answer 401 (not the sign-in page),
# as DRF authenticates the token, or the browser's session, itself.
class PortalViewSet(viewsets.ReadOnlyModelViewSet):
    """A list and a detail of one kind of record: the queryset through `visible_to(user)` (others' records
    are 404), `permission_required` checked as on the pages (api.permissions.ReadsAsOnThePages)."""

    permission_required = None

    def get_queryset(self):
        return self.scope(super().get_queryset())

    def scope(self, queryset):
        return queryset.visible_to(self.request.user)


@extend_schema(summary="The plan", description="The Priority Action Plan this portal runs.")
class PlanView(generics.RetrieveAPIView):
    permission_required = "actions.view_plan"
    serializer_class = api.PlanSerializer
    pagination_class = None
    filter_backends = []

    def get_object(self):
        plan = Plan.objects.visible_to(self.request.user).order_by("pk").first()
        if plan is None:
            raise NotFound("No plan is loaded yet.")
        self.check_object_permissions(self.request, plan)
        return plan


class PriorityViewSet(PortalViewSet):
    """The plan's priorities, by number (`/priorities/2/`)."""

    permission_required = "actions.view_priority"
    queryset = Priority.objects.select_related("lead").order_by("number")
    serializer_class = api.PrioritySerializer
    lookup_field = "number"
    lookup_value_regex = r"[0-9]+"


class ActionViewSet(PortalViewSet):
    """The plan's actions, by reference (`/actions/P2.3/`), in plan order."""

    permission_required = "actions.view_action"
    queryset = Action.objects.for_table()
    serializer_class = api.ActionSerializer
    filterset_class = filters.ActionFilterSet
    lookup_field = "ref"
    lookup_value_regex = r"[^/]+"


class ProgressUpdateViewSet(PortalViewSet):
    """Progress updates, in the order they were recorded. Append-only: a correction is a newer update."""

    permission_required = "actions.view_progressupdate"
    queryset = ProgressUpdate.objects.select_related("action__priority", "author").order_by("created", "pk")
    serializer_class = api.ProgressUpdateSerializer
    filterset_class = filters.ProgressUpdateFilterSet


class IndicatorViewSet(PortalViewSet):
    """Success indicators, by code (`/indicators/P2-I1/`), with their readings as the pages show them."""

    permission_required = "indicators.view_indicator"
    queryset = Indicator.objects.for_table()
    serializer_class = api.IndicatorSerializer
    filterset_class = filters.IndicatorFilterSet
    lookup_field = "code"
    lookup_value_regex = r"[^/]+"

    def get_serializer_context(self):
        # Status, data overdue and the SPC verdicts: the dashboard's digests (one query while cached).
        return {**super().get_serializer_context(), "digests": {d.pk: d for d in plan_digests()}}


class MeasurementViewSet(PortalViewSet):
    """Indicator values, one per indicator and period, each judged against the trajectory."""

    permission_required = "indicators.view_measurement"
    queryset = Measurement.objects.select_related("indicator__priority").order_by(
        "indicator__priority__number", "indicator__code", "period_end", "pk"
    )
    serializer_class = api.MeasurementSerializer
    filterset_class = filters.MeasurementFilterSet


class MeetingViewSet(PortalViewSet):
    """Meetings of the Improvement Board, the Operations Group and the workstreams, oldest first."""

    permission_required = "governance.view_meeting"
    queryset = Meeting.objects.select_related("group").order_by("date", "pk")
    serializer_class = api.MeetingSerializer
    filterset_class = filters.MeetingFilterSet


class DecisionViewSet(PortalViewSet):
    """Decisions recorded at meetings, in meeting order and then as numbered at each meeting."""

    permission_required = "governance.view_decision"
    queryset = (
        Decision.objects.select_related("meeting", "agenda_item")
        .annotate(
            last_changed=Subquery(
                Decision.history.filter(id=OuterRef("pk"))
                .order_by("-history_date")
                .values("history_date")[:1]
            )
        )
        .order_by("meeting__date", "meeting_id", "order", "pk")
    )
    serializer_class = api.DecisionSerializer
    filterset_class = filters.DecisionFilterSet

    def scope(self, queryset):
        """A decision is seen by whoever sees its meeting."""
        return queryset.filter(meeting__in=Meeting.objects.visible_to(self.request.user))


class MeetingActionViewSet(PortalViewSet):
    """The action log: what meetings asked people to do, in meeting order."""

    permission_required = "governance.view_meetingaction"
    queryset = MeetingAction.objects.select_related("meeting__group", "owner").order_by(
        "meeting__date", "meeting_id", "pk"
    )
    serializer_class = api.MeetingActionSerializer
    filterset_class = filters.MeetingActionFilterSet


class EscalationViewSet(PortalViewSet):
    """Plan actions and indicators escalated to the Improvement Board, in the order they were raised."""

    permission_required = "governance.view_escalation"
    queryset = Escalation.objects.select_related(
        "action", "indicator", "raised_by", "resolved_by_decision"
    ).order_by("raised_at", "pk")
    serializer_class = api.EscalationSerializer
    filterset_class = filters.EscalationFilterSet


class HighlightReportViewSet(PortalViewSet):
    """Highlight reports to Board meetings, by meeting date and priority, with their sign-off."""

    permission_required = "reporting.view_highlightreport"
    queryset = (
        HighlightReport.objects.select_related("priority", "meeting", "author")
        .prefetch_related("actions", "indicators")
        .order_by("meeting__date", "priority__number", "pk")
    )
    serializer_class = api.HighlightReportSerializer
    filterset_class = filters.HighlightReportFilterSet


class PeriodViewSet(PortalViewSet):
    """Reporting periods, oldest first; a closed period's detail holds the plan as reported on it."""

    permission_required = "reporting.view_period"
    queryset = Period.objects.for_table().order_by("start", "pk")  # with being_closed
    serializer_class = api.PeriodSerializer
    filterset_class = filters.PeriodFilterSet

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            return queryset.select_related("snapshot")  # the snapshot only for one period: ~1 MB at N=10
        return queryset

    def get_serializer_class(self):
        return api.PeriodDetailSerializer if self.action == "retrieve" else api.PeriodSerializer


# --- Changes, from the history ---------------------------------------------------------------------------
# (record type, model, view permission, the record's reference): the kinds a warehouse can follow.
CHANGE_KINDS = [
    ("priority", Priority, "actions.view_priority", Cast("number", CharField())),
    ("action", Action, "actions.view_action", F("ref")),
    ("indicator", Indicator, "indicators.view_indicator", F("code")),
    ("measurement", Measurement, "indicators.view_measurement", None),
    ("meeting", Meeting, "governance.view_meeting", None),
    ("decision", Decision, "governance.view_decision", None),
    ("action_log_item", MeetingAction, "governance.view_meetingaction", None),
    ("escalation", Escalation, "governance.view_escalation", None),
    ("highlight_report", HighlightReport, "reporting.view_highlightreport", None),
    ("period", Period, "reporting.view_period", None),
]


class ChangesQuery(serializers.Serializer):
    updated_since = serializers.DateTimeField(
        required=False, help_text="Only changes at or after this ISO 8601 date or time."
    )
    record_type = serializers.ChoiceField(
        choices=[kind for kind, *_ in CHANGE_KINDS], required=False, help_text="Only changes to this kind."
    )


@extend_schema_view(
    get=extend_schema(
        summary="Changed and deleted records",
        description="Every correction (changed) and removal (deleted) recorded in the history, oldest first, "
        "of the kinds of record this person may read. A warehouse that refreshes by updated_since reads "
        "this too, to drop what was deleted.",
        parameters=[ChangesQuery],
    )
)
class ChangeList(generics.ListAPIView):
    serializer_class = api.ChangeSerializer
    filter_backends = []

    def get_queryset(self):
        query = ChangesQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        since, only = query.validated_data.get("updated_since"), query.validated_data.get("record_type")
        user = self.request.user
        parts = []
        for kind, model, perm, reference in CHANGE_KINDS:
            if (only and kind != only) or not user.has_perm(perm):
                continue
            history = model.history.filter(history_type__in=["~", "-"])
            if since is not None:
                history = history.filter(history_date__gte=since)
            parts.append(
                history.order_by()
                .annotate(
                    record_type=Value(kind),
                    record_id=F("id"),
                    reference=reference if reference is not None else Value(None, output_field=CharField()),
                    change=Case(When(history_type="-", then=Value("deleted")), default=Value("changed")),
                    changed_at=F("history_date"),
                    change_reason=F("history_change_reason"),
                )
                .values("record_type", "record_id", "reference", "change", "changed_at", "change_reason")
            )
        if not parts:
            return Measurement.objects.none().values()
        return parts[0].union(*parts[1:], all=True).order_by("changed_at", "record_type", "record_id")


# --- The token page --------------------------------------------------------------------------------------
@never_cache
def token_list(request):
    """The person's tokens, and a form to make one. A new token is shown on this page once, in the answer
    to the POST that made it (only its digest is stored, so it cannot be shown again)."""
    form = AccessTokenForm(request.POST or None)
    made = None
    if request.method == "POST" and form.is_valid():
        made = AccessToken.issue(user=request.user, **form.cleaned_data)
        form = AccessTokenForm()
    return render(
        request,
        "api/token_list.html",
        {
            "tokens": AccessToken.objects.visible_to(request.user).for_page(),
            "form": form,
            "made": made[0] if made else None,
            "token_text": made[1] if made else None,
        },
    )


@require_POST
def token_revoke(request, pk):
    """Revoke one of the person's own tokens: it stops working at once. Anyone else's answers 404."""
    token = get_permitted(request.user, AccessToken, "api.delete_accesstoken", pk=pk)
    name = token.name
    token.delete()
    messages.success(
        request, f"The token “{name}” is revoked. Anything still using it is refused from now on."
    )
    return redirect("api:token_list")
