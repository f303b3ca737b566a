"""Every portal URL, for every role: the answer each one gets. A URL missing from the table fails."""

from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from api.models import AccessToken
from governance.models import BoardPack, BoardPackRequest, CalendarFeed, Escalation, PackRequestStatus
from notifications.services import unsubscribe_token
from public_site import services as public_services
from public_site.models import ChairsUpdate, PrioritySummary, Subscriber
from reporting.models import EvidencePack, PackStatus
from reporting.snapshots import close_period
from send_portal.models import PlanImportRun, Review
from tests.factories import (
    ActionFactory,
    AgendaItemFactory,
    DecisionFactory,
    FeedbackItemFactory,
    GroupFactory,
    HighlightReportFactory,
    IndicatorFactory,
    MeasurementFactory,
    MeetingActionFactory,
    MeetingFactory,
    PeriodFactory,
    PlanFactory,
    PriorityFactory,
    ProgressUpdateFactory,
    RebaseFactory,
    UserFactory,
)

ROLES = ("anonymous", "board_member", "lead", "other_lead", "operations", "admin_user")

# url name: (method, (anonymous, board member, lead of this priority, lead of another, operations, admin))
MATRIX = {
    "dashboard": ("get", (302, 200, 200, 200, 200, 200)),
    "accessibility": ("get", (200, 200, 200, 200, 200, 200)),
    "health": ("get", (200, 200, 200, 200, 200, 200)),
    "health_live": ("get", (200, 200, 200, 200, 200, 200)),
    "health_ready": ("get", (200, 200, 200, 200, 200, 200)),
    "login": ("get", (200, 302, 302, 302, 302, 302)),
    "logout": ("post", (302, 302, 302, 302, 302, 302)),
    "password_change": ("get", (302, 200, 200, 200, 200, 200)),
    "password_change_done": ("get", (302, 200, 200, 200, 200, 200)),
    "password_reset": ("get", (200, 200, 200, 200, 200, 200)),
    "password_reset_done": ("get", (200, 200, 200, 200, 200, 200)),
    "password_reset_confirm": ("get", (200, 200, 200, 200, 200, 200)),
    "password_reset_complete": ("get", (200, 200, 200, 200, 200, 200)),
    "actions:priority_detail": ("get", (302, 200, 200, 200, 200, 200)),
    "actions:action_list": ("get", (302, 200, 200, 200, 200, 200)),
    "actions:action_mine": ("get", (302, 200, 200, 200, 200, 200)),
    "actions:action_detail": ("get", (302, 200, 200, 200, 200, 200)),
    "actions:progressupdate_add": ("get", (302, 403, 200, 403, 200, 200)),
    "actions:action_edit": ("get", (302, 403, 403, 403, 200, 200)),
    "actions:evidence_download": ("get", (302, 200, 200, 200, 200, 200)),
    "governance:group_list": ("get", (302, 200, 200, 200, 200, 200)),
    "governance:group_detail": ("get", (302, 200, 200, 200, 200, 200)),
    "governance:meeting_list": ("get", (302, 200, 200, 200, 200, 200)),
    "governance:meeting_detail": ("get", (302, 200, 200, 200, 200, 200)),
    "governance:meeting_changes": ("get", (302, 200, 200, 200, 200, 200)),
    "governance:meeting_history": ("get", (302, 200, 200, 200, 200, 200)),
    "governance:meetingaction_list": ("get", (302, 200, 200, 200, 200, 200)),
    "governance:boardpack_preview": ("get", (302, 200, 200, 200, 200, 200)),
    "governance:boardpack_detail": ("get", (302, 200, 200, 200, 200, 200)),
    "governance:boardpack_pdf": ("get", (302, 200, 200, 200, 200, 200)),
    "governance:calendar": ("get", (302, 200, 200, 200, 200, 200)),
    "governance:calendar_reset": ("post", (302, 302, 302, 302, 302, 302)),
    "governance:calendar_feed": ("get", (200, 200, 200, 200, 200, 200)),  # the secret link is the key
    "governance:meeting_add": ("get", (302, 403, 403, 403, 200, 200)),
    "governance:meeting_edit": ("get", (302, 403, 403, 403, 200, 200)),
    "governance:agendaitem_add": ("get", (302, 403, 403, 403, 200, 200)),
    "governance:agendaitem_edit": ("get", (302, 403, 403, 403, 200, 200)),
    "governance:agendaitem_delete": ("get", (302, 403, 403, 403, 200, 200)),
    "governance:decision_add": ("get", (302, 403, 403, 403, 200, 200)),
    "governance:decision_edit": ("get", (302, 403, 403, 403, 200, 200)),
    "governance:meetingaction_add": ("get", (302, 403, 403, 403, 200, 200)),
    "governance:meetingaction_edit": ("get", (302, 403, 403, 403, 200, 200)),
    "governance:meetingaction_close": ("get", (302, 403, 403, 403, 200, 200)),
    "governance:attendance_edit": ("get", (302, 403, 403, 403, 200, 200)),
    "governance:feedbackitem_add": ("get", (302, 403, 403, 403, 200, 200)),
    "governance:feedbackitem_edit": ("get", (302, 403, 403, 403, 200, 200)),
    "governance:escalation_resolve": ("get", (302, 403, 403, 403, 200, 200)),
    "governance:action_escalate": ("get", (302, 403, 403, 403, 200, 200)),
    "governance:indicator_escalate": ("get", (302, 403, 403, 403, 200, 200)),
    "governance:boardpack_generate": ("post", (302, 403, 403, 403, 302, 302)),
    # A requested pack's progress (with a failure's reason) and its retry: whoever may generate packs.
    "governance:boardpackrequest_detail": ("get", (302, 403, 403, 403, 200, 200)),
    "governance:boardpackrequest_retry": ("post", (302, 403, 403, 403, 302, 302)),
    "notifications:preferences": ("get", (302, 200, 200, 200, 200, 200)),
    "notifications:unsubscribe": ("get", (200, 200, 200, 200, 200, 200)),  # the signed link is the key
    "notifications:compliance": ("get", (302, 403, 403, 403, 200, 200)),
    "notifications:sentmessage_list": ("get", (302, 403, 403, 403, 200, 200)),
    "actions:action_history": ("get", (302, 200, 200, 200, 200, 200)),
    "indicators:indicator_list": ("get", (302, 200, 200, 200, 200, 200)),
    "indicators:indicator_detail": ("get", (302, 200, 200, 200, 200, 200)),
    "indicators:indicator_history": ("get", (302, 200, 200, 200, 200, 200)),
    "indicators:indicator_chart": ("get", (302, 200, 200, 200, 200, 200)),
    "indicators:indicator_spc_chart": ("get", (302, 200, 200, 200, 200, 200)),
    "indicators:how_to_read_charts": ("get", (302, 200, 200, 200, 200, 200)),
    # Rebasing an SPC chart is the Operations Group's call, not a workstream lead's.
    "indicators:rebase_add": ("get", (302, 403, 403, 403, 200, 200)),
    "indicators:rebase_delete": ("get", (302, 403, 403, 403, 200, 200)),
    "indicators:indicator_sparkline": ("get", (302, 200, 200, 200, 200, 200)),
    "indicators:indicator_csv": ("get", (302, 200, 200, 200, 200, 200)),
    "indicators:measurement_add": ("get", (302, 403, 200, 403, 200, 200)),
    # Any workstream lead may open the upload page (rows for others' indicators are then rejected).
    "indicators:measurement_upload": ("get", (302, 403, 200, 200, 200, 200)),
    # Importing the plan from a spreadsheet: the Operations Group and administrators (issue 17). The later
    # steps take a POST; a GET goes back to the first step.
    "plan_import:upload": ("get", (302, 403, 403, 403, 200, 200)),
    "plan_import:preview": ("get", (302, 403, 403, 403, 302, 302)),
    "plan_import:confirm": ("get", (302, 403, 403, 403, 302, 302)),
    "plan_import:run_detail": ("get", (302, 403, 403, 403, 404, 404)),  # only the person who started it
    "plan_import:export": ("get", (302, 200, 200, 200, 200, 200)),
    "plan_import:template": ("get", (302, 200, 200, 200, 200, 200)),
    "plan_import:version_list": ("get", (302, 200, 200, 200, 200, 200)),
    "plan_import:version_detail": ("get", (302, 200, 200, 200, 200, 200)),  # a replaced version: read only
    # The upload's template: whoever may upload, with the rows of the indicators they may record.
    "indicators:measurement_upload_template": ("get", (302, 403, 200, 200, 200, 200)),
    # Highlight reports: everyone reads; the priority's lead, the Operations Group and admins write.
    "reporting:meeting_reports": ("get", (302, 200, 200, 200, 200, 200)),
    "reporting:highlightreport_detail": ("get", (302, 200, 200, 200, 200, 200)),
    "reporting:highlightreport_add": ("get", (302, 403, 200, 403, 200, 200)),
    "reporting:highlightreport_edit": ("get", (302, 403, 200, 403, 200, 200)),
    # Reporting periods: everyone signed in reads them and the plan as reported; the Operations Group and
    # administrators create and close them. Evidence packs: the Operations Group and administrators ask for
    # one; Board members may also open and download them; workstream leads without those roles may not.
    "reporting:period_list": ("get", (302, 200, 200, 200, 200, 200)),
    "reporting:period_add": ("get", (302, 403, 403, 403, 200, 200)),
    "reporting:period_compare": ("get", (302, 200, 200, 200, 200, 200)),
    "reporting:period_detail": ("get", (302, 200, 200, 200, 200, 200)),
    "reporting:period_close": ("get", (302, 403, 403, 403, 200, 200)),
    "reporting:period_history": ("get", (302, 200, 200, 200, 200, 200)),
    "reporting:period_export": ("get", (302, 200, 200, 200, 200, 200)),
    "reporting:evidencepack_add": ("get", (302, 403, 403, 403, 200, 200)),
    "reporting:evidencepack_detail": ("get", (302, 200, 403, 403, 200, 200)),
    # Trying a failed pack again: whoever may ask for packs (the world's pack has failed).
    "reporting:evidencepack_retry": ("post", (302, 403, 403, 403, 302, 302)),
    "reporting:evidencepack_pdf": ("get", (302, 200, 403, 403, 200, 200)),
    "reporting:evidencepack_zip": ("get", (302, 200, 403, 403, 200, 200)),
    "reporting:sign_off": ("get", (302, 403, 403, 403, 200, 200)),
    "reporting:submission_approve": ("post", (302, 403, 403, 403, 302, 302)),
    "reporting:submission_return": ("get", (302, 403, 403, 403, 200, 200)),
    # Each person's own API tokens; the world's token is someone else's, so nobody can revoke it.
    "api:token_list": ("get", (302, 200, 200, 200, 200, 200)),
    "api:token_revoke": ("post", (302, 404, 404, 404, 404, 404)),
    "api:schema": ("get", (200, 200, 200, 200, 200, 200)),  # describes the API, holds no data
    "api:docs": ("get", (302, 200, 200, 200, 200, 200)),
    # The public site for families (issue 16): no sign-in, the same page for everyone.
    "public:home": ("get", (200, 200, 200, 200, 200, 200)),
    "public:priority": ("get", (200, 200, 200, 200, 200, 200)),
    "public:yousaidwedid_list": ("get", (200, 200, 200, 200, 200, 200)),
    "public:chairsupdate_list": ("get", (200, 200, 200, 200, 200, 200)),
    "public:chairsupdate_detail": ("get", (200, 200, 200, 200, 200, 200)),
    "public:easy_read": ("get", (200, 200, 200, 200, 200, 200)),
    "public:accessibility": ("get", (200, 200, 200, 200, 200, 200)),
    "public:privacy": ("get", (200, 200, 200, 200, 200, 200)),
    "public:feed": ("get", (200, 200, 200, 200, 200, 200)),
    "public:subscribe": ("get", (200, 200, 200, 200, 200, 200)),
    "public:subscribe_sent": ("get", (200, 200, 200, 200, 200, 200)),
    "public:subscribe_confirm": ("get", (200, 200, 200, 200, 200, 200)),
    "public:unsubscribe": ("get", (200, 200, 200, 200, 200, 200)),
    # Writing and publishing it: the Operations Group and administrators.
    "public_content:index": ("get", (302, 403, 403, 403, 200, 200)),
    "public_content:item_add": ("get", (302, 403, 403, 403, 200, 200)),
    "public_content:item_edit": ("get", (302, 403, 403, 403, 200, 200)),
    "public_content:item_publish": ("post", (302, 403, 403, 403, 302, 302)),
}


