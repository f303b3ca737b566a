"""The board pack of a meeting whose reporting period is closed, read from that period's snapshot alone.

`pack_as_reported(period)` gives the parts of governance.services.board_pack_context that describe the plan
(each priority's summary line and ask, the actions by status, the actions needing attention, the
indicators' counts, "where should the Board look" and the indicators for the appendix) in the shapes the
pack's template reads from live data, so one template serves both. Nothing here reads the plan's tables:
a correction made after the period closed does not change a pack built from it. Meeting records (agenda,
decisions, escalations, the action log, what families said) are the meeting's own and stay live.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from actions.models import TAG_COLOURS, Status
from indicators.digests import SummaryRow
from indicators.spc_reading import Verdict
from indicators.status import IndicatorStatus
from reporting.models import Ask, Assessment, Period, change_between
from reporting.summary import change_words


def reported_period(meeting):
    """The closed period that reports to `meeting`, with its snapshot, or None (one query)."""
    return (
        Period.objects.closed()
        .filter(meeting=meeting)
        .select_related("snapshot", "closed_by")
        .order_by("-end", "-pk")
        .first()
    )


def _day(text):
    return date.fromisoformat(text) if text else None


@dataclass(frozen=True)
class ReportedReading:
    status: Status
    details: str


@dataclass(frozen=True)
class ReportedAction:
    """An action as the snapshot reported it, shaped as the pack's tables read an Action."""

    ref: str
    title: str
    lead_name: str
    url: str
    reading: ReportedReading
    latest_date: object
    latest_narrative: str
    latest_mitigation: str

    def get_absolute_url(self):
        return self.url


def reported_needing_attention(data):
    """The snapshot's actions at risk, off track or overdue, the most serious first (off track, then
    overdue by due date, then at risk): the order of ActionQuerySet.needing_attention, applied to what was
    reported."""
    rows = []
    for priority in data["priorities"]:
        for entry in priority["actions"]:
            status = Status(entry["status"])
            if status not in (Status.AT_RISK, Status.OFF_TRACK) and not entry["overdue"]:
                continue
            severity = 0 if status == Status.OFF_TRACK else (1 if entry["overdue"] else 2)
            update = entry["latest_update"] or {}
            action = ReportedAction(
                ref=entry["ref"],
                title=entry["title"],
                lead_name=entry["lead"],
                url=entry["url"],
                reading=ReportedReading(status, entry.get("details", "")),
                latest_date=_day(update.get("date")),
                latest_narrative=update.get("narrative", ""),
                latest_mitigation=update.get("mitigation", ""),
            )
            rows.append(((severity, entry["due_date"] or "", entry["ref"]), action))
    return [action for _, action in sorted(rows, key=lambda row: row[0])]


# --- Each priority's summary line ---------------------------------------------------------------------------
@dataclass(frozen=True)
class ReportedPriority:
    """A priority as the snapshot names it, with its actions counted by status as reported."""

    number: int
    short_title: str
    url: str
    status_counts: list = field(default_factory=list)  # (Status, tag colour, count), as Priority's
    total: int = 0
    overdue: int = 0
    stale: int = 0

    def get_absolute_url(self):
        return self.url


@dataclass(frozen=True)
class Cited:
    """An action or indicator a highlight report cites, with its reading as reported."""

    ref: str
    title: str
    url: str
    reading: str

    code = property(lambda self: self.ref)
    name = property(lambda self: self.title)

    def get_absolute_url(self):
        return self.url


@dataclass(frozen=True)
class CitedList:
    items: tuple

    def all(self):
        return self.items


@dataclass(frozen=True)
class ReportedMeeting:
    title: str
    date: date | None


@dataclass(frozen=True)
class ReportedAuthor:
    display_name: str


@dataclass(frozen=True)
class ReportedReport:
    """A highlight report as the snapshot kept it, shaped as the pack reads a HighlightReport."""

    assessment: str
    reason: str
    achievements: str
    risks: str
    ask_kind: str
    ask: str
    meeting_id: int
    meeting: ReportedMeeting
    author: ReportedAuthor
    actions: CitedList
    indicators: CitedList

    @property
    def has_ask(self):
        return self.ask_kind != Ask.NONE

    def get_assessment_display(self):
        return Assessment(self.assessment).label

    def get_ask_kind_display(self):
        return Ask(self.ask_kind).label


@dataclass(frozen=True)
class ReportedSummary:
    """A priority's line in the Board's summary as reported: the twin of reporting.summary.PrioritySummary."""

    priority: ReportedPriority
    report: ReportedReport | None
    previous_assessment: str | None
    previous_meeting_date: date | None
    newer_awaiting: bool

    @property
    def change(self):
        if self.report is None:
            return None
        return change_between(self.previous_assessment, self.report.assessment)

    @property
    def change_text(self):
        return change_words(self.change, self.previous_meeting_date)


def _priority(entry):
    actions = entry["actions"]
    counts = {status: 0 for status in Status}
    for action in actions:
        counts[Status(action["status"])] += 1
    return ReportedPriority(
        number=entry["number"],
        short_title=entry["short_title"],
        url=entry["url"],
        status_counts=[(status, TAG_COLOURS[status], count) for status, count in counts.items()],
        total=len(actions),
        overdue=sum(1 for action in actions if action["overdue"]),
        stale=sum(1 for action in actions if action["stale"]),
    )


