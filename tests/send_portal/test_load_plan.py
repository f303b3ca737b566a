"""manage.py load_plan: the shipped plan loads, loads again without changes, and bad files load nothing."""

import copy
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.utils import timezone

from actions.models import Action, Plan, Priority, ProgressUpdate
from governance.models import (
    AgendaItem,
    Attendance,
    Decision,
    Escalation,
    FeedbackItem,
    Group,
    Meeting,
    MeetingAction,
)
from indicators.models import Indicator, Measurement
from send_portal.models import Organisation, User
from send_portal.plan_loader import DEFAULT_PLAN_FILE, DEMO_PASSWORD, REVISION_REASON_PLACEHOLDER, load_plan

# The models django-simple-history tracks: a load that changes nothing must add no history to them.
TRACKED_MODELS = [
    Plan,
    Priority,
    Action,
    ProgressUpdate,  # its sign-off fields are tracked
    Indicator,
    Measurement,
    Group,
    Meeting,
    AgendaItem,
    Decision,
    MeetingAction,
    FeedbackItem,
    Escalation,
]


@pytest.fixture(scope="module")
def shipped_plan():
    """The shipped plan file, parsed once; tests change a deep copy of it."""
    return yaml.safe_load(DEFAULT_PLAN_FILE.read_text(encoding="utf-8"))


@pytest.fixture
def plan_data(shipped_plan):
    return copy.deepcopy(shipped_plan)


def small_plan():
    """A plan file with one of most things, for tests that do not need the whole shipped plan."""
    return {
        "partnership": {
            "organisations": [{"code": "LA", "name": "Example County Council"}],
            "plan": {"title": "Example plan", "demonstration": True},
        },
        "people": [
            {
                "username": "lead.p1",
                "display_name": "Head of SEND",
                "organisation": "LA",
                "roles": ["workstream_lead"],
                "leads_priorities": [1],
            },
            {
                "username": "admin",
                "display_name": "Portal Administrator",
                "organisation": "LA",
                "roles": ["admin"],
            },
        ],
        "priorities": [{"number": 1, "short_title": "EHC plans", "statement": "Improve EHC plans."}],
        "actions": [
            {
                "ref": "P1.1",
                "priority": 1,
                "title": "Recruit educational psychologists",
                "lead_role": "Head of SEND",
                "lead_org": "LA",
                "start_date": date(2025, 4, 1),
                "due_date": date(2025, 12, 31),
                "revised_due_date": date(2026, 3, 31),
                "status": "on_track",
                "updates": [
                    {
                        "date": date(2025, 5, 1),
                        "status": "on_track",
                        "narrative": "Advert out.",
                        "author_role": "Head",
                    }
                ],
            }
        ],
        "indicators": [
            {
                "code": "P1-I1",
                "priority": 1,
                "name": "New EHC plans issued within 20 weeks",
                "unit": "percent",
                "direction": "higher_is_better",
                "baseline": {"value": 17.5, "date": date(2024, 12, 31)},
                "target": {"value": 60, "date": date(2026, 12, 31)},
                "frequency": "quarterly",
                "provenance": "illustrative",
                "measurements": [{"period_end": date(2025, 3, 31), "value": 21.4, "real": False}],
            }
        ],
    }


def load(*args):
    """Run load_plan and return what it printed."""
    out = StringIO()
    call_command("load_plan", *args, stdout=out)
    return out.getvalue()


def write_plan(tmp_path, data):
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def load_fails(path):
    """Run load_plan on a file that should be refused; return the error message."""
    with pytest.raises(CommandError) as error:
        load(str(path))
    return str(error.value)


def assert_nothing_loaded():
    assert Organisation.objects.count() == 0
    assert User.objects.count() == 0
    assert Priority.objects.count() == 0
    assert Action.objects.count() == 0


def history_counts():
    return {model: model.history.count() for model in TRACKED_MODELS}


