"""Reading an uploaded plan file into sheets of rows, refusing anything that is not a plain workbook or CSV.

Nothing here writes to the database or keeps the file: the caller gets Sheets or a FileRefused whose
message says what to do.
"""

import csv
import io
import zipfile
from dataclasses import dataclass, field

MAX_FILE_BYTES = 10 * 1024 * 1024  # what the upload accepts
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024  # what a workbook may unpack to (a zip bomb unpacks to far more)
MAX_COMPRESSION_RATIO = 200  # a real sheet compresses ~10x; thousands means a bomb
MAX_ROWS = 20_000
MAX_COLUMNS = 200
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and every password-protected .xlsx


class FileRefused(Exception):
    """The file cannot be read as a plan; the message says why and what to do."""


@dataclass
class Sheet:
    """One sheet (or the CSV): its name, the header row's cells and the rows below it.

    `rows` holds (row number as Excel shows it, [cell values]); the header is `header_row`."""

    name: str
    headers: list
    header_row: int = 1
    rows: list = field(default_factory=list)


def read_plan_file(content, filename):
    """The file's sheets. `content` is the file's bytes. Raises FileRefused."""
    if len(content) > MAX_FILE_BYTES:
        raise FileRefused(
            f"The file is {len(content) / 1024 / 1024:.1f} MB; the limit is {MAX_FILE_BYTES // 1024 // 1024} MB. "
            "Remove images or unused sheets, or save it as CSV, and try again."
        )
    if not content.strip():
        raise FileRefused("The file is empty. Choose the plan's XLSX or CSV file.")
    name = filename.lower()
    if content.startswith(OLE_MAGIC):
        raise FileRefused(
            "The file is password-protected or an old Excel (.xls) file. Remove the password, or open it in "
            "Excel and save it as an Excel Workbook (.xlsx), and try again."
        )
    if name.endswith((".xlsm", ".xltm", ".xlsb")):
        raise FileRefused(
            "The file is a macro-enabled or binary workbook. Save it as an Excel Workbook (.xlsx) and try again."
        )
    if content.startswith(b"PK"):
        return _read_workbook(content)
    if name.endswith((".xlsx", ".xls")):
        raise FileRefused(
            "The file is not a readable Excel workbook: it may be damaged. Open it in Excel, save it as an "
            "Excel Workbook (.xlsx) and try again."
        )
    if name.endswith((".csv", ".txt")):
        return [_read_csv(content, filename)]
    raise FileRefused(
        "Choose an Excel workbook (.xlsx) or a CSV file (.csv). Other types cannot be imported."
    )


def _check_zip(content):
    """Refuse a damaged, encrypted, macro-carrying or over-large workbook before openpyxl opens it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise FileRefused(
            "The file is not a readable Excel workbook: it is damaged. Open it in Excel, save it again "
            "as an Excel Workbook (.xlsx) and try again."
        ) from error
    names = {member.filename.lower() for member in members}
    if "[content_types].xml" not in names:
        raise FileRefused(
            "The file is a zip archive, not an Excel workbook. Choose the plan's .xlsx or .csv file."
        )
    if any(name.endswith("vbaproject.bin") for name in names):
        raise FileRefused(
            "The workbook contains macros, which the portal does not open. Save it as an Excel Workbook "
            "(.xlsx, without macros) and try again."
        )
    if any(member.flag_bits & 0x1 for member in members):
        raise FileRefused("The workbook is encrypted. Remove its password in Excel and try again.")
    total = sum(member.file_size for member in members)
    compressed = sum(member.compress_size for member in members) or 1
    if total > MAX_UNCOMPRESSED_BYTES or total / compressed > MAX_COMPRESSION_RATIO and total > 1024 * 1024:
        raise FileRefused(
            "The workbook unpacks to far more data than a plan holds (it may be a 'zip bomb'), so it was "
            "not opened. Copy the plan's sheets into a new workbook and try again."
        )


def _read_workbook(content):
    from openpyxl import load_workbook  # imported when needed: most requests never read a workbook

    _check_zip(content)
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds (KeyError, ValueError, XML errors) for bad files
        raise FileRefused(
            "The workbook could not be read: it may be damaged. Open it in Excel, save it again as an "
            "Excel Workbook (.xlsx) and try again."
        ) from error
    try:
        sheets = []
        for worksheet in workbook.worksheets:
            if getattr(worksheet, "sheet_state", "visible") != "visible":
                continue
            sheet = _sheet_from_rows(worksheet.title, worksheet.iter_rows(values_only=True))
            if sheet is not None:
                sheets.append(sheet)
    finally:
        workbook.close()
    if not sheets:
        raise FileRefused("The workbook has no rows. Check that the plan is on a visible sheet.")
    return sheets


def _read_csv(content, filename):
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):  # latin-1 decodes any bytes: the last resort
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if "\x00" in text:
        raise FileRefused("The file is not a text CSV file. Choose the plan's .xlsx or .csv file.")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    sheet = _sheet_from_rows(filename.rsplit("/", 1)[-1], csv.reader(io.StringIO(text), dialect))
    if sheet is None:
        raise FileRefused("The CSV file has no rows. Choose the plan's file.")
    return sheet


def _sheet_from_rows(name, rows):
    """A Sheet whose header is the first row with anything in it; None for an empty sheet."""
    sheet = None
    for number, cells in enumerate(rows, start=1):
        cells = [_clean(cell) for cell in cells[:MAX_COLUMNS]]
        if sheet is None:
            if any(cell not in (None, "") for cell in cells):
                headers = [str(cell).strip() if cell is not None else "" for cell in cells]
                while headers and not headers[-1]:
                    headers.pop()
                sheet = Sheet(name=name, headers=headers, header_row=number)
            continue
        if not any(cell not in (None, "") for cell in cells):
            continue
        if len(sheet.rows) >= MAX_ROWS:
            raise FileRefused(
                f"Sheet '{name}' has more than {MAX_ROWS:,} rows. Split the plan and try again."
            )
        sheet.rows.append((number, cells))
    return sheet


def _clean(cell):
    if isinstance(cell, str):
        cell = cell.strip()
        return cell or None
    return cell
