"""Importing a plan from a spreadsheet (send_portal/plan_import): every value where it belongs, every problem
at once by Excel row and header, the export's round trip, updates recorded as the importing person's."""

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from actions.models import TBC_DATE, Action, DatePrecision, Priority, Status
from indicators.models import Direction, Indicator, Unit
from indicators.status import IndicatorStatus
from send_portal.models import Organisation
from send_portal.plan_import import files
from send_portal.plan_import.export import blank_template, export_plan
from send_portal.plan_import.fields import SHEETS, mapping_for
from send_portal.plan_import.files import FileRefused, read_plan_file
from send_portal.plan_import.importer import ADD, CHANGE, UNCHANGED, ImportRefused, PlanImport
from send_portal.plan_loader import DEFAULT_PLAN_FILE, load_plan
from tests.factories import ActionFactory, PriorityFactory, UserFactory

TODAY = date(2025, 6, 15)


def workbook(sheets):
    """.xlsx bytes of {sheet name: [header row, row, ...]}."""
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def preview_of(content, mapping=None, filename="plan.xlsx"):
    plan_import = PlanImport(read_plan_file(content, filename), mapping, filename=filename, today=TODAY)
    return plan_import, plan_import.preview()


def where(notes):
    """(sheet, row, column) of each note."""
    return {(note.sheet, note.row, note.column) for note in notes}


MESSY = {
    "Plan": [
        [
            "Area of significant weakness",
            "Action",
            "Lead",
            "SRO",
            "Partners",
            "Deadline",
            "RAG",
            "Progress",
            "Team comments",
            "Success criteria",
        ],
        [
            "Timeliness of EHC plans",
            "Recruit two educational psychologists",
            "Principal EP and Head of SEND",
            "Director of Education",
            "Parent Carer Forum",
            "May 25",
            "Green",
            "Two posts advertised.",
            "Ask Sam",
            "Most plans on time\nNo overdue assessments",
        ],
        [
            "Timeliness of EHC plans",
            "Clear the annual review backlog",
            "Head of SEND",
            None,
            None,
            "2026",
            "Amber",
            None,
            None,
            None,
        ],
        [
            "Neurodivergent pathway",
            "Publish waiting times",
            "ICB lead",
            None,
            None,
            "TBC",
            "Not started",
            None,
            None,
            None,
        ],
    ],
    "Measures": [
        [
            "Priority",
            "Indicator",
            "Unit",
            "Baseline",
            "Baseline date",
            "Target",
            "Target date",
            "Interim milestones",
        ],
        [
            "Timeliness of EHC plans",
            "Average weeks to issue a plan",
            "weeks",
            30,
            "2025-03",
            "50% fewer",
            "March 2026",
            "Sept 2025: 24 weeks; Dec 2025: 20 weeks",
        ],
        [
            "Neurodivergent pathway",
            "Families contacted while waiting",
            "per cent",
            "to be set",
            None,
            90,
            "2026",
            None,
        ],
        [
            None,
            "Families who say things are getting better",
            "per cent",
            "to be set",
            None,
            "50% more",
            "2027",
            None,
        ],
    ],
}


@pytest.fixture
def importer(db):
    return UserFactory(username="importer", first_name="Ina", last_name="Porter")


