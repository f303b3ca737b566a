"""Highlight report pages: a Board meeting's reports, writing and editing one (the previous report beside
the form), and reading one with the actions and indicators it cites."""

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from actions.models import Action, Priority, ProgressUpdate
from governance.models import Meeting
from indicators.digests import plan_digests
from indicators.models import Indicator, Measurement
from reporting.evidence import default_range
from reporting.forms import EvidencePackForm, HighlightReportForm, PeriodForm, next_period_initial
from reporting.models import MEANINGS, EvidencePack, HighlightReport, Period, PeriodSnapshot
from reporting.snapshots import SNAPSHOT_CSV_COLUMNS, compare, corrections, snapshot_rows
from reporting.tasks import request_evidence_pack, request_period_close, retry_evidence_pack
from send_portal.base_views import get_permitted, keep_input, versioned_edit
from send_portal.exports import escape_formula
from send_portal.history import history_entries
from send_portal.rules import who_can


def _board_meeting(user, pk):
    """A Board meeting the user can see; 404 for any other meeting (only the Board takes these reports)."""
    meeting = get_object_or_404(Meeting.objects.visible_to(user).select_related("group"), pk=pk)
    if not meeting.is_board_meeting:
        raise Http404("Highlight reports go to Improvement Board meetings.")
    return meeting


def previous_report(priority, meeting):
    """The priority's latest report to an earlier Board meeting, or None (one query)."""
    return (
        HighlightReport.objects.filter(priority=priority, meeting__date__lt=meeting.date)
        .select_related("meeting", "author")
        .order_by("-meeting__date", "-pk")
        .first()
    )


def meeting_reports(request, pk):
    """Every priority's highlight report to this Board meeting, or a link to write it."""
    meeting = _board_meeting(request.user, pk)
    reports = {r.priority_id: r for r in meeting.highlight_reports.select_related("author")}
    rows = []
    for priority in Priority.objects.visible_to(request.user).order_by("number"):
        report = reports.get(priority.pk)
        perm = "reporting.change_highlightreport" if report else "reporting.add_highlightreport"
        rows.append((priority, report, request.user.has_perm(perm, report or priority)))
    return render(request, "reporting/meeting_reports.html", {"meeting": meeting, "rows": rows})


def highlightreport_add(request, pk, number):
    """Write a priority's report to a Board meeting. When one exists (or someone saved one meanwhile),
    its edit form opens instead, keeping what was typed."""
    meeting = _board_meeting(request.user, pk)
    priority = get_permitted(request.user, Priority, "reporting.add_highlightreport", number=number)
    existing = HighlightReport.objects.filter(priority=priority, meeting=meeting).first()
    if existing is not None:
        if request.method != "POST":
            return redirect("reporting:highlightreport_edit", existing.pk)
        return _written_meanwhile(request, existing)
    report = HighlightReport(priority=priority, meeting=meeting, author=request.user)
    form = HighlightReportForm(request.POST or None, instance=report, priority=priority)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                report = form.save(commit=False)
                report.mark_submitted(request.user)  # awaits sign-off, or is approved at once
                report.save()
                form.save_m2m()
        except IntegrityError:  # saved by someone else between our check and our save
            return _written_meanwhile(
                request, HighlightReport.objects.get(priority=priority, meeting=meeting)
            )
        messages.success(request, _saved_message(report))
        return redirect(report)
    return _form_page(request, form, priority, meeting, "Write the highlight report")


def _saved_message(report):
    said = f"The highlight report of priority {report.priority.number} is saved"
    if report.is_awaiting_sign_off:
        return f"{said} and awaits sign-off by the Operations Group: the Board's pages show it once approved."
    return f"{said}."


def _written_meanwhile(request, existing):
    form = keep_input(
        HighlightReportForm, request, existing.version, instance=existing, priority=existing.priority
    )
    who = [existing.author.display_name] if existing.author_id else []
    conflict = {"who": who, "when": existing.updated, "fields": []}  # they wrote it: every field is theirs
    return _form_page(
        request, form, existing.priority, existing.meeting, "Edit the highlight report", conflict=conflict
    )


