"""Reading the values real plans contain: each reader returns the value or raises ValueProblem with a
message a person can act on."""

import calendar
import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from actions.models import TBC_DATE, DatePrecision, LeadOrganisation, PriorityKind, Status
from indicators.models import Direction, Unit
from indicators.status import Frequency


class ValueProblem(Exception):
    """A cell that cannot be read; the message says what was expected."""


MONTHS = {name.lower(): number for number, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): number for number, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
TBC_WORDS = {"tbc", "tbd", "to be confirmed", "to be decided", "to be agreed", "tba", "ongoing", "n/a"}


def text(value):
    """A cell as text ("" when empty); whole numbers lose Excel's '.0'."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    return str(value).strip()


def _year(digits):
    number = int(digits)
    return 2000 + number if number < 100 else number


def plan_date(value, *, start=False):
    """(date, precision) from a cell: a real date, '31/05/2025', '2025-05-31', '2025-05', 'May 25',
    'May 2025', '2026' or 'TBC'. A period is stored as its last day (its first for a start date)."""
    if isinstance(value, datetime):
        return value.date(), DatePrecision.DAY
    if isinstance(value, date):
        return value, DatePrecision.DAY
    if isinstance(value, int | float) and 1900 <= value <= 2100 and float(value).is_integer():
        return _period(int(value), None, start)
    words = text(value).lower().rstrip(".")
    if not words:
        return None, None
    if words in TBC_WORDS:
        return (None if start else TBC_DATE), DatePrecision.TBC
    try:
        if match := re.fullmatch(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})", words):  # UK order
            day, month, year = match.groups()
            return date(_year(year), int(month), int(day)), DatePrecision.DAY
        if match := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t]00:00(?::00)?)?", words):
            year, month, day = match.groups()
            return date(int(year), int(month), int(day)), DatePrecision.DAY
        if match := re.fullmatch(r"(\d{4})[-/](\d{1,2})", words):
            return _period(int(match[1]), int(match[2]), start)
        if match := re.fullmatch(r"(\d{1,2})[/\-](\d{4})", words):
            return _period(int(match[2]), int(match[1]), start)
        if match := re.fullmatch(r"(?:end(?: of)? )?([a-z]+)[ \-']*(\d{2}|\d{4})", words):
            if match[1] in MONTHS:
                return _period(_year(match[2]), MONTHS[match[1]], start)
        if match := re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)? ([a-z]+),? (\d{2}|\d{4})", words):
            if match[2] in MONTHS:
                return date(_year(match[3]), MONTHS[match[2]], int(match[1])), DatePrecision.DAY
        if match := re.fullmatch(r"(?:end(?: of)? )?(\d{4})", words):
            return _period(int(match[1]), None, start)
    except ValueError as error:
        raise ValueProblem(f"'{text(value)}' is not a real date") from error
    raise ValueProblem(
        f"Cannot read '{text(value)}' as a date: write it like 31/05/2025, May 2025, 2026 or TBC"
    )


def _period(year, month, start):
    if month is not None and not 1 <= month <= 12:
        raise ValueProblem(f"{month} is not a month")
    if not 2000 <= year <= 2100:
        raise ValueProblem(f"{year} is not a year a plan runs to")
    if month is None:
        return (date(year, 1, 1) if start else date(year, 12, 31)), DatePrecision.YEAR
    last = calendar.monthrange(year, month)[1]
    return (date(year, month, 1) if start else date(year, month, last)), DatePrecision.MONTH


def date_cell(value, precision=DatePrecision.DAY):
    """A stored date as the export writes it: a real date, or the words the importer reads back."""
    if value is None:
        return None
    if precision == DatePrecision.TBC or value == TBC_DATE:
        return "TBC"
    if precision == DatePrecision.YEAR:
        return f"{value:%Y}"
    if precision == DatePrecision.MONTH:
        return f"{value:%Y-%m}"
    return value


STATUS_WORDS = {
    "green": Status.ON_TRACK,
    "on track": Status.ON_TRACK,
    "on target": Status.ON_TRACK,
    "in progress": Status.ON_TRACK,
    "amber": Status.AT_RISK,
    "at risk": Status.AT_RISK,
    "amber/green": Status.AT_RISK,
    "red/amber": Status.OFF_TRACK,
    "red": Status.OFF_TRACK,
    "off track": Status.OFF_TRACK,
    "delayed": Status.OFF_TRACK,
    "blue": Status.COMPLETE,
    "complete": Status.COMPLETE,
    "completed": Status.COMPLETE,
    "done": Status.COMPLETE,
    "achieved": Status.COMPLETE,
    "grey": Status.NOT_STARTED,
    "gray": Status.NOT_STARTED,
    "not started": Status.NOT_STARTED,
    "not yet started": Status.NOT_STARTED,
}


def _words(value):
    return re.sub(r"[\s_\-]+", " ", text(value).lower()).strip()


def status(value):
    """A Status from a RAG word or a label: 'Green', 'Amber', 'On track', 'Complete'. None when empty."""
    words = _words(value)
    if not words:
        return None
    for choice in Status:
        if words in (choice.value.replace("_", " "), choice.label.lower()):
            return choice
    if words in STATUS_WORDS:
        return STATUS_WORDS[words]
    raise ValueProblem(
        f"Cannot read '{text(value)}' as a status: use a RAG colour (Red, Amber, Green, Blue for complete) "
        "or On track, At risk, Off track, Complete, Not started"
    )


UNIT_WORDS = {
    "%": Unit.PERCENT,
    "percent": Unit.PERCENT,
    "per cent": Unit.PERCENT,
    "percentage": Unit.PERCENT,
    "rate": Unit.PERCENT,
    "number": Unit.COUNT,
    "count": Unit.COUNT,
    "no": Unit.COUNT,
    "people": Unit.COUNT,
    "children": Unit.COUNT,
    "week": Unit.WEEKS,
    "weeks": Unit.WEEKS,
    "day": Unit.DAYS,
    "days": Unit.DAYS,
}


def unit(value):
    words = _words(value).rstrip(".")
    if not words:
        return None
    for choice in Unit:
        if words in (choice.value, choice.label.lower()):
            return choice
    if words in UNIT_WORDS:
        return UNIT_WORDS[words]
    raise ValueProblem(f"Cannot read '{text(value)}' as a unit: use Percentage, Count, Weeks or Days")


def direction(value):
    words = _words(value)
    if not words:
        return None
    if words in ("higher is better", "higher_is_better", "increase", "higher", "up"):
        return Direction.HIGHER_IS_BETTER
    if words in ("lower is better", "lower_is_better", "decrease", "reduce", "lower", "down"):
        return Direction.LOWER_IS_BETTER
    raise ValueProblem(f"Cannot read '{text(value)}' as a direction: use Higher is better or Lower is better")


def frequency(value):
    words = _words(value)
    if not words:
        return None
    for choice in Frequency:
        if words in (choice.value, choice.label.lower()):
            return choice
    raise ValueProblem(
        f"Cannot read '{text(value)}' as a frequency: use one of {', '.join(f.label for f in Frequency)}"
    )


def priority_kind(value):
    words = _words(value)
    if not words:
        return None
    for choice in PriorityKind:
        if words in (choice.value.replace("_", " "), choice.label.lower()):
            return choice
    if "improvement" in words:
        return PriorityKind.AREA_FOR_IMPROVEMENT
    return PriorityKind.PRIORITY_ACTION  # "area of significant weakness", "theme", "workstream"


def lead_organisation(value):
    words = _words(value)
    if not words:
        return None
    for choice in LeadOrganisation:
        if words in (choice.value, choice.label.lower()):
            return choice
    if words in ("la", "local authority", "county council", "the council") or words.endswith(" council"):
        return LeadOrganisation.COUNCIL
    if words in ("nhs", "health") or "icb" in words or "integrated care board" in words:
        return (
            LeadOrganisation.JOINT if ("council" in words or "la" in words.split()) else LeadOrganisation.ICB
        )
    if words in ("joint", "partnership", "both", "la and icb", "la/icb", "la / icb"):
        return LeadOrganisation.JOINT
    return LeadOrganisation.OTHER


def number(value):
    """A Decimal from a cell: 42, '42', '17.5%', '1,801'. None when empty."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return Decimal(str(value))
    cleaned = text(value).replace(",", "").rstrip("%").strip()
    try:
        return Decimal(cleaned)
    except InvalidOperation as error:
        raise ValueProblem(f"Cannot read '{text(value)}' as a number") from error


