"""Filters for the groups, meetings and action log lists. Parameter names are the model's field names,
plus q, when and overdue, so a dashboard number or a bookmark can build the same URL."""

import django_filters
from django import forms
from django.db.models import Q

from governance.models import (
    Group,
    GroupKind,
    Meeting,
    MeetingAction,
    MeetingActionStatus,
    MeetingKind,
    MeetingStatus,
)
from send_portal.filters import FilterForm
from send_portal.models import User


class GroupFilterSet(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=GroupKind.choices, empty_label="Any kind")

    class Meta:
        model = Group
        fields = ["kind"]
        form = FilterForm


class MeetingFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method="search", help_text="Title, location or minutes")
    when = django_filters.ChoiceFilter(
        label="When",
        choices=[("upcoming", "Upcoming"), ("past", "Past")],
        empty_label="Upcoming and past",
        method="filter_when",
    )
    group = django_filters.ModelChoiceFilter(
        queryset=Group.objects.order_by("kind", "name"), to_field_name="slug", empty_label="Any group"
    )
    kind = django_filters.ChoiceFilter(choices=MeetingKind.choices, empty_label="Any kind")
    status = django_filters.ChoiceFilter(choices=MeetingStatus.choices, empty_label="Any status")

    class Meta:
        model = Meeting
        fields = ["q", "when", "group", "kind", "status"]
        form = FilterForm

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value) | Q(location__icontains=value) | Q(minutes__icontains=value)
        )

    def filter_when(self, queryset, name, value):
        """Upcoming meetings soonest first; past meetings latest first."""
        if value == "upcoming":
            return queryset.upcoming().order_by("date", "pk")
        return queryset.past().order_by("-date", "-pk")


class MeetingActionFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Search", method="search", help_text="The action or its owner's role")
    group = django_filters.ModelChoiceFilter(
        field_name="meeting__group",
        queryset=Group.objects.order_by("kind", "name"),
        to_field_name="slug",
        empty_label="Any group",
    )
    status = django_filters.MultipleChoiceFilter(
        choices=MeetingActionStatus.choices, widget=forms.CheckboxSelectMultiple
    )
    owner = django_filters.ModelChoiceFilter(
        # A semi-join, not DISTINCT over every column of the people who own action-log items.
        queryset=User.objects.filter(pk__in=MeetingAction.objects.values("owner")).order_by(
            "first_name", "username"
        ),
        label="Owner (portal user)",
        empty_label="Anyone",
    )
    overdue = django_filters.BooleanFilter(
        label="Overdue only", method="filter_overdue", widget=forms.CheckboxInput
    )

    class Meta:
        model = MeetingAction
        fields = ["q", "group", "status", "owner", "overdue"]
        form = FilterForm

    def search(self, queryset, name, value):
        return queryset.filter(Q(text__icontains=value) | Q(owner_role__icontains=value))

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue() if value else queryset
