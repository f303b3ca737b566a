"""The actions table: the same columns on the list, the priority page, 'My actions' and exports."""

from functools import cached_property

import django_tables2 as tables
from django.utils.html import format_html

from actions.models import Action, DatePrecision, Status, date_in_words
from actions.templatetags.action_tags import action_reading


class StatusColumn(tables.Column):
    """The status read with its schedule facts (Action.reading): the declared status as a GOV.UK tag with
    its word, then when it was declared, the due date and how overdue, how long without an update.
    Exports get the word; their Flags and Last update columns carry the rest."""

    def render(self, record):
        return action_reading(record)

    def value(self, record):
        return Status(record.status).label


# One row's cells (ActionTable.cells_html), each laid out as django-tables2 lays out a cell.
CELLS = """
      <td class="govuk-table__cell portal-nowrap"><a href="{url}">{ref}</a></td>
      <td class="govuk-table__cell"><a href="{url}">{title}</a></td>
      {priority}
      <td class="govuk-table__cell">{lead}</td>
      <td class="govuk-table__cell">{organisation}</td>
      <td class="govuk-table__cell portal-action-reading">{status}</td>
      <td class="govuk-table__cell portal-nowrap">{due}</td>
"""


class ActionTable(tables.Table):
    aria_label = "Actions"

    ref = tables.Column("Ref", linkify=True, attrs={"td": {"class": "portal-nowrap"}}, order_by=("ref_sort",))
    title = tables.Column(linkify=True)
    priority = tables.Column(
        "Priority", accessor="priority__number", linkify=lambda record: record.priority.get_absolute_url()
    )
    lead = tables.Column("Lead", accessor="lead_name", order_by=("lead_role",))
    lead_organisation = tables.Column("Organisation")
    status = StatusColumn(order_by=("status",), attrs={"td": {"class": "portal-action-reading"}})
    due = tables.Column(
        "Due",
        accessor="current_due_date",
        order_by=("current_due",),
        attrs={"td": {"class": "portal-nowrap"}},
    )
    # In the exports only: on the page the status column reads them out (no table clipped at 1280 px).
    flags = tables.Column("Flags", empty_values=(), orderable=False, visible=False)
    last_update_on = tables.Column("Last update", visible=False)
    delivered_on = tables.Column("Delivered", visible=False)
    impact_evidenced_on = tables.Column("Impact evidenced", visible=False)
    updates_awaiting = tables.Column("Updates awaiting sign-off", visible=False, default=0)

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
            "delivered_on",
            "impact_evidenced_on",
            "updates_awaiting",
        )
        template_name = "actions/action_table.html"  # its rows' cells come from cells_html() below
        empty_text = "No actions match these filters."

    def cells_html(self, record):
        """A row's cells, exactly as the columns render them one by one (tests/actions/test_tables.py
        compares the two), written in one go: through django-tables2, or through the template engine, the
        cells of a page of 25 actions took most of the list's time (docs/performance.md)."""
        url = record.get_absolute_url()
        priority = (
            format_html(
                '<td class="govuk-table__cell"><a href="{}">{}</a></td>',
                record.priority.get_absolute_url(),
                record.priority.number,
            )
            if self._shows_priority
            else ""
        )
        return format_html(
            CELLS,
            url=url,
            ref=record.ref,
            title=record.title,
            priority=priority,
            lead=record.lead_name or "—",
            organisation=record.get_lead_organisation_display() or "—",
            status=action_reading(record),
            due=self.render_due(record),
        )

    @cached_property
    def _shows_priority(self):
        return "priority" in self.columns.names()

    def render_due(self, record):
        """The current due date as precisely as the plan gives it ('31 May 2025', 'May 2025', 'To be
        confirmed'; date_in_words), with the original when it was revised."""
        if record.is_revised:
            return format_html(
                '{} <span class="govuk-body-s">(revised from {})</span>',
                date_in_words(record.current_due_date, record.current_due_precision, short=True),
                date_in_words(record.due_date, record.due_precision, short=True),
            )
        return date_in_words(record.due_date, record.due_precision, short=True)

    def value_due(self, record):
        """In exports: the date itself when it is to the day (a spreadsheet can sort it), else its words."""
        if record.current_due_precision == DatePrecision.DAY:
            return record.current_due_date.isoformat()
        return record.current_due_text

    def value_flags(self, record):
        return "; ".join(record.flags())
