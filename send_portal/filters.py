"""The form every FilterSet renders with: GOV.UK markup through crispy-forms-gds, kept in the cache."""

import hashlib

from crispy_forms.utils import render_crispy_form
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.core.cache import cache
from django.core.validators import MaxLengthValidator
from django.utils.safestring import mark_safe

SEARCH_MAX_LENGTH = 200
# A list page shows the same filters again and again, and rendering them (the lead list alone has a
# hundred options at ten times Lancashire's size) took longer than the page's table. So a valid filter
# form's HTML is kept in the cache, under a key made of the values asked for and every field's choices.
RENDERED_VERSION = 1  # bump when the filter form's markup changes, so no page shows the old one
RENDERED_SECONDS = 10 * 60


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
        self.helper.form_method = "get"  # no CSRF token: it would end up in the URL of every filtered list
        self.helper.layout = Layout(
            *[_layout_field(name, field.widget) for name, field in self.fields.items()]
        )
        self.helper.add_input(Submit("", "Apply filters"))


def rendered_filter_form(form):
    """The HTML of a FilterForm: from the cache when a form with the same values and choices was rendered
    in the last ten minutes; always afresh when it has errors (they show next to their fields)."""
    if form.errors:
        return render_crispy_form(form)
    parts = [RENDERED_VERSION, type(form).__module__, type(form).__qualname__, form.prefix]
    for name, field in form.fields.items():
        key = form.add_prefix(name)
        parts.append((name, form.data.getlist(key) if hasattr(form.data, "getlist") else form.data.get(key)))
        if hasattr(field.widget, "choices"):
            # Read once (a query for a model's choices) and used for the HTML too.
            choices = (
                _model_choices(field) if isinstance(field, forms.ModelChoiceField) else field.widget.choices
            )
            field.widget.choices = _plain(choices)
            parts.append(field.widget.choices)
    key = "filter-form:" + hashlib.sha256(repr(parts).encode()).hexdigest()
    html = cache.get(key)
    if html is None:
        html = render_crispy_form(form)
        cache.set(key, html, RENDERED_SECONDS)
    return mark_safe(html)


def _model_choices(field):
    """A model choice field's choices as its ModelChoiceIterator gives them (the empty choice, django-filter's
    null choice, then one per object), read in one plain query: the iterator reads through
    QuerySet.iterator(), a server-side cursor on PostgreSQL, three round trips for a list of a few dozen."""
    choices = [("", field.empty_label)] if field.empty_label is not None else []
    if getattr(field, "null_label", None) is not None:
        choices.append((field.null_value, field.null_label))
    iterator = field.iterator(field)
    return choices + [iterator.choice(obj) for obj in field.queryset]


def _plain(choices):
    """Choices as plain strings (a model's choices are objects whose repr differs on every request)."""
    return [
        (str(value), _plain(label)) if isinstance(label, (list, tuple)) else (str(value), str(label))
        for value, label in choices
    ]