def all_portal_url_names(resolver=None, namespace=None):
    """Every named URL of the portal, namespaced, except the Django admin's."""
    names = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = ":".join(filter(None, [namespace, pattern.namespace])) or None
            names |= all_portal_url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)
    return names


def test_every_named_url_is_in_the_matrix():
    assert set(MATRIX) | set(API_MATRIX) == all_portal_url_names()
    assert not set(MATRIX) & set(API_MATRIX)


@pytest.fixture
def world(priority, lead, other_lead):
    """An action in `priority` (led by `lead`) with an update carrying an evidence file."""
    action = ActionFactory(ref="P1.1", priority=priority, due_date=timezone.localdate() + timedelta(days=30))
    update = ProgressUpdateFactory(action=action, evidence_name="report.pdf")
    update.evidence_file.save("report.pdf", ContentFile(b"%PDF-1.4 test"))
    world = {
        "priority": priority,
        "action": action,
        "update": update,
        **governance_world(action),
        **indicators_world(priority),
    }
    # A report of `priority` to an earlier Board meeting (the add URL writes one to world["meeting"]).
    earlier = MeetingFactory(group=world["meeting"].group, date=world["meeting"].date - timedelta(days=28))
    world["report"] = HighlightReportFactory(priority=priority, meeting=earlier)
    world["import_run"] = PlanImportRun.objects.create(requested_by=UserFactory(), filename="big.xlsx")
    world["replaced_plan"] = PlanFactory(
        title="Plan 2024", superseded_by=PlanFactory(), superseded_at=timezone.now()
    )
    world["period"] = PeriodFactory(meeting=world["meeting"])
    world["closed_period"] = PeriodFactory()
    close_period(world["closed_period"], by=None)
    world["evidence_pack"] = EvidencePack.objects.create(
        priority=priority,
        starts_on=date(2025, 4, 1),
        ends_on=date(2026, 1, 31),
        status=PackStatus.READY,
        pdf=b"%PDF-1.7 pack",
        zip_file=b"PK",
    )
    world["failed_evidence_pack"] = EvidencePack.objects.create(
        priority=priority,
        starts_on=date(2025, 4, 1),
        ends_on=date(2026, 1, 31),
        status=PackStatus.FAILED,
        error="Out of memory",
    )
    world.update(public_world(priority, world["meeting"]))
    # An update the lead submitted, awaiting the Operations Group's sign-off.
    world["submitted"] = ProgressUpdateFactory(action=action, review=Review.SUBMITTED, submitted_by=lead)
    return world


