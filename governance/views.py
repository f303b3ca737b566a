"""Pages for governance: groups, meetings and everything recorded at them, the action log, escalations
to the Board, what changed since the last meeting, board packs and the calendar feed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from actions.models import Action
from governance.calendar import meetings_calendar
from governance.filters import GroupFilterSet, MeetingActionFilterSet, MeetingFilterSet
from governance.forms import (
    AgendaItemForm,
    AttendanceForm,
    DecisionForm,
    EscalationDecisionForm,
    EscalationForm,
    FeedbackItemForm,
    MeetingActionCloseForm,
    MeetingActionForm,
    MeetingForm,
)
from governance.models import (
    AgendaItem,
    BoardPack,
    BoardPackRequest,
    CalendarFeed,
    Decision,
    Escalation,
    FeedbackItem,
    Group,
    Meeting,
    MeetingAction,
    MeetingActionStatus,
    PackRequestStatus,
)
from governance.services import board_pack_context, plan_changes
from governance.tables import GroupTable, MeetingActionTable, MeetingTable
from governance.tasks import request_board_pack
from indicators.models import Indicator
from send_portal.base_views import ObjectListView, get_permitted, versioned_edit, without_dotted_sort
from send_portal.history import changes_from_history, merged
from send_portal.rules import who_can

OPEN_ACTIONS_SHOWN = 25
PROGRESS_REFRESH_SECONDS = 5  # a requested pack's progress page reloads itself this often while under way  # on a group's page; the action log lists them all, page by page


# --- Groups --------------------------------------------------------------------------------------------
class GroupListView(ObjectListView):
    permission_required = "governance.view_group"
    queryset = Group.objects.for_table()
    table_class = GroupTable
    filterset_class = GroupFilterSet
    title = "Groups"
    export_name = "groups"


def group_detail(request, slug):
    """A group: whom it reports to, its chair and members, its meetings and its open actions."""
    group = get_permitted(
        request.user,
        Group,
        "governance.view_group",
        Group.objects.select_related("chair", "reports_to", "priority"),
        slug=slug,
    )
    meetings = MeetingTable(group.meetings.for_table(), exclude=["group"])
    RequestConfig(without_dotted_sort(request), paginate={"per_page": 25}).configure(
        meetings
    )  # ?sort= and ?page=
    open_actions = MeetingAction.objects.open().filter(meeting__group=group).for_table()
    return render(
        request,
        "governance/group_detail.html",
        {
            "group": group,
            "members": group.members.order_by("first_name", "last_name", "username"),
            "reporting_groups": group.reporting_groups.order_by("name"),
            "meetings": meetings,
            "open_actions": open_actions[:OPEN_ACTIONS_SHOWN],
            "open_action_count": open_actions.count(),
            "today": timezone.localdate(),
        },
    )


# --- Meetings ------------------------------------------------------------------------------------------
class MeetingListView(ObjectListView):
    permission_required = "governance.view_meeting"
    queryset = Meeting.objects.for_table()
    table_class = MeetingTable
    filterset_class = MeetingFilterSet
    title = "Meetings"
    export_name = "meetings"
    template_name = "governance/meeting_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.request.user.has_perm("governance.add_meeting"):
            context["add_url"] = reverse("governance:meeting_add")
        return context


def meeting_detail(request, pk):
    """A meeting: agenda, escalations to discuss, attendance, minutes, decisions, matters arising, the
    actions it raised, 'you said, we did' and its kept board packs."""
    meeting = get_permitted(
        request.user, Meeting, "governance.view_meeting", Meeting.objects.select_related("group"), pk=pk
    )
    can_run = request.user.has_perm("governance.change_meeting", meeting)
    return render(
        request,
        "governance/meeting_detail.html",
        {
            "meeting": meeting,
            "agenda": meeting.agenda_items.select_related("priority", "presenter").prefetch_related(
                "actions"
            ),
            "attendance": meeting.attendance.select_related("person").order_by(
                "status", "person__first_name"
            ),
            "decisions": meeting.decisions.select_related("agenda_item"),
            "matters_arising": MeetingAction.objects.carried_to(meeting),
            "actions_arising": meeting.meeting_actions.select_related("owner"),
            "feedback": meeting.feedback_items.select_related("priority"),
            "escalations": Escalation.objects.for_meeting(meeting),
            "packs": meeting.board_packs.listing(),
            "latest_request": meeting.pack_requests.order_by("-requested_at", "-pk").first(),
            "today": timezone.localdate(),
            "can_run": can_run,
            "can_decide": can_run and meeting.is_board_meeting,
            "can_generate": request.user.has_perm("governance.add_boardpack", meeting),
        },
    )


def meeting_add(request):
    """Create a meeting."""
    if not request.user.has_perm("governance.add_meeting"):
        raise PermissionDenied(who_can("governance.add_meeting"))
    form = MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        meeting = form.save()
        messages.success(request, f"{meeting} is created. Add its agenda below.")
        return redirect(meeting)
    return render(
        request,
        "layouts/object_form.html",
        {"title": "Create a meeting", "form": form, "back_url": reverse("governance:meeting_list")},
    )


def meeting_edit(request, pk):
    """Edit a meeting's details and minutes; a stale form is refused with what changed, never overwrites."""
    meeting = get_permitted(request.user, Meeting, "governance.change_meeting", pk=pk)
    saved, form, conflict = versioned_edit(request, MeetingForm, meeting)
    if saved:
        messages.success(request, f"{meeting} is saved.")
        return redirect(meeting)
    return _meeting_form_page(
        request, form.instance, "Edit the meeting and its minutes", form, conflict=conflict
    )


