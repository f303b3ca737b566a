from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import FETCH_RAISE

from actions.models import Action, StaleEdit, Status, natural_sort_key
from tests.factories import ActionFactory, PriorityFactory, ProgressUpdateFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 3, 1)


def test_an_action_past_its_due_date_and_not_complete_is_overdue():
    action = ActionFactory(start_date=date(2026, 1, 1), due_date=date(2026, 2, 28))

    assert action.is_overdue(TODAY)
    assert list(Action.objects.overdue(TODAY)) == [action]


def test_an_action_due_today_is_not_overdue():
    action = ActionFactory(start_date=date(2026, 1, 1), due_date=TODAY)

    assert not action.is_overdue(TODAY)
    assert not Action.objects.overdue(TODAY).exists()


def test_a_revised_due_date_replaces_the_original_for_overdue():
    action = ActionFactory(
        start_date=date(2026, 1, 1),
        due_date=date(2026, 2, 1),
        revised_due_date=date(2026, 4, 30),
        revision_reason="Data-sharing agreement delayed.",
    )

    assert action.current_due_date == date(2026, 4, 30)
    assert not action.is_overdue(TODAY)
    assert not Action.objects.overdue(TODAY).exists()


def test_a_revised_due_date_in_the_past_makes_the_action_overdue():
    action = ActionFactory(
        start_date=date(2025, 1, 1),
        due_date=date(2026, 5, 1),
        revised_due_date=date(2026, 2, 1),
        revision_reason="Brought forward by the Board.",
    )

    assert action.is_overdue(TODAY)
    assert list(Action.objects.overdue(TODAY)) == [action]


def test_a_complete_action_is_never_overdue():
    action = ActionFactory(start_date=date(2025, 1, 1), due_date=date(2025, 6, 1))
    ProgressUpdateFactory(action=action, date=date(2025, 7, 1), status=Status.COMPLETE)
    action.refresh_from_db()

    assert not action.is_overdue(TODAY)
    assert not Action.objects.overdue(TODAY).exists()


def test_the_current_status_is_the_status_of_the_latest_update_by_date():
    action = ActionFactory()
    ProgressUpdateFactory(action=action, date=date(2026, 2, 1), status=Status.AT_RISK)
    ProgressUpdateFactory(action=action, date=date(2026, 1, 1), status=Status.ON_TRACK)  # back-dated
    action.refresh_from_db()

    assert action.status == Status.AT_RISK
    assert action.last_update_on == date(2026, 2, 1)


def test_an_action_with_no_updates_is_not_started():
    action = ActionFactory()
    action.refresh_status()

    assert action.status == Status.NOT_STARTED
    assert action.last_update_on is None


def test_completing_an_action_records_the_date_of_the_completing_update():
    action = ActionFactory()
    ProgressUpdateFactory(action=action, date=date(2026, 2, 10), status=Status.COMPLETE)
    action.refresh_from_db()

    assert action.status == Status.COMPLETE
    assert action.completed_on == date(2026, 2, 10)


def test_a_later_update_reopens_a_completed_action_and_clears_its_completion_date():
    action = ActionFactory()
    ProgressUpdateFactory(action=action, date=date(2026, 2, 10), status=Status.COMPLETE)
    ProgressUpdateFactory(action=action, date=date(2026, 2, 20), status=Status.ON_TRACK)
    action.refresh_from_db()

    assert action.status == Status.ON_TRACK
    assert action.completed_on is None


@pytest.mark.usefixtures("without_sign_off")  # approved as made; sign-off: test_sign_off.py
def test_record_update_adds_the_update_and_sets_the_status_in_one_step():
    action = ActionFactory()
    author = UserFactory()

    update = action.record_update(
        author=author,
        status=Status.AT_RISK,
        narrative="Recruitment paused.",
        mitigation="Agency staff booked.",
        date=date(2026, 2, 1),
    )

    action.refresh_from_db()
    assert action.updates.get() == update
    assert action.status == Status.AT_RISK
    assert action.version == 2


@pytest.mark.usefixtures("without_sign_off")  # approved as made; sign-off: test_sign_off.py
def test_record_update_refuses_a_stale_version_and_writes_nothing():
    action = ActionFactory()
    action.record_update(author=UserFactory(), status=Status.ON_TRACK, narrative="First.")

    with pytest.raises(StaleEdit):
        action.record_update(
            author=UserFactory(),
            status=Status.OFF_TRACK,
            narrative="Second.",
            mitigation="Escalated.",
            expected_version=1,
        )

    action.refresh_from_db()
    assert action.updates.count() == 1
    assert action.status == Status.ON_TRACK


