"""Filters for the actions list. Parameter names are the model's field names, plus q, overdue and
not_updated_for, so a dashboard number or a bookmark can build the same URL."""

import django_filters
from django import forms
from django.db.models import Q

from actions.models import Action, LeadOrganisation, Priority, Status
from send_portal.filters import FilterForm
from send_portal.models import User


class ActionFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search", method="search", help_text="Reference, title or description"
    )
    priority = django_filters.ModelChoiceFilter(
        queryset=Priority.objects.in_number_order(), to_field_name="number", empty_label="Any priority"
    )
    status = django_filters.MultipleChoiceFilter(choices=Status.choices, widget=forms.CheckboxSelectMultiple)
    lead = django_filters.ModelChoiceFilter(
        # A semi-join, not DISTINCT over every column of the people who lead actions.
        queryset=User.objects.filter(pk__in=Action.objects.values("lead")).order_by("username"),
        label="Lead (portal user)",
        empty_label="Anyone",
    )
    person = django_filters.ModelChoiceFilter(
        # Whose actions they are: the action's lead or its priority's lead (ActionQuerySet.mine).
        queryset=User.objects.filter(
            Q(pk__in=Action.objects.values("lead")) | Q(pk__in=Priority.objects.values("lead"))
        ).order_by("username"),
        label="Lead or workstream lead",
        empty_label="Anyone",
        method="filter_person",
    )
    lead_organisation = django_filters.ChoiceFilter(
        choices=LeadOrganisation.choices, label="Lead organisation", empty_label="Any organisation"
    )
    overdue = django_filters.BooleanFilter(
        label="Overdue only", method="filter_overdue", widget=forms.CheckboxInput
    )
    not_updated_for = django_filters.NumberFilter(
        label="Not updated for more than (days)",
        method="filter_not_updated_for",
        min_value=0,
        max_value=3650,
        help_text="For example 30 for 'no recent update'",
    )
    updated_since = django_filters.DateFilter(
        field_name="last_update_on",
        lookup_expr="gte",
        label="Updated on or after",
        help_text="For example 2026-12-01",
    )

    class Meta:
        model = Action
        fields = [
            "q",
            "priority",
            "status",
            "lead",
            "person",
            "lead_organisation",
            "overdue",
            "not_updated_for",
            "updated_since",
        ]
        form = FilterForm

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(ref__icontains=value) | Q(title__icontains=value) | Q(description__icontains=value)
        )

    def filter_person(self, queryset, name, value):
        return queryset.mine(value)

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue() if value else queryset

    def filter_not_updated_for(self, queryset, name, value):
        return queryset.stale(days=int(value))
