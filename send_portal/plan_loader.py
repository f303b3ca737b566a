"""Load a plan file (YAML) into the portal: people, priorities, actions, indicators and governance.

The file's shape is the one in send_portal/data/plan.yaml (sections `partnership`, `people`,
`priorities`, `actions`, `indicators`, `groups`, `meetings`, `escalations`). The loader is idempotent: each record is
matched on its natural key (an action's ref, an indicator's code, a meeting's group, date and title),
created when missing, saved only when a value differs, and otherwise left alone. Running it twice
therefore changes nothing and adds no history. Everything happens in one transaction, so a problem
anywhere in the file loads nothing, and the error names the entry and field at fault.

This is a project-level operation that spans every app, like the project's urls, so it lives here
rather than in one app. `manage.py load_plan` is its command-line front end.
"""

import calendar
import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml
from django.contrib.auth.models import Group as Role
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import capfirst, slugify

from actions.models import Action, LeadOrganisation, Plan, Priority, PriorityKind, ProgressUpdate, Status
from governance.models import (
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Decision,
    Escalation,
    FeedbackItem,
    Group,
    GroupKind,
    Meeting,
    MeetingAction,
    MeetingActionStatus,
    MeetingKind,
    MeetingStatus,
)
from indicators.models import Direction, Frequency, Indicator, Measurement, Provenance, Unit
from send_portal.models import Organisation, OrganisationKind, User
from send_portal.roles import ADMINISTRATOR, ROLE_KEYS, ensure_roles

# yaml.safe_load's rules, with libyaml's parser when PyYAML has it (ten times faster on the plan file).
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
DEFAULT_PLAN_FILE = Path(__file__).resolve().parent / "data" / "plan.yaml"
DEMO_PASSWORD = "demo-password-2025"
REVISION_REASON_PLACEHOLDER = "Revised date recorded in the plan file; reason not given."

SECTIONS = [
    "partnership",
    "people",
    "priorities",
    "actions",
    "indicators",
    "groups",
    "meetings",
    "escalations",
]

# The plan file's `lead_org` values; anything else is another partner.
LEAD_ORGANISATIONS = {
    "LA": LeadOrganisation.COUNCIL,
    "ICB": LeadOrganisation.ICB,
    "Joint": LeadOrganisation.JOINT,
}
# Organisation kinds the plan file's codes imply, when an organisation does not give its `kind`.
ORGANISATION_KINDS = {"la": OrganisationKind.COUNCIL, "icb": OrganisationKind.ICB}
# Meeting actions that are finished, and so get a closing date.
CLOSED_MEETING_ACTIONS = {MeetingActionStatus.DONE, MeetingActionStatus.DROPPED}

# Rows the loader writes, in the order it writes them (the order of the summary).
LOAD_ORDER = [
    Organisation,
    User,
    Plan,
    Priority,
    Action,
    ProgressUpdate,
    Indicator,
    Measurement,
    Group,
    Meeting,
    Attendance,
    AgendaItem,
    Decision,
    MeetingAction,
    FeedbackItem,
    Escalation,
]

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


class PlanFileError(Exception):
    """A problem in the plan file. The message names the entry and field at fault."""


