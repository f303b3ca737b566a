"""Personal access tokens: made and revoked on each person's own page, stored hashed, refused once
revoked or expired, and rate limited per token."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from api.models import AccessToken
from tests.api.conftest import make_token

pytestmark = pytest.mark.django_db


def get_actions(token):
    return Client(headers={"Authorization": f"Token {token}"}).get(reverse("api:action-list"))


def test_a_token_is_never_stored_in_clear(board_member):
    token = make_token(board_member)

    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM api_accesstoken")
        stored = [str(value) for row in cursor.fetchall() for value in row]

    assert not any(token in value for value in stored)
    assert not any(token[15:30] in value for value in stored)  # only its first 15 characters are kept
    assert get_actions(token).status_code == 200


def test_a_revoked_token_is_refused(client, board_member):
    token = make_token(board_member)
    client.force_login(board_member)

    response = client.post(reverse("api:token_revoke", args=[AccessToken.objects.get().pk]))

    assert response.status_code == 302
    assert get_actions(token).status_code == 401


def test_an_expired_token_is_refused(board_member):
    token = make_token(board_member)
    AccessToken.objects.update(expiry=timezone.now() - timedelta(seconds=1))

    assert get_actions(token).status_code == 401


def test_the_token_of_a_person_who_has_left_is_refused(board_member):
    token = make_token(board_member)
    board_member.is_active = False
    board_member.save()

    assert get_actions(token).status_code == 401


def test_nobody_can_revoke_someone_elses_token(client, board_member, operations):
    make_token(board_member)
    client.force_login(operations)

    response = client.post(reverse("api:token_revoke", args=[AccessToken.objects.get().pk]))

    assert response.status_code == 404
    assert AccessToken.objects.exists()


def test_the_token_page_shows_a_new_token_once_and_lists_only_ones_own(client, board_member, operations):
    make_token(operations, name="Someone else's")
    client.force_login(board_member)

    made = client.post(reverse("api:token_list"), {"name": "Power BI refresh", "days": "90"})
    again = client.get(reverse("api:token_list"))

    token = AccessToken.objects.get(user=board_member)
    shown = made.context["token_text"]
    assert shown.startswith("sendp_") and shown.encode() in made.content
    assert "no-store" in made["Cache-Control"]
    assert get_actions(shown).status_code == 200
    assert token.name == "Power BI refresh"
    assert timedelta(days=89) < token.expiry - timezone.now() <= timedelta(days=90)
    assert shown.encode() not in again.content
    assert b"Power BI refresh" in again.content and b"Someone else" not in again.content


def test_a_token_needs_a_name_and_an_expiry(client, board_member):
    client.force_login(board_member)

    response = client.post(reverse("api:token_list"), {"name": "  ", "days": "7"})

    assert response.context["form"].errors == {
        "name": ["Enter what the token is for, for example Power BI refresh"],
        "days": ["Choose how long the token lasts"],
    }
    assert not AccessToken.objects.exists()


def test_each_token_is_rate_limited_on_its_own(settings, board_member):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"api": "2/minute"}}
    first, second = make_token(board_member), make_token(board_member, name="Excel")

    answers = [get_actions(first).status_code for _ in range(3)]

    assert answers == [200, 200, 429]
    assert get_actions(second).status_code == 200  # another token of the same person has its own count