def public_world(priority, meeting):
    """`priority`'s published plain-English summary, with an Easy Read version, and a published chair's
    update of `meeting`; and a confirmed subscriber."""
    summary = PrioritySummary.objects.create(
        priority=priority, title="Plans on time", doing="We hired staff.", easy_read="We hired staff."
    )
    summary.publish(by=None)
    update = ChairsUpdate.objects.create(meeting=meeting, title="What the Board did", body="We met.")
    update.publish(by=None)
    return {
        "public_summary": summary,
        "chairs_update": update,
        "subscriber": Subscriber.objects.create(email="family@example.org", priority=priority),
    }


def public_url_args(world):
    summary = world["public_summary"]
    return {
        "public:priority": [world["priority"].number],
        "public:chairsupdate_detail": [world["chairs_update"].pk],
        "public:easy_read": ["priority", summary.pk],
        "public:subscribe_confirm": [public_services.confirmation_token("new@example.org", None)],
        "public:unsubscribe": [public_services.unsubscribe_token(world["subscriber"])],
        "public_content:item_add": ["prioritysummary"],
        "public_content:item_edit": ["prioritysummary", summary.pk],
        "public_content:item_publish": ["prioritysummary", summary.pk],
    }


def governance_world(action):
    """A Board meeting with an agenda item, a decision, an open action-log item and a 'you said, we did'
    item, an open escalation of `action`, an indicator, a kept board pack and a calendar link."""
    meeting = MeetingFactory(group=GroupFactory(board=True))
    escalation = Escalation.objects.create(action=action, reason="Needs a decision.")
    return {
        "meeting": meeting,
        "agenda_item": AgendaItemFactory(meeting=meeting),
        "decision": DecisionFactory(meeting=meeting),
        "meeting_action": MeetingActionFactory(meeting=meeting),
        "feedback_item": FeedbackItemFactory(meeting=meeting),
        "escalation": escalation,
        "indicator": IndicatorFactory(priority=action.priority),
        "pack": BoardPack.objects.create(meeting=meeting, html="<p>Pack</p>", pdf=b"%PDF-1.7 pack"),
        "failed_request": BoardPackRequest.objects.create(
            meeting=meeting, status=PackRequestStatus.FAILED, error="Out of memory"
        ),
        "feed": CalendarFeed.objects.create(user=UserFactory(username="subscriber")),
        "token": AccessToken.issue(user=UserFactory(username="analyst"), name="Power BI", days=30)[0],
    }


