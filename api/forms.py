"""The form that makes a personal access token."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms

from api.models import EXPIRY_CHOICES, AccessToken


class AccessTokenForm(forms.ModelForm):
    days = forms.TypedChoiceField(
        label="How long it lasts",
        choices=EXPIRY_CHOICES,
        coerce=int,
        initial=90,
        widget=forms.RadioSelect,
        help_text="After this it is refused. Make a new one before then.",
        error_messages={
            "required": "Choose how long the token lasts",
            "invalid_choice": "Choose how long the token lasts",
        },
    )

    class Meta:
        model = AccessToken
        fields = ["name"]
        labels = {"name": "What is it for?"}
        help_texts = {"name": "For example “Power BI refresh” or “Excel indicators workbook”."}
        error_messages = {
            "name": {
                "required": "Enter what the token is for, for example Power BI refresh",
                "max_length": "Enter 100 characters or fewer",
            }
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("name", field_width=20),
            Field.radios("days", legend_size=Size.SMALL),
        )
        self.helper.add_input(Submit("make", "Make a token"))

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Enter what the token is for, for example Power BI refresh")
        return name
