from django.core.management.base import BaseCommand

from send_portal.backup import export_records


class Command(BaseCommand):
    help = "Write every portal record, with its history, to a JSON file (use pg_dump on PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="Where to write the backup, e.g. backup-2026-11-27.json")

    def handle(self, path, **options):
        export_records(path)
        self.stdout.write(self.style.SUCCESS(f"Backup written to {path}"))
