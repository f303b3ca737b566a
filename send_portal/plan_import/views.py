"""The import's pages, for the Operations Group and administrators: choose the file → say which field each
column holds (guessed, then as last time) → preview every problem and change → confirm. Nothing is written
before confirm, and nothing is kept on the server between the steps: the file's rows travel in the form
as a signed payload (bound to the person, valid for an hour).

The import runs in the request: a 500-action plan previews in under 2 s (docs/performance.md). When the
tasks framework lands, a large import can move to a task without changing PlanImport.
"""

from datetime import date, datetime

from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from actions.models import Action, Plan, Priority, ProgressUpdate
from indicators.models import Indicator, Measurement
from send_portal.models import ImportColumn, PlanImportRun
from send_portal.plan_import.export import XLSX_TYPE, blank_template, export_plan
from send_portal.plan_import.fields import mapping_for
from send_portal.plan_import.files import Sheet
from send_portal.plan_import.forms import ColumnMappingForm, PlanFileForm
from send_portal.plan_import.importer import OUTCOMES, UNCHANGED, ImportRefused, PlanImport, Preview
from send_portal.rules import who_can

PERMISSION = "send_portal.import_plan"
# A file with more rows than this is previewed and imported by a background task (run_plan_import), with
# its progress shown: 500 actions take about a second here, so this is a file of several seconds.
LARGE_IMPORT_ROWS = 2000
PROGRESS_REFRESH_SECONDS = 3
SALT = "send_portal.plan_import"
MAX_AGE = 60 * 60


class PayloadRefused(Exception):
    """The payload was tampered with, is another person's, or is over an hour old."""


def _cell(value):
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return value


def dumps(sheets, filename, user, mode="update"):
    data = {
        "user": user.pk,
        "file": filename,
        "mode": mode,
        "sheets": [
            {
                "name": s.name,
                "headers": s.headers,
                "header_row": s.header_row,
                "rows": [(n, [_cell(c) for c in cells]) for n, cells in s.rows],
            }
            for s in sheets
        ],
    }
    return signing.dumps(data, salt=SALT, compress=True)


