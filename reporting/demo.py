"""The demo's highlight reports (send_portal/data/highlight_reports.yaml): one per priority for each of
the demo plan's last two Board meetings, so the dashboard shows the change since the last Board on first
start (and, in load_demo_periods, four monthly reporting periods, three of them closed; in load_demo_sign_off,
a few updates awaiting sign-off and one returned). The meetings are found by date, not named: the next Board
meeting (the one leads are reporting to now) and the one before it; with none upcoming, the last two. Loading again changes nothing."""

import calendar
from datetime import datetime, time, timedelta
from pathlib import Path

import yaml
from django.db import transaction
from django.utils import timezone

from actions.models import Action, Priority, ProgressUpdate, Status
from governance.models import GroupKind, Meeting, MeetingKind, MeetingStatus
from indicators.models import Indicator
from reporting.models import Ask, HighlightReport, Period
from reporting.snapshots import close_period
from send_portal.models import Review, User
from send_portal.plan_loader import add_months
from send_portal.roles import OPERATIONS_GROUP

DEMO_REPORTS_FILE = Path(__file__).resolve().parent.parent / "send_portal" / "data" / "highlight_reports.yaml"
FIELDS = ("assessment", "reason", "achievements", "risks", "ask_kind", "ask")


def demo_board_meetings(today=None):
    """The two Board meetings the demo reports go to, earlier first (fewer when the plan has fewer)."""
    today = today or timezone.localdate()
    meetings = (
        Meeting.objects.filter(group__kind=GroupKind.BOARD, kind=MeetingKind.MEETING)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("date", "pk")
    )
    upcoming = meetings.filter(date__gte=today).first()
    if upcoming is not None:
        meetings = meetings.filter(date__lte=upcoming.date)
    return list(meetings)[-2:]


def load_demo_highlight_reports(path=DEMO_REPORTS_FILE, today=None):
    """Create the demo's highlight reports that are missing; returns how many were created. Reports
    already there (the demo's or anyone's) are left alone."""
    entries = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
    meetings = demo_board_meetings(today)
    if len(meetings) < 2:
        return 0
    targets = {"previous": meetings[0], "latest": meetings[1]}
    wanted = [entry["priority"] for entry in entries]
    priorities = {p.number: p for p in Priority.objects.filter(number__in=wanted)}  # unique in the plan
    created = 0
    with transaction.atomic():
        for entry in entries:
            priority = priorities.get(entry["priority"])
            if priority is None:
                continue
            for which, meeting in targets.items():
                data = entry[which]
                if HighlightReport.objects.filter(priority=priority, meeting=meeting).exists():
                    continue
                report = HighlightReport(
                    priority=priority,
                    meeting=meeting,
                    author=priority.lead,
                    **{name: data.get(name, Ask.NONE if name == "ask_kind" else "") for name in FIELDS},
                )
                report.full_clean()
                report.save()
                report.actions.set(Action.objects.filter(ref__in=data.get("actions", [])))
                report.indicators.set(Indicator.objects.filter(code__in=data.get("indicators", [])))
                created += 1
    return created


DEMO_CLOSED_PERIODS = 3
DEMO_UPDATES_DUE_AFTER = timedelta(days=7)  # updates due a week after a period's last day


def load_demo_periods(today=None):
    """The demo's reporting periods: the three months before the story's month, closed (each snapshot taken
    as of its last day, from the plan's dated updates and values, closed the day its updates were due), and
    the story's month, open. Each reports to the first Board meeting after its updates are due. Returns how
    many were created; none when the plan already has periods."""
    today = today or timezone.localdate()
    if Period.objects.exists():
        return 0
    month = today.replace(day=1)
    starts = [add_months(month, -n) for n in range(DEMO_CLOSED_PERIODS, -1, -1)]
    board = (
        Meeting.objects.filter(group__kind=GroupKind.BOARD, kind=MeetingKind.MEETING)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("date", "pk")
    )
    created = 0
    with transaction.atomic():
        for start in starts:
            end = start.replace(day=calendar.monthrange(start.year, start.month)[1])
            due = end + DEMO_UPDATES_DUE_AFTER
            period = Period.objects.create(
                start=start, end=end, updates_due_by=due, meeting=board.filter(date__gte=due).first()
            )
            created += 1
            if start < month:
                closed_at = timezone.make_aware(datetime.combine(due, time(17, 0)))
                close_period(period, by=None, now=closed_at)
    return created


# The demo's sign-off queue (issue 15): updates that leads have submitted and the Operations Group has not
# yet signed off, and one it returned with its reason, so the sign-off page and a lead's My actions page
# are real on first start.
DEMO_AWAITING = [
    "Monthly update: the work is going as planned; the next milestone is on track. Submitted for sign-off "
    "before the Board.",
    "Monthly update: the partner's figures for last month are in and agree with ours. Submitted for "
    "sign-off before the Board.",
]
DEMO_RETURNED = (
    "Monthly update: some delays, but we expect to catch up.",
    "Say which steps slipped and the new dates, so the Board can judge the risk.",
)


def load_demo_sign_off(today=None):
    """Submit two demo updates awaiting sign-off and one returned with a reason, on open actions of
    different priorities (plan order). Returns how many were created; nothing when the plan already has
    updates that are not approved (run again, it changes nothing)."""
    if ProgressUpdate.objects.exclude(review=Review.APPROVED).exists():
        return 0
    today = today or timezone.localdate()
    actions, seen = [], set()
    for action in Action.objects.open().select_related("priority__lead").order_by("ref_sort", "pk"):
        if action.priority_id not in seen:
            seen.add(action.priority_id)
            actions.append(action)
        if len(actions) == len(DEMO_AWAITING) + 1:
            break
    reviewer = User.objects.filter(groups__name=OPERATIONS_GROUP).order_by("pk").first()
    now = timezone.now()
    with transaction.atomic():
        for index, action in enumerate(actions):
            returned = index == len(actions) - 1
            update = ProgressUpdate(
                action=action,
                date=today,
                author=action.priority.lead,
                author_role="" if action.priority.lead_id else action.lead_role,
                status=Status.AT_RISK if returned else action.status,
                narrative=DEMO_RETURNED[0] if returned else DEMO_AWAITING[index],
                mitigation="Catching up over the next month." if returned else "",
                overdue_reason="Waiting for a partner's figures." if action.is_overdue(today) else "",
                review=Review.RETURNED if returned else Review.SUBMITTED,
                submitted_by=action.priority.lead,
                submitted_at=now,
                reviewed_by=reviewer if returned else None,
                reviewed_at=now if returned else None,
                return_reason=DEMO_RETURNED[1] if returned else "",
            )
            if update.status == Status.COMPLETE:
                update.evidence_link = "https://example.org/demonstration-evidence"
            update.save()
    return len(actions)