def test_a_messy_workbook_puts_every_value_where_it_belongs(importer):
    head_of_send = UserFactory(username="hos", first_name="", last_name="", job_title="Head of SEND")
    plan_import, preview = preview_of(workbook(MESSY))

    assert preview.problems == []
    warnings = where(preview.warnings)
    assert ("Plan", 2, "Area of significant weakness") not in warnings  # the title is given
    assert {
        ("Plan", 2, "Action reference"),
        ("Plan", 3, "Action reference"),
        ("Plan", 4, "Action reference"),
    } <= warnings
    assert ("Plan", 2, "Priority number") in warnings  # numbered, as it has no number
    assert ("Plan", 2, "Partners") in warnings  # an organisation to be created
    assert ("Measures", 3, "Baseline") in warnings  # 'to be set'
    assert ("Measures", 2, "Target") in warnings  # worked out from '50% fewer'
    assert Action.objects.count() == 0  # the preview writes nothing

    plan_import.confirm(importer)

    ehc, nd = Priority.objects.order_by("number")
    assert (ehc.number, ehc.short_title, nd.number, nd.short_title) == (
        1,
        "Timeliness of EHC plans",
        2,
        "Neurodivergent pathway",
    )
    assert ehc.success_measures == ["Most plans on time", "No overdue assessments"]
    recruit = Action.objects.get(ref="P1.1")
    assert recruit.title == "Recruit two educational psychologists"
    assert (recruit.due_date, recruit.due_precision) == (date(2025, 5, 31), DatePrecision.MONTH)
    assert recruit.current_due_text == "May 2025"
    assert recruit.lead_role == "Principal EP and Head of SEND"
    assert recruit.lead == head_of_send
    assert recruit.senior_responsible_officer == "Director of Education"
    assert [o.name for o in recruit.partners.all()] == ["Parent Carer Forum"]
    assert Organisation.objects.filter(name="Parent Carer Forum").exists()
    assert recruit.notes == "Team comments: Ask Sam"
    assert recruit.status == Status.ON_TRACK
    update = recruit.updates.get()
    assert (update.narrative, update.author, update.date) == ("Two posts advertised.", importer, TODAY)
    backlog = Action.objects.get(ref="P1.2")
    assert (backlog.due_date, backlog.due_precision, backlog.status) == (
        date(2026, 12, 31),
        DatePrecision.YEAR,
        Status.AT_RISK,
    )
    waiting = Action.objects.get(ref="P2.1")
    assert (waiting.due_date, waiting.current_due_text, waiting.status) == (
        TBC_DATE,
        "To be confirmed",
        Status.NOT_STARTED,
    )
    weeks = Indicator.objects.get(name="Average weeks to issue a plan")
    assert (weeks.code, weeks.unit, weeks.baseline_value, weeks.target_value, weeks.direction) == (
        "P1-I1",
        Unit.WEEKS,
        Decimal(30),
        Decimal(15),
        Direction.LOWER_IS_BETTER,
    )
    assert (weeks.baseline_date, weeks.target_date) == (date(2025, 3, 1), date(2026, 3, 31))
    assert weeks.milestone_lines == ["Sept 2025: 24 weeks", "Dec 2025: 20 weeks"]
    assert weeks.has_trajectory
    # A baseline "to be set" is kept as not set: the indicator is added and judged by nothing yet.
    contacted = Indicator.objects.get(name="Families contacted while waiting")
    assert (contacted.priority, contacted.baseline_value, contacted.target_value) == (nd, None, Decimal(90))
    assert contacted.status == IndicatorStatus.BASELINE_TO_BE_SET and not contacted.has_trajectory
    # No priority: an indicator of the whole plan; a relative target waits, in its words, for its baseline.
    better = Indicator.objects.get(name="Families who say things are getting better")
    assert (better.priority, better.code, better.baseline_value, better.target_value) == (
        None,
        "PLAN-I1",
        None,
        None,
    )
    assert (better.target_words, better.direction) == ("50% more", Direction.HIGHER_IS_BETTER)
    assert better.formatted_target == "50% more"
    assert ("Measures", 4, "Target") in warnings and ("Measures", 4, "Priority") in warnings
    assert recruit.history.first().history_user == importer