def test_what_changed_since_a_version_names_the_new_lead_not_their_number():
    action = ActionFactory()
    lead = UserFactory(first_name="Nadia", last_name="Lead")
    action.save_details({"lead": lead}, expected_version=1)

    changes = action.changes_since(1)

    assert [(label, old, str(new)) for label, old, new in changes["fields"]] == [("lead", None, "Nadia Lead")]


def test_record_update_rejects_an_invalid_update_and_leaves_the_action_unchanged():
    action = ActionFactory()

    with pytest.raises(ValidationError):
        action.record_update(author=None, status="no_such_status", narrative="Nothing.")

    action.refresh_from_db()
    assert action.version == 1
    assert not action.updates.exists()


def test_an_open_action_with_no_update_for_over_30_days_has_no_recent_update():
    action = ActionFactory(start_date=date(2025, 1, 1), due_date=date(2026, 12, 1))
    ProgressUpdateFactory(action=action, date=TODAY - timedelta(days=31))
    action.refresh_from_db()

    assert action.days_since_update(TODAY) == 31
    assert action.is_stale(TODAY)
    assert list(Action.objects.stale(TODAY)) == [action]


def test_an_action_updated_30_days_ago_is_not_stale():
    action = ActionFactory(start_date=date(2025, 1, 1), due_date=date(2026, 12, 1))
    ProgressUpdateFactory(action=action, date=TODAY - timedelta(days=30))
    action.refresh_from_db()

    assert not action.is_stale(TODAY)
    assert not Action.objects.stale(TODAY).exists()


def test_an_action_never_updated_counts_staleness_from_its_start_date():
    action = ActionFactory(start_date=TODAY - timedelta(days=40), due_date=date(2026, 12, 1))

    assert action.days_since_update(TODAY) == 40
    assert list(Action.objects.stale(TODAY)) == [action]


def test_each_status_has_a_tag_colour_and_a_rag_rating():
    action = ActionFactory()
    for status in Status:
        action.status = status
        assert isinstance(action.tag_colour, str)
        assert action.rag in {"Grey", "Green", "Amber", "Red", "Blue"}


def test_action_references_sort_naturally():
    assert natural_sort_key("P2.10") > natural_sort_key("P2.9")
    priority = PriorityFactory(number=2)
    for ref in ["P2.10", "P2.2", "P2.1"]:
        ActionFactory(ref=ref, priority=priority)

    assert [a.ref for a in Action.objects.all()] == ["P2.1", "P2.2", "P2.10"]


def test_two_actions_cannot_share_a_reference():
    ActionFactory(ref="P1.1")
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionFactory(ref="P1.1")


def test_a_revised_due_date_needs_a_reason():
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionFactory(revised_due_date=date(2026, 6, 1), revision_reason="")


def test_a_revised_due_date_without_a_reason_fails_validation_with_a_readable_message():
    action = ActionFactory.build(priority=PriorityFactory(), revised_due_date=date(2026, 6, 1))
    with pytest.raises(ValidationError, match="Give the reason the due date was revised"):
        action.full_clean()


def test_an_action_cannot_start_after_it_is_due():
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionFactory(start_date=date(2026, 5, 1), due_date=date(2026, 4, 1))


def test_a_complete_status_without_a_completion_date_is_refused_by_the_database():
    action = ActionFactory()
    Action.objects.filter(pk=action.pk)  # the constraint guards raw writes too
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.filter(pk=action.pk).update(status=Status.COMPLETE, completed_on=None)


def test_a_completion_date_on_an_open_action_is_refused_by_the_database():
    action = ActionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.filter(pk=action.pk).update(completed_on=date(2026, 1, 1))


def test_a_priority_with_actions_cannot_be_deleted():
    action = ActionFactory()
    with pytest.raises(Exception, match="protected"), transaction.atomic():
        action.priority.delete()


def test_a_priority_number_starts_at_one():
    with pytest.raises(IntegrityError), transaction.atomic():
        PriorityFactory(number=0)


def test_the_table_queryset_loads_priority_and_lead_without_lazy_queries():
    ActionFactory.create_batch(3, lead=UserFactory())
    for action in Action.objects.for_table().fetch_mode(FETCH_RAISE):
        assert action.priority.number
        assert action.lead.display_name


def test_a_priority_lists_its_measures_of_success_line_by_line():
    priority = PriorityFactory(success_looks_like="No overdue assessments\n\n  Plans issued in 20 weeks  \n")
    assert priority.success_measures == ["No overdue assessments", "Plans issued in 20 weeks"]
