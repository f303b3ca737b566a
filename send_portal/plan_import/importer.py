"""From a plan file's sheets to a Preview (every problem, every warning, what each record would become), and
from a Preview with no problems to the database, in one transaction recorded in history as the importing
person's change.

The import is an update: records are matched to the portal's by reference (an action's ref, a priority's
number, an indicator's code) or, when the file has none, by title within the priority. A column the file
does not have leaves that field alone; a column it has, however empty, sets it. Records in the portal and
not in the file are listed and left alone.
"""

import re
from dataclasses import asdict, dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history

from actions.models import (
    TBC_DATE,
    Action,
    DatePrecision,
    LeadOrganisation,
    Plan,
    Priority,
    PriorityKind,
    ProgressUpdate,
    Status,
    date_in_words,
    natural_sort_key,
)
from indicators.models import Direction, Frequency, Indicator, Provenance, Unit
from send_portal.models import Organisation, Partnership, User
from send_portal.plan_import import values as read
from send_portal.plan_import.fields import BY_KEY, RECORD_FIELDS, mapping_for

ADD, CHANGE, UNCHANGED, REJECTED = "add", "change", "unchanged", "rejected"
OUTCOMES = [ADD, CHANGE, UNCHANGED, REJECTED]
RECORDS = ["Partnership", "Priority", "Action", "Indicator"]
PARTNERSHIP_SHEET = "Partnership"  # a sheet of (setting, value) rows: the partnership's name and words
PARTNERSHIP_SETTINGS = {  # the setting's words in the sheet -> Partnership field ("partners": organisations)
    "partnership name": "name",
    "partnership": "name",
    "name": "name",
    "partners": "partners",
    "partner organisations": "partners",
    "what the plan is called": "plan_called",
    "what a priority is called": "priority_called",
    "kinds of priority": "priority_kinds",
    "priority kinds": "priority_kinds",
    "the board's name": "board_name",
    "board name": "board_name",
    "the delivery group's name": "delivery_group_name",
    "delivery group name": "delivery_group_name",
}


class ImportRefused(Exception):
    """Confirm was asked of a preview that has problems; nothing was written."""


@dataclass
class Note:
    """One problem or warning: where (sheet, Excel row number, column header) and what to do."""

    sheet: str
    row: int | None
    column: str
    message: str

    def __str__(self):
        where = [f"sheet '{self.sheet}'"]
        if self.row:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message}"


@dataclass
class RecordChange:
    """What the import would do to one record: its outcome and each field that changes (label, old, new)."""

    record: str
    key: str
    outcome: str
    sheet: str = ""
    row: int | None = None
    fields: list = field(default_factory=list)

    @property
    def existing(self):
        """Whether the record is already in the portal (its fields then read 'old → new')."""
        return self.outcome in (CHANGE, UNCHANGED)

    @property
    def label(self):
        return OUTCOME_LABELS[self.outcome]

    @property
    def tag_colour(self):
        return OUTCOME_COLOURS[self.outcome]


OUTCOME_LABELS = {ADD: "Add", CHANGE: "Change", UNCHANGED: "Unchanged", REJECTED: "Rejected"}
OUTCOME_COLOURS = {ADD: "green", CHANGE: "blue", UNCHANGED: "grey", REJECTED: "red"}  # govuk-tag--<colour>


@dataclass
class Preview:
    """Everything an import would do, before it does it."""

    problems: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    changes: list = field(default_factory=list)
    not_in_file: list = field(default_factory=list)  # "P3.4 ..." left alone
    written: bool = False
    replaces: str = ""  # replace mode: what is kept read-only, e.g. "Priority Action Plan: 6 priorities, ..."

    @property
    def ok(self):
        return not self.problems

    def counts(self):
        """{record: {outcome: number}} in display order."""
        table = {record: dict.fromkeys(OUTCOMES, 0) for record in RECORDS}
        for change in self.changes:
            table[change.record][change.outcome] += 1
        return table

    def as_data(self):
        """The preview as JSON-ready data (a background task keeps it for the page that shows it)."""
        return asdict(self)

    @classmethod
    def from_data(cls, data):
        """A Preview from as_data(): field values come back as the words they were shown in."""
        return cls(
            problems=[Note(**note) for note in data["problems"]],
            warnings=[Note(**note) for note in data["warnings"]],
            changes=[RecordChange(**change) for change in data["changes"]],
            not_in_file=data["not_in_file"],
            written=data["written"],
            replaces=data.get("replaces", ""),
        )

    @property
    def changes_anything(self):
        return any(change.outcome in (ADD, CHANGE) for change in self.changes)

    def lines(self):
        """The preview as plain text (the command prints it)."""
        lines = [f"Replace: a new plan version; {self.replaces}"] if self.replaces else []
        for record, counts in self.counts().items():
            lines.append(
                f"{record}: {counts[ADD]} to add, {counts[CHANGE]} to change, "
                f"{counts[UNCHANGED]} unchanged, {counts[REJECTED]} rejected"
            )
        for change in self.changes:
            if change.outcome == UNCHANGED:
                continue
            lines.append(f"{change.outcome.upper()} {change.record} {change.key}")
            for label, old, new in change.fields:
                lines.append(f"    {label}: {_shown(old)} -> {_shown(new)}")
        if self.not_in_file:
            lines.append(
                f"In the portal but not in the file (left as they are): {', '.join(self.not_in_file)}"
            )
        lines.append(f"{len(self.problems)} problem(s):" if self.problems else "No problems.")
        lines.extend(f"  PROBLEM {note}" for note in self.problems)
        if self.warnings:
            lines.append(f"{len(self.warnings)} warning(s):")
            lines.extend(f"  WARNING {note}" for note in self.warnings)
        return lines