@pytest.mark.django_db
def test_loading_the_shipped_plan_creates_every_record():
    output = load()

    assert Priority.objects.count() == 5
    assert Action.objects.count() == 36
    assert ProgressUpdate.objects.approved().count() == 90  # the file's; plus the demo's sign-off queue:
    assert ProgressUpdate.objects.awaiting_sign_off().count() == 2
    assert ProgressUpdate.objects.returned().get().return_reason
    assert Indicator.objects.count() == 20
    assert Measurement.objects.count() == 132
    assert Group.objects.count() == 7
    assert Meeting.objects.count() == 17
    assert Attendance.objects.count() == 16
    assert Escalation.objects.count() == 3
    assert Escalation.objects.open().count() == 2
    assert User.objects.count() == 15
    assert Plan.objects.get().is_demonstration
    assert "Actions: 36 created, 0 updated, 0 unchanged" in output


@pytest.mark.django_db
def test_every_action_status_matches_the_plan_file(shipped_plan):
    load()

    statuses = dict(Action.objects.values_list("ref", "status"))
    assert statuses == {action["ref"]: action["status"] for action in shipped_plan["actions"]}


@pytest.mark.django_db
def test_a_revised_due_date_without_a_reason_gets_the_placeholder_reason(tmp_path):
    load(str(write_plan(tmp_path, small_plan())))

    assert Action.objects.get(ref="P1.1").revision_reason == REVISION_REASON_PLACEHOLDER


@pytest.mark.django_db
def test_a_revised_due_date_keeps_the_reason_the_file_gives(tmp_path):
    plan = small_plan()
    plan["actions"][0]["revision_reason"] = "Recruitment paused over the summer."

    load(str(write_plan(tmp_path, plan)))

    assert Action.objects.get(ref="P1.1").revision_reason == "Recruitment paused over the summer."


@pytest.mark.django_db
def test_loading_the_plan_twice_changes_nothing():
    load()
    counts = {model: model.objects.count() for model in [*TRACKED_MODELS, ProgressUpdate, User]}
    history = history_counts()

    output = load("--force")  # without it, the unchanged file is not read again (test_demo_dates.py)

    assert {model: model.objects.count() for model in counts} == counts
    assert history_counts() == history
    assert " 0 created, 0 updated" in output
    assert "created" not in output.replace(" 0 created", "")
    assert "updated" not in output.replace(" 0 updated", "")
    assert "Nothing changed" in output


@pytest.mark.django_db
def test_a_changed_value_in_the_file_is_reported_as_updated(tmp_path, plan_data):
    load()
    plan_data["actions"][0]["title"] = "Set up the Improvement Board"

    output = load(str(write_plan(tmp_path, plan_data)))

    assert "Actions: 0 created, 1 updated, 35 unchanged" in output
    assert "Progress updates: 0 created, 0 updated, 90 unchanged" in output
    assert Action.objects.get(ref="P1.1").title == "Set up the Improvement Board"


@pytest.mark.django_db
def test_a_reload_that_changes_a_meetings_records_makes_forms_opened_before_it_out_of_date(
    tmp_path, plan_data
):
    load()
    first = plan_data["meetings"][0]
    first["agenda"][0]["title"] = "Welcome"
    first["agenda"][1]["actions"] = ["P1.1"]
    first["decisions"][0] = "Terms of reference agreed; membership to follow."
    first["actions_arising"][0]["due_date"] = date(2025, 6, 10)
    first["you_said_we_did"][0]["we_did"] = "Letters now name a contact."

    load(str(write_plan(tmp_path, plan_data)))

    meeting = Meeting.objects.get(title=first["title"])
    assert list(meeting.agenda_items.values_list("order", "version")[:3]) == [(1, 2), (2, 2), (3, 1)]
    assert list(Decision.objects.filter(version=2).values_list("text", flat=True)) == [
        "Terms of reference agreed; membership to follow."
    ]
    assert MeetingAction.objects.filter(version=2).get().text == first["actions_arising"][0]["text"]
    assert FeedbackItem.objects.filter(version=2).get().we_did == "Letters now name a contact."


