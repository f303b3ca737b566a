"""The import's forms: choose the file, then say which field each column holds."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Layout, Size, Submit
from django import forms
from django.utils.html import escape

from send_portal.plan_import.fields import FIELDS
from send_portal.plan_import.files import MAX_FILE_BYTES, FileRefused, read_plan_file

NOTES = ""  # the choice that keeps a column as notes
UPDATE, REPLACE = "update", "replace"
RECORD_NAMES = {"priority": "Priority", "action": "Action", "indicator": "Indicator"}
FIELD_CHOICES = [(NOTES, "Keep as notes on the record")] + [
    (record_label, [(f.key, f.header) for f in FIELDS if f.record == record])
    for record, record_label in RECORD_NAMES.items()
]


class PlanFileForm(forms.Form):
    """Choose the plan's XLSX or CSV file; it is read and checked here, and nothing of it is kept."""

    file = forms.FileField(
        label="The plan's spreadsheet",
        help_text=f"An Excel workbook (.xlsx) or a CSV file, up to {MAX_FILE_BYTES // 1024 // 1024} MB.",
        error_messages={
            "required": "Select the plan's spreadsheet",
            "empty": "The selected file is empty",
            "invalid": "Select the plan's spreadsheet",
        },
    )

    mode = forms.ChoiceField(
        label="What the file does",
        choices=[
            (UPDATE, "Update the plan: match records by reference and show what changes"),
            (
                REPLACE,
                "Replace the plan: a new plan version; the current one is kept, read-only, to look back on",
            ),
        ],
        initial=UPDATE,
        required=False,  # not chosen: update, the safe choice
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(Field("file"), Field.radios("mode", legend_size=Size.SMALL))
        self.helper.add_input(Submit("upload", "Continue"))

    def clean_mode(self):
        return self.cleaned_data.get("mode") or UPDATE

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                f"The selected file must be smaller than {MAX_FILE_BYTES // 1024 // 1024} MB"
            )
        try:
            self.sheets = read_plan_file(upload.read(), upload.name)
        except FileRefused as error:
            raise forms.ValidationError(str(error)) from None
        return upload


class ColumnMappingForm(forms.Form):
    """One choice per column of each sheet: the portal field it holds, or notes. Starts from `initial`
    ({(sheet index, column index): field key or None}) and shows a sample of each column's values."""

    def __init__(self, *args, sheets, initial_choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.sheets = sheets
        fieldsets = []
        for s, sheet in enumerate(sheets):
            names = []
            for c, header in enumerate(sheet.headers):
                if not header:
                    continue
                name = f"s{s}c{c}"
                samples = [
                    str(cells[c]) for _, cells in sheet.rows[:3] if c < len(cells) and cells[c] is not None
                ]
                self.fields[name] = forms.ChoiceField(
                    label=escape(header),  # crispy-forms-gds prints labels, hints and legends |safe
                    choices=FIELD_CHOICES,
                    required=False,
                    initial=initial_choices.get((s, c)) or NOTES,
                    help_text=escape("For example: " + "; ".join(sample[:60] for sample in samples))
                    if samples
                    else "Empty",
                )
                names.append(Field.select(name, label_size=Size.SMALL))
            fieldsets.append(
                Fieldset(
                    *names,
                    legend=escape(f"Sheet '{sheet.name}' ({len(sheet.rows)} rows)"),
                    legend_size=Size.MEDIUM,
                )
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*fieldsets)

    def mapping(self):
        """The choices as an import mapping ({sheet name: {header: field key or None}})."""
        mapping = {}
        for s, sheet in enumerate(self.sheets):
            columns = mapping.setdefault(sheet.name, {})
            for c, header in enumerate(sheet.headers):
                if header:
                    columns[header] = self.cleaned_data.get(f"s{s}c{c}") or None
        return mapping
