"""Backup and restore: the demo plan survives an export and import unchanged."""

import json

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import call_command

PORTAL_APPS = ["send_portal", "actions", "indicators", "governance"]


def snapshot():
    """Every portal record, serialised the same way, in a stable order. Records with a natural key
    (people) are identified by it, not by their database id, as in the backup itself."""
    records = []
    for app in PORTAL_APPS:
        for model in apps.get_app_config(app).get_models():
            rows = model._default_manager.order_by("pk")
            natural = hasattr(model, "natural_key")
            records.extend(
                json.loads(
                    serializers.serialize(
                        "json", rows, use_natural_foreign_keys=True, use_natural_primary_keys=natural
                    )
                )
            )
    return records


@pytest.mark.django_db(transaction=True)
def test_the_demo_plan_round_trips_through_dumpdata_and_loaddata_unchanged(tmp_path):
    call_command("load_plan", verbosity=0)
    before = snapshot()
    backup = tmp_path / "backup.xml"
    call_command("backup_records", str(backup), verbosity=0)

    call_command("flush", interactive=False, verbosity=0)
    assert snapshot() == []
    call_command("restore_records", str(backup), verbosity=0)

    after = snapshot()
    assert len(after) == len(before) > 500
    assert after == before
