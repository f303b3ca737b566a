"""Operations that read across the whole plan for a meeting: what changed since the group last met, and
the board pack (its content, its PDF, and keeping it).

What changed is computed from what the portal recorded, never kept by hand:
- a progress update counts on the date it reports on (`ProgressUpdate.date`), and an action's status at
  any moment is the status of its latest update by then (the same rule as Action.derived_status);
- a revised due date counts when the action's history records the edit;
- an indicator value counts when it was recorded (`Measurement.recorded_at`), and a corrected value when
  the measurement's history records the correction.
The window runs from the previous meeting's date (included) to this meeting's date (not included), so each
change is reported to exactly one meeting of the group.
"""

import time
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as clock

from django.db.models import OuterRef, Q, Subquery
from django.template.loader import render_to_string
from django.utils import timezone

from actions.models import (
    Action,
    Plan,
    Priority,
    ProgressUpdate,
    Status,
    date_in_words,
    overdue_condition,
)
from governance.models import (
    BoardPack,
    Escalation,
    FeedbackItem,
    Meeting,
    MeetingAction,
    MeetingActionStatus,
)
from indicators.charts import TRAJECTORY, cached_chart_svg, svg_data_uri, trajectory_chart_svg
from indicators.digests import SHOWN, overview, plan_digests
from indicators.models import Indicator, Measurement, Provenance
from indicators.reading import thin_data_sentence
from indicators.status import IndicatorStatus
from reporting.as_reported import (
    reported_indicators,
    reported_needing_attention,
    reported_period,
    reported_summaries,
)
from reporting.summary import decisions_sought, priority_summaries
from send_portal.models import Partnership


# --- What changed since the last meeting ---------------------------------------------------------------
@dataclass(frozen=True)
class StatusChange:
    """An action whose status at the end of the window differs from its status at the start."""

    action: Action
    was: Status
    now: Status
    on: date  # the date of the update that set the new status


@dataclass(frozen=True)
class DueDateRevision:
    """An edit that moved an action's current due date."""

    action: Action
    was: date
    now: date
    reason: str
    on: date
    by: str
    was_precision: str = "day"
    now_precision: str = "day"

    @property
    def was_text(self):
        """The date it was due, as precisely as the plan gave it (date_in_words)."""
        return date_in_words(self.was, self.was_precision)

    @property
    def now_text(self):
        return date_in_words(self.now, self.now_precision)


@dataclass(frozen=True)
class ValueCorrection:
    """An indicator value changed after it was first recorded."""

    measurement: Measurement
    was: object
    now: object
    on: date
    by: str


@dataclass(frozen=True)
class IndicatorStatusChange:
    indicator: Indicator
    was: IndicatorStatus
    now: IndicatorStatus


@dataclass
class PlanChanges:
    """The plan's changes between a group's previous meeting and `meeting`. Every list is in plan order
    (action reference, indicator code), then date."""

    meeting: Meeting
    previous: Meeting | None
    start: date | None  # first day counted: the previous meeting's date
    end: date  # first day not counted: this meeting's date
    status_changes: list = field(default_factory=list)  # StatusChange, excluding completions
    completed: list = field(default_factory=list)  # StatusChange to Complete
    new_updates: list = field(default_factory=list)  # ProgressUpdate
    newly_overdue: list = field(default_factory=list)  # Action
    revised_due_dates: list = field(default_factory=list)  # DueDateRevision
    new_values: list = field(default_factory=list)  # Measurement
    corrected_values: list = field(default_factory=list)  # ValueCorrection
    indicator_status_changes: list = field(default_factory=list)  # IndicatorStatusChange
    indicator_status_known: bool = False  # True once indicator statuses were compared

    @property
    def is_empty(self):
        return not any(
            [
                self.status_changes,
                self.completed,
                self.new_updates,
                self.newly_overdue,
                self.revised_due_dates,
                self.new_values,
                self.corrected_values,
                self.indicator_status_changes,
            ]
        )


def _start_of(day):
    return timezone.make_aware(datetime.combine(day, clock.min))


def _name(user):
    return user.display_name if user is not None else "Unknown"


