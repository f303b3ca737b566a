"""Labels and hints come from the database as often as from code (a person's name on the attendance form,
an indicator's next period): every kind of field shows them as text, never as markup."""

from crispy_forms.utils import render_crispy_form
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout
from django import forms

MARKUP = '<button formaction="https://evil.example/">Go</button>'
ESCAPED = "&lt;button formaction=&quot;https://evil.example/&quot;&gt;Go&lt;/button&gt;"


class EveryKindOfField(forms.Form):
    text = forms.CharField(label=MARKUP, help_text=MARKUP)
    agree = forms.BooleanField(label=MARKUP, help_text=MARKUP)
    choice = forms.ChoiceField(label=MARKUP, help_text=MARKUP, choices=[("a", "A")], widget=forms.RadioSelect)
    several = forms.MultipleChoiceField(
        label=MARKUP, help_text=MARKUP, choices=[("a", "A")], widget=forms.CheckboxSelectMultiple
    )
    when = forms.SplitDateTimeField(label=MARKUP, help_text=MARKUP)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("text"),
            Field("agree"),
            Field.radios("choice"),
            Field.checkboxes("several"),
            Field("when"),
        )


def test_labels_and_hints_of_every_kind_of_field_are_escaped():
    html = render_crispy_form(EveryKindOfField())

    assert "<button" not in html
    assert html.count(ESCAPED) == 10  # a label and a hint for each of the five fields
