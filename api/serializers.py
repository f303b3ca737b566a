"""What each API record holds: flat fields (so CSV has one column per field), the portal's own
references as identifiers (P2.3, P2-I1, priority numbers), and every reading worked out by the rules the
pages use (indicators/status.py through Indicator, the digests for SPC), never a second definition."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from actions.models import Action, Plan, Priority, ProgressUpdate
from governance.models import Decision, Escalation, Meeting, MeetingAction
from indicators.models import Indicator, Measurement
from indicators.status import IndicatorStatus
from reporting.models import HighlightReport, Period


@extend_schema_field(OpenApiTypes.URI)
class PortalUrlField(serializers.Field):
    """The record's page in the portal, as an absolute URL."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, help_text="The record's page in the portal.", **kwargs)

    def to_representation(self, value):
        return self.context["request"].build_absolute_uri(value.get_absolute_url())


def label_of(field):
    """The display label of a choice field, e.g. 'At risk' for status 'at_risk'."""
    return serializers.CharField(source=f"get_{field}_display", read_only=True)


class PlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = Plan
        fields = [
            "id",
            "title",
            "inspection_published_on",
            "inspection_outcome",
            "approved_on",
            "ofsted_approved_on",
            "is_demonstration",
            "updated",
        ]


class PrioritySerializer(serializers.ModelSerializer):
    kind_label = label_of("kind")
    lead = serializers.CharField(source="lead.display_name", default=None, read_only=True, allow_null=True)
    url = PortalUrlField()

    class Meta:
        model = Priority
        fields = [
            "id",
            "number",
            "kind",
            "kind_label",
            "short_title",
            "statement",
            "expected_impact",
            "success_looks_like",
            "workstream_name",
            "lead",
            "updated",
            "url",
        ]


class ActionSerializer(serializers.ModelSerializer):
    priority = serializers.IntegerField(source="priority.number", read_only=True)
    lead = serializers.CharField(source="lead_name", read_only=True, help_text="As the plan names them.")
    lead_organisation_label = label_of("lead_organisation")
    current_due_date = serializers.DateField(
        read_only=True, help_text="The revised due date, else the original."
    )
    due_text = serializers.CharField(
        read_only=True,
        help_text="The original due date as precisely as the plan gives it: '31 May 2025', 'May 2025', "
        "'2026' or 'To be confirmed'. A date given to the month or year is stored as its period's last day, "
        "and one to be confirmed as 9999-12-31.",
    )
    revised_due_text = serializers.CharField(read_only=True, help_text="The revised due date in words.")
    current_due_precision = serializers.CharField(
        read_only=True, help_text="day, month, year or tbc: how precisely the current due date is given."
    )
    current_due_text = serializers.CharField(
        read_only=True, help_text="The current due date in words, as the portal's pages show it."
    )
    status_label = label_of("status")
    rag = serializers.CharField(read_only=True)
    overdue = serializers.SerializerMethodField()
    no_recent_update = serializers.SerializerMethodField()
    delivered_on = serializers.DateField(
        read_only=True, allow_null=True, help_text="When an approved update marked the action complete."
    )
    impact_evidenced_on = serializers.DateField(
        read_only=True,
        allow_null=True,
        help_text="When an approved update first evidenced the delivered action's impact (null: not yet).",
    )
    updates_awaiting_sign_off = serializers.IntegerField(
        source="updates_awaiting",
        read_only=True,
        default=0,
        help_text="Updates not yet signed off: the status and dates above are from approved updates only.",
    )
    url = PortalUrlField()

    class Meta:
        model = Action
        fields = [
            "id",
            "ref",
            "priority",
            "title",
            "description",
            "lead",
            "lead_organisation",
            "lead_organisation_label",
            "start_date",
            "due_date",
            "due_precision",
            "due_text",
            "revised_due_date",
            "revised_due_precision",
            "revised_due_text",
            "revision_reason",
            "current_due_date",
            "current_due_precision",
            "current_due_text",
            "status",
            "status_label",
            "rag",
            "overdue",
            "no_recent_update",
            "completed_on",
            "delivered_on",
            "impact_evidenced_on",
            "updates_awaiting_sign_off",
            "last_update_on",
            "expected_impact",
            "created",
            "updated",
            "url",
        ]

    def get_overdue(self, action) -> bool:
        return action.is_overdue()

    def get_no_recent_update(self, action) -> bool:
        return action.is_stale()


