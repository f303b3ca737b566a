"""A plan at N times the demo's size, for benchmarks and load tests: `manage.py scale_plan`.

At factor N the generator adds 40N actions with 800N progress updates (about 20 each), 20N indicators with
36 values each, 10N meetings of the Improvement Board and the Operations Group (agendas of about four
items; decisions, action logs and attendance for the meetings held), 20N people across the four roles, and
a few 'you said, we did' items and escalations. Every choice comes from `random.Random(seed)` and every
date is counted from a fixed `anchor` (never from today), so the same factor, seed and anchor write the
same rows into a fresh database. The text says it is generated ("Generated action 57 for priority 3").

It keeps the demo plan's shape and the models' rules:
- priorities 1 to 5 and the 'improvement-board' and 'operations-group' groups are reused when they exist;
  action refs (P3.57), indicator codes (P3-I12) and usernames continue after those already there, so it
  can run on top of the demo plan, or twice;
- an action's status, completion date and last update date are its latest progress update's
  (Action.derived_status), and its history holds one record per update, as record_update() writes;
- every value passes Indicator.validate_value, one per indicator and period, at the indicator's frequency;
- meetings before the anchor are held (a few cancelled) and later ones scheduled.

Rows are written with bulk_create in batches. Tracked models get their history rows too
(bulk_create_with_history), dated when the event happened rather than when the generator ran; actions
and measurements get history rows built here, because their history tells a story over time. History of
many-to-many fields (an agenda item's actions, a group's members) is not written.

Like the plan loader, this spans every app, so it lives in the project.
"""

import random
import re
import time as clock
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cache

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password
from django.contrib.auth.models import Group as Role
from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst
from simple_history.utils import bulk_create_with_history

from actions.models import (
    NEEDS_MITIGATION,
    Action,
    LeadOrganisation,
    Plan,
    Priority,
    PriorityKind,
    ProgressUpdate,
    Status,
    natural_sort_key,
)
from governance.models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Decision,
    Escalation,
    FeedbackItem,
    Group,
    GroupKind,
    Meeting,
    MeetingAction,
    MeetingActionStatus,
    MeetingKind,
    MeetingStatus,
)
from indicators.models import Direction, Indicator, Measurement, Provenance, Unit
from indicators.status import Frequency, latest_due_period, trajectory_value
from indicators.status import is_overdue as is_data_overdue
from send_portal.models import Organisation, OrganisationKind, User
from send_portal.roles import ADMINISTRATOR, BOARD_MEMBER, OPERATIONS_GROUP, WORKSTREAM_LEAD, ensure_roles

DEFAULT_ANCHOR = date(2026, 2, 28)  # the demo plan's "today"
BATCH_SIZE = 1000
HISTORY_YEARS = 3  # the plan's life before the anchor
MEASUREMENTS_PER_INDICATOR = 36
PRIORITY_NUMBERS = [1, 2, 3, 4, 5]
BOARD_SLUG, OPERATIONS_SLUG = "improvement-board", "operations-group"
# Users without --users-password cannot sign in. A fixed marker (not make_password(None)'s random one)
# keeps the rows identical from run to run.
NO_LOGIN = f"{UNUSABLE_PASSWORD_PREFIX}generated-by-scale-plan"

# (username part, role, what the person is called, how many in every 20 people)
ROLES = [
    ("board", BOARD_MEMBER, "Board member", 5),
    ("lead", WORKSTREAM_LEAD, "Workstream lead", 7),
    ("ops", OPERATIONS_GROUP, "Operations Group member", 6),
    ("admin", ADMINISTRATOR, "Administrator", 2),
]
# The demo plan's mix of statuses (of its 36 actions: 17 on track, 8 complete, 6 at risk, 4 not started,
# 1 off track), with a few more off track so the red paths have data.
STATUS_SHARES = {
    Status.ON_TRACK: 45,
    Status.COMPLETE: 22,
    Status.AT_RISK: 15,
    Status.OFF_TRACK: 7,
    Status.NOT_STARTED: 11,
}
STALE_SHARE = 0.12  # open actions whose last update is more than 30 days before the anchor
OVERDUE_SHARE = 0.2  # open, started actions whose due date has passed
REVISED_SHARE = 0.12  # actions with a revised due date
PRIORITY_KINDS = {
    1: PriorityKind.PRIORITY_ACTION,
    2: PriorityKind.PRIORITY_ACTION,
    3: PriorityKind.PRIORITY_ACTION,
}

