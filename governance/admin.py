"""Admin for governance: groups, meetings and everything recorded at a meeting."""

from django.contrib import admin
from django.db.models import Count
from simple_history.admin import SimpleHistoryAdmin

from governance.models import (
    AgendaItem,
    Attendance,
    BoardPack,
    Decision,
    Escalation,
    FeedbackItem,
    Group,
    Meeting,
    MeetingAction,
)
from send_portal.admin import VersionedAdminMixin


@admin.register(Group)
class GroupAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "reports_to", "chair", "priority", "meets", "member_count"]
    list_filter = ["kind"]
    list_select_related = ["reports_to", "chair", "priority"]
    search_fields = ["name", "slug"]
    ordering = ["kind", "name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["reports_to", "chair", "members", "priority"]
    fields = ["name", "slug", "kind", "reports_to", "priority", "chair", "members", "meets"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("members"))

    @admin.display(description="members", ordering="member_count")
    def member_count(self, group):
        return group.member_count


class AttendanceInline(admin.TabularInline):
    model = Attendance
    fields = ["person", "status"]
    autocomplete_fields = ["person"]
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person")


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    fields = ["order", "title", "priority", "actions", "presenter", "presenter_role"]
    autocomplete_fields = ["priority", "actions", "presenter"]
    show_change_link = True
    extra = 0


class DecisionInline(admin.TabularInline):
    model = Decision
    fields = ["order", "agenda_item", "text"]
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        """Offer only this meeting's agenda items."""
        formset = super().get_formset(request, obj, **kwargs)
        agenda_items = AgendaItem.objects.filter(meeting=obj) if obj else AgendaItem.objects.none()
        formset.form.base_fields["agenda_item"].queryset = agenda_items
        return formset


class MeetingActionInline(admin.TabularInline):
    model = MeetingAction
    fields = ["text", "owner", "owner_role", "due_date", "status", "dropped_reason", "closed_on"]
    autocomplete_fields = ["owner"]
    extra = 0


class FeedbackItemInline(admin.StackedInline):
    model = FeedbackItem
    fields = ["priority", "you_said", "we_did", "impact"]
    autocomplete_fields = ["priority"]
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["title", "group", "date", "start_time", "kind", "status", "location"]
    list_filter = ["status", "kind", "group"]
    list_select_related = ["group"]
    search_fields = ["title", "location", "minutes", "group__name"]
    ordering = ["-date", "-pk"]
    date_hierarchy = "date"
    autocomplete_fields = ["group"]
    fields = ["group", "title", "kind", "date", "start_time", "location", "status", "minutes"]
    inlines = [AttendanceInline, AgendaItemInline, DecisionInline, MeetingActionInline, FeedbackItemInline]


@admin.register(AgendaItem)
class AgendaItemAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["title", "order", "meeting", "priority", "presenter_name"]
    list_filter = ["meeting__group", "priority"]
    list_select_related = ["meeting", "priority", "presenter"]
    search_fields = ["title", "meeting__title", "presenter_role"]
    ordering = ["-meeting__date", "meeting", "order", "pk"]
    date_hierarchy = "meeting__date"
    autocomplete_fields = ["meeting", "priority", "actions", "presenter"]
    fields = ["meeting", "order", "title", "priority", "actions", "presenter", "presenter_role"]

    @admin.display(description="presenter")
    def presenter_name(self, item):
        return item.presenter_name


@admin.register(Decision)
class DecisionAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "meeting", "agenda_item", "order"]
    list_filter = ["meeting__group"]
    list_select_related = ["meeting", "agenda_item"]
    search_fields = ["text", "meeting__title"]
    ordering = ["-meeting__date", "meeting", "order", "pk"]
    date_hierarchy = "meeting__date"
    autocomplete_fields = ["meeting", "agenda_item"]
    fields = ["meeting", "agenda_item", "order", "text"]


class MeetingActionOverdueFilter(admin.SimpleListFilter):
    """Overdue action-log items, by the one definition (MeetingActionQuerySet.overdue)."""

    title = "overdue"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("1", "Overdue")]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.overdue()
        return queryset


@admin.register(MeetingAction)
class MeetingActionAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "meeting", "owner_name", "due_date", "status", "overdue", "closed_on"]
    list_filter = ["status", MeetingActionOverdueFilter, "meeting__group"]
    list_select_related = ["meeting", "owner"]
    search_fields = ["text", "owner_role", "owner__first_name", "owner__last_name", "meeting__title"]
    ordering = ["due_date", "pk"]
    date_hierarchy = "due_date"
    autocomplete_fields = ["meeting", "owner"]
    fields = ["meeting", "text", "owner", "owner_role", "due_date", "status", "dropped_reason", "closed_on"]

    @admin.display(description="owner")
    def owner_name(self, meeting_action):
        return meeting_action.owner_name

    @admin.display(description="overdue", boolean=True)
    def overdue(self, meeting_action):
        return meeting_action.is_overdue()


@admin.register(FeedbackItem)
class FeedbackItemAdmin(VersionedAdminMixin, SimpleHistoryAdmin):
    list_display = ["__str__", "priority", "meeting", "created"]
    list_filter = ["priority"]
    list_select_related = ["priority", "meeting"]
    search_fields = ["you_said", "we_did", "impact"]
    ordering = ["-created", "-pk"]
    date_hierarchy = "created"
    autocomplete_fields = ["meeting", "priority"]
    fields = ["you_said", "we_did", "impact", "priority", "meeting"]


@admin.register(Escalation)
class EscalationAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "raised_by", "raised_at", "resolved_by_decision"]
    list_filter = [("resolved_by_decision", admin.EmptyFieldListFilter)]
    list_select_related = ["action", "indicator", "raised_by", "resolved_by_decision"]
    search_fields = ["reason", "action__ref", "indicator__code"]
    ordering = ["-raised_at", "-pk"]
    date_hierarchy = "raised_at"
    autocomplete_fields = ["action", "indicator", "raised_by"]
    raw_id_fields = ["resolved_by_decision"]
    fields = ["action", "indicator", "reason", "raised_by", "raised_at", "resolved_by_decision"]


@admin.register(BoardPack)
class BoardPackAdmin(admin.ModelAdmin):
    """Kept packs are what the Board saw: they can be listed and deleted, never changed."""

    list_display = ["meeting", "generated_at", "generated_by"]
    list_select_related = ["meeting", "generated_by"]
    ordering = ["-generated_at", "-pk"]
    fields = ["meeting", "generated_at", "generated_by"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).defer("html", "pdf")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
