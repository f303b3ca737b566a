"""manage.py load_plan [PATH] [--demo-users] [--password PW] [--keep-dates] [--force]: load or refresh the
plan from a YAML file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from public_site.demo import load_demo_public_site
from reporting.demo import load_demo_highlight_reports, load_demo_periods, load_demo_sign_off
from send_portal.plan_loader import DEFAULT_PLAN_FILE, DEMO_PASSWORD, PlanFileError, load_plan, story_day


class Command(BaseCommand):
    # No system checks: they import every URL's views (matplotlib, WeasyPrint), a few seconds on each
    # `make run`, whose migrate and runserver check the project anyway.
    requires_system_checks = []
    help = (
        "Load the plan (people, priorities, actions, indicators, groups and meetings) from a YAML plan "
        "file. Safe to run again: a file loaded before and unchanged since is skipped, and rows that "
        "match the file are left alone. A problem anywhere in the file loads nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            default=str(DEFAULT_PLAN_FILE),
            help=f"The plan file (default: {DEFAULT_PLAN_FILE}).",
        )
        parser.add_argument(
            "--demo-users",
            action="store_true",
            help="Give every person in the file a password, so the demo logins work.",
        )
        parser.add_argument("--password", help=f"The password --demo-users sets (default: {DEMO_PASSWORD}).")
        parser.add_argument(
            "--keep-dates",
            action="store_true",
            help="With --demo-users and the shipped demo plan: load its dates as written. Without it they "
            "move on by whole months so that the demo's story stands at today. Another file's dates "
            "never move.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load the file even if it was loaded before and is unchanged.",
        )

    def handle(self, *args, path, demo_users, password, keep_dates, force, **options):
        if password is not None and not demo_users:
            raise CommandError("--password only applies with --demo-users.")
        if demo_users and password == "":
            raise CommandError("The demo password cannot be empty.")
        demo_password = (password or DEMO_PASSWORD) if demo_users else None

        is_demo = demo_users and Path(path).resolve() == DEFAULT_PLAN_FILE
        try:
            report = load_plan(
                path,
                demo_password=demo_password,
                move_dates=is_demo and not keep_dates,
                skip_if_loaded=not force,
            )
        except PlanFileError as error:
            raise CommandError(f"Nothing was loaded. {error}") from error
        # The shipped demo plan also gets its highlight reports (reporting/demo.py), for the Board meetings
        # around the day its story stands at: today when its dates were moved, the file's own day if not.
        demo_reports = demo_periods = demo_public = demo_sign_off = 0
        if Path(path) == DEFAULT_PLAN_FILE:
            demo_reports = load_demo_highlight_reports(today=story_day(path, report.months_moved))
            demo_sign_off = load_demo_sign_off(today=story_day(path, report.months_moved))
            demo_periods = load_demo_periods(today=story_day(path, report.months_moved))
            demo_public = load_demo_public_site(today=story_day(path, report.months_moved))

        if report.skipped:
            self.stdout.write(
                self.style.SUCCESS(f"Already loaded: {path} is unchanged since, so nothing was done")
                + " (--force loads it again)."
            )
            if demo_users:
                self.stdout.write(f"The demo logins are as before (every password is: {demo_password}).")
            self._write_notes(report)
            return
        self.stdout.write(self.style.SUCCESS(f"Loaded {path}"))
        if report.months_moved:
            self.stdout.write(
                f"  Dates moved on by {report.months_moved} months, so the demo's story is today."
            )
        for line in report.summary_lines():
            self.stdout.write(f"  {line}")
        if demo_reports:
            self.stdout.write(f"  Demonstration highlight reports: {demo_reports} created")
        if demo_periods:
            self.stdout.write(
                f"  Demonstration reporting periods: {demo_periods} created (all but the last closed)"
            )
        if demo_public:
            self.stdout.write(f"  Demonstration public site for families: {demo_public} items published")
        if demo_sign_off:
            self.stdout.write(
                f"  Demonstration sign-off: {demo_sign_off} updates submitted (one of them returned with a reason)"
            )
        if not report.changed:
            self.stdout.write("Nothing changed: the database already matches the file.")
        self._write_notes(report)
        if report.demo_logins:
            self._write_demo_logins(report.demo_logins, demo_password)

    def _write_notes(self, report):
        for note in report.notes:
            self.stdout.write(self.style.WARNING(f"Note: {note}"))

    def _write_demo_logins(self, logins, password):
        """A table of the demo people's usernames, job titles and roles, with the shared password."""
        self.stdout.write("")
        self.stdout.write(f"Demo logins (every password is: {password})")
        width = max(len("Username"), *(len(username) for username, _, _ in logins))
        title_width = max(len("Job title"), *(len(title) for _, title, _ in logins))
        self.stdout.write(f"  {'Username':<{width}}  {'Job title':<{title_width}}  Roles")
        for username, title, roles in logins:
            self.stdout.write(f"  {username:<{width}}  {title:<{title_width}}  {', '.join(roles)}")
