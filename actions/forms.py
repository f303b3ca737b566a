"""Forms for posting progress updates and editing an action's details."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from actions.models import Action, ProgressUpdate, Status, missing_update_details
from send_portal.forms import DATE_HINT, DateField, VersionedForm, invalid_date

# Evidence files: allowed extensions and the bytes each kind of file must start with.
EVIDENCE_TYPES = {
    "pdf": [b"%PDF"],
    "docx": [b"PK\x03\x04"],
    "xlsx": [b"PK\x03\x04"],
    "pptx": [b"PK\x03\x04"],
    "odt": [b"PK\x03\x04"],
    "ods": [b"PK\x03\x04"],
    "odp": [b"PK\x03\x04"],
    "doc": [b"\xd0\xcf\x11\xe0"],
    "xls": [b"\xd0\xcf\x11\xe0"],
    "ppt": [b"\xd0\xcf\x11\xe0"],
    "png": [b"\x89PNG"],
    "jpg": [b"\xff\xd8\xff"],
    "jpeg": [b"\xff\xd8\xff"],
    "gif": [b"GIF87a", b"GIF89a"],
    "csv": None,  # text: checked by decoding instead
}


def validate_evidence_file(upload):
    """Accept only allow-listed document and image types within the size limit."""
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in EVIDENCE_TYPES:
        raise forms.ValidationError(
            "The evidence file must be a PDF, an Office or OpenDocument file, an image (PNG, JPEG, GIF) or a CSV."
        )
    if upload.size > settings.EVIDENCE_MAX_BYTES:
        raise forms.ValidationError(
            f"The evidence file must be smaller than {filesizeformat(settings.EVIDENCE_MAX_BYTES)}."
        )
    head = upload.read(2048)
    upload.seek(0)
    signatures = EVIDENCE_TYPES[extension]
    if signatures is None:
        try:
            head.decode("utf-8")
        except UnicodeDecodeError:
            try:
                head.decode("cp1252")
            except UnicodeDecodeError:
                raise forms.ValidationError("The CSV file must be text.") from None
    elif not any(head.startswith(signature) for signature in signatures):
        raise forms.ValidationError(
            f"The file is not a real .{extension} file. Check it and upload it again."
        )


class ProgressUpdateForm(forms.ModelForm):
    """Post a progress update: the new status, what happened, evidence and next steps."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = ProgressUpdate
        fields = ["status", "narrative", "mitigation", "evidence_link", "evidence_file", "next_steps"]
        labels = {
            "status": "Status now",
            "narrative": "Progress since the last update",
            "mitigation": "What is being done about it",
            "evidence_link": "Link to evidence (optional)",
            "evidence_file": "Upload evidence (optional)",
            "next_steps": "Next steps (optional)",
        }
        help_texts = {
            "mitigation": "Required when the action is at risk or off track.",
            "evidence_link": "For example a link to a report or minutes on the council's SharePoint.",
            "evidence_file": "PDF, Office document, image or CSV, up to "
            f"{filesizeformat(settings.EVIDENCE_MAX_BYTES)}. Required with a link or file when marking complete.",
        }
        error_messages = {
            "status": {"required": "Select the action's status now"},
            "narrative": {"required": "Describe the progress made since the last update"},
            "evidence_link": {"invalid": "Enter a full web address for the evidence, starting https://"},
        }
        widgets = {"status": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = list(Status.choices)
        self.fields["evidence_file"].validators.append(validate_evidence_file)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("version"),
            Field.radios("status", legend_size=Size.MEDIUM),
            Field.textarea("narrative", label_size=Size.SMALL, rows=5),
            Field.textarea("mitigation", label_size=Size.SMALL, rows=3),
            Field.text("evidence_link", label_size=Size.SMALL),
            Field("evidence_file"),
            Field.textarea("next_steps", label_size=Size.SMALL, rows=3),
        )
        self.helper.add_input(Submit("save", "Save update"))

    def clean(self):
        cleaned = super().clean()
        has_evidence = bool(cleaned.get("evidence_link") or cleaned.get("evidence_file"))
        for field, message in missing_update_details(
            cleaned.get("status"), cleaned.get("mitigation"), has_evidence
        ).items():
            self.add_error(field, message)
        return cleaned

    def update_details(self):
        """The fields to pass to Action.record_update, beyond status and narrative."""
        upload = self.cleaned_data.get("evidence_file")
        return {
            "mitigation": self.cleaned_data["mitigation"],
            "evidence_link": self.cleaned_data["evidence_link"],
            "evidence_file": upload or "",
            "evidence_name": upload.name[:255] if upload else "",
            "next_steps": self.cleaned_data["next_steps"],
        }


class ActionForm(VersionedForm):
    """Edit an action's details and revise its due date (the original due date never changes here)."""

    version = forms.IntegerField(widget=forms.HiddenInput)  # required: this form only edits

    class Meta:
        model = Action
        fields = [
            "title",
            "description",
            "lead",
            "lead_role",
            "lead_organisation",
            "start_date",
            "revised_due_date",
            "revision_reason",
            "expected_impact",
        ]
        labels = {"lead": "Lead (portal user)", "lead_role": "Lead as named in the plan"}
        help_texts = {
            "start_date": DATE_HINT,
            "revised_due_date": f"{DATE_HINT} Leave empty to keep the original due date. The original date "
            "stays on record.",
        }
        error_messages = {
            "title": {"required": "Enter the action's title"},
            "start_date": {"invalid": invalid_date("the start date")},
            "revised_due_date": {"invalid": invalid_date("the revised due date")},
        }
        field_classes = {"start_date": DateField, "revised_due_date": DateField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from send_portal.models import User

        self.fields["lead"].queryset = User.objects.filter(is_active=True).order_by("username")
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("version"),
            Field.text("title", label_size=Size.SMALL),
            Field.textarea("description", label_size=Size.SMALL, rows=4),
            Field.select("lead"),
            Field.text("lead_role", label_size=Size.SMALL),
            Field.select("lead_organisation"),
            Field.text("start_date", label_size=Size.SMALL, field_width=10),
            Field.text("revised_due_date", label_size=Size.SMALL, field_width=10),
            Field.textarea("revision_reason", label_size=Size.SMALL, rows=3),
            Field.textarea("expected_impact", label_size=Size.SMALL, rows=3),
        )
        self.helper.add_input(Submit("save", "Save changes"))

    def clean(self):
        cleaned = super().clean()
        revised = cleaned.get("revised_due_date")
        if (
            revised
            and revised != self.instance.revised_due_date
            and not cleaned.get("revision_reason", "").strip()
        ):
            self.add_error("revision_reason", "Give the reason the due date was revised")
        start = cleaned.get("start_date")
        if start and start > self.instance.due_date:
            self.add_error("start_date", "The start date must be on or before the original due date")
        return cleaned
