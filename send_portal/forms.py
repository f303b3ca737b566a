"""The sign-in form, the base of forms that refuse stale saves, and the date field every form uses."""

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


# A date is typed in one box, day month year, and the hint and the error give the same example, written
# as GOV.UK's date pattern writes it. Slashes, dashes, dots and 2026-12-10 are accepted too.
DATE_EXAMPLE = "10 12 2026"
DATE_HINT = f"For example, {DATE_EXAMPLE}."
DATE_INPUT_FORMATS = ["%d %m %Y", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]


def invalid_date(what):
    """The error for a date that is not a real one, e.g. invalid_date("the due date")."""
    return f"Enter {what} as a real date, for example {DATE_EXAMPLE}"


class DateField(forms.DateField):
    """A date in one text box, read as day month year (see DATE_INPUT_FORMATS); a stored date shows as
    the hint's example is written ("1 4 2026"). For a ModelForm: `field_classes = {"due_date": DateField}`."""

    input_formats = DATE_INPUT_FORMATS
    widget = forms.DateInput(format="%-d %-m %Y")
    default_error_messages = {"invalid": invalid_date("the date")}