NOT_SET_WORDS = {"to be set", "tbc", "tbd", "to be confirmed", "not set", "not yet set", "n/a", "unknown"}


def is_not_set(value):
    return _words(value) in NOT_SET_WORDS


RELATIVE = re.compile(
    r"(?P<amount>\d+(?:\.\d+)?)\s*%\s*(?P<way>fewer|less|lower|reduction|decrease|more|higher|increase)",
    re.IGNORECASE,
)


def relative_target(value):
    """(fraction, direction) from a relative target such as '50% fewer' or '10% more', else None."""
    match = RELATIVE.search(text(value))
    if match is None:
        return None
    fraction = Decimal(match["amount"]) / 100
    lower = match["way"].lower() in ("fewer", "less", "lower", "reduction", "decrease")
    return fraction, Direction.LOWER_IS_BETTER if lower else Direction.HIGHER_IS_BETTER


def names(value):
    """The people in a cell that names several: 'A; B', 'A / B', 'A and B', one a line."""
    parts = re.split(r"\s*(?:;|\n|/|&|\band\b)\s*", text(value))
    return [part.strip(" ,") for part in parts if part.strip(" ,")]


def listed(value):
    """Lines of a list cell: one a line, or bullet points, or separated by semicolons."""
    lines = re.split(r"\s*(?:\n|;|•)\s*", text(value))
    return [line.lstrip("-*• ").strip() for line in lines if line.lstrip("-*• ").strip()]
