"""Admin for the plan, its priorities, actions and (append-only) progress updates."""

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.urls import reverse
from django.utils.html import format_html
from simple_history.admin import SimpleHistoryAdmin

from actions.forms import validate_evidence_file
from actions.models import Action, Plan, Priority, ProgressUpdate, missing_update_details


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = [
        "title",
        "inspection_published_on",
        "approved_on",
        "ofsted_approved_on",
        "is_demonstration",
    ]
    search_fields = ["title"]


class ActionInline(admin.TabularInline):
    """A priority's actions: enough to add one quickly; the full form is one click away."""

    model = Action
    fields = ["ref", "title", "lead", "due_date", "status"]
    readonly_fields = ["status"]
    autocomplete_fields = ["lead"]
    show_change_link = True
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("lead")


@admin.register(Priority)
class PriorityAdmin(SimpleHistoryAdmin):
    list_display = ["number", "short_title", "kind", "workstream_name", "lead", "action_count"]
    list_display_links = ["number", "short_title"]
    list_filter = ["kind", ("lead", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["lead"]
    search_fields = ["short_title", "statement", "workstream_name", "=number"]
    ordering = ["number"]
    autocomplete_fields = ["lead"]
    inlines = [ActionInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(action_count=Count("actions"))

    @admin.display(description="actions", ordering="action_count")
    def action_count(self, priority):
        return priority.action_count


class OverdueFilter(admin.SimpleListFilter):
    """Overdue actions, by the plan's one definition (ActionQuerySet.overdue)."""

    title = "overdue"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("1", "Overdue")]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.overdue()
        return queryset


class NoRecentUpdateFilter(admin.SimpleListFilter):
    """Open actions with no recent update, by the plan's one definition (ActionQuerySet.stale)."""

    title = "no recent update"
    parameter_name = "stale"

    def lookups(self, request, model_admin):
        return [("1", "No recent update")]

    def queryset(self, request, queryset):
        if self.value() == "1":
            return queryset.stale()
        return queryset


class ProgressUpdateInline(admin.TabularInline):
    """An action's updates, read-only: they are an append-only record. New ones go through the
    progress update admin, which sets the action's status."""

    model = ProgressUpdate
    fields = ["date", "status", "author_name", "narrative", "evidence_link"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("action", "author")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="author")
    def author_name(self, update):
        return update.author_name


@admin.register(Action)
class ActionAdmin(SimpleHistoryAdmin):
    list_display = [
        "reference",
        "title",
        "priority",
        "lead",
        "status",
        "current_due_date",
        "overdue",
        "last_update_on",
    ]
    list_display_links = ["reference", "title"]
    list_filter = [
        "status",
        OverdueFilter,
        NoRecentUpdateFilter,
        "priority",
        "lead_organisation",
        ("lead", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["priority", "lead"]
    search_fields = ["ref", "title", "description", "lead_role", "lead__first_name", "lead__last_name"]
    ordering = ["ref_sort", "pk"]
    date_hierarchy = "due_date"
    autocomplete_fields = ["priority", "lead"]
    readonly_fields = [
        "status",
        "completed_on",
        "impact_evidenced_on",
        "last_update_on",
        "version",
        "add_update_link",
    ]
    fieldsets = [
        (None, {"fields": ["ref", "priority", "title", "description", "expected_impact"]}),
        ("Lead", {"fields": ["lead", "lead_role", "lead_organisation"]}),
        ("Dates", {"fields": ["start_date", "due_date", "revised_due_date", "revision_reason"]}),
        (
            "Status",
            {
                "description": "Set by the latest progress update. To change it, add a progress update.",
                "fields": [
                    "status",
                    "completed_on",
                    "impact_evidenced_on",
                    "last_update_on",
                    "version",
                    "add_update_link",
                ],
            },
        ),
    ]
    inlines = [ProgressUpdateInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_current_due_date()

    @admin.display(description="reference", ordering="ref_sort")
    def reference(self, action):
        return action.ref

    @admin.display(description="due", ordering="current_due")
    def current_due_date(self, action):
        return action.current_due_date

    @admin.display(description="overdue", boolean=True)
    def overdue(self, action):
        return action.is_overdue()

    @admin.display(description="progress update")
    def add_update_link(self, action):
        if action.pk is None:
            return "Save the action first."
        url = reverse("admin:actions_progressupdate_add") + f"?action={action.pk}"
        return format_html('<a href="{}">Add a progress update</a>', url)

    def save_model(self, request, obj, form, change):
        if change:
            # Status, completion and last-update dates belong to the progress updates, and an edit here
            # makes any portal form opened before it stale. Reverting to a history version must not
            # bring back an old status or version number, so all four come from the current row.
            current = Action.objects.get(pk=obj.pk)
            obj.status = current.status
            obj.completed_on = current.completed_on
            obj.last_update_on = current.last_update_on
            obj.impact_evidenced_on = current.impact_evidenced_on
            obj.version = current.version + 1
        super().save_model(request, obj, form, change)


class ProgressUpdateAdminForm(forms.ModelForm):
    """An update added by an administrator, checked as the portal's update form checks it."""

    class Meta:
        model = ProgressUpdate
        fields = [
            "action",
            "date",
            "status",
            "author",
            "author_role",
            "narrative",
            "mitigation",
            "overdue_reason",
            "evidence_link",
            "evidence_file",
            "impact_narrative",
            "impact_link",
            "next_steps",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "evidence_file" in self.fields:
            self.fields["evidence_file"].validators.append(validate_evidence_file)

    def clean(self):
        cleaned = super().clean()
        has_evidence = bool(cleaned.get("evidence_link") or cleaned.get("evidence_file"))
        for field, message in missing_update_details(
            cleaned.get("status"),
            cleaned.get("mitigation"),
            has_evidence,
            action=cleaned.get("action"),
            overdue_reason=cleaned.get("overdue_reason", ""),
            impact=cleaned.get("impact_narrative", ""),
            has_impact_file=bool(cleaned.get("impact_link")),
        ).items():
            if field == "overdue_reason":
                message += ", or revise its due date on the action first"
            self.add_error(field, message)
        return cleaned


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(admin.ModelAdmin):
    """Append-only: updates can be added and read, never changed or deleted (a correction is a newer one)."""

    form = ProgressUpdateAdminForm
    list_display = ["action", "date", "status", "review", "author_name", "created"]
    list_filter = ["status", "review", "action__priority"]
    list_select_related = ["action", "author"]
    search_fields = [
        "action__ref",
        "action__title",
        "narrative",
        "author_role",
        "author__first_name",
        "author__last_name",
    ]
    date_hierarchy = "date"
    autocomplete_fields = ["action", "author"]

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("author", request.user.pk)
        return initial

    def get_fields(self, request, obj=None):
        if obj is None:
            return super().get_fields(request, obj)
        return ["action", "date", "status", "author_name", "narrative", "mitigation", "overdue_reason"] + [
            "evidence_link",
            "evidence_file",
            "evidence_name",
            "impact_narrative",
            "impact_link",
            "impact_name",
            "next_steps",
            "created",
            "review",
            "submitted_by",
            "reviewed_by",
            "reviewed_at",
            "return_reason",
        ]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else self.get_fields(request, obj)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="author", ordering="author__first_name")
    def author_name(self, update):
        return update.author_name

    def save_model(self, request, obj, form, change):
        """Record the update through its action, which checks it, bumps the version and sets the status."""
        upload = form.cleaned_data.get("evidence_file")
        update = obj.action.record_update(
            author=obj.author,
            status=obj.status,
            narrative=obj.narrative,
            date=obj.date,
            author_role=obj.author_role,
            mitigation=obj.mitigation,
            overdue_reason=obj.overdue_reason,
            evidence_link=obj.evidence_link,
            evidence_file=obj.evidence_file,
            evidence_name=upload.name if upload else "",
            next_steps=obj.next_steps,
            impact_narrative=obj.impact_narrative,
            impact_link=obj.impact_link,
        )
        # The admin logs and links to the object it passed in, so give it the saved row's identity.
        obj.pk, obj.created, obj.evidence_name = update.pk, update.created, update.evidence_name
