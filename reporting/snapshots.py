"""The plan as reported on a period: built once from approved data as of a day, frozen in a PeriodSnapshot
when the period closes, and compared between two periods.

`plan_as_of(day, meeting_id, by)` reads, in a fixed number of queries whatever the plan's size:
- every action, with the status its latest *approved* progress update dated on or before `day` gives it
  (Action.status_given_by, the one status rule) and its reading on that day (Action.reading / read_status);
- every indicator, with its *approved* values for periods ending on or before `day`, and from them its
  status, SPC reading and sentence (Indicator.status / .reading / read_indicator, the one rule each) and
  whether its data were overdue on that day (Indicator.freshness);
- every approved highlight report to the period's Board meeting, and each priority's summary line for the
  Board (reporting.summary.priority_summaries: its latest approved report by the meeting, the one before
  and the actions and indicators it cites), so the board pack can be built from the snapshot alone;
- the indicators of the whole plan (no priority) under `plan_indicators`.
The result is plain JSON (dates as ISO text, values formatted with their units), so a snapshot's rendering
reads nothing but the snapshot. Imports no governance module: the board pack can read it.
"""

import hashlib
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Max, Prefetch, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from actions.models import TAG_COLOURS, Action, Priority, ProgressUpdate, Status
from indicators.models import Indicator, Measurement, Provenance, Rebase
from indicators.status import STATUS_COLOURS, IndicatorStatus, Travel, travel
from reporting.models import (
    ASSESSMENT_COLOURS,
    Assessment,
    Change,
    HighlightReport,
    Period,
    PeriodSnapshot,
    PeriodStatus,
    change_between,
)
from reporting.summary import priority_summaries

SNAPSHOT_VERSION = 2  # 2: summaries, SPC verdicts, values with numbers, plan_indicators

# Better is lower: moving between these is "better" or "worse" in a comparison.
STATUS_RANK = {
    Status.COMPLETE: 0,
    Status.ON_TRACK: 1,
    Status.NOT_STARTED: 2,
    Status.AT_RISK: 3,
    Status.OFF_TRACK: 4,
}
INDICATOR_RANK = {
    IndicatorStatus.TARGET_MET: 0,
    IndicatorStatus.ON_TRACK: 1,
    IndicatorStatus.WITHIN_TOLERANCE: 2,
    IndicatorStatus.OFF_TRACK: 3,
    IndicatorStatus.NO_DATA: 4,
}


def _iso(day):
    return day.isoformat() if day else None


def _latest_approved_updates(day):
    """{action id: its latest approved update dated on or before `day`} (one query, a window function)."""
    ranked = (
        ProgressUpdate.objects.approved()
        .filter(date__lte=day)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("action_id")],
                order_by=[F("date").desc(), F("created").desc(), F("pk").desc()],
            )
        )
        .filter(rank=1)
        .select_related("author")
    )
    return {update.action_id: update for update in ranked}


def _action_entry(action, latest, day):
    # The action as it stood: the status its latest approved update by `day` gives it, read on `day`.
    action.status, action.completed_on, action.last_update_on = Action.status_given_by(latest)
    reading = action.reading(today=day)
    return {
        "ref": action.ref,
        "title": action.title,
        "url": action.get_absolute_url(),
        "lead": action.lead_name,
        "status": str(reading.status.value),
        "status_label": reading.status.label,
        "colour": TAG_COLOURS[reading.status],
        "reading": reading.text,
        "details": reading.details,
        "overdue": reading.overdue,
        "stale": reading.stale,
        "start_date": _iso(action.start_date),
        "due_date": _iso(action.current_due_date),
        "due_text": action.current_due_text,
        "due_precision": action.due_precision,
        "original_due_date": _iso(action.due_date),
        "revised": action.is_revised,
        "revision_reason": action.revision_reason if action.is_revised else "",
        "completed_on": _iso(action.completed_on),
        "latest_update": None
        if latest is None
        else {
            "id": latest.pk,
            "date": _iso(latest.date),
            "status_label": Status(latest.status).label,
            "narrative": latest.narrative,
            "mitigation": latest.mitigation,
            "next_steps": latest.next_steps,
            "author": latest.author_name,
        },
    }


