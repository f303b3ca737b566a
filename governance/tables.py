"""Tables for the groups list, the meetings list and the action log (and their exports)."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from governance.models import Group, Meeting, MeetingAction
from governance.templatetags.governance import meeting_action_tag


class GroupTable(tables.Table):
    aria_label = "Groups"

    name = tables.Column(linkify=True)
    kind = tables.Column("Kind")
    chair = tables.Column("Chair", accessor="chair__display_name", order_by=("chair__last_name",))
    reports_to = tables.Column("Reports to", linkify=True)
    meets = tables.Column("Meets")
    member_count = tables.Column("Members", attrs={"td": {"class": "govuk-table__cell--numeric"}})
    meeting_count = tables.Column("Meetings", attrs={"td": {"class": "govuk-table__cell--numeric"}})
    open_action_count = tables.Column("Open actions", attrs={"td": {"class": "govuk-table__cell--numeric"}})

    class Meta:
        model = Group
        fields = []
        sequence = (
            "name",
            "kind",
            "chair",
            "reports_to",
            "meets",
            "member_count",
            "meeting_count",
            "open_action_count",
        )
        template_name = "django_tables2/gds.html"
        empty_text = "No groups match these filters."

    def render_open_action_count(self, record, value):
        url = reverse("governance:meetingaction_list") + f"?group={record.slug}&status=open"
        return format_html(
            '<a class="govuk-link" href="{}">{}<span class="govuk-visually-hidden"> open actions of {}</span></a>',
            url,
            value,
            record.name,
        )


class MeetingTable(tables.Table):
    aria_label = "Meetings"

    date = tables.Column("Date", linkify=True, attrs={"td": {"class": "portal-nowrap"}})
    title = tables.Column(linkify=True)
    group = tables.Column("Group", linkify=True, order_by=("group__name",))
    kind = tables.Column("Kind")
    status = tables.Column("Status")

    class Meta:
        model = Meeting
        fields = []
        sequence = ("date", "title", "group", "kind", "status")
        template_name = "django_tables2/gds.html"
        empty_text = "No meetings match these filters."

    def render_date(self, value):
        return f"{value:%d %b %Y}"

    def value_date(self, value):
        return value.isoformat()


class MeetingActionTable(tables.Table):
    """The action log. `can_change` (set by the view from the user's permission) adds an 'Edit' link to
    every item and a 'Close' link to open ones, as the meeting page's action log has."""

    aria_label = "Action log"

    text = tables.Column(
        "Action", linkify=lambda record: f"{record.meeting.get_absolute_url()}#action-{record.pk}"
    )
    meeting = tables.Column(
        "Raised at", linkify=True, order_by=("meeting__date",), attrs={"td": {"class": "portal-nowrap"}}
    )
    group = tables.Column("Group", accessor="meeting__group__name", order_by=("meeting__group__name",))
    owner = tables.Column("Owner", accessor="owner_name", order_by=("owner_role",))
    due_date = tables.Column("Due", attrs={"td": {"class": "portal-nowrap"}})
    status = tables.Column("Status", order_by=("status",))
    closed_on = tables.Column("Closed", attrs={"td": {"class": "portal-nowrap"}})
    dropped_reason = tables.Column("Why dropped", visible=False)
    change = tables.Column(
        mark_safe('<span class="govuk-visually-hidden">Edit or close</span>'),
        empty_values=(),
        orderable=False,
        exclude_from_export=True,
    )

    class Meta:
        model = MeetingAction
        fields = []
        sequence = (
            "text",
            "meeting",
            "group",
            "owner",
            "due_date",
            "status",
            "closed_on",
            "dropped_reason",
            "change",
        )
        template_name = "django_tables2/gds.html"
        empty_text = "No actions match these filters."

    def __init__(self, *args, can_change=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_change:
            self.columns.hide("change")

    def render_meeting(self, record):
        return format_html(
            '{}<span class="govuk-visually-hidden">, {}</span>',
            f"{record.meeting.date:%d %b %Y}",
            record.meeting.title,
        )

    def value_meeting(self, record):
        return str(record.meeting)

    def render_due_date(self, value):
        return f"{value:%d %b %Y}"

    def render_status(self, record):
        return meeting_action_tag(record)

    def value_status(self, record):
        flag = "; Overdue" if record.is_overdue() else ""
        return f"{record.get_status_display()}{flag}"

    def render_closed_on(self, value):
        return f"{value:%d %b %Y}"

    def render_change(self, record):
        what = Truncator(record.text).chars(60)  # as the meeting page's action log names it
        edit = format_html(
            '<a class="govuk-link" href="{}">Edit<span class="govuk-visually-hidden"> action: {}</span></a>',
            reverse("governance:meetingaction_edit", args=[record.meeting_id, record.pk]),
            what,
        )
        if not record.is_open:
            return edit
        return format_html(
            '{} · <a class="govuk-link" href="{}">Close<span class="govuk-visually-hidden"> action: {}</span></a>',
            edit,
            reverse("governance:meetingaction_close", args=[record.pk]),
            what,
        )