# --- What a load did ----------------------------------------------------------------------------------
@dataclass
class Tally:
    """How many rows of one model a load created, updated and left unchanged."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class LoadReport:
    """What one load did: a tally per model, notes worth reading, and the demo logins it set."""

    tallies: dict = field(default_factory=lambda: {model: Tally() for model in LOAD_ORDER})
    notes: list = field(default_factory=list)
    demo_logins: list = field(default_factory=list)  # (username, job title, role names)
    skipped: bool = False  # the file was already loaded as it is (load_plan's skip_if_loaded)
    months_moved: int = 0  # how far the file's dates were moved (load_plan's move_dates)

    def record(self, model, outcome):
        tally = self.tallies[model]
        setattr(tally, outcome, getattr(tally, outcome) + 1)

    def upgrade(self, model, outcome):
        """Recount a row first recorded as unchanged as updated, because a later step changed it."""
        if outcome == UNCHANGED:
            self.tallies[model].unchanged -= 1
            self.tallies[model].updated += 1

    @property
    def changed(self):
        """How many rows were created or updated in all."""
        return sum(tally.created + tally.updated for tally in self.tallies.values())

    def summary_lines(self):
        """One line per model, e.g. 'Actions: 36 created, 0 updated, 0 unchanged'."""
        lines = []
        for model, tally in self.tallies.items():
            name = capfirst(model._meta.verbose_name_plural)
            lines.append(
                f"{name}: {tally.created} created, {tally.updated} updated, {tally.unchanged} unchanged"
            )
        return lines


# --- Reading the file ---------------------------------------------------------------------------------
def _show(value):
    """A value as an error message quotes it: 'soon', 2025-06-30, a list."""
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "nothing"
    return str(value)


class Entry:
    """One mapping from the plan file, read field by field; every error says where the problem is.

    `label` names the entry in messages, e.g. "actions[3] (P1.4)". `prefix` is the path of a nested
    mapping, so a field reads as 'baseline.date'. The root entry (the whole file) does not put its own
    label in front of its sections' labels.
    """

    def __init__(self, data, label, *, prefix="", is_root=False):
        if not isinstance(data, dict):
            raise PlanFileError(f"{label}: expected a mapping of field names to values, got {_show(data)}")
        self.data = data
        self.label = label
        self.prefix = prefix
        self.is_root = is_root

    def has(self, key):
        return key in self.data

    def error(self, key, problem):
        return PlanFileError(f"{self.label}: field '{self.prefix}{key}': {problem}")

    def _raw(self, key, required):
        value = self.data.get(key)
        if value is None and required:
            if key not in self.data:
                raise PlanFileError(f"{self.label}: missing field '{self.prefix}{key}'")
            raise self.error(key, "is empty")
        return value

    def text(self, key, required=True):
        """A piece of text ("" when an optional field is missing). Numbers are read as text."""
        value = self._raw(key, required)
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.error(key, f"expected text, got {_show(value)}")
        return str(value).strip()

    def date(self, key, required=True):
        """A date, written 2025-06-30 (None when an optional field is missing)."""
        value = self._raw(key, required)
        if value is None:
            return None
        if isinstance(value, date) and not isinstance(value, datetime):
            return value
        if isinstance(value, str):
            try:
                return date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise self.error(key, f"expected a date like 2025-06-30, got {_show(value)}")

    def integer(self, key, required=True):
        """A whole number (None when an optional field is missing)."""
        value = self._raw(key, required)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.error(key, f"expected a whole number, got {_show(value)}")
        return value

    def number(self, key, required=True):
        """A number as a Decimal, so 33.3 stays 33.3 (None when an optional field is missing)."""
        value = self._raw(key, required)
        if value is None:
            return None
        if not isinstance(value, bool) and isinstance(value, int | float | str):
            try:
                number = Decimal(str(value).strip())
            except InvalidOperation:
                pass
            else:
                if number.is_finite():
                    return number
        raise self.error(key, f"expected a number, got {_show(value)}")

    def boolean(self, key, default):
        """true or false; `default` when the field is missing."""
        value = self._raw(key, required=False)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self.error(key, f"expected true or false, got {_show(value)}")
        return value

    def choice(self, key, choices, default=None):
        """One of a TextChoices' values. Required unless a default is given."""
        value = self._raw(key, required=default is None)
        if value is None:
            return default
        if value not in choices.values:
            raise self.error(key, f"expected one of {', '.join(choices.values)}; got {_show(value)}")
        return choices(value)

    def texts(self, key):
        """A list of texts (empty when the field is missing)."""
        value = self._raw(key, required=False)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.error(key, f"expected a list, got {_show(value)}")
        items = []
        for item in value:
            if isinstance(item, bool) or not isinstance(item, str | int | float):
                raise self.error(key, f"expected a list of texts, but it holds {_show(item)}")
            items.append(str(item).strip())
        return items

    def mapping(self, key, required=True):
        """A nested mapping, e.g. an indicator's `baseline` (an empty one when optional and missing)."""
        value = self._raw(key, required)
        if value is None:
            value = {}
        if not isinstance(value, dict):
            raise self.error(key, f"expected a mapping of field names to values, got {_show(value)}")
        return Entry(value, self.label, prefix=f"{self.prefix}{key}.", is_root=self.is_root)

    def entries(self, key, name=None, required=False):
        """A list of mappings, each labelled by position and by `name`, e.g. "actions[3] (P1.4)".

        `name` is the key whose value identifies an entry, or a function of the entry's raw mapping.
        """
        value = self._raw(key, required)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.error(key, f"expected a list, got {_show(value)}")
        entries = []
        for index, item in enumerate(value):
            label = f"{self.prefix}{key}[{index}]"
            if not self.is_root:
                label = f"{self.label} {label}"
            identity = _identity(item, name)
            if identity:
                label = f"{label} ({identity})"
            entries.append(Entry(item, label))
        return entries


def _identity(item, name):
    """How an entry names itself in messages, or "" when it cannot (it is malformed)."""
    if name is None or not isinstance(item, dict):
        return ""
    if callable(name):
        return name(item)
    value = item.get(name)
    return str(value) if isinstance(value, str | int | date) and not isinstance(value, bool) else ""


