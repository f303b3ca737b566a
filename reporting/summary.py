"""Each priority's judged status for the Board: its latest highlight report, the one before it and the
change between them. One function for the dashboard and the board pack (two queries, whatever the
number of meetings or reports). Imports no governance module, so the pack can call it."""

from dataclasses import dataclass

from django.db.models import F, Prefetch, Window
from django.db.models.functions import RowNumber

from actions.models import Action
from indicators.models import Indicator
from reporting.models import Ask, Change, HighlightReport, change_between

CHANGE_COLOURS = {Change.BETTER: "green", Change.SAME: "grey", Change.WORSE: "red", Change.FIRST: "grey"}


@dataclass(frozen=True)
class PrioritySummary:
    """A priority's line in the Board's summary: `report` is None when no report is written yet."""

    priority: object
    report: HighlightReport | None
    previous: HighlightReport | None
    # Meetings (ids) to which a report of this priority awaits sign-off: not yet what the Board reads.
    awaiting_meetings: frozenset = frozenset()

    @property
    def newer_awaiting(self):
        """A report of this priority awaits sign-off (usually the one written for the next Board): the
        Board's pages say so beside the approved report they show."""
        return bool(self.awaiting_meetings)

    @property
    def change(self):
        if self.report is None:
            return None
        return change_between(self.previous.assessment if self.previous else None, self.report.assessment)

    @property
    def change_colour(self):
        return CHANGE_COLOURS[self.change] if self.change else "grey"

    @property
    def change_text(self):
        return change_words(self.change, self.previous.meeting.date if self.previous else None)


def change_words(change, previous_meeting_date):
    """ "Better than at the Board of 12 January 2026", or "First report" (also for no report: None)."""
    if change is None or change == Change.FIRST:
        return Change.FIRST.label
    since = f"the Board of {previous_meeting_date:%-d %B %Y}"
    return f"Same as at {since}" if change == Change.SAME else f"{change.label} than at {since}"


def priority_summaries(priorities, *, by=None, with_citations=False):
    """A PrioritySummary per priority (in the order given), from the latest approved highlight report to
    a meeting on or before the date `by` (any date when None) and the approved report before it; reports
    awaiting sign-off are named (awaiting_meetings), not read. Two queries (three more `with_citations`,
    for the actions and indicators the reports cite, the indicators' values and rebases)."""
    priorities = list(priorities)
    every = HighlightReport.objects.filter(priority__in=[p.pk for p in priorities])
    if by is not None:
        every = every.filter(meeting__date__lte=by)
    waiting = {}
    for priority_id, meeting_id in (
        every.awaiting_sign_off().order_by().values_list("priority_id", "meeting_id")
    ):
        waiting.setdefault(priority_id, set()).add(meeting_id)
    reports = every.approved()
    ranked = reports.annotate(
        rank=Window(
            RowNumber(),
            partition_by=[F("priority_id")],
            order_by=[F("meeting__date").desc(), F("pk").desc()],
        )
    ).filter(rank__lte=2)
    ranked = ranked.select_related("meeting", "author").order_by("priority_id", "rank")
    if with_citations:
        ranked = ranked.prefetch_related(
            Prefetch("actions", queryset=Action.objects.order_by("ref_sort")),
            Prefetch("indicators", queryset=Indicator.objects.with_spc().order_by("code")),  # for .reading
        )
    latest, previous = {}, {}
    for report in ranked:
        (latest if report.rank == 1 else previous)[report.priority_id] = report
    return [
        PrioritySummary(p, latest.get(p.pk), previous.get(p.pk), frozenset(waiting.get(p.pk, ())))
        for p in priorities
    ]


def decisions_sought(summaries):
    """The summaries whose report asks the Board for a decision."""
    return [s for s in summaries if s.report is not None and s.report.ask_kind == Ask.DECISION]