def _indicator_entry(indicator, day):
    # The prefetched values are the approved ones by `day`, so the one status and reading rules see the
    # indicator as it stood then.
    latest, previous = indicator.latest_measurement, indicator.previous_measurement
    status = IndicatorStatus(indicator.status)
    return {
        "code": indicator.code,
        "name": indicator.name,
        "url": indicator.get_absolute_url(),
        "lower_is_better": indicator.lower_is_better,
        "baseline": indicator.baseline_text,
        "target": indicator.target_text,
        "status": str(status.value),
        "status_label": status.label,
        "colour": STATUS_COLOURS[status],
        "reading": indicator.reading,
        "sentence": indicator.status_sentence(),
        "data_overdue": indicator.is_data_overdue(day),
        "latest": None
        if latest is None
        else {
            "period_end": _iso(latest.period_end),
            "value": str(latest.value),
            "text": latest.formatted_value,
        },
        "previous": None
        if previous is None
        else {
            "period_end": _iso(previous.period_end),
            "value": str(previous.value),
            "text": previous.formatted_value,
        },
        "values": [[_iso(m.period_end), m.formatted_value] for m in indicator.series],
        # What the board pack's "where should the Board look" and appendix need (version 2):
        "target_value": indicator.formatted_target,
        "target_date": _iso(indicator.target_date),
        "direction": indicator.get_direction_display(),
        "provenance": "" if indicator.provenance == Provenance.REAL else indicator.get_provenance_display(),
        "variation": _verdict_entry(indicator.spc.variation),
        "assurance": _verdict_entry(indicator.spc.assurance),
        "attention": indicator.spc.attention,
        "points": [[_iso(m.period_end), str(m.value), m.is_illustrative, m.note] for m in indicator.series],
    }


def _verdict_entry(verdict):
    return {"kind": verdict.kind, "key": verdict.key, "icon_name": verdict.icon_name, "label": verdict.label}


def _report_entry(report):
    assessment = Assessment(report.assessment)
    return {
        "assessment": str(assessment.value),
        "assessment_label": assessment.label,
        "colour": ASSESSMENT_COLOURS[assessment],
        "reason": report.reason,
        "achievements": report.achievements,
        "risks": report.risks,
        "ask": report.ask_text,
        "author": report.author.display_name if report.author_id else "",
    }


def _summary_entry(summary, cited_actions, cited_indicators):
    """A priority's line in the Board's summary (a reporting.summary.PrioritySummary) as JSON-ready data."""
    report, previous = summary.report, summary.previous
    entry = {"report": None, "previous": None, "awaiting": summary.newer_awaiting}
    if report is None:
        return entry
    entry["report"] = _report_entry(report) | {
        "meeting_id": report.meeting_id,
        "meeting_title": report.meeting.title,
        "meeting_date": _iso(report.meeting.date),
        "ask_kind": report.ask_kind,
        "ask_kind_label": report.get_ask_kind_display(),
        "ask_words": report.ask,
        "actions": cited_actions.get(report.pk, []),
        "indicators": cited_indicators.get(report.pk, []),
    }
    if previous is not None:
        entry["previous"] = {"assessment": previous.assessment, "meeting_date": _iso(previous.meeting.date)}
    return entry


def _summaries(priorities, by):
    """{priority id: its summary entry} by the date `by` (four queries: the reports, those awaiting
    sign-off, and the references of the actions and indicators they cite)."""
    summaries = priority_summaries(priorities, by=by)
    report_ids = [s.report.pk for s in summaries if s.report is not None]
    cited_actions, cited_indicators = {}, {}
    for through, ref, into in (
        (HighlightReport.actions.through, "action__ref", cited_actions),
        (HighlightReport.indicators.through, "indicator__code", cited_indicators),
    ):
        rows = through.objects.filter(highlightreport_id__in=report_ids).order_by(ref)
        for report_id, value in rows.values_list("highlightreport_id", ref):
            into.setdefault(report_id, []).append(value)
    return {s.priority.pk: _summary_entry(s, cited_actions, cited_indicators) for s in summaries}


