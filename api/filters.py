"""The API's filters (django-filter): what analysts ask for. Names follow the pages' filters where they
exist (priority, status, overdue), plus `updated_since` (an ISO 8601 date or time: records created or
changed at or after it, for incremental refresh) and `period_after` / `period_before` (dates, inclusive)
on the date each record is about."""

from datetime import UTC

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django_filters.fields import IsoDateTimeField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from actions.models import Action, ProgressUpdate, Status
from governance.models import Decision, Escalation, Meeting, MeetingAction, MeetingActionStatus, MeetingStatus
from indicators.digests import plan_digests
from indicators.models import Indicator, Measurement, Rebase
from indicators.status import IndicatorStatus
from reporting.models import Assessment, HighlightReport, Period, PeriodStatus
from send_portal.models import Review

UPDATED_SINCE_HELP = (
    "Only records created or changed at or after this ISO 8601 date or time, e.g. 2026-11-30T18:00:00Z."
)


@extend_schema_field(OpenApiTypes.INT)
class WholeNumberFilter(django_filters.NumberFilter):
    """A number or id: a whole number. One no database column can hold matches nothing (not an error)."""

    field_class = forms.IntegerField

    def filter(self, qs, value):
        if value is not None and not (0 <= value < 2**63):
            return qs.none()
        return super().filter(qs, value)


@extend_schema_field({"type": "string", "pattern": "^[^\\u0000]*$"})
class ReferenceFilter(django_filters.CharFilter):
    """A reference such as P2.3, P2-I1 or improvement-board. Text with a NUL character is refused (400),
    as every form field refuses it, so the schema says so."""


class UtcDateTimeField(IsoDateTimeField):
    """An ISO 8601 date or time, given to the database in UTC: PostgreSQL refuses an offset beyond 15:59
    (e.g. -23:58), which Python accepts."""

    def to_python(self, value):
        value = super().to_python(value)
        if value is None:
            return None
        try:
            return value.astimezone(UTC)
        except OverflowError:
            raise forms.ValidationError(
                "Enter a date and time between the years 1 and 9999", code="invalid"
            ) from None


class UpdatedSinceFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


def updated_since(field="updated"):
    return UpdatedSinceFilter(field_name=field, lookup_expr="gte", help_text=UPDATED_SINCE_HELP)


def priority_number(field):
    return WholeNumberFilter(field_name=field, help_text="The priority's number, e.g. 2.")


def period(field, what):
    return django_filters.DateFromToRangeFilter(
        field_name=field, help_text=f"{what}: period_after and period_before, e.g. 2026-01-01 (inclusive)."
    )


class ActionFilterSet(django_filters.FilterSet):
    priority = priority_number("priority__number")
    status = django_filters.MultipleChoiceFilter(choices=Status.choices)
    overdue = django_filters.BooleanFilter(method="filter_overdue", help_text="Only overdue actions.")
    updated_since = updated_since()
    period = period("due_date", "Original due date")

    class Meta:
        model = Action
        fields = ["priority", "status", "overdue", "updated_since", "period"]

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue() if value else queryset.exclude(pk__in=queryset.overdue().values("pk"))


class ProgressUpdateFilterSet(django_filters.FilterSet):
    action = ReferenceFilter(field_name="action__ref", help_text="The action's reference, e.g. P2.3.")
    priority = priority_number("action__priority__number")
    status = django_filters.MultipleChoiceFilter(choices=Status.choices)
    updated_since = updated_since("created")  # append-only: a correction is a newer update
    period = period("date", "The date the update reports on")

    class Meta:
        model = ProgressUpdate
        fields = ["action", "priority", "status", "updated_since", "period"]


