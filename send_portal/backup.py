"""Export and import the portal's records as one file (for SQLite; use pg_dump for PostgreSQL)."""

from django.core.management import call_command
from django.test.utils import override_settings

# Rebuilt on start-up or not worth keeping: content types and permissions (made by migrate), sessions,
# the admin's own log and sign-in attempts.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "admin.logentry", "axes"]


def export_records(path):
    """Write every portal record, history included, to `path`, in the format its extension names
    (natural keys, so ids can differ). .xml and .yaml keep timestamps to the microsecond; .json
    rounds them to the millisecond. Any other extension gets XML."""
    excludes = [arg for app in EXCLUDED for arg in ("-e", app)]
    extension = str(path).rsplit(".", 1)[-1].lower()
    fmt = {"json": "json", "jsonl": "jsonl", "yaml": "yaml", "yml": "yaml"}.get(extension, "xml")
    call_command(
        "dumpdata",
        "--natural-foreign",
        "--natural-primary",
        "--format",
        fmt,
        *excludes,
        output=str(path),
        verbosity=0,
    )


def import_records(path):
    """Load a file written by export_records into a migrated, empty database.

    History recording is off while loading: the file already holds the history, and restoring
    many-to-many links would otherwise add history rows that never happened.
    """
    with override_settings(SIMPLE_HISTORY_ENABLED=False):
        call_command("loaddata", str(path), verbosity=0)
