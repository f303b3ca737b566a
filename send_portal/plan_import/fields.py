"""The portal's import fields, the headers the export writes for them, and the guessing of which column of
a plan holds which field.

A mapping is {sheet name: {column header: field key or None}}; None (or a header the mapping leaves out
and no guess finds) keeps the column as notes on the record. "*" applies to every sheet.
"""

import json
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class ImportField:
    key: str
    header: str  # what the export and the template write
    record: str  # "priority", "action" or "indicator"
    aliases: tuple = ()
    example: object = ""


FIELDS = [
    # Priorities (on a Priorities sheet, or repeated on each action row of a flat sheet)
    ImportField(
        "priority_number",
        "Priority number",
        "priority",
        ("priority no", "priority ref", "no", "number", "priority id"),
        1,
    ),
    ImportField(
        "priority_title",
        "Priority",
        "priority",
        (
            "priority title",
            "short title",
            "area",
            "theme",
            "workstream title",
            "area of significant weakness",
            "area for improvement",
            "area for priority action",
            "priority area",
        ),
        "Timeliness of EHC plans",
    ),
    ImportField(
        "priority_kind",
        "Priority kind",
        "priority",
        ("kind", "type", "priority type"),
        "Area for priority action",
    ),
    ImportField(
        "statement",
        "Statement",
        "priority",
        ("inspection finding", "finding", "what the inspection said", "priority statement"),
        "Leaders should improve the timeliness of EHC plans.",
    ),
    ImportField(
        "priority_impact",
        "Priority expected impact",
        "priority",
        ("priority impact", "priority outcome"),
        "Families get their plans on time.",
    ),
    ImportField(
        "success_criteria",
        "What success looks like",
        "priority",
        ("success criteria", "success measures", "success looks like", "measures of success"),
        "Most new plans are issued within 20 weeks",
    ),
    ImportField(
        "workstream",
        "Workstream",
        "priority",
        ("workstream name", "workstream", "delivery group"),
        "EHC plans workstream",
    ),
    ImportField(
        "priority_lead", "Priority lead", "priority", ("workstream lead", "priority owner"), "Head of SEND"
    ),
    ImportField("priority_notes", "Priority notes", "priority", (), ""),
    # Actions
    ImportField(
        "ref",
        "Action reference",
        "action",
        ("ref", "reference", "action ref", "action no", "action number", "action id", "id"),
        "P1.1",
    ),
    ImportField(
        "title",
        "Action",
        "action",
        ("action title", "actions", "what we will do", "task", "activity", "action description"),
        "Recruit two educational psychologists",
    ),
    ImportField("description", "Description", "action", ("detail", "details", "how"), ""),
    ImportField(
        "leads",
        "Lead",
        "action",
        ("leads", "action lead", "lead officer", "owner", "responsible", "responsible officer", "who"),
        "Principal EP",
    ),
    ImportField(
        "sro",
        "Senior responsible officer",
        "action",
        ("sro", "accountable officer", "senior responsible owner", "accountable lead"),
        "Director of Education",
    ),
    ImportField(
        "lead_organisation",
        "Lead organisation",
        "action",
        ("lead org", "lead agency", "organisation"),
        "Council",
    ),
    ImportField(
        "partners",
        "Partners",
        "action",
        ("partner organisations", "partner", "contributors", "supported by"),
        "Parent carer forum",
    ),
    ImportField("start_date", "Start date", "action", ("start", "from", "start by"), "2025-04"),
    ImportField(
        "due_date",
        "Due date",
        "action",
        (
            "due",
            "deadline",
            "by when",
            "completion date",
            "timescale",
            "timescales",
            "end date",
            "target completion date",
            "date due",
        ),
        "31/05/2025",
    ),
    ImportField("revised_due_date", "Revised due date", "action", ("revised date", "new due date"), ""),
    ImportField(
        "revision_reason",
        "Reason for the revised date",
        "action",
        ("revision reason", "reason for revision"),
        "",
    ),
    ImportField(
        "action_impact",
        "Expected impact",
        "action",
        ("impact", "outcome", "expected outcome", "intended impact"),
        "",
    ),
    ImportField(
        "status",
        "Status",
        "action",
        ("rag", "rag status", "rag rating", "progress status", "current status", "brag"),
        "Green",
    ),
    ImportField(
        "progress",
        "Progress update",
        "action",
        (
            "progress",
            "update",
            "latest update",
            "commentary",
            "progress narrative",
            "narrative",
            "comments",
            "progress to date",
        ),
        "Two posts advertised.",
    ),
    ImportField(
        "progress_date",
        "Progress update date",
        "action",
        ("update date", "date of update", "as at"),
        "2025-05-30",
    ),
    ImportField("action_notes", "Notes", "action", ("notes",), ""),
    # Indicators
    ImportField(
        "indicator_code",
        "Indicator code",
        "indicator",
        ("code", "indicator ref", "indicator id", "kpi ref"),
        "P1-I1",
    ),
    ImportField(
        "indicator_name",
        "Indicator",
        "indicator",
        ("indicator name", "measure", "kpi", "performance indicator", "metric"),
        "New EHC plans issued within 20 weeks",
    ),
    ImportField("definition", "Definition", "indicator", ("indicator definition", "how it is measured"), ""),
    ImportField("unit", "Unit", "indicator", ("units", "unit of measure"), "Percentage"),
    ImportField(
        "direction", "Direction", "indicator", ("good is", "polarity", "better when"), "Higher is better"
    ),
    ImportField(
        "baseline", "Baseline", "indicator", ("baseline value", "current position", "starting point"), 41
    ),
    ImportField(
        "baseline_date", "Baseline date", "indicator", ("baseline as at", "baseline period"), "2025-03"
    ),
    ImportField("target", "Target", "indicator", ("target value", "goal"), 60),
    ImportField("target_date", "Target date", "indicator", ("target by", "target period"), "2026-03"),
    ImportField(
        "milestones", "Interim milestones", "indicator", ("milestones", "interim targets", "trajectory"), ""
    ),
    ImportField("frequency", "Frequency", "indicator", ("reporting frequency", "how often"), "Monthly"),
    ImportField("source", "Data source", "indicator", ("source",), ""),
    ImportField("indicator_notes", "Indicator notes", "indicator", (), ""),
]
BY_KEY = {field.key: field for field in FIELDS}
RECORD_FIELDS = {
    record: [field for field in FIELDS if field.record == record]
    for record in ("priority", "action", "indicator")
}
# The sheets the export writes, and the fields on each (the flat-sheet priority columns identify the priority).
SHEETS = {
    "Priorities": RECORD_FIELDS["priority"],
    "Actions": [BY_KEY["priority_number"], *RECORD_FIELDS["action"]],
    "Indicators": [BY_KEY["priority_number"], *RECORD_FIELDS["indicator"]],
}