def loads(payload, user):
    """(sheets, filename, mode) from a payload; raises PayloadRefused."""
    try:
        data = signing.loads(payload, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature as error:
        raise PayloadRefused("The import has expired or could not be read. Choose the file again.") from error
    if data.get("user") != user.pk:
        raise PayloadRefused("The import has expired or could not be read. Choose the file again.")
    sheets = [
        Sheet(s["name"], s["headers"], s["header_row"], [tuple(row) for row in s["rows"]])
        for s in data["sheets"]
    ]
    return sheets, data["file"], data.get("mode", "update")


def mapping_from(sheets, data):
    """The import mapping from the column choices as posted (ColumnMappingForm); choices not valid are
    left to the guess."""
    form = ColumnMappingForm(data, sheets=sheets, initial_choices={})
    return form.mapping() if form.is_valid() else {}


def _is_large(sheets):
    return sum(len(sheet.rows) for sheet in sheets) > LARGE_IMPORT_ROWS


def _run_in_background(request, filename, *, confirm, replace):
    """Hand a large import to the task and follow it on its progress page."""
    from send_portal.plan_import.tasks import run_plan_import

    data = {
        name: value for name, value in request.POST.items() if name not in ("payload", "csrfmiddlewaretoken")
    }
    run = PlanImportRun.objects.create(
        requested_by=request.user,
        filename=filename,
        confirm=confirm,
        replace=replace,
        payload=request.POST["payload"],
        form_data=data,
    )
    transaction.on_commit(lambda: run_plan_import.enqueue(run.pk))
    return redirect(run)


def _check(request):
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied(who_can(PERMISSION))


def _initial_choices(sheets):
    """Each column's starting choice: what it was mapped to last time, else the guess."""
    remembered = {"*": ImportColumn.remembered()}
    return {
        (s, c): key for s, sheet in enumerate(sheets) for c, key in mapping_for(sheet, remembered).items()
    }


def plan_import(request):
    """Step 1: choose the file. A valid file goes straight on to step 2, the columns."""
    _check(request)
    form = PlanFileForm(*(request.POST, request.FILES) if request.method == "POST" else ())
    if request.method == "POST" and form.is_valid():
        sheets, filename = form.sheets, form.cleaned_data["file"].name
        payload = dumps(sheets, filename, request.user, form.cleaned_data["mode"])
        return _render_mapping(request, sheets, filename, payload)
    return render(request, "plan_import/upload.html", {"form": form})


def _render_mapping(request, sheets, filename, payload, form=None):
    form = form or ColumnMappingForm(sheets=sheets, initial_choices=_initial_choices(sheets))
    return render(
        request, "plan_import/mapping.html", {"form": form, "payload": payload, "filename": filename}
    )


def _from_payload(request):
    try:
        return loads(request.POST.get("payload", ""), request.user)
    except PayloadRefused as error:
        messages.error(request, str(error))
        return None


def plan_import_preview(request):
    """Step 3: what the import would do with these columns: every problem, warning and change."""
    _check(request)
    if request.method != "POST":
        return redirect("plan_import:upload")
    loaded = _from_payload(request)
    if loaded is None:
        return redirect("plan_import:upload")
    sheets, filename, mode = loaded
    replace = mode == "replace"
    form = ColumnMappingForm(request.POST, sheets=sheets, initial_choices={})
    if not form.is_valid() or "change_mapping" in request.POST:
        return _render_mapping(request, sheets, filename, request.POST["payload"], form)
    if _is_large(sheets):
        return _run_in_background(request, filename, confirm=False, replace=replace)
    mapping = form.mapping()
    preview = PlanImport(sheets, mapping, filename=filename, replace=replace).preview()
    return render(
        request,
        "plan_import/preview.html",
        _preview_context(preview, form, filename, request.POST["payload"]),
    )


def _preview_context(preview, form, filename, payload):
    shown = [change for change in preview.changes if change.outcome != UNCHANGED]
    return {
        "preview": preview,
        "counts": preview.counts(),
        "outcomes": OUTCOMES,
        "shown_changes": shown,
        "form": form,
        "filename": filename,
        "payload": payload,
    }


def plan_import_confirm(request):
    """Step 4: write it all in one transaction, as the person's change, and remember the columns."""
    _check(request)
    if request.method != "POST":
        return redirect("plan_import:upload")
    loaded = _from_payload(request)
    if loaded is None:
        return redirect("plan_import:upload")
    sheets, filename, mode = loaded
    replace = mode == "replace"
    form = ColumnMappingForm(request.POST, sheets=sheets, initial_choices={})
    if not form.is_valid():
        return _render_mapping(request, sheets, filename, request.POST["payload"], form)
    if _is_large(sheets):
        return _run_in_background(request, filename, confirm=True, replace=replace)
    mapping = form.mapping()
    try:
        preview = PlanImport(sheets, mapping, filename=filename, replace=replace).confirm(request.user)
    except ImportRefused:
        preview = PlanImport(sheets, mapping, filename=filename, replace=replace).preview()
        return render(
            request,
            "plan_import/preview.html",
            _preview_context(preview, form, filename, request.POST["payload"]),
        )
    ImportColumn.remember({header: key for columns in mapping.values() for header, key in columns.items()})
    counts = preview.counts()
    summary = "; ".join(
        f"{record.lower()}s: {c['add']} added, {c['change']} changed" for record, c in counts.items()
    )
    kept = " The plan it replaced is kept, read-only, under Plan versions." if replace else ""
    messages.success(request, f"Imported {filename}. {summary}.{kept}")
    return redirect("dashboard")


def plan_export(request):
    """The whole plan as one workbook in the import's shape (every signed-in role may read the plan)."""
    response = HttpResponse(export_plan(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="plan-{timezone.localdate():%Y-%m-%d}.xlsx"'
    return response


def plan_template(request):
    """The blank template: the import's sheets and headers with one example row each."""
    response = HttpResponse(blank_template(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="plan-template.xlsx"'
    return response


def version_list(request):
    """Every version of the plan, newest first: the current one, and those an import replaced (read-only)."""
    plans = Plan.objects.visible_to(request.user).select_related("superseded_by").order_by("-pk")
    return render(request, "plan_import/version_list.html", {"plans": plans})


def version_detail(request, pk):
    """An earlier version of the plan as it stood when it was replaced: its priorities, actions (status,
    due date, latest update) and indicators (baseline, target, latest value). Read only: nothing on it
    can be changed, and none of it is on the dashboard or My actions. The current plan's page is the
    dashboard."""
    plan = get_object_or_404(Plan.objects.visible_to(request.user), pk=pk)
    if plan.is_current:
        return redirect("dashboard")
    updates = Prefetch("updates", queryset=ProgressUpdate.objects.latest_first(), to_attr="latest_updates")
    actions = (
        plan.archived(Action).select_related("lead").prefetch_related(updates).order_by("ref_sort", "pk")
    )
    values = Prefetch("measurements", queryset=Measurement.objects.order_by("period_end"))
    indicators = plan.archived(Indicator).prefetch_related(values).order_by("code")
    priorities = list(plan.archived(Priority).order_by("number"))
    by_priority = {p.pk: {"priority": p, "actions": [], "indicators": []} for p in priorities}
    whole_plan = []
    for action in actions:
        by_priority[action.priority_id]["actions"].append(action)
    for indicator in indicators:
        (
            by_priority[indicator.priority_id]["indicators"]
            if indicator.priority_id in by_priority
            else whole_plan
        ).append(indicator)
    return render(
        request,
        "plan_import/version_detail.html",
        {"plan": plan, "sections": list(by_priority.values()), "whole_plan": whole_plan},
    )


def plan_import_run(request, pk):
    """A large import's progress, then its outcome: the preview to confirm, the import done, or what went
    wrong. Reloads itself (HTTP Refresh, no JavaScript; ?auto=off stops it) while the task runs. Only the
    person who started it sees it."""
    _check(request)
    run = PlanImportRun.objects.filter(pk=pk, requested_by=request.user).first()
    if run is None:
        raise Http404("No such import")
    if run.is_under_way:
        refreshing = request.GET.get("auto") != "off"
        response = render(
            request,
            "plan_import/run_progress.html",
            {"run": run, "refresh_seconds": PROGRESS_REFRESH_SECONDS if refreshing else None},
        )
        if refreshing:
            response["Refresh"] = str(PROGRESS_REFRESH_SECONDS)
        return response
    if run.status == "failed":
        return render(request, "plan_import/run_progress.html", {"run": run, "refresh_seconds": None})
    preview = Preview.from_data(run.result)
    if run.confirm and preview.written:
        return render(
            request,
            "plan_import/run_progress.html",
            {"run": run, "preview": preview, "refresh_seconds": None},
        )
    try:
        sheets, filename, _ = loads(run.payload, request.user)
    except PayloadRefused as error:
        messages.error(request, str(error))
        return redirect("plan_import:upload")
    form = ColumnMappingForm(run.form_data, sheets=sheets, initial_choices={})
    form.is_valid()
    return render(request, "plan_import/preview.html", _preview_context(preview, form, filename, run.payload))
