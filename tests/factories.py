"""One factory per model, with minimal valid defaults. States are traits."""

import calendar
from datetime import date, timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from actions.models import Action, Plan, Priority, ProgressUpdate, Status
from governance.models import (
    AgendaItem,
    Attendance,
    Decision,
    FeedbackItem,
    Group,
    GroupKind,
    Meeting,
    MeetingAction,
)
from indicators.models import Direction, Indicator, Measurement, Rebase, Unit
from reporting.models import Ask, Assessment, HighlightReport, Period
from send_portal.models import Organisation, User


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"org-{n}")
    name = factory.Sequence(lambda n: f"Organisation {n}")


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = factory.Sequence(lambda n: f"Person{n}")
    last_name = "Example"
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class PlanFactory(DjangoModelFactory):
    class Meta:
        model = Plan

    title = "Example SEND Priority Action Plan"


class PriorityFactory(DjangoModelFactory):
    class Meta:
        model = Priority
        django_get_or_create = ["number"]

    number = factory.Sequence(lambda n: n + 1)
    short_title = factory.Sequence(lambda n: f"Priority {n + 1}")
    statement = "Leaders should improve the timeliness of EHC plans."


class ActionFactory(DjangoModelFactory):
    class Meta:
        model = Action

    ref = factory.Sequence(lambda n: f"T{n}.1")
    priority = factory.SubFactory(PriorityFactory)
    title = factory.Sequence(lambda n: f"Action {n}")
    start_date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=7))
    due_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=28))

    class Params:
        overdue = factory.Trait(
            due_date=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=1))
        )


class ProgressUpdateFactory(DjangoModelFactory):
    class Meta:
        model = ProgressUpdate
        skip_postgeneration_save = True

    action = factory.SubFactory(ActionFactory)
    date = factory.LazyFunction(timezone.localdate)
    author = factory.SubFactory(UserFactory)
    status = Status.ON_TRACK
    narrative = "Work is going to plan."

    @factory.post_generation
    def refresh_action(obj, create, extracted, **kwargs):
        if create:
            obj.action.refresh_status()


class IndicatorFactory(DjangoModelFactory):
    class Meta:
        model = Indicator

    code = factory.Sequence(lambda n: f"T-I{n}")
    priority = factory.SubFactory(PriorityFactory)
    name = factory.Sequence(lambda n: f"Indicator {n}")
    unit = Unit.PERCENT
    direction = Direction.HIGHER_IS_BETTER
    baseline_value = 20
    baseline_date = date(2025, 1, 31)
    target_value = 60
    target_date = date(2026, 12, 31)


class MeasurementFactory(DjangoModelFactory):
    class Meta:
        model = Measurement

    indicator = factory.SubFactory(IndicatorFactory)
    period_end = factory.Sequence(lambda n: date(2025, 1, 31) + timedelta(days=31 * n))
    value = 25


class RebaseFactory(DjangoModelFactory):
    class Meta:
        model = Rebase

    indicator = factory.SubFactory(IndicatorFactory)
    starts_on = factory.Sequence(lambda n: date(2025, 9, 1) + timedelta(days=31 * n))
    reason = "New EHC process"


class GroupFactory(DjangoModelFactory):
    class Meta:
        model = Group
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"group-{n}")
    name = factory.Sequence(lambda n: f"Group {n}")
    kind = GroupKind.OPERATIONS_GROUP

    class Params:
        board = factory.Trait(kind=GroupKind.BOARD, slug="improvement-board", name="SEND Improvement Board")


class MeetingFactory(DjangoModelFactory):
    class Meta:
        model = Meeting

    group = factory.SubFactory(GroupFactory)
    date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=14))
    title = factory.Sequence(lambda n: f"Meeting {n}")


class AttendanceFactory(DjangoModelFactory):
    class Meta:
        model = Attendance

    meeting = factory.SubFactory(MeetingFactory)
    person = factory.SubFactory(UserFactory)


class AgendaItemFactory(DjangoModelFactory):
    class Meta:
        model = AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    order = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Agenda item {n}")


class DecisionFactory(DjangoModelFactory):
    class Meta:
        model = Decision

    meeting = factory.SubFactory(MeetingFactory)
    text = "The Board agreed the revised timetable."


class MeetingActionFactory(DjangoModelFactory):
    class Meta:
        model = MeetingAction

    meeting = factory.SubFactory(MeetingFactory)
    text = factory.Sequence(lambda n: f"Follow-up {n}")
    due_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=14))


class FeedbackItemFactory(DjangoModelFactory):
    class Meta:
        model = FeedbackItem

    you_said = "We did not know who to contact while we waited."
    we_did = "Letters now name a contact in the SEND team."


class HighlightReportFactory(DjangoModelFactory):
    class Meta:
        model = HighlightReport

    priority = factory.SubFactory(PriorityFactory)
    meeting = factory.SubFactory(MeetingFactory, group=factory.SubFactory(GroupFactory, board=True))
    assessment = Assessment.ON_TRACK
    reason = "Every action is on schedule."
    ask_kind = Ask.NONE


class PeriodFactory(DjangoModelFactory):
    """An open monthly reporting period: January 2026 unless told otherwise."""

    class Meta:
        model = Period

    start = factory.Sequence(lambda n: date(2026, 1, 1) + timedelta(days=31 * n))
    end = factory.LazyAttribute(
        lambda p: p.start.replace(day=calendar.monthrange(p.start.year, p.start.month)[1])
    )
    updates_due_by = factory.LazyAttribute(lambda p: p.end + timedelta(days=7))
