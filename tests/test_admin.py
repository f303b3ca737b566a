"""The Django admin: every registered model's pages render, and the admin keeps the plan's rules."""

from datetime import date, timedelta
from html.parser import HTMLParser
from itertools import count

import factory
import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group as Role
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actions.models import Action, Priority, Status
from governance.models import BoardPack, Escalation
from governance.services import board_pack_context
from indicators.models import Measurement
from notifications.models import ItemReason, MessageKind, Preference, SentItem, SentMessage
from public_site.models import ChairsUpdate, PrioritySummary, PublicMeasure, YouSaidWeDid
from reporting.models import CloseStatus, EvidencePack, PeriodCloseRequest, PeriodSnapshot
from send_portal.models import Partnership, StaleEdit
from tests.factories import (
    ActionFactory,
    AgendaItemFactory,
    AttendanceFactory,
    DecisionFactory,
    FeedbackItemFactory,
    GroupFactory,
    HighlightReportFactory,
    IndicatorFactory,
    MeasurementFactory,
    MeetingActionFactory,
    MeetingFactory,
    OrganisationFactory,
    PeriodFactory,
    PlanFactory,
    PriorityFactory,
    ProgressUpdateFactory,
    RebaseFactory,
    UserFactory,
)

_numbers = count(1)


def _sent_message():
    person = UserFactory()
    message = SentMessage.objects.create(
        recipient=person,
        kind=MessageKind.DIGEST,
        key=f"digest:{next(_numbers)}",
        subject="Reminder",
        to_address=person.email,
    )
    SentItem.objects.create(message=message, reason=ItemReason.OVERDUE, action=ActionFactory())
    return message


def _task_result():
    from django_tasks_db.models import DBTaskResult, get_date_max

    return DBTaskResult.objects.create(
        task_path="notifications.tasks.send_digest",
        backend_name="default",
        args_kwargs={"args": [1, "week:2026-W49"], "kwargs": {}},
        run_after=get_date_max(),
    )


def _priority():
    priority = PriorityFactory(lead=UserFactory())
    ActionFactory(priority=priority, lead=UserFactory())
    return priority


def _action():
    action = ActionFactory(lead=UserFactory())
    ProgressUpdateFactory(action=action)
    return action


def _indicator():
    indicator = IndicatorFactory(owner=UserFactory())
    MeasurementFactory(indicator=indicator, recorded_by=UserFactory())
    return indicator


def _group():
    group = GroupFactory(chair=UserFactory())
    group.members.add(UserFactory())
    return group


def _meeting():
    """A meeting with one of everything that can be recorded at it."""
    meeting = MeetingFactory()
    AttendanceFactory(meeting=meeting)
    item = AgendaItemFactory(meeting=meeting, presenter=UserFactory())
    item.actions.add(ActionFactory())
    DecisionFactory(meeting=meeting, agenda_item=item)
    MeetingActionFactory(meeting=meeting, owner=UserFactory())
    FeedbackItemFactory(meeting=meeting)
    return meeting


def _published(item):
    item.publish(by=UserFactory())
    return item


def _access(model, **fields):
    return lambda: model.objects.create(
        user_agent="Firefox", ip_address="127.0.0.1", username="someone", path_info="/admin/login/", **fields
    )


