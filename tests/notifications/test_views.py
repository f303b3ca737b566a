"""Email preferences, the signed one-click unsubscribe and the Operations Group's compliance view."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from notifications.models import DigestFrequency, MessageKind, Preference, SentMessage
from notifications.services import unsubscribe_token
from tests.factories import ActionFactory, PriorityFactory, ProgressUpdateFactory, UserFactory


def test_a_person_chooses_their_digest(client, lead):
    client.force_login(lead)
    url = reverse("notifications:preferences")
    assert "Every week" in client.get(url).content.decode()

    response = client.post(url, {"digest": DigestFrequency.BEFORE_BOARD, "pack_ready": "on"})

    assert response.status_code == 302
    preference = Preference.objects.get(person=lead)
    assert (preference.digest, preference.changes, preference.pack_ready) == (
        DigestFrequency.BEFORE_BOARD,
        False,
        True,
    )


def test_a_missing_choice_is_explained_next_to_the_field(client, lead):
    client.force_login(lead)
    response = client.post(reverse("notifications:preferences"), {"digest": ""})
    assert "Choose how often you want a reminder" in response.content.decode()
    assert not Preference.objects.exists()


def test_the_unsubscribe_link_asks_before_it_unsubscribes(client, lead):
    url = reverse("notifications:unsubscribe", args=[unsubscribe_token(lead)])

    page = client.get(url)  # a link checker or preview opens it: nothing changes

    assert page.status_code == 200 and ">Unsubscribe</button>" in page.content.decode()
    assert not Preference.objects.exists()
    assert "You are unsubscribed" in client.post(url).content.decode()
    preference = Preference.objects.get(person=lead)
    assert (preference.digest, preference.changes, preference.pack_ready) == (
        DigestFrequency.NONE,
        False,
        False,
    )


@pytest.mark.parametrize("token", ["nonsense", "eyJwIjoxfQ:forged-signature"])
def test_a_forged_unsubscribe_link_is_not_found(client, lead, token):
    assert client.post(reverse("notifications:unsubscribe", args=[token])).status_code == 404
    assert not Preference.objects.exists()


def test_the_compliance_view_counts_each_leads_work_and_links_to_the_list(client, operations, priority, lead):
    today = timezone.localdate()
    ActionFactory(ref="C1.1", priority=priority, due_date=today - timedelta(days=2))
    ActionFactory(
        ref="C1.2",
        priority=priority,
        start_date=today - timedelta(days=60),
        due_date=today + timedelta(days=60),
    )
    ProgressUpdateFactory(action=ActionFactory(ref="C1.3", priority=priority), author=lead)
    SentMessage.objects.create(
        recipient=lead, kind=MessageKind.DIGEST, key="digest:x", subject="s", to_address=lead.email
    )
    client.force_login(operations)

    page = client.get(reverse("notifications:compliance")).content.decode()

    list_url = reverse("actions:action_list")
    assert f'href="{list_url}?person={lead.pk}&amp;overdue=on">1<' in page
    assert f'href="{list_url}?person={lead.pk}&amp;not_updated_for=30">1<' in page
    assert (
        f'href="{list_url}?person={lead.pk}&amp;updated_since={today.replace(day=1).isoformat()}">1<' in page
    )
    assert f'href="{reverse("notifications:sentmessage_list")}?recipient={lead.pk}">1<' in page
    # and the list behind a number shows exactly those actions
    listed = client.get(f"{list_url}?person={lead.pk}&overdue=on").content.decode()
    assert "C1.1" in listed and "C1.2" not in listed and "C1.3" not in listed
    updated = client.get(
        f"{list_url}?person={lead.pk}&updated_since={today.replace(day=1).isoformat()}"
    ).content.decode()
    assert "C1.3" in updated and "C1.1" not in updated


def add_people_and_actions(n):
    for i in range(n):
        person = UserFactory()
        priority = PriorityFactory(number=100 + PriorityFactory._meta.model.objects.count(), lead=person)
        action = ActionFactory(priority=priority, lead=UserFactory(), overdue=(i % 2 == 0))
        ProgressUpdateFactory(action=action, author=person)
        SentMessage.objects.create(
            recipient=person,
            kind=MessageKind.DIGEST,
            key=f"digest:{i}",
            subject="s",
            to_address="a@example.org",
        )


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_compliance_view_runs_the_same_queries_for_3_and_30_people(
    client, operations, django_assert_max_num_queries
):
    client.force_login(operations)
    url = reverse("notifications:compliance")
    add_people_and_actions(3)
    count_queries(client, url)
    before = count_queries(client, url)

    add_people_and_actions(27)

    assert count_queries(client, url) == before
    with django_assert_max_num_queries(12):
        client.get(url)


def test_the_sent_mail_list_runs_the_same_queries_for_3_and_30_messages(client, operations):
    client.force_login(operations)
    url = reverse("notifications:sentmessage_list")
    add_people_and_actions(3)
    count_queries(client, url)
    before = count_queries(client, url)
    add_people_and_actions(27)
    assert count_queries(client, url) == before
