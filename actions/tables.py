"""The actions table: the same columns on the list, the priority page, 'My actions' and exports."""

import django_tables2 as tables
from django.utils.html import format_html

from actions.models import Action, Status
from send_portal.templatetags.portal import action_flags, status_tag


class StatusColumn(tables.Column):
    """The status as a GOV.UK tag with its word; exports get the word."""

    def render(self, record):
        return status_tag(record)

    def value(self, record):
        return Status(record.status).label


class ActionTable(tables.Table):
    aria_label = "Actions"

    ref = tables.Column("Ref", linkify=True, attrs={"td": {"class": "portal-nowrap"}}, order_by=("ref_sort",))
    title = tables.Column(linkify=True)
    priority = tables.Column(
        "Priority", accessor="priority__number", linkify=lambda record: record.priority.get_absolute_url()
    )
    lead = tables.Column("Lead", accessor="lead_name", order_by=("lead_role",))
    lead_organisation = tables.Column("Organisation")
    status = StatusColumn(order_by=("status",))
    due = tables.Column(
        "Due",
        accessor="current_due_date",
        order_by=("current_due",),
        attrs={"td": {"class": "portal-nowrap"}},
    )
    flags = tables.Column("Flags", empty_values=(), orderable=False)
    last_update_on = tables.Column("Last update", attrs={"td": {"class": "portal-nowrap"}})

    class Meta:
        model = Action
        fields = []
        sequence = (
            "ref",
            "title",
            "priority",
            "lead",
            "lead_organisation",
            "status",
            "due",
            "flags",
            "last_update_on",
        )
        template_name = "actions/action_table.html"  # writes the cells itself, to the same effect as below
        empty_text = "No actions match these filters."

    def render_due(self, record):
        if record.is_revised:
            return format_html(
                '{} <span class="govuk-body-s">(revised from {})</span>',
                f"{record.current_due_date:%d %b %Y}",
                f"{record.due_date:%d %b %Y}",
            )
        return f"{record.due_date:%d %b %Y}"

    def value_due(self, record):
        return record.current_due_date.isoformat()

    def render_flags(self, record):
        return action_flags(record)

    def value_flags(self, record):
        return "; ".join(record.flags())

    def render_last_update_on(self, value):
        return f"{value:%d %b %Y}"