# One way to make a realistic object of every registered model, keyed by its label.
MAKERS = {
    "auth.Group": lambda: Role.objects.create(name=f"Role {next(_numbers)}"),
    "axes.AccessAttempt": _access(AccessAttempt, get_data="", post_data="", failures_since_start=1),
    "axes.AccessLog": _access(AccessLog),
    "axes.AccessFailureLog": _access(AccessFailureLog),
    "send_portal.Organisation": OrganisationFactory,
    "send_portal.Partnership": lambda: Partnership.objects.create(name="Devon SEND Partnership"),
    "send_portal.User": lambda: UserFactory(organisation=OrganisationFactory(), job_title="Head of SEND"),
    "actions.Plan": PlanFactory,
    "actions.Priority": _priority,
    "actions.Action": _action,
    "actions.ProgressUpdate": ProgressUpdateFactory,
    "indicators.Indicator": _indicator,
    "indicators.Measurement": lambda: MeasurementFactory(recorded_by=UserFactory()),
    "indicators.Rebase": lambda: RebaseFactory(recorded_by=UserFactory()),
    "governance.Group": _group,
    "governance.Meeting": _meeting,
    "governance.AgendaItem": lambda: AgendaItemFactory(presenter=UserFactory(), priority=PriorityFactory()),
    "governance.Decision": lambda: DecisionFactory(agenda_item=AgendaItemFactory()),
    "governance.MeetingAction": lambda: MeetingActionFactory(owner=UserFactory()),
    "governance.FeedbackItem": lambda: FeedbackItemFactory(
        meeting=MeetingFactory(), priority=PriorityFactory()
    ),
    "governance.Escalation": lambda: Escalation.objects.create(
        action=ActionFactory(), reason="Needs the Board.", raised_by=UserFactory()
    ),
    "governance.BoardPack": lambda: BoardPack.objects.create(
        meeting=MeetingFactory(), html="<p>Pack</p>", pdf=b"%PDF", generated_by=UserFactory()
    ),
    "notifications.Preference": lambda: Preference.objects.create(person=UserFactory()),
    "notifications.SentMessage": _sent_message,
    "django_tasks_database.DBTaskResult": _task_result,
    "reporting.HighlightReport": lambda: HighlightReportFactory(author=UserFactory()),
    "reporting.Period": lambda: PeriodFactory(meeting=MeetingFactory()),
    "reporting.PeriodSnapshot": lambda: PeriodSnapshot.objects.create(
        period=PeriodFactory(), data={"priorities": []}, taken_at=timezone.now(), taken_by=UserFactory()
    ),
    "reporting.PeriodCloseRequest": lambda: PeriodCloseRequest.objects.create(
        period=PeriodFactory(), requested_by=UserFactory(), status=CloseStatus.FAILED, error="Disk full"
    ),
    "reporting.EvidencePack": lambda: EvidencePack.objects.create(
        priority=PriorityFactory(),
        starts_on=date(2025, 4, 1),
        ends_on=date(2026, 1, 31),
        requested_by=UserFactory(),
    ),
    "public_site.PrioritySummary": lambda: _published(
        PrioritySummary.objects.create(
            priority=PriorityFactory(), title="Plans on time", doing="We hired staff."
        )
    ),
    "public_site.YouSaidWeDid": lambda: _published(
        YouSaidWeDid.objects.create(
            priority=PriorityFactory(), feedback_item=FeedbackItemFactory(), you_said="Said.", we_did="Did."
        )
    ),
    "public_site.ChairsUpdate": lambda: _published(
        ChairsUpdate.objects.create(meeting=MeetingFactory(), title="What the Board did", body="We met.")
    ),
    "public_site.PublicMeasure": lambda: _published(
        PublicMeasure.objects.create(indicator=IndicatorFactory(), name="Plans on time", sentence="Up.")
    ),
}

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)
PORTAL_APPS = {"send_portal", "actions", "indicators", "governance", "reporting", "notifications"}
registered_models = pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
portal_models = pytest.mark.parametrize(
    "model",
    [model for model in REGISTERED if model._meta.app_label in PORTAL_APPS],
    ids=lambda model: model._meta.label,
)


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def test_every_portal_model_is_registered():
    portal = {model._meta.label for model in REGISTERED if model._meta.app_label in PORTAL_APPS}
    assert portal == {
        "send_portal.Organisation",
        "send_portal.Partnership",
        "send_portal.User",
        "actions.Plan",
        "actions.Priority",
        "actions.Action",
        "actions.ProgressUpdate",
        "indicators.Indicator",
        "indicators.Measurement",
        "indicators.Rebase",
        "governance.Group",
        "governance.Meeting",
        "governance.AgendaItem",
        "governance.Decision",
        "governance.MeetingAction",
        "governance.FeedbackItem",
        "governance.Escalation",
        "governance.BoardPack",
        "notifications.Preference",
        "notifications.SentMessage",
        "reporting.HighlightReport",
        "reporting.Period",
        "reporting.PeriodSnapshot",
        "reporting.PeriodCloseRequest",
        "reporting.EvidencePack",
    }


def test_every_registered_model_has_a_maker_for_these_tests():
    assert {model._meta.label for model in REGISTERED} == set(MAKERS)


def test_the_admin_site_is_named_after_the_service_and_the_partnership(admin_client, settings):
    response = admin_client.get(reverse("admin:index"))
    assert settings.SERVICE_NAME in response.text
    assert settings.PARTNERSHIP_NAME in response.text


@registered_models
def test_the_changelist_renders_for_an_administrator(admin_client, model):
    MAKERS[model._meta.label]()
    response = admin_client.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1


@registered_models
def test_the_add_form_renders_for_an_administrator_unless_the_admin_forbids_adding(
    admin_client, admin_user, rf, model
):
    request = rf.get("/")
    request.user = admin_user
    may_add = admin.site._registry[model].has_add_permission(request)
    response = admin_client.get(admin_url(model, "add"))
    assert response.status_code == (200 if may_add else 403)