def url_for(name, world):
    action, update = world["action"], world["update"]
    args = {
        "actions:priority_detail": [world["priority"].number],
        "actions:action_detail": [action.ref],
        "actions:progressupdate_add": [action.ref],
        "actions:action_edit": [action.ref],
        "actions:action_history": [action.ref],
        "actions:evidence_download": [action.ref, update.pk],
        "password_reset_confirm": ["MQ", "not-a-valid-token"],
        "api:token_revoke": [world["token"].pk],
        **governance_url_args(world),
        **indicators_url_args(world),
        "reporting:meeting_reports": [world["meeting"].pk],
        "reporting:highlightreport_add": [world["meeting"].pk, world["priority"].number],
        "reporting:highlightreport_detail": [world["report"].pk],
        "reporting:highlightreport_edit": [world["report"].pk],
        "plan_import:version_detail": [world["replaced_plan"].pk],
        "plan_import:run_detail": [world["import_run"].pk],
        "reporting:period_detail": [world["period"].pk],
        "reporting:period_close": [world["period"].pk],
        "reporting:period_history": [world["period"].pk],
        "reporting:period_export": [world["closed_period"].pk],
        "reporting:evidencepack_add": [world["priority"].number],
        "reporting:evidencepack_detail": [world["evidence_pack"].pk],
        "reporting:evidencepack_retry": [world["failed_evidence_pack"].pk],
        "reporting:evidencepack_pdf": [world["evidence_pack"].pk],
        "reporting:evidencepack_zip": [world["evidence_pack"].pk],
        **public_url_args(world),
        "reporting:sign_off": [],
        "reporting:submission_approve": ["update", world["submitted"].pk],
        "reporting:submission_return": ["update", world["submitted"].pk],
    }.get(name, [])
    return reverse(name, args=args)