def test_a_workbook_with_ten_faults_reports_all_ten_by_excel_row_and_header(db):
    PriorityFactory(number=1)
    content = workbook(
        {
            "Actions": [
                [
                    "Priority number",
                    "Ref",
                    "Action",
                    "Start date",
                    "Due date",
                    "Status",
                    "Progress update date",
                ],
                [1, "A1", "Good", None, "soonish", None, None],  # 1 due date
                [1, "A2", "Good", None, "2025-06-30", "Purple", None],  # 2 status
                [1, "A3", None, None, "2025-06-30", None, None],  # 3 no title
                [1, "A3", "Same ref", None, "2025-06-30", None, None],  # 4 duplicate reference
                [1, "A5", "Starts late", "2025-07-01", "2025-06-30", None, None],  # 5 starts after due
                ["first", "A6", "Bad priority", None, "2025-06-30", None, None],  # 6 priority number
                [1, "A7", "x" * 301, None, "2025-06-30", None, None],  # 7 too long
                [1, "A8", "Bad start", "31/02/2025", "2025-06-30", None, None],  # 8 no such date
                [1, "A9", "Bad update date", None, "2025-06-30", "Green", "whenever"],  # 9 update date
            ],
            "Indicators": [
                [
                    "Priority number",
                    "Indicator",
                    "Unit",
                    "Baseline",
                    "Baseline date",
                    "Target",
                    "Target date",
                ],
                [1, "Plans on time", "furlongs", 10, "2025-01", 20, "2026-01"],  # 10 unit
            ],
        }
    )
    _, preview = preview_of(content)

    assert [(note.sheet, note.row, note.column) for note in preview.problems] == [  # noqa: E501
        ("Actions", 7, "Priority number"),
        ("Actions", 2, "Due date"),
        ("Actions", 3, "Status"),
        ("Actions", 4, "Action"),
        ("Actions", 5, "Ref"),
        ("Actions", 9, "Start date"),
        ("Actions", 10, "Progress update date"),
        ("Indicators", 2, "Unit"),
        ("Actions", 6, ""),
        ("Actions", 8, "Action"),
    ]
    assert "start date must be on or before the due date" in str(preview.problems[8])
    with pytest.raises(ImportRefused):
        PlanImport(read_plan_file(content, "plan.xlsx"), today=TODAY).confirm(None)
    assert Action.objects.count() == 0


@pytest.fixture
def demo_plan(db):
    load_plan(DEFAULT_PLAN_FILE)


def test_the_demo_plan_exported_and_imported_as_an_update_changes_nothing(demo_plan):
    _, preview = preview_of(export_plan())

    assert preview.problems == []
    assert not preview.changes_anything, [c for c in preview.changes if c.outcome != UNCHANGED]
    counts = preview.counts()
    assert counts["Action"][UNCHANGED] == Action.objects.count() == 36
    assert counts["Indicator"][UNCHANGED] == Indicator.objects.count()
    assert counts["Priority"][UNCHANGED] == Priority.objects.count()


def test_the_blank_template_maps_every_column_and_imports_its_example_rows(db):
    sheets = read_plan_file(blank_template(), "template.xlsx")
    assert [sheet.name for sheet in sheets] == ["Partnership", *SHEETS]
    for sheet in sheets[1:]:
        assert None not in mapping_for(sheet).values(), sheet.name
    _, preview = preview_of(blank_template())
    assert preview.problems == []
    assert {(c.record, c.outcome) for c in preview.changes} == {
        ("Partnership", ADD),
        ("Priority", ADD),
        ("Action", ADD),
        ("Indicator", ADD),
    }


def test_reimporting_with_three_new_actions_and_a_changed_due_date_shows_exactly_that(importer):
    priority = PriorityFactory(number=1)
    for n in (1, 2, 3):
        ActionFactory(priority=priority, ref=f"P1.{n}", start_date=None, due_date=date(2025, 9, 30))
    book = load_workbook(io.BytesIO(export_plan()))
    actions = book["Actions"]
    headers = [cell.value for cell in actions[1]]
    actions.cell(row=3, column=headers.index("Due date") + 1, value=date(2025, 12, 31))  # P1.2
    for n in (4, 5, 6):
        actions.append([1, f"P1.{n}", f"New action {n}", None, None, None, None, None, None, "2026-03"])
    buffer = io.BytesIO()
    book.save(buffer)

    plan_import, preview = preview_of(buffer.getvalue())

    assert preview.problems == []
    changed = [(c.key, c.outcome) for c in preview.changes if c.record == "Action" and c.outcome != UNCHANGED]
    assert changed == [("P1.2", CHANGE), ("P1.4", ADD), ("P1.5", ADD), ("P1.6", ADD)]
    p12 = next(c for c in preview.changes if c.key == "P1.2")
    assert [label for label, _, _ in p12.fields] == ["Original due date"]
    plan_import.confirm(importer)
    moved = Action.objects.get(ref="P1.2")
    assert moved.due_date == date(2025, 12, 31)
    latest = moved.history.first()
    assert (latest.history_type, latest.history_user) == ("~", importer)
    assert latest.due_date == date(2025, 12, 31) and latest.prev_record.due_date == date(2025, 9, 30)
    assert Action.objects.get(ref="P1.1").history.count() == 1  # unchanged: no history row


