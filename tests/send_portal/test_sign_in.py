"""Sign-in protection: lockout, password change and reset, and the pages that explain failures."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

from tests.factories import ActionFactory, UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"


def attempt(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR="10.0.0.7")


def test_five_wrong_passwords_lock_that_username_from_that_address_with_a_clear_message(client):
    UserFactory(username="sam")
    for _ in range(4):
        assert attempt(client, "sam", "wrong").status_code == 200

    response = attempt(client, "sam", "wrong")

    assert response.status_code == 429
    content = response.content.decode()
    assert "Sign-in is locked for now" in content
    assert "Try again after 30 minutes" in content
    assert attempt(client, "sam", PASSWORD).status_code == 429  # even the right password waits


def test_a_lockout_does_not_block_other_people_behind_the_same_address(client):
    UserFactory(username="sam")
    UserFactory(username="jo")
    for _ in range(5):
        attempt(client, "sam", "wrong")

    response = attempt(client, "jo", PASSWORD)

    assert response.status_code == 302


def test_a_person_changes_their_password(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a new long passphrase 42",
            "new_password2": "a new long passphrase 42",
        },
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a new long passphrase 42")


def test_a_weak_new_password_is_refused_with_the_validators_reason(client):
    client.force_login(UserFactory())

    response = client.post(
        reverse("password_change"), {"old_password": PASSWORD, "new_password1": "123", "new_password2": "123"}
    )

    content = response.content.decode()
    assert "There is a problem" in content
    assert "too short" in content


def test_a_password_reset_mails_a_link_that_sets_a_new_password(client, mailoutbox):
    user = UserFactory(email="sam@example.org")

    client.post(reverse("password_reset"), {"email": "sam@example.org"})

    assert len(mailoutbox) == 1
    link = re.search(r"/accounts/password/reset/[^/\s]+/[^/\s]+/", mailoutbox[0].body).group()
    form_page = client.get(link, follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "fresh passphrase 2026", "new_password2": "fresh passphrase 2026"},
    )
    user.refresh_from_db()
    assert user.check_password("fresh passphrase 2026")


def test_a_reset_for_an_unknown_address_says_the_same_and_sends_nothing(client, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"}, follow=True)

    assert "Check your email" in response.content.decode()
    assert mailoutbox == []


def test_a_form_sent_without_its_security_token_explains_what_to_do(db):
    client = Client(enforce_csrf_checks=True)

    response = client.post(reverse("login"), {"username": "x", "password": "y"})

    assert response.status_code == 403
    assert "Your form could not be sent" in response.content.decode()


def test_when_the_database_is_unreachable_pages_answer_503_with_a_plain_message(client, board_member):
    client.force_login(board_member)
    client.raise_request_exception = False
    with mock.patch("send_portal.views.Priority.objects") as manager:
        manager.visible_to.side_effect = OperationalError("connection to server at 127.0.0.1 failed")
        response = client.get(reverse("dashboard"))

    assert response.status_code == 503
    assert "cannot reach its database" in response.content.decode()
    assert client.get(reverse("dashboard")).status_code == 200  # and recovers by itself


def test_a_broken_query_is_not_mistaken_for_an_outage(client, board_member):
    client.force_login(board_member)
    client.raise_request_exception = False
    with mock.patch("send_portal.views.Priority.objects") as manager:
        manager.visible_to.side_effect = OperationalError("near SELECT: syntax error")
        response = client.get(reverse("dashboard"))

    assert response.status_code == 500
    assert "problem with the service" in response.content.decode()


def test_an_outage_noticed_by_the_session_middleware_also_answers_503(client, board_member):
    client.force_login(board_member)
    client.raise_request_exception = False
    with mock.patch("django.contrib.sessions.backends.db.SessionStore.load") as load:
        load.side_effect = OperationalError("connection to server at 127.0.0.1 failed: Connection refused")
        response = client.get(reverse("dashboard"))

    assert response.status_code == 503


def test_the_health_check_answers_503_when_the_database_is_down(client):
    with mock.patch("send_portal.health.connection") as connection:
        connection.cursor.side_effect = OperationalError("could not connect")
        response = client.get(reverse("health"))

    assert response.status_code == 503


def test_an_over_long_username_gets_a_form_error_not_a_server_error(client):
    response = client.post(reverse("login"), {"username": "x" * 5000, "password": "whatever"})

    assert response.status_code == 200
    assert "Ensure this value has at most 150 characters" in response.content.decode()


def test_a_session_idle_for_longer_than_its_age_has_to_sign_in_again(client, board_member):
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client.force_login(board_member)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))

    response = client.get(reverse("dashboard"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_each_request_pushes_the_session_expiry_forward(client, board_member, settings):
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client.force_login(board_member)
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=5))

    client.get(reverse("dashboard"))

    remaining = Session.objects.get().expire_date - timezone.now()
    assert remaining > timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)


# --- Where a person lands after signing in ----------------------------------------------------------------
def test_a_workstream_lead_lands_on_my_actions(client, lead):
    response = attempt(client, lead.username, PASSWORD)

    assert response["Location"] == reverse("actions:action_mine")


def test_a_person_who_leads_only_an_action_lands_on_my_actions(client):
    person = UserFactory()
    ActionFactory(lead=person)

    assert attempt(client, person.username, PASSWORD)["Location"] == reverse("actions:action_mine")


def test_a_board_member_lands_on_the_dashboard_even_when_they_lead_a_priority(client, board_member, priority):
    priority.lead = board_member
    priority.save()

    assert attempt(client, board_member.username, PASSWORD)["Location"] == reverse("dashboard")


def test_a_person_who_leads_nothing_lands_on_the_dashboard(client, operations):
    assert attempt(client, operations.username, PASSWORD)["Location"] == reverse("dashboard")


def test_a_lead_who_followed_a_link_goes_where_the_link_pointed(client, lead):
    wanted = reverse("indicators:indicator_list")

    response = client.post(
        reverse("login") + f"?next={wanted}",
        {"username": lead.username, "password": PASSWORD, "next": wanted},
    )

    assert response["Location"] == wanted


PROXY_SETTINGS = (
    "AXES_IPWARE_META_PRECEDENCE_ORDER",
    "AXES_IPWARE_PROXY_COUNT",
    "AXES_IPWARE_PROXY_ORDER",
    "IPWARE_STRICT",
)


@pytest.fixture
def behind_one_proxy(settings):
    """What send_portal/settings.py sets for BEHIND_PROXY=True (read in a fresh process), in force here."""
    names = ", ".join(repr(name) for name in PROXY_SETTINGS)
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import json, send_portal.settings as s; print(json.dumps({{n: getattr(s, n) for n in [{names}] if hasattr(s, n)}}))",
        ],
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "BEHIND_PROXY": "True", "AXES_PROXY_COUNT": "1", "DEBUG": "True"},
        capture_output=True,
        text=True,
        check=True,
    )
    for name, value in json.loads(result.stdout).items():
        setattr(settings, name, value)


def through_the_proxy(client, username, password, forwarded_for):
    """A sign-in relayed by one reverse proxy at 10.0.0.1, which appends the address it saw."""
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )


def test_behind_a_proxy_the_lockout_keys_on_each_clients_own_address(client, behind_one_proxy):
    UserFactory(username="sam")
    for _ in range(4):
        assert through_the_proxy(client, "sam", "wrong", "198.51.100.1").status_code == 200

    assert through_the_proxy(client, "sam", "wrong", "198.51.100.1").status_code == 429
    assert through_the_proxy(client, "sam", PASSWORD, "198.51.100.2").status_code == 302  # not locked with it


def test_behind_a_proxy_a_client_cannot_escape_its_lockout_by_sending_its_own_forwarded_for(
    client, behind_one_proxy
):
    UserFactory(username="sam")
    for n in range(5):
        through_the_proxy(client, "sam", "wrong", f"192.0.2.{n}, 198.51.100.1")

    assert through_the_proxy(client, "sam", PASSWORD, "203.0.113.9, 198.51.100.1").status_code == 429
