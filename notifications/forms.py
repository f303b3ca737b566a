"""The form where a person chooses which mail they get."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms

from notifications.models import Preference


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = Preference
        fields = ["digest", "changes", "pack_ready"]
        widgets = {"digest": forms.RadioSelect}
        labels = {"digest": "How often do you want a reminder of what is due from you?"}
        help_texts = {
            "digest": "One email listing your actions due soon, overdue or with no update for 30 days, and "
            "indicator values that are due or overdue. Nothing is sent when nothing is due.",
        }
        error_messages = {"digest": {"required": "Choose how often you want a reminder"}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("digest", legend_size=Size.MEDIUM),
            Field.checkbox("changes"),
            Field.checkbox("pack_ready"),
        )
        self.helper.add_input(Submit("save", "Save my choices"))