ACTION_TOPICS = [
    "review how requests for EHC needs assessments are triaged",
    "train SENCOs in the graduated approach",
    "publish the local offer in plain English",
    "recruit specialist teachers for autism outreach",
    "agree a joint commissioning plan for therapies",
    "audit the quality of annual reviews",
    "set up a transition clinic for young people aged 16 to 25",
    "reduce waiting times for ADHD assessment",
    "co-produce a newsletter with the parent carer forum",
    "map alternative provision places by district",
    "return health advice for EHC needs assessments within six weeks",
    "extend the key worker pilot to another district",
]
UPDATE_TEXTS = {
    Status.ON_TRACK: [
        "milestones for the month were met",
        "work is progressing as planned",
        "partners signed off the latest stage",
    ],
    Status.AT_RISK: [
        "a staffing gap is slowing the work",
        "the next milestone depends on another workstream and may slip",
    ],
    Status.OFF_TRACK: ["the milestone was missed and a recovery plan is being agreed"],
    Status.COMPLETE: ["the action is complete and the evidence is filed"],
}
INDICATOR_TOPICS = [
    "new EHC plans issued within 20 weeks",
    "annual reviews completed on time",
    "children waiting for an autism assessment",
    "families who say they were listened to",
    "young people with a transition plan at 14",
    "health advice returned within six weeks",
    "suspensions of pupils with SEND",
    "weeks waited for speech and language therapy",
    "days from referral to first contact",
]
MEETING_ACTION_TEXTS = [
    "circulate the revised highlight report",
    "bring the waiting list figures by district",
    "meet the parent carer forum about the newsletter",
    "confirm funding for the next quarter",
    "check the escalation route with the ICB",
]


# --- What a run did -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Sizes:
    """How many of each thing the generator makes at a scale factor."""

    users: int
    actions: int
    updates: int
    indicators: int
    meetings: int
    feedback_items: int
    escalations: int

    @classmethod
    def for_factor(cls, factor):
        return cls(
            users=20 * factor,
            actions=40 * factor,
            updates=800 * factor,
            indicators=20 * factor,
            meetings=10 * factor,
            feedback_items=3 * factor,
            escalations=2 * factor,
        )


# The models the generator writes, in the order the summary lists them.
WRITTEN = [
    Organisation,
    User,
    Plan,
    Priority,
    Action,
    ProgressUpdate,
    Indicator,
    Measurement,
    Group,
    Meeting,
    Attendance,
    AgendaItem,
    Decision,
    MeetingAction,
    FeedbackItem,
    Escalation,
]


@dataclass
class ScaleReport:
    """What one run created: rows per model, and facts worth knowing about the plan it made."""

    factor: int
    seed: int
    anchor: date
    created: dict = field(default_factory=lambda: dict.fromkeys(WRITTEN, 0))
    facts: dict = field(default_factory=dict)
    first_usernames: dict = field(default_factory=dict)  # role -> a generated username with that role
    seconds: float = 0.0

    def summary_lines(self):
        lines = [
            f"{capfirst(model._meta.verbose_name_plural)}: {count}"
            for model, count in self.created.items()
            if count
        ]
        lines += [f"{label}: {value}" for label, value in self.facts.items()]
        return lines


def scale_plan(*, factor, seed, anchor=DEFAULT_ANCHOR, users_password=None):
    """Add a generated plan at `factor` times the demo's size, in one transaction. Returns a ScaleReport."""
    if factor < 1:
        raise ValueError("The scale factor is a whole number from 1.")
    started = clock.perf_counter()
    with transaction.atomic():
        report = PlanScaler(factor=factor, seed=seed, anchor=anchor, users_password=users_password).generate()
    report.seconds = clock.perf_counter() - started
    return report


# --- Small helpers ----------------------------------------------------------------------------------------
def allocate(total, weights):
    """Split `total` into whole shares in proportion to `weights`, exactly (largest remainder first)."""
    whole = sum(weights)
    raw = [total * weight / whole for weight in weights]
    shares = [int(share) for share in raw]
    by_remainder = sorted(range(len(raw)), key=lambda i: (shares[i] - raw[i], i))
    for i in by_remainder[: total - sum(shares)]:
        shares[i] += 1
    return shares