def plan_as_of(day, meeting_id=None, by=None):
    """The plan as it stood on `day` from approved data (see the module docstring), as JSON-ready data:
    the highlight reports to the meeting `meeting_id`, and each priority's summary from the latest
    approved report to a meeting on or before `by` (the meeting's date; `day` when None).
    Eleven queries whatever the plan's size."""
    priorities = list(Priority.objects.in_number_order())
    latest = _latest_approved_updates(day)
    actions = {}
    for action in Action.objects.select_related("lead").order_by("ref_sort", "pk"):
        actions.setdefault(action.priority_id, []).append(_action_entry(action, latest.get(action.pk), day))
    indicators = {}
    values = Measurement.objects.read_by_the_board().filter(period_end__lte=day).order_by("period_end")
    rebases = Rebase.objects.filter(starts_on__lte=day).order_by("starts_on")
    for indicator in Indicator.objects.prefetch_related(
        Prefetch("measurements", queryset=values), Prefetch("rebases", queryset=rebases)
    ).order_by("code"):
        indicators.setdefault(indicator.priority_id, []).append(_indicator_entry(indicator, day))
    reports = {}
    if meeting_id is not None:
        for report in (
            HighlightReport.objects.approved().filter(meeting_id=meeting_id).select_related("author")
        ):
            reports[report.priority_id] = _report_entry(report)
    summaries = _summaries(priorities, by or day)
    return {
        "version": SNAPSHOT_VERSION,
        "as_of": _iso(day),
        "priorities": [
            {
                "number": priority.number,
                "short_title": priority.short_title,
                "url": priority.get_absolute_url(),
                "report": reports.get(priority.pk),
                "actions": actions.get(priority.pk, []),
                "indicators": indicators.get(priority.pk, []),
                "summary": summaries[priority.pk],
            }
            for priority in priorities
        ],
        "plan_indicators": indicators.get(None, []),
    }


def period_plan(period):
    """plan_as_of for a period: as of its last day, with its Board meeting's reports and summaries."""
    by = period.meeting.date if period.meeting_id else period.end
    return plan_as_of(period.end, period.meeting_id, by)


def close_period(period, *, by, now=None):
    """Close an open period: freeze the plan as of its last day (plan_as_of) in its PeriodSnapshot and
    record who closed it and when. Refuses a period already closed.

    The plan is read before the period is locked, and the snapshot and the period's new status are then
    written in one short transaction that checks again that the period is open (and reads the plan again
    if its last day or its meeting changed meanwhile). Reading takes seconds at ten times the plan; on SQLite,
    where every transaction takes the one write lock, holding it that long would stall every page."""
    now = now or timezone.now()
    period = Period.objects.select_related("meeting").get(pk=period.pk)
    _refuse_closed(period)
    data = period_plan(period)
    with transaction.atomic():
        locked = Period.objects.select_for_update().get(pk=period.pk)  # PostgreSQL: no FOR UPDATE on a join
        _refuse_closed(locked)
        if _reported_on(locked) != _reported_on(period):
            data = period_plan(locked)
        snapshot = PeriodSnapshot.objects.create(period=locked, data=data, taken_at=now, taken_by=by)
        locked.status, locked.closed_by, locked.closed_at = PeriodStatus.CLOSED, by, now
        locked._history_user = by
        locked.save(update_fields=["status", "closed_by", "closed_at", "updated"])
    return snapshot


def _refuse_closed(period):
    if period.is_closed:
        raise ValidationError(f"{period} was closed on {timezone.localtime(period.closed_at):%-d %B %Y}.")


