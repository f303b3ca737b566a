"""Every portal URL, for every role: the answer each one gets. A URL missing from the table fails."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tests.factories import ActionFactory, ProgressUpdateFactory

ROLES = ("anonymous", "board_member", "lead", "other_lead", "operations", "admin_user")

# url name: (method, (anonymous, board member, lead of this priority, lead of another, operations, admin))
MATRIX = {
    "dashboard": ("get", (302, 200, 200, 200, 200, 200)),
    "accessibility": ("get", (200, 200, 200, 200, 200, 200)),
    "health": ("get", (200, 200, 200, 200, 200, 200)),
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
    "actions:action_history": ("get", (302, 200, 200, 200, 200, 200)),
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
    assert set(MATRIX) == all_portal_url_names()


@pytest.fixture
def world(priority, lead, other_lead):
    """An action in `priority` (led by `lead`) with an update carrying an evidence file."""
    action = ActionFactory(ref="P1.1", priority=priority, due_date=timezone.localdate() + timedelta(days=30))
    update = ProgressUpdateFactory(action=action, evidence_name="report.pdf")
    update.evidence_file.save("report.pdf", ContentFile(b"%PDF-1.4 test"))
    return {"priority": priority, "action": action, "update": update}


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
    }.get(name, [])
    return reverse(name, args=args)


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
    ],
)
def test_pages_for_things_that_do_not_exist_answer_404(client, world, operations, path):
    client.force_login(operations)
    assert client.get(path).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in_and_come_back(client, world):
    response = client.get("/actions/P1.1/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/actions/P1.1/"