def governance_url_args(world):
    meeting = world["meeting"].pk
    return {
        "governance:group_detail": [world["meeting"].group.slug],
        "governance:meeting_detail": [meeting],
        "governance:meeting_edit": [meeting],
        "governance:meeting_changes": [meeting],
        "governance:meeting_history": [meeting],
        "governance:agendaitem_add": [meeting],
        "governance:agendaitem_edit": [meeting, world["agenda_item"].pk],
        "governance:agendaitem_delete": [meeting, world["agenda_item"].pk],
        "governance:decision_add": [meeting],
        "governance:decision_edit": [meeting, world["decision"].pk],
        "governance:meetingaction_add": [meeting],
        "governance:meetingaction_edit": [meeting, world["meeting_action"].pk],
        "governance:meetingaction_close": [world["meeting_action"].pk],
        "governance:attendance_edit": [meeting],
        "governance:feedbackitem_add": [meeting],
        "governance:feedbackitem_edit": [meeting, world["feedback_item"].pk],
        "governance:escalation_resolve": [meeting, world["escalation"].pk],
        "governance:boardpack_preview": [meeting],
        "governance:boardpack_generate": [meeting],
        "governance:boardpack_detail": [world["pack"].pk],
        "governance:boardpack_pdf": [world["pack"].pk],
        "governance:boardpackrequest_detail": [world["failed_request"].pk],
        "governance:boardpackrequest_retry": [world["failed_request"].pk],
        "notifications:unsubscribe": [unsubscribe_token(world["feed"].user)],
        "governance:calendar_feed": [world["feed"].token],
        "governance:action_escalate": [world["action"].ref],
        "governance:indicator_escalate": [world["indicator"].code],
    }