def plan_changes(meeting, today=None):
    """What changed in the plan since the previous meeting of `meeting`'s group (see the module's
    docstring for what counts and when). With no previous meeting, every list is empty."""
    previous = meeting.previous_meeting()
    changes = PlanChanges(
        meeting=meeting, previous=previous, start=previous.date if previous else None, end=meeting.date
    )
    if previous is None:
        return changes
    today = today or timezone.localdate()
    start, end = changes.start, changes.end

    _action_changes(changes, start, end)
    changes.newly_overdue = list(
        Action.objects.filter(overdue_condition(min(end, today)))
        .with_current_due_date()
        .filter(current_due__gte=start)
        .select_related("priority")
        .order_by("ref_sort", "pk")
    )
    changes.revised_due_dates = _revised_due_dates(start, end)
    changes.new_values = list(
        Measurement.objects.approved()
        .filter(recorded_at__gte=_start_of(start), recorded_at__lt=_start_of(end))
        .select_related("indicator")
        .order_by("indicator__code", "period_end", "pk")
    )
    changes.corrected_values = _corrected_values(start, end)
    _indicator_status_changes(changes, start, end)
    return changes


def _action_changes(changes, start, end):
    """New progress updates in the window, and the status changes and completions they made."""
    new_updates = list(
        ProgressUpdate.objects.approved()
        .filter(date__gte=start, date__lt=end)
        .select_related("action__priority", "author")
        .order_by("action__ref_sort", "date", "created", "pk")
    )
    changes.new_updates = new_updates
    touched = {update.action_id: update.action for update in new_updates}
    after = {}
    for update in new_updates:  # each action's in date order, so the last one seen is its latest
        after[update.action_id] = (update.status, update.date)
    # Each touched action's status when the window opened: its latest update before it (one query, so the
    # cost follows the window, not the whole history of the plan).
    earlier = (
        ProgressUpdate.objects.approved()
        .filter(action=OuterRef("pk"), date__lt=start)
        .order_by("-date", "-created", "-pk")
    )
    in_window = ProgressUpdate.objects.approved().filter(date__gte=start, date__lt=end).values("action_id")
    before = dict(
        Action.objects.filter(pk__in=in_window)  # a subquery, so the query runs even for an empty window
        .annotate(status_before=Subquery(earlier.values("status")[:1]))
        .exclude(status_before=None)
        .values_list("pk", "status_before")
    )
    for action in sorted(touched.values(), key=lambda a: (a.ref_sort, a.pk)):
        was = Status(before.get(action.pk, Status.NOT_STARTED))
        now, on = after[action.pk]
        if now == was:
            continue
        change = StatusChange(action=action, was=was, now=Status(now), on=on)
        (changes.completed if now == Status.COMPLETE else changes.status_changes).append(change)


