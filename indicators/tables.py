"""The indicators table: the list page and its CSV/XLSX exports. Columns read only what
`Indicator.objects.for_table()` loaded (values prefetched), so rows cost no queries."""

import django_tables2 as tables
from django.utils.html import format_html

from indicators.models import Indicator
from indicators.templatetags.indicator_tags import (
    data_freshness,
    freshness_text,
    indicator_status_tag,
    travel,
)


def _month(value):
    return f"{value:%b %Y}" if value else ""


class IndicatorTable(tables.Table):
    aria_label = "Indicators"

    code = tables.Column("Code", linkify=True, attrs={"td": {"class": "portal-nowrap"}})
    name = tables.Column("Indicator", linkify=True)
    priority = tables.Column(
        "Priority", accessor="priority__number", order_by=("priority__number", "code"), empty_values=()
    )
    latest = tables.Column("Latest value", accessor="latest_measurement", orderable=False, empty_values=())
    latest_period = tables.Column(
        "Latest period end", accessor="latest_measurement__period_end", visible=False
    )
    baseline = tables.Column("Baseline", accessor="baseline_value", orderable=False, empty_values=())
    baseline_date = tables.Column("Baseline date", visible=False, empty_values=())
    target = tables.Column("Target", accessor="target_value", orderable=False, empty_values=())
    target_date = tables.Column("Target date", visible=False, empty_values=())
    status = tables.Column("Status", empty_values=(), orderable=False)
    travel = tables.Column("Direction of travel", empty_values=(), orderable=False)
    freshness = tables.Column("Data", empty_values=(), orderable=False)

    class Meta:
        model = Indicator
        fields = []
        sequence = (
            "code",
            "name",
            "priority",
            "latest",
            "latest_period",
            "baseline",
            "baseline_date",
            "target",
            "target_date",
            "status",
            "travel",
            "freshness",
        )
        template_name = "django_tables2/gds.html"
        empty_text = "No indicators match these filters."

    def render_priority(self, record):
        if record.priority is None:
            return "Whole plan"
        return format_html('<a href="{}">{}</a>', record.priority.get_absolute_url(), record.priority.number)

    def value_priority(self, record):
        return record.priority.number if record.priority else "Whole plan"

    def render_latest(self, record):
        latest = record.latest_measurement
        if latest is None:
            return format_html('<span class="portal-secondary">{}</span>', "None yet")
        return format_html(
            '<span class="portal-nowrap">{}</span><span class="govuk-body-s portal-secondary portal-block">'
            '<span class="govuk-visually-hidden">period ending </span>{}</span>',
            latest.formatted_value,
            _month(latest.period_end),
        )

    def value_latest(self, record):
        latest = record.latest_measurement
        return latest.value if latest else None

    def value_latest_period(self, value):
        return value.isoformat() if value else ""

    def render_baseline(self, record):
        if record.baseline_value is None:
            return "To be set"
        return format_html(
            '<span class="portal-nowrap">{}</span><span class="govuk-body-s portal-secondary portal-block">{}</span>',
            record.format_value(record.baseline_value),
            _month(record.baseline_date),
        )

    def value_baseline(self, record):
        return record.baseline_value if record.baseline_value is not None else "To be set"

    def value_baseline_date(self, value):
        return value.isoformat() if value else ""

    def render_target(self, record):
        if record.target_value is None:
            by = f"by {_month(record.target_date)}" if record.target_date else ""
            return format_html(
                '<span class="portal-nowrap">{}</span><span class="govuk-body-s portal-secondary portal-block">'
                "{}</span>",
                record.formatted_target,
                by,
            )
        return format_html(
            '<span class="portal-nowrap">{}</span><span class="govuk-body-s portal-secondary portal-block">'
            "by {}</span>",
            record.format_value(record.target_value),
            _month(record.target_date),
        )

    def value_target(self, record):
        return record.target_value if record.target_value is not None else record.formatted_target

    def value_target_date(self, value):
        return value.isoformat() if value else ""

    def render_status(self, record):
        return indicator_status_tag(record)

    def value_status(self, record):
        return record.status.label

    def render_travel(self, record):
        return travel(record)

    def value_travel(self, record):
        return record.travel.label if record.travel else ""

    def render_freshness(self, record):
        return data_freshness(record, short=True)

    def value_freshness(self, record):
        overdue = "Data overdue. " if record.data_overdue else ""
        return overdue + freshness_text(record)
