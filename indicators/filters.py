"""Filters for the indicators list. Parameter names are the model's field names, plus q, status and
overdue, so a dashboard number or a bookmark can build the same URL (e.g. ?priority=2&status=off_track).

Status and "data overdue" come from the rules in indicators/status.py, which run in Python on the
indicators' prefetched values: these two filters read the (tens of) indicators once with their values
and keep the matching ones, so the page's query count does not grow with indicators or values.
"""

import django_filters
from django import forms
from django.db.models import Q

from actions.models import Priority
from indicators.models import Frequency, Indicator, IndicatorStatus
from send_portal.filters import FilterForm


class IndicatorFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method="search", help_text="Code, name or definition")
    priority = django_filters.ModelChoiceFilter(
        queryset=Priority.objects.in_number_order(), to_field_name="number", empty_label="Any priority"
    )
    status = django_filters.MultipleChoiceFilter(
        choices=IndicatorStatus.choices, method="filter_status", widget=forms.CheckboxSelectMultiple
    )
    overdue = django_filters.BooleanFilter(
        label="Data overdue only", method="filter_overdue", widget=forms.CheckboxInput
    )
    frequency = django_filters.ChoiceFilter(choices=Frequency.choices, empty_label="Any frequency")

    class Meta:
        model = Indicator
        fields = ["q", "priority", "status", "overdue", "frequency"]
        form = FilterForm

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(code__icontains=value)
            | Q(name__icontains=value)
            | Q(definition__icontains=value)
            | Q(source__icontains=value)
        )

    def filter_status(self, queryset, name, value):
        if not value:
            return queryset
        wanted = {IndicatorStatus(status) for status in value}
        return queryset.filter(pk__in=[i.pk for i in queryset.with_measurements() if i.status in wanted])

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(pk__in=[i.pk for i in queryset.with_measurements() if i.data_overdue])
