"""The Operations Group's compliance view: for the current month, each lead and each lead organisation with
what is due from them, what they updated and when, and who was reminded. Four queries, whatever the number
of people or actions; each rule is the plan's own (overdue_condition, stale_condition), evaluated by the
database, and each number has a link to the actions list filtered the same way."""

from dataclasses import dataclass
from datetime import date

from django.db.models import BooleanField, Count, ExpressionWrapper, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from actions.models import Action, LeadOrganisation, Status, overdue_condition, stale_condition
from notifications.models import MessageKind, SentMessage
from send_portal.models import User

OPEN_STATUSES = [status.value for status in Status if status != Status.COMPLETE]


@dataclass
class Row:
    """One lead's or organisation's figures for the month; `filters` select their actions in the list."""

    label: str
    filters: dict
    person: User | None = None
    open: int = 0
    overdue: int = 0
    stale: int = 0
    updated: int = 0
    last_update: date | None = None
    reminded: int = 0
    last_reminded: object = None
    month_start: date | None = None

    def _url(self, **extra):
        return f"{reverse('actions:action_list')}?{urlencode({**self.filters, **extra}, doseq=True)}"

    @property
    def open_url(self):
        return self._url(status=OPEN_STATUSES)

    @property
    def overdue_url(self):
        return self._url(overdue="on")

    @property
    def stale_url(self):
        return self._url(not_updated_for=30)

    @property
    def updated_url(self):
        return self._url(updated_since=self.month_start.isoformat())

    @property
    def reminded_url(self):
        if self.person is None:
            return None
        return f"{reverse('notifications:sentmessage_list')}?{urlencode({'recipient': self.person.pk})}"


def compliance(today=None):
    """(rows per person, rows per lead organisation) for the month of `today`."""
    today = today or timezone.localdate()
    start = today.replace(day=1)
    facts = Action.objects.annotate(
        is_open=ExpressionWrapper(~Q(status=Status.COMPLETE), output_field=BooleanField()),
        is_overdue=ExpressionWrapper(overdue_condition(today), output_field=BooleanField()),
        is_stale=ExpressionWrapper(stale_condition(today), output_field=BooleanField()),
    ).values_list(
        "lead_id",
        "priority__lead_id",
        "lead_organisation",
        "is_open",
        "is_overdue",
        "is_stale",
        "last_update_on",
    )
    people, organisations = {}, {}
    for lead_id, priority_lead_id, organisation, is_open, is_overdue, is_stale, last_update in facts:
        rows = [organisations.setdefault(organisation, _organisation_row(organisation))]
        # Whose action it is: its lead and its priority's lead (ActionQuerySet.mine), each counted once.
        for person_id in {lead_id, priority_lead_id} - {None}:
            rows.append(people.setdefault(person_id, Row(label="", filters={"person": person_id})))
        for row in rows:
            row.open += bool(is_open)
            row.overdue += bool(is_overdue)
            row.stale += bool(is_stale)
            if last_update is not None and last_update >= start:
                row.updated += 1
                row.last_update = max(row.last_update or last_update, last_update)
    reminders = (
        SentMessage.objects.filter(
            recipient__in=list(people), kind=MessageKind.DIGEST, sent_at__date__gte=start
        )
        .values("recipient")
        .annotate(count=Count("pk"), last=Max("sent_at"))
    )
    reminded = {row["recipient"]: row for row in reminders}
    users = User.objects.select_related("organisation").in_bulk(list(people))
    for person_id, row in people.items():
        row.person = users[person_id]
        row.label = row.person.display_name
        if person_id in reminded:
            row.reminded, row.last_reminded = reminded[person_id]["count"], reminded[person_id]["last"]
    for row in [*people.values(), *organisations.values()]:
        row.month_start = start
    by_person = sorted(people.values(), key=lambda row: (-row.overdue, -row.stale, row.label.lower()))
    by_organisation = sorted(organisations.values(), key=lambda row: row.label)
    return by_person, by_organisation


def _organisation_row(value):
    return Row(label=LeadOrganisation(value).label, filters={"lead_organisation": value})