def _report(summary, actions, indicators):
    report = summary["report"]

    def cited(refs, every, title):
        found = [every[ref] for ref in refs if ref in every]
        return CitedList(
            tuple(Cited(e.get("ref") or e["code"], e[title], e["url"], e["reading"]) for e in found)
        )

    return ReportedReport(
        assessment=report["assessment"],
        reason=report["reason"],
        achievements=report["achievements"],
        risks=report["risks"],
        ask_kind=report["ask_kind"],
        ask=report["ask_words"],
        meeting_id=report["meeting_id"],
        meeting=ReportedMeeting(report["meeting_title"], _day(report["meeting_date"])),
        author=ReportedAuthor(report["author"]),
        actions=cited(report["actions"], actions, "title"),
        indicators=cited(report["indicators"], indicators, "name"),
    )


def reported_summaries(data):
    """(ReportedPriority list, ReportedSummary list) in plan order, from a snapshot."""
    actions = {a["ref"]: a for p in data["priorities"] for a in p["actions"]}
    indicators = {i["code"]: i for i in _every_indicator(data)}
    priorities, summaries = [], []
    for entry in data["priorities"]:
        priority = _priority(entry)
        summary = entry.get("summary") or {"report": None, "previous": None, "awaiting": False}
        previous = summary["previous"] or {}
        priorities.append(priority)
        summaries.append(
            ReportedSummary(
                priority=priority,
                report=_report(summary, actions, indicators) if summary["report"] else None,
                previous_assessment=previous.get("assessment"),
                previous_meeting_date=_day(previous.get("meeting_date")),
                newer_awaiting=summary["awaiting"],
            )
        )
    return priorities, summaries


# --- Indicators -----------------------------------------------------------------------------------------------
def _every_indicator(data):
    return [i for p in data["priorities"] for i in p["indicators"]] + data.get("plan_indicators", [])


def _verdict(entry):
    return Verdict(entry["kind"], entry["key"], entry["icon_name"], entry["label"])


def _row(entry):
    latest = entry["latest"] or {}
    return SummaryRow(
        code=entry["code"],
        name=entry["name"],
        latest_value=latest.get("text", ""),
        latest_period=_day(latest.get("period_end")),
        target=entry["target_value"],
        target_date=_day(entry["target_date"]),
        variation=_verdict(entry["variation"]),
        assurance=_verdict(entry["assurance"]),
        reading=entry["reading"],
    )


@dataclass(frozen=True)
class ReportedValue:
    """One approved value as the snapshot kept it, shaped as the pack and the chart read a Measurement."""

    period_end: date
    value: Decimal
    formatted_value: str
    is_illustrative: bool
    note: str


@dataclass(frozen=True)
class ReportedIndicator:
    """An indicator as reported: its words, status and reading, and its approved values by the period's end."""

    code: str
    name: str
    url: str
    baseline_text: str
    target_text: str
    direction: str
    provenance: str
    status_label: str
    sentence: str
    values: tuple  # ReportedValue, period order

    def get_absolute_url(self):
        return self.url

    def get_direction_display(self):
        return self.direction


@dataclass
class ReportedIndicators:
    """The snapshot's indicators as the pack counts and ranks them: the twin of indicators.digests'
    IndicatorOverview, over what was reported."""

    entries: list

    @property
    def count(self):
        return len(self.entries)

    @property
    def off_track(self):
        return sum(1 for e in self.entries if e["status"] == IndicatorStatus.OFF_TRACK)

    @property
    def overdue(self):
        return sum(1 for e in self.entries if e["data_overdue"])

    def _by_attention(self, count):
        return sorted(self.entries, key=lambda e: e["attention"])[:count]  # stable: plan order kept

    def where_to_look(self, count):
        """Up to `count` SummaryRows, needing attention first."""
        return [_row(e) for e in self._by_attention(count)]

    @property
    def rows(self):
        return [_row(e) for e in self.entries]

    def to_look_at_in_full(self, count):
        """The first `count` to look at, in plan order, as ReportedIndicators with their values."""
        wanted = {e["code"] for e in self._by_attention(count)}
        return [_indicator(e) for e in self.entries if e["code"] in wanted]


def _indicator(entry):
    texts = dict((day, text) for day, text in entry["values"])
    values = tuple(
        ReportedValue(_day(day), Decimal(value), texts.get(day, value), illustrative, note)
        for day, value, illustrative, note in entry["points"]
    )
    return ReportedIndicator(
        code=entry["code"],
        name=entry["name"],
        url=entry["url"],
        baseline_text=entry["baseline"],
        target_text=entry["target"],
        direction=entry["direction"],
        provenance=entry["provenance"],
        status_label=entry["status_label"],
        sentence=entry["sentence"],
        values=values,
    )


def reported_indicators(data):
    """ReportedIndicators over every indicator of a snapshot (the priorities' and the whole plan's)."""
    return ReportedIndicators(_every_indicator(data))
