"""Highlight reports: what a workstream lead tells each Board meeting about their priority.

Imports no governance module (meetings are named by string), so the board pack can read reports.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from send_portal.models import ReviewedModel, ReviewQuerySet, TimeStampedModel, VersionedModel
from send_portal.rules import is_administrator, is_operations


class Assessment(models.TextChoices):
    """The overall assessment of a priority, from a fixed scale; MEANINGS says what each one means."""

    ON_TRACK = "on_track", "On track"
    SOME_CONCERNS = "some_concerns", "Some concerns"
    SIGNIFICANT_CONCERNS = "significant_concerns", "Significant concerns"
    COMPLETE = "complete", "Complete"


# Shown where the assessment is chosen, and in the board pack's key.
MEANINGS = {
    Assessment.ON_TRACK: "Delivery and impact are where the plan expects them to be. The workstream needs "
    "nothing from the Board beyond its usual oversight.",
    Assessment.SOME_CONCERNS: "Some actions or indicators are behind, but the workstream has a credible plan "
    "to recover them with its own resources.",
    Assessment.SIGNIFICANT_CONCERNS: "The priority will not be delivered as planned without a change: the "
    "workstream needs a decision or support from the Board.",
    Assessment.COMPLETE: "The priority's actions are delivered and their impact is evidenced; the workstream "
    "reports for monitoring only.",
}
# GOV.UK tag modifier for each assessment ("" is the plain blue tag); the word is always shown with it.
ASSESSMENT_COLOURS = {
    Assessment.ON_TRACK: "green",
    Assessment.SOME_CONCERNS: "yellow",
    Assessment.SIGNIFICANT_CONCERNS: "red",
    Assessment.COMPLETE: "",
}
# Better is lower: the change since the last Board compares these.
ASSESSMENT_RANK = {
    Assessment.COMPLETE: 0,
    Assessment.ON_TRACK: 1,
    Assessment.SOME_CONCERNS: 2,
    Assessment.SIGNIFICANT_CONCERNS: 3,
}


class Ask(models.TextChoices):
    """What the workstream asks of the Board."""

    DECISION = "decision", "Decision"
    SUPPORT = "support", "Support"
    NONE = "none", "None"


ASK_MEANINGS = {
    Ask.DECISION: "The Board is asked to decide something only it can decide.",
    Ask.SUPPORT: "The Board is asked to help: unblock, lend its weight or find resources.",
    Ask.NONE: "The workstream asks nothing of the Board this time.",
}


class Change(models.TextChoices):
    """A priority's change since the last Board: its assessment against the previous report's."""

    BETTER = "better", "Better"
    SAME = "same", "Same"
    WORSE = "worse", "Worse"
    FIRST = "first", "First report"


def change_between(previous, current):
    """Better, same or worse from the `previous` assessment to the `current` one; FIRST without a previous."""
    if previous is None:
        return Change.FIRST
    was, now = ASSESSMENT_RANK[Assessment(previous)], ASSESSMENT_RANK[Assessment(current)]
    if now < was:
        return Change.BETTER
    return Change.SAME if now == was else Change.WORSE


class HighlightReportQuerySet(ReviewQuerySet):
    def visible_to(self, user):
        """Every signed-in role reads every report."""
        return self if user.is_authenticated else self.none()

    def editable_by(self, user):
        """Reports the user may write: the twin of reporting.change_highlightreport."""
        if not user.is_authenticated:
            return self.none()
        if is_operations(user) or is_administrator(user):
            return self
        return self.filter(priority__lead=user)

    def for_summary(self):
        return self.select_related("priority", "meeting", "author")


class HighlightReport(ReviewedModel, TimeStampedModel, VersionedModel):
    """A priority's highlight report to one Board meeting: the assessment and its reason, achievements,
    risks and issues, and the ask of the Board, citing the actions and indicators behind it."""

    priority = models.ForeignKey(
        "actions.Priority", on_delete=models.PROTECT, related_name="highlight_reports"
    )
    meeting = models.ForeignKey(
        "governance.Meeting", on_delete=models.PROTECT, related_name="highlight_reports"
    )
    assessment = models.CharField("overall assessment", max_length=30, choices=Assessment)
    reason = models.CharField(
        "the reason, in one sentence", max_length=300, help_text="Why this assessment, in one sentence."
    )
    achievements = models.TextField("achievements since the last report", blank=True)
    risks = models.TextField("risks and issues", blank=True)
    ask_kind = models.CharField("what the workstream asks of the Board", max_length=20, choices=Ask)
    ask = models.TextField("the ask, in words", blank=True)
    actions = models.ManyToManyField("actions.Action", blank=True, related_name="highlight_reports")
    indicators = models.ManyToManyField("indicators.Indicator", blank=True, related_name="highlight_reports")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="highlight_reports",
    )

    history = HistoricalRecords(m2m_fields=[actions, indicators])
    objects = HighlightReportQuerySet.as_manager()

    class Meta:
        ordering = ["priority__number", "-meeting__date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["priority", "meeting"],
                name="%(app_label)s_%(class)s_one_per_priority_and_meeting",
                violation_error_message="This priority already has a highlight report for this meeting.",
            ),
            models.CheckConstraint(
                condition=Q(ask_kind=Ask.NONE) | ~Q(ask=""),
                name="%(app_label)s_%(class)s_ask_has_words",
                violation_error_message="Say what the workstream asks of the Board.",
            ),
        ]

    def __str__(self):
        return f"Highlight report: priority {self.priority.number} to {self.meeting}"

    def get_absolute_url(self):
        return reverse("reporting:highlightreport_detail", args=[self.pk])

    @property
    def assessment_colour(self):
        return ASSESSMENT_COLOURS[Assessment(self.assessment)]

    @property
    def assessment_meaning(self):
        return MEANINGS[Assessment(self.assessment)]

    @property
    def has_ask(self):
        return self.ask_kind != Ask.NONE

    @property
    def ask_text(self):
        """The ask as the summary shows it: "Decision: approve …", or "None"."""
        if not self.has_ask:
            return Ask.NONE.label
        return f"{self.get_ask_kind_display()}: {self.ask}"