def agendaitem_add(request, pk):
    meeting = get_permitted(request.user, Meeting, "governance.add_agendaitem", pk=pk)
    next_order = meeting.agenda_items.count() + 1
    form = AgendaItemForm(
        request.POST or None, instance=AgendaItem(meeting=meeting), initial={"order": next_order}
    )
    if request.method == "POST" and form.is_valid():
        item = form.save()
        messages.success(request, f"Agenda item {item.order} is added.")
        return redirect(f"{meeting.get_absolute_url()}#agenda")
    return _meeting_form_page(request, meeting, "Add an agenda item", form)


def agendaitem_edit(request, pk, item_pk):
    """Edit an agenda item; a stale form is refused with what changed, never overwrites."""
    meeting = get_permitted(request.user, Meeting, "governance.change_agendaitem", pk=pk)
    item = get_object_or_404(meeting.agenda_items, pk=item_pk)
    saved, form, conflict = versioned_edit(request, AgendaItemForm, item)
    if saved:
        messages.success(request, f"Agenda item {item.order} is saved.")
        return redirect(f"{meeting.get_absolute_url()}#agenda")
    return _meeting_form_page(
        request, meeting, f"Edit agenda item {item.order}", form, conflict=conflict, what="agenda item"
    )


def agendaitem_delete(request, pk, item_pk):
    """Confirm, then remove an agenda item (its decisions stay with the meeting)."""
    meeting = get_permitted(request.user, Meeting, "governance.delete_agendaitem", pk=pk)
    item = get_object_or_404(meeting.agenda_items, pk=item_pk)
    if request.method == "POST":
        item.delete()
        messages.success(request, f"Agenda item '{item.title}' is removed.")
        return redirect(f"{meeting.get_absolute_url()}#agenda")
    return render(request, "governance/agendaitem_confirm_delete.html", {"meeting": meeting, "item": item})


def decision_add(request, pk):
    meeting = get_permitted(request.user, Meeting, "governance.add_decision", pk=pk)
    form = DecisionForm(request.POST or None, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        meeting.record_decision(text=form.cleaned_data["text"], agenda_item=form.cleaned_data["agenda_item"])
        messages.success(request, "The decision is recorded.")
        return redirect(f"{meeting.get_absolute_url()}#decisions")
    return _meeting_form_page(request, meeting, "Record a decision", form)


def decision_edit(request, pk, decision_pk):
    """Correct a decision's wording or agenda item; a stale form is refused with what changed. Decisions
    are not deleted in the portal: they are the record (administrators can, in the Django admin)."""
    meeting = get_permitted(request.user, Meeting, "governance.change_decision", pk=pk)
    decision = get_object_or_404(meeting.decisions, pk=decision_pk)
    saved, form, conflict = versioned_edit(request, DecisionForm, decision, meeting=meeting)
    if saved:
        messages.success(request, f"Decision {decision.order} is saved.")
        return redirect(f"{meeting.get_absolute_url()}#decisions")
    return _meeting_form_page(
        request, meeting, f"Edit decision {decision.order}", form, conflict=conflict, what="decision"
    )


def meetingaction_add(request, pk):
    meeting = get_permitted(request.user, Meeting, "governance.add_meetingaction", pk=pk)
    form = MeetingActionForm(request.POST or None, instance=MeetingAction(meeting=meeting))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "The action is added to the action log.")
        return redirect(f"{meeting.get_absolute_url()}#actions-arising")
    return _meeting_form_page(request, meeting, "Add to the action log", form)


