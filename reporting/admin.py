from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from reporting.models import HighlightReport


@admin.register(HighlightReport)
class HighlightReportAdmin(SimpleHistoryAdmin):
    list_display = ["priority", "meeting", "assessment", "ask_kind", "updated"]
    list_filter = ["assessment", "ask_kind"]
    list_select_related = ["priority", "meeting"]
    search_fields = ["reason", "achievements", "risks", "ask"]
    fields = ["priority", "meeting", "assessment", "reason", "achievements", "risks", "ask_kind", "ask"]
    fields += ["actions", "indicators", "author"]
    filter_horizontal = ["actions", "indicators"]
    raw_id_fields = ["author"]
