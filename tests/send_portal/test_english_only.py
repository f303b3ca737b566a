"""USE_I18N is off (the portal is in English only): pages render byte for byte as with Django's translation
machinery on, dates and numbers in UK form, the admin included."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from actions.models import Action, ProgressUpdate
from governance.models import Meeting
from indicators.models import Indicator

pytestmark = pytest.mark.django_db

PER_REQUEST = re.compile(r'(nonce|name="csrfmiddlewaretoken" value|name="dcterms.created" content)="[^"]*"')


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return PER_REQUEST.sub(r'\1="-"', response.content.decode())


def test_pages_are_the_same_with_translation_machinery_on(client, operations, admin_user):
    call_command("load_plan", stdout=StringIO())
    action = Action.objects.filter(updates__isnull=False).first()
    latest = ProgressUpdate.objects.approved().latest_first().first()  # what the dashboard lists
    meeting = Meeting.objects.filter(agenda_items__isnull=False).order_by("date").first()
    urls = [
        reverse("dashboard"),
        reverse("actions:action_list"),
        action.get_absolute_url(),
        Indicator.objects.filter(measurements__isnull=False).first().get_absolute_url(),
        meeting.get_absolute_url(),
        reverse("governance:boardpack_preview", args=[meeting.pk]),
    ]
    client.force_login(operations)
    english_only = [page(client, url) for url in urls]
    client.force_login(admin_user)
    admin_english_only = page(client, "/admin/actions/action/")

    with override_settings(USE_I18N=True):
        admin_translated = page(client, "/admin/actions/action/")
        client.force_login(operations)
        translated = [page(client, url) for url in urls]

    assert english_only == translated
    assert admin_english_only == admin_translated
    assert f"{latest.date.day} {latest.date:%B %Y}" in english_only[0]  # e.g. "3 November 2026"