@pytest.mark.django_db
def test_a_missing_field_names_the_entry_and_loads_nothing(tmp_path, plan_data):
    del plan_data["actions"][3]["due_date"]

    message = load_fails(write_plan(tmp_path, plan_data))

    assert "actions[3] (P1.4): missing field 'due_date'" in message
    assert_nothing_loaded()


@pytest.mark.django_db
def test_a_bad_date_names_the_entry_and_the_field(tmp_path, plan_data):
    plan_data["actions"][3]["due_date"] = "soon"

    message = load_fails(write_plan(tmp_path, plan_data))

    assert "actions[3] (P1.4): field 'due_date': expected a date like 2025-06-30, got 'soon'" in message
    assert_nothing_loaded()


@pytest.mark.django_db
def test_an_unknown_priority_number_names_the_entry(tmp_path, plan_data):
    plan_data["actions"][3]["priority"] = 9

    message = load_fails(write_plan(tmp_path, plan_data))

    assert "actions[3] (P1.4): field 'priority': there is no priority 9" in message
    assert_nothing_loaded()


@pytest.mark.django_db
def test_an_unknown_action_status_names_the_entry_and_the_allowed_values(tmp_path, plan_data):
    plan_data["actions"][3]["status"] = "done"

    message = load_fails(write_plan(tmp_path, plan_data))

    assert "actions[3] (P1.4): field 'status': expected one of not_started, on_track" in message
    assert_nothing_loaded()


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["unit", "direction", "frequency"])
def test_an_unknown_indicator_choice_names_the_indicator_and_the_field(tmp_path, field):
    plan = small_plan()
    plan["indicators"][0][field] = "fortnightly-ish"

    message = load_fails(write_plan(tmp_path, plan))

    assert f"indicators[0] (P1-I1): field '{field}': expected one of" in message
    assert_nothing_loaded()


@pytest.mark.django_db
def test_a_status_the_updates_do_not_support_names_the_action(tmp_path, plan_data):
    plan_data["actions"][2]["status"] = "complete"  # P1.3's latest update is on track

    message = load_fails(write_plan(tmp_path, plan_data))

    assert "actions[2] (P1.3): field 'status': the file says 'complete'" in message
    assert_nothing_loaded()


@pytest.mark.django_db
def test_a_record_that_breaks_a_database_rule_names_the_entry(tmp_path, plan_data):
    plan_data["actions"][1]["start_date"] = plan_data["actions"][1]["due_date"].replace(year=2027)

    message = load_fails(write_plan(tmp_path, plan_data))

    assert "actions[1] (P1.2): The start date must be on or before the due date." in message
    assert_nothing_loaded()


@pytest.mark.django_db
def test_a_ref_used_twice_names_the_second_entry(tmp_path, plan_data):
    plan_data["actions"][5]["ref"] = "P1.1"

    message = load_fails(write_plan(tmp_path, plan_data))

    assert "actions[5] (P1.1): field 'ref': 'P1.1' is already used by actions[0] (P1.1)" in message
    assert_nothing_loaded()


