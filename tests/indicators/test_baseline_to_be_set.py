"""Indicators the plan has not finished: a baseline 'to be set', a relative target ('50% fewer') waiting for
its baseline, interim milestones, and indicators of the whole plan rather than one priority. Each reads
'Baseline to be set' everywhere: no trajectory is judged and no value is guessed."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from governance.services import board_pack_indicators, render_board_pack_html
from indicators.digests import plan_digests
from indicators.models import Direction
from indicators.reading import read_indicator
from indicators.status import IndicatorStatus
from tests.api.conftest import token_client
from tests.factories import GroupFactory, IndicatorFactory, MeasurementFactory, MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def unset(db):
    """A plan-wide indicator with a relative target waiting for its baseline, and two values recorded."""
    indicator = IndicatorFactory(
        code="PLAN-I1",
        name="Families who say things are getting better",
        priority=None,
        baseline_value=None,
        baseline_date=None,
        target_value=None,
        target_date=date(2027, 3, 31),
        target_words="50% more",
        direction=Direction.HIGHER_IS_BETTER,
        milestones="March 2026: 30%\nSeptember 2026: 40%",
    )
    MeasurementFactory(indicator=indicator, period_end=date(2025, 9, 30), value=22)
    MeasurementFactory(indicator=indicator, period_end=date(2025, 10, 31), value=24)
    return indicator


def test_an_indicator_without_a_baseline_is_never_judged(unset):
    assert not unset.has_trajectory
    assert unset.status == IndicatorStatus.BASELINE_TO_BE_SET
    assert unset.expected_value(date(2025, 10, 31)) is None
    assert unset.tolerance_value is None
    assert [m.status for m in unset.series] == [IndicatorStatus.BASELINE_TO_BE_SET] * 2
    assert [m.formatted_expected_value for m in unset.series] == ["No trajectory yet"] * 2
    assert unset.baseline_text == "To be set"
    assert unset.target_text == "50% more by 31 March 2027 (worked out once the baseline is set)"
    assert unset.reading == "Baseline to be set: no trajectory is judged until the plan sets it."
    assert "baseline to be set, so no trajectory is judged" in unset.status_sentence()


def test_the_reading_of_a_baseline_to_be_set_ignores_the_spc_verdicts():
    sentence = read_indicator(
        status=IndicatorStatus.BASELINE_TO_BE_SET,
        variation="improvement_high",
        assurance="consistent_pass",
        target_date=None,
    )
    assert sentence == "Baseline to be set: no trajectory is judged until the plan sets it."


def test_the_indicator_page_says_baseline_to_be_set_and_shows_the_milestones(client, board_member, unset):
    client.force_login(board_member)

    page = client.get(unset.get_absolute_url()).content.decode()

    assert "Baseline to be set" in page and "The whole plan" in page
    assert "No trajectory yet" in page and "50% more" in page
    assert "March 2026: 30%" in page and "September 2026: 40%" in page
    assert "govuk-tag--green" not in page and "govuk-tag--red" not in page  # judged neither way
    chart = client.get(reverse("indicators:indicator_chart", args=[unset.code]))
    assert chart.status_code == 200 and b"Baseline to be set" in chart.content
    assert client.get(reverse("indicators:indicator_spc_chart", args=[unset.code])).status_code == 200
    assert client.get(reverse("indicators:measurement_add", args=[unset.code])).status_code == 403


def test_the_operations_group_may_record_a_value_for_a_plan_wide_indicator(client, operations, unset):
    client.force_login(operations)
    assert client.get(reverse("indicators:measurement_add", args=[unset.code])).status_code == 200


def test_the_list_and_its_export_say_whole_plan_and_to_be_set(client, board_member, unset):
    IndicatorFactory(code="P1-I1")
    client.force_login(board_member)
    url = reverse("indicators:indicator_list")

    page = client.get(url).content.decode()
    assert "Whole plan" in page and "To be set" in page and "Baseline to be set" in page

    rows = list(csv.DictReader(io.StringIO(client.get(url, {"_export": "csv"}).content.decode("utf-8-sig"))))
    row = next(r for r in rows if r["Code"] == "PLAN-I1")
    assert (row["Priority"], row["Baseline"], row["Target"], row["Status"]) == (
        "Whole plan",
        "To be set",
        "50% more",
        "Baseline to be set",
    )
    filtered = client.get(url, {"status": "baseline_to_be_set"}).content.decode()
    assert "PLAN-I1" in filtered and "P1-I1" not in filtered


def test_the_dashboard_counts_plan_wide_indicators_apart_and_judges_none(client, board_member, unset):
    IndicatorFactory(code="P1-I1")
    client.force_login(board_member)

    page = client.get(reverse("dashboard")).content.decode()

    assert "1 indicator of the whole plan" in page
    assert "1 with the baseline to be set (not judged yet)" in page
    [digest] = [d for d in plan_digests() if d.pk == unset.pk]
    assert (digest.status, digest.priority_id) == (IndicatorStatus.BASELINE_TO_BE_SET, None)


def test_the_board_pack_reads_baseline_to_be_set_and_draws_no_trajectory(unset):
    [row] = board_pack_indicators([unset])
    assert (row["status"], row["baseline"], row["target"]) == ("Baseline to be set", "To be set", "50% more")
    meeting = MeetingFactory(group=GroupFactory(board=True), date=date(2025, 11, 3))

    html = render_board_pack_html(meeting, today=date(2025, 11, 10))

    assert "Baseline to be set: no trajectory is judged" in html


def test_the_api_says_there_is_no_trajectory(operations, unset):
    answer = token_client(operations).get(reverse("api:indicator-detail", args=[unset.code])).json()

    assert (answer["priority"], answer["baseline_value"], answer["target_value"]) == (None, None, None)
    assert (answer["status"], answer["has_trajectory"], answer["target_words"]) == (
        "baseline_to_be_set",
        False,
        "50% more",
    )
    values = token_client(operations).get(reverse("api:measurement-list"), {"indicator": unset.code}).json()
    assert {v["status"] for v in values["results"]} == {"baseline_to_be_set"}


def test_setting_the_baseline_later_starts_the_judging(unset):
    unset.baseline_value, unset.baseline_date, unset.target_value = Decimal(20), date(2025, 4, 1), Decimal(30)
    unset.save()
    unset.refresh_from_db()
    assert unset.has_trajectory
    assert unset.status in (
        IndicatorStatus.ON_TRACK,
        IndicatorStatus.WITHIN_TOLERANCE,
        IndicatorStatus.OFF_TRACK,
    )
