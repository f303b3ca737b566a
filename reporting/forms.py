"""The highlight report form: the assessment (each choice with its meaning), the reason in a sentence,
achievements, risks and issues, the ask of the Board, and the actions and indicators it cites."""

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms

from reporting.models import ASK_MEANINGS, MEANINGS, Ask, Assessment, HighlightReport
from send_portal.forms import VersionedForm


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
