"""The whole plan as one workbook in the import's own shape (a sheet per record type, the import's headers),
and the blank template: the same sheets with one example row. Importing the export changes nothing."""

import io

from actions.models import Action, Priority, ProgressUpdate
from indicators.models import Indicator
from send_portal.models import Partnership
from send_portal.plan_import.fields import SHEETS
from send_portal.plan_import.values import date_cell

PARTNERSHIP_SHEET = "Partnership"

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _lines(text):
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def _priority_row(priority):
    return {
        "priority_number": priority.number,
        "priority_title": priority.short_title,
        "priority_kind": priority.get_kind_display(),
        "statement": priority.statement,
        "priority_impact": priority.expected_impact,
        "success_criteria": _lines(priority.success_looks_like),
        "workstream": priority.workstream_name,
        "priority_lead": priority.lead.display_name if priority.lead_id else "",
        "priority_notes": priority.notes,
    }


def _action_row(action, latest):
    return {
        "priority_number": action.priority.number,
        "ref": action.ref,
        "title": action.title,
        "description": action.description,
        "leads": action.lead_role or (action.lead.display_name if action.lead_id else ""),
        "sro": action.senior_responsible_officer,
        "lead_organisation": action.get_lead_organisation_display(),
        "partners": "; ".join(sorted(partner.name for partner in action.partners.all())),
        "start_date": action.start_date,
        "due_date": date_cell(action.due_date, action.due_precision),
        "revised_due_date": date_cell(action.revised_due_date, action.revised_due_precision)
        if action.revised_due_date
        else None,
        "revision_reason": action.revision_reason,
        "action_impact": action.expected_impact,
        "status": action.get_status_display(),
        "progress": latest.narrative if latest else "",
        "progress_date": latest.date if latest else None,
        "action_notes": action.notes,
    }


def _indicator_row(indicator):
    return {
        "priority_number": indicator.priority.number if indicator.priority_id else None,
        "indicator_code": indicator.code,
        "indicator_name": indicator.name,
        "definition": indicator.definition,
        "unit": indicator.get_unit_display(),
        "direction": indicator.get_direction_display(),
        "baseline": indicator.baseline_value if indicator.baseline_value is not None else "To be set",
        "baseline_date": indicator.baseline_date,
        "target": indicator.target_value
        if indicator.target_value is not None
        else (indicator.target_words or "To be set"),
        "target_date": indicator.target_date,
        "milestones": indicator.milestones,
        "frequency": indicator.get_frequency_display(),
        "source": indicator.source,
        "indicator_notes": indicator.note,
    }


def partnership_rows():
    """(setting, value) rows of the Partnership sheet, or none before a partnership is saved."""
    partnership = Partnership.objects.order_by("pk").first()
    if partnership is None:
        return []
    return [
        ("Setting", "Value"),
        ("Partnership name", partnership.name),
        ("Partners", "; ".join(sorted(o.name for o in partnership.partners.all()))),
        ("What the plan is called", partnership.plan_called),
        ("What a priority is called", partnership.priority_called),
        ("Kinds of priority", "; ".join(partnership.kinds)),
        ("Board name", partnership.board_name),
        ("Delivery group name", partnership.delivery_group_name),
    ]


def plan_rows():
    """{sheet name: [row dicts by field key]} for the whole plan (five queries whatever its size)."""
    latest = {}
    for update in ProgressUpdate.objects.order_by("action_id", "-date", "-created", "-pk"):
        latest.setdefault(update.action_id, update)
    actions = (
        Action.objects.select_related("priority", "lead")
        .prefetch_related("partners")
        .order_by("ref_sort", "pk")
    )
    return {
        PARTNERSHIP_SHEET: partnership_rows(),
        "Priorities": [_priority_row(p) for p in Priority.objects.select_related("lead").order_by("number")],
        "Actions": [_action_row(a, latest.get(a.pk)) for a in actions],
        "Indicators": [
            _indicator_row(i)
            for i in Indicator.objects.select_related("priority").order_by("priority__number", "code")
        ],
    }


def template_rows():
    """One example row per sheet."""
    rows = {name: [{field.key: field.example for field in fields}] for name, fields in SHEETS.items()}
    rows[PARTNERSHIP_SHEET] = [
        ("Setting", "Value"),
        ("Partnership name", "Example SEND Partnership"),
        ("Partners", "Example County Council; NHS Example Integrated Care Board"),
        ("What the plan is called", "Priority Action Plan"),
        ("What a priority is called", "priority"),
        ("Kinds of priority", "Area for priority action; Area for improvement"),
        ("Board name", "Improvement Board"),
        ("Delivery group name", "Operations Group"),
    ]
    return rows


def workbook_bytes(rows):
    """An .xlsx of `rows` ({sheet: [row dicts]}) with the import's headers. Text is stored as text, so a
    value such as '=1+2' is shown, never run as a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    if rows.get(PARTNERSHIP_SHEET):
        sheet = workbook.create_sheet(PARTNERSHIP_SHEET)
        for setting, value in rows[PARTNERSHIP_SHEET]:
            cells = [WriteOnlyCell(sheet, value=setting), WriteOnlyCell(sheet, value=value or None)]
            for cell in cells:
                if cell.value:
                    cell.data_type = "s"
            sheet.append(cells)
    for name, fields in SHEETS.items():
        sheet = workbook.create_sheet(name)
        header = []
        for field in fields:
            cell = WriteOnlyCell(sheet, value=field.header)
            cell.font = Font(bold=True)
            header.append(cell)
        sheet.append(header)
        for row in rows.get(name, []):
            cells = []
            for field in fields:
                value = row.get(field.key)
                cell = WriteOnlyCell(sheet, value=value if value != "" else None)
                if isinstance(value, str) and value:
                    cell.data_type = "s"  # never a formula
                if hasattr(value, "year") and not isinstance(value, str):
                    cell.number_format = "dd/mm/yyyy"
                cells.append(cell)
            sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_plan():
    """The whole plan as .xlsx bytes."""
    return workbook_bytes(plan_rows())


def blank_template():
    """The template as .xlsx bytes."""
    return workbook_bytes(template_rows())