@pytest.mark.django_db
def test_invalid_yaml_syntax_reports_the_line(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text("priorities:\n- number: 1\n  short_title: [unclosed\n", encoding="utf-8")

    message = load_fails(path)

    assert "invalid YAML at line 4" in message
    assert_nothing_loaded()


@pytest.mark.django_db
def test_a_file_that_is_not_a_mapping_is_refused(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text("- just\n- a list\n", encoding="utf-8")

    message = load_fails(path)

    assert "a plan file is a mapping" in message
    assert "holds a list" in message


@pytest.mark.django_db
def test_a_missing_file_is_refused(tmp_path):
    message = load_fails(tmp_path / "nowhere.yaml")

    assert "There is no plan file at" in message


@pytest.mark.django_db
def test_without_demo_users_people_cannot_log_in(tmp_path):
    load(str(write_plan(tmp_path, small_plan())))

    assert not User.objects.get(username="lead.p1").has_usable_password()


@pytest.mark.django_db
def test_demo_users_lets_a_demo_person_log_in_and_prints_the_logins(tmp_path):
    output = load(str(write_plan(tmp_path, small_plan())), "--demo-users")

    assert User.objects.get(username="lead.p1").check_password(DEMO_PASSWORD)
    assert "Demo logins" in output
    assert "lead.p1" in output


@pytest.mark.django_db
def test_demo_users_with_a_password_sets_that_password(tmp_path):
    load(str(write_plan(tmp_path, small_plan())), "--demo-users", "--password", "another-secret")

    assert User.objects.get(username="lead.p1").check_password("another-secret")


@pytest.mark.django_db
def test_loading_again_with_demo_users_leaves_matching_passwords_alone(tmp_path):
    path = str(write_plan(tmp_path, small_plan()))
    load(path, "--demo-users")

    output = load(path, "--demo-users", "--force")

    assert "Users: 0 created, 0 updated, 2 unchanged" in output


@pytest.mark.django_db
def test_the_admin_person_is_staff_and_superuser(tmp_path):
    load(str(write_plan(tmp_path, small_plan())))

    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    assert not User.objects.get(username="lead.p1").is_staff


@pytest.mark.django_db
def test_people_get_their_roles_and_lead_their_priorities(tmp_path):
    load(str(write_plan(tmp_path, small_plan())))

    lead = User.objects.get(username="lead.p1")
    assert list(lead.groups.values_list("name", flat=True)) == ["Workstream lead"]
    assert Priority.objects.get(number=1).lead == lead
    assert Action.objects.get(ref="P1.1").lead == lead


@pytest.mark.django_db
def test_a_measurement_marked_not_real_is_illustrative(tmp_path):
    load(str(write_plan(tmp_path, small_plan())))

    measurement = Measurement.objects.get()
    assert measurement.is_illustrative
    assert measurement.value == Decimal("21.4")


@pytest.mark.django_db
def test_a_role_text_with_no_matching_person_is_kept_without_a_link(tmp_path):
    load(str(write_plan(tmp_path, small_plan())))

    update = ProgressUpdate.objects.get()
    assert update.author is None
    assert update.author_role == "Head"


@pytest.mark.django_db
def test_meetings_from_today_on_are_scheduled_and_earlier_ones_held():
    load_plan(today=date(2026, 2, 28))  # the day the demo's story stands at

    board = Meeting.objects.filter(group__slug="improvement-board")
    assert board.get(date=date(2026, 3, 12)).status == "scheduled"
    assert board.get(date=date(2026, 2, 9)).status == "held"
    assert board.get(date=date(2026, 3, 12)).start_time.isoformat() == "10:00:00"


@pytest.mark.django_db
def test_an_escalation_names_the_board_decision_that_resolved_it():
    load()

    resolved = Escalation.objects.get(action__ref="P2.3")
    assert resolved.resolved_by_decision.meeting.date == date(2025, 12, 5)
    assert "P2.3" in resolved.resolved_by_decision.text


@pytest.mark.django_db
def test_an_agenda_item_links_the_plan_actions_the_file_names():
    load()

    item = AgendaItem.objects.get(meeting__date=date(2026, 3, 12), order=2)
    assert sorted(item.actions.values_list("ref", flat=True)) == ["P2.3", "P2.4"]


@pytest.mark.django_db
def test_a_loaded_value_counts_as_recorded_when_it_was_due_to_be_reported():
    load()

    measurement = (
        Measurement.objects.select_related("indicator").filter(period_end__lt=date(2026, 1, 1)).first()
    )
    lag = measurement.indicator.reporting_lag_days
    assert timezone.localdate(measurement.recorded_at) == measurement.period_end + timedelta(days=lag)


@pytest.mark.django_db
def test_an_escalation_of_an_unknown_action_names_the_entry(tmp_path, plan_data):
    plan_data["escalations"][0]["action"] = "P9.9"

    message = load_fails(write_plan(tmp_path, plan_data))

    assert "escalations[0] (P9.9): field 'action': there is no action 'P9.9'" in message
    assert_nothing_loaded()
