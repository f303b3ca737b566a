"""Create the portal's roles (Board member, Workstream lead, Operations Group, Administrator)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from send_portal.roles import ensure_roles


def create_roles(apps, schema_editor):
    # Permissions are normally made after all migrations (post_migrate); make them now so the
    # roles get theirs on the very first migrate.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    ensure_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("send_portal", "0001_initial"),
        ("actions", "0002_initial"),
        ("indicators", "0002_initial"),
        ("governance", "0002_initial"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