def _reported_on(period):
    """What period_plan reads of the period: its last day and its meeting (and that meeting's date)."""
    return period.end, period.meeting_id, period.meeting.date if period.meeting_id else None


# --- Export ------------------------------------------------------------------------------------------------
SNAPSHOT_CSV_COLUMNS = [
    "as of",
    "priority",
    "kind",
    "reference",
    "title",
    "status",
    "reading",
    "due",
    "latest",
]


def snapshot_rows(data):
    """A snapshot as rows for a CSV: one per action (its latest approved update) and per indicator (its latest
    approved value), in plan order."""
    for priority in data["priorities"]:
        for a in priority["actions"]:
            update = a["latest_update"]
            latest = f"{update['date']}: {update['narrative']}" if update else ""
            yield [
                data["as_of"],
                priority["number"],
                "action",
                a["ref"],
                a["title"],
                a["status_label"],
                a["reading"],
                a["due_text"],
                latest,
            ]
        yield from _indicator_rows(data["as_of"], priority["number"], priority["indicators"])
    yield from _indicator_rows(data["as_of"], "whole plan", data.get("plan_indicators", []))


def _indicator_rows(as_of, priority, indicators):
    for i in indicators:
        latest = (
            f"{i['latest']['text']} for the period ending {i['latest']['period_end']}" if i["latest"] else ""
        )
        yield [
            as_of,
            priority,
            "indicator",
            i["code"],
            i["name"],
            i["status_label"],
            i["reading"],
            "",
            latest,
        ]


# --- Comparing two snapshots ------------------------------------------------------------------------------
def _actions(data):
    return {a["ref"]: a for p in data["priorities"] for a in p["actions"]}


def _indicators(data):
    every = [i for p in data["priorities"] for i in p["indicators"]] + data.get("plan_indicators", [])
    return {i["code"]: i for i in every}


def _reports(data):
    return {p["number"]: (p, p["report"]) for p in data["priorities"] if p["report"]}


@dataclass
class Move:
    """One thing that changed between two snapshots: what it is, what it was and what it is now."""

    ref: str
    title: str
    url: str
    was: str
    now: str
    direction: str = "same"  # better, worse or same


@dataclass
class Comparison:
    """What changed from one snapshot (`before`) to a later one (`after`), each list in plan order."""

    better: list = field(default_factory=list)  # Move: actions whose status or schedule improved
    worse: list = field(default_factory=list)  # Move: actions whose status or schedule worsened
    new_actions: list = field(default_factory=list)  # the action's entry in `after`
    removed_actions: list = field(default_factory=list)  # the action's entry in `before`
    completed: list = field(default_factory=list)  # Move to Complete
    indicators: list = field(default_factory=list)  # Move: latest value changed
    assessments: list = field(default_factory=list)  # Move: highlight report assessment changed
    updates: list = field(default_factory=list)  # Move: a different latest update, same status

    @property
    def count(self):
        return sum(
            len(part)
            for part in (
                self.better,
                self.worse,
                self.new_actions,
                self.removed_actions,
                self.completed,
                self.indicators,
                self.assessments,
                self.updates,
            )
        )


def _action_words(entry):
    return entry["status_label"] + (", overdue" if entry["overdue"] else "")


