"""A family reads the public site: every page, its error state and the Easy Read version pass axe
(WCAG 2.2 AA) at 1280 and 375 px, and the site works with JavaScript turned off."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from playwright.sync_api import expect

from public_site.demo import load_demo_public_site
from public_site.models import ChairsUpdate, PrioritySummary
from reporting.demo import load_demo_highlight_reports
from send_portal.plan_loader import DEFAULT_PLAN_FILE, load_plan, story_day
from tests.e2e.helpers import assert_accessible


@pytest.fixture
def demo_site(db):
    report = load_plan(DEFAULT_PLAN_FILE, move_dates=True)
    today = story_day(DEFAULT_PLAN_FILE, report.months_moved)
    load_demo_highlight_reports(today=today)
    load_demo_public_site(today=today)
    summary = PrioritySummary.objects.get(priority__number=2)
    summary.easy_read = "We want your child to get help sooner. | clock | A clock\nWe will tell you how it goes. | letter | A letter"
    summary.save()
    summary.publish(by=None)
    return summary


def public_paths(summary):
    update = ChairsUpdate.objects.published().first()
    return [
        reverse("public:home"),
        reverse("public:priority", args=[2]),
        reverse("public:easy_read", args=["priority", summary.pk]),
        reverse("public:yousaidwedid_list"),
        reverse("public:chairsupdate_list"),
        reverse("public:chairsupdate_detail", args=[update.pk]),
        reverse("public:accessibility"),
        reverse("public:privacy"),
        reverse("public:subscribe"),
        reverse("public:subscribe_sent"),
    ]


@pytest.mark.parametrize("width", [1280, 375])
def test_every_public_page_passes_axe_and_fits_the_screen(page, live_server, demo_site, width):
    page.set_viewport_size({"width": width, "height": 900})
    for path in public_paths(demo_site):
        page.goto(live_server.url + path)
        expect(page.get_by_text("Last updated:")).to_be_visible()
        assert_accessible(page)
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"{path} scrolls sideways at {width} px ({scroll} px wide)"
    # The sign-up form's error state.
    page.goto(live_server.url + reverse("public:subscribe"))
    page.get_by_label("Your email address").fill("not an address")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page)


def test_a_family_signs_up_with_javascript_turned_off(browser, live_server, demo_site, mailoutbox):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + reverse("public:home"))
    page.get_by_role("link", name="Priority 2: Getting EHC plans done on time").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Getting EHC plans done on time")
    expect(page.get_by_role("table").first).to_be_visible()  # the chart's figures
    page.get_by_role("link", name="Get email updates about this priority").click()
    page.get_by_label("Your email address").fill("parent@example.org")
    page.get_by_label("Priority 2: Getting EHC plans done on time").check()
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    assert context.cookies() == []  # the public site set no cookie at all
    context.close()


def test_the_operations_group_writes_checks_and_publishes_a_summary(page, live_server, priority):
    from send_portal.roles import OPERATIONS_GROUP, ensure_roles
    from tests.e2e.helpers import sign_in
    from tests.factories import UserFactory

    ensure_roles()
    ops = UserFactory(username="opsperson")
    ops.groups.add(Group.objects.get(name=OPERATIONS_GROUP))
    sign_in(page, live_server, "opsperson")
    page.goto(live_server.url + reverse("public_content:index"))
    assert_accessible(page)
    page.get_by_role("link", name="Write a summary of priority 1").click()
    page.get_by_label("Plain title").fill("Plans on time")
    page.get_by_label("What we are doing").fill(
        "The LA will facilitate EHCP timeliness improvements across the county."
    )
    page.get_by_role("button", name="Save the draft").click()
    expect(page.get_by_text("Reading age:")).to_be_visible()
    expect(page.get_by_text("the council", exact=True)).to_be_visible()  # LA, with its plain word
    assert_accessible(page)
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("is published")).to_be_visible()
    page.goto(live_server.url + reverse("public:priority", args=[1]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Plans on time")