def highlightreport_edit(request, pk):
    """Edit a highlight report; a stale form is refused with what changed, never overwrites."""
    report = get_permitted(
        request.user,
        HighlightReport,
        "reporting.change_highlightreport",
        HighlightReport.objects.select_related("priority", "meeting__group"),
        pk=pk,
    )
    saved, form, conflict = versioned_edit(
        request, HighlightReportForm, report, submitted_by=request.user, priority=report.priority
    )
    if saved:
        messages.success(request, _saved_message(report))
        return redirect(report)
    return _form_page(
        request, form, report.priority, report.meeting, "Edit the highlight report", conflict=conflict
    )


def _form_page(request, form, priority, meeting, title, conflict=None):
    return render(
        request,
        "reporting/highlightreport_form.html",
        {
            "title": title,
            "caption": f"Priority {priority.number}: {priority.short_title} · {meeting.title}",
            "form": form,
            "conflict": conflict,
            "what": "highlight report",
            "previous": previous_report(priority, meeting),
            "back_url": meeting.get_absolute_url(),
        },
    )


def highlightreport_detail(request, pk):
    """A highlight report, with the readings of the actions and indicators it cites."""
    report = get_permitted(
        request.user,
        HighlightReport,
        "reporting.view_highlightreport",
        HighlightReport.objects.select_related("priority", "meeting__group", "author", "reviewed_by"),
        pk=pk,
    )
    return render(
        request,
        "reporting/highlightreport_detail.html",
        {
            "report": report,
            "meanings": MEANINGS,
            "previous": previous_report(report.priority, report.meeting),
            "actions": Action.objects.filter(highlight_reports=report).for_table(),
            "indicators": Indicator.objects.filter(highlight_reports=report).with_spc().order_by("code"),
            "can_edit": request.user.has_perm("reporting.change_highlightreport", report),
        },
    )


# --- Reporting periods -----------------------------------------------------------------------------------
PROGRESS_REFRESH_SECONDS = 5  # a period being closed, or an evidence pack being made, reloads this often


def period_list(request):
    """Every reporting period, newest first, with a link to create the next one."""
    periods = list(Period.objects.visible_to(request.user).for_table())
    closed = [period for period in periods if period.is_closed]
    compare_url = None
    if len(closed) >= 2:
        compare_url = f"{reverse('reporting:period_compare')}?from={closed[1].pk}&to={closed[0].pk}"
    return render(
        request,
        "reporting/period_list.html",
        {
            "periods": periods,
            "can_add": request.user.has_perm("reporting.add_period"),
            "compare_url": compare_url,
        },
    )


def period_add(request):
    """Create a reporting period, prefilled with the month after the last one."""
    if not request.user.has_perm("reporting.add_period"):
        raise PermissionDenied(who_can("reporting.add_period"))
    form = PeriodForm(request.POST or None, initial=next_period_initial(timezone.localdate()))
    if request.method == "POST" and form.is_valid():
        period = form.save(commit=False)
        period._history_user = request.user
        period.save()
        messages.success(request, f"{period} is open. Updates are due by {period.updates_due_by:%-d %B %Y}.")
        return redirect(period)
    return render(
        request,
        "layouts/object_form.html",
        {
            "title": "Create a reporting period",
            "intro": "The dates are those of the month after the last period. Change them if the Board's "
            "cycle differs.",
            "form": form,
            "back_url": reverse("reporting:period_list"),
        },
    )


def period_detail(request, pk):
    """An open period: what is in, what is missing, what awaits sign-off. A closed one: the plan as
    reported on it, rendered from its snapshot only, and any correction made since in its own section."""
    period = get_permitted(
        request.user,
        Period,
        "reporting.view_period",
        Period.objects.select_related("meeting", "closed_by", "snapshot__taken_by"),
        pk=pk,
    )
    context = {"period": period, "can_close": request.user.has_perm("reporting.close_period", period)}
    if period.is_closed:
        previous = Period.objects.closed().filter(end__lt=period.start).order_by("-end", "-pk").first()
        context |= {
            "snapshot": period.snapshot.data,
            "corrections": corrections(period),
            "previous": previous,
        }
        return render(request, "reporting/period_reported.html", context)
    # While the period is being closed the page says so and reloads itself (an HTTP Refresh header, as the
    # board pack's progress page: no JavaScript, and ?auto=off stops it, which WCAG 2.2.1 asks for) until the
    # snapshot is taken and the page becomes the plan as reported.
    close_request = period.latest_close_request()
    refreshing = bool(close_request and close_request.is_under_way) and request.GET.get("auto") != "off"
    context |= {
        "close_request": close_request,
        "refresh_seconds": PROGRESS_REFRESH_SECONDS if refreshing else None,
    }
    response = render(request, "reporting/period_open.html", context | period_progress(period))
    if refreshing:
        response["Refresh"] = str(PROGRESS_REFRESH_SECONDS)
    return response


