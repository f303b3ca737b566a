"""Random and hostile input to every form never breaks a page, and what is saved is shown escaped."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actions.models import Action, Status
from tests.factories import ActionFactory

HOSTILE_TEXT = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=50),
    st.just("<script>alert('x')</script>"),
    st.just('"><img src=x onerror=alert(1)>'),
    st.just('=HYPERLINK("http://evil")'),
    st.just("\x00\x01\x1b[31m control"),
    st.just("x" * 100_000),
    st.just("' OR 1=1; DROP TABLE actions_action; --"),
)
DATES = st.one_of(
    st.dates().map(str),
    st.just("0001-01-01"),
    st.just("9999-12-31"),
    st.just("2026-02-30"),
    st.just("31/12/2026"),
    st.just("yesterday"),
    st.just(""),
    st.text(max_size=20),
)
NUMBERS = st.one_of(
    st.integers().map(str), st.just("-1"), st.just("1e309"), st.just("NaN"), st.text(max_size=10)
)
CHOICES = st.one_of(st.sampled_from([s.value for s in Status]), st.text(max_size=20))
RUNS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def action(priority):
    return ActionFactory(ref="P1.1", priority=priority)


@RUNS
@given(
    status=CHOICES,
    narrative=HOSTILE_TEXT,
    mitigation=HOSTILE_TEXT,
    link=HOSTILE_TEXT,
    next_steps=HOSTILE_TEXT,
    version=NUMBERS,
)
def test_the_update_form_answers_hostile_input_with_errors_or_success(
    client, operations, action, status, narrative, mitigation, link, next_steps, version
):
    client.force_login(operations)
    response = client.post(
        reverse("actions:progressupdate_add", args=[action.ref]),
        {
            "status": status,
            "narrative": narrative,
            "mitigation": mitigation,
            "evidence_link": link,
            "next_steps": next_steps,
            "version": version,
        },
    )
    assert response.status_code in (200, 302)
    page = client.get(action.get_absolute_url())
    assert page.status_code == 200
    assert b"<script>alert('x')</script>" not in page.content
    assert b"<img src=x onerror" not in page.content


@RUNS
@given(
    status=CHOICES,
    overdue_reason=HOSTILE_TEXT,
    revised=DATES,
    revision_reason=HOSTILE_TEXT,
    kept=HOSTILE_TEXT,
)
def test_the_update_form_on_an_overdue_action_answers_hostile_input_with_errors_or_success(
    client, operations, priority, status, overdue_reason, revised, revision_reason, kept
):
    today = timezone.localdate()
    action = ActionFactory(
        priority=priority, start_date=today - timedelta(days=60), due_date=today - timedelta(days=1)
    )
    client.force_login(operations)
    response = client.post(
        reverse("actions:progressupdate_add", args=[action.ref]),
        {
            "version": action.version,
            "status": status,
            "narrative": "Progress.",
            "overdue_reason": overdue_reason,
            "revised_due_date": revised,
            "revision_reason": revision_reason,
            "kept_evidence": kept,
        },
    )
    assert response.status_code in (200, 302)
    page = client.get(action.get_absolute_url())
    assert page.status_code == 200
    assert b"<script>alert('x')</script>" not in page.content
    assert b"<img src=x onerror" not in page.content


@RUNS
@given(
    title=HOSTILE_TEXT,
    description=HOSTILE_TEXT,
    start=DATES,
    revised=DATES,
    reason=HOSTILE_TEXT,
    organisation=st.one_of(st.just("council"), st.text(max_size=12)),
    lead=NUMBERS,
)
def test_the_action_form_answers_hostile_input_with_errors_or_success(
    client, operations, action, title, description, start, revised, reason, organisation, lead
):
    client.force_login(operations)
    current = Action.objects.get(pk=action.pk)
    response = client.post(
        reverse("actions:action_edit", args=[action.ref]),
        {
            "version": current.version,
            "title": title,
            "description": description,
            "start_date": start,
            "revised_due_date": revised,
            "revision_reason": reason,
            "lead_organisation": organisation,
            "lead": lead,
        },
    )
    assert response.status_code in (200, 302)
    for url in (
        action.get_absolute_url(),
        reverse("actions:action_list"),
        reverse("actions:action_history", args=[action.ref]),
    ):
        page = client.get(url)
        assert page.status_code == 200
        assert b"<script>alert('x')</script>" not in page.content


@RUNS
@given(
    params=st.dictionaries(
        st.sampled_from(
            [
                "q",
                "priority",
                "status",
                "lead",
                "lead_organisation",
                "overdue",
                "not_updated_for",
                "sort",
                "page",
                "_export",
            ]
        ),
        st.one_of(HOSTILE_TEXT, NUMBERS),
        max_size=5,
    )
)
def test_the_actions_list_answers_any_query_string_without_a_server_error(
    client, board_member, action, params
):
    client.force_login(board_member)
    response = client.get(reverse("actions:action_list"), params)
    assert response.status_code in (200, 404)


@RUNS
@given(username=HOSTILE_TEXT, password=HOSTILE_TEXT)
def test_the_sign_in_form_answers_hostile_input_without_a_server_error(client, db, username, password):
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code in (200, 302, 429)