@registered_models
def test_the_change_form_renders_for_an_administrator(admin_client, model):
    obj = MAKERS[model._meta.label]()
    response = admin_client.get(admin_url(model, "change", obj.pk))
    assert response.status_code == 200


@registered_models
def test_the_history_page_renders_for_an_administrator(admin_client, model):
    obj = MAKERS[model._meta.label]()
    response = admin_client.get(admin_url(model, "history", obj.pk))
    assert response.status_code == 200


@portal_models
def test_a_changelist_runs_as_many_queries_for_30_rows_as_for_3(admin_client, model):
    make = MAKERS[model._meta.label]
    url = admin_url(model, "changelist")
    for _ in range(3):
        make()
    count_queries(admin_client, url)  # warm per-process caches (content types, permissions)
    before = count_queries(admin_client, url)
    for _ in range(27):
        make()
    assert count_queries(admin_client, url) == before


def test_the_action_changelist_runs_as_many_queries_for_30_actions_as_for_3(admin_client):
    url = admin_url(Action, "changelist")
    ActionFactory.create_batch(3, lead=factory.SubFactory(UserFactory), overdue=True)
    count_queries(admin_client, url)
    before = count_queries(admin_client, url)
    ActionFactory.create_batch(27, lead=factory.SubFactory(UserFactory))
    assert count_queries(admin_client, url) == before


def test_the_action_changelist_search_finds_an_action_by_reference(admin_client):
    wanted = ActionFactory(ref="P2.3", title="Recruit educational psychologists")
    ActionFactory(ref="P4.1", title="Publish the Local Offer")
    response = admin_client.get(admin_url(Action, "changelist"), {"q": "P2.3"})
    assert list(response.context["cl"].result_list) == [wanted]


def test_the_user_changelist_search_finds_a_person_by_organisation(admin_client):
    wanted = UserFactory(organisation=OrganisationFactory(name="Lancashire and South Cumbria ICB"))
    UserFactory(organisation=OrganisationFactory(name="Lancashire County Council"))
    response = admin_client.get(admin_url(wanted.__class__, "changelist"), {"q": "Cumbria"})
    assert list(response.context["cl"].result_list) == [wanted]


def test_the_overdue_filter_lists_only_overdue_actions(admin_client):
    late = ActionFactory(overdue=True)
    ActionFactory()
    response = admin_client.get(admin_url(Action, "changelist"), {"overdue": "1"})
    assert list(response.context["cl"].result_list) == [late]


def test_the_action_changelist_shows_the_overdue_flag(admin_client):
    ActionFactory(overdue=True)
    response = admin_client.get(admin_url(Action, "changelist"))
    assert 'alt="True"' in response.text


