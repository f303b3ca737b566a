from django.contrib import admin

from notifications.models import Preference, SentItem, SentMessage


@admin.register(Preference)
class PreferenceAdmin(admin.ModelAdmin):
    list_display = ["person", "digest", "changes", "pack_ready"]
    list_select_related = ["person"]


class SentItemInline(admin.TabularInline):
    model = SentItem
    extra = 0
    can_delete = False
    readonly_fields = ["reason", "action", "indicator"]


@admin.register(SentMessage)
class SentMessageAdmin(admin.ModelAdmin):
    """What was sent to whom: a record, read-only."""

    list_display = ["sent_at", "recipient", "kind", "subject"]
    list_filter = ["kind"]
    list_select_related = ["recipient"]
    readonly_fields = ["recipient", "kind", "key", "subject", "to_address", "sent_at"]
    inlines = [SentItemInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
