"""The demo's highlight reports (send_portal/data/highlight_reports.yaml): one per priority for each of
the demo plan's last two Board meetings, so the dashboard shows the change since the last Board on first
start (and, in load_demo_periods, four monthly reporting periods, three of them closed). The meetings are
found by date, not named: the next Board meeting (the one leads are reporting to
now) and the one before it; with none upcoming, the last two. Loading again changes nothing."""

import calendar
from datetime import datetime, time, timedelta
from pathlib import Path

import yaml
from django.db import transaction
from django.utils import timezone

from actions.models import Action, Priority
from governance.models import GroupKind, Meeting, MeetingKind, MeetingStatus
from indicators.models import Indicator
from reporting.models import Ask, HighlightReport, Period
from reporting.snapshots import close_period
from send_portal.plan_loader import add_months

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