class ProgressUpdateSerializer(serializers.ModelSerializer):
    action = serializers.CharField(source="action.ref", read_only=True)
    priority = serializers.IntegerField(source="action.priority.number", read_only=True)
    status_label = label_of("status")
    author = serializers.CharField(source="author_name", read_only=True)
    has_evidence_file = serializers.SerializerMethodField()
    has_impact_file = serializers.SerializerMethodField()
    review_label = label_of("review")

    class Meta:
        model = ProgressUpdate
        fields = [
            "id",
            "action",
            "priority",
            "date",
            "status",
            "status_label",
            "author",
            "narrative",
            "mitigation",
            "evidence_link",
            "has_evidence_file",
            "evidence_name",
            "impact_narrative",
            "impact_link",
            "has_impact_file",
            "next_steps",
            "review",
            "review_label",
            "reviewed_at",
            "return_reason",
            "created",
        ]

    def get_has_evidence_file(self, update) -> bool:
        return bool(update.evidence_file)

    def get_has_impact_file(self, update) -> bool:
        return bool(update.impact_file)


class IndicatorSerializer(serializers.ModelSerializer):
    """An indicator with its readings as the pages show them: trajectory status and data overdue
    (indicators/status.py), direction of travel, and the SPC variation and assurance verdicts, from the
    indicator digests the dashboard reads (`context["digests"]`: {pk: IndicatorDigest})."""

    priority = serializers.IntegerField(
        source="priority.number", read_only=True, allow_null=True, help_text="Null: the whole plan."
    )
    has_trajectory = serializers.BooleanField(
        read_only=True,
        help_text="False while the baseline or target is to be set: the status is then 'baseline_to_be_set' "
        "and no value is judged.",
    )
    unit_label = label_of("unit")
    direction_label = label_of("direction")
    frequency_label = label_of("frequency")
    tolerance = serializers.DecimalField(
        source="tolerance_value",
        max_digits=15,
        decimal_places=3,
        read_only=True,
        help_text="The indicator's own, or 10% of the distance from baseline to target.",
    )
    owner = serializers.CharField(source="owner.display_name", default=None, read_only=True, allow_null=True)
    latest_value = serializers.DecimalField(
        source="latest_measurement.value",
        max_digits=12,
        decimal_places=3,
        default=None,
        read_only=True,
        allow_null=True,
    )
    latest_period_end = serializers.DateField(
        source="latest_measurement.period_end", default=None, read_only=True, allow_null=True
    )
    status = serializers.SerializerMethodField()
    status_label = serializers.SerializerMethodField()
    data_overdue = serializers.SerializerMethodField()
    travel = serializers.SerializerMethodField()
    travel_label = serializers.SerializerMethodField()
    spc_variation = serializers.SerializerMethodField()
    spc_variation_label = serializers.SerializerMethodField()
    spc_assurance = serializers.SerializerMethodField()
    spc_assurance_label = serializers.SerializerMethodField()
    url = PortalUrlField()

    class Meta:
        model = Indicator
        fields = [
            "id",
            "code",
            "priority",
            "name",
            "definition",
            "unit",
            "unit_label",
            "direction",
            "direction_label",
            "frequency",
            "frequency_label",
            "baseline_value",
            "baseline_date",
            "target_value",
            "target_date",
            "target_words",
            "has_trajectory",
            "milestones",
            "tolerance",
            "reporting_lag_days",
            "source",
            "owner",
            "provenance",
            "latest_value",
            "latest_period_end",
            "status",
            "status_label",
            "data_overdue",
            "travel",
            "travel_label",
            "spc_variation",
            "spc_variation_label",
            "spc_assurance",
            "spc_assurance_label",
            "updated",
            "url",
        ]

    def _digest(self, indicator):
        return self.context["digests"][indicator.pk]

    def get_status(self, indicator) -> str:
        return self._digest(indicator).status

    def get_status_label(self, indicator) -> str:
        return IndicatorStatus(self._digest(indicator).status).label

    def get_data_overdue(self, indicator) -> bool:
        return self._digest(indicator).data_overdue

    def get_travel(self, indicator) -> str | None:
        return indicator.travel.value if indicator.travel else None

    def get_travel_label(self, indicator) -> str | None:
        return indicator.travel.label if indicator.travel else None

    def get_spc_variation(self, indicator) -> str:
        return self._digest(indicator).row.variation.key

    def get_spc_variation_label(self, indicator) -> str:
        return self._digest(indicator).row.variation.label

    def get_spc_assurance(self, indicator) -> str:
        return self._digest(indicator).row.assurance.key

    def get_spc_assurance_label(self, indicator) -> str:
        return self._digest(indicator).row.assurance.label