def meetingaction_edit(request, pk, action_pk):
    """Edit an action-log item's wording, owner and due date (closing it has its own page); a stale form
    is refused with what changed, never overwrites."""
    meeting = get_permitted(request.user, Meeting, "governance.change_meetingaction", pk=pk)
    item = get_object_or_404(meeting.meeting_actions, pk=action_pk)
    saved, form, conflict = versioned_edit(request, MeetingActionForm, item)
    if saved:
        messages.success(request, "The action is saved.")
        return redirect(f"{meeting.get_absolute_url()}#action-{item.pk}")
    return _meeting_form_page(
        request, meeting, "Edit an action on the action log", form, conflict=conflict, what="action"
    )


def meetingaction_close(request, pk):
    """Close an action-log item as done, or dropped with the reason."""
    item = get_permitted(
        request.user,
        MeetingAction,
        "governance.change_meetingaction",
        MeetingAction.objects.select_related("meeting__group", "owner"),
        pk=pk,
    )
    if item.status != MeetingActionStatus.OPEN:
        messages.info(request, f"This action was already closed on {item.closed_on:%d %B %Y}.")
        return redirect(f"{item.meeting.get_absolute_url()}#action-{item.pk}")
    form = MeetingActionCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        item.close(form.cleaned_data["status"], reason=form.cleaned_data["dropped_reason"])
        messages.success(request, f"The action is closed as {item.get_status_display().lower()}.")
        return redirect(f"{item.meeting.get_absolute_url()}#action-{item.pk}")
    return render(
        request,
        "layouts/object_form.html",
        {
            "title": "Close an action",
            "caption": str(item.meeting),
            "intro": item.text,
            "form": form,
            "back_url": item.meeting.get_absolute_url(),
        },
    )


def attendance_edit(request, pk):
    """Record who was present, who sent apologies and who was absent."""
    meeting = get_permitted(
        request.user, Meeting, "governance.change_attendance", Meeting.objects.select_related("group"), pk=pk
    )
    current = {row.person_id: row.status for row in meeting.attendance.all()}
    people = list(
        (meeting.group.members.all() | meeting.attendees.all())
        .distinct()
        .order_by("first_name", "last_name", "username")
    )
    form = AttendanceForm(request.POST or None, people=people, current=current)
    if request.method == "POST" and form.is_valid():
        meeting.record_attendance(form.attendance())
        messages.success(request, "Attendance is saved.")
        return redirect(f"{meeting.get_absolute_url()}#attendance")
    return _meeting_form_page(request, meeting, "Record attendance", form)


def feedbackitem_add(request, pk):
    meeting = get_permitted(request.user, Meeting, "governance.add_feedbackitem", pk=pk)
    form = FeedbackItemForm(request.POST or None, instance=FeedbackItem(meeting=meeting))
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "The 'you said, we did' item is added.")
        return redirect(f"{meeting.get_absolute_url()}#you-said-we-did")
    return _meeting_form_page(request, meeting, "Add 'you said, we did'", form)


def feedbackitem_edit(request, pk, item_pk):
    """Edit a 'you said, we did' item, e.g. to record what was done once it is done; a stale form is
    refused with what changed, never overwrites."""
    meeting = get_permitted(request.user, Meeting, "governance.change_feedbackitem", pk=pk)
    item = get_object_or_404(meeting.feedback_items, pk=item_pk)
    saved, form, conflict = versioned_edit(request, FeedbackItemForm, item)
    if saved:
        messages.success(request, "The 'you said, we did' item is saved.")
        return redirect(f"{meeting.get_absolute_url()}#you-said-we-did")
    return _meeting_form_page(
        request, meeting, "Edit 'you said, we did'", form, conflict=conflict, what="'you said, we did' item"
    )


# --- The action log ------------------------------------------------------------------------------------
class MeetingActionListView(ObjectListView):
    permission_required = "governance.view_meetingaction"
    queryset = MeetingAction.objects.for_table()
    table_class = MeetingActionTable
    filterset_class = MeetingActionFilterSet
    title = "Action log"
    export_name = "action-log"

    def get_table_kwargs(self):
        return {"can_change": self.request.user.has_perm("governance.change_meetingaction")}


