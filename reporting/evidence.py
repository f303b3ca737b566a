"""The evidence pack for inspectors: one priority over a date range, as a tagged PDF and a ZIP of every
evidence file with a CSV index. Reads approved updates and values only (`.approved()`).

The PDF holds the priority's statement; its actions with every approved update in the range and the
evidence each one has; its indicators from baseline to the latest approved value, with their trajectory
charts (indicators/charts.py); the Board's decisions and the escalations about the priority; and "you said,
we did" (governance.FeedbackItem). Made by reporting.tasks.generate_evidence_pack, never in a request.
"""

import csv
import hashlib
import io
import logging
import re
import time
import zipfile

from django.db.models import Prefetch, Q
from django.template.loader import render_to_string
from django.utils import timezone

from actions.models import Action, Plan, ProgressUpdate
from governance.models import Decision, Escalation, FeedbackItem
from indicators.charts import TRAJECTORY, cached_chart_svg, svg_data_uri
from indicators.models import Indicator, Measurement, Rebase
from send_portal.exports import escape_formula
from send_portal.models import Partnership

log = logging.getLogger(__name__)

INDEX_NAME = "index.csv"
INDEX_COLUMNS = [
    "file in this ZIP",
    "action",
    "action title",
    "update date",
    "status declared",
    "author",
    "original file name",
    "bytes",
    "sha256",
    "evidence link",
]


def default_range(today=None):
    """(first day, last day) of a pack when none is given: since the plan was approved, to today."""
    today = today or timezone.localdate()
    plan = Plan.current()
    start = plan.approved_on if plan and plan.approved_on and plan.approved_on <= today else None
    return start or today.replace(month=1, day=1), today


def _updates(priority, start, end):
    return (
        ProgressUpdate.objects.approved()
        .filter(action__priority=priority, date__gte=start, date__lte=end)
        .select_related("action", "author")
        .order_by("action__ref_sort", "date", "created", "pk")
    )


def _safe(name):
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "file"


def zip_name(update):
    """Where an update's evidence file sits in the ZIP: under its action, dated, with its original name."""
    original = update.evidence_name or update.evidence_file.name.rsplit("/", 1)[-1]
    return f"{_safe(update.action.ref)}/{update.date:%Y-%m-%d}-update-{update.pk}-{_safe(original)}"


def evidence_pack_context(priority, start, end):
    """Everything the pack's PDF shows (a fixed number of queries whatever the plan's size)."""
    updates = list(_updates(priority, start, end))
    by_action = {}
    for update in updates:
        by_action.setdefault(update.action_id, []).append(update)
    actions = [
        (action, by_action.get(action.pk, []))
        for action in Action.objects.filter(priority=priority)
        .select_related("lead")
        .order_by("ref_sort", "pk")
    ]
    values = Measurement.objects.read_by_the_board().filter(period_end__lte=end).order_by("period_end")
    indicators = []
    for indicator in Indicator.objects.filter(priority=priority).prefetch_related(
        Prefetch("measurements", queryset=values),
        Prefetch("rebases", queryset=Rebase.objects.order_by("starts_on")),
    ):
        svg, _ = cached_chart_svg(indicator, TRAJECTORY)
        shown = [m for m in indicator.series if m.period_end >= start]
        indicators.append(
            {
                "indicator": indicator,
                "values": shown,
                "chart": svg_data_uri(svg),
                "chart_alt": indicator.status_sentence(),
            }
        )
    about = Q(action__priority=priority) | Q(indicator__priority=priority)
    escalations = list(
        Escalation.objects.filter(about, raised_at__date__gte=start, raised_at__date__lte=end)
        .select_related("action", "indicator", "raised_by", "resolved_by_decision__meeting")
        .order_by("raised_at", "pk")
    )
    decisions = list(
        Decision.objects.filter(meeting__date__gte=start, meeting__date__lte=end)
        .filter(
            Q(agenda_item__priority=priority)
            | Q(escalations_resolved__action__priority=priority)
            | Q(escalations_resolved__indicator__priority=priority)
        )
        .distinct()
        .select_related("meeting", "agenda_item")
        .order_by("meeting__date", "order", "pk")
    )
    feedback = list(
        FeedbackItem.objects.filter(priority=priority)
        .filter(
            Q(meeting__date__gte=start, meeting__date__lte=end)
            | Q(meeting__isnull=True, created__date__gte=start, created__date__lte=end)
        )
        .select_related("meeting")
        .order_by("created", "pk")
    )
    return {
        "priority": priority,
        "start": start,
        "end": end,
        "actions": actions,
        "update_count": len(updates),
        "file_count": sum(1 for update in updates if update.evidence_file),
        "indicators": indicators,
        "escalations": escalations,
        "decisions": decisions,
        "feedback": feedback,
        "partnership_name": Partnership.current().name,
        "is_demonstration": bool((plan := Plan.current()) and plan.is_demonstration),
        "generated_at": timezone.now(),
    }


def build_zip(priority, start, end):
    """(ZIP bytes, number of files): every evidence file of the priority's approved updates in the range,
    and index.csv listing each (with its size and SHA-256) and every evidence link. A file missing from
    storage is listed in the index as missing, never silently left out."""
    buffer, index = io.BytesIO(), io.StringIO()
    writer = csv.writer(index)
    writer.writerow(INDEX_COLUMNS)
    count = 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for update in _updates(priority, start, end):
            if not update.evidence_file and not update.evidence_link:
                continue
            row = [
                "",
                update.action.ref,
                update.action.title,
                f"{update.date:%Y-%m-%d}",
                update.get_status_display(),
                update.author_name,
                update.evidence_name,
                "",
                "",
                update.evidence_link,
            ]
            if update.evidence_file:
                try:
                    with update.evidence_file.open("rb") as handle:
                        body = handle.read()
                except FileNotFoundError:
                    row[0] = "(missing from storage)"
                else:
                    name = zip_name(update)
                    archive.writestr(name, body)
                    row[0], row[7], row[8] = name, str(len(body)), hashlib.sha256(body).hexdigest()
                    count += 1
            writer.writerow([escape_formula(value) for value in row])
        archive.writestr(INDEX_NAME, index.getvalue())
    return buffer.getvalue(), count


def generate(pack, *, base_url):
    """Render the pack's PDF and ZIP and keep them on `pack` (an EvidencePack). Returns the seconds taken."""
    from governance.pdf import html_to_pdf  # WeasyPrint loads only when a PDF is made

    started = time.perf_counter()
    context = evidence_pack_context(pack.priority, pack.starts_on, pack.ends_on)
    context["pack"] = pack
    html = render_to_string("reporting/evidence_pack.html", context)
    pdf = html_to_pdf(html, base_url)
    archive, count = build_zip(pack.priority, pack.starts_on, pack.ends_on)
    pack.pdf, pack.zip_file, pack.file_count = pdf, archive, count
    return time.perf_counter() - started
