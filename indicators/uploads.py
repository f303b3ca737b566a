"""Upload indicator values from a CSV file: read it, check every row, show a preview, save on confirm.

**The file.** The first row names the columns `indicator code`, `period end` and `value`, and optionally
`note` (case, spaces, hyphens and underscores do not matter; `code` and `notes` also work). Each further
row is one value. A period end is a date like 31/01/2026 or 2026-01-31; a value is read by
`Indicator.parse_value`, as the record form reads it: "9480", "9,480" or "9480.0", and "17.5%" or
"12.5 weeks" as the indicator page shows them. A comma is read only between groups of three digits, so
"9,7" is refused ("use a point for decimals: 9.7"), never read as 97.

**Encodings.** UTF-8, with or without a byte-order mark (Excel's "CSV UTF-8"), is read as it is. A file
that is not UTF-8 is read as Windows-1252, which is what Excel's older "CSV (Comma delimited)" writes on a
council laptop, and the preview says so, so that a wrongly read accented letter in a note is noticed
before saving. UTF-16 ("Unicode Text"), Excel workbooks and other binary files are refused with a message
that says how to save the file instead. Nothing about a refused file is kept.

**Each row** is added, changed (a correction of a value already recorded: the history keeps the old one),
left alone when it matches what is recorded, or rejected with the reason: an unknown indicator, one the
person may not record (the same rule as the record page: `Indicator.objects.recordable_by`), a date or
value that cannot be read, a period that has not ended, a value that makes no sense for the unit, or a
period the file gives twice. A row with no value is left alone, so a template can be filled in part.

**Preview, then confirm.** Nothing is written when the file is uploaded. The rows read from it travel in
the preview's form as a signed payload (django.core.signing: salted, bound to the person, valid for an
hour), so nothing is kept on the server between the two steps. Confirming checks every row again against
the database as it is then; if any row's outcome has changed since the preview (someone recorded a value
meanwhile), nothing is saved and the new preview is shown instead.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from indicators.models import (
    EARLIEST_PERIOD_END,
    EARLIEST_PERIOD_END_MESSAGE,
    Indicator,
    Measurement,
    Outcome,
)

MAX_BYTES = 1024 * 1024
MAX_SIZE = "1 MB"
MAX_ROWS = 5000
PAYLOAD_SALT = "indicators.upload"
PAYLOAD_MAX_AGE = 60 * 60  # seconds a preview can be confirmed for
CORRECTION_REASON = "CSV upload"

# Column names as people write them (after normalise_header) -> the field they give.
COLUMNS = {
    "indicator code": "code",
    "indicator": "code",
    "code": "code",
    "period end": "period_end",
    "period end date": "period_end",
    "period ending": "period_end",
    "value": "value",
    "note": "note",
    "notes": "note",
}
TEMPLATE_COLUMNS = ["indicator code", "period end", "value", "note"]  # the template's header row
REQUIRED = {"code": "indicator code", "period_end": "period end", "value": "value"}
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y", "%d %b %Y", "%d %B %Y"]
SAVE_AS = "In Excel, choose File, Save As, 'CSV UTF-8 (Comma delimited)', then upload that file."


class UploadError(Exception):
    """A problem with the whole file; the message says what is wrong and how to fix it."""


@dataclass
class ParsedFile:
    """The rows read from a file, as text, with how the file was decoded."""

    rows: list  # [{"number", "code", "period_end", "value", "note"}], texts as in the file
    encoding: str  # "UTF-8" or "Windows-1252"


@dataclass
class CheckedRow:
    """One row of the file and what saving it would do."""

    number: int  # the row's line in the file; the column names are line 1
    code: str
    period_end_text: str
    value_text: str
    note: str
    outcome: Outcome = Outcome.REJECTED
    reason: str = ""
    indicator: Indicator | None = None
    period_end: date | None = None
    value: Decimal | None = None
    old_value: Decimal | None = None
    version: int | None = None  # of the value recorded when the row was checked; None when there is none

    @property
    def will_save(self):
        return self.outcome in (Outcome.ADDED, Outcome.CORRECTED)

    @property
    def period_end_display(self):
        """The period end as read (e.g. '31 Jan 2026'), or as written when it could not be read."""
        if self.period_end is not None:
            return f"{self.period_end:%-d %b %Y}"
        return self.period_end_text or "(empty)"

    @property
    def value_display(self):
        """The value with its unit (e.g. '17.5%'), or as written when it could not be read."""
        if self.value is not None and self.indicator is not None:
            return self.indicator.format_value(self.value)
        return self.value_text or "(empty)"


@dataclass
class Preview:
    """Every checked row, with counts by outcome and a fingerprint to compare with a later check."""

    rows: list = field(default_factory=list)

    def count(self, outcome):
        return sum(1 for row in self.rows if row.outcome == outcome)

    @property
    def counts(self):
        """(outcome, number of rows) for each outcome, in the order Add, Change, No change, Reject."""
        return [(outcome, self.count(outcome)) for outcome in Outcome]

    @property
    def to_save(self):
        return [row for row in self.rows if row.will_save]

    @property
    def fingerprint(self):
        """What the preview promises, row by row: compared again when the person confirms."""
        return [[row.number, row.outcome.value, str(row.old_value or "")] for row in self.rows]


# --- Reading the file ---------------------------------------------------------------------------------
def decode(data):
    """The file's text and encoding name; UploadError for an empty, binary or UTF-16 file."""
    if not data.strip():
        raise UploadError("The selected file is empty.")
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UploadError(f"The selected file is an Excel workbook, not a CSV file. {SAVE_AS}")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data:
        raise UploadError(
            f"The selected file is saved as UTF-16 ('Unicode Text') or is not a text file. {SAVE_AS}"
        )
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        raise UploadError(f"The characters in the selected file cannot be read. {SAVE_AS}") from None


