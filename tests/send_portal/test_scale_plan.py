"""manage.py scale_plan: a generated plan of the demo's shape at N times its size, the same for the same seed."""

from collections import Counter
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction

from actions.models import Action, Priority, ProgressUpdate, Status
from governance.models import Group, Meeting, MeetingAction, MeetingStatus
from indicators.models import Indicator, Measurement
from send_portal.models import User
from send_portal.roles import ADMINISTRATOR, BOARD_MEMBER, OPERATIONS_GROUP, WORKSTREAM_LEAD
from send_portal.scale import DEFAULT_ANCHOR, scale_plan

PORTAL_APPS = ["send_portal", "actions", "indicators", "governance"]
CLOCK_FIELDS = {"created", "updated"}  # stamped with the time of the run


def canonical_dump():
    """Every portal row (history and many-to-many rows included) without the clock's timestamps, each id
    replaced by its rank in its table: PostgreSQL does not roll sequences back, so raw ids differ between
    two runs in one test even when the rows are the same."""
    models = [
        model
        for app in PORTAL_APPS
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
    ]
    ranks = {
        model: {
            pk: rank
            for rank, pk in enumerate(model._base_manager.order_by("pk").values_list("pk", flat=True))
        }
        for model in models
    }

    def target(model, field):
        """The table a column's ids point into, or None when its values are not portal ids."""
        if field.primary_key:
            return model
        if field.is_relation and field.related_model in ranks:
            return field.related_model
        tracked = getattr(model, "instance_type", None)  # a history row's `id` is the tracked row's
        if tracked is not None and field.name == tracked._meta.pk.name:
            return tracked
        return None

    dump = {}
    for model in models:
        fields = [f for f in model._meta.concrete_fields if f.name not in CLOCK_FIELDS]
        tables = [target(model, f) for f in fields]
        rows = model._base_manager.order_by("pk").values_list(*[f.attname for f in fields])
        dump[model._meta.label] = [
            tuple(
                ranks[table][value] if table and value is not None else value
                for table, value in zip(tables, row, strict=True)
            )
            for row in rows
        ]
    return dump


def generated(seed):
    """The canonical dump of a plan generated at factor 1 into this test's database, which is then rolled
    back to how it was (a fresh database each time)."""
    with transaction.atomic():
        scale_plan(factor=1, seed=seed)
        dump = canonical_dump()
        transaction.set_rollback(True)
    return dump


@pytest.mark.django_db
def test_factor_one_creates_a_plan_the_size_of_the_demo():
    out = StringIO()
    call_command("scale_plan", "--factor", "1", "--seed", "1", stdout=out)

    assert Priority.objects.count() == 5
    assert Action.objects.count() == 40
    assert ProgressUpdate.objects.count() == 800
    assert Indicator.objects.count() == 20
    assert all(indicator.measurements.count() == 36 for indicator in Indicator.objects.all())
    assert Meeting.objects.count() == 10
    assert User.objects.count() == 20
    roles = Counter(User.objects.values_list("groups__name", flat=True))
    assert roles == {BOARD_MEMBER: 5, WORKSTREAM_LEAD: 7, OPERATIONS_GROUP: 6, ADMINISTRATOR: 2}
    assert "Actions: 40" in out.getvalue()
    assert "Progress updates: 800" in out.getvalue()


@pytest.mark.django_db
def test_meetings_have_agendas_and_the_held_ones_decisions_and_an_action_log_with_overdue_items():
    scale_plan(factor=1, seed=1)

    meetings = list(Meeting.objects.all())
    held = [m for m in meetings if m.status == MeetingStatus.HELD]
    assert any(m.status == MeetingStatus.SCHEDULED and m.date >= DEFAULT_ANCHOR for m in meetings)
    assert all(m.agenda_items.count() >= 3 for m in meetings)
    assert all(m.decisions.exists() and m.meeting_actions.exists() for m in held)
    log = MeetingAction.objects.all()
    assert log.open().exists()
    assert log.overdue(DEFAULT_ANCHOR).exists()


@pytest.mark.django_db
def test_statuses_are_mixed_like_the_demo_plan_and_mostly_on_track():
    scale_plan(factor=1, seed=1)

    statuses = Counter(Action.objects.values_list("status", flat=True))
    assert statuses.most_common(1)[0][0] == Status.ON_TRACK
    assert set(statuses) == set(Status)
    assert Action.objects.exclude(revised_due_date=None).exclude(revision_reason="").exists()
    assert Action.objects.overdue(DEFAULT_ANCHOR).exists()


@pytest.mark.django_db
def test_every_generated_action_has_the_status_its_latest_update_gives():
    scale_plan(factor=1, seed=3)

    for action in Action.objects.all():
        assert (action.status, action.completed_on, action.last_update_on) == action.derived_status(), (
            action.ref
        )


@pytest.mark.django_db
def test_every_generated_actions_history_ends_in_its_current_values():
    scale_plan(factor=1, seed=3)

    for action in Action.objects.all():
        latest = action.history.order_by("-history_date", "-history_id").first()
        assert latest.version == action.version == action.history.count()
        assert (latest.status, latest.revised_due_date) == (action.status, action.revised_due_date)


@pytest.mark.django_db
def test_every_generated_value_is_valid_for_its_indicator():
    scale_plan(factor=1, seed=3)

    for measurement in Measurement.objects.select_related("indicator"):
        measurement.indicator.validate_value(measurement.value)


@pytest.mark.django_db
def test_the_same_seed_twice_writes_identical_rows():
    first = generated(seed=7)

    assert (
        sum(len(rows) for rows in first.values()) > 3_000
    )  # every table the generator writes, history included
    assert generated(seed=7) == first


@pytest.mark.django_db
def test_another_seed_writes_different_rows():
    assert generated(seed=7) != generated(seed=8)


@pytest.mark.django_db
def test_scaling_on_top_of_the_demo_plan_twice_keeps_refs_codes_and_usernames_unique():
    call_command("load_plan", stdout=StringIO())
    demo_actions, demo_indicators, demo_users = (
        Action.objects.count(),
        Indicator.objects.count(),
        User.objects.count(),
    )

    scale_plan(factor=1, seed=1)
    scale_plan(factor=1, seed=2)

    refs = list(Action.objects.values_list("ref", flat=True))
    assert len(refs) == len(set(refs)) == demo_actions + 80
    assert "P1.9" in refs  # the demo's priority 1 ends at P1.8
    codes = list(Indicator.objects.values_list("code", flat=True))
    assert len(codes) == len(set(codes)) == demo_indicators + 40
    assert User.objects.count() == demo_users + 40
    assert Priority.objects.count() == 5
    assert Group.objects.filter(slug__in=["improvement-board", "operations-group"]).count() == 2


@pytest.mark.django_db
def test_users_password_lets_every_generated_person_sign_in_with_one_hash():
    call_command("scale_plan", "--users-password", "load-test-password", stdout=StringIO())

    hashes = set(User.objects.values_list("password", flat=True))
    assert len(hashes) == 1
    assert User.objects.get(username="scale.lead.001").check_password("load-test-password")