class IndicatorFilterSet(django_filters.FilterSet):
    priority = priority_number("priority__number")
    status = django_filters.MultipleChoiceFilter(choices=IndicatorStatus.choices, method="filter_status")
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", help_text="Only indicators whose data are overdue."
    )
    updated_since = UpdatedSinceFilter(
        method="filter_updated_since",
        help_text=UPDATED_SINCE_HELP
        + " An indicator counts as changed when one of its values or rebases is.",
    )

    class Meta:
        model = Indicator
        fields = ["priority", "status", "overdue", "updated_since"]

    # Status and data overdue come from the indicators' digests, as on the dashboard (indicators/digests.py).
    def filter_status(self, queryset, name, value):
        wanted = {IndicatorStatus(status) for status in value}
        return (
            queryset.filter(pk__in=[d.pk for d in plan_digests() if d.status in wanted])
            if value
            else queryset
        )

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(pk__in=[d.pk for d in plan_digests() if d.data_overdue == value])

    def filter_updated_since(self, queryset, name, value):
        changed_value = Measurement.objects.filter(indicator=OuterRef("pk"), updated__gte=value)
        changed_rebase = Rebase.objects.filter(indicator=OuterRef("pk"), updated__gte=value)
        return queryset.filter(Q(updated__gte=value) | Exists(changed_value) | Exists(changed_rebase))


class MeasurementFilterSet(django_filters.FilterSet):
    indicator = ReferenceFilter(field_name="indicator__code", help_text="The indicator's code, e.g. P2-I1.")
    priority = priority_number("indicator__priority__number")
    updated_since = updated_since()
    period = period("period_end", "The period's end date")

    class Meta:
        model = Measurement
        fields = ["indicator", "priority", "updated_since", "period"]


class MeetingFilterSet(django_filters.FilterSet):
    group = ReferenceFilter(
        field_name="group__slug", help_text="The group's short name, e.g. improvement-board."
    )
    status = django_filters.MultipleChoiceFilter(choices=MeetingStatus.choices)
    updated_since = updated_since()
    period = period("date", "The meeting's date")

    class Meta:
        model = Meeting
        fields = ["group", "status", "updated_since", "period"]


class DecisionFilterSet(django_filters.FilterSet):
    meeting = WholeNumberFilter(field_name="meeting_id", help_text="The meeting's id.")
    updated_since = updated_since("last_changed")
    period = period("meeting__date", "The meeting's date")

    class Meta:
        model = Decision
        fields = ["meeting", "updated_since", "period"]


class MeetingActionFilterSet(django_filters.FilterSet):
    meeting = WholeNumberFilter(field_name="meeting_id", help_text="The meeting's id.")
    status = django_filters.MultipleChoiceFilter(choices=MeetingActionStatus.choices)
    overdue = django_filters.BooleanFilter(
        method="filter_overdue", help_text="Only open items past their due date."
    )
    updated_since = updated_since()
    period = period("due_date", "The due date")

    class Meta:
        model = MeetingAction
        fields = ["meeting", "status", "overdue", "updated_since", "period"]

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue() if value else queryset.exclude(pk__in=queryset.overdue().values("pk"))


class EscalationFilterSet(django_filters.FilterSet):
    open = django_filters.BooleanFilter(
        method="filter_open", help_text="Only those waiting for the Board's decision."
    )
    updated_since = updated_since()
    period = period("raised_at__date", "The date it was raised")

    class Meta:
        model = Escalation
        fields = ["open", "updated_since", "period"]

    def filter_open(self, queryset, name, value):
        return queryset.filter(resolved_by_decision__isnull=value)


class HighlightReportFilterSet(django_filters.FilterSet):
    priority = priority_number("priority__number")
    meeting = WholeNumberFilter(field_name="meeting_id", help_text="The Board meeting's id.")
    assessment = django_filters.MultipleChoiceFilter(choices=Assessment.choices)
    review = django_filters.MultipleChoiceFilter(
        choices=Review.choices, help_text="Sign-off: only approved reports are what the Board was told."
    )
    updated_since = updated_since()
    period = period("meeting__date", "The Board meeting's date")

    class Meta:
        model = HighlightReport
        fields = ["priority", "meeting", "assessment", "review", "updated_since", "period"]


class PeriodFilterSet(django_filters.FilterSet):
    status = django_filters.MultipleChoiceFilter(choices=PeriodStatus.choices)
    meeting = WholeNumberFilter(field_name="meeting_id", help_text="The Board meeting it reports to (id).")
    updated_since = updated_since()
    period = period("end", "The period's last day")

    class Meta:
        model = Period
        fields = ["status", "meeting", "updated_since", "period"]