@pytest.mark.usefixtures("without_sign_off")  # approved as made; sign-off: test_sign_off.py
def test_adding_a_progress_update_in_the_admin_sets_the_actions_status(admin_client, admin_user):
    action = ActionFactory()
    response = admin_client.post(
        reverse("admin:actions_progressupdate_add"),
        {
            "action": action.pk,
            "date": timezone.localdate().isoformat(),
            "status": Status.AT_RISK,
            "author": admin_user.pk,
            "narrative": "Two psychologists withdrew.",
            "mitigation": "Agency cover from next month.",
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == Status.AT_RISK
    assert action.last_update_on == timezone.localdate()
    assert action.version == 2
    assert action.updates.get().author == admin_user


@pytest.mark.usefixtures("without_sign_off")  # approved as made; sign-off: test_sign_off.py
def test_a_completing_update_in_the_admin_sets_the_completion_date(admin_client, admin_user):
    action = ActionFactory()
    admin_client.post(
        reverse("admin:actions_progressupdate_add"),
        {
            "action": action.pk,
            "date": timezone.localdate().isoformat(),
            "status": Status.COMPLETE,
            "author": admin_user.pk,
            "narrative": "All posts filled.",
            "evidence_link": "https://example.org/report",
        },
    )
    action.refresh_from_db()
    assert action.status == Status.COMPLETE
    assert action.completed_on == timezone.localdate()


def test_an_at_risk_update_without_a_mitigation_is_refused(admin_client, admin_user):
    action = ActionFactory()
    response = admin_client.post(
        reverse("admin:actions_progressupdate_add"),
        {
            "action": action.pk,
            "date": timezone.localdate().isoformat(),
            "status": Status.OFF_TRACK,
            "author": admin_user.pk,
            "narrative": "Behind.",
        },
    )
    assert response.status_code == 200
    assert "mitigation" in response.context["adminform"].form.errors
    assert not action.updates.exists()


def test_the_progress_update_add_form_starts_with_the_action_from_the_link(admin_client):
    action = ActionFactory()
    response = admin_client.get(reverse("admin:actions_progressupdate_add"), {"action": action.pk})
    assert response.context["adminform"].form.initial["action"] == str(action.pk)


def test_the_progress_update_change_page_has_no_save_button(admin_client):
    update = ProgressUpdateFactory()
    response = admin_client.get(admin_url(update.__class__, "change", update.pk))
    assert response.status_code == 200
    assert 'name="_save"' not in response.text


def test_posting_to_the_progress_update_change_page_is_refused(admin_client):
    update = ProgressUpdateFactory(narrative="Original words.")
    response = admin_client.post(
        admin_url(update.__class__, "change", update.pk),
        {
            "action": update.action.pk,
            "date": update.date.isoformat(),
            "status": Status.OFF_TRACK,
            "narrative": "New",
        },
    )
    assert response.status_code == 403
    update.refresh_from_db()
    assert update.narrative == "Original words."


def test_a_progress_update_cannot_be_deleted_in_the_admin(admin_client):
    update = ProgressUpdateFactory()
    response = admin_client.post(admin_url(update.__class__, "delete", update.pk), {"post": "yes"})
    assert response.status_code == 403
    assert update.__class__.objects.filter(pk=update.pk).exists()


def test_the_action_page_lists_its_updates_without_letting_them_be_edited(admin_client):
    update = ProgressUpdateFactory(narrative="Recruitment campaign launched.")
    response = admin_client.get(admin_url(Action, "change", update.action.pk))
    assert "Recruitment campaign launched." in response.text
    assert "updates-0-narrative" not in response.text  # shown as text, not as an input


def test_editing_an_action_in_the_admin_keeps_the_status_its_updates_set(admin_client):
    update = ProgressUpdateFactory(status=Status.OFF_TRACK)
    action = update.action
    response = admin_client.post(
        admin_url(Action, "change", action.pk),
        {
            "ref": action.ref,
            "priority": action.priority.pk,
            "title": "A clearer title",
            "lead_organisation": action.lead_organisation,
            "due_date": action.due_date.isoformat(),
            "revised_due_date": (action.due_date + timedelta(days=30)).isoformat(),
            "revision_reason": "Recruitment took longer than planned.",
            "updates-TOTAL_FORMS": "1",
            "updates-INITIAL_FORMS": "1",
            "updates-MIN_NUM_FORMS": "0",
            "updates-MAX_NUM_FORMS": "1000",
            "updates-0-id": update.pk,
            "updates-0-action": action.pk,
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.title == "A clearer title"
    assert action.status == Status.OFF_TRACK
    assert action.version == 2


def test_a_person_who_is_not_staff_is_sent_to_the_admin_sign_in(client, board_member):
    client.force_login(board_member)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_a_person_who_is_not_staff_cannot_open_an_admin_changelist(client, board_member):
    client.force_login(board_member)
    response = client.get(admin_url(Action, "changelist"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_reverting_an_action_to_an_earlier_version_keeps_the_status_its_updates_set(admin_client):
    action = ActionFactory(title="First title")
    first_version = action.history.earliest()
    ProgressUpdateFactory(action=action, status=Status.AT_RISK, mitigation="Agency cover.")
    response = admin_client.post(
        reverse("admin:actions_action_simple_history", args=[action.pk, first_version.history_id]),
        {
            "ref": action.ref,
            "priority": action.priority.pk,
            "title": "First title",
            "lead_organisation": action.lead_organisation,
            "due_date": action.due_date.isoformat(),
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == Status.AT_RISK
    assert action.last_update_on == timezone.localdate()


def test_evidence_uploaded_with_an_update_in_the_admin_keeps_its_original_name(admin_client, admin_user):
    action = ActionFactory()
    admin_client.post(
        reverse("admin:actions_progressupdate_add"),
        {
            "action": action.pk,
            "date": timezone.localdate().isoformat(),
            "status": Status.COMPLETE,
            "author": admin_user.pk,
            "narrative": "Report published.",
            "evidence_file": SimpleUploadedFile(
                "Board report.pdf", b"%PDF-1.4", content_type="application/pdf"
            ),
        },
    )
    update = action.updates.get()
    assert update.evidence_name == "Board report.pdf"
    assert update.evidence_file.read() == b"%PDF-1.4"


# --- An edit in the admin makes portal forms opened before it stale --------------------------------------
class _FormFields(HTMLParser):
    """The fields of an admin change form as the page shows them: what a browser would post unchanged."""

    def __init__(self):
        super().__init__()
        self.data, self._select, self._textarea = {}, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.data.setdefault(name, attrs.get("value", "on" if attrs.get("type") == "checkbox" else ""))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.data[self._select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data


def change_form_data(admin_client, url):
    parser = _FormFields()
    parser.feed(admin_client.get(url).text)
    return {name: value.removeprefix("\n") for name, value in parser.data.items()}


def test_editing_a_decision_in_the_admin_refuses_a_portal_form_opened_before(admin_client):
    decision = DecisionFactory(text="Adopt the framework")
    url = admin_url(decision.__class__, "change", decision.pk)
    data = change_form_data(admin_client, url)

    assert admin_client.post(url, {**data, "text": "Adopt the revised framework"}).status_code == 302
    assert (
        admin_client.post(url, {**data, "text": "Adopt the revised framework"}).status_code == 302
    )  # no change

    decision.refresh_from_db()
    assert decision.version == 2  # the second save changed nothing, so no portal form went stale
    edit = reverse("governance:decision_edit", args=[decision.meeting.pk, decision.pk])
    refused = admin_client.post(edit, {"text": "My wording", "agenda_item": "", "version": 1})
    assert refused.status_code == 200 and "Adopt the revised framework" in refused.text
    decision.refresh_from_db()
    assert decision.text == "Adopt the revised framework"


def test_editing_a_meeting_s_decision_inline_in_the_admin_bumps_only_that_decision(admin_client):
    meeting = MeetingFactory()
    changed, untouched = DecisionFactory(meeting=meeting, order=1), DecisionFactory(meeting=meeting, order=2)
    url = admin_url(meeting.__class__, "change", meeting.pk)
    data = change_form_data(admin_client, url)
    row = next(
        name.removesuffix("-id")
        for name, value in data.items()
        if name.endswith("-id") and value == str(changed.pk)
    )

    response = admin_client.post(url, {**data, f"{row}-text": "Revised wording"})

    assert response.status_code == 302, response.text[:2000]
    changed.refresh_from_db(), untouched.refresh_from_db(), meeting.refresh_from_db()
    assert (changed.text, changed.version) == ("Revised wording", 2)
    assert (untouched.version, meeting.version) == (1, 1)


def test_a_priority_saved_in_the_admin_is_listed_in_number_order_everywhere(admin_client):
    for number in (1, 2, 3, 5):
        ActionFactory(priority=PriorityFactory(number=number))
    # Priority 4 is saved through the admin's own form, after 5 was created.
    response = admin_client.post(
        admin_url(Priority, "add"),
        {
            "number": "4",
            "kind": "priority_action",
            "short_title": "Preparing for adulthood",
            "statement": "Leaders should prepare young people for adulthood.",
            "actions-TOTAL_FORMS": "0",
            "actions-INITIAL_FORMS": "0",
            "actions-MIN_NUM_FORMS": "0",
            "actions-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    ActionFactory(priority=Priority.objects.get(number=4))

    dashboard = admin_client.get(reverse("dashboard"))
    pack = board_pack_context(MeetingFactory(), today=timezone.localdate())

    assert [p.number for p in dashboard.context["priorities"]] == [1, 2, 3, 4, 5]
    assert [p.number for p, _ in dashboard.context["indicators_by_priority"]] == [1, 2, 3, 4, 5]
    assert [p.number for p in pack["priorities"]] == [1, 2, 3, 4, 5]


def test_correcting_a_value_in_the_admin_makes_a_correction_form_opened_before_it_stale(
    admin_client, admin_user
):
    measurement = MeasurementFactory(recorded_by=UserFactory(), value=25, period_end=date(2025, 6, 30))
    response = admin_client.post(
        admin_url(Measurement, "change", measurement.pk),
        {
            "indicator": measurement.indicator.pk,
            "period_end": measurement.period_end.isoformat(),
            "value": "26",
            "note": "Corrected in the admin",
            "recorded_by": admin_user.pk,
        },
    )
    assert response.status_code == 302
    measurement.refresh_from_db()
    assert (measurement.value, measurement.version) == (26, 2)
    with pytest.raises(StaleEdit):
        measurement.indicator.record_value(
            period_end=measurement.period_end, value=27, note="x", correct=True, expected_version=1
        )
