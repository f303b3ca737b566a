"""The highlight report form: the assessment (each choice with its meaning), the reason in a sentence,
achievements, risks and issues, the ask of the Board, and the actions and indicators it cites."""

import calendar
from datetime import timedelta

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms

from governance.models import GroupKind, Meeting, MeetingStatus
from reporting.models import ASK_MEANINGS, MEANINGS, Ask, Assessment, HighlightReport, Period
from send_portal.forms import DATE_HINT, DateField, VersionedForm, invalid_date


class HighlightReportForm(VersionedForm):
    class Meta:
        model = HighlightReport
        fields = ["assessment", "reason", "achievements", "risks", "ask_kind", "ask", "actions", "indicators"]
        labels = {
            "assessment": "Overall assessment",
            "reason": "The reason, in one sentence",
            "achievements": "Achievements since the last report (optional)",
            "risks": "Risks and issues (optional)",
            "ask_kind": "What do you ask of the Board?",
            "ask": "The ask, in words",
            "actions": "Actions this report cites (optional)",
            "indicators": "Indicators this report cites (optional)",
        }
        help_texts = {
            "reason": "For example: Two of five actions are overdue because EP recruitment failed twice.",
            "ask": "What the Board is asked to decide or do, and by when. Leave empty when you ask nothing.",
        }
        error_messages = {
            "assessment": {"required": "Select the overall assessment of the priority"},
            "reason": {
                "required": "Give the reason for the assessment, in one sentence",
                "max_length": "Give the reason in one sentence of at most 300 characters",
            },
            "ask_kind": {"required": "Select what you ask of the Board, or 'None'"},
        }
        widgets = {
            "assessment": forms.RadioSelect,
            "ask_kind": forms.RadioSelect,
            "actions": forms.CheckboxSelectMultiple,
            "indicators": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, priority, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessment"].choices = [
            Choice(value, label, hint=MEANINGS[Assessment(value)]) for value, label in Assessment.choices
        ]
        self.fields["ask_kind"].choices = [
            Choice(value, label, hint=ASK_MEANINGS[Ask(value)]) for value, label in Ask.choices
        ]
        self.fields["actions"].queryset = priority.actions.order_by("ref_sort")
        self.fields["actions"].label_from_instance = lambda action: f"{action.ref} {action.title}"
        self.fields["indicators"].queryset = priority.indicators.order_by("code")
        self.fields["indicators"].label_from_instance = lambda indicator: f"{indicator.code} {indicator.name}"
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("version"),
            Field.radios("assessment", legend_size=Size.SMALL),
            Field.text("reason", label_size=Size.SMALL),
            Field.textarea("achievements", label_size=Size.SMALL, rows=4),
            Field.textarea("risks", label_size=Size.SMALL, rows=4),
            Field.radios("ask_kind", legend_size=Size.SMALL),
            Field.textarea("ask", label_size=Size.SMALL, rows=3),
            Field.checkboxes("actions", legend_size=Size.SMALL, small=True),
            Field.checkboxes("indicators", legend_size=Size.SMALL, small=True),
        )
        self.helper.add_input(Submit("save", "Save the highlight report"))

    def clean_reason(self):
        reason = " ".join(self.cleaned_data["reason"].split())
        if not reason:
            raise forms.ValidationError("Give the reason for the assessment, in one sentence")
        return reason

    def clean(self):
        cleaned = super().clean()
        ask_kind, ask = cleaned.get("ask_kind"), (cleaned.get("ask") or "").strip()
        cleaned["ask"] = ask
        if ask_kind and ask_kind != Ask.NONE and not ask:
            self.add_error("ask", "Say what you ask the Board to decide or support")
        if ask_kind == Ask.NONE:
            cleaned["ask"] = ""
        return cleaned


# --- Reporting periods and evidence packs -----------------------------------------------------------------
class PeriodForm(forms.ModelForm):
    """Create a reporting period: its days, when updates are due and the Board meeting it reports to."""

    class Meta:
        model = Period
        fields = ["start", "end", "updates_due_by", "meeting"]
        labels = {
            "start": "First day",
            "end": "Last day",
            "updates_due_by": "Updates due by",
            "meeting": "The Improvement Board meeting it reports to (optional)",
        }
        help_texts = {
            "start": DATE_HINT,
            "end": "Updates dated up to this day are in the period.",
            "updates_due_by": "Leads are reminded to post their updates by this day.",
        }
        error_messages = {
            "start": {
                "required": "Enter the first day of the period",
                "invalid": invalid_date("the first day"),
            },
            "end": {"required": "Enter the last day of the period", "invalid": invalid_date("the last day")},
            "updates_due_by": {
                "required": "Enter the day updates are due by",
                "invalid": invalid_date("the day updates are due by"),
            },
        }
        field_classes = {"start": DateField, "end": DateField, "updates_due_by": DateField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        meetings = (
            Meeting.objects.filter(group__kind=GroupKind.BOARD).select_related("group").order_by("-date")
        )
        self.fields["meeting"].queryset = meetings
        self.fields["meeting"].empty_label = "No meeting yet"
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("start", label_size=Size.SMALL, field_width=10),
            Field.text("end", label_size=Size.SMALL, field_width=10),
            Field.text("updates_due_by", label_size=Size.SMALL, field_width=10),
            Field.select("meeting", label_size=Size.SMALL),
        )
        self.helper.add_input(Submit("save", "Create the period"))

    def clean(self):
        cleaned = super().clean()
        start, end, due = cleaned.get("start"), cleaned.get("end"), cleaned.get("updates_due_by")
        if start and end and end < start:
            self.add_error("end", "Enter a last day on or after the first day")
        if start and due and due < start:
            self.add_error("updates_due_by", "Enter a day updates are due by on or after the first day")
        if start and end and Period.objects.filter(start__lte=end, end__gte=start).exists():
            self.add_error("start", "These days overlap another reporting period: start after it ends")
        return cleaned


def next_period_initial(today):
    """The dates a new period is prefilled with: the month after the last period (its days, and updates
    due as many days after its end as the last one's were), or this month with updates due a week after
    it ends; the first Board meeting after updates are due."""
    last = Period.objects.order_by("-end", "-pk").first()
    if last is not None:
        start = last.end + timedelta(days=1)
        lag = last.updates_due_by - last.end
    else:
        start, lag = today.replace(day=1), timedelta(days=7)
    end = start.replace(day=calendar.monthrange(start.year, start.month)[1])
    due = end + lag
    meeting = (
        Meeting.objects.filter(group__kind=GroupKind.BOARD, date__gte=due)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("date", "pk")
        .first()
    )
    return {"start": start, "end": end, "updates_due_by": due, "meeting": meeting}


class EvidencePackForm(forms.Form):
    """The date range of an evidence pack (default: since the plan was approved, to today)."""

    starts_on = DateField(
        label="From",
        help_text=DATE_HINT,
        error_messages={
            "required": "Enter the first day the pack covers",
            "invalid": invalid_date("the first day"),
        },
    )
    ends_on = DateField(
        label="To",
        error_messages={
            "required": "Enter the last day the pack covers",
            "invalid": invalid_date("the last day"),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("starts_on", label_size=Size.SMALL, field_width=10),
            Field.text("ends_on", label_size=Size.SMALL, field_width=10),
        )
        self.helper.add_input(Submit("generate", "Make the evidence pack"))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("starts_on"), cleaned.get("ends_on")
        if start and end and end < start:
            self.add_error("ends_on", "Enter a last day on or after the first day")
        return cleaned