def _normal(header):
    return re.sub(r"[^a-z0-9%]+", " ", str(header).lower()).strip()


def _guesses():
    table = {}
    for field in FIELDS:
        for name in (field.header, field.key.replace("_", " "), *field.aliases):
            table.setdefault(_normal(name), field.key)
    return table


GUESSES = _guesses()


def guess_field(header):
    """The field key a column header most likely means, or None."""
    return GUESSES.get(_normal(header))


def mapping_for(sheet, overrides=None):
    """{column index: field key or None} for a sheet, guessed from its headers and corrected by
    `overrides` (a mapping as described above)."""
    overrides = overrides or {}
    chosen = {**overrides.get("*", {}), **overrides.get(sheet.name, {})}
    columns = {}
    for index, header in enumerate(sheet.headers):
        if header and header in chosen:
            columns[index] = chosen[header] if chosen[header] in BY_KEY else None
    for index, header in enumerate(sheet.headers):
        if header and header not in chosen:
            key = guess_field(header)
            # A second column that looks like a field already taken is kept as notes, not guessed twice.
            columns[index] = key if key not in columns.values() else None
    return dict(sorted(columns.items()))


def read_mapping(text):
    """A mapping from JSON text; raises ValueError with a readable message."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"The mapping is not valid JSON: {error}") from error
    if not isinstance(data, dict) or not all(isinstance(value, dict) for value in data.values()):
        raise ValueError('The mapping must look like {"Sheet name": {"Column header": "field"}}')
    for sheet, columns in data.items():
        for header, key in columns.items():
            if key is not None and key not in BY_KEY:
                raise ValueError(
                    f"Sheet '{sheet}', column '{header}': '{key}' is not a field; use one of "
                    f"{', '.join(BY_KEY)} or null"
                )
    return data