def _revised_due_dates(start, end):
    """Edits recorded in the window that moved an action's current due date (revised, else original).

    Reads the window's history rows, and for each edited action the due date it had when the window
    opened (a subquery on its last earlier row): the cost follows the window, not the whole history."""
    HistoricalAction = Action.history.model
    opened, closed = _start_of(start), _start_of(end)
    rows = list(
        HistoricalAction.objects.filter(history_date__gte=opened, history_date__lt=closed)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    edited = HistoricalAction.objects.filter(
        history_date__gte=opened, history_date__lt=closed, history_type="~"
    ).values("id")
    earlier = HistoricalAction.objects.filter(id=OuterRef("pk"), history_date__lt=opened).order_by(
        "-history_date", "-history_id"
    )
    actions = {
        action.pk: action
        for action in Action.objects.filter(pk__in=edited)  # a subquery: one query, even when none
        .select_related("priority")
        .annotate(
            due_before=Subquery(earlier.values("due_date")[:1]),
            revised_before=Subquery(earlier.values("revised_due_date")[:1]),
            precision_before=Subquery(earlier.values("due_precision")[:1]),
            revised_precision_before=Subquery(earlier.values("revised_due_precision")[:1]),
        )
    }
    previous_due = {
        pk: (
            (action.revised_before, action.revised_precision_before)
            if action.revised_before
            else (action.due_before, action.precision_before)
        )
        for pk, action in actions.items()
    }
    revisions = []
    for row in rows:
        if row.id not in actions:
            continue
        due = (
            (row.revised_due_date, row.revised_due_precision)
            if row.revised_due_date
            else (row.due_date, row.due_precision)
        )
        was = previous_due.get(row.id, (None, None))
        previous_due[row.id] = due
        if was[0] is not None and due[0] != was[0]:
            revisions.append(
                DueDateRevision(
                    action=actions[row.id],
                    was=was[0],
                    now=due[0],
                    reason=row.revision_reason,
                    on=timezone.localdate(row.history_date),
                    by=_name(row.history_user),
                    was_precision=was[1] or "day",
                    now_precision=due[1] or "day",
                )
            )
    revisions.sort(key=lambda r: (r.action.ref_sort, r.on))
    return revisions


def _corrected_values(start, end):
    """Indicator values changed in the window after they were first recorded."""
    HistoricalMeasurement = Measurement.history.model
    window = Q(history_date__gte=_start_of(start), history_date__lt=_start_of(end))
    corrected = HistoricalMeasurement.objects.filter(window, history_type="~").values("id")
    rows = (
        HistoricalMeasurement.objects.filter(id__in=corrected, history_date__lt=_start_of(end))
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    measurements = Measurement.objects.select_related("indicator").in_bulk({row.id for row in rows})
    found = []
    previous_value = {}
    for row in rows:
        was = previous_value.get(row.id)
        previous_value[row.id] = row.value
        if (
            row.history_date >= _start_of(start)
            and was is not None
            and was != row.value
            and row.id in measurements
        ):
            found.append(
                ValueCorrection(
                    measurement=measurements[row.id],
                    was=was,
                    now=row.value,
                    on=timezone.localdate(row.history_date),
                    by=_name(row.history_user),
                )
            )
    found.sort(key=lambda c: (c.measurement.indicator.code, c.measurement.period_end, c.on))
    return found


def _indicator_status_changes(changes, start, end):
    """Indicators whose status (the indicators app's trajectory rule, applied to the latest value recorded
    by then) differs between the window's two ends. Only an indicator with a value recorded in the window
    can change; for those, the latest value (by period) recorded by each end comes from a subquery, so
    no indicator's values are read in full (one query)."""
    changes.indicator_status_known = True
    opened, closed = _start_of(start), _start_of(end)
    recorded = Measurement.objects.approved().filter(recorded_at__gte=opened, recorded_at__lt=closed)

    def latest_by(cutoff, field):
        known = Measurement.objects.approved().filter(indicator=OuterRef("pk"), recorded_at__lt=cutoff)
        return Subquery(known.order_by("-period_end").values(field)[:1])

    candidates = (
        Indicator.objects.filter(pk__in=recorded.values("indicator_id"))
        .select_related("priority")
        .annotate(
            value_before=latest_by(opened, "value"),
            period_before=latest_by(opened, "period_end"),
            value_after=latest_by(closed, "value"),
            period_after=latest_by(closed, "period_end"),
        )
        .order_by("priority__number", "code")
    )
    for indicator in candidates:
        was = _status_of(indicator, indicator.value_before, indicator.period_before)
        now = _status_of(indicator, indicator.value_after, indicator.period_after)
        if was != now:
            changes.indicator_status_changes.append(
                IndicatorStatusChange(indicator=indicator, was=was, now=now)
            )


def _status_of(indicator, value, period_end):
    if period_end is None:
        return IndicatorStatus.NO_DATA
    return IndicatorStatus(indicator.judge(value, period_end))


def indicator_status_on(indicator, day):
    """The indicator's status from the latest value (by period) recorded before `day` (values prefetched)."""
    cutoff = _start_of(day)
    known = [m for m in indicator.series if m.recorded_at < cutoff]
    if not known:
        return IndicatorStatus.NO_DATA
    latest = max(known, key=lambda m: m.period_end)
    return IndicatorStatus(indicator.judge(latest.value, latest.period_end))


# --- The board pack ------------------------------------------------------------------------------------
# A pack is an exception report the Board can read before it meets, so its length is bounded whatever the
# size of the plan: every count in it covers the whole plan, but past these numbers the lists name the most
# serious first and say how many more there are and where to find them in the portal. Lancashire's plan
# (27 actions needing attention, 20 indicators) fits in full.
PACK_ACTIONS_IN_FULL = 40  # actions at risk, off track or overdue, with their latest narrative
PACK_INDICATORS_IN_SUMMARY = SHOWN  # "where should the Board look": as on the dashboard
PACK_INDICATORS_IN_FULL = 6  # with chart and values, in the appendix: the first the Board should look at
PACK_VALUES_SHOWN = 8  # the latest values of each indicator in the appendix; the portal has them all


def latest_update_fields():
    """Annotations with each action's latest approved progress update (by the same ordering as its status)."""
    latest = (
        ProgressUpdate.objects.approved().filter(action=OuterRef("pk")).order_by("-date", "-created", "-pk")
    )
    return {
        "latest_narrative": Subquery(latest.values("narrative")[:1]),
        "latest_mitigation": Subquery(latest.values("mitigation")[:1]),
        "latest_date": Subquery(latest.values("date")[:1]),
    }


def board_pack_context(meeting, *, generated_by=None, generated_at=None, today=None):
    """Everything the board pack shows for `meeting`. What it says of the plan (each priority's summary and
    ask, the actions by status and those needing attention, the indicators) comes from the snapshot of the
    closed reporting period that reports to the meeting when there is one (reporting.as_reported), so the
    pack says what was reported; otherwise from live approved data now. The meeting's own records (agenda,
    decisions, escalations, action log, what families said) are read as they are."""
    today = today or timezone.localdate()
    meeting = Meeting.objects.select_related("group__chair").get(pk=meeting.pk)
    period = reported_period(meeting)
    if period is not None and period.snapshot.data.get("version", 1) < 2:
        period = None  # a snapshot taken before snapshots kept summaries and SPC readings: read live data
    plan_part = _plan_as_reported(period) if period is not None else _plan_now(meeting, today)
    plan = Plan.current()
    escalations = list(Escalation.objects.for_meeting(meeting))
    asked, waiting = (
        decisions_sought(plan_part["summaries"]),
        [escalation for escalation in escalations if escalation.is_open],
    )
    shown, count = plan_part.pop("needs_attention")
    return plan_part | {
        "meeting": meeting,
        "generated_at": generated_at or timezone.now(),
        "generated_by": generated_by,
        "today": today,
        "period": period,  # the closed reporting period the pack is built from, or None
        "agenda": meeting.agenda_items.select_related("priority", "presenter").prefetch_related("actions"),
        "decisions_sought": asked,
        "open_escalations": waiting,
        "decisions_count": len(asked) + len(waiting),
        "needs_attention": shown,
        "needs_attention_count": count,
        "needs_attention_not_shown": count - len(shown),
        "statuses": list(Status),
        "partnership": Partnership.current(),
        "partnership_name": Partnership.current().name,
        "is_demonstration": bool(plan and plan.is_demonstration),
        "changes": plan_changes(meeting, today),
        "matters_arising": MeetingAction.objects.carried_to(meeting),
        "actions_arising": meeting.meeting_actions.select_related("owner"),
        "escalations": escalations,
        "feedback": FeedbackItem.objects.filter(meeting=meeting).select_related("priority"),
        "decisions": meeting.decisions.select_related("agenda_item"),
        "open_status": MeetingActionStatus.OPEN,
    }


def _plan_now(meeting, today):
    """What the pack says of the plan, from live approved data on `today`."""
    # Counts and ranking from every indicator's cached digest; only those shown are read in full.
    indicator_overview = overview(plan_digests(today), shown=0, looked_at=PACK_INDICATORS_IN_SUMMARY)
    needs_attention = Action.objects.for_table().needing_attention(today).annotate(**latest_update_fields())
    priorities = list(Priority.objects.with_action_counts(today))
    return {
        "as_of": today,
        "priorities": priorities,
        # Each priority's highlight report to this meeting (or its latest before it) and the one before that.
        "summaries": priority_summaries(priorities, by=meeting.date, with_citations=True),
        "needs_attention": (list(needs_attention[:PACK_ACTIONS_IN_FULL]), needs_attention.count()),
        "thin_data": thin_data_sentence(digest.row for digest in indicator_overview.digests),
        # in full: the PACK_INDICATORS_IN_FULL to look at first, plan order
        "indicators": board_pack_indicators(indicator_overview.to_look_at_in_full(PACK_INDICATORS_IN_FULL)),
        "indicator_overview": indicator_overview,  # counts over every indicator
        "where_to_look": indicator_overview.where_to_look,  # SummaryRows
    }


def _plan_as_reported(period):
    """What the pack says of the plan, from the closed `period`'s snapshot alone (the same keys as
    _plan_now)."""
    data = period.snapshot.data
    priorities, summaries = reported_summaries(data)
    reported = reported_needing_attention(data)
    indicators = reported_indicators(data)
    return {
        "as_of": period.end,
        "priorities": priorities,
        "summaries": summaries,
        "needs_attention": (reported[:PACK_ACTIONS_IN_FULL], len(reported)),
        "thin_data": thin_data_sentence(indicators.rows),
        "indicators": board_pack_reported_indicators(indicators.to_look_at_in_full(PACK_INDICATORS_IN_FULL)),
        "indicator_overview": indicators,
        "where_to_look": indicators.where_to_look(PACK_INDICATORS_IN_SUMMARY),
    }


def board_pack_indicators(indicators):
    """For each indicator (values prefetched): its formatted baseline and target, its values, its status,
    and its trajectory chart as a data: SVG with the status sentence as its text alternative (charts are
    cached by the indicators app until a value changes)."""
    rows = []
    for indicator in indicators:
        svg, _ = cached_chart_svg(indicator, TRAJECTORY)
        values = indicator.series  # approved values only
        rows.append(
            {
                "indicator": indicator,
                "baseline": indicator.format_value(indicator.baseline_value)
                if indicator.baseline_value is not None
                else "To be set",
                "target": indicator.formatted_target,
                "measurements": values[-PACK_VALUES_SHOWN:],
                "value_count": len(values),
                "provenance": ""
                if indicator.provenance == Provenance.REAL
                else indicator.get_provenance_display(),
                "status": IndicatorStatus(indicator.status).label,
                "chart": svg_data_uri(svg),
                "chart_alt": indicator.status_sentence(),
            }
        )
    return rows


def board_pack_reported_indicators(reported):
    """board_pack_indicators for indicators as a closed period reported them (reporting.as_reported): the
    values are the snapshot's; the chart draws them against the indicator's trajectory as the plan sets it
    (no chart for an indicator deleted since)."""
    codes = [indicator.code for indicator in reported]
    live = {indicator.code: indicator for indicator in Indicator.objects.filter(code__in=codes)}
    rows = []
    for indicator in reported:
        definition = live.get(indicator.code)
        values = indicator.values
        rows.append(
            {
                "indicator": indicator,
                "measurements": values[-PACK_VALUES_SHOWN:],
                "value_count": len(values),
                "provenance": indicator.provenance,
                "status": indicator.status_label,
                "chart": svg_data_uri(trajectory_chart_svg(definition, values)) if definition else "",
                "chart_alt": indicator.sentence,
            }
        )
    return rows


def render_board_pack_html(meeting, **context):
    """The pack as one HTML document (static files by /static/ URL, charts as data: URIs)."""
    return render_to_string("governance/board_pack.html", board_pack_context(meeting, **context))


def render_pdf(html, base_url):
    """The pack's HTML as a tagged PDF (PDF/UA-1), fetching only our static files and data: URIs.
    `base_url` is the portal's address, e.g. https://portal.example.org/, so links in the PDF work."""
    from governance.pdf import html_to_pdf  # WeasyPrint loads only when a PDF is made

    return html_to_pdf(html, base_url)


def generate_board_pack(meeting, *, generated_by, base_url):
    """Render the pack from live data now and keep its HTML and PDF with the meeting. Returns the
    BoardPack and the seconds it took."""
    started = time.perf_counter()
    now = timezone.now()
    html = render_board_pack_html(meeting, generated_by=generated_by, generated_at=now)
    pdf = render_pdf(html, base_url)
    pack = BoardPack.objects.create(
        meeting=meeting, generated_by=generated_by, generated_at=now, html=html, pdf=pdf
    )
    return pack, time.perf_counter() - started
