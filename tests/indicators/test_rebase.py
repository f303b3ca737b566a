"""Rebasing an indicator's SPC chart: recording one with its reason, where it shows, and removing it."""

from datetime import date

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse

from indicators.models import Rebase
from tests.factories import IndicatorFactory, MeasurementFactory, RebaseFactory

pytestmark = pytest.mark.django_db

# 13 steady values around 10, then 13 around 20: a step change at the 14th value (February 2025)
STEADY = [9, 11, 9, 11, 9, 11, 9, 11, 9, 11, 9, 11, 10]


def month_end(n):
    """The last day of the n-th month after December 2023 (n=1: 31 January 2024)."""
    year, month = 2024 + (n - 1) // 12, (n - 1) % 12 + 1
    following = date(year + month // 12, month % 12 + 1, 1)
    return date.fromordinal(following.toordinal() - 1)


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def stepped(priority):
    """P1-I1, a count where higher is better, that stepped up from about 10 to about 20 in February 2025."""
    indicator = IndicatorFactory(
        code="P1-I1", priority=priority, unit="count", baseline_value=10, target_value=30
    )
    for n, value in enumerate(STEADY + [v + 10 for v in STEADY], start=1):
        MeasurementFactory(indicator=indicator, period_end=month_end(n), value=value)
    return indicator


def add_url(indicator):
    return reverse("indicators:rebase_add", args=[indicator.code])


# --- The model ------------------------------------------------------------------------------------------
def test_a_rebase_starts_a_new_group_from_the_first_value_on_or_after_its_date(stepped, operations):
    assert stepped.spc.variation.key == "improvement_high"  # the step up is special cause...

    rebase = stepped.rebase(starts_on=date(2025, 2, 1), reason="New EHC process", by=operations)

    assert rebase.recorded_by == operations
    reading = stepped.spc
    assert [(group.start, group.end) for group in reading.analysis.groups] == [(0, 12), (13, 25)]
    assert reading.variation.key == "common_cause"  # ...and after the rebase it is the new normal
    assert rebase.history.get().history_user == operations


def test_a_rebase_on_or_before_the_first_value_is_refused(stepped):
    with pytest.raises(ValidationError) as error:
        stepped.rebase(starts_on=month_end(1), reason="Too early")

    assert error.value.message_dict["starts_on"] == [
        "The chart already starts with the value for the period ending 31 January 2024: enter a date after it"
    ]


def test_a_second_rebase_on_the_same_date_is_refused(stepped):
    stepped.rebase(starts_on=date(2025, 2, 1), reason="New EHC process")

    with pytest.raises(ValidationError, match="already rebased on that date"):
        stepped.rebase(starts_on=date(2025, 2, 1), reason="Again")


def test_a_rebase_needs_a_reason(stepped):
    with pytest.raises(ValidationError) as error:
        stepped.rebase(starts_on=date(2025, 2, 1), reason="   ")

    assert "reason" in error.value.message_dict


def test_removing_a_rebase_keeps_who_removed_it_and_why(stepped, operations):
    rebase = stepped.rebase(starts_on=date(2025, 2, 1), reason="New EHC process")

    stepped.remove_rebase(rebase, by=operations, reason="Recorded on the wrong indicator")

    assert not Rebase.objects.exists()
    assert len(stepped.spc.analysis.groups) == 1
    (removed,) = stepped.removed_rebases()
    assert (removed.starts_on, removed.reason) == (date(2025, 2, 1), "New EHC process")
    assert (removed.by, removed.why_removed) == (operations, "Recorded on the wrong indicator")


# --- The pages ------------------------------------------------------------------------------------------
def test_the_operations_group_rebases_a_chart_and_sees_it_on_the_spc_chart(client, operations, stepped):
    client.force_login(operations)
    assert client.get(add_url(stepped)).status_code == 200

    response = client.post(add_url(stepped), {"starts_on": "01/02/2025", "reason": "New EHC process"})

    assert response.status_code == 302
    assert response["Location"] == reverse("indicators:indicator_detail", args=["P1-I1"]) + "?chart=spc#chart"
    page = client.get(response["Location"]).content.decode()
    assert "The SPC chart of P1-I1 starts again from 1 February 2025" in page
    assert "Rebased: new mean and limits from here" in page  # on the first value of the new group
    assert "The value for the period ending 28 Feb 2025" in page  # in the rebases table
    assert "New EHC process" in page and operations.display_name in page
    svg = client.get(reverse("indicators:indicator_spc_chart", args=["P1-I1"])).content.decode()
    assert ">Rebase<" in svg


def test_a_rebase_with_a_bad_date_says_what_to_do(client, operations, stepped):
    client.force_login(operations)

    response = client.post(add_url(stepped), {"starts_on": "31/02/2025", "reason": "New EHC process"})

    assert response.status_code == 200
    assert "Enter the rebase date as a real date, for example 01/09/2025" in response.content.decode()
    assert not Rebase.objects.exists()


def test_a_rebase_before_the_first_value_is_refused_on_the_form(client, operations, stepped):
    client.force_login(operations)

    response = client.post(add_url(stepped), {"starts_on": "01/01/2024", "reason": "New EHC process"})

    assert "enter a date after it" in response.content.decode()
    assert not Rebase.objects.exists()


def test_a_rebase_without_a_reason_says_what_to_write(client, operations, stepped):
    client.force_login(operations)

    response = client.post(add_url(stepped), {"starts_on": "01/02/2025", "reason": ""})

    assert "Say what changed in the process, so the chart starts again" in response.content.decode()


def test_a_duplicate_rebase_is_refused_on_the_form(client, operations, stepped):
    RebaseFactory(indicator=stepped, starts_on=date(2025, 2, 1))
    client.force_login(operations)

    response = client.post(add_url(stepped), {"starts_on": "01/02/2025", "reason": "Again"})

    assert response.status_code == 200
    assert "This indicator is already rebased on that date" in response.content.decode()
    assert Rebase.objects.count() == 1


def test_the_operations_group_removes_a_rebase_saying_why(client, operations, stepped):
    rebase = RebaseFactory(indicator=stepped, starts_on=date(2025, 2, 1), reason="New EHC process")
    client.force_login(operations)
    url = reverse("indicators:rebase_delete", args=["P1-I1", rebase.pk])
    assert "Remove the rebase from 1 February 2025?" in client.get(url).content.decode()

    assert "Say why the rebase is being removed" in client.post(url, {"reason": ""}).content.decode()
    response = client.post(url, {"reason": "Wrong indicator"}, follow=True)

    assert not Rebase.objects.exists()
    page = response.content.decode()
    assert "The rebase of P1-I1 from 1 February 2025 is removed." in page
    assert "Removed rebases" in page and "Wrong indicator" in page


def test_only_those_who_may_rebase_see_the_buttons(client, board_member, operations, stepped):
    RebaseFactory(indicator=stepped, starts_on=date(2025, 2, 1))
    url = stepped.get_absolute_url()

    client.force_login(board_member)
    page = client.get(url).content.decode()
    assert "Rebase the SPC chart" not in page and "/remove/" not in page

    client.force_login(operations)
    page = client.get(url).content.decode()
    assert "Rebase the SPC chart" in page and "/remove/" in page


def test_a_rebase_shows_in_the_indicators_history(client, board_member, stepped, operations):
    stepped.rebase(starts_on=date(2025, 2, 1), reason="New EHC process", by=operations)
    client.force_login(board_member)

    page = client.get(reverse("indicators:indicator_history", args=["P1-I1"])).content.decode()

    assert "Rebase of the SPC chart from 1 February 2025" in page
    assert "New EHC process" in page
