"""Highlight report pages: a Board meeting's reports, writing and editing one (the previous report beside
the form), and reading one with the actions and indicators it cites."""

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from actions.models import Action, Priority
from governance.models import Meeting
from indicators.models import Indicator
from reporting.forms import HighlightReportForm
from reporting.models import MEANINGS, HighlightReport
from send_portal.base_views import get_permitted, keep_input, versioned_edit


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