def read_plan_file(path):
    """Parse a plan file; a missing file, bad YAML or a file that is not a mapping raises PlanFileError."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PlanFileError(f"There is no plan file at {path}.") from None
    except (OSError, UnicodeDecodeError) as error:
        raise PlanFileError(f"Cannot read the plan file {path}: {error}") from error
    try:
        data = yaml.load(text, Loader=SAFE_LOADER)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message = f"{path}: invalid YAML at line {mark.line + 1}, column {mark.column + 1}: "
        message += error.problem or error.context or "it is not valid YAML"
        if error.context and error.context_mark and error.problem_mark:
            message += f" ({error.context} that starts at line {error.context_mark.line + 1})"
        raise PlanFileError(message) from error
    except yaml.YAMLError as error:
        raise PlanFileError(f"{path}: invalid YAML: {error}") from error
    if not isinstance(data, dict):
        raise PlanFileError(
            f"{path}: a plan file is a mapping with sections such as 'priorities' and 'actions', "
            f"but this file holds {_show(data)}."
        )
    return data


def load_plan(
    path=DEFAULT_PLAN_FILE, *, demo_password=None, today=None, move_dates=False, skip_if_loaded=False
):
    """Load the plan file at `path` in one transaction and return a LoadReport.

    With `demo_password`, every person in the file gets that password, so the demo logins work; without
    it, new people get an unusable password. Raises PlanFileError, having loaded nothing, when the file
    is malformed or a record breaks a rule of the database.

    With `move_dates` (the demo), the file's dates are moved on by whole months so that the day its story
    stands at (`partnership.plan.as_of`) is today: see move_dates_to_today. A database that already holds
    a plan keeps the move it was first loaded with, so a later load updates the same rows.
    With `skip_if_loaded`, a file already loaded as it is now (the same bytes, move and demo password:
    Plan.loaded_fingerprint) is not loaded again; the report says `skipped`.
    """
    data = read_plan_file(path)
    today = today or timezone.localdate()
    current = Plan.current()
    months, note = 0, None
    if move_dates:
        months = months_to_today(data, today)
        if current is not None and current.dates_moved_months != months:
            kept = current.dates_moved_months
            note = (
                f"The plan in the database was loaded with its dates moved by {kept} months, so they stay "
                f"so (today's move would be {months}). To bring the demo to today, start from an empty "
                "database (delete db.sqlite3) and load it again."
            )
            months = kept
        data = move_dates_by(data, months)
    fingerprint = _fingerprint(path, months, demo_password)
    if skip_if_loaded and current is not None and current.loaded_fingerprint == fingerprint:
        report = LoadReport(skipped=True, months_moved=months)
    else:
        with transaction.atomic():
            report = PlanLoader(data, demo_password=demo_password, today=today).load()
            _remember_load(fingerprint, months)
        report.months_moved = months
    if note:
        report.notes.append(note)
    return report


def _fingerprint(path, months, demo_password):
    """What a load depends on, hashed: the file's bytes, the months its dates move and the demo password."""
    digest = hashlib.sha256(Path(path).read_bytes())
    digest.update(f"\0moved {months}\0".encode())
    digest.update((demo_password or "").encode())
    return digest.hexdigest()


def _remember_load(fingerprint, months):
    """Keep on the plan what was loaded (a bookkeeping field: no history row)."""
    plan = Plan.current()
    if plan is None or (plan.loaded_fingerprint, plan.dates_moved_months) == (fingerprint, months):
        return
    plan.loaded_fingerprint, plan.dates_moved_months = fingerprint, months
    plan.skip_history_when_saving = True
    try:
        plan.save(update_fields=["loaded_fingerprint", "dates_moved_months"])
    finally:
        del plan.skip_history_when_saving


# --- Moving the demo's dates to today -----------------------------------------------------------------
# Dates that are facts of the plan stay where they are: the `partnership` section's (the inspection
# report's publication, the plan's approvals). Every other date in the file moves.
FIXED_SECTIONS = {"partnership"}