def normalise_header(name):
    return re.sub(r"[\s_\-]+", " ", name.strip().lower()).strip()


def read_csv(data):
    """ParsedFile from the uploaded bytes; UploadError when the file as a whole cannot be used."""
    text, encoding = decode(data)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        lines = [(reader.line_num, cells) for cells in reader]
    except csv.Error as error:
        raise UploadError(
            f"The selected file is not a valid CSV file (line {reader.line_num}: {error})."
        ) from None
    lines = [(number, cells) for number, cells in lines if any(cell.strip() for cell in cells)]
    if not lines:
        raise UploadError("The selected file is empty.")
    header_line, header = lines[0]
    positions = {}
    for index, name in enumerate(header):
        column = COLUMNS.get(normalise_header(name))
        if column and column not in positions:
            positions[column] = index
    missing = [label for column, label in REQUIRED.items() if column not in positions]
    if missing:
        raise UploadError(
            "The first row of the file must name the columns indicator code, period end and value "
            f"(and optionally note). This file has no {' or '.join(repr(m) for m in missing)} column."
        )
    rows = []
    for number, cells in lines[1:]:
        row = {"number": number}
        for column in ("code", "period_end", "value", "note"):
            index = positions.get(column)
            row[column] = cells[index].strip() if index is not None and index < len(cells) else ""
        rows.append(row)
    if not rows:
        raise UploadError("The selected file has column names but no rows of values under them.")
    if len(rows) > MAX_ROWS:
        raise UploadError(f"The selected file has {len(rows):,} rows; upload at most {MAX_ROWS:,} at a time.")
    return ParsedFile(rows=rows, encoding=encoding)


def parse_date(text):
    text = re.sub(r"\s+00:00(:00)?$", "", text.strip())  # Excel's midnight on a date
    for date_format in DATE_FORMATS:
        try:
            return datetime.strptime(text, date_format).date()
        except ValueError:
            continue
    return None


# --- Checking the rows --------------------------------------------------------------------------------
def check_rows(rows, user, today=None):
    """A Preview of what saving `rows` (ParsedFile.rows) would do for `user`. Three queries in all."""
    today = today or timezone.localdate()
    codes = {row["code"].lower() for row in rows if row["code"]}
    indicators = {  # a plan has tens of indicators: one query for all of them beats matching codes in SQL
        indicator.code.lower(): indicator
        for indicator in Indicator.objects.select_related("priority")
        if indicator.code.lower() in codes
    }
    recordable = set(
        Indicator.objects.recordable_by(user)
        .filter(pk__in=[i.pk for i in indicators.values()])
        .values_list("pk", flat=True)
    )
    recorded = {
        (m.indicator_id, m.period_end): m
        for m in Measurement.objects.filter(indicator__in=list(indicators.values())).only(
            "indicator_id", "period_end", "value", "note", "version"
        )
    }
    preview = Preview()
    seen = {}
    for raw in rows:
        row = CheckedRow(
            number=raw["number"],
            code=raw["code"],
            period_end_text=raw["period_end"],
            value_text=raw["value"],
            note=raw["note"],
        )
        row.outcome, row.reason = _check(row, indicators, recordable, recorded, seen, today)
        preview.rows.append(row)
    return preview


