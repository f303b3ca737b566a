from django.core.management.base import BaseCommand

from send_portal.backup import import_records


class Command(BaseCommand):
    help = "Load a backup written by backup_records into a freshly migrated, empty database."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The backup file to load")

    def handle(self, path, **options):
        import_records(path)
        self.stdout.write(self.style.SUCCESS(f"Restored {path}"))
