"""manage.py scale_plan --factor N --seed S: add a generated plan at N times the demo's size."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from send_portal.scale import DEFAULT_ANCHOR, Sizes, scale_plan


def positive_int(text):
    value = int(text)
    if value < 1:
        raise ValueError(text)
    return value


class Command(BaseCommand):
    help = (
        "Add a generated plan at N times the demo's size (at N=10: 400 actions, 8,000 progress updates, "
        "200 indicators with 36 values each, 100 meetings, 200 people) to the current database, for "
        "benchmarks and load tests. The same factor, seed and anchor give the same rows. Runs on top of "
        "the demo plan: refs, codes and usernames continue after the ones already there."
    )

    def add_arguments(self, parser):
        parser.add_argument("--factor", type=positive_int, default=1, help="N, the scale factor (default 1).")
        parser.add_argument("--seed", type=int, default=1, help="The random seed (default 1).")
        parser.add_argument(
            "--anchor",
            type=date.fromisoformat,
            default=DEFAULT_ANCHOR,
            help=f"The plan's 'today': dates are counted from it, never from the clock (default {DEFAULT_ANCHOR}).",
        )
        parser.add_argument(
            "--users-password",
            help="Give every generated person this password, so a load test can sign them in "
            "(default: they cannot sign in).",
        )

    def handle(self, *args, factor, seed, anchor, users_password, **options):
        if users_password == "":
            raise CommandError("The users' password cannot be empty.")
        sizes = Sizes.for_factor(factor)
        self.stdout.write(
            f"Generating a plan at scale {factor} (seed {seed}, anchor {anchor}): "
            f"{sizes.actions} actions, {sizes.updates} updates, {sizes.indicators} indicators, "
            f"{sizes.meetings} meetings, {sizes.users} people..."
        )
        report = scale_plan(factor=factor, seed=seed, anchor=anchor, users_password=users_password)
        self.stdout.write(self.style.SUCCESS(f"Created in {report.seconds:.1f} s:"))
        for line in report.summary_lines():
            self.stdout.write(f"  {line}")
        if users_password:
            names = ", ".join(f"{username} ({role})" for role, username in report.first_usernames.items())
            self.stdout.write(f"Generated people sign in with the password given, e.g. {names}.")
