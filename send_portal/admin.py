"""Admin for people and organisations, and the admin site's names."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Count
from django.utils.functional import lazy

from send_portal.models import Organisation, Partnership, User, VersionedModel


def _site_header():
    return f"{settings.SERVICE_NAME} administration: {Partnership.current().name}"


admin.site.site_header = lazy(_site_header, str)()  # the partnership's name is data: read when shown
admin.site.site_title = f"{settings.SERVICE_NAME} administration"
admin.site.index_title = "Plan, people and governance records"


class VersionedAdminMixin:
    """For the admin of a VersionedModel, or of a record whose inlines are versioned: a change made here
    adds one to the changed record's version, counted from the current row, so a portal form opened
    before it is refused instead of overwriting it (and reverting to an old history version does not
    bring back that version's number)."""

    def save_model(self, request, obj, form, change):
        if change and isinstance(obj, VersionedModel) and form.has_changed():
            _next_version(obj)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for inline in formset.initial_forms:
            if isinstance(inline.instance, VersionedModel) and inline.has_changed():
                _next_version(inline.instance)
        super().save_formset(request, form, formset, change)


def _next_version(obj):
    obj.version = type(obj).objects.values_list("version", flat=True).get(pk=obj.pk) + 1


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "people_count"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    ordering = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(people_count=Count("people"))

    @admin.display(description="people", ordering="people_count")
    def people_count(self, organisation):
        return organisation.people_count


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Django's user admin, plus the person's organisation and job title."""

    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        ("Personal info", {"fields": ["first_name", "last_name", "email", "organisation", "job_title"]}),
        (
            "Roles and permissions",
            {
                "description": "Roles are groups: Board member, Workstream lead, Operations Group, "
                "Administrator. Only administrators should have staff status.",
                "fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"],
            },
        ),
        ("Important dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["username", "usable_password", "password1", "password2"]}),
        ("Personal info", {"fields": ["first_name", "last_name", "email", "organisation", "job_title"]}),
    ]
    list_display = ["username", "first_name", "last_name", "job_title", "organisation", "email", "is_staff"]
    list_filter = ["organisation", "groups", "is_staff", "is_superuser", "is_active"]
    list_select_related = ["organisation"]
    search_fields = ["username", "first_name", "last_name", "email", "job_title", "organisation__name"]
    ordering = ["first_name", "last_name", "username"]
    autocomplete_fields = ["organisation"]


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    """The partnership's name, partners and the words its plan uses (one partnership a portal)."""

    list_display = ["name", "plan_called", "board_name", "delivery_group_name", "updates_need_sign_off"]
    filter_horizontal = ["partners"]
    fields = [
        "name",
        "partners",
        "plan_called",
        "priority_called",
        "priority_kinds",
        "board_name",
        "delivery_group_name",
        "updates_need_sign_off",
    ]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not Partnership.objects.exists()