class MeasurementSerializer(serializers.ModelSerializer):
    """A value for one period, judged against the trajectory on its period end (Measurement.status)."""

    indicator = serializers.CharField(source="indicator.code", read_only=True)
    priority = serializers.IntegerField(
        source="indicator.priority.number", read_only=True, allow_null=True, help_text="Null: the whole plan."
    )
    unit = serializers.CharField(source="indicator.unit", read_only=True)
    trajectory_value = serializers.DecimalField(
        source="expected_value",
        max_digits=15,
        decimal_places=3,
        read_only=True,
        help_text="The trajectory's value for the period, rounded as the unit is reported.",
    )
    status = serializers.SerializerMethodField()
    status_label = serializers.SerializerMethodField()
    review_label = label_of("review")

    class Meta:
        model = Measurement
        fields = [
            "id",
            "indicator",
            "priority",
            "period_end",
            "value",
            "approved_value",
            "unit",
            "trajectory_value",
            "status",
            "status_label",
            "is_illustrative",
            "note",
            "review",
            "review_label",
            "reviewed_at",
            "return_reason",
            "recorded_at",
            "updated",
        ]

    def get_status(self, measurement) -> str:
        return measurement.status.value

    def get_status_label(self, measurement) -> str:
        return measurement.status.label


class MeetingSerializer(serializers.ModelSerializer):
    group = serializers.CharField(source="group.slug", read_only=True)
    group_name = serializers.CharField(source="group.name", read_only=True)
    kind_label = label_of("kind")
    status_label = label_of("status")
    url = PortalUrlField()

    class Meta:
        model = Meeting
        fields = [
            "id",
            "group",
            "group_name",
            "date",
            "start_time",
            "location",
            "kind",
            "kind_label",
            "title",
            "status",
            "status_label",
            "minutes",
            "updated",
            "url",
        ]


class DecisionSerializer(serializers.ModelSerializer):
    meeting_date = serializers.DateField(source="meeting.date", read_only=True)
    agenda_item = serializers.CharField(
        source="agenda_item.title", default=None, read_only=True, allow_null=True
    )
    updated = serializers.DateTimeField(
        source="last_changed",
        read_only=True,
        allow_null=True,
        help_text="When it was recorded or last changed.",
    )

    class Meta:
        model = Decision
        fields = ["id", "meeting", "meeting_date", "order", "agenda_item", "text", "updated"]


class MeetingActionSerializer(serializers.ModelSerializer):
    meeting_date = serializers.DateField(source="meeting.date", read_only=True)
    group = serializers.CharField(source="meeting.group.slug", read_only=True)
    owner = serializers.CharField(source="owner_name", read_only=True)
    status_label = label_of("status")
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = MeetingAction
        fields = [
            "id",
            "meeting",
            "meeting_date",
            "group",
            "text",
            "owner",
            "due_date",
            "status",
            "status_label",
            "overdue",
            "dropped_reason",
            "closed_on",
            "created",
            "updated",
        ]

    def get_overdue(self, item) -> bool:
        return item.is_overdue()


