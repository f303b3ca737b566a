"""History pages: who changed what, when, old and new, for indicators and meetings."""

from datetime import date

import pytest
from django.urls import reverse

from tests.factories import (
    AgendaItemFactory,
    DecisionFactory,
    IndicatorFactory,
    MeasurementFactory,
    MeetingFactory,
)

pytestmark = pytest.mark.django_db


def test_the_indicator_history_shows_a_corrected_value_with_who_and_the_old_value(
    client, operations, board_member
):
    indicator = IndicatorFactory(code="P2-I1")
    measurement = MeasurementFactory(indicator=indicator, period_end=date(2025, 6, 30), value=40)
    client.force_login(operations)
    measurement.value = 45
    measurement._history_user = operations
    measurement.save()
    client.force_login(board_member)

    content = client.get(reverse("indicators:indicator_history", args=[indicator.code])).content.decode()

    assert "Value for the period ending 30 June 2025: changed" in content
    assert f"by {operations.display_name}" in content
    assert "40.000" in content and "45" in content


def test_the_indicator_history_records_a_changed_target(client, board_member):
    indicator = IndicatorFactory(code="P2-I2", target_value=50)
    indicator.target_value = 60
    indicator.save()
    client.force_login(board_member)

    content = client.get(reverse("indicators:indicator_history", args=[indicator.code])).content.decode()

    assert "Indicator details: changed" in content
    assert "Target value" in content


def test_the_meeting_history_lists_changes_to_minutes_agenda_and_decisions(client, operations, board_member):
    meeting = MeetingFactory(title="Board, March")
    AgendaItemFactory(meeting=meeting, order=1, title="Welcome")
    DecisionFactory(meeting=meeting, order=1, text="Agreed the plan.")
    meeting.minutes = "The Board met."
    meeting.save()
    client.force_login(board_member)

    content = client.get(reverse("governance:meeting_history", args=[meeting.pk])).content.decode()

    assert "Meeting details and minutes: changed" in content and "The Board met." in content
    assert "Agenda item 1: created" in content and "Welcome" in content
    assert "Decision 1: created" in content and "Agreed the plan." in content


def _count(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_indicator_history_runs_the_same_number_of_queries_for_2_and_20_values(client, operations):
    indicator = IndicatorFactory(code="P3-I1")
    MeasurementFactory.create_batch(2, indicator=indicator)
    client.force_login(operations)
    url = reverse("indicators:indicator_history", args=[indicator.code])
    _count(client, url)
    before = _count(client, url)

    MeasurementFactory.create_batch(18, indicator=indicator)

    assert _count(client, url) == before


def test_the_meeting_history_runs_the_same_number_of_queries_for_2_and_20_records(client, operations):
    meeting = MeetingFactory()
    AgendaItemFactory.create_batch(2, meeting=meeting)
    DecisionFactory(meeting=meeting)  # one query per kind of related record: same kinds before and after
    client.force_login(operations)
    url = reverse("governance:meeting_history", args=[meeting.pk])
    _count(client, url)
    before = _count(client, url)

    AgendaItemFactory.create_batch(10, meeting=meeting)
    DecisionFactory.create_batch(7, meeting=meeting)

    assert _count(client, url) == before
