"""Two members of the Operations Group signing off the same update at the same moment, each in their own
thread and database connection: one wins, the other is told it was already signed off (as if they had come
second), and the action moves once. Runs on SQLite (a file) and on PostgreSQL (row locks)."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from actions.models import Status
from send_portal.models import Review
from send_portal.roles import OPERATIONS_GROUP
from tests.conftest import _person
from tests.factories import ActionFactory


@pytest.mark.django_db(transaction=True)
def test_two_people_approving_and_returning_at_once_sign_it_off_once(lead, priority):
    action = ActionFactory(ref="P1.1", priority=priority)
    update = action.record_update(
        author=lead, status=Status.AT_RISK, narrative="Slower.", mitigation="Agency."
    )
    members = [_person(f"ops{n}", OPERATIONS_GROUP) for n in range(2)]
    start = threading.Barrier(2)
    said = {}

    def sign_off(member, returns):
        client = Client(raise_request_exception=False)
        client.force_login(member)
        start.wait()
        try:
            if returns:
                url = reverse("reporting:submission_return", args=["update", update.pk])
                response = client.post(url, {"reason": "Which posts?"}, follow=True)
            else:
                url = reverse("reporting:submission_approve", args=["update", update.pk])
                response = client.post(url, follow=True)
            said[member.username] = (response.status_code, response.content.decode())
        finally:
            connection.close()

    threads = [threading.Thread(target=sign_off, args=[m, n == 1]) for n, m in enumerate(members)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    update.refresh_from_db()
    assert update.review in (Review.APPROVED, Review.RETURNED)
    assert [code for code, _ in said.values()] == [200, 200]
    refusals = [page for _, page in said.values() if "is not awaiting sign-off: it was already" in page]
    assert len(refusals) == 1
    action.refresh_from_db()
    assert action.status == (Status.AT_RISK if update.review == Review.APPROVED else Status.NOT_STARTED)
    assert update.history.count() == 2  # submitted, then one sign-off