def add_months(day, months):
    """`day` moved by whole months; a month's last day stays its month's last day (30 Nov to 28 Feb),
    and a day the target month lacks becomes its last (31 Jan + 1 month: 28 or 29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    if day.day == calendar.monthrange(day.year, day.month)[1]:
        return date(year, month + 1, last)
    return date(year, month + 1, min(day.day, last))


def months_to_today(data, today):
    """The whole months that bring the file's story day (`partnership.plan.as_of`) nearest to `today`
    without passing it; 0 when the file has no story day or its day is not past."""
    as_of = (
        Entry(data, "plan file", is_root=True)
        .mapping("partnership")
        .mapping("plan")
        .date("as_of", required=False)
    )
    if as_of is None or as_of >= today:
        return 0
    months = (today.year - as_of.year) * 12 + today.month - as_of.month
    return months if add_months(as_of, months) <= today else months - 1


def story_day(path, months_moved):
    """The day the plan file's story stands at once loaded: its `as_of` moved on by the months its dates
    were moved (today's month when moved, the file's own day when not); today when it has no `as_of`."""
    as_of = (
        Entry(read_plan_file(path), "plan file", is_root=True)
        .mapping("partnership")
        .mapping("plan")
        .date("as_of", required=False)
    )
    return add_months(as_of, months_moved) if as_of else timezone.localdate()


def move_dates_by(data, months):
    """A copy of the parsed plan file with every date outside FIXED_SECTIONS moved by `months`."""
    if not months:
        return data

    def moved(value):
        if isinstance(value, dict):
            return {key: moved(item) for key, item in value.items()}
        if isinstance(value, list):
            return [moved(item) for item in value]
        if isinstance(value, date) and not isinstance(value, datetime):
            return add_months(value, months)
        return value

    return {key: value if key in FIXED_SECTIONS else moved(value) for key, value in data.items()}


# --- Writing the database -----------------------------------------------------------------------------
def _same(obj, name, value):
    """Whether a model field already holds `value` (a foreign key is compared by id: no query)."""
    model_field = obj._meta.get_field(name)
    if model_field.many_to_one:
        return getattr(obj, model_field.attname) == (value.pk if value is not None else None)
    return getattr(obj, name) == value


def _default(value, default):
    """`value`, or `default` when the file left it out (None): unlike `or`, keeps a 0."""
    return default if value is None else value


def _describe(error):
    """A ValidationError as one readable line: "field 'due_date': Enter a valid date."."""
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    parts = []
    for name, messages in error.message_dict.items():
        text = " ".join(messages)
        parts.append(text if name == NON_FIELD_ERRORS else f"field '{name}': {text}")
    return "; ".join(parts)


class PlanLoader:
    """Writes one parsed plan file to the database. Call load_plan(), which adds the transaction."""

    def __init__(self, data, *, demo_password=None, today=None):
        self.root = Entry(data, "plan file", is_root=True)
        self.demo_password = demo_password
        self.today = today or timezone.localdate()
        self.report = LoadReport()
        self.organisations = {}  # code -> Organisation
        self.people = {}  # job title -> User, for linking the role texts used elsewhere in the file
        self.priority_leads = {}  # priority number -> (User, the person's entry)
        self.priorities = {}  # number -> Priority
        self.groups = {}  # slug -> Group

    def load(self):
        """Load every section, in dependency order, and return the LoadReport."""
        unknown = [key for key in self.root.data if key not in SECTIONS]
        if unknown:
            raise PlanFileError(f"plan file: unknown section '{unknown[0]}'; expected {', '.join(SECTIONS)}")
        self._load_organisations()
        self._load_people()
        self._load_plan()
        self._load_priorities()
        self._load_actions()
        self._load_indicators()
        self._load_groups()
        self._load_meetings()
        self._load_escalations()
        return self.report

    # --- Saving, one rule for every model ---------------------------------------------------------------
    def _save(self, obj, label):
        """Validate with full_clean() and save; any failure becomes a PlanFileError naming the entry.

        Fields the model sets itself (editable=False, e.g. an action's status) are not the file's to
        validate.
        """
        set_by_model = [f.name for f in obj._meta.concrete_fields if not f.editable]
        try:
            obj.full_clean(exclude=set_by_model)
            obj.save()
        except ValidationError as error:
            raise PlanFileError(f"{label}: {_describe(error)}") from error
        except IntegrityError as error:
            raise PlanFileError(f"{label}: the database refused it: {error}") from error

    def _update(self, obj, label, values, bump_version=False):
        """Set the values that differ and save; leave the row alone when none do. Returns the outcome."""
        changed = [name for name, value in values.items() if not _same(obj, name, value)]
        if not changed:
            return UNCHANGED
        for name in changed:
            setattr(obj, name, values[name])
        if bump_version:  # a form opened before this load now sees it is out of date
            obj.version += 1
        self._save(obj, label)
        return UPDATED

    def _upsert(self, model, label, lookup, values, bump_version=False):
        """Find the row by its natural key (`lookup`), then create or update it. Returns (row, outcome)."""
        obj = model.objects.filter(**lookup).first()
        if obj is None:
            obj = model(**lookup, **values)
            self._save(obj, label)
            outcome = CREATED
        else:
            outcome = self._update(obj, label, values, bump_version)
        self.report.record(model, outcome)
        return obj, outcome

    # --- Lookups between sections -----------------------------------------------------------------------
    def _person(self, title):
        """The person whose job title is exactly `title`, or None."""
        return self.people.get(title) if title else None

    def _priority(self, entry, key, required=True):
        number = entry.integer(key, required)
        if number is None:
            return None
        if number not in self.priorities:
            known = ", ".join(str(n) for n in self.priorities) or "none"
            raise entry.error(key, f"there is no priority {number} in the file's priorities (it has {known})")
        return self.priorities[number]

    def _group(self, entry, key):
        slug = entry.text(key)
        if slug not in self.groups:
            raise entry.error(key, f"there is no group '{slug}' in the file's groups")
        return self.groups[slug]

    @staticmethod
    def _check_unique(seen, key, entry, field_name):
        """Refuse a natural key used twice in one file (the second entry would overwrite the first)."""
        if key in seen:
            raise entry.error(field_name, f"{_show(key)} is already used by {seen[key]}")
        seen[key] = entry.label

    # --- Sections ---------------------------------------------------------------------------------------
    def _load_organisations(self):
        partnership = self.root.mapping("partnership")
        seen = {}
        for entry in partnership.entries("organisations", name="code"):
            code = entry.text("code")
            self._check_unique(seen, code, entry, "code")
            default_kind = ORGANISATION_KINDS.get(code.lower(), OrganisationKind.OTHER)
            values = {
                "name": entry.text("name"),
                "kind": entry.choice("kind", OrganisationKind, default_kind),
            }
            self.organisations[code], _ = self._upsert(Organisation, entry.label, {"code": code}, values)

    def _organisation(self, entry, key):
        """A person's organisation: a code from the partnership, or a name that becomes an organisation."""
        value = entry.text(key, required=False)
        if not value:
            return None
        if value in self.organisations:  # a partnership code, or a name already loaded
            return self.organisations[value]
        for organisation in list(self.organisations.values()):
            if organisation.name == value:  # a partnership organisation's full name
                self.organisations[value] = organisation
                return organisation
        code = slugify(value)
        if not code:
            raise entry.error(key, f"cannot make an organisation code from {_show(value)}")
        kind = slugify(value).replace("-", "_")
        values = {"name": value, "kind": kind if kind in OrganisationKind.values else OrganisationKind.OTHER}
        self.organisations[value], _ = self._upsert(Organisation, entry.label, {"code": code}, values)
        return self.organisations[value]

    def _load_people(self):
        ensure_roles()
        roles = {role.name: role for role in Role.objects.filter(name__in=ROLE_KEYS.values())}
        seen = {}
        in_file = {}
        for entry in self.root.entries("people", name="username"):
            username = entry.text("username")
            self._check_unique(seen, username.lower(), entry, "username")
            role_names = []
            for key in entry.texts("roles"):
                if key not in ROLE_KEYS:
                    raise entry.error("roles", f"unknown role {_show(key)}; expected {', '.join(ROLE_KEYS)}")
                role_names.append(ROLE_KEYS[key])
            values = {
                "job_title": entry.text("display_name"),
                "organisation": self._organisation(entry, "organisation"),
            }
            if ADMINISTRATOR in role_names:
                values.update(is_staff=True, is_superuser=True)
            user, outcome = self._save_person(entry, username, values)
            wanted = {roles[name] for name in role_names}
            held = set(user.groups.filter(name__in=ROLE_KEYS.values()))
            if wanted != held:  # the file's roles replace the portal roles; other groups are kept
                user.groups.remove(*(held - wanted))
                user.groups.add(*(wanted - held))
                self.report.upgrade(User, outcome)
            in_file[user.job_title] = user
            for number in entry.texts("leads_priorities"):
                if not number.isdigit():
                    raise entry.error("leads_priorities", f"expected priority numbers, got {_show(number)}")
                self.priority_leads[int(number)] = (user, entry)
            if self.demo_password:
                self.report.demo_logins.append((user.username, user.job_title, role_names))

        # Role texts elsewhere in the file link to the person with that job title: the file's people
        # first, then anyone else in the portal whose title is unique.
        titles = {}
        for user in User.objects.exclude(job_title=""):
            titles.setdefault(user.job_title, []).append(user)
        self.people = {title: users[0] for title, users in titles.items() if len(users) == 1}
        self.people.update(in_file)

    def _save_person(self, entry, username, values):
        """Create or update one person, and set the demo password when asked. Returns (user, outcome)."""
        user = User.objects.filter(username__iexact=username).first()
        if user is None:
            user = User(username=username, **values)
            if self.demo_password:
                user.set_password(self.demo_password)
            else:
                user.set_unusable_password()
            self._save(user, entry.label)
            outcome = CREATED
        else:
            outcome = self._update(user, entry.label, values)
            if self.demo_password and not user.check_password(self.demo_password):
                user.set_password(self.demo_password)
                self._save(user, entry.label)
                outcome = UPDATED
        self.report.record(User, outcome)
        return user, outcome

    def _load_plan(self):
        entry = self.root.mapping("partnership").mapping("plan")
        values = {
            "title": entry.text("title"),
            "inspection_published_on": entry.date("inspection_report_published", required=False),
            "inspection_outcome": entry.text("outcome", required=False),
            "approved_on": entry.date("approved_on", required=False),
            "ofsted_approved_on": entry.date("ofsted_approved_on", required=False),
            "is_demonstration": entry.boolean("demonstration", default=False),
        }
        # The portal runs one plan: update the first, or create it.
        self._upsert(Plan, "partnership.plan", {}, values)

    def _load_priorities(self):
        seen = {}
        for entry in self.root.entries("priorities", name="number", required=True):
            number = entry.integer("number")
            self._check_unique(seen, number, entry, "number")
            workstream = entry.mapping("workstream", required=False)
            lead, _ = self.priority_leads.get(number, (None, None))
            if lead is None:
                lead = self._person(workstream.text("lead_role", required=False))
            values = {
                "kind": entry.choice("kind", PriorityKind, PriorityKind.PRIORITY_ACTION),
                "short_title": entry.text("short_title"),
                "statement": entry.text("statement"),
                "expected_impact": entry.text("expected_impact", required=False),
                "success_looks_like": "\n".join(entry.texts("success_looks_like")),
                "workstream_name": workstream.text("name", required=False),
                "lead": lead,
            }
            self.priorities[number], _ = self._upsert(Priority, entry.label, {"number": number}, values)
        for number, (_, entry) in self.priority_leads.items():
            if number not in self.priorities:
                raise entry.error(
                    "leads_priorities", f"there is no priority {number} in the file's priorities"
                )

    def _load_actions(self):
        seen = {}
        for entry in self.root.entries("actions", name="ref"):
            ref = entry.text("ref")
            self._check_unique(seen, ref, entry, "ref")
            lead_role = entry.text("lead_role", required=False)
            revised_due_date = entry.date("revised_due_date", required=False)
            revision_reason = entry.text("revision_reason", required=False)
            if revised_due_date and not revision_reason:
                revision_reason = REVISION_REASON_PLACEHOLDER
            values = {
                "priority": self._priority(entry, "priority"),
                "title": entry.text("title"),
                "description": entry.text("description", required=False),
                "lead": self._person(lead_role),
                "lead_role": lead_role,
                "lead_organisation": LEAD_ORGANISATIONS.get(
                    entry.text("lead_org", required=False), LeadOrganisation.OTHER
                ),
                "start_date": entry.date("start_date", required=False),
                "due_date": entry.date("due_date"),
                "revised_due_date": revised_due_date,
                "revision_reason": revision_reason,
                "expected_impact": entry.text("expected_impact", required=False),
            }
            status = entry.choice("status", Status)
            action, outcome = self._upsert(Action, entry.label, {"ref": ref}, values, bump_version=True)
            self._load_updates(entry, action, outcome, status)

    def _load_updates(self, entry, action, outcome, status):
        """Load an action's progress updates, then check its status agrees with the file."""
        updates_changed = False
        for update in entry.entries("updates", name="date"):
            author_role = update.text("author_role", required=False)
            lookup = {"action": action, "date": update.date("date"), "narrative": update.text("narrative")}
            values = {
                "status": update.choice("status", Status),
                "author": self._person(author_role),
                "author_role": author_role,
                "mitigation": update.text("mitigation", required=False),
                "next_steps": update.text("next_steps", required=False),
                "evidence_link": update.text("evidence_link", required=False),
            }
            _, update_outcome = self._upsert(ProgressUpdate, update.label, lookup, values)
            updates_changed = updates_changed or update_outcome != UNCHANGED
        # refresh_status() always saves (and so adds history): call it only when the updates changed.
        if updates_changed:
            before = (action.status, action.completed_on, action.last_update_on)
            action.refresh_status()
            if (action.status, action.completed_on, action.last_update_on) != before:
                self.report.upgrade(Action, outcome)
        if action.status != status:
            raise entry.error(
                "status",
                f"the file says {_show(status.value)}, but the action's latest progress update "
                f"gives {_show(action.status)}",
            )

    def _load_indicators(self):
        seen = {}
        for entry in self.root.entries("indicators", name="code"):
            code = entry.text("code")
            self._check_unique(seen, code, entry, "code")
            baseline = entry.mapping("baseline")
            target = entry.mapping("target")
            values = {
                "priority": self._priority(entry, "priority"),
                "name": entry.text("name"),
                "definition": entry.text("definition", required=False),
                "unit": entry.choice("unit", Unit),
                "direction": entry.choice("direction", Direction),
                "baseline_value": baseline.number("value"),
                "baseline_date": baseline.date("date"),
                "target_value": target.number("value"),
                "target_date": target.date("date"),
                "tolerance": entry.number("tolerance", required=False),
                "frequency": entry.choice("frequency", Frequency),
                "reporting_lag_days": _default(entry.integer("reporting_lag_days", required=False), 30),
                "source": entry.text("source", required=False),
                "provenance": entry.choice("provenance", Provenance),
                "note": entry.text("note", required=False),
            }
            indicator, _ = self._upsert(Indicator, entry.label, {"code": code}, values)
            for point in entry.entries("measurements", name="period_end"):
                lookup = {"indicator": indicator, "period_end": point.date("period_end")}
                values = {
                    "value": point.number("value"),
                    "is_illustrative": not point.boolean("real", default=True),
                    "note": point.text("note", required=False),
                }
                measurement, outcome = self._upsert(Measurement, point.label, lookup, values)
                if outcome == CREATED:
                    self._date_as_reported(measurement, indicator)

    def _date_as_reported(self, measurement, indicator):
        """A value loaded from the file counts as recorded when it was due to be reported (its period's
        end plus the indicator's reporting lag), not when the file was loaded, so 'what changed since the
        last meeting' tells the plan's story. The date only, never the value: no history is written."""
        reported = measurement.period_end + timedelta(days=indicator.reporting_lag_days)
        moment = min(timezone.make_aware(datetime.combine(reported, time(9))), timezone.now())
        Measurement.objects.filter(pk=measurement.pk).update(recorded_at=moment)

    def _load_groups(self):
        """Load the governance groups, each after the group it reports to."""
        pending = []
        seen = {}
        for entry in self.root.entries("groups", name="slug"):
            slug = entry.text("slug")
            self._check_unique(seen, slug, entry, "slug")
            pending.append((entry, slug, entry.text("reports_to", required=False)))
        for entry, _, reports_to in pending:
            if reports_to and reports_to not in seen:
                raise entry.error("reports_to", f"there is no group '{reports_to}' in the file's groups")
        while pending:
            ready = [item for item in pending if not item[2] or item[2] in self.groups]
            if not ready:
                raise pending[0][0].error("reports_to", "the groups report to each other in a loop")
            for entry, slug, reports_to in ready:
                self.groups[slug] = self._load_group(entry, slug, reports_to)
            pending = [item for item in pending if item not in ready]

    def _load_group(self, entry, slug, reports_to):
        chair_role = entry.text("chair_role", required=False)
        chair = self._person(chair_role)
        if chair_role and chair is None:
            self.report.notes.append(
                f"{entry.label}: nobody has the job title {_show(chair_role)}, so the group has no chair."
            )
        values = {
            "name": entry.text("name"),
            "kind": entry.choice("kind", GroupKind),
            "reports_to": self.groups[reports_to] if reports_to else None,
            "chair": chair,
            "priority": self._priority(entry, "priority", required=False),
            "meets": entry.text("meets", required=False),
        }
        group, outcome = self._upsert(Group, entry.label, {"slug": slug}, values)
        if entry.has("members"):  # members are left alone unless the file lists them
            members = set()
            for name in entry.texts("members"):
                person = User.objects.filter(username__iexact=name).first() or self._person(name)
                if person is None:
                    raise entry.error("members", f"nobody has the username or job title {_show(name)}")
                members.add(person)
            if members != set(group.members.all()):
                group.members.set(members)
                self.report.upgrade(Group, outcome)
        return group

    def _load_meetings(self):
        meetings = []
        seen = {}
        dates_by_group = {}
        for entry in self.root.entries("meetings", name=lambda m: f"{m.get('group')} {m.get('date')}"):
            group = self._group(entry, "group")
            meeting_date = entry.date("date")
            kind = entry.choice("kind", MeetingKind, MeetingKind.MEETING)
            # No title: the group and date name the meeting, as in the portal's form.
            title = entry.text("title", required=False)
            title = title or Meeting(group=group, date=meeting_date, kind=kind).default_title()
            self._check_unique(seen, f"{group.slug} {meeting_date} {title}", entry, "title")
            meetings.append((entry, group, meeting_date, title))
            dates_by_group.setdefault(group.slug, []).append(meeting_date)

        for entry, group, meeting_date, title in meetings:
            held = MeetingStatus.HELD if meeting_date < self.today else MeetingStatus.SCHEDULED
            values = {
                "kind": entry.choice("kind", MeetingKind, MeetingKind.MEETING),
                "status": entry.choice("status", MeetingStatus, held),
                "start_time": self._time(entry, "start_time"),
                "location": entry.text("location", required=False),
                "minutes": entry.text("minutes", required=False),
            }
            lookup = {"group": group, "date": meeting_date, "title": title}
            meeting, _ = self._upsert(Meeting, entry.label, lookup, values, bump_version=True)
            later = sorted(d for d in dates_by_group[group.slug] if d > meeting_date)
            self._load_meeting_records(entry, meeting, next_meeting_on=later[0] if later else None)

    @staticmethod
    def _time(entry, key):
        """A time of day written '10:00' (None when the field is missing)."""
        text = entry.text(key, required=False)
        if not text:
            return None
        try:
            return time.fromisoformat(text)
        except ValueError:
            raise entry.error(key, f"expected a time like '10:00', got {_show(text)}") from None

    def _load_meeting_records(self, entry, meeting, next_meeting_on):
        """A meeting's attendance, agenda, decisions, actions arising and 'you said, we did' items."""
        self._load_attendance(entry, meeting)
        for order, item in enumerate(entry.entries("agenda", name="title"), start=1):
            presenter_role = item.text("presenter_role", required=False)
            values = {
                "title": item.text("title"),
                "priority": self._priority(item, "priority", required=False),
                "presenter": self._person(presenter_role),
                "presenter_role": presenter_role,
            }
            agenda_item, outcome = self._upsert(
                AgendaItem, item.label, {"meeting": meeting, "order": order}, values, bump_version=True
            )
            if item.has("actions"):  # the plan actions the item is about, by reference
                refs = item.texts("actions")
                actions = list(Action.objects.filter(ref__in=refs))
                missing = sorted(set(refs) - {action.ref for action in actions})
                if missing:
                    raise item.error(
                        "actions", f"there is no action {', '.join(missing)} in the file's actions"
                    )
                if set(actions) != set(agenda_item.actions.all()):
                    agenda_item.actions.set(actions)
                    if outcome == UNCHANGED:  # a form opened before this load now sees it is out of date
                        agenda_item.version += 1
                        agenda_item.save(update_fields=["version"])
                    self.report.upgrade(AgendaItem, outcome)

        decisions = entry.data.get("decisions") or []
        if not isinstance(decisions, list):
            raise entry.error("decisions", f"expected a list, got {_show(decisions)}")
        for order, text in enumerate(decisions, start=1):
            label = f"{entry.label} decisions[{order - 1}]"
            if isinstance(text, dict):  # a decision may be written as a mapping with its `text`
                text = Entry(text, label).text("text")
            elif not isinstance(text, str) or not text.strip():
                raise PlanFileError(f"{label}: expected the decision's text, got {_show(text)}")
            self._upsert(
                Decision,
                label,
                {"meeting": meeting, "order": order},
                {"text": text.strip()},
                bump_version=True,
            )

        for item in entry.entries("actions_arising"):
            owner_role = item.text("owner_role", required=False)
            status = item.choice("status", MeetingActionStatus, MeetingActionStatus.OPEN)
            closed_on = None
            if status in CLOSED_MEETING_ACTIONS:  # closed at the group's next meeting, unless the file says
                closed_on = item.date("closed_on", required=False) or next_meeting_on
            values = {
                "owner": self._person(owner_role),
                "owner_role": owner_role,
                "due_date": item.date("due_date", required=False),
                "status": status,
                "dropped_reason": item.text("dropped_reason", required=False),
                "closed_on": closed_on,
            }
            lookup = {"meeting": meeting, "text": item.text("text")}
            self._upsert(MeetingAction, item.label, lookup, values, bump_version=True)

        for item in entry.entries("you_said_we_did"):
            lookup = {"meeting": meeting, "you_said": item.text("you_said")}
            values = {
                "we_did": item.text("we_did", required=False),
                "impact": item.text("impact", required=False),
                "priority": self._priority(item, "priority", required=False),
            }
            self._upsert(FeedbackItem, item.label, lookup, values, bump_version=True)

    def _load_attendance(self, entry, meeting):
        """`attendance: {present: [...], apologies: [...], absent: [...]}`, people by job title or username."""
        attendance = entry.mapping("attendance", required=False)
        for status in AttendanceStatus:
            for name in attendance.texts(status.value):
                person = User.objects.filter(username__iexact=name).first() or self._person(name)
                if person is None:
                    raise attendance.error(
                        status.value, f"nobody has the username or job title {_show(name)}"
                    )
                lookup = {"meeting": meeting, "person": person}
                self._upsert(Attendance, entry.label, lookup, {"status": status})

    def _load_escalations(self):
        """Escalations to the Board: an `action` or an `indicator`, the reason, who raised it and when, and
        the Board `decision` that resolved it ({group, date, number}: the meeting's nth decision)."""
        for entry in self.root.entries(
            "escalations", name=lambda e: e.get("action") or e.get("indicator") or ""
        ):
            about = {"action": None, "indicator": None}
            if entry.has("action") == entry.has("indicator"):
                raise PlanFileError(
                    f"{entry.label}: give either 'action' or 'indicator', not both or neither"
                )
            if entry.has("action"):
                ref = entry.text("action")
                about["action"] = Action.objects.filter(ref=ref).first()
                if about["action"] is None:
                    raise entry.error("action", f"there is no action {_show(ref)} in the file's actions")
            else:
                code = entry.text("indicator")
                about["indicator"] = Indicator.objects.filter(code=code).first()
                if about["indicator"] is None:
                    raise entry.error(
                        "indicator", f"there is no indicator {_show(code)} in the file's indicators"
                    )
            raised_by = entry.text("raised_by", required=False)
            values = {
                "raised_by": User.objects.filter(username__iexact=raised_by).first()
                or self._person(raised_by),
                "raised_at": timezone.make_aware(datetime.combine(entry.date("raised_on"), time(9))),
                "resolved_by_decision": self._decision(entry),
            }
            self._upsert(Escalation, entry.label, {**about, "reason": entry.text("reason")}, values)

    def _decision(self, entry):
        """The decision an escalation names as `decision: {group, date, number}`, or None."""
        if not entry.has("decision"):
            return None
        ref = entry.mapping("decision")
        group = self._group(ref, "group")
        meeting_date = ref.date("date")
        number = ref.integer("number")
        decision = Decision.objects.filter(
            meeting__group=group, meeting__date=meeting_date, order=number
        ).first()
        if decision is None:
            raise ref.error("number", f"{group.slug} on {meeting_date} has no decision {number}")
        return decision
