"""Building and sending the portal's mail: reminder digests and change notifications.

Every mail goes through send_once(), which gives each (person, key) exactly one mail:

  inside one transaction: INSERT the SentMessage row (unique on person and key) -> send over SMTP -> COMMIT

"Send then record, inside a transaction, with the record's row written first". The row is inserted first
so that its unique index holds the key for the rest of the transaction: a second worker running the same
task blocks on that insert and, once the first commits, gets an IntegrityError and sends nothing. If the
send fails (the mail server refuses or is down) the transaction rolls back, nothing is recorded, and the
task fails and can be run again. If the worker is killed (SIGKILL, out of memory) before the mail server
has answered "250 OK", the transaction rolls back with it and the mail server has not accepted the
message, so running the task again sends it once. The one window left is the moment between the server's
250 and the COMMIT, a few microseconds: a kill exactly there would send that mail a second time on the
rerun. Record-then-send (commit the row, then send) would instead lose that mail for good, and a missed
chaser is worse than a rare duplicate; SMTP cannot take part in the database's transaction, so no order
closes the window completely.

A digest holds the person's own items, chosen by the plan's single rules: actions from
ActionQuerySet.mine (due_within, overdue, stale) and indicators from IndicatorQuerySet.looked_after_by with
Indicator.freshness (data due and data overdue), and, first, what the Operations Group returned to them
and is still unanswered (reporting.sign_off.returned_to, the rule their My actions page reads too). A
return is also mailed as it happens (notify_returned); the digest reminds whoever missed that mail.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, date_in_words
from governance.models import Meeting
from indicators.models import Indicator
from notifications.models import DigestFrequency, ItemReason, MessageKind, Preference, SentItem, SentMessage
from reporting.models import Period
from reporting.sign_off import returned_to
from send_portal.models import Partnership

UNSUBSCRIBE_SALT = "notifications.unsubscribe"


def absolute(path):
    """A full link to a portal page, for mail (which has no request): SITE_URL + path."""
    return f"{settings.SITE_URL}{path}"


def unsubscribe_token(person):
    """A signed token naming the person: the one-click unsubscribe link works without signing in, and
    nobody can make one for someone else. It does not expire (a mail read months later still works)."""
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign_object({"p": person.pk})


def person_from_token(token):
    """The person an unsubscribe token names, or None when it is not one of ours."""
    from send_portal.models import User

    try:
        data = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return User.objects.filter(pk=data.get("p") if isinstance(data, dict) else None).first()


# --- Digests ---------------------------------------------------------------------------------------------
@dataclass
class Digest:
    """What one person is reminded about on `today`."""

    person: object
    today: object
    days: int
    # What the Operations Group returned to them and is still unanswered (reporting.sign_off.returned_to):
    # the Board does not see it until they send it again, so the mail lists it first.
    returned_updates: list = field(default_factory=list)  # ProgressUpdate: post a new update
    returned_values: list = field(default_factory=list)  # Measurement: correct the value
    returned_reports: list = field(default_factory=list)  # HighlightReport: edit the report
    due_soon: list = field(default_factory=list)  # Action, due in the next `days` days
    overdue: list = field(default_factory=list)  # Action
    stale: list = field(default_factory=list)  # Action, no update for 30 days
    data_due: list = field(default_factory=list)  # (Indicator, Freshness)
    data_overdue: list = field(default_factory=list)  # (Indicator, Freshness)
    period: object = None  # the open reporting period (reporting.Period) whose updates are due, or None

    @property
    def returned(self):
        """Every returned, unanswered submission: updates, then values, then reports."""
        return [*self.returned_updates, *self.returned_values, *self.returned_reports]

    @property
    def is_empty(self):
        return not (
            self.returned or self.due_soon or self.overdue or self.stale or self.data_due or self.data_overdue
        )

    @property
    def count(self):
        return len(self.returned) + sum(
            map(len, [self.due_soon, self.overdue, self.stale, self.data_due, self.data_overdue])
        )

    def items(self):
        """(ItemReason, action or None, indicator or None) for each item, as recorded in SentItem."""
        # A returned update is recorded as its action, a returned value as its indicator, each once (two
        # returned values of one indicator, for two periods, are one item: SentItem is about the indicator).
        actions = {update.action_id: update.action for update in self.returned_updates}
        for action in actions.values():
            yield ItemReason.RETURNED, action, None
        indicators = {value.indicator_id: value.indicator for value in self.returned_values}
        for indicator in indicators.values():
            yield ItemReason.RETURNED, None, indicator
        # A returned highlight report is not recorded: a SentItem names one action or one indicator (its
        # check constraint), and a report is neither; the SentMessage itself still records the digest.
        for reason, actions in [
            (ItemReason.DUE_SOON, self.due_soon),
            (ItemReason.OVERDUE, self.overdue),
            (ItemReason.NO_RECENT_UPDATE, self.stale),
        ]:
            for action in actions:
                yield reason, action, None
        for reason, rows in [
            (ItemReason.DATA_DUE, self.data_due),
            (ItemReason.DATA_OVERDUE, self.data_overdue),
        ]:
            for indicator, _ in rows:
                yield reason, None, indicator


def digest_for(person, today=None, days=None):
    """The person's Digest: what was returned to them and is still unanswered (reporting.sign_off.
    returned_to), their actions (ActionQuerySet.mine) due soon, overdue and with no recent update, and the
    indicators they look after whose data are due soon or overdue, with the open reporting period whose
    updates are due. Nine queries however many items (eight for someone who looks after no indicator):
    three for what was returned (one per kind), the period, three for the actions, the indicators and
    their values (prefetched)."""
    today = today or timezone.localdate()
    days = settings.REMINDER_DAYS_AHEAD if days is None else days
    mine = Action.objects.mine(person).select_related("priority").order_by("ref_sort", "pk")
    returned = returned_to(person)
    digest = Digest(
        person=person,
        today=today,
        days=days,
        returned_updates=returned.updates,
        returned_values=returned.values,
        returned_reports=returned.reports,
        period=Period.objects.current(),
    )
    digest.due_soon = list(mine.due_within(days, today))
    digest.overdue = list(mine.overdue(today))
    digest.stale = list(mine.stale(today))
    horizon = today + timedelta(days=days)
    for indicator in (
        Indicator.objects.looked_after_by(person).with_measurements().order_by("priority__number", "code")
    ):
        freshness = indicator.freshness(today)
        if freshness.overdue:
            digest.data_overdue.append((indicator, freshness))
        elif freshness.due_by <= horizon:
            digest.data_due.append((indicator, freshness))
    return digest


def digest_round(preference, today=None):
    """The reminder round a person's digest belongs to today, or None when none is due:
    weekly: the ISO week ("week:2026-W49"), so a daily cron sends one a week;
    before each Board: the open reporting period's "updates due by" day, within REMINDER_BOARD_DAYS of it
    ("period:3"); without one in reach, the next Board meeting, within REMINDER_BOARD_DAYS of it ("board:14")."""
    today = today or timezone.localdate()
    if preference.digest == DigestFrequency.WEEKLY:
        year, week, _ = today.isocalendar()
        return f"week:{year}-W{week:02d}"
    if preference.digest == DigestFrequency.BEFORE_BOARD:
        # Where a reporting period is open, the reminder comes before its updates are due (the Board's
        # deadline for them); otherwise before the next Board meeting.
        period = Period.objects.current()
        if period is not None and 0 <= (period.updates_due_by - today).days <= settings.REMINDER_BOARD_DAYS:
            return f"period:{period.pk}"
        meeting = Meeting.objects.next_board_meeting(today)
        if meeting is not None and (meeting.date - today).days <= settings.REMINDER_BOARD_DAYS:
            return f"board:{meeting.pk}"
    return None


def send_digest(person, round_key, today=None):
    """Send the person their digest for `round_key`, once: nothing when it was sent already, when they
    have chosen no digest, or when there is nothing to remind them of. Returns the SentMessage or None."""
    if Preference.of(person).digest == DigestFrequency.NONE:
        return None
    digest = digest_for(person, today)
    if digest.is_empty:
        return None
    subject = f"{settings.SERVICE_NAME}: {digest.count} {'item needs' if digest.count == 1 else 'items need'} your attention"
    return send_once(
        person,
        kind=MessageKind.DIGEST,
        key=f"digest:{round_key}",
        subject=subject,
        template="digest",
        context={"digest": digest, "my_actions_url": absolute(reverse("actions:action_mine"))},
        items=digest.items(),
        why="You get this reminder because you lead these actions or look after these indicators' data"
        + (", or submitted or lead the work returned to you." if digest.returned else "."),
    )


# --- Sending ---------------------------------------------------------------------------------------------
def build_mail(person, *, subject, template, context, why):
    """The mail: a plain-text part and an accessible HTML part from notifications/email/<template>.txt and
    .html, each saying why the person gets it and with one-click unsubscribe (RFC 8058 headers too)."""
    unsubscribe_url = absolute(reverse("notifications:unsubscribe", args=[unsubscribe_token(person)]))
    context = {
        **context,
        "person": person,
        "subject": subject,
        "why": why,
        "site_url": settings.SITE_URL,
        "preferences_url": absolute(reverse("notifications:preferences")),
        "unsubscribe_url": unsubscribe_url,
        "partnership_name": Partnership.current().name,
        "partnership": Partnership.current(),
        "service_name": settings.SERVICE_NAME,
    }
    mail = EmailMultiAlternatives(
        subject,
        render_to_string(f"notifications/email/{template}.txt", context),
        settings.DEFAULT_FROM_EMAIL,
        [person.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    mail.attach_alternative(render_to_string(f"notifications/email/{template}.html", context), "text/html")
    return mail


def send_once(person, *, kind, key, subject, template, context, why, items=()):
    """Send one mail to `person` about `key` unless it was sent before (see the module's docstring for
    why this order gives each person one mail per key). Returns the SentMessage, or None when the person
    has no address or already had it."""
    if not person.email or not person.is_active:
        return None
    if SentMessage.objects.filter(recipient=person, key=key).exists():
        return None
    mail = build_mail(person, subject=subject, template=template, context=context, why=why)
    with transaction.atomic():
        try:
            with transaction.atomic():
                message = SentMessage.objects.create(
                    recipient=person, kind=kind, key=key, subject=subject, to_address=person.email
                )
        except IntegrityError:
            return None  # another worker sent it meanwhile
        SentItem.objects.bulk_create(
            SentItem(message=message, reason=reason, action=action, indicator=indicator)
            for reason, action, indicator in items
        )
        mail.send()
    return message


# --- Notifications -----------------------------------------------------------------------------------------
def _wants_changes(people):
    """The people (active, with an address) who have not turned change notifications off."""
    people = [person for person in people if person is not None and person.is_active and person.email]
    off = set(Preference.objects.filter(person__in=people, changes=False).values_list("person_id", flat=True))
    unique = {person.pk: person for person in people if person.pk not in off}
    return list(unique.values())


def action_leads(action):
    """Whose action it is: its lead and its priority's workstream lead (ActionQuerySet.mine's rule)."""
    return _wants_changes([action.lead, action.priority.lead])


def notify_escalated(escalation):
    """Tell the leads of an escalated action that the Operations Group has asked the Board about it."""
    if escalation.action_id is None:
        return []
    action = escalation.action
    return [
        send_once(
            person,
            kind=MessageKind.ESCALATED,
            key=f"escalated:{escalation.pk}",
            subject=f"{action.ref} is escalated to the {Partnership.current().board_name or 'Board'}",
            template="escalated",
            context={
                "action": action,
                "escalation": escalation,
                "action_url": absolute(action.get_absolute_url()),
            },
            why=f"You get this because you lead this action or its {Partnership.current().priority_called or 'priority'}.",
        )
        for person in action_leads(action)
    ]


def notify_due_date_revised(action, *, was, version, was_precision="day"):
    """Tell the leads of an action that its due date has been revised (`version`: the edit that did it).
    Both dates are written as precisely as the plan gives them ('May 2025'; date_in_words)."""
    was_text = date_in_words(was, was_precision)
    return [
        send_once(
            person,
            kind=MessageKind.DUE_DATE_REVISED,
            key=f"revised:{action.pk}:v{version}",
            subject=f"The due date of {action.ref} is revised to {action.current_due_text}",
            template="due_date_revised",
            context={
                "action": action,
                "was": was,
                "was_text": was_text,
                "action_url": absolute(action.get_absolute_url()),
            },
            why=f"You get this because you lead this action or its {Partnership.current().priority_called or 'priority'}.",
        )
        for person in action_leads(action)
    ]


def notify_off_track(update):
    """Tell the Operations Group (except whoever posted it) that an update has put an action off track."""
    from send_portal.models import User
    from send_portal.roles import OPERATIONS_GROUP

    action = update.action
    team = User.objects.filter(groups__name=OPERATIONS_GROUP).exclude(pk=update.author_id)
    return [
        send_once(
            person,
            kind=MessageKind.OFF_TRACK,
            key=f"off_track:{update.pk}",
            subject=f"{action.ref} is off track",
            template="off_track",
            context={"action": action, "update": update, "action_url": absolute(action.get_absolute_url())},
            why=f"You get this because you are in the {Partnership.current().delivery_group_name or 'Operations Group'}.",
        )
        for person in _wants_changes(team)
    ]


def notify_pack_ready(pack):
    """Tell the Board members who asked for it that the pack for the next Board meeting is ready."""
    from send_portal.models import User
    from send_portal.roles import BOARD_MEMBER

    upcoming = Meeting.objects.next_board_meeting()
    if upcoming is None or upcoming.pk != pack.meeting_id:
        return []
    members = User.objects.filter(
        groups__name=BOARD_MEMBER, is_active=True, mail_preference__pack_ready=True
    ).exclude(email="")
    return [
        send_once(
            person,
            kind=MessageKind.PACK_READY,
            key=f"pack_ready:{pack.pk}",
            subject=f"The board pack for {upcoming} is ready",
            template="pack_ready",
            context={
                "meeting": upcoming,
                "pdf_url": absolute(reverse("governance:boardpack_pdf", args=[pack.pk])),
                "meeting_url": absolute(upcoming.get_absolute_url()),
            },
            why="You get this because you asked to be told when the next Board's pack is ready.",
        )
        for person in members.distinct()
    ]


def _returned_to(submission):
    """Who hears that a submission was returned: whoever submitted it and the lead it belongs to (the
    action's lead and its priority's, an indicator's priority lead and owner, a report's priority lead)."""
    people = [submission.submitted_by]
    if hasattr(submission, "action"):
        people += [submission.action.lead, submission.action.priority.lead]
    elif hasattr(submission, "indicator"):
        priority = submission.indicator.priority  # None for an indicator of the whole plan
        people += [priority.lead if priority else None, submission.indicator.owner]
    else:
        people.append(submission.priority.lead)
    return _wants_changes(people)


def notify_returned(submission, *, key_time):
    """Tell the lead the Operations Group returned their submission, with the reason and where to send it
    again; once per person and return."""
    if not submission.is_returned:
        return []  # resubmitted or signed off again before the task ran: nothing to say
    return [
        send_once(
            person,
            kind=MessageKind.RETURNED,
            key=f"returned:{submission._meta.label_lower}:{submission.pk}:{key_time}",
            subject=f"Returned to you: {submission}",
            template="returned",
            context={
                "submission": submission,
                "what": submission.submission_kind,
                "submission_url": absolute(submission.get_absolute_url()),
                "my_actions_url": absolute(reverse("actions:action_mine")),
            },
            why="You get this because you submitted it or lead the work it reports on.",
        )
        for person in _returned_to(submission)
    ]