class EscalationSerializer(serializers.ModelSerializer):
    action = serializers.CharField(source="action.ref", default=None, read_only=True, allow_null=True)
    indicator = serializers.CharField(source="indicator.code", default=None, read_only=True, allow_null=True)
    raised_by = serializers.CharField(
        source="raised_by.display_name", default=None, read_only=True, allow_null=True
    )
    is_open = serializers.BooleanField(read_only=True)
    decision = serializers.IntegerField(source="resolved_by_decision_id", read_only=True, allow_null=True)
    decided_at_meeting = serializers.IntegerField(
        source="resolved_by_decision.meeting_id", default=None, read_only=True, allow_null=True
    )

    class Meta:
        model = Escalation
        fields = [
            "id",
            "action",
            "indicator",
            "reason",
            "raised_by",
            "raised_at",
            "is_open",
            "decision",
            "decided_at_meeting",
            "updated",
        ]


class ChangeSerializer(serializers.Serializer):
    """A change recorded in the history: a record corrected (changed) or removed (deleted)."""

    record_type = serializers.CharField(
        help_text="The endpoint the record comes from, e.g. action, measurement."
    )
    record_id = serializers.IntegerField(
        help_text="The record's `id` (for actions, indicators and priorities too)."
    )
    reference = serializers.CharField(
        allow_null=True, help_text="P2.3, P2-I1 or a priority's number, when it has one."
    )
    change = serializers.ChoiceField(choices=["changed", "deleted"])
    changed_at = serializers.DateTimeField()
    reason = serializers.CharField(
        source="change_reason", allow_null=True, help_text="Why, when it was recorded."
    )


class HighlightReportSerializer(serializers.ModelSerializer):
    """A priority's highlight report to one Board meeting, with its sign-off: only an approved report is
    what the Board's pages and pack show."""

    priority = serializers.IntegerField(source="priority.number", read_only=True)
    meeting = serializers.IntegerField(source="meeting_id", read_only=True)
    meeting_date = serializers.DateField(source="meeting.date", read_only=True)
    assessment_label = label_of("assessment")
    ask_kind_label = label_of("ask_kind")
    author = serializers.SerializerMethodField()
    actions = serializers.SlugRelatedField(many=True, read_only=True, slug_field="ref")
    indicators = serializers.SlugRelatedField(many=True, read_only=True, slug_field="code")
    review_label = label_of("review")
    url = PortalUrlField()

    class Meta:
        model = HighlightReport
        fields = [
            "id",
            "url",
            "priority",
            "meeting",
            "meeting_date",
            "assessment",
            "assessment_label",
            "reason",
            "achievements",
            "risks",
            "ask_kind",
            "ask_kind_label",
            "ask",
            "actions",
            "indicators",
            "author",
            "review",
            "review_label",
            "reviewed_at",
            "return_reason",
            "created",
            "updated",
        ]

    def get_author(self, report) -> str:
        return report.author.display_name if report.author_id else ""


class PeriodSerializer(serializers.ModelSerializer):
    """A reporting period: open while leads report on it, closed once its snapshot is taken."""

    label = serializers.CharField(read_only=True)
    meeting = serializers.IntegerField(
        source="meeting_id", read_only=True, allow_null=True, help_text="The Board meeting it reports to."
    )
    status_label = label_of("status")
    being_closed = serializers.BooleanField(
        read_only=True, help_text="Open, and its closing (taking the snapshot) is under way."
    )
    url = PortalUrlField()

    class Meta:
        model = Period
        fields = [
            "id",
            "url",
            "label",
            "start",
            "end",
            "updates_due_by",
            "meeting",
            "status",
            "status_label",
            "being_closed",
            "closed_at",
            "updated",
        ]


class PeriodDetailSerializer(PeriodSerializer):
    """A period with the plan as reported on it: its snapshot, exactly as kept when it closed (null while
    it is open). Corrections made since are not in it: the period's page lists them."""

    as_reported = serializers.SerializerMethodField()

    class Meta(PeriodSerializer.Meta):
        fields = [*PeriodSerializer.Meta.fields, "as_reported"]

    @extend_schema_field(
        {
            "type": "object",
            "nullable": True,
            "description": "The snapshot: as_of, version, priorities (each with its actions, indicators, "
            "highlight report and summary) and plan_indicators.",
        }
    )
    def get_as_reported(self, period):
        snapshot = getattr(period, "snapshot", None) if period.is_closed else None
        return snapshot.data if snapshot is not None else None