def test_a_moved_due_date_without_a_revised_date_column_is_a_revision_with_its_reason(importer):
    ActionFactory(priority=PriorityFactory(number=1), ref="P1.1", start_date=None, due_date=date(2025, 9, 30))
    content = workbook({"Actions": [["Priority number", "Ref", "Due date"], [1, "P1.1", "Dec 2025"]]})
    plan_import, preview = preview_of(content)
    assert ("Actions", 2, "Due date") in where(preview.warnings)
    plan_import.confirm(importer)
    action = Action.objects.get()
    assert (action.due_date, action.revised_due_date) == (date(2025, 9, 30), date(2025, 12, 31))
    assert "by the import of plan.xlsx" in action.revision_reason
    assert (action.due_text, action.current_due_text) == ("30 September 2025", "December 2025")
    assert action.revised_due_precision == DatePrecision.MONTH


def test_indicators_to_be_set_and_of_the_whole_plan_make_the_round_trip_unchanged(db):
    from tests.factories import IndicatorFactory

    IndicatorFactory(code="PLAN-I1", priority=None, baseline_value=None, baseline_date=None)
    IndicatorFactory(
        code="P1-I1",
        priority=PriorityFactory(number=1),
        target_value=None,
        target_words="50% fewer",
        baseline_value=None,
        milestones="March 2026: 40%",
    )
    _, preview = preview_of(export_plan())

    assert preview.problems == []
    assert not preview.changes_anything, [c for c in preview.changes if c.outcome != UNCHANGED]


@pytest.mark.parametrize(
    ("due", "on_time_on", "overdue_on"),
    [("May 2025", date(2025, 5, 31), date(2025, 6, 1)), ("2025", date(2025, 12, 31), date(2026, 1, 1))],
)
def test_a_date_given_as_a_month_or_year_is_overdue_after_the_end_of_that_period(
    importer, due, on_time_on, overdue_on
):
    content = workbook({"Actions": [["Priority", "Action", "Due date"], ["EHC plans", "Do it", due]]})
    PlanImport(read_plan_file(content, "p.xlsx"), today=TODAY).confirm(importer)
    action = Action.objects.get()
    assert not action.is_overdue(on_time_on) and action.is_overdue(overdue_on)
    assert not Action.objects.overdue(on_time_on).exists() and Action.objects.overdue(overdue_on).exists()


def test_a_due_date_to_be_confirmed_is_never_overdue(importer):
    content = workbook({"Actions": [["Priority", "Action", "Due date"], ["EHC plans", "Do it", "TBC"]]})
    PlanImport(read_plan_file(content, "p.xlsx"), today=TODAY).confirm(importer)
    assert not Action.objects.get().is_overdue(date(2099, 1, 1))
    assert not Action.objects.overdue(date(2099, 1, 1)).exists()


def test_a_json_mapping_overrides_the_guesses_and_an_unmapped_column_becomes_a_note(importer):
    content = workbook({"Sheet1": [["Theme", "What", "Status"], ["Governance", "Set up the Board", "Green"]]})
    mapping = {"*": {"Theme": "priority_title", "What": "title", "Status": None}}
    PlanImport(read_plan_file(content, "p.xlsx"), mapping, today=TODAY).confirm(importer)
    action = Action.objects.get()
    assert (action.priority.short_title, action.title, action.status) == (
        "Governance",
        "Set up the Board",
        Status.NOT_STARTED,
    )
    assert action.notes == "Status: Green"