def period_progress(period, today=None):
    """What an open period's page shows (a fixed number of queries, whatever the plan's size)."""
    today = today or timezone.localdate()
    in_period = {"date__gte": period.start, "date__lte": period.end}
    updated = ProgressUpdate.objects.filter(**in_period).values("action_id")
    missing_actions = list(Action.objects.open().exclude(pk__in=updated).for_table())
    digests = plan_digests(today)
    overdue_rows = [digest.row for digest in digests if digest.data_overdue]  # the one "data overdue" rule
    awaiting_reports = HighlightReport.objects.none()
    if period.meeting_id:
        awaiting_reports = HighlightReport.objects.awaiting_sign_off().filter(meeting_id=period.meeting_id)
    return {
        "updates_in": list(
            ProgressUpdate.objects.approved()
            .filter(**in_period)
            .select_related("action", "author")
            .order_by("action__ref_sort", "date", "pk")
        ),
        "values_in": list(
            Measurement.objects.approved()
            .filter(period_end__gte=period.start, period_end__lte=period.end)
            .select_related("indicator")
            .order_by("indicator__code", "period_end")
        ),
        "missing_actions": [(action, action.reading(today)) for action in missing_actions],
        "missing_values": overdue_rows,
        "awaiting_updates": list(
            ProgressUpdate.objects.awaiting_sign_off()
            .select_related("action", "author")
            .order_by("date", "pk")
        ),
        "awaiting_values": list(
            Measurement.objects.awaiting_sign_off().select_related("indicator").order_by("period_end", "pk")
        ),
        "awaiting_reports": list(awaiting_reports.select_related("priority")),
    }


_BEING_CLOSED = "{period} is already being closed: this page shows how far it has got."


def period_close(request, pk):
    """Close an open period (confirm first): answers at once, and a background task takes the snapshot,
    which never changes afterwards; the period's page shows how far it has got, and a failure with a "Try
    again" button that posts here again. While a closing is under way, a second press is sent to it."""
    period = get_permitted(
        request.user, Period, "reporting.close_period", Period.objects.select_related("meeting"), pk=pk
    )
    if period.is_closed:
        messages.info(request, f"{period} is already closed.")
        return redirect(period)
    if request.method == "POST":
        _, created = request_period_close(period, by=request.user)
        if not created:
            messages.info(request, _BEING_CLOSED.format(period=period))
        return redirect(period)
    if period.close_requests.under_way().exists():
        messages.info(request, _BEING_CLOSED.format(period=period))
        return redirect(period)
    return render(request, "reporting/period_close.html", {"period": period})


def period_compare(request):
    """What moved between two closed periods: better or worse, new, completed, values, assessments."""
    closed = list(Period.objects.visible_to(request.user).closed().order_by("-end", "-pk"))
    errors, chosen = {}, {}
    defaults = {"from": closed[1] if len(closed) > 1 else None, "to": closed[0] if closed else None}
    for name, default in defaults.items():
        raw = request.GET.get(name)
        if raw is None:
            chosen[name] = default
            continue
        found = next((p for p in closed if str(p.pk) == raw.strip()), None)
        if found is None:
            errors[name] = f"Select a closed period to compare {name}"
        chosen[name] = found
    comparison = None
    earlier, later = chosen.get("from"), chosen.get("to")
    if not errors and earlier and later:
        if earlier.end > later.end:
            earlier, later = later, earlier
        snapshots = {s.period_id: s.data for s in PeriodSnapshot.objects.filter(period__in=[earlier, later])}
        comparison = compare(snapshots[earlier.pk], snapshots[later.pk])
    return render(
        request,
        "reporting/period_compare.html",
        {
            "closed": closed,
            "earlier": earlier,
            "later": later,
            "errors": errors,
            "comparison": comparison,
        },
    )


