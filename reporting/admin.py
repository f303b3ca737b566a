from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reporting.models import EvidencePack, HighlightReport, Period, PeriodCloseRequest, PeriodSnapshot


@admin.register(HighlightReport)
class HighlightReportAdmin(SimpleHistoryAdmin):
    list_display = ["priority", "meeting", "assessment", "ask_kind", "review", "updated"]
    list_filter = ["assessment", "ask_kind", "review"]
    list_select_related = ["priority", "meeting"]
    search_fields = ["reason", "achievements", "risks", "ask"]
    fields = ["priority", "meeting", "assessment", "reason", "achievements", "risks", "ask_kind", "ask"]
    fields += ["actions", "indicators", "author"]
    filter_horizontal = ["actions", "indicators"]
    raw_id_fields = ["author"]
    # Sign-off happens on the sign-off page, by the rule (never one's own); here it is only read.
    sign_off_fields = [
        "review",
        "submitted_by",
        "submitted_at",
        "reviewed_by",
        "reviewed_at",
        "return_reason",
    ]
    fields += sign_off_fields
    readonly_fields = sign_off_fields


@admin.register(Period)
class PeriodAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "updates_due_by", "meeting", "status", "closed_at"]
    list_filter = ["status"]
    list_select_related = ["meeting"]
    fields = ["start", "end", "updates_due_by", "meeting", "status", "closed_by", "closed_at"]
    readonly_fields = ["status", "closed_by", "closed_at"]
    raw_id_fields = ["meeting"]

    def get_readonly_fields(self, request, obj=None):
        """A closed period's days and meeting are what it reported on: read-only."""
        if obj is not None and obj.is_closed:
            return self.fields
        return self.readonly_fields

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.is_closed


@admin.register(PeriodSnapshot)
class PeriodSnapshotAdmin(admin.ModelAdmin):
    """Read-only: a snapshot is what was reported, and never changes (nor is deleted)."""

    list_display = ["period", "taken_at", "taken_by"]
    fields = ["period", "taken_at", "taken_by", "data"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PeriodCloseRequest)
class PeriodCloseRequestAdmin(admin.ModelAdmin):
    """Read-only: each press of "Close the period", who pressed it and how it went (the task writes them)."""

    list_display = ["period", "requested_by", "requested_at", "status", "finished_at"]
    list_filter = ["status"]
    list_select_related = ["period", "requested_by"]
    fields = ["period", "requested_by", "requested_at", "status", "started_at", "finished_at", "error"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EvidencePack)
class EvidencePackAdmin(admin.ModelAdmin):
    list_display = ["priority", "starts_on", "ends_on", "requested_by", "requested_at", "status"]
    list_select_related = ["priority", "requested_by"]
    fields = [
        "priority",
        "starts_on",
        "ends_on",
        "requested_by",
        "requested_at",
        "status",
        "file_count",
        "error",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).defer("pdf", "zip_file")
