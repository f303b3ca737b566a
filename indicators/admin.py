"""Admin for success indicators, their measurements and the rebases of their SPC charts."""

from django.contrib import admin
from django.db.models import Max
from simple_history.admin import SimpleHistoryAdmin

from indicators.models import Indicator, Measurement, Rebase
from send_portal.admin import VersionedAdminMixin


class MeasurementInline(admin.TabularInline):
    """An indicator's values. A wrong value is corrected in place; the history keeps the old one."""

    model = Measurement
    fields = ["period_end", "value", "is_illustrative", "note", "recorded_by", "updated"]
    readonly_fields = ["updated"]
    autocomplete_fields = ["recorded_by"]
    can_delete = False
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("indicator", "recorded_by")


@admin.register(Indicator)
class IndicatorAdmin(VersionedAdminMixin, SimpleHistoryAdmin):  # its values inline are versioned
    list_display = [
        "code",
        "name",
        "priority",
        "unit",
        "direction",
        "baseline_value",
        "target_value",
        "target_date",
        "owner",
        "latest_period",
        "provenance",
    ]
    list_display_links = ["code", "name"]
    list_filter = ["priority", "unit", "direction", "frequency", "provenance"]
    list_select_related = ["priority", "owner"]
    search_fields = ["code", "name", "definition", "source"]
    ordering = ["priority__number", "code"]
    autocomplete_fields = ["priority", "owner"]
    fieldsets = [
        (None, {"fields": ["code", "priority", "name", "definition"]}),
        (
            "Baseline and target",
            {
                "fields": [
                    "unit",
                    "direction",
                    "baseline_value",
                    "baseline_date",
                    "target_value",
                    "target_date",
                    "tolerance",
                ]
            },
        ),
        ("Reporting", {"fields": ["frequency", "reporting_lag_days", "source", "owner"]}),
        ("Provenance", {"fields": ["provenance", "note"]}),
    ]
    inlines = [MeasurementInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(latest_period=Max("measurements__period_end"))

    @admin.display(description="latest value for", ordering="latest_period", empty_value="No data yet")
    def latest_period(self, indicator):
        return indicator.latest_period

    def save_formset(self, request, form, formset, change):
        """New measurements added here are recorded by the administrator unless they say otherwise."""
        for measurement in formset.save(commit=False):
            if measurement.pk is None and measurement.recorded_by_id is None:
                measurement.recorded_by = request.user
            measurement.save()
        formset.save_m2m()


SIGN_OFF_FIELDS = ["review", "submitted_by", "submitted_at", "reviewed_by", "reviewed_at", "return_reason"]


@admin.register(Measurement)
class MeasurementAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    """Values can be corrected (the history keeps the old value) but not deleted. A correction here adds
    one to the value's version, so a correction form opened in the portal before it is refused."""

    list_display = [
        "indicator",
        "period_end",
        "formatted_value",
        "review",
        "is_illustrative",
        "recorded_by",
        "updated",
    ]
    list_filter = ["review", "is_illustrative", "indicator__priority", "indicator"]
    list_select_related = ["indicator", "recorded_by"]
    search_fields = ["indicator__code", "indicator__name", "note"]
    ordering = ["indicator__priority__number", "indicator__code", "-period_end"]
    date_hierarchy = "period_end"
    autocomplete_fields = ["indicator", "recorded_by"]
    fields = [
        "indicator",
        "period_end",
        "value",
        "is_illustrative",
        "note",
        "recorded_by",
        "recorded_at",
        "updated",
        *SIGN_OFF_FIELDS,
    ]
    # Sign-off happens on the sign-off page, by the rule (never one's own); here it is only read.
    readonly_fields = ["recorded_at", "updated", *SIGN_OFF_FIELDS]

    @admin.display(description="value", ordering="value")
    def formatted_value(self, measurement):
        return measurement.formatted_value

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("recorded_by", request.user.pk)
        return initial

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Rebase)
class RebaseAdmin(SimpleHistoryAdmin):
    """Rebases are recorded and removed on the indicator's page (with a reason); here they can be read."""

    list_display = ["indicator", "starts_on", "reason", "recorded_by", "created"]
    list_filter = ["indicator__priority"]
    list_select_related = ["indicator", "recorded_by"]
    search_fields = ["indicator__code", "indicator__name", "reason"]
    ordering = ["indicator__priority__number", "indicator__code", "starts_on"]
    fields = ["indicator", "starts_on", "reason", "recorded_by", "created", "updated"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
