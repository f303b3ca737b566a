"""Pages and the board pack call a priority what the plan calls it (Partnership.priority_called)."""

import pytest
from django.urls import reverse

from governance.services import render_board_pack_html
from send_portal.models import Partnership
from tests.factories import ActionFactory, GroupFactory, MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_words(db):
    return Partnership.objects.create(
        name="Devon SEND Partnership", priority_called="area of significant weakness"
    )


def test_pages_and_the_pack_use_the_plans_word_for_a_priority(client, own_words, operations, priority):
    action = ActionFactory(priority=priority, ref="P1.1")
    client.force_login(operations)
    for url in (priority.get_absolute_url(), action.get_absolute_url(), reverse("dashboard")):
        page = client.get(url).content.decode()
        assert f"Area of significant weakness {priority.number}" in page, url
        assert f"Priority {priority.number}:" not in page, url

    pack = render_board_pack_html(MeetingFactory(group=GroupFactory(board=True)))
    assert f"Area of significant weakness {priority.number}: {priority.short_title}" in pack


def test_without_its_own_word_a_priority_is_a_priority(client, operations, priority):
    client.force_login(operations)
    assert f"Priority {priority.number}" in client.get(priority.get_absolute_url()).content.decode()
