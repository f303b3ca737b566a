"""Pages for priorities and actions: list, detail, 'My actions', progress updates, edits, evidence."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django_tables2 import RequestConfig

from actions.filters import ActionFilterSet
from actions.forms import ActionForm, ProgressUpdateForm
from actions.models import Action, Priority, ProgressUpdate, StaleEdit
from actions.tables import ActionTable
from send_portal.base_views import (
    ObjectListView,
    get_permitted,
    keep_input,
    versioned_edit,
    without_dotted_sort,
)
from send_portal.history import history_entries
from send_portal.models import User

DUE_SOON_DAYS = 28


class ActionListView(ObjectListView):
    permission_required = "actions.view_action"
    queryset = Action.objects.for_table()
    table_class = ActionTable
    filterset_class = ActionFilterSet
    title = "Actions"
    export_name = "actions"
    # What a row shows: the action, its priority, its lead's name, its latest update (as stored on the action).
    cache_tables = (
        (Action, "updated"),
        (Priority, "updated"),
        (User, "updated"),
        (ProgressUpdate, "created"),
        (ProgressUpdate, "reviewed_at"),
    )


def priority_detail(request, number):
    """A priority: the inspection's words, its workstream, its actions and latest updates."""
    priority = get_permitted(request.user, Priority, "actions.view_priority", number=number)
    actions = Action.objects.for_table().filter(priority=priority)
    table = ActionTable(actions, exclude=["priority"])
    RequestConfig(without_dotted_sort(request), paginate={"per_page": 25}).configure(
        table
    )  # sorts by ?sort=, pages by ?page=
    counts = Priority.objects.with_action_counts().get(pk=priority.pk)
    updates = (
        ProgressUpdate.objects.filter(action__priority=priority)
        .select_related("action", "author", "reviewed_by")
        .latest_first()[:5]
    )
    return render(
        request,
        "actions/priority_detail.html",
        {
            "priority": priority,
            "counts": counts,
            "table": table,
            "updates": updates,
            # The evidence pack for inspectors (reporting app): who may ask for one.
            "can_ask_evidence_pack": request.user.has_perm("reporting.add_evidencepack"),
        },
    )


def action_detail(request, ref):
    """An action: all its fields, original and revised dates, and the timeline of updates."""
    action = get_permitted(
        request.user,
        Action,
        "actions.view_action",
        Action.objects.select_related("priority", "lead"),
        ref=ref,
    )
    updates = list(action.updates.select_related("author", "reviewed_by").latest_first())
    latest = next((update for update in updates if update.is_approved), None)
    return render(
        request,
        "actions/action_detail.html",
        {
            "action": action,
            "updates": updates,
            # While the action is overdue, the reason its latest update gives (for the Operations Group).
            "overdue_reason_update": latest
            if latest and latest.overdue_reason and action.is_overdue()
            else None,
            "updates_awaiting": sum(1 for update in updates if update.is_awaiting_sign_off),
            "can_update": request.user.has_perm("actions.add_progressupdate", action),
            "can_edit": request.user.has_perm("actions.change_action", action),
            "can_escalate": request.user.has_perm("governance.add_escalation", action),
        },
    )


def my_actions(request):
    """The signed-in person's actions and their priorities' actions, as one list in parts: overdue, due
    soon, due later, complete; each action once. 'No recent update' is a flag on the row."""
    mine = Action.objects.for_table().mine(request.user)
    today = timezone.localdate()
    tables = []
    for slug, heading, qs in mine.by_urgency(DUE_SOON_DAYS, today):
        table = ActionTable(qs, prefix=f"{slug}-", empty_text=f"None of your actions is {heading.lower()}.")
        RequestConfig(without_dotted_sort(request), paginate={"per_page": 25}).configure(
            table
        )  # ?overdue-page=2 and so on
        tables.append((slug, heading, table))
    return render(
        request,
        "actions/my_actions.html",
        {
            "tables": tables,
            "total": sum(len(table.rows) for _, _, table in tables),
            "stale": mine.stale(today).count(),
        },
    )


def progressupdate_add(request, ref):
    """Post a progress update; refused with an explanation if someone else changed the action first.
    A refused post keeps what was typed and the evidence file attached."""
    action = get_permitted(
        request.user, Action, "actions.add_progressupdate", Action.objects.select_related("priority"), ref=ref
    )
    form_kwargs = {
        "action": action,
        "user": request.user,
        "can_revise_date": request.user.has_perm("actions.change_action", action),
    }
    initial = {"version": action.version, "status": action.status}
    form = ProgressUpdateForm(request.POST or None, request.FILES or None, initial=initial, **form_kwargs)
    conflict = None
    if request.method == "POST":
        if form.is_valid():
            try:
                update = action.record_update(
                    author=request.user,
                    status=form.cleaned_data["status"],
                    narrative=form.cleaned_data["narrative"],
                    expected_version=form.cleaned_data["version"],
                    **form.update_details(),
                )
            except StaleEdit as stale:
                conflict = stale.current.changes_since(form.cleaned_data["version"]) or {}
                action = stale.current
                form_kwargs["action"] = action
                form = keep_input(
                    ProgressUpdateForm, request, action.version, files=request.FILES, **form_kwargs
                )
            else:
                form.forget_kept_evidence()
                if update.is_awaiting_sign_off:
                    said = (
                        f"Your update on {action.ref} is saved and awaits sign-off by the Operations Group. "
                        f"Until it is approved, the Board's pages show the action as {action.get_status_display()}."
                    )
                else:
                    said = f"Your update on {action.ref} is saved: it is now {action.get_status_display()}."
                messages.success(request, said)
                return redirect(action)
        form.keep_evidence()
    previous = action.updates.select_related("author").latest_first().first()
    return render(
        request,
        "actions/progressupdate_form.html",
        {"action": action, "form": form, "conflict": conflict, "previous": previous},
    )


def action_edit(request, ref):
    """Edit an action's details or revise its due date; a stale form is refused, never overwrites."""
    action = get_permitted(request.user, Action, "actions.change_action", ref=ref)
    saved, form, conflict = versioned_edit(request, ActionForm, action)
    if saved:
        messages.success(request, f"The details of {action.ref} are saved.")
        return redirect(action)
    return render(
        request, "actions/action_form.html", {"action": form.instance, "form": form, "conflict": conflict}
    )


def action_history(request, ref):
    """Who changed this action's details and status, when, old → new."""
    action = get_permitted(request.user, Action, "actions.view_action", ref=ref)
    return render(
        request, "actions/action_history.html", {"action": action, "entries": history_entries(action)}
    )


def evidence_download(request, ref, pk):
    """Download an update's evidence file, through the same permission check as the action page."""
    action = get_permitted(request.user, Action, "actions.view_action", ref=ref)
    update = get_object_or_404(ProgressUpdate, action=action, pk=pk)
    # ?impact=1: the update's evidence of impact, else its evidence of delivery.
    stored, name = (
        (update.impact_file, update.impact_name)
        if request.GET.get("impact")
        else (update.evidence_file, update.evidence_name)
    )
    if not stored:
        raise Http404("This update has no such evidence file.")
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        raise Http404("The evidence file is missing from storage.") from None
    return FileResponse(handle, as_attachment=True, filename=name or stored.name)
