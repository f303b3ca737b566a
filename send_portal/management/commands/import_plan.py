"""manage.py import_plan FILE [--mapping MAPPING.json] [--confirm] [--as USERNAME]: preview, or import, a plan
from an XLSX or CSV file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from send_portal.models import User
from send_portal.plan_import.fields import read_mapping
from send_portal.plan_import.files import FileRefused, read_plan_file
from send_portal.plan_import.importer import PlanImport


class Command(BaseCommand):
    help = (
        "Preview importing a plan (priorities, actions, indicators) from an XLSX or CSV file; with --confirm, "
        "import it in one transaction. Without --confirm nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The plan's .xlsx or .csv file.")
        parser.add_argument(
            "--mapping",
            help='A JSON file of {"Sheet name" or "*": {"Column header": "field" or null}} correcting the '
            "guessed columns.",
        )
        parser.add_argument(
            "--confirm", action="store_true", help="Write the import (default: preview only)."
        )
        parser.add_argument(
            "--as", dest="username", help="The person the history records as making the change."
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Make the file a new plan version; the current plan is kept read-only (default: update it, "
            "matching records by reference).",
        )

    def handle(self, *args, path, mapping, confirm, username, replace=False, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"There is no file {path}.")
        overrides = None
        if mapping:
            try:
                overrides = read_mapping(Path(mapping).read_text(encoding="utf-8"))
            except (OSError, ValueError) as error:
                raise CommandError(f"Nothing was imported. {error}") from error
        user = None
        if username:
            user = User.objects.filter(username__iexact=username).first()
            if user is None:
                raise CommandError(f"There is no user '{username}'.")
        try:
            sheets = read_plan_file(file.read_bytes(), file.name)
        except FileRefused as error:
            raise CommandError(f"Nothing was imported. {error}") from error
        plan_import = PlanImport(sheets, overrides, filename=file.name, replace=replace)
        preview = plan_import.preview()
        for line in preview.lines():
            self.stdout.write(line)
        if not preview.ok:
            raise CommandError(
                f"Nothing was imported: fix the {len(preview.problems)} problem(s) and try again."
            )
        if not confirm:
            self.stdout.write(
                self.style.WARNING("Preview only: nothing was written. Add --confirm to import.")
            )
            return
        plan_import.confirm(user)
        self.stdout.write(self.style.SUCCESS(f"Imported {file.name}."))