# --- Escalations ---------------------------------------------------------------------------------------
def action_escalate(request, ref):
    """Escalate a plan action to the Improvement Board."""
    action = get_permitted(request.user, Action, "governance.add_escalation", ref=ref)
    return _escalate(request, action, action=action)


def indicator_escalate(request, code):
    """Escalate an indicator to the Improvement Board."""
    indicator = get_permitted(request.user, Indicator, "governance.add_escalation", code=code)
    return _escalate(request, indicator, indicator=indicator)


def _escalate(request, subject, **about):
    form = EscalationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            Escalation.escalate(reason=form.cleaned_data["reason"], raised_by=request.user, **about)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            board = Meeting.objects.next_board_meeting()
            where = f"on the agenda of {board}" if board else "on the agenda of the next Board meeting"
            messages.success(request, f"{subject} is escalated to the Improvement Board. It is {where}.")
            return redirect(subject)
    return render(
        request,
        "layouts/object_form.html",
        {
            "title": "Escalate to the Improvement Board",
            "caption": str(subject),
            "intro": "The Board will discuss it at its next meeting, and at each meeting after that until it "
            "records a decision.",
            "form": form,
            "back_url": subject.get_absolute_url(),
        },
    )


def escalation_resolve(request, pk, escalation_pk):
    """Record the Board's decision on an escalation at this Board meeting."""
    meeting = get_permitted(
        request.user, Meeting, "governance.change_escalation", Meeting.objects.select_related("group"), pk=pk
    )
    escalation = get_object_or_404(Escalation.objects.for_meeting(meeting).open(), pk=escalation_pk)
    form = EscalationDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        escalation.resolve(meeting=meeting, text=form.cleaned_data["text"])
        messages.success(request, f"The Board's decision on {escalation.subject_ref} is recorded.")
        return redirect(f"{meeting.get_absolute_url()}#escalations")
    return _meeting_form_page(
        request,
        meeting,
        f"The Board's decision on {escalation.subject_ref}",
        form,
        intro=f"Escalated: {escalation.reason}",
    )


# --- What changed and board packs ----------------------------------------------------------------------
def meeting_changes(request, pk):
    """What changed in the plan since the group's previous meeting."""
    meeting = get_permitted(
        request.user, Meeting, "governance.view_meeting", Meeting.objects.select_related("group"), pk=pk
    )
    return render(
        request, "governance/meeting_changes.html", {"meeting": meeting, "changes": plan_changes(meeting)}
    )


def boardpack_preview(request, pk):
    """The board pack from live data now, print-ready: what a generated pack would hold."""
    meeting = get_permitted(request.user, Meeting, "governance.view_boardpack", pk=pk)
    context = board_pack_context(meeting) | {"preview": True}
    return render(request, "governance/board_pack.html", context)


@require_POST
def boardpack_generate(request, pk):
    """Ask the worker for the pack (HTML and PDF) from live data and show its progress: answers at once.
    While one is under way for the meeting, a second press is sent to it."""
    meeting = get_permitted(request.user, Meeting, "governance.add_boardpack", pk=pk)
    pack_request, created = request_board_pack(meeting, by=request.user)
    if not created:
        messages.info(
            request, "A board pack for this meeting is already being generated: this is its progress."
        )
    return redirect(pack_request)


def boardpackrequest_detail(request, pk):
    """How far a requested pack has got: queued, generating, ready (with links) or failed (with the
    reason and a Retry button). Refreshes itself, without JavaScript, until it is ready or failed."""
    pack_request = get_permitted(
        request.user,
        BoardPackRequest,
        "governance.add_boardpack",
        BoardPackRequest.objects.select_related("meeting__group", "requested_by", "pack"),
        pk=pk,
    )
    # While under way the page reloads itself with an HTTP Refresh header (no JavaScript). A timed
    # <meta http-equiv="refresh"> fails WCAG 2.2.1 as axe checks it; either way the person can turn the
    # reloading off (?auto=off), which 2.2.1 asks for, and check again with a link.
    refreshing = pack_request.is_under_way and request.GET.get("auto") != "off"
    response = render(
        request,
        "governance/boardpackrequest_detail.html",
        {
            "pack_request": pack_request,
            "meeting": pack_request.meeting,
            "refresh_seconds": PROGRESS_REFRESH_SECONDS if refreshing else None,
        },
    )
    if refreshing:
        response["Refresh"] = str(PROGRESS_REFRESH_SECONDS)
    return response


