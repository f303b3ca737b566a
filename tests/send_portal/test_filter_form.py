"""A list page's filter form is kept in the cache (send_portal.filters.rendered_filter_form): it must be
exactly what crispy-forms renders, and change whenever a value asked for or a choice changes."""

import pytest
from crispy_forms.utils import render_crispy_form
from django.core.cache import cache
from django.http import QueryDict
from django.urls import reverse

from actions.filters import ActionFilterSet
from actions.models import Action
from governance.filters import GroupFilterSet, MeetingActionFilterSet, MeetingFilterSet
from indicators.filters import IndicatorFilterSet
from send_portal.filters import _model_choices, _plain, rendered_filter_form
from tests.factories import (
    ActionFactory,
    GroupFactory,
    IndicatorFactory,
    MeetingActionFactory,
    PriorityFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def form(query=""):
    return ActionFilterSet(QueryDict(query), queryset=Action.objects.all()).form


def test_the_kept_form_is_what_crispy_renders():
    PriorityFactory(number=1)
    ActionFactory(lead=UserFactory(first_name="Ann", last_name="Lee"))

    first, again = (
        rendered_filter_form(form("status=at_risk&q=ehc")),
        rendered_filter_form(form("status=at_risk&q=ehc")),
    )

    assert first == again == render_crispy_form(form("status=at_risk&q=ehc"))
    assert 'name="q" value="ehc"' in first and "checked" in first


def test_a_new_choice_or_value_gives_a_new_form():
    PriorityFactory(number=1, short_title="EHC plans")
    before = rendered_filter_form(form())

    PriorityFactory(number=2, short_title="Transitions")
    after = rendered_filter_form(form())
    asked = rendered_filter_form(form("priority=2"))

    assert "Transitions" not in before and "Transitions" in after
    assert asked != after and 'value="2" selected' in asked


def test_a_form_with_errors_is_rendered_afresh_with_them():
    rendered_filter_form(form("not_updated_for=5"))

    html = rendered_filter_form(form("not_updated_for=-5"))

    assert "govuk-error-message" in html and 'value="-5"' in html


def test_the_actions_list_reads_no_form_from_a_stale_cache_after_a_lead_is_added(client, operations):
    ActionFactory(lead=UserFactory(first_name="Ann", last_name="Lee"))
    client.force_login(operations)
    client.get(reverse("actions:action_list"))

    ActionFactory(lead=UserFactory(first_name="Bob", last_name="Ray"))

    assert "Bob Ray" in client.get(reverse("actions:action_list")).content.decode()


def test_a_filter_form_puts_no_csrf_token_in_the_url(client, operations):
    client.force_login(operations)
    page = client.get(reverse("actions:action_list")).content.decode()

    filters = page.split('<form method="get" class="portal-filters"')[1].split("</form>")[0]
    assert "csrfmiddlewaretoken" not in filters


@pytest.mark.parametrize(
    "filterset",
    [ActionFilterSet, IndicatorFilterSet, GroupFilterSet, MeetingFilterSet, MeetingActionFilterSet],
)
def test_model_choices_read_in_one_query_are_the_fields_own(filterset, django_assert_num_queries):
    ActionFactory(lead=UserFactory(first_name="Ann", last_name="Lee"))
    IndicatorFactory()
    GroupFactory()
    MeetingActionFactory(owner=UserFactory(first_name="Bo"))
    fields = [
        field
        for field in filterset(
            QueryDict(""), queryset=filterset._meta.model.objects.all()
        ).form.fields.values()
        if hasattr(field, "queryset")
    ]

    for field in fields:
        with django_assert_num_queries(1):
            read = _plain(_model_choices(field))
        assert len(read) > 1 and read == _plain(field.choices)
