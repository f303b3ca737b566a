"""The sign-in form, and the base of forms that refuse stale saves."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator


class SignInForm(AuthenticationForm):
    """Django's sign-in form, refusing over-long usernames before they reach the lockout records.

    AuthenticationForm sets the field's max_length after construction, so no validator enforces it;
    without one a 100,000-character username reaches django-axes, whose records hold 255 characters.
    """

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = self.fields["username"].max_length or 150
        self.fields["username"].validators.append(MaxLengthValidator(limit))
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"


class VersionedForm(forms.ModelForm):
    """A form for a record that refuses stale saves (see VersionedModel.save_details): it carries the
    version it was loaded at in a hidden field, and hands save_details the edited fields. (Empty on a form
    that creates a record.)"""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def changes(self):
        """The edited fields and their new values, for save_details."""
        return {name: self.cleaned_data[name] for name in self._meta.fields}
