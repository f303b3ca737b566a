"""The Operations Group writes drafts, sees their readability and publishes them."""

import pytest
from django.urls import reverse

from public_site.models import ChairsUpdate, PrioritySummary
from tests.factories import DecisionFactory, GroupFactory, HighlightReportFactory, MeetingFactory


@pytest.mark.django_db
def test_saving_a_draft_shows_its_reading_age_and_jargon_but_publishes_nothing(client, operations, priority):
    client.force_login(operations)
    response = client.post(
        reverse("public_content:item_add", args=["prioritysummary"]),
        {
            "priority": priority.pk,
            "title": "EHCP timeliness",
            "doing": "The LA will facilitate EHCP delivery.",
            "changed": "",
            "easy_read": "",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "Reading age:" in html and "aim: 9" in html
    assert "EHC plan (education, health and care plan)" in html and "the council" in html
    assert not PrioritySummary.objects.published().exists()


@pytest.mark.django_db
def test_publishing_from_the_editor_puts_the_draft_on_the_public_site(client, operations, priority):
    summary = PrioritySummary.objects.create(
        priority=priority, title="Plans on time", doing="We hired staff."
    )
    client.force_login(operations)
    client.post(
        reverse("public_content:item_publish", args=["prioritysummary", summary.pk]), {"action": "publish"}
    )
    summary.refresh_from_db()
    assert summary.is_published and summary.published_by == operations
    client.logout()
    assert b"We hired staff." in client.get(reverse("public:priority", args=[1])).content


@pytest.mark.django_db
def test_a_bad_easy_read_line_is_shown_next_to_the_field(client, operations, priority):
    client.force_login(operations)
    response = client.post(
        reverse("public_content:item_add", args=["prioritysummary"]),
        {"priority": priority.pk, "title": "T", "doing": "D", "easy_read": "Hello | talk"},
    )
    assert response.status_code == 200
    assert "say what the picture shows" in response.content.decode()


@pytest.mark.django_db
def test_a_board_member_cannot_publish(client, board_member, summary):
    client.force_login(board_member)
    response = client.post(
        reverse("public_content:item_publish", args=["prioritysummary", summary.pk]), {"action": "unpublish"}
    )
    assert response.status_code == 403
    summary.refresh_from_db()
    assert summary.is_published


@pytest.mark.django_db
def test_the_chairs_update_is_drafted_from_the_meeting(client, operations, priority, entry):
    meeting = MeetingFactory(group=GroupFactory(board=True))
    DecisionFactory(meeting=meeting, text="Extra staff agreed for assessments.")
    HighlightReportFactory(meeting=meeting, priority=priority, achievements="Backlog down by half.")
    client.force_login(operations)

    page = client.get(reverse("public_content:item_add", args=["chairsupdate"]) + f"?meeting={meeting.pk}")
    html = page.content.decode()
    assert "Extra staff agreed for assessments." in html
    assert "Backlog down by half." in html
    assert "Letters were hard to read." in html  # the published "you said, we did"
    assert not ChairsUpdate.objects.exists()  # only a prefilled form until saved


@pytest.mark.django_db
def test_a_draft_saved_by_someone_else_meanwhile_is_not_overwritten(client, operations, summary):
    client.force_login(operations)
    url = reverse("public_content:item_edit", args=["prioritysummary", summary.pk])
    loaded = summary.version
    summary.save_details({"doing": "Their newer words."}, expected_version=loaded)

    response = client.post(
        url,
        {
            "version": loaded,
            "priority": summary.priority.pk,
            "title": "Mine",
            "doing": "My words.",
            "easy_read": "",
        },
    )

    assert "Your changes have not been saved" in response.content.decode()
    summary.refresh_from_db()
    assert summary.doing == "Their newer words."


def test_a_public_measure_is_chosen_from_the_indicators_of_a_priority(priority):
    from public_site.forms import PublicMeasureForm
    from tests.factories import IndicatorFactory

    of_priority = IndicatorFactory(code="P1-I1", priority=priority)
    whole_plan = IndicatorFactory(code="PLAN-I1", priority=None)
    choices = list(PublicMeasureForm().fields["indicator"].queryset)
    assert of_priority in choices and whole_plan not in choices  # it would have no public page
