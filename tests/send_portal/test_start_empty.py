"""Start empty: a migrated database holds no plan and no demo data, and the first administrator (or an
Operations Group member) is led from the dashboard to import their plan; others are not."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from actions.models import Action, Plan, Priority
from indicators.models import Indicator
from send_portal.models import PARTNERSHIP_CACHE_KEY, Partnership, User

pytestmark = pytest.mark.django_db


def test_a_migrated_portal_holds_no_plan_no_people_and_no_demo_data():
    assert (Plan.objects.count(), Priority.objects.count(), Action.objects.count()) == (0, 0, 0)
    assert Indicator.objects.count() == 0 and User.objects.count() == 0
    assert not Partnership.objects.exists()


def test_the_first_administrator_is_led_to_import_their_plan(client, settings):
    settings.PARTNERSHIP_NAME = "Devon SEND Partnership"  # the README's first-start default
    cache.delete(PARTNERSHIP_CACHE_KEY)
    admin = User.objects.create_superuser("first.admin", "admin@example.org", "a long enough password 1")
    client.force_login(admin)

    dashboard = client.get(reverse("dashboard")).content.decode()

    assert "The portal has no plan yet" in dashboard
    assert f'href="{reverse("plan_import:upload")}"' in dashboard
    assert "nothing is saved until you confirm it" in dashboard
    assert f'href="{reverse("plan_import:template")}"' in dashboard
    assert "Devon SEND Partnership" in dashboard and "lancashire" not in dashboard.lower()
    upload = client.get(reverse("plan_import:upload"))
    assert upload.status_code == 200
    assert client.get(reverse("plan_import:template")).status_code == 200


def test_the_operations_group_is_led_there_too_and_a_board_member_is_not(client, operations, board_member):
    client.force_login(operations)
    assert "Import your plan from its spreadsheet" in client.get(reverse("dashboard")).content.decode()
    client.force_login(board_member)
    assert "Import your plan" not in client.get(reverse("dashboard")).content.decode()