def at(day, hour=9, minute=0):
    """An aware datetime on `day` in the portal's time zone."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def add_months(day, months):
    month = day.year * 12 + day.month - 1 + months
    return date(month // 12, month % 12 + 1, 1)


def weekday_from(day, weekday):
    """The first `weekday` (0 = Monday) on or after `day`."""
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def second_thursday(month):
    return weekday_from(month.replace(day=8), 3)


def next_number(existing, pattern):
    """One more than the largest number `pattern` (a regex with one group) finds in `existing`."""
    numbers = [int(match.group(1)) for text in existing if (match := re.fullmatch(pattern, text))]
    return max(numbers, default=0) + 1


@cache
def field_names(model):
    return {f.name for f in model._meta.get_fields()} | {f.attname for f in model._meta.concrete_fields}


def only_fields(model, values):
    """`values` without the fields `model` does not have (yet): the models are still growing."""
    return {name: value for name, value in values.items() if name in field_names(model)}


def build(model, **values):
    return model(**only_fields(model, values))


# --- The generator --------------------------------------------------------------------------------------
class PlanScaler:
    """Writes one generated plan. Call scale_plan(), which adds the transaction and the timing."""

    def __init__(self, *, factor, seed, anchor, users_password=None):
        self.rng = random.Random(seed)
        self.factor = factor
        self.anchor = anchor
        self.start = anchor - timedelta(days=365 * HISTORY_YEARS)
        self.sizes = Sizes.for_factor(factor)
        self.password = make_password(users_password) if users_password else NO_LOGIN  # hashed once
        self.report = ScaleReport(factor=factor, seed=seed, anchor=anchor)
        self.users = {}  # role username part -> [User]
        self.priorities = {}  # number -> Priority
        self.leads = {}  # priority number -> [User] who lead its actions
        self.actions = {}  # priority number -> [Action]
        self.indicators = []
        self.groups = {}  # slug -> Group
        self.members = {}  # slug -> [User] generated members

    def generate(self):
        self._people()
        self._plan()
        self._priorities()
        self._actions()
        self._indicators()
        self._groups()
        self._meetings()
        self.check_statuses()
        return self.report

    def _insert(self, model, objs):
        """bulk_create in batches (with history for tracked models); counts the rows."""
        if hasattr(model, "history"):
            objs = bulk_create_with_history(objs, model, batch_size=BATCH_SIZE)
        else:
            objs = model.objects.bulk_create(objs, batch_size=BATCH_SIZE)
        if model in self.report.created:
            self.report.created[model] += len(objs)
        return objs

    def _user(self, role_part):
        return self.rng.choice(self.users[role_part])

    # --- People -----------------------------------------------------------------------------------------
    def _people(self):
        ensure_roles()
        organisations = []
        for code, name, kind in [
            ("LA", "Generated County Council", OrganisationKind.COUNCIL),
            ("ICB", "Generated Integrated Care Board", OrganisationKind.ICB),
        ]:
            organisation = Organisation.objects.filter(code=code).first()
            if organisation is None:
                organisation = self._insert(Organisation, [Organisation(code=code, name=name, kind=kind)])[0]
            organisations.append(organisation)

        roles = {role.name: role for role in Role.objects.filter(name__in=[r for _, r, _, _ in ROLES])}
        existing = list(User.objects.filter(username__startswith="scale.").values_list("username", flat=True))
        joined = at(self.start - timedelta(days=30))
        people, memberships = [], []
        for part, role, label, per_twenty in ROLES:
            first = next_number(existing, rf"scale\.{part}\.(\d+)")
            for n in range(first, first + per_twenty * self.factor):
                person = User(
                    username=f"scale.{part}.{n:03d}",
                    password=self.password,
                    first_name="Generated",
                    last_name=f"{label.lower()} {n}",
                    email=f"scale.{part}.{n:03d}@example.org",
                    job_title=f"Generated {label.lower()} {n}",
                    organisation=self.rng.choice(organisations),
                    is_staff=role == ADMINISTRATOR,
                    is_superuser=role == ADMINISTRATOR,
                    date_joined=joined,
                )
                people.append((part, role, person))
        self._insert(User, [person for _, _, person in people])
        for part, role, person in people:
            self.users.setdefault(part, []).append(person)
            memberships.append(User.groups.through(user_id=person.pk, group_id=roles[role].pk))
        User.groups.through.objects.bulk_create(memberships, batch_size=BATCH_SIZE)
        self.report.first_usernames = {role: self.users[part][0].username for part, role, _, _ in ROLES}

    # --- The plan and its priorities --------------------------------------------------------------------
    def _plan(self):
        if Plan.objects.exists():
            return
        plan = Plan(
            title=f"Generated Priority Action Plan (scale {self.factor}, seed {self.report.seed})",
            inspection_published_on=self.start - timedelta(days=45),
            inspection_outcome="Generated for load testing: not a real inspection outcome.",
            approved_on=self.start,
            is_demonstration=True,
        )
        plan._history_date = at(self.start)
        self._insert(Plan, [plan])

    def _priorities(self):
        self.priorities = {p.number: p for p in Priority.objects.filter(number__in=PRIORITY_NUMBERS)}
        leads = self.users["lead"]
        for i, lead in enumerate(leads):  # each generated lead leads actions of one priority
            self.leads.setdefault(PRIORITY_NUMBERS[i % len(PRIORITY_NUMBERS)], []).append(lead)
        missing = []
        for number in PRIORITY_NUMBERS:
            if number in self.priorities:
                continue
            priority = Priority(
                number=number,
                kind=PRIORITY_KINDS.get(number, PriorityKind.AREA_FOR_IMPROVEMENT),
                short_title=f"Generated priority {number}",
                statement=f"Generated statement for priority {number}: the inspection's words would go here.",
                expected_impact=f"Generated expected impact for priority {number}.",
                success_looks_like="Generated measure of success one\nGenerated measure of success two",
                workstream_name=f"Generated workstream {number}",
                lead=self.leads[number][0],
            )
            priority._history_date = at(self.start)
            missing.append(priority)
        for priority in self._insert(Priority, missing):
            self.priorities[priority.number] = priority

    # --- Actions, their progress updates and their history ----------------------------------------------
    def _actions(self):
        rng = self.rng
        statuses = []
        for status, count in zip(
            STATUS_SHARES, allocate(self.sizes.actions, list(STATUS_SHARES.values())), strict=True
        ):
            statuses += [status] * count
        rng.shuffle(statuses)

        started = [i for i, status in enumerate(statuses) if status != Status.NOT_STARTED]
        counts = dict.fromkeys(range(len(statuses)), 0)
        shares = allocate(self.sizes.updates, [rng.randint(14, 26) for _ in started])
        counts.update(zip(started, shares, strict=True))

        existing_refs = list(Action.objects.values_list("ref", flat=True))
        numbers = {p: next_number(existing_refs, rf"P{p}\.(\d+)") for p in PRIORITY_NUMBERS}
        plans = []  # (Action, [ProgressUpdate], revision date or None)
        for i, status in enumerate(statuses):
            number = PRIORITY_NUMBERS[i % len(PRIORITY_NUMBERS)]
            ref = f"P{number}.{numbers[number]}"
            numbers[number] += 1
            plans.append(self._action(ref, number, status, counts[i]))

        actions = [action for action, _, _ in plans]
        Action.objects.bulk_create(actions, batch_size=BATCH_SIZE)
        self.report.created[Action] += len(actions)
        updates = []
        for action, action_updates, _ in plans:
            for update in action_updates:
                update.action = action
            updates += action_updates
            self.actions.setdefault(action.priority.number, []).append(action)
        self._insert(ProgressUpdate, updates)
        Action.history.model.objects.bulk_create(
            [
                row
                for action, action_updates, revised_on in plans
                for row in self._trail(action, action_updates, revised_on)
            ],
            batch_size=BATCH_SIZE,
        )
        today = self.anchor
        self.report.facts["Actions overdue on the anchor date"] = sum(a.is_overdue(today) for a in actions)
        self.report.facts["Actions with no recent update on the anchor date"] = sum(
            a.is_stale(today) for a in actions
        )
        self.report.facts["Actions with a revised due date"] = sum(a.is_revised for a in actions)

    def _action(self, ref, number, status, count):
        """One action with `count` dated updates ending in `status`; returns (action, updates, revised on)."""
        rng, anchor = self.rng, self.anchor
        lead = rng.choice(self.leads[number])
        if status == Status.NOT_STARTED:
            if rng.random() < 0.5:
                start = anchor + timedelta(days=rng.randint(7, 120))  # due to start soon
            else:
                start = anchor - timedelta(days=rng.randint(10, 90))  # late starting: no recent update
            due = start + timedelta(days=rng.randint(120, 540))
            end = None
        else:
            start = anchor - timedelta(days=rng.randint(240, 365 * HISTORY_YEARS))
            if status == Status.COMPLETE:
                end = start + timedelta(days=rng.randint(120, (anchor - start).days))
                due = max(start + timedelta(days=30), end + timedelta(days=rng.randint(-60, 90)))
            else:
                stale = rng.random() < STALE_SHARE
                end = anchor - timedelta(days=rng.randint(31, 120) if stale else rng.randint(0, 28))
                if rng.random() < OVERDUE_SHARE:
                    due = max(start + timedelta(days=30), anchor - timedelta(days=rng.randint(1, 150)))
                else:
                    due = anchor + timedelta(days=rng.randint(14, 540))
        revised_due_date, revision_reason, revised_on = None, "", None
        if start < anchor and rng.random() < REVISED_SHARE:
            revised_due_date = due + timedelta(days=rng.randint(30, 180))
            revision_reason = (
                f"Generated revision of {ref}: the Operations Group agreed a later date because "
                f"{rng.choice(UPDATE_TEXTS[Status.AT_RISK])}."
            )
            revised_on = start + timedelta(days=rng.randint(0, max(0, (min(due, anchor) - start).days)))

        updates = []
        if count:
            days = sorted(rng.sample(range((end - start).days), count - 1)) + [(end - start).days]
            for n, offset in enumerate(days, start=1):
                update_status = status if n == count else self._interim_status()
                updates.append(
                    self._update(ref, n, count, start + timedelta(days=offset), update_status, lead)
                )

        action = Action(
            ref=ref,
            ref_sort=natural_sort_key(ref),  # save() sets it; bulk_create does not call save()
            priority=self.priorities[number],
            title=f"Generated action {ref.split('.')[1]} for priority {number}: {rng.choice(ACTION_TOPICS)}",
            description=f"Generated for load testing (scale {self.factor}, seed {self.report.seed}).",
            lead=lead,
            lead_organisation=rng.choices(list(LeadOrganisation), weights=[40, 27, 33, 0])[0],
            start_date=start,
            due_date=due,
            revised_due_date=revised_due_date,
            revision_reason=revision_reason,
            expected_impact=f"Generated expected impact of {ref}.",
        )
        latest = updates[-1] if updates else None  # the one rule: Action.derived_status()
        action.status = latest.status if latest else Status.NOT_STARTED
        action.completed_on = latest.date if latest and latest.status == Status.COMPLETE else None
        action.last_update_on = latest.date if latest else None
        action.version = 1 + len(updates) + (revised_on is not None)
        return action, updates, revised_on

    def _interim_status(self):
        return self.rng.choices([Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK], weights=[78, 17, 5])[0]

    def _update(self, ref, n, count, day, status, lead):
        rng = self.rng
        author = lead if rng.random() < 0.8 else self._user("ops")
        update = ProgressUpdate(
            date=day,
            author=author,
            status=status,
            narrative=f"Generated update {n} of {count} on {ref}: {rng.choice(UPDATE_TEXTS[status])}.",
            mitigation=f"Generated mitigation for {ref}: extra capacity agreed."
            if status in NEEDS_MITIGATION
            else "",
            evidence_link=f"https://example.org/evidence/{ref.lower()}" if status == Status.COMPLETE else "",
            next_steps="" if status == Status.COMPLETE else f"Generated next step {n + 1} for {ref}.",
        )
        # Its history row (sign-off is tracked) is dated when it was posted, like the rest of the story.
        update._history_date, update._history_user = at(day), author
        return update

    def _trail(self, action, updates, revised_on):
        """The action's history as the portal would have written it: created, then one record per progress
        update (record_update) and one for the revised due date (save_details), each by its author."""
        History = Action.history.model
        fields = [f.attname for f in History.tracked_fields]
        created_on = min(action.start_date, self.anchor) - timedelta(days=7)
        state = {name: getattr(action, name) for name in fields}
        final = dict(state)
        state.update(
            status=Status.NOT_STARTED,
            completed_on=None,
            last_update_on=None,
            revised_due_date=None,
            revision_reason="",
            version=1,
        )
        admin = self.users["admin"][0]
        rows = [History(**state, history_date=at(created_on), history_type="+", history_user_id=admin.pk)]
        events = [(at(u.date, 10), u) for u in updates]
        if revised_on is not None:
            events.append((at(revised_on, 11, 30), None))
        for when, update in sorted(events, key=lambda event: event[0]):
            if update is None:
                state.update(
                    revised_due_date=final["revised_due_date"], revision_reason=final["revision_reason"]
                )
                user = self._user("ops")
            else:
                state.update(
                    status=update.status,
                    completed_on=update.date if update.status == Status.COMPLETE else None,
                    last_update_on=update.date,
                )
                user = update.author
            state["version"] += 1
            rows.append(History(**state, history_date=when, history_type="~", history_user_id=user.pk))
        if state != final:
            raise AssertionError(f"{action.ref}: its history does not end in its current values")
        return rows

    # --- Indicators and their values ----------------------------------------------------------------------
    def _indicators(self):
        existing = list(Indicator.objects.values_list("code", flat=True))
        numbers = {p: next_number(existing, rf"P{p}-I(\d+)") for p in PRIORITY_NUMBERS}
        indicators, series = [], []
        for i in range(self.sizes.indicators):
            number = PRIORITY_NUMBERS[i % len(PRIORITY_NUMBERS)]
            code = f"P{number}-I{numbers[number]}"
            numbers[number] += 1
            indicator, values = self._indicator(code, number)
            indicators.append(indicator)
            series.append(values)
        self.indicators = self._insert(Indicator, indicators)

        measurements = []
        for indicator, values in zip(self.indicators, series, strict=True):
            for period_end, value in values:
                indicator.validate_value(value)  # the portal's rule for a value, e.g. percent 0-100
                measurements.append(
                    Measurement(
                        indicator=indicator,
                        period_end=period_end,
                        value=value,
                        is_illustrative=True,
                        recorded_by=indicator.owner,
                    )
                )
        Measurement.objects.bulk_create(measurements, batch_size=BATCH_SIZE)
        self.report.created[Measurement] += len(measurements)
        self._date_as_reported(measurements)
        for measurement in measurements:
            measurement._history_date = measurement.recorded_at
            measurement._history_user = measurement.recorded_by
        Measurement.history.bulk_history_create(measurements, batch_size=BATCH_SIZE)
        self.report.facts["Indicators with data overdue on the anchor date"] = sum(
            is_data_overdue(
                values[-1][0],
                self.anchor,
                frequency=indicator.frequency,
                reporting_lag_days=indicator.reporting_lag_days,
                baseline_date=indicator.baseline_date,
            )
            for indicator, values in zip(self.indicators, series, strict=True)
        )

    def _date_as_reported(self, measurements):
        """A value counts as recorded when it was due (its period's end plus the indicator's reporting lag,
        at 9:00), as the plan loader dates the demo's values; the insert stamped them with now. One UPDATE
        per distinct date, not per row."""
        by_moment = {}
        for measurement in measurements:
            lag = measurement.indicator.reporting_lag_days
            measurement.recorded_at = at(measurement.period_end + timedelta(days=lag))
            by_moment.setdefault(measurement.recorded_at, []).append(measurement.pk)
        for moment, pks in by_moment.items():
            for i in range(0, len(pks), BATCH_SIZE):
                Measurement.objects.filter(pk__in=pks[i : i + BATCH_SIZE]).update(recorded_at=moment)

    def _indicator(self, code, number):
        """One indicator and its 36 (period end, value) pairs, oldest first."""
        rng = self.rng
        unit = rng.choices([Unit.PERCENT, Unit.COUNT, Unit.WEEKS, Unit.DAYS], weights=[45, 35, 10, 10])[0]
        if unit == Unit.PERCENT:
            higher = rng.random() < 0.8
        elif unit == Unit.COUNT:
            higher = rng.random() < 0.45
        else:
            higher = False  # waits: shorter is better
        frequency = rng.choices([Frequency.MONTHLY, Frequency.QUARTERLY], weights=[75, 25])[0]
        lag = rng.choice([30, 30, 45, 60])

        # The latest period whose value is due on the anchor date, or (data overdue) the one before.
        period = latest_due_period(self.anchor, frequency, lag)
        if rng.random() < 0.1:
            period = period.previous(frequency, 12)
        ends = []
        for _ in range(MEASUREMENTS_PER_INDICATOR):
            ends.append(period.end)
            period = period.previous(frequency, 12)
        ends.reverse()

        if unit == Unit.PERCENT:
            baseline = rng.uniform(20, 75)
            distance = rng.uniform(8, 25)
            target = min(99.0, baseline + distance) if higher else max(1.0, baseline - distance)
        elif unit == Unit.COUNT:
            baseline = rng.randint(40, 2000)
            target = baseline * (rng.uniform(1.15, 1.6) if higher else rng.uniform(0.5, 0.85))
        else:
            baseline = rng.uniform(12, 40) if unit == Unit.WEEKS else rng.uniform(20, 200)
            target = baseline * rng.uniform(0.4, 0.8)
        baseline, target = self._round(unit, baseline), self._round(unit, target)
        baseline_date = ends[0]
        target_date = self.anchor + timedelta(days=rng.randint(90, 540))
        performance = rng.choice([1.15, 1.0, 0.9, 0.7, 0.4])  # how far along its trajectory it gets
        spread = abs(target - baseline) * Decimal("0.06")
        values = []
        for end in ends:
            expected = trajectory_value(baseline, baseline_date, target, target_date, end)
            value = baseline + (expected - baseline) * Decimal(str(performance))
            value += spread * Decimal(str(rng.uniform(-1, 1)))
            values.append((end, self._round(unit, value)))
        values[0] = (ends[0], baseline)

        owner = rng.choice(self.leads[number]) if rng.random() < 0.7 else self._user("ops")
        indicator = build(
            Indicator,
            code=code,
            priority=self.priorities[number],
            name=f"Generated indicator {code}: {rng.choice(INDICATOR_TOPICS)}",
            definition=f"Generated definition of {code}, for load testing.",
            unit=unit,
            direction=Direction.HIGHER_IS_BETTER if higher else Direction.LOWER_IS_BETTER,
            baseline_value=baseline,
            baseline_date=baseline_date,
            target_value=target,
            target_date=target_date,
            tolerance=self._round(unit, abs(target - baseline) * Decimal("0.15"))
            if rng.random() < 0.2
            else None,
            frequency=frequency,
            reporting_lag_days=lag,
            source="Generated data",
            owner=owner,
            provenance=Provenance.ILLUSTRATIVE,
            note="Generated by manage.py scale_plan: invented values for load testing.",
        )
        indicator._history_date = at(baseline_date)
        return indicator, values

    @staticmethod
    def _round(unit, value):
        """A value as the unit is reported and validated: percent 0-100 to 1 dp, counts whole, never below 0."""
        value = max(Decimal(0), Decimal(str(value)))
        if unit == Unit.PERCENT:
            value = min(Decimal(100), value)
        return value.quantize(Decimal(1) if unit == Unit.COUNT else Decimal("0.1"))

    # --- Governance ---------------------------------------------------------------------------------------
    def _groups(self):
        existing = {g.slug: g for g in Group.objects.filter(slug__in=[BOARD_SLUG, OPERATIONS_SLUG])}
        board = existing.get(BOARD_SLUG)
        if board is None:
            board = build(
                Group,
                slug=BOARD_SLUG,
                name="SEND Improvement Board",
                kind=GroupKind.BOARD,
                chair=self.users["board"][0],
                meets="monthly",
            )
            board._history_date = at(self.start)
            board = self._insert(Group, [board])[0]
        operations = existing.get(OPERATIONS_SLUG)
        if operations is None:
            operations = build(
                Group,
                slug=OPERATIONS_SLUG,
                name="SEND Operations Group",
                kind=GroupKind.OPERATIONS_GROUP,
                reports_to=board,
                chair=self.users["ops"][0],
                meets="fortnightly",
            )
            operations._history_date = at(self.start)
            operations = self._insert(Group, [operations])[0]
        self.groups = {BOARD_SLUG: board, OPERATIONS_SLUG: operations}
        self.members = {
            BOARD_SLUG: self.users["board"] + self.users["admin"][:1],
            OPERATIONS_SLUG: self.users["ops"] + self.users["lead"],
        }
        Through = Group.members.through
        Through.objects.bulk_create(
            [
                Through(group_id=self.groups[slug].pk, user_id=u.pk)
                for slug, users in self.members.items()
                for u in users
            ],
            batch_size=BATCH_SIZE,
        )

    def _meeting_dates(self):
        """(slug, date) of every meeting: the Board monthly, the Operations Group fortnightly, counting back
        from the anchor over about three years (further apart when there are fewer meetings), and a few
        after the anchor."""
        total = self.sizes.meetings
        board_total = round(total * 0.36)
        schedule = []
        for slug, count in [(BOARD_SLUG, board_total), (OPERATIONS_SLUG, total - board_total)]:
            after = max(1, round(count * 0.06))
            before = count - after
            if slug == BOARD_SLUG:  # the second Thursday of the month
                step = max(1, (12 * HISTORY_YEARS) // max(1, before))
                past = [second_thursday(add_months(self.anchor, -step * k)) for k in range(before + 2)]
                future = [second_thursday(add_months(self.anchor, k)) for k in range(1, after + 2)]
            else:  # Wednesdays, a fortnight apart
                step = 14 * max(1, (365 * HISTORY_YEARS) // (14 * max(1, before)))
                last = weekday_from(self.anchor - timedelta(days=7), 2)
                past = [last - timedelta(days=step * k) for k in range(before + 2)]
                future = [last + timedelta(days=14 * k) for k in range(1, after + 2)]
            schedule += [(slug, day) for day in [d for d in past if d < self.anchor][:before]]
            schedule += [(slug, day) for day in [d for d in future if d >= self.anchor][:after]]
        return sorted(schedule, key=lambda item: (item[1], item[0]))

    def _meetings(self):
        rng, anchor = self.rng, self.anchor
        meetings = self._insert(Meeting, [self._meeting(slug, day) for slug, day in self._meeting_dates()])

        items, item_actions, attendance, meeting_actions = [], [], [], []
        decisions = {}  # meeting -> [(text, agenda item or None)], numbered in this order
        for meeting in meetings:
            members = self.members[meeting.group.slug]
            agenda = self._agenda(meeting, members)
            items += [item for item, _ in agenda]
            item_actions += [(item, action) for item, actions in agenda for action in actions]
            if meeting.status != MeetingStatus.HELD:
                continue
            for person in rng.sample(members, min(12, len(members))):
                status = rng.choices(list(AttendanceStatus), weights=[80, 15, 5])[0]
                attendance.append(Attendance(meeting=meeting, person=person, status=status))
            decisions[meeting] = [
                (f"Generated decision {n} of the {meeting.group.name} on {meeting.date:%-d %B %Y}.", item)
                for n, (item, _) in enumerate(rng.choices(agenda, k=rng.choice([2, 3, 3, 4])), start=1)
            ]
            meeting_actions += self._action_log(meeting, members)

        self._insert(AgendaItem, self._dated(items, lambda item: item.meeting.date - timedelta(days=14)))
        Through = AgendaItem.actions.through
        Through.objects.bulk_create(
            [Through(agendaitem_id=item.pk, action_id=action.pk) for item, action in item_actions],
            batch_size=BATCH_SIZE,
        )
        self._insert(Attendance, attendance)

        board_held = [m for m in meetings if m.status == MeetingStatus.HELD and m.group.slug == BOARD_SLUG]
        escalations = self._escalations(board_held, decisions)  # adds the Board's decisions on them
        rows = {
            (meeting, order): build(Decision, meeting=meeting, agenda_item=item, order=order, text=text)
            for meeting, texts in decisions.items()
            for order, (text, item) in enumerate(texts, start=1)
        }
        self._insert(Decision, self._dated(list(rows.values()), lambda decision: decision.meeting.date))
        self._insert(MeetingAction, self._dated(meeting_actions, lambda item: item.meeting.date))
        self._insert(
            FeedbackItem,
            self._dated(
                self._feedback(board_held), lambda item: item.meeting.date if item.meeting else anchor
            ),
        )

        resolved = []
        for values, decided_at in escalations:
            escalation = build(
                Escalation, **values, resolved_by_decision=rows[decided_at] if decided_at else None
            )
            escalation._history_date = values["raised_at"]
            escalation._history_user = values["raised_by"]
            resolved.append(escalation)
        self._insert(Escalation, resolved)
        self.report.facts["Action log items overdue on the anchor date"] = sum(
            item.is_overdue(anchor) for item in meeting_actions
        )

    def _meeting(self, slug, day):
        """A meeting on `day`: held before the anchor (a few cancelled), scheduled from it on; every sixth
        Board meeting held is a DfE and NHS England stocktake."""
        rng = self.rng
        group = self.groups[slug]
        status = MeetingStatus.SCHEDULED
        if day < self.anchor:
            status = MeetingStatus.CANCELLED if rng.random() < 0.04 else MeetingStatus.HELD
        stocktake = slug == BOARD_SLUG and status == MeetingStatus.HELD and rng.random() < 1 / 6
        meeting = build(
            Meeting,
            group=group,
            date=day,
            start_time=time(10) if slug == BOARD_SLUG else time(14),
            location=f"Generated meeting room {rng.randint(1, 6)}",
            kind=MeetingKind.STOCKTAKE if stocktake else MeetingKind.MEETING,
            title=(
                f"Generated stocktake with the DfE and NHS England - {day:%-d %B %Y}"
                if stocktake
                else f"Generated {group.name} - {day:%-d %B %Y}"
            ),
            status=status,
            minutes=f"Generated minutes of the meeting on {day:%-d %B %Y}."
            if status == MeetingStatus.HELD
            else "",
        )
        meeting._history_date = at(min(day - timedelta(days=28), self.anchor))
        return meeting

    @staticmethod
    def _dated(objs, day_of):
        """Give each new tracked row a history date (9:00 on `day_of(row)`) instead of the time of the run."""
        for obj in objs:
            obj._history_date = at(day_of(obj))
        return objs

    def _agenda(self, meeting, members):
        """About four agenda items; returns [(item, [the plan actions it is about])]."""
        rng = self.rng
        chair = meeting.group.chair or members[0]
        title = "Generated item 1: minutes and matters arising"
        agenda = [(AgendaItem(meeting=meeting, order=1, title=title, presenter=chair), [])]
        for order in range(2, rng.choice([3, 4, 4, 5]) + 1):
            number = rng.choice(PRIORITY_NUMBERS)
            item = AgendaItem(
                meeting=meeting,
                order=order,
                title=f"Generated item {order}: progress on priority {number}",
                priority=self.priorities[number],
                presenter=rng.choice(self.leads[number]),
            )
            agenda.append((item, rng.sample(self.actions[number], rng.choice([0, 0, 1, 2, 3]))))
        return agenda

    def _action_log(self, meeting, members):
        """About three action-log items: those due before the anchor mostly done (a few dropped, some still
        open and so overdue), those due after it open."""
        rng, anchor = self.rng, self.anchor
        items = []
        for n in range(1, rng.choice([2, 3, 3, 4]) + 1):
            due = meeting.date + timedelta(days=rng.randint(14, 70))
            status = MeetingActionStatus.OPEN
            if due < anchor:
                status = rng.choices(list(MeetingActionStatus), weights=[18, 75, 7])[0]
            closed_on = None
            if status != MeetingActionStatus.OPEN:
                closed = due + timedelta(days=rng.randint(-10, 20))
                closed_on = min(anchor, max(meeting.date + timedelta(days=1), closed))
            dropped = status == MeetingActionStatus.DROPPED
            items.append(
                build(
                    MeetingAction,
                    meeting=meeting,
                    text=f"Generated action {n} from {meeting.date:%-d %B %Y}: {rng.choice(MEETING_ACTION_TEXTS)}.",
                    owner=rng.choice(members),
                    due_date=due,
                    status=status,
                    dropped_reason="Generated reason: overtaken by a later decision." if dropped else "",
                    closed_on=closed_on,
                )
            )
        return items

    def _feedback(self, board_meetings):
        rng = self.rng
        items = []
        for n in range(1, self.sizes.feedback_items + 1):
            items.append(
                build(
                    FeedbackItem,
                    meeting=rng.choice(board_meetings) if board_meetings else None,
                    priority=self.priorities[rng.choice(PRIORITY_NUMBERS)],
                    you_said=f"Generated feedback {n}: families said they want to hear about changes sooner.",
                    we_did=f"Generated response {n}: a termly update was agreed.",
                    impact=f"Generated impact {n}: more families say they feel informed.",
                )
            )
        return items

    def _escalations(self, board_meetings, decisions):
        """Escalations to the Board of at-risk and off-track actions (and a few indicators), each about a
        different thing. About half were decided at the next Board meeting: that meeting gets one more
        decision. Returns [(escalation's values, (meeting, decision number) or None)]."""
        rng, anchor = self.rng, self.anchor
        worrying = [
            a for number in PRIORITY_NUMBERS for a in self.actions[number] if a.status in NEEDS_MITIGATION
        ]
        about_actions = rng.sample(worrying, min(len(worrying), self.sizes.escalations * 3 // 4))
        about_indicators = rng.sample(self.indicators, self.sizes.escalations - len(about_actions))
        escalations = []
        for subject in about_actions + about_indicators:
            is_action = isinstance(subject, Action)
            ref = subject.ref if is_action else subject.code
            raised_on = anchor - timedelta(days=rng.randint(5, 300))
            values = {
                "action": subject if is_action else None,
                "indicator": None if is_action else subject,
                "reason": f"Generated escalation of {ref}: the Board is asked to agree extra capacity.",
                "raised_by": self._user("ops"),
                "raised_at": at(raised_on),
            }
            later = [m for m in board_meetings if m.date > raised_on]
            decided_at = None
            if later and rng.random() < 0.5:
                texts = decisions[later[0]]
                texts.append((f"{ref}: Generated decision on the escalation: extra capacity agreed.", None))
                decided_at = (later[0], len(texts))
            escalations.append((values, decided_at))
        return escalations

    # --- The check --------------------------------------------------------------------------------------
    def check_statuses(self, sample=25):
        """Ask the model (Action.derived_status, one query each) about a sample of the actions written:
        their stored status, completion date and last update date must be what their updates say."""
        actions = [a for number in PRIORITY_NUMBERS for a in self.actions.get(number, [])]
        for action in actions[:: max(1, len(actions) // sample)]:
            stored = (action.status, action.completed_on, action.last_update_on)
            if action.derived_status() != stored:
                raise AssertionError(
                    f"{action.ref}: stored {stored}, but its updates give {action.derived_status()}"
                )