def _check(row, indicators, recordable, recorded, seen, today):
    """(Outcome, reason) for one row; fills in the row's indicator, date, value and old value."""
    if not row.code:
        return Outcome.REJECTED, "Enter the indicator code."
    row.indicator = indicators.get(row.code.lower())
    if row.indicator is None:
        return Outcome.REJECTED, f"There is no indicator with the code '{row.code}'."
    if row.indicator.pk not in recordable:
        return (
            Outcome.REJECTED,
            f"You cannot record values for {row.indicator.code}: only "
            + (
                f"the workstream lead of priority {row.indicator.priority.number}, "
                if row.indicator.priority_id
                else ""
            )
            + "the Operations Group and administrators can.",
        )
    row.period_end = parse_date(row.period_end_text)
    if row.period_end is None:
        return Outcome.REJECTED, "Enter the period end as a date, for example 31/01/2026 or 2026-01-31."
    if row.period_end > today:
        return Outcome.REJECTED, f"The period ending {row.period_end:%-d %B %Y} has not ended yet."
    if row.period_end < EARLIEST_PERIOD_END:
        return Outcome.REJECTED, f"{EARLIEST_PERIOD_END_MESSAGE}."
    if not row.value_text:
        return Outcome.UNCHANGED, "No value given: nothing is recorded for this row."
    try:
        row.value = row.indicator.parse_value(row.value_text)
        row.indicator.validate_value(row.value)
    except ValidationError as error:
        row.value = None  # shown as written
        return Outcome.REJECTED, " ".join(error.messages)
    key = (row.indicator.pk, row.period_end)
    if key in seen:
        return (
            Outcome.REJECTED,
            f"Row {seen[key]} already gives {row.indicator.code} a value for the period ending "
            f"{row.period_end:%-d %B %Y}; give each period once.",
        )
    seen[key] = row.number
    existing = recorded.get(key)
    if existing is None:
        return Outcome.ADDED, ""
    row.old_value, row.version = existing.value, existing.version
    if existing.value == row.value and (not row.note or row.note == existing.note):
        return Outcome.UNCHANGED, "This value is already recorded."
    return Outcome.CORRECTED, f"Replaces {row.indicator.format_value(existing.value)}."


# --- Saving -------------------------------------------------------------------------------------------
def save(preview, user):
    """Record every row the preview adds or changes, in one transaction. Returns {Outcome: count}.

    Each row is saved only over the value it was checked against (none, or the version it replaces):
    when someone else recorded or corrected one meanwhile, StaleEdit is raised and nothing is saved."""
    done = {Outcome.ADDED: 0, Outcome.CORRECTED: 0}
    with transaction.atomic():
        for row in preview.to_save:
            _, outcome = row.indicator.record_value(
                period_end=row.period_end,
                value=row.value,
                note=row.note,
                by=user,
                correct=True,
                reason=CORRECTION_REASON,
                expected_version=row.version,
            )
            if outcome in done:
                done[outcome] += 1
    return done


# --- Between preview and confirm ----------------------------------------------------------------------
def dumps(parsed, preview, user, filename):
    """The signed payload the preview form carries: the rows as read, and what the preview promised."""
    return signing.dumps(
        {
            "user": user.pk,
            "file": filename,
            "encoding": parsed.encoding,
            "rows": parsed.rows,
            "promised": preview.fingerprint,
        },
        salt=PAYLOAD_SALT,
        compress=True,
    )


def loads(payload, user):
    """The payload's contents, or UploadError when it is tampered with, expired or someone else's."""
    try:
        data = signing.loads(payload, salt=PAYLOAD_SALT, max_age=PAYLOAD_MAX_AGE)
    except signing.SignatureExpired:
        raise UploadError("This preview is more than an hour old. Upload the file again.") from None
    except signing.BadSignature:
        raise UploadError("This preview cannot be read. Upload the file again.") from None
    if data.get("user") != user.pk:
        raise UploadError("This preview was made by someone else. Upload the file again.")
    return data
