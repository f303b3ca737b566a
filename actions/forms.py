"""Forms for posting progress updates and editing an action's details."""

import uuid
from datetime import timedelta

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.conf import settings
from django.core import signing
from django.core.files import File
from django.core.files.storage import default_storage
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.html import format_html

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


KEPT_EVIDENCE_DIR = "evidence/kept"  # uploads kept while a refused form is corrected
KEPT_EVIDENCE_MAX_AGE = 60 * 60 * 24  # seconds a kept upload's reference stays good


class ProgressUpdateForm(forms.ModelForm):
    """Post a progress update: the new status, what happened, evidence and next steps; on an overdue
    action also why it is still overdue or (for those who may revise dates) a new due date.

    `action` is the action updated, `user` the person posting, and `can_revise_date` whether they may
    revise its due date. A valid evidence file on a refused post is kept (keep_evidence), so the person
    does not attach it again.
    """

    version = forms.IntegerField(widget=forms.HiddenInput)
    kept_evidence = forms.CharField(widget=forms.HiddenInput, required=False)
    revised_due_date = forms.DateField(
        label="New due date (optional)",
        required=False,
        error_messages={"invalid": "Enter the new due date as a real date, for example 30/06/2027"},
    )
    revision_reason = forms.CharField(
        label="Reason for the new due date", required=False, widget=forms.Textarea
    )

    class Meta:
        model = ProgressUpdate
        fields = [
            "status",
            "narrative",
            "mitigation",
            "overdue_reason",
            "evidence_link",
            "evidence_file",
            "impact_narrative",
            "impact_link",
            "impact_file",
            "next_steps",
        ]
        labels = {
            "status": "Status now",
            "narrative": "Progress since the last update",
            "mitigation": "What is being done about it",
            "overdue_reason": "Why is the action still overdue?",
            "evidence_link": "Link to evidence (optional)",
            "evidence_file": "Upload evidence (optional)",
            "impact_narrative": "Evidence of impact (when marking complete)",
            "impact_link": "Link to evidence of impact (optional)",
            "impact_file": "Upload evidence of impact (optional)",
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
            "impact_link": {
                "invalid": "Enter a full web address for the evidence of impact, starting https://"
            },
        }
        widgets = {"status": forms.RadioSelect}

    def __init__(self, *args, action, user, can_revise_date=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.action, self.user = action, user
        self.kept = None  # {"path", "name"} of an evidence file kept from an earlier refused post
        self.fields["status"].choices = list(Status.choices)
        self.fields["evidence_file"].validators.append(validate_evidence_file)
        self.fields["impact_file"].validators.append(validate_evidence_file)
        self.fields["impact_narrative"].help_text = (
            "Delivered is not the same as making a difference. When you mark the action complete, say what "
            "families and the data show has changed. You can leave it for a later update if the impact is "
            "not yet known: the action then shows as Delivered, with impact not yet evidenced."
        )
        overdue = action.is_overdue()
        if overdue:
            due = action.current_due_text
            self.fields["overdue_reason"].help_text = (
                f"It was due {'on ' if action.current_due_precision == 'day' else 'by the end of '}{due}. Unless you mark it complete, say why it is not done yet and when it "
                "will be. The Operations Group reads this on the action's page."
                + (" Or give it a new due date below." if can_revise_date else "")
            )
        else:
            del self.fields["overdue_reason"]
        if not (overdue and can_revise_date):
            del self.fields["revised_due_date"], self.fields["revision_reason"]
        else:
            self.fields[
                "revised_due_date"
            ].help_text = "For example, 30/06/2027. Instead of a reason it is overdue: the original date stays on record."
        dates = (
            [
                Field.text("revised_due_date", label_size=Size.SMALL, field_width=10),
                Field.textarea("revision_reason", label_size=Size.SMALL, rows=3),
            ]
            if "revised_due_date" in self.fields
            else []
        )
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("version"),
            Field("kept_evidence"),
            Field.radios("status", legend_size=Size.MEDIUM),
            Field.textarea("narrative", label_size=Size.SMALL, rows=5),
            Field.textarea("mitigation", label_size=Size.SMALL, rows=3),
            *([Field.textarea("overdue_reason", label_size=Size.SMALL, rows=3)] if overdue else []),
            *dates,
            Field.text("evidence_link", label_size=Size.SMALL),
            Field("evidence_file"),
            Field.textarea("impact_narrative", label_size=Size.SMALL, rows=4),
            Field.text("impact_link", label_size=Size.SMALL),
            Field("impact_file"),
            Field.textarea("next_steps", label_size=Size.SMALL, rows=3),
        )
        self.helper.add_input(Submit("save", "Save update"))

    def _kept_salt(self):
        return f"actions.kept-evidence:{self.user.pk}:{self.action.pk}"

    def clean_kept_evidence(self):
        """The evidence file kept from an earlier refused post, when its signed reference is good."""
        token = self.cleaned_data.get("kept_evidence")
        if not token:
            return None
        try:
            kept = signing.loads(token, salt=self._kept_salt(), max_age=KEPT_EVIDENCE_MAX_AGE)
        except signing.BadSignature:
            return None  # expired or altered: as if nothing was kept (the field asks for the file again)
        if not kept["path"].startswith(f"{KEPT_EVIDENCE_DIR}/") or not default_storage.exists(kept["path"]):
            return None
        self.kept = kept
        return kept

    def clean(self):
        cleaned = super().clean()
        revised = cleaned.get("revised_due_date")
        if revised:
            if revised < timezone.localdate():
                self.add_error("revised_due_date", "The new due date must be today or later")
            if not cleaned.get("revision_reason", "").strip():
                self.add_error("revision_reason", "Give the reason the due date was revised")
        has_evidence = bool(cleaned.get("evidence_link") or cleaned.get("evidence_file") or self.kept)
        for field, message in missing_update_details(
            cleaned.get("status"),
            cleaned.get("mitigation"),
            has_evidence,
            action=self.action,
            overdue_reason=cleaned.get("overdue_reason", ""),
            revises_due_date=bool(revised),
            impact=cleaned.get("impact_narrative", ""),
            has_impact_file=bool(cleaned.get("impact_link") or cleaned.get("impact_file")),
        ).items():
            if field == "overdue_reason" and "revised_due_date" in self.fields:
                message += ", or give it a new due date"
            self.add_error(field, message)
        return cleaned

    def keep_evidence(self):
        """After a refused post, keep a valid uploaded evidence file (stored under a generated name, its
        reference signed into the form) and say beside the field that it need not be attached again."""
        upload = self.cleaned_data.get("evidence_file") if hasattr(self, "cleaned_data") else None
        if upload:
            prune_kept_evidence()
            extension = upload.name.rsplit(".", 1)[-1].lower()
            path = default_storage.save(f"{KEPT_EVIDENCE_DIR}/{uuid.uuid4().hex}.{extension}", upload)
            if self.kept:
                default_storage.delete(self.kept["path"])  # replaced by the new file
            self.kept = {"path": path, "name": upload.name[:255]}
            self.data = self.data.copy()
            self.data[self.add_prefix("kept_evidence")] = signing.dumps(self.kept, salt=self._kept_salt())
        if self.kept:
            # crispy-forms-gds renders help text unescaped: the file's name is escaped here.
            hint = format_html(
                "{} is attached and will be saved with the update: you do not need to attach it again. "
                "To use a different file, choose it here.",
                self.kept["name"],
            )
            self.fields["evidence_file"].help_text = hint
            self["evidence_file"].help_text = hint  # the bound field copied the old text when validating

    def update_details(self):
        """The fields to pass to Action.record_update, beyond status and narrative."""
        upload = self.cleaned_data.get("evidence_file")
        if not upload and self.kept:
            self._kept_file = default_storage.open(self.kept["path"])
            upload = File(self._kept_file, name=self.kept["name"])
        details = {
            "mitigation": self.cleaned_data["mitigation"],
            "overdue_reason": self.cleaned_data.get("overdue_reason", ""),
            "evidence_link": self.cleaned_data["evidence_link"],
            "evidence_file": upload or "",
            "evidence_name": upload.name[:255] if upload else "",
            "next_steps": self.cleaned_data["next_steps"],
            "impact_narrative": self.cleaned_data["impact_narrative"],
            "impact_link": self.cleaned_data["impact_link"],
            "impact_file": self.cleaned_data.get("impact_file") or "",
            "impact_name": self.cleaned_data["impact_file"].name[:255]
            if self.cleaned_data.get("impact_file")
            else "",
        }
        if self.cleaned_data.get("revised_due_date"):
            details["revised_due_date"] = self.cleaned_data["revised_due_date"]
            details["revision_reason"] = self.cleaned_data["revision_reason"]
        return details

    def forget_kept_evidence(self):
        """Once the update is saved (with its own copy of the file), remove the kept upload."""
        if getattr(self, "_kept_file", None):
            self._kept_file.close()
        if self.kept:
            default_storage.delete(self.kept["path"])
            self.kept = None


def prune_kept_evidence(now=None):
    """Delete kept uploads older than their references (left by people who never saved the update)."""
    try:
        _, names = default_storage.listdir(KEPT_EVIDENCE_DIR)
    except FileNotFoundError:
        return
    cutoff = (now or timezone.now()) - timedelta(seconds=KEPT_EVIDENCE_MAX_AGE)
    for name in names:
        path = f"{KEPT_EVIDENCE_DIR}/{name}"
        if default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)


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
