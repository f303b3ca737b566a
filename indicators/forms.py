"""Forms for recording an indicator's value and uploading values from a CSV file."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError

from indicators.models import Rebase
from indicators.uploads import MAX_BYTES, MAX_SIZE, UploadError, read_csv

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d %m %Y", "%d-%m-%Y", "%d.%m.%Y"]


class ValueField(forms.CharField):
    """An indicator's value as people write it, read by Indicator.parse_value: exactly the spellings the
    CSV upload reads ('9,480', '9480.0', '17.5%'), with the same messages. The form sets `indicator`."""

    indicator = None

    def to_python(self, value):
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        try:
            return self.indicator.parse_value(text)
        except ValidationError as error:
            raise ValidationError(error.messages[0].rstrip("."), code=error.code) from None


class MeasurementForm(forms.Form):
    """Record the value for one period, or correct the value already recorded for it (said explicitly)."""

    period_end = forms.DateField(
        label="Period end",
        input_formats=DATE_FORMATS,
        error_messages={
            "required": "Enter the last day of the period the value describes",
            "invalid": "Enter the period end as a real date, for example 31/01/2026",
        },
    )
    value = ValueField(
        label="Value",
        # GOV.UK Design System: no type=number, and no inputmode=decimal for decimals either, as some
        # phone keypads then have no minus sign (nor the comma or % that this field reads).
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
        error_messages={"required": "Enter the value"},
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        widget=forms.Textarea,
        help_text="Where the figure comes from. When correcting a value, say why it was wrong: the old "
        "value stays in the indicator's history, with who corrected it and when.",
    )
    correct = forms.BooleanField(
        label="This corrects the value already recorded for this period", required=False
    )
    # The version of the value the person was shown (none for a new period): a correction made after
    # someone else's is refused with what they changed (Indicator.record_value, StaleEdit).
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        error_messages={
            k: "This form was changed outside the portal: open it again"
            for k in ("invalid", "min_value", "max_value")
        },
    )

    def __init__(self, *args, indicator, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.fields["value"].indicator = indicator
        self.fields["value"].help_text = indicator.value_hint
        self.fields["period_end"].help_text = (
            "The last day of the period the value describes, for example "
            f"{indicator.freshness().period.end:%d/%m/%Y}."
        )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("period_end", label_size=Size.SMALL, field_width=10),
            Field.text("value", label_size=Size.SMALL, field_width=10),
            Field.textarea("note", label_size=Size.SMALL, rows=3),
            Field.checkbox("correct", small=True),
            Field("version"),
        )
        self.helper.add_input(Submit("save", "Save value"))

    def clean(self):
        cleaned = super().clean()
        value, period_end = cleaned.get("value"), cleaned.get("period_end")
        if value is not None:
            try:
                self.indicator.validate_value(value)
            except ValidationError as error:
                self.add_error("value", error.messages[0].rstrip("."))
        if period_end is None:
            return cleaned
        existing = self.indicator.measurements.filter(period_end=period_end).first()
        if existing is None:
            return cleaned
        if not cleaned.get("correct"):
            self.add_error("correct", self.indicator.already_recorded_message(existing))
            self._shown(existing)
            return cleaned
        if cleaned.get("version") is None:  # ticked for a value this page had not shown
            self.add_error(
                "correct",
                f"The period ending {period_end:%-d %B %Y} already has a value of "
                f"{self.indicator.format_value(existing.value)}. Check it is the value you mean to replace, "
                "then save again",
            )
            self._shown(existing)
        if not cleaned.get("note", "").strip():
            self.add_error("note", "Say why the value is being corrected")
        return cleaned

    def _shown(self, measurement):
        """The page now shows `measurement`'s value: saving again corrects that version of it."""
        self.data = self.data.copy()
        self.data["version"] = measurement.version


class UploadForm(forms.Form):
    """Choose a CSV file of values; it is read and checked here, and nothing is saved."""

    file = forms.FileField(
        label="CSV file",
        help_text=f"Columns: indicator code, period end, value and (optionally) note. Up to {MAX_SIZE}.",
        error_messages={
            "required": "Select a CSV file to upload",
            "empty": "The selected file is empty",
            "invalid": "Select a CSV file to upload",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(Field("file"))
        self.helper.add_input(Submit("preview", "Check the file"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(f"The selected file must be smaller than {MAX_SIZE}")
        try:
            self.parsed = read_csv(upload.read())
        except UploadError as error:
            raise forms.ValidationError(str(error).rstrip(".")) from None
        return upload


class RebaseForm(forms.ModelForm):
    """Record the date from which an indicator's SPC chart starts again, and why."""

    starts_on = forms.DateField(
        label="Rebase date",
        input_formats=DATE_FORMATS,
        error_messages={
            "required": "Enter the date the process changed",
            "invalid": "Enter the rebase date as a real date, for example 01/09/2025",
        },
    )

    class Meta:
        model = Rebase
        fields = ["starts_on", "reason"]
        labels = {"reason": "What changed in the process"}
        error_messages = {
            "reason": {"required": "Say what changed in the process, so the chart starts again"}
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["starts_on"].help_text = (
            "The first value for a period ending on or after this date starts a new mean and new limits. "
            "For example, 01/09/2025."
        )
        self.fields["reason"].help_text = "For example: new EHC process from September 2025."
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("starts_on", label_size=Size.SMALL, field_width=10),
            Field.textarea("reason", label_size=Size.SMALL, rows=3),
        )
        self.helper.add_input(Submit("save", "Rebase the chart"))


class RebaseRemoveForm(forms.Form):
    """Say why a rebase is being removed; its history keeps what it was."""

    reason = forms.CharField(
        label="Why are you removing it?",
        max_length=100,
        help_text="For example: recorded on the wrong indicator. Up to 100 characters.",
        error_messages={
            "required": "Say why the rebase is being removed",
            "max_length": "Say why in 100 characters or fewer",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(Field.text("reason", label_size=Size.SMALL))
        self.helper.add_input(Submit("remove", "Remove the rebase", css_class="govuk-button--warning"))