@require_POST
def boardpackrequest_retry(request, pk):
    """Ask again for a pack whose generation failed."""
    failed = get_permitted(
        request.user,
        BoardPackRequest,
        "governance.add_boardpack",
        BoardPackRequest.objects.select_related("meeting").filter(status=PackRequestStatus.FAILED),
        pk=pk,
    )
    pack_request, created = request_board_pack(failed.meeting, by=request.user)
    if not created:
        messages.info(
            request, "A board pack for this meeting is already being generated: this is its progress."
        )
    return redirect(pack_request)


def boardpack_detail(request, pk):
    """A kept pack's HTML exactly as it was generated."""
    pack = get_permitted(
        request.user, BoardPack, "governance.view_boardpack", BoardPack.objects.defer("pdf"), pk=pk
    )
    return HttpResponse(pack.html)


def boardpack_pdf(request, pk):
    """A kept pack's PDF exactly as it was generated."""
    pack = get_permitted(
        request.user,
        BoardPack,
        "governance.view_boardpack",
        BoardPack.objects.select_related("meeting"),
        pk=pk,
    )
    response = HttpResponse(bytes(pack.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{pack.filename}"'
    return response


# --- Calendar ------------------------------------------------------------------------------------------
def calendar_subscribe(request):
    """The person's secret calendar link, how to subscribe, and a button to reset it."""
    feed, _ = CalendarFeed.objects.get_or_create(user=request.user)
    return render(
        request,
        "governance/calendar.html",
        {"feed": feed, "feed_url": request.build_absolute_uri(feed.get_absolute_url())},
    )


@require_POST
def calendar_reset(request):
    feed, _ = CalendarFeed.objects.get_or_create(user=request.user)
    feed.reset()
    messages.success(
        request,
        "Your calendar link is reset. The old link no longer works: subscribe again with the new one.",
    )
    return redirect("governance:calendar")


@login_not_required
def calendar_feed(request, token):
    """Upcoming meetings as iCalendar, for the person whose secret link this is (anyone else: 404)."""
    feed = CalendarFeed.for_token(token)
    if feed is None:
        raise Http404("There is no calendar at this link. It may have been reset.")
    body = meetings_calendar(
        Meeting.objects.visible_to(feed.user).for_calendar(),
        name="SEND Partnership meetings",
        base_url=request.build_absolute_uri("/"),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="meetings.ics"'
    response["Cache-Control"] = "private, max-age=3600"
    return response


# --- Shared --------------------------------------------------------------------------------------------
def _meeting_form_page(request, meeting, title, form, conflict=None, intro="", what="meeting"):
    """The form page for a meeting or something recorded at it; `conflict` and `what` explain a refused
    stale save (components/_conflict.html)."""
    return render(
        request,
        "layouts/object_form.html",
        {
            "title": title,
            "caption": str(meeting),
            "intro": intro,
            "form": form,
            "conflict": conflict,
            "what": what,
            "back_url": meeting.get_absolute_url(),
        },
    )


def meeting_history(request, pk):
    """Who changed this meeting, its agenda, minutes, decisions and action log, when, old → new."""
    meeting = get_permitted(request.user, Meeting, "governance.view_meeting", pk=pk)
    entries = merged(
        changes_from_history(
            Meeting, meeting.history.all(), subject=lambda record: "Meeting details and minutes"
        ),
        changes_from_history(
            AgendaItem,
            AgendaItem.history.filter(meeting_id=meeting.pk),
            subject=lambda record: f"Agenda item {record.order}",
            skip=("meeting",),
        ),
        changes_from_history(
            Decision,
            Decision.history.filter(meeting_id=meeting.pk),
            subject=lambda record: f"Decision {record.order}",
            skip=("meeting",),
        ),
        changes_from_history(
            MeetingAction,
            MeetingAction.history.filter(meeting_id=meeting.pk),
            subject=lambda record: f"Action log: {record.text[:60]}",
            skip=("meeting",),
        ),
        changes_from_history(
            FeedbackItem,
            FeedbackItem.history.filter(meeting_id=meeting.pk),
            subject=lambda record: "You said, we did",
            skip=("meeting",),
        ),
    )
    return render(request, "governance/meeting_history.html", {"meeting": meeting, "entries": entries})