def compare(before, after):
    """A Comparison of two snapshots' data (or a snapshot and plan_as_of for the same day: its
    corrections). No database."""
    result = Comparison()
    old_actions, new_actions = _actions(before), _actions(after)
    for ref, now in new_actions.items():
        was = old_actions.get(ref)
        if was is None:
            result.new_actions.append(now)
            continue
        move = Move(ref, now["title"], now["url"], _action_words(was), _action_words(now))
        if now["status"] == Status.COMPLETE and was["status"] != Status.COMPLETE:
            move.direction = "better"
            result.completed.append(move)
            continue
        was_rank = (STATUS_RANK[Status(was["status"])], was["overdue"])
        now_rank = (STATUS_RANK[Status(now["status"])], now["overdue"])
        if now_rank != was_rank or was["due_date"] != now["due_date"]:
            if now_rank == was_rank:  # only the due date moved
                move.was = f"{move.was} (due {was['due_text']})"
                move.now = f"{move.now} (due {now['due_text']})"
            move.direction = "better" if now_rank < was_rank else "worse"
            (result.better if move.direction == "better" else result.worse).append(move)
        elif was["latest_update"] != now["latest_update"] or was["title"] != now["title"]:
            move.was = _update_words(was)
            move.now = _update_words(now)
            result.updates.append(move)
    result.removed_actions = [entry for ref, entry in old_actions.items() if ref not in new_actions]

    old_indicators = _indicators(before)
    for code, now in _indicators(after).items():
        was = old_indicators.get(code)
        if was is None or was["latest"] == now["latest"]:
            continue
        move = Move(
            code,
            now["name"],
            now["url"],
            _value_words(was),
            _value_words(now),
        )
        was_rank, now_rank = (
            INDICATOR_RANK[IndicatorStatus(was["status"])],
            INDICATOR_RANK[IndicatorStatus(now["status"])],
        )
        if now_rank != was_rank:
            move.direction = "better" if now_rank < was_rank else "worse"
        elif was["latest"] and now["latest"]:
            moved = travel(
                was["latest"]["value"], now["latest"]["value"], lower_is_better=now["lower_is_better"]
            )
            move.direction = {Travel.IMPROVING: "better", Travel.WORSENING: "worse"}.get(moved, "same")
        result.indicators.append(move)

    old_reports = _reports(before)
    for number, (priority, now) in _reports(after).items():
        was = old_reports.get(number, (None, None))[1]
        if was is not None and was["assessment"] == now["assessment"] and was["reason"] == now["reason"]:
            continue
        change = change_between(was["assessment"] if was else None, now["assessment"])
        result.assessments.append(
            Move(
                f"Priority {number}",
                priority["short_title"],
                priority["url"],
                f"{was['assessment_label']}: {was['reason']}" if was else "No report",
                f"{now['assessment_label']}: {now['reason']}",
                {Change.BETTER: "better", Change.WORSE: "worse"}.get(change, "same"),
            )
        )
    return result


def _update_words(entry):
    update = entry["latest_update"]
    if update is None:
        return "No update"
    return f"{update['status_label']} on {update['date']}: {update['narrative']}"


def _value_words(entry):
    latest = entry["latest"]
    if latest is None:
        return "No value"
    return f"{latest['text']} for the period ending {latest['period_end']} ({entry['status_label']})"


CORRECTIONS_CACHE_SECONDS = 24 * 60 * 60


def _data_key():
    """What plan_as_of reads, as a cache key: the number and latest change of the rows it reads (a deletion
    lowers a count, a save moves a latest change, an approval sets reviewed_at). Five small queries."""
    parts = []
    for model, fields in (
        (Action, ("updated",)),
        (ProgressUpdate, ("created", "reviewed_at")),
        (Measurement, ("updated", "reviewed_at")),
        (Rebase, ("updated",)),
        (HighlightReport, ("updated", "reviewed_at")),
    ):
        facts = model.objects.order_by().aggregate(count=Count("pk"), **{f: Max(f) for f in fields})
        parts.append(",".join(str(facts[name]) for name in ("count", *fields)))
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]


def corrections(period):
    """What changed after `period` closed in what it reported: its snapshot against the plan rebuilt from
    today's approved data as of the same day (a Comparison; empty when nothing was corrected). Kept in the
    cache until any row plan_as_of reads changes (rebuilding takes about a second at ten times Lancashire's
    plan)."""
    key = f"reporting:corrections:v{SNAPSHOT_VERSION}:{period.pk}:{_data_key()}"
    result = cache.get(key)
    if result is None:
        result = compare(period.snapshot.data, period_plan(period))
        cache.set(key, result, CORRECTIONS_CACHE_SECONDS)
    return result