def _shown(value):
    if value in (None, ""):
        return "(empty)"
    text = str(value)
    return text if len(text) <= 80 else text[:77] + "..."


# --- What the file says, record by record -----------------------------------------------------------
@dataclass
class Row:
    """One spreadsheet row read through the mapping: cells by field key, and unmapped cells as notes."""

    sheet: str
    number: int
    cells: dict
    headers: dict  # field key -> the column's header
    notes: list  # "Header: value" for the unmapped columns
    kind: str = "action"  # what the sheet describes: "priority", "action" or "indicator"
    priority_spec: object = None
    priority_unreadable: bool = False  # already a problem: no second one for the missing priority
    has_problem: bool = False  # a cell could not be read: its record is rejected, not validated further

    def has(self, key):
        return key in self.cells

    def get(self, key):
        return self.cells.get(key)

    def header(self, key):
        return self.headers.get(key) or BY_KEY[key].header


@dataclass
class Spec:
    """The values the file gives one record, where they came from, and the notes and warnings on it."""

    record: str
    row: Row
    values: dict = field(default_factory=dict)  # model field -> value (only fields the file has)
    extra: dict = field(default_factory=dict)  # what is not a model field (leads text, partners, update)
    notes: list = field(default_factory=list)
    rejected: bool = False
    existing: object = None
    key: str = ""


def _notes_text(cell, extra_lines):
    """A record's notes: the file's notes column, then the unmapped columns, one 'header: value' a line."""
    parts = [read.text(cell)] if read.text(cell) else []
    parts.extend(line for line in extra_lines if line not in parts)
    return "\n".join(parts)


