"""Time the plan import on a 500-action workbook: reading and previewing it, then importing it (issue 17:
preview under 5 s, import under 10 s), the re-import of the same file (everything unchanged), and importing
it again as a replacement (a new plan version; the first kept read-only).

Run against an empty, migrated database (it writes the plan; use a throw-away one):

    DATABASE_URL=sqlite:////tmp/import-bench.sqlite3 DEBUG=True .venv/bin/python manage.py migrate -v0
    DATABASE_URL=sqlite:////tmp/import-bench.sqlite3 DEBUG=True .venv/bin/python bench/plan_import.py [ACTIONS]

The workbook is built here: a flat sheet of ACTIONS actions (default 500) across ten priorities, with
month-only and day dates, RAG words, progress narratives, two leads and partners, and a sheet of fifty
indicators.
"""

import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "send_portal.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from actions.models import Action  # noqa: E402
from send_portal.models import User  # noqa: E402
from send_portal.plan_import.files import read_plan_file  # noqa: E402
from send_portal.plan_import.importer import PlanImport  # noqa: E402

RAG = ["Green", "Amber", "Red", "Complete", "Not started"]


def build_workbook(actions):
    book = Workbook()
    sheet = book.active
    sheet.title = "Plan"
    sheet.append(
        ["Priority", "Ref", "Action", "Lead", "Partners", "Start", "Deadline", "RAG", "Progress", "Comments"]
    )
    for n in range(actions):
        priority = n % 10 + 1
        due = (
            f"{['Jan', 'Mar', 'May', 'Sep', 'Dec'][n % 5]} {26 + n % 2}" if n % 2 else f"30/06/{2026 + n % 2}"
        )
        sheet.append(
            [
                f"Priority area {priority}",
                f"P{priority}.{n // 10 + 1}",
                f"Action number {n} of the plan",
                "Head of SEND and Principal EP",
                "Parent Carer Forum; NHS Trust",
                "01/04/2025",
                due,
                RAG[n % 5],
                f"Progress on action {n}: work is under way.",
                "kept as a note",
            ]
        )
    indicators = book.create_sheet("Indicators")
    indicators.append(["Priority", "Indicator", "Unit", "Baseline", "Baseline date", "Target", "Target date"])
    for n in range(50):
        indicators.append(
            [f"Priority area {n % 10 + 1}", f"Indicator {n}", "per cent", 40, "2025-03", 60, "2026-03"]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def timed(label, work):
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        result = work()
        seconds = time.perf_counter() - start
    print(f"{label:<44} {seconds:6.2f} s  {len(queries):6d} queries")
    return result


def main():
    actions = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    if Action.objects.exists():
        sys.exit("Run against an empty, migrated database: this writes a plan.")
    user, _ = User.objects.get_or_create(username="bench-importer")
    content = build_workbook(actions)
    print(f"{actions} actions, 50 indicators, workbook {len(content) / 1024:.0f} KB ({connection.vendor})")

    def preview():
        plan_import = PlanImport(read_plan_file(content, "bench.xlsx"), filename="bench.xlsx")
        return plan_import, plan_import.preview()

    plan_import, result = timed("read + preview (nothing written)", preview)
    print(f"  {result.counts()['Action']}; {len(result.problems)} problems, {len(result.warnings)} warnings")
    timed("import (preview again + write, one transaction)", lambda: plan_import.confirm(user))
    _, again = timed("re-import preview of the same file", preview)
    print(f"  {again.counts()['Action']}")
    replacing = PlanImport(read_plan_file(content, "bench.xlsx"), filename="bench.xlsx", replace=True)
    timed("replace (the 500 kept read-only, 500 new)", lambda: replacing.confirm(user))


if __name__ == "__main__":
    main()