def period_history(request, pk):
    """Every change to a period: created, its dates, closed by whom and when."""
    period = get_permitted(request.user, Period, "reporting.view_period", pk=pk)
    return render(
        request, "reporting/period_history.html", {"period": period, "entries": history_entries(period)}
    )


# --- Evidence packs --------------------------------------------------------------------------------------


def evidencepack_add(request, number):
    """Ask for a priority's evidence pack over a date range (default: since the plan was approved); lists
    the packs already made for it, with who asked and when."""
    priority = get_permitted(request.user, Priority, "reporting.add_evidencepack", number=number)
    start, end = default_range()
    form = EvidencePackForm(request.POST or None, initial={"starts_on": start, "ends_on": end})
    if request.method == "POST" and form.is_valid():
        pack = request_evidence_pack(
            priority,
            starts_on=form.cleaned_data["starts_on"],
            ends_on=form.cleaned_data["ends_on"],
            by=request.user,
        )
        return redirect(pack)
    return render(
        request,
        "reporting/evidencepack_add.html",
        {
            "priority": priority,
            "form": form,
            "packs": EvidencePack.objects.listing().filter(priority=priority),
        },
    )


def evidencepack_detail(request, pk):
    """An evidence pack: its progress while the worker makes it (the page reloads itself with an HTTP
    Refresh header, which the person can turn off), then its downloads."""
    pack = get_permitted(
        request.user, EvidencePack, "reporting.view_evidencepack", EvidencePack.objects.listing(), pk=pk
    )
    refreshing = pack.is_under_way and request.GET.get("auto") != "off"
    response = render(
        request,
        "reporting/evidencepack_detail.html",
        {
            "pack": pack,
            "refresh_seconds": PROGRESS_REFRESH_SECONDS if refreshing else None,
            "can_retry": pack.has_failed and request.user.has_perm("reporting.add_evidencepack", pack),
        },
    )
    if refreshing:
        response["Refresh"] = str(PROGRESS_REFRESH_SECONDS)
    return response


@require_POST
def evidencepack_retry(request, pk):
    """Make a failed evidence pack again: back to queued, its task enqueued again, and its progress shown.
    Refused, changing nothing, for a pack that has not failed."""
    pack = get_permitted(
        request.user, EvidencePack, "reporting.add_evidencepack", EvidencePack.objects.listing(), pk=pk
    )
    if not retry_evidence_pack(pack):
        messages.error(
            request,
            f"Only a pack whose making failed can be tried again: this one is {pack.get_status_display().lower()}.",
        )
    return redirect(pack)


def _ready_pack(request, pk, field):
    pack = get_permitted(
        request.user,
        EvidencePack,
        "reporting.view_evidencepack",
        EvidencePack.objects.select_related("priority"),
        pk=pk,
    )
    if not pack.is_ready:
        raise Http404("This evidence pack is not ready.")
    return pack, bytes(getattr(pack, field))


def evidencepack_pdf(request, pk):
    pack, body = _ready_pack(request, pk, "pdf")
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{pack.filename_stem}.pdf"'
    return response


def evidencepack_zip(request, pk):
    pack, body = _ready_pack(request, pk, "zip_file")
    response = HttpResponse(body, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{pack.filename_stem}.zip"'
    return response


def period_export(request, pk):
    """A closed period's snapshot as CSV, one row per action and per indicator, as reported (spreadsheet
    formulas escaped)."""
    period = get_permitted(
        request.user,
        Period,
        "reporting.view_period",
        Period.objects.closed().select_related("snapshot"),
        pk=pk,
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="as-reported-{period.start:%Y-%m}.csv"'
    writer = csv.writer(response)
    writer.writerow(SNAPSHOT_CSV_COLUMNS)
    for row in snapshot_rows(period.snapshot.data):
        writer.writerow([escape_formula(value) for value in row])
    return response