def test_a_csv_with_semicolons_in_windows_encoding_is_read(importer):
    content = "Priority;Action;Due date;RAG\nCommunication;Publish the newsletter – monthly;31/05/2025;Blue\n"
    PlanImport(read_plan_file(content.encode("cp1252"), "plan.csv"), today=TODAY).confirm(importer)
    action = Action.objects.get()
    assert (action.title, action.due_date, action.status) == (
        "Publish the newsletter – monthly",
        date(2025, 5, 31),
        Status.COMPLETE,
    )


def _zip(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "filename", "says"),
    [
        (b"%PDF-1.7 not a plan", "plan.pdf", "Choose an Excel workbook"),
        (b"PK\x03\x04 damaged beyond repair", "plan.xlsx", "damaged"),
        (b"not a zip at all", "plan.xlsx", "damaged"),
        (files.OLE_MAGIC + b"\x00" * 100, "plan.xlsx", "password-protected"),
        (b"anything", "plan.xlsm", "macro-enabled"),
        (_zip({"[Content_Types].xml": "<Types/>", "xl/vbaProject.bin": "macro"}), "plan.xlsx", "macros"),
        (_zip({"hello.txt": "not a workbook"}), "plan.xlsx", "zip archive, not an Excel workbook"),
        (
            _zip({"[Content_Types].xml": "<Types/>", "xl/worksheets/sheet1.xml": "<x/>"}),
            "plan.xlsx",
            "could not be read",
        ),
        (b"", "plan.csv", "empty"),
    ],
)
def test_a_file_that_is_not_a_plain_workbook_or_csv_is_refused_saying_what_to_do(content, filename, says):
    with pytest.raises(FileRefused, match=says):
        read_plan_file(content, filename)


def test_a_file_over_the_size_limit_is_refused(monkeypatch):
    monkeypatch.setattr(files, "MAX_FILE_BYTES", 1000)
    with pytest.raises(FileRefused, match="the limit is"):
        read_plan_file(b"a,b\n" * 500, "plan.csv")


def test_a_zip_bomb_is_refused_before_it_is_opened(monkeypatch):
    monkeypatch.setattr(files, "MAX_UNCOMPRESSED_BYTES", 1024 * 1024)
    bomb = _zip({"[Content_Types].xml": "<Types/>", "xl/worksheets/sheet1.xml": b"0" * (3 * 1024 * 1024)})
    with pytest.raises(FileRefused, match="zip bomb"):
        read_plan_file(bomb, "plan.xlsx")


def test_import_plan_without_confirm_prints_the_preview_and_writes_nothing(importer, tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(workbook(MESSY))
    out = io.StringIO()
    call_command("import_plan", str(path), stdout=out)
    assert "Action: 3 to add" in out.getvalue() and "Preview only" in out.getvalue()
    assert Action.objects.count() == 0

    call_command("import_plan", str(path), "--confirm", "--as", "importer", stdout=io.StringIO())
    assert Action.objects.count() == 3
    assert Action.objects.get(ref="P1.1").history.first().history_user == importer


def test_import_plan_refuses_a_file_with_problems_naming_them(db, tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(workbook({"Actions": [["Priority", "Action", "Due date"], ["EHC", "Do it", "soonish"]]}))
    out = io.StringIO()
    with pytest.raises(CommandError, match="fix the 1 problem"):
        call_command("import_plan", str(path), "--confirm", stdout=out)
    assert "row 2, column 'Due date'" in out.getvalue()
    assert Action.objects.count() == 0


def test_import_plan_refuses_a_mapping_to_a_field_that_does_not_exist(db, tmp_path):
    (tmp_path / "plan.csv").write_text("Action\nDo it\n")
    (tmp_path / "mapping.json").write_text('{"*": {"Action": "colour"}}')
    with pytest.raises(CommandError, match="'colour' is not a field"):
        call_command("import_plan", str(tmp_path / "plan.csv"), "--mapping", str(tmp_path / "mapping.json"))


def test_a_csv_in_neither_utf8_nor_windows_1252_is_still_read():
    # 0x81 is undefined in Windows-1252; such a file was a server error (found by the hostile-input test).
    (sheet,) = read_plan_file(b"Ref,Title\nA1,Caf\x81 plan\n", "plan.csv")
    assert "A1" in str(sheet)
