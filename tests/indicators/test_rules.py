"""Who may record indicator values: the rule and its QuerySet twin agree, and a refusal says who can."""

import pytest
from django.urls import reverse

from indicators.models import Indicator
from tests.factories import IndicatorFactory

ROLES = ("board_member", "lead", "other_lead", "operations", "admin_user")


@pytest.mark.parametrize("role", ROLES)
def test_the_record_rule_and_recordable_by_agree_for_every_indicator(request, role, priority, other_priority):
    user = request.getfixturevalue(role)
    indicators = [IndicatorFactory(priority=priority), IndicatorFactory(priority=other_priority)]

    recordable = set(Indicator.objects.recordable_by(user))

    for indicator in indicators:
        assert user.has_perm("indicators.add_measurement", indicator) == (indicator in recordable), role


def test_a_lead_may_record_only_their_own_priorities_indicators(lead, priority, other_priority):
    own, other = IndicatorFactory(priority=priority), IndicatorFactory(priority=other_priority)
    assert list(Indicator.objects.recordable_by(lead)) == [own]
    assert not lead.has_perm("indicators.add_measurement", other)


def test_a_refused_lead_is_told_who_can_record_values(client, other_lead, priority):
    indicator = IndicatorFactory(priority=priority)
    client.force_login(other_lead)

    response = client.get(reverse("indicators:measurement_add", args=[indicator.code]))

    assert response.status_code == 403
    assert (
        b"Only the workstream lead of the indicator&#x27;s priority, the Operations Group" in response.content
    )


def test_a_board_member_is_told_who_can_upload_values(client, board_member):
    client.force_login(board_member)
    response = client.get(reverse("indicators:measurement_upload"))
    assert response.status_code == 403
    assert b"Only workstream leads, the Operations Group and administrators" in response.content
