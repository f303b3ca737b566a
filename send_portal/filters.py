"""The form every FilterSet renders with: GOV.UK markup through crispy-forms-gds."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.core.validators import MaxLengthValidator

SEARCH_MAX_LENGTH = 200


def _layout_field(name, widget):
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return Field.checkboxes(name, small=True, legend_size=Size.SMALL)
    if isinstance(widget, forms.CheckboxInput):
        return Field.checkbox(name, small=True)
    if isinstance(widget, forms.Select):
        return Field.select(name)
    return Field.text(name, field_width=10)


class FilterForm(forms.Form):
    """A GET form laid out by crispy-forms-gds (small checkboxes, selects, text inputs) with one
    'Apply filters' button. The template supplies the <form> tag."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "q" in self.fields:  # a search longer than this is a mistake (and SQLite refuses huge LIKEs)
            self.fields["q"].validators.append(
                MaxLengthValidator(
                    SEARCH_MAX_LENGTH, f"Enter {SEARCH_MAX_LENGTH} characters or fewer to search"
                )
            )
            self.fields["q"].widget.attrs["maxlength"] = SEARCH_MAX_LENGTH
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            *[_layout_field(name, field.widget) for name, field in self.fields.items()]
        )
        self.helper.add_input(Submit("", "Apply filters"))