class PlanImport:
    """One import of one file: build it from the file's sheets and a mapping, then preview() or confirm()."""

    def __init__(
        self, sheets, mapping=None, *, filename="the file", today=None, replace=False, progress=None
    ):
        self.sheets = sheets
        self.mapping = mapping or {}
        self.filename = filename
        self.today = today or timezone.localdate()
        # Replace: the file becomes a new plan version, every record an addition; the current plan's
        # records are kept read-only in their version (Plan.supersede), on confirm, in the same transaction.
        self.replace = replace
        self.progress = progress or (lambda words: None)  # told each step, e.g. by a background task

    # --- Public ---------------------------------------------------------------------------------------
    def preview(self):
        """What the import would do. Reads the database; writes nothing."""
        self._reset()
        self.progress("Reading the portal's plan")
        self._load_portal()
        rows = self._read_rows()
        self.progress("Reading the file's rows")
        self._collect_priorities(rows)
        self._resolve_priorities()
        self._collect_actions(rows["action"])
        self._collect_indicators(rows["indicator"])
        self.progress("Checking every record")
        self._validate()
        self._describe()
        self._describe_partnership()
        return self.result

    def confirm(self, user):
        """Preview, then write it all in one transaction as `user`'s change. Raises ImportRefused when the
        preview has problems (nothing written)."""
        preview = self.preview()
        if not preview.ok:
            raise ImportRefused(f"{len(preview.problems)} problem(s) in the file: nothing was imported.")
        self.progress("Writing the plan (in one transaction)")
        with transaction.atomic():
            self._write(user)
        preview.written = True
        return preview

    # --- Reading --------------------------------------------------------------------------------------
    def _reset(self):
        self.result = Preview()
        self.priority_specs = []
        self.action_specs = []
        self.indicator_specs = []

    def problem(self, row, key, message, *, sheet=None):
        if row is not None:
            row.has_problem = True
        column = row.header(key) if (row is not None and key) else (key or "")
        self.result.problems.append(Note(sheet or row.sheet, row.number if row else None, column, message))

    def warn(self, row, key, message, *, sheet=None):
        column = row.header(key) if (row is not None and key) else (key or "")
        self.result.warnings.append(Note(sheet or row.sheet, row.number if row else None, column, message))

    def _load_portal(self):
        """Everything the comparison needs, in a handful of queries whatever the size of the plan."""
        current = not self.replace  # replace: nothing in the portal is matched, everything is new
        self.priorities = {p.number: p for p in Priority.objects.select_related("lead")} if current else {}
        self.priorities_by_title = {p.short_title.casefold(): p for p in self.priorities.values()}
        self.actions = (
            {a.ref: a for a in Action.objects.select_related("priority", "lead").prefetch_related("partners")}
            if current
            else {}
        )
        self.actions_by_title = {(a.priority_id, a.title.casefold()): a for a in self.actions.values()}
        latest = {}
        for update in ProgressUpdate.objects.order_by("action_id", "-date", "-created", "-pk"):
            latest.setdefault(update.action_id, update)
        self.latest_updates = latest
        self.indicators = {i.code: i for i in Indicator.objects.select_related("priority")} if current else {}
        if self.replace:
            plan = Plan.current()
            self.result.replaces = (
                f"{plan.title if plan else 'The current plan'}: {Priority.objects.count()} priorities, "
                f"{Action.objects.count()} actions and {Indicator.objects.count()} indicators, kept read-only "
                "as an earlier version"
            )
        self.indicators_by_name = {i.name.casefold(): i for i in self.indicators.values()}
        self.organisations = {}
        for organisation in Organisation.objects.all():
            self.organisations[organisation.name.casefold()] = organisation
            self.organisations.setdefault(organisation.code.casefold(), organisation)
        people = {}
        for user in User.objects.filter(is_active=True):
            for name in {user.job_title, user.get_full_name(), user.username}:
                if name:
                    people.setdefault(name.casefold(), []).append(user)
        self.people = {name: users[0] for name, users in people.items() if len(users) == 1}

    def _read_rows(self):
        """Rows of each sheet, by what they describe: 'action' rows (which may also describe their
        priority), 'priority' rows and 'indicator' rows."""
        rows = {"priority": [], "action": [], "indicator": []}
        for sheet in self.sheets:
            if sheet.name.strip().casefold() == PARTNERSHIP_SHEET.casefold():
                self._read_partnership(sheet)
                continue
            columns = mapping_for(sheet, self.mapping)
            keys = {key for key in columns.values() if key}
            if keys & {f.key for f in RECORD_FIELDS["indicator"]} - {"indicator_notes"}:
                kind = "indicator"
            elif keys & {"title", "ref"}:
                kind = "action"
            elif keys & {"priority_number", "priority_title"}:
                kind = "priority"
            else:
                self.result.warnings.append(
                    Note(
                        sheet.name,
                        sheet.header_row,
                        "",
                        "No column matches a portal field, so the sheet "
                        "was not read. Map its columns to import it.",
                    )
                )
                continue
            seen = {}
            for index, key in columns.items():
                if key and key in seen:
                    self.result.problems.append(
                        Note(
                            sheet.name,
                            sheet.header_row,
                            sheet.headers[index],
                            f"Two columns are mapped to '{BY_KEY[key].header}' (the other is "
                            f"'{sheet.headers[seen[key]]}'): map one of them to something else",
                        )
                    )
                seen.setdefault(key, index)
            headers = {key: sheet.headers[index] for key, index in seen.items()}
            for number, cells in sheet.rows:
                values, notes = {}, []
                for index, key in columns.items():
                    cell = cells[index] if index < len(cells) else None
                    if key:
                        values.setdefault(key, cell)
                    elif cell not in (None, ""):
                        notes.append(f"{sheet.headers[index]}: {read.text(cell)}")
                rows[kind].append(Row(sheet.name, number, values, headers, notes, kind))
        return rows

    def _read_partnership(self, sheet):
        """The Partnership sheet: one (setting, value) a row, its first row included."""
        pairs = [(sheet.header_row, sheet.headers)] + [
            (n, [read.text(c) for c in cells]) for n, cells in sheet.rows
        ]
        values = {}
        for number, cells in pairs:
            setting = read.text(cells[0]) if cells else ""
            value = read.text(cells[1]) if len(cells) > 1 else ""
            if not setting or setting.casefold() in ("setting", "field"):
                continue
            name = PARTNERSHIP_SETTINGS.get(setting.casefold().rstrip(":"))
            if name is None:
                self.result.warnings.append(
                    Note(sheet.name, number, setting, "Not a partnership setting: ignored")
                )
                continue
            if name == "priority_kinds":
                value = "\n".join(read.listed(value))
            values[name] = value
        if "name" in values and not values["name"]:
            self.result.problems.append(
                Note(sheet.name, None, "Partnership name", "Give the partnership's name")
            )
            return
        self.partnership_values = values
        self.partnership_sheet = sheet

    def _describe_partnership(self):
        values = getattr(self, "partnership_values", None)
        if values is None:
            return
        current = Partnership.objects.order_by("pk").first()
        fields = []
        for name, value in values.items():
            if name == "partners":
                old = "; ".join(sorted(o.name for o in current.partners.all())) if current else ""
                new = "; ".join(sorted(p for p in re.split(r"\s*(?:;|\n)\s*", value) if p))
                values[name] = new
            else:
                old, new = (getattr(current, name) if current else ""), value
            if old != new:
                fields.append((str(Partnership._meta.get_field(name).verbose_name).capitalize(), old, new))
        if current is None and "name" not in values:
            self.result.problems.append(
                Note(self.partnership_sheet.name, None, "Partnership name", "Give the partnership's name")
            )
            return
        outcome = ADD if current is None else (CHANGE if fields else UNCHANGED)
        self.partnership_existing = current
        self.partnership_change = RecordChange(
            "Partnership",
            values.get("name") or current.name,
            outcome,
            self.partnership_sheet.name,
            self.partnership_sheet.header_row,
            fields,
        )
        self.result.changes.insert(0, self.partnership_change)

    def _write_partnership(self, user):
        change = getattr(self, "partnership_change", None)
        if change is None or change.outcome == UNCHANGED:
            return
        partnership = self.partnership_existing or Partnership()
        for name, value in self.partnership_values.items():
            if name != "partners":
                setattr(partnership, name, value)
        partnership.save()
        if "partners" in self.partnership_values:
            names = [p for p in self.partnership_values["partners"].split("; ") if p]
            partnership.partners.set(
                [self._organisation(name, self.organisations.get(name.casefold())) for name in names]
            )

    def _read(self, row, key, reader, **kwargs):
        """A cell through one of the readers in values.py; a problem (and None) when it cannot be read."""
        try:
            return reader(row.get(key), **kwargs)
        except read.ValueProblem as error:
            self.problem(row, key, str(error))
            return None

    # --- Priorities -----------------------------------------------------------------------------------
    def _priority_key(self, row):
        """(number or None, title or "") a row gives for its priority; 'Priority 3' or '3' is a number."""
        number = None
        if row.has("priority_number") and read.text(row.get("priority_number")):
            raw = read.text(row.get("priority_number"))
            digits = re.fullmatch(r"(?:priority|p)?\s*(\d+)", raw, re.IGNORECASE)
            if digits is None or int(digits[1]) < 1:
                self.problem(row, "priority_number", f"'{raw}' is not a priority number: write 1, 2, 3...")
                row.priority_unreadable = True
            else:
                number = int(digits[1])
        title = read.text(row.get("priority_title"))
        if number is None and (digits := re.fullmatch(r"(?:priority|p)\s*(\d+)|(\d+)", title, re.IGNORECASE)):
            number, title = int(digits[1] or digits[2]), ""
        return number, title

    def _collect_priorities(self, rows):
        self.priority_by_number = {}
        self.priority_by_title = {}
        for row in [*rows["priority"], *rows["action"], *rows["indicator"]]:
            number, title = self._priority_key(row)
            if number is None and not title:
                continue
            spec = self.priority_by_number.get(number) if number else None
            spec = spec or self.priority_by_title.get(title.casefold())
            if spec is None:
                spec = Spec("Priority", row)
                spec.extra["number"] = number
                spec.extra["title"] = title
                self.priority_specs.append(spec)
            elif not spec.extra["number"] and number:
                spec.extra["number"] = number
            if number:
                self.priority_by_number.setdefault(number, spec)
            if title:
                self.priority_by_title.setdefault(title.casefold(), spec)
                if not spec.extra["title"]:
                    spec.extra["title"] = title
            row.priority_spec = spec
            # A Priorities sheet describes its priority; a flat sheet repeats it on each action row.
            self._priority_values(spec, row)

    def _priority_values(self, spec, row):
        """Take a row's priority fields; the first row to give a field wins, a different later one warns."""
        values = {}
        if row.has("priority_title") and spec.extra["title"]:
            values["short_title"] = spec.extra["title"]
        if row.has("priority_kind"):
            kind = read.priority_kind(row.get("priority_kind"))
            if kind is not None:
                values["kind"] = kind
        if row.has("statement"):
            values["statement"] = read.text(row.get("statement"))
        if row.has("priority_impact"):
            values["expected_impact"] = read.text(row.get("priority_impact"))
        if row.has("success_criteria"):
            values["success_looks_like"] = "\n".join(read.listed(row.get("success_criteria")))
        if row.has("workstream"):
            values["workstream_name"] = read.text(row.get("workstream"))
        if row.has("priority_lead"):
            spec.extra.setdefault("lead_text", read.text(row.get("priority_lead")))
        if row.has("priority_notes") or (row.kind == "priority" and row.notes):
            values["notes"] = _notes_text(
                row.get("priority_notes"), row.notes if row.kind == "priority" else []
            )
        for name, value in values.items():
            if name not in spec.values:
                spec.values[name] = value
            elif spec.values[name] != value and value:
                key = {
                    "short_title": "priority_title",
                    "kind": "priority_kind",
                    "expected_impact": "priority_impact",
                    "success_looks_like": "success_criteria",
                    "workstream_name": "workstream",
                    "notes": "priority_notes",
                }.get(name, name)
                self.warn(
                    row,
                    key,
                    f"Differs from row {spec.row.number} for the same priority; "
                    f"row {spec.row.number}'s value is kept",
                )

    def _resolve_priorities(self):
        """Match each priority to the portal's, give numbers to those without, and set their defaults."""
        used = set(self.priorities) | {s.extra["number"] for s in self.priority_specs if s.extra["number"]}
        for spec in self.priority_specs:
            number, title = spec.extra["number"], spec.extra["title"]
            existing = self.priorities.get(number) if number else None
            if existing is None and title:
                existing = self.priorities_by_title.get(title.casefold())
                if existing is not None and number and existing.number != number:
                    existing = None  # a title of another number: a different priority
            if number is None:
                if existing is not None:
                    number = existing.number
                else:
                    number = max(used, default=0) + 1
                    used.add(number)
                    self.warn(spec.row, "priority_number", f"No priority number: numbered {number}")
            spec.extra["number"] = number
            spec.existing = existing
            spec.key = f"Priority {number}"
            if existing is None:
                if not spec.values.get("short_title"):
                    spec.values["short_title"] = title
                if not spec.values.get("short_title"):
                    self.problem(
                        spec.row,
                        "priority_title" if spec.row.has("priority_title") else "priority_number",
                        f"There is no priority {spec.extra['number']} in the portal or in the file: "
                        "add it to the file with its title",
                    )
                    spec.rejected = True
                if not spec.values.get("statement"):
                    spec.values["statement"] = spec.values.get("short_title", "")
                    self.warn(spec.row, "statement", "No statement: the priority's title is used")
                if "kind" not in spec.values:
                    spec.values["kind"] = PriorityKind.PRIORITY_ACTION
                    self.warn(spec.row, "priority_kind", f"No kind: '{PriorityKind.PRIORITY_ACTION.label}'")
            elif "statement" in spec.values and not spec.values["statement"]:
                self.problem(
                    spec.row, "statement", "The statement cannot be emptied: give the inspection's words"
                )
            if "lead_text" in spec.extra:
                text = spec.extra["lead_text"]
                if existing is not None and existing.lead is not None and existing.lead.display_name == text:
                    spec.values["lead"] = existing.lead
                else:
                    spec.values["lead"] = self._person(text)

    def _person(self, text):
        """The portal user a lead's text names (the whole text, else its first name that matches), or None."""
        if not text:
            return None
        for name in [text, *read.names(text)]:
            if name.casefold() in self.people:
                return self.people[name.casefold()]
        return None

    # --- Actions --------------------------------------------------------------------------------------
    def _collect_actions(self, rows):
        refs_in_file = {}
        generated = {}
        for row in rows:
            spec = Spec("Action", row)
            self.action_specs.append(spec)
            priority_spec = row.priority_spec
            spec.extra["priority"] = priority_spec
            title = read.text(row.get("title"))
            ref = read.text(row.get("ref"))
            if priority_spec is None and row.priority_unreadable:
                spec.rejected = True
            elif priority_spec is None and not (ref and ref in self.actions):
                self.problem(
                    row,
                    "priority_number" if "priority_number" in row.headers else "priority_title",
                    "Say which priority the action belongs to (its number or title)",
                )
                spec.rejected = True
            existing = None
            if ref:
                existing = self.actions.get(ref)
            elif priority_spec is not None and priority_spec.existing is not None and title:
                existing = self.actions_by_title.get((priority_spec.existing.pk, title.casefold()))
                if existing is not None:
                    ref = existing.ref
            if not ref and priority_spec is not None:
                number = priority_spec.extra["number"]
                taken = generated.setdefault(
                    number, {r for r in [*self.actions, *refs_in_file] if r.startswith(f"P{number}.")}
                )
                counter = 1
                while f"P{number}.{counter}" in taken:
                    counter += 1
                ref = f"P{number}.{counter}"
                taken.add(ref)
                self.warn(row, "ref", f"No reference: generated {ref}")
            if ref in refs_in_file:
                self.problem(
                    row,
                    "ref",
                    f"{ref} is already used on row {refs_in_file[ref]}: give each action its own reference",
                )
                spec.rejected = True
            refs_in_file.setdefault(ref, row.number)
            for r in generated.values():
                r.add(ref)
            spec.key, spec.existing = ref, existing
            if existing is None and not title:
                self.problem(row, "title", "Give the action's title")
                spec.rejected = True
            self._action_values(spec, row, title)

    def _action_values(self, spec, row, title):
        values, existing = spec.values, spec.existing
        values["ref"] = spec.key
        if title:
            values["title"] = title
        for key, name in (
            ("description", "description"),
            ("action_impact", "expected_impact"),
            ("sro", "senior_responsible_officer"),
            ("revision_reason", "revision_reason"),
        ):
            if row.has(key):
                values[name] = read.text(row.get(key))
        if row.has("leads"):
            text = read.text(row.get("leads"))
            values["lead_role"] = text
            if existing is not None and existing.lead_role == text:
                values["lead"] = existing.lead
            elif (
                existing is not None
                and not existing.lead_role
                and existing.lead
                and existing.lead.display_name == text
            ):
                values["lead_role"], values["lead"] = "", existing.lead  # the export wrote the user's name
            else:
                values["lead"] = self._person(text)
        if row.has("lead_organisation"):
            organisation = read.lead_organisation(row.get("lead_organisation"))
            if organisation is None and existing is None:
                self.warn(row, "lead_organisation", f"No lead organisation: '{LeadOrganisation.OTHER.label}'")
                organisation = LeadOrganisation.OTHER
            if organisation is not None:
                values["lead_organisation"] = organisation
        elif existing is None:
            values["lead_organisation"] = LeadOrganisation.OTHER
        if row.has("partners"):
            spec.extra["partners"] = self._partners(row)
        if row.has("start_date"):
            start, precision = self._read(row, "start_date", read.plan_date, start=True) or (None, None)
            values["start_date"] = start
        if row.has("due_date"):
            due = self._read(row, "due_date", read.plan_date)
            if due is not None and due[0] is None:
                if existing is None:
                    self.warn(row, "due_date", "No due date: 'To be confirmed'")
                    due = (TBC_DATE, DatePrecision.TBC)
                else:
                    due = (existing.due_date, existing.due_precision)  # an empty cell keeps the date
                    self.warn(row, "due_date", "No due date: the action's date is kept")
            if due is not None:
                self._due_dates(spec, row, *due)
        elif existing is None:
            values.update(due_date=TBC_DATE, due_precision=DatePrecision.TBC)
            self.warn(row, "due_date", "No due date column: 'To be confirmed'")
        if row.has("revised_due_date"):
            revised = self._read(row, "revised_due_date", read.plan_date) or (None, None)
            values["revised_due_date"] = revised[0] if revised[0] != TBC_DATE else None
            values["revised_due_precision"] = (
                revised[1] if values["revised_due_date"] and revised[1] else DatePrecision.DAY
            )
        if values.get("revised_due_date") and not values.get(
            "revision_reason", getattr(existing, "revision_reason", "")
        ):
            values["revision_reason"] = f"Revised in the plan imported from {self.filename}."
            self.warn(
                row,
                "revision_reason",
                "A revised due date with no reason: the reason says it came from the import",
            )
        if row.has("action_notes") or row.notes:
            values["notes"] = _notes_text(row.get("action_notes"), row.notes)
        self._progress(spec, row)
        if existing is not None:
            values.setdefault("priority", existing.priority)

    def _due_dates(self, spec, row, due, precision):
        """The due date. When the file moves an action's date and has no revised-date column, the move is a
        revised due date with a reason, so the original stays on record as the portal's forms keep it."""
        existing, values = spec.existing, spec.values
        if existing is None or row.has("revised_due_date"):
            values.update(due_date=due, due_precision=precision)
            return
        if due == existing.due_date and precision == existing.due_precision:
            if existing.revised_due_date is not None and not row.has("revised_due_date"):
                pass  # the file gives the original date; the portal's revision stands
            return
        if due == existing.current_due_date and precision == existing.current_due_precision:
            return
        values["revised_due_date"] = due
        values["revised_due_precision"] = precision
        values["revision_reason"] = (
            f"Due date changed to {date_in_words(due, precision)} by the import of {self.filename}."
        )
        self.warn(
            row,
            "due_date",
            f"Moves the due date from {existing.current_due_text} to "
            f"{date_in_words(due, precision)}: recorded as a revised due date; the original stays on record",
        )

    def _partners(self, row):
        """[(name, Organisation or None)] for the partners cell; unknown ones are created on confirm."""
        partners = []
        for name in re.split(r"\s*(?:;|\n|,)\s*", read.text(row.get("partners"))):
            if not name:
                continue
            organisation = self.organisations.get(name.casefold())
            if organisation is None:
                self.warn(
                    row, "partners", f"'{name}' is not an organisation in the portal: it will be created"
                )
            partners.append((name, organisation))
        return partners

    def _progress(self, spec, row):
        """A status or progress narrative becomes a dated progress update when it says something new."""
        status = self._read(row, "status", read.status) if row.has("status") else None
        narrative = read.text(row.get("progress")) if row.has("progress") else ""
        if status is None and not narrative:
            return
        existing = spec.existing
        current = Status(existing.status) if existing is not None else Status.NOT_STARTED
        latest = self.latest_updates.get(existing.pk) if existing is not None else None
        status = status or current
        if status == current and (not narrative or (latest is not None and latest.narrative == narrative)):
            return
        if existing is None and status == Status.NOT_STARTED and not narrative:
            return
        on = self.today
        if row.has("progress_date") and read.text(row.get("progress_date")):
            on = (self._read(row, "progress_date", read.plan_date) or (self.today,))[0] or self.today
        else:
            self.warn(row, "progress_date", f"No date for the progress update: dated today, {on:%-d %B %Y}")
        if not narrative:
            narrative = f"Status set to '{status.label}' by the plan imported from {self.filename}."
            self.warn(row, "progress", "No progress narrative: the update says it came from the import")
        spec.extra["update"] = {"status": status, "narrative": narrative, "date": on}

    # --- Indicators -----------------------------------------------------------------------------------
    def _collect_indicators(self, rows):
        codes = {}
        for row in rows:
            spec = Spec("Indicator", row)
            priority_spec = row.priority_spec
            name = read.text(row.get("indicator_name"))
            code = read.text(row.get("indicator_code"))
            existing = self.indicators.get(code) if code else self.indicators_by_name.get(name.casefold())
            if existing is not None:
                code = existing.code
            if priority_spec is None and existing is None and row.priority_unreadable:
                spec.rejected = True
            elif priority_spec is None and existing is None:
                self.warn(
                    row,
                    next(
                        (key for key in ("priority_number", "priority_title") if key in row.headers),
                        "indicator_name",
                    ),
                    "No priority: an indicator of the whole plan",
                )
            if not name and existing is None:
                self.problem(row, "indicator_name", "Give the indicator's name")
                spec.rejected = True
            if not code and not spec.rejected:
                prefix = f"P{priority_spec.extra['number']}" if priority_spec is not None else "PLAN"
                counter = 1
                while f"{prefix}-I{counter}" in self.indicators or f"{prefix}-I{counter}" in codes:
                    counter += 1
                code = f"{prefix}-I{counter}"
                self.warn(row, "indicator_code", f"No code: generated {code}")
            if code in codes:
                self.problem(row, "indicator_code", f"{code} is already used on row {codes[code]}")
                spec.rejected = True
            codes.setdefault(code, row.number)
            spec.key, spec.existing = code, existing
            spec.extra["priority"] = priority_spec
            self._indicator_values(spec, row, name)
            self.indicator_specs.append(spec)

    def _indicator_values(self, spec, row, name):
        values, existing = spec.values, spec.existing
        values["code"] = spec.key
        if name:
            values["name"] = name
        for key, model_field in (("definition", "definition"), ("source", "source")):
            if row.has(key):
                values[model_field] = read.text(row.get(key))
        unit = self._read(row, "unit", read.unit) if row.has("unit") else None
        if unit is None and existing is None:
            unit = Unit.PERCENT if "%" in name or "percent" in name.lower() else Unit.COUNT
            self.warn(row, "unit", f"No unit: '{unit.label}'")
        if unit is not None:
            values["unit"] = unit
        baseline_to_be_set = row.has("baseline") and read.is_not_set(row.get("baseline"))
        target_to_be_set = row.has("target") and read.is_not_set(row.get("target"))
        if baseline_to_be_set:
            values["baseline_value"] = None
            self.warn(
                row,
                "baseline",
                f"'{read.text(row.get('baseline'))}': the indicator reads 'Baseline to be set' and no "
                "trajectory is judged until the baseline is entered",
            )
        else:
            baseline = self._read(row, "baseline", read.number) if row.has("baseline") else None
            if baseline is not None:
                values["baseline_value"] = baseline
            elif existing is None and not spec.rejected:
                self.problem(row, "baseline", "Give the baseline value, or write 'to be set'")
        for key, model_field in (("baseline_date", "baseline_date"), ("target_date", "target_date")):
            if row.has(key) and read.text(row.get(key)) and not read.is_not_set(row.get(key)):
                day = self._read(row, key, read.plan_date, start=(key == "baseline_date"))
                if day is not None:
                    values[model_field] = day[0] if day[0] != TBC_DATE else None
            elif row.has(key):
                values[model_field] = None
                if existing is None and not spec.rejected and not (baseline_to_be_set or target_to_be_set):
                    self.problem(row, key, f"Give the {BY_KEY[key].header.lower()}, or write 'to be set'")
            elif existing is None and not spec.rejected and not (baseline_to_be_set or target_to_be_set):
                self.problem(row, key, f"Give the {BY_KEY[key].header.lower()}")
        direction = self._read(row, "direction", read.direction) if row.has("direction") else None
        relative = read.relative_target(row.get("target")) if row.has("target") else None
        if relative is not None:
            fraction, implied = relative
            values["target_words"] = read.text(row.get("target"))
            base = values.get("baseline_value", getattr(existing, "baseline_value", None))
            if base is not None:
                factor = 1 - fraction if implied == Direction.LOWER_IS_BETTER else 1 + fraction
                values["target_value"] = (base * factor).quantize(Decimal("0.001"))
                self.warn(
                    row,
                    "target",
                    f"'{read.text(row.get('target'))}' worked out from the baseline: "
                    f"{values['target_value'].normalize():f}",
                )
            else:
                values["target_value"] = None
                self.warn(
                    row,
                    "target",
                    f"'{read.text(row.get('target'))}' is kept in the plan's words: the target value is worked "
                    "out once the baseline is set",
                )
            direction = direction or implied
        elif target_to_be_set:
            values["target_value"] = None
            self.warn(row, "target", "Target to be set: no trajectory is judged until it is entered")
        elif row.has("target"):
            target = self._read(row, "target", read.number)
            if target is not None:
                values["target_value"] = target
            elif existing is None and not spec.rejected and read.text(row.get("target")) == "":
                self.problem(row, "target", "Give the target, e.g. 60 or '50% fewer', or write 'to be set'")
        if (
            direction is None
            and existing is None
            and values.get("target_value") is not None
            and values.get("baseline_value") is not None
        ):
            lower = values["target_value"] < values["baseline_value"]
            direction = Direction.LOWER_IS_BETTER if lower else Direction.HIGHER_IS_BETTER
            self.warn(row, "direction", f"No direction: '{direction.label}', from the baseline and target")
        if direction is None and existing is None and "direction" not in values:
            if values.get("baseline_value") is None or values.get("target_value") is None:
                direction = Direction.HIGHER_IS_BETTER
                self.warn(
                    row,
                    "direction",
                    f"No direction: '{direction.label}'; correct it when the baseline and target are set",
                )
        if direction is not None:
            values["direction"] = direction
        frequency = self._read(row, "frequency", read.frequency) if row.has("frequency") else None
        if frequency is None and existing is None:
            frequency = Frequency.MONTHLY
            self.warn(row, "frequency", f"No frequency: '{Frequency.MONTHLY.label}'")
        if frequency is not None:
            values["frequency"] = frequency
        extra = list(row.notes)
        if row.has("milestones"):
            values["milestones"] = "\n".join(
                part.strip() for part in re.split(r"\s*(?:;|\n)\s*", read.text(row.get("milestones"))) if part
            )
        if row.has("indicator_notes") or extra:
            values["note"] = _notes_text(row.get("indicator_notes"), extra)
        if existing is None:
            values["provenance"] = Provenance.REAL
        if existing is not None:
            values.setdefault("priority", existing.priority)

    # --- Checking and describing ----------------------------------------------------------------------
    FIELD_KEYS = {
        "short_title": "priority_title",
        "kind": "priority_kind",
        "statement": "statement",
        "expected_impact": "action_impact",
        "success_looks_like": "success_criteria",
        "workstream_name": "workstream",
        "ref": "ref",
        "title": "title",
        "description": "description",
        "lead_role": "leads",
        "senior_responsible_officer": "sro",
        "lead_organisation": "lead_organisation",
        "start_date": "start_date",
        "due_date": "due_date",
        "revised_due_date": "revised_due_date",
        "revised_due_precision": "revised_due_date",
        "revision_reason": "revision_reason",
        "code": "indicator_code",
        "name": "indicator_name",
        "definition": "definition",
        "unit": "unit",
        "direction": "direction",
        "baseline_value": "baseline",
        "baseline_date": "baseline_date",
        "target_value": "target",
        "target_words": "target",
        "milestones": "milestones",
        "target_date": "target_date",
        "frequency": "frequency",
        "source": "source",
    }

    def _model_for(self, spec):
        """An unsaved copy of the record with the file's values, for validation and comparison."""
        model = {"Priority": Priority, "Action": Action, "Indicator": Indicator}[spec.record]
        if spec.existing is not None:
            obj = model.objects.model(
                **{f.attname: getattr(spec.existing, f.attname) for f in model._meta.concrete_fields}
            )
        else:
            obj = model()
        for name, value in spec.values.items():
            setattr(obj, name, value)
        if spec.record == "Priority":
            obj.number = spec.extra["number"]
        return obj

    def _validate(self):
        """The models' own rules (lengths, choices, constraints) on every record, as problems by row."""
        for spec in [*self.priority_specs, *self.action_specs, *self.indicator_specs]:
            if spec.record != "Priority" and spec.row.has_problem:
                spec.rejected = True
            if spec.rejected:
                continue
            obj = self._model_for(spec)
            exclude = [f.name for f in obj._meta.concrete_fields if not f.editable or f.many_to_one]
            if spec.existing is not None and not self._differences(spec):
                continue  # unchanged: as valid as it is in the database
            # Each constraint costs a query; one on an empty nullable field ("none, or after the start")
            # holds, so those fields are left out (the database still enforces every constraint on write).
            exclude += [
                f.name for f in obj._meta.concrete_fields if f.null and getattr(obj, f.attname) is None
            ]
            try:
                self._full_clean(obj, exclude)
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    key = self.FIELD_KEYS.get(name, "")
                    if spec.record == "Action" and name == "expected_impact":
                        key = "action_impact"
                    if spec.record == "Priority" and name == "expected_impact":
                        key = "priority_impact"
                    for message in messages:
                        self.problem(
                            spec.row, key if key in spec.row.headers or key in BY_KEY else "", message
                        )
                spec.rejected = True

    def _full_clean(self, obj, exclude):
        """full_clean() without the unique checks (the import matches records itself), checking each
        distinct combination of the constrained fields' values once: every constraint check is a query, and
        a plan repeats its dates."""
        errors = {}
        exclude = [*exclude, "archived_in"]  # the import matches records itself: no uniqueness queries
        try:
            obj.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        model = type(obj)
        names = sorted(
            {
                name
                for c in model._meta.constraints
                if getattr(c, "condition", None) is not None and not isinstance(c, models.UniqueConstraint)
                for name in c.condition.referenced_base_fields
            }
        )
        key = (model, tuple(sorted(set(exclude) & set(names))), tuple(getattr(obj, name) for name in names))
        cache = self.__dict__.setdefault("_constraint_results", {})
        if key not in cache:
            try:
                obj.validate_constraints(exclude=exclude)
                cache[key] = {}
            except ValidationError as error:
                cache[key] = error.update_error_dict({})
        for name, messages in cache[key].items():
            errors.setdefault(name, []).extend(messages)
        if errors:
            raise ValidationError(errors)

    def _describe(self):
        for spec in [*self.priority_specs, *self.action_specs, *self.indicator_specs]:
            change = RecordChange(spec.record, spec.key, REJECTED, spec.row.sheet, spec.row.number)
            if not spec.rejected:
                change.fields = self._differences(spec)
                if spec.existing is None:
                    change.outcome = ADD
                else:
                    change.outcome = CHANGE if change.fields else UNCHANGED
            spec.change = change
            self.result.changes.append(change)
        in_file = {spec.key for spec in self.action_specs}
        self.result.not_in_file = (
            [ref for ref in self.actions if ref not in in_file] if self.action_specs else []
        )

    def _differences(self, spec):
        """(label, old, new) for each field the file changes (everything, for a new record)."""
        model = type(self._model_for(spec))
        existing = spec.existing
        differences = []
        for name, value in spec.values.items():
            model_field = model._meta.get_field(name)
            if name == "priority":
                continue
            old = getattr(existing, name) if existing is not None else None
            if model_field.many_to_one:
                same = (old.pk if old else None) == (value.pk if value else None)
            elif isinstance(old, Decimal) and isinstance(value, Decimal):
                same = old == value
            else:
                same = old == value
            if not same and not (existing is None and value in ("", None)):
                differences.append(
                    (
                        str(model_field.verbose_name).capitalize(),
                        self._word(model_field, old),
                        self._word(model_field, value),
                    )
                )
        priority_spec = spec.extra.get("priority")
        if spec.record in ("Action", "Indicator") and priority_spec is not None:
            old_number = existing.priority.number if existing is not None else None
            if old_number != priority_spec.extra["number"]:
                differences.append(("Priority", old_number, priority_spec.extra["number"]))
        if "partners" in spec.extra:
            old = sorted(o.name for o in existing.partners.all()) if existing is not None else []
            new = sorted((o.name if o else name) for name, o in spec.extra["partners"])
            if old != new:
                differences.append(("Partners", ", ".join(old), ", ".join(new)))
        if "update" in spec.extra:
            update = spec.extra["update"]
            old = Status(existing.status).label if existing is not None else None
            differences.append(
                (
                    "New progress update",
                    old,
                    f"{update['status'].label} ({update['date']:%-d %B %Y}): {update['narrative']}",
                )
            )
        return differences

    @staticmethod
    def _word(model_field, value):
        if value == TBC_DATE:
            return "To be confirmed"
        if model_field.choices and value is not None:
            return dict(model_field.flatchoices).get(value, value)
        if isinstance(value, Decimal):
            return f"{value.normalize():f}"
        if isinstance(value, date):
            return f"{value:%-d %B %Y}"
        return value

    # --- Writing --------------------------------------------------------------------------------------
    def _save(self, obj, user):
        obj._history_user = user
        obj.save()

    def _write(self, user):
        if self.replace:
            plan = Plan.current() or Plan.objects.create(
                title=Partnership.current().plan_called or "The plan"
            )
            plan.supersede(by=user)
        self._write_partnership(user)
        for spec in self.priority_specs:
            if spec.change.outcome in (ADD, CHANGE):
                priority = self._model_for(spec)
                self._save(priority, user)
                spec.saved = priority
            else:
                spec.saved = spec.existing
        added = []  # new actions are written in bulk: a 500-action plan in a few queries
        for spec in self.action_specs:
            if spec.change.outcome not in (ADD, CHANGE):
                continue
            action = self._model_for(spec)
            if spec.extra["priority"] is not None:
                action.priority = spec.extra["priority"].saved
            update = None
            if "update" in spec.extra:
                update = ProgressUpdate(action=action, author=user, **spec.extra["update"])
            if spec.change.outcome == ADD:
                action.ref_sort = natural_sort_key(
                    action.ref
                )  # what Action.save() sets; bulk_create skips it
                action.status, action.completed_on, action.last_update_on = Action.status_given_by(update)
                added.append((spec, action, update))
                continue
            action.version = spec.existing.version + 1
            self._save(action, user)
            if "partners" in spec.extra:
                action.partners.set(
                    [self._organisation(name, organisation) for name, organisation in spec.extra["partners"]]
                )
            if update is not None:
                update.save()
                action._history_user = user
                action.refresh_status()
        bulk_create_with_history([action for _, action, _ in added], Action, default_user=user)
        ProgressUpdate.objects.bulk_create([update for _, _, update in added if update is not None])
        Partner = Action.partners.through
        Partner.objects.bulk_create(
            Partner(action_id=action.pk, organisation_id=self._organisation(name, organisation).pk)
            for spec, action, _ in added
            for name, organisation in spec.extra.get("partners", [])
        )
        for spec in self.indicator_specs:
            if spec.change.outcome not in (ADD, CHANGE):
                continue
            indicator = self._model_for(spec)
            if spec.extra["priority"] is not None:
                indicator.priority = spec.extra["priority"].saved
            self._save(indicator, user)

    def _organisation(self, name, organisation):
        if organisation is not None:
            return organisation
        if name.casefold() in self.organisations:
            return self.organisations[name.casefold()]
        code = base = slugify(name)[:36] or "partner"
        counter = 2
        while Organisation.objects.filter(code=code).exists():
            code, counter = f"{base}-{counter}", counter + 1
        organisation = Organisation.objects.create(code=code, name=name)
        self.organisations[name.casefold()] = organisation
        return organisation
