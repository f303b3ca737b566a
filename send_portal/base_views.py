"""Base views every app builds on: permission-checked lookups and lists, and edits that refuse a stale
save. Imports no app (the apps import it)."""

import hashlib

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template import RequestContext
from django.template.loader import get_template
from django.utils import timezone
from django.utils.safestring import mark_safe
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.export import ExportMixin

from send_portal.exports import SafeTableExport
from send_portal.filters import rendered_filter_form
from send_portal.freshness import data_key
from send_portal.models import StaleEdit
from send_portal.rules import who_can


def get_permitted(user, model, perm, queryset=None, **lookup):
    """The object the user may act on: 404 when it is outside what they can see, 403 when they can see
    it but may not do `perm` to it."""
    base = queryset if queryset is not None else model.objects.all()
    obj = get_object_or_404(base.visible_to(user), **lookup)
    if not user.has_perm(perm, obj):
        raise PermissionDenied(who_can(perm))
    return obj


def keep_input(form_class, request, version, **kwargs):
    """Rebuild a refused form with everything the person typed and the current version, so they can
    read what changed and save again without losing their work."""
    data = request.POST.copy()
    data["version"] = version
    form = form_class(data, **kwargs)
    form.is_valid()
    return form


def versioned_edit(request, form_class, record, *, submitted_by=None, **form_kwargs):
    """Show the edit form of a VersionedModel `record`, and on a valid POST save it with save_details,
    unless someone else changed the record after the form was loaded. Returns (saved, form, conflict).

    A refused save gives `conflict`, what the other person changed (changes_since; {} when the history
    cannot say), and a form that keeps what the person typed, bound to the record as it is now
    (`form.instance`) with its current version. Otherwise `conflict` is None. With `submitted_by`, the
    record is a sign-off submission (ReviewedModel) and the save submits it again, by that person."""
    form = form_class(
        request.POST or None, instance=record, initial={"version": record.version}, **form_kwargs
    )
    if request.method != "POST" or not form.is_valid():
        return False, form, None
    loaded = form.cleaned_data["version"]
    try:
        changes = form.changes()
        if submitted_by is not None:
            changes.update(record.submission_changes(submitted_by))
        record.save_details(changes, expected_version=loaded)
    except StaleEdit as stale:
        current = stale.current
        conflict = current.changes_since(loaded, labels=field_labels(form)) or {}
        form = keep_input(form_class, request, current.version, instance=current, **form_kwargs)
        return False, form, conflict
    return True, form, None


def field_labels(form):
    """The form's field labels, as the person saw them, without the "(optional)" of a label."""
    return {
        name: str(field.label).removesuffix(" (optional)")
        for name, field in form.fields.items()
        if field.label
    }


def without_dotted_sort(request):
    """The request without a `?sort=` (or `?<prefix>sort=`) holding a '.': no column's sort key has one, and
    django-tables2 would ignore it after a DeprecationWarning (an error under the tests' warning filters).
    Dropped, as a mistyped URL or hostile input. Call before RequestConfig or a table view."""
    dotted = [key for key, value in request.GET.items() if key.endswith("sort") and "." in value]
    if dotted:
        request.GET = request.GET.copy()
        for key in dotted:
            del request.GET[key]
    return request


class PortalPermissionMixin:
    """Scope the queryset to what the user may see (so others' objects are 404), then check
    `permission_required` against the object or, for lists, the model. Answers 403 with who can."""

    permission_required = None

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)

    def check_permission(self, obj=None):
        if self.permission_required and not self.request.user.has_perm(self.permission_required, obj):
            raise PermissionDenied(who_can(self.permission_required))

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        self.check_permission(obj)
        return obj


class ObjectListView(PortalPermissionMixin, ExportMixin, SingleTableMixin, FilterView):
    """A filterable, sortable, paginated table with CSV and XLSX export of exactly what is filtered.

    A view that names `cache_tables` (each (model, field) its table reads, with the field that moves when a
    row is saved) keeps the rendered table and filter form of each address in the cache while none of
    those tables has changed today (send_portal.freshness): the list then reads no row. Exports and a
    filter with errors are always worked out afresh. Only for a table whose rows read the same to everyone
    who may see the list."""

    template_name = "layouts/object_list.html"
    export_class = SafeTableExport
    export_formats = ("csv", "xlsx")
    table_pagination = {"per_page": 25}
    title = ""
    add_url = None
    cache_tables = ()
    CACHE_VERSION = 1  # bump when a cached list's markup changes
    CACHE_SECONDS = 10 * 60

    def get(self, request, *args, **kwargs):
        self.check_permission()
        request = without_dotted_sort(request)
        self.cached = None
        if self.cache_tables and self.export_trigger_param not in request.GET:
            self.cache_key = self._cache_key(request)
            self.cached = cache.get(self.cache_key)
        if self.cached is not None:  # no filter, no table: the page as it was rendered for this address
            self.request, self.object_list = request, None
            return self.render_to_response(self._page_context(self.cached))
        return super().get(request, *args, **kwargs)

    def _cache_key(self, request):
        # The filters, sort and page asked for, in the order given (hashed: a cache key has a length limit).
        address = hashlib.sha256(request.GET.urlencode().encode()).hexdigest()
        view = f"{type(self).__module__}.{type(self).__qualname__}"
        return f"{data_key(f'list:v{self.CACHE_VERSION}:{view}', self.cache_tables, timezone.localdate())}:{address}"

    def get_export_filename(self, export_format):
        return f"{self.export_name}.{export_format}"

    def _page_context(self, parts):
        return {
            "view": self,
            "title": self.title,
            "add_url": self.add_url,
            "export_formats": self.export_formats,
            "filter_form": parts["filter_form"],
            "filter_is_bound": parts["filter_is_bound"],
            "filter_errors": False,
            "table_html": parts["table_html"],
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["filter"].form
        context["title"] = self.title
        context["add_url"] = self.add_url
        context["export_formats"] = self.export_formats
        context["filter_form"] = rendered_filter_form(form)
        context["filter_is_bound"] = context["filter"].is_bound
        context["filter_errors"] = bool(form.errors)
        if self.cache_tables and not form.errors and self.export_trigger_param not in self.request.GET:
            table = context["table"]
            parts = {
                "filter_form": context["filter_form"],
                "filter_is_bound": context["filter_is_bound"],
                "table_html": self._render_table(table),
            }
            cache.set(self.cache_key, parts, self.CACHE_SECONDS)
            context["table_html"] = parts["table_html"]
        return context

    def _render_table(self, table):
        """The table's HTML exactly as {% render_table table %} writes it (django-tables2's RenderTableNode)."""
        table.context = RequestContext(self.request)
        try:
            table.before_render(self.request)
            return mark_safe(get_template(table.template_name).render({"table": table}, self.request))
        finally:
            del table.context
