"""Email updates: double opt-in, an update mailed through a real SMTP server, one-click unsubscribe."""

import re

import pytest
from django.urls import reverse

from public_site.models import Subscriber

LINK = re.compile(r"http://\S+")


def links(text):
    return LINK.findall(text)


@pytest.mark.django_db
def test_subscribe_confirm_receive_an_update_and_unsubscribe(
    client, smtp, summary, operations, django_capture_on_commit_callbacks
):
    address = "parent@example.org"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("public:subscribe"), {"email": address, "scope": "1"})
    assert response.status_code == 302
    assert not Subscriber.objects.exists()  # nothing stored before the link is followed

    (confirmation,) = smtp.to(address)
    confirm_url = next(u for u in links(smtp.text(confirmation)) if "/confirm/" in u)
    assert client.get(confirm_url.removeprefix("http://127.0.0.1:8000")).status_code == 200
    subscriber = Subscriber.objects.get()
    assert (subscriber.email, subscriber.priority) == (address, summary.priority)

    summary.doing = "We have now hired twelve more staff."
    summary.save()
    with django_capture_on_commit_callbacks(execute=True):
        summary.publish(by=operations)

    update = smtp.to(address)[-1]
    assert "twelve more staff" in smtp.text(update)
    assert update["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe_url = update["List-Unsubscribe"].strip("<>").removeprefix("http://127.0.0.1:8000")

    response = client.post(unsubscribe_url)  # what a mail client's one-click unsubscribe sends
    assert response.status_code == 200
    assert not Subscriber.objects.filter(email=address).exists()


@pytest.mark.django_db
def test_someone_subscribed_to_another_priority_is_not_sent_this_one(
    smtp, summary, other_priority, operations, django_capture_on_commit_callbacks
):
    Subscriber.objects.create(email="other@example.org", priority=other_priority)
    Subscriber.objects.create(email="all@example.org", priority=None)
    with django_capture_on_commit_callbacks(execute=True):
        summary.publish(by=operations)
    assert smtp.to("all@example.org") and not smtp.to("other@example.org")


@pytest.mark.django_db
def test_the_unsubscribe_link_asks_before_deleting(client, priority):
    from public_site.services import unsubscribe_token

    subscriber = Subscriber.objects.create(email="a@example.org", priority=priority)
    url = reverse("public:unsubscribe", args=[unsubscribe_token(subscriber)])
    assert b"Stop my email updates" in client.get(url).content
    assert Subscriber.objects.exists()  # a link checker opening it unsubscribes nobody


@pytest.mark.django_db
def test_a_forged_or_old_confirmation_link_stores_nothing(client):
    response = client.get(reverse("public:subscribe_confirm", args=["not-a-token"]))
    assert response.status_code == 404
    assert not Subscriber.objects.exists()


@pytest.mark.django_db
def test_the_sign_up_form_is_rate_limited_per_address(client, mailoutbox, django_capture_on_commit_callbacks):
    url = reverse("public:subscribe")
    with django_capture_on_commit_callbacks(execute=True):
        answers = [
            client.post(url, {"email": f"p{n}@example.org", "scope": "all"}).status_code for n in range(7)
        ]
    assert answers == [302] * 5 + [429, 429]
    assert len(mailoutbox) == 5


@pytest.mark.django_db
def test_a_bad_address_is_shown_next_to_the_field(client):
    response = client.post(reverse("public:subscribe"), {"email": "not an address", "scope": "all"})
    assert "Enter an email address in the right format" in response.content.decode()
    assert b"govuk-error-summary" in response.content


@pytest.mark.django_db
def test_a_published_chairs_update_is_sent_to_those_who_asked_for_everything(
    client, smtp, operations, priority, django_capture_on_commit_callbacks
):
    from public_site.models import ChairsUpdate
    from tests.factories import GroupFactory, MeetingFactory

    Subscriber.objects.create(email="all@example.org", priority=None)
    meeting = MeetingFactory(group=GroupFactory(board=True))
    client.force_login(operations)
    client.post(
        reverse("public_content:item_add", args=["chairsupdate"]),
        {
            "meeting": meeting.pk,
            "title": "What the Board did in March",
            "body": "We agreed more staff.",
            "easy_read": "",
        },
    )
    update = ChairsUpdate.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("public_content:item_publish", args=["chairsupdate", update.pk]), {"action": "publish"}
        )

    (mail,) = smtp.to("all@example.org")
    assert mail["Subject"] == "Update: What the Board did in March"
    assert "We agreed more staff." in smtp.text(mail)
