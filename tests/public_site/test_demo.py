"""The demo plan ships a public site worth reading: five plain summaries, three entries, two updates."""

import pytest
from django.urls import reverse

from public_site.demo import load_demo_public_site
from public_site.models import ChairsUpdate, PrioritySummary, YouSaidWeDid
from public_site.readability import reading_age
from reporting.demo import load_demo_highlight_reports
from send_portal.plan_loader import DEFAULT_PLAN_FILE, load_plan, story_day


@pytest.fixture
def demo(db):
    report = load_plan(DEFAULT_PLAN_FILE, move_dates=True)
    today = story_day(DEFAULT_PLAN_FILE, report.months_moved)
    load_demo_highlight_reports(today=today)
    load_demo_public_site(today=today)
    return today


def test_the_demo_publishes_all_five_summaries_three_entries_and_two_chairs_updates(demo):
    assert PrioritySummary.objects.published().count() == 5
    assert YouSaidWeDid.objects.published().count() == 3
    assert ChairsUpdate.objects.published().count() == 2
    assert (
        YouSaidWeDid.objects.filter(feedback_item__isnull=False).count() == 2
    )  # linked to the meetings' feedback


def test_the_demo_summaries_have_a_reading_age_of_9_to_11(demo):
    for summary in PrioritySummary.objects.published():
        text = f"{summary.published_doing}\n\n{summary.published_changed}"
        assert 9 <= reading_age(text) <= 11, summary


def test_loading_the_demo_public_site_again_changes_nothing(demo):
    assert load_demo_public_site(today=demo) == 0


def test_the_demo_public_home_page_lists_the_five_priorities(client, demo):
    html = client.get(reverse("public:home")).content.decode()
    for number in range(1, 6):
        assert reverse("public:priority", args=[number]) in html
