"""The database refuses to change a period's snapshot (a trigger on UPDATE), on SQLite and PostgreSQL, so
not even raw SQL or .update() can rewrite what was reported. Deleting is refused by the model and the admin
(PeriodSnapshot.delete, PROTECT from its period); a DELETE trigger would stop test databases being flushed."""

from django.db import migrations

SQLITE = """
CREATE TRIGGER reporting_periodsnapshot_frozen BEFORE UPDATE ON reporting_periodsnapshot
BEGIN SELECT RAISE(ABORT, 'A period snapshot never changes once taken'); END;
"""
POSTGRESQL = """
CREATE OR REPLACE FUNCTION reporting_periodsnapshot_frozen() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'A period snapshot never changes once taken'; END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER reporting_periodsnapshot_frozen BEFORE UPDATE ON reporting_periodsnapshot
FOR EACH ROW EXECUTE FUNCTION reporting_periodsnapshot_frozen();
"""
DROP = {
    "sqlite": "DROP TRIGGER IF EXISTS reporting_periodsnapshot_frozen;",
    "postgresql": "DROP TRIGGER IF EXISTS reporting_periodsnapshot_frozen ON reporting_periodsnapshot; "
    "DROP FUNCTION IF EXISTS reporting_periodsnapshot_frozen();",
}


def add_guard(apps, schema_editor):
    sql = {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql)


def drop_guard(apps, schema_editor):
    sql = DROP.get(schema_editor.connection.vendor)
    if sql:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("reporting", "0003_periods")]

    operations = [migrations.RunPython(add_guard, drop_guard)]