@pytest.mark.parametrize("name", sorted(MATRIX))
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_the_expected_answer(request, client, world, name, role):
    method, expected = MATRIX[name]
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))

    response = getattr(client, method)(url_for(name, world))

    assert response.status_code == expected[ROLES.index(role)], f"{role} {method.upper()} {name}"


@pytest.mark.parametrize("role", ROLES[1:])
def test_a_forbidden_page_says_who_can_do_it(request, client, world, role):
    client.force_login(request.getfixturevalue(role))
    response = client.get(url_for("actions:action_edit", world))
    if response.status_code == 403:
        assert b"Only the Operations Group and administrators" in response.content


@pytest.mark.parametrize(
    "path",
    [
        "/actions/NO-SUCH/",
        "/actions/NO-SUCH/update/",
        "/actions/NO-SUCH/edit/",
        "/priorities/99/",
        "/actions/P1.1/updates/999999/evidence/",
        "/sign-off/update/999999/return/",
        "/sign-off/no-such-kind/1/return/",
    ],
)
def test_pages_for_things_that_do_not_exist_answer_404(client, world, operations, path):
    client.force_login(operations)
    assert client.get(path).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in_and_come_back(client, world):
    response = client.get("/actions/P1.1/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/actions/P1.1/"


@pytest.mark.parametrize(
    "path",
    [
        "/groups/no-such-group/",
        "/meetings/999999/",
        "/meetings/999999/edit/",
        "/meetings/999999/pack/",
        "/meetings/packs/999999/pdf/",
        "/meetings/actions/999999/close/",
        "/meetings/calendar/not-the-secret.ics",
        "/indicators/NO-SUCH/escalate/",
        "/meetings/packs/requests/999999/",
        "/email/unsubscribe/not-a-signed-token/",
        "/highlight-reports/999999/",
        "/highlight-reports/999999/edit/",
        "/meetings/999999/highlight-reports/",
        "/meetings/999999/highlight-reports/priority-1/write/",
        "/meetings/1/highlight-reports/priority-99/write/",
        "/periods/999999/",
        "/periods/999999/close/",
        "/periods/999999/history/",
        "/periods/999999/as-reported.csv",
        "/priorities/99/evidence-pack/",
        "/evidence-packs/999999/",
        "/evidence-packs/999999/pdf/",
        "/evidence-packs/999999/zip/",
    ],
)
def test_governance_pages_for_things_that_do_not_exist_answer_404(client, world, operations, path):
    client.force_login(operations)
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("role", ["board_member", "lead"])
def test_a_forbidden_governance_page_says_who_can_do_it(request, client, world, role):
    client.force_login(request.getfixturevalue(role))
    response = client.get(url_for("governance:meeting_edit", world))
    assert response.status_code == 403
    assert b"Only the Operations Group and administrators can create and edit meetings" in response.content


def indicators_world(priority):
    """An indicator of `priority` (so its lead may record values) with one value and a rebase."""
    indicator = IndicatorFactory(code="P1-I1", priority=priority)
    MeasurementFactory(indicator=indicator)
    return {"measured_indicator": indicator, "rebase": RebaseFactory(indicator=indicator)}


def indicators_url_args(world):
    code = [world["measured_indicator"].code]
    return {
        f"indicators:{name}": code
        for name in (
            "indicator_detail",
            "indicator_chart",
            "indicator_sparkline",
            "indicator_csv",
            "measurement_add",
            "indicator_history",
            "indicator_spc_chart",
            "rebase_add",
        )
    } | {"indicators:rebase_delete": [*code, world["rebase"].pk]}


@pytest.mark.parametrize(
    "path",
    [
        "/indicators/NO-SUCH/",
        "/indicators/NO-SUCH/chart.svg",
        "/indicators/NO-SUCH/sparkline.svg",
        "/indicators/NO-SUCH/data.csv",
        "/indicators/NO-SUCH/record/",
        "/indicators/NO-SUCH/spc.svg",
        "/indicators/NO-SUCH/rebase/",
        "/indicators/NO-SUCH/rebases/1/remove/",
        "/indicators/P1-I1/rebases/999999/remove/",
    ],
)
def test_indicator_pages_for_things_that_do_not_exist_answer_404(client, world, operations, path):
    client.force_login(operations)
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("role", ["board_member", "other_lead"])
def test_a_refusal_to_record_an_indicator_value_says_who_can(request, client, world, role):
    client.force_login(request.getfixturevalue(role))
    response = client.get(url_for("indicators:measurement_add", world))
    assert response.status_code == 403
    assert b"Only the workstream lead of the indicator&#x27;s priority" in response.content


@pytest.mark.parametrize("role", ["board_member", "lead"])
def test_a_refusal_to_rebase_an_indicator_says_who_can(request, client, world, role):
    client.force_login(request.getfixturevalue(role))
    response = client.get(url_for("indicators:rebase_add", world))
    assert response.status_code == 403
    assert b"Only the Operations Group and administrators can rebase" in response.content


def test_a_rebase_of_another_indicator_cannot_be_removed_through_this_one(client, world, operations):
    other = RebaseFactory(indicator=IndicatorFactory(code="P9-I9"))
    client.force_login(operations)
    url = reverse("indicators:rebase_delete", args=[world["measured_indicator"].code, other.pk])
    assert client.post(url, {"reason": "Wrong indicator"}).status_code == 404
    assert other.__class__.objects.filter(pk=other.pk).exists()


@pytest.mark.parametrize("role", ["board_member", "other_lead"])
def test_a_refusal_to_write_a_highlight_report_says_who_can(request, client, world, role):
    client.force_login(request.getfixturevalue(role))
    response = client.get(url_for("reporting:highlightreport_add", world))
    assert response.status_code == 403
    assert (
        b"Only the workstream lead of the priority, the Operations Group and administrators"
        in response.content
    )


def test_highlight_reports_go_only_to_board_meetings(client, world, operations):
    ops_meeting = MeetingFactory(group=GroupFactory())
    client.force_login(operations)
    assert client.get(reverse("reporting:meeting_reports", args=[ops_meeting.pk])).status_code == 404
    url = reverse("reporting:highlightreport_add", args=[ops_meeting.pk, world["priority"].number])
    assert client.get(url).status_code == 404


def test_the_editable_reports_are_exactly_those_the_rule_allows(
    world, lead, other_lead, operations, board_member
):
    from reporting.models import HighlightReport

    HighlightReportFactory(meeting=world["report"].meeting, priority=PriorityFactory(number=7))
    editable = {}
    for user in (lead, other_lead, operations, board_member):
        allowed = {
            r.pk
            for r in HighlightReport.objects.all()
            if user.has_perm("reporting.change_highlightreport", r)
        }
        editable[user.username] = set(HighlightReport.objects.editable_by(user).values_list("pk", flat=True))
        assert editable[user.username] == allowed, user.username
    assert editable == {
        "lead": {world["report"].pk},
        "otherlead": set(),
        "ops": editable["ops"],
        "board": set(),
    }
    assert len(editable["ops"]) == 2


# --- The API: every endpoint for every role's token ------------------------------------------------------
# url name: (anonymous, board member, lead of this priority, lead of another, operations, admin), each
# calling with their own token (anonymous: none). Every role reads the whole plan on the pages, so every
# token reads every record; the table-driven test in tests/api/test_permissions.py checks each sees the
# same records as on the pages. Writing is refused to every token (test_no_token_can_write below).
READS = (401, 200, 200, 200, 200, 200)
API_MATRIX = {
    name: READS
    for name in [
        "api:plan",
        "api:changes",
        *(
            f"api:{kind}-{view}"
            for kind in ("priority", "action", "progressupdate", "indicator")
            for view in ("list", "detail")
        ),
        *(
            f"api:{kind}-{view}"
            for kind in (
                "measurement",
                "meeting",
                "decision",
                "meetingaction",
                "escalation",
                "highlightreport",
                "period",
            )
            for view in ("list", "detail")
        ),
    ]
}


def api_url_for(name, world):
    pk = {
        "api:priority-detail": world["priority"].number,
        "api:action-detail": world["action"].ref,
        "api:progressupdate-detail": world["update"].pk,
        "api:indicator-detail": world["measured_indicator"].code,
        "api:measurement-detail": world["measured_indicator"].measurements.get().pk,
        "api:meeting-detail": world["meeting"].pk,
        "api:decision-detail": world["decision"].pk,
        "api:meetingaction-detail": world["meeting_action"].pk,
        "api:escalation-detail": world["escalation"].pk,
        "api:highlightreport-detail": world["report"].pk,
        "api:period-detail": world["closed_period"].pk,
    }.get(name)
    return reverse(name, args=[] if pk is None else [pk])


def api_client_for(request, role):
    """A client sending `role`'s own new token (none for anonymous), and no session."""
    if role == "anonymous":
        return Client()
    user = request.getfixturevalue(role)
    return Client(headers={"Authorization": f"Token {AccessToken.issue(user=user, name='t', days=1)[1]}"})


@pytest.fixture
def api_world(world):
    PlanFactory()
    return world


@pytest.mark.parametrize("role", ROLES)
def test_each_role_token_gets_the_expected_api_answers(request, api_world, role):
    """One world per role, every API URL in turn (a world per URL and role took half a minute)."""
    client = api_client_for(request, role)
    for name in sorted(API_MATRIX):
        response = client.get(api_url_for(name, api_world))

        assert response.status_code == API_MATRIX[name][ROLES.index(role)], f"{role} GET {name}"
        assert response["Content-Type"] == "application/json", name


@pytest.mark.parametrize("role", ROLES)
def test_no_token_can_write(request, api_world, role):
    """Every POST, PUT, PATCH and DELETE to every API URL is refused, for every role's token."""
    client = api_client_for(request, role)
    for name in sorted(API_MATRIX):
        url = api_url_for(name, api_world)
        for method in ("post", "put", "patch", "delete"):
            response = getattr(client, method)(url, {}, content_type="application/json")
            expected = 401 if role == "anonymous" else 403
            assert response.status_code == expected, f"{role} {method.upper()} {name}"
    assert AccessToken.objects.filter(user__username="analyst").exists()  # nothing was deleted either
