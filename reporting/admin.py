from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reporting.models import HighlightReport


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
