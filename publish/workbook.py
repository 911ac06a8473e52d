"""The release workbook: the flat figures table, every table of the package, and their columns.

The file to open in a spreadsheet program. The CSVs are UTF-8 without a byte-order mark, which
some spreadsheet programs misread on a double-click (curly quotes become "â€™"); a workbook
stores its text as Unicode, so the quotes stay exact.

Every text cell is written as a string cell: a quote that starts with '=' stays text and is
never read as a formula. Numbers (integer and number fields) are number cells. The bytes are
reproducible: document properties and zip entries carry the package's ``created`` time.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from publish.flat import COLUMNS, column_descriptions, flat_csv, flat_rows
from publish.package import Package, PackageError, Table, Value

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

FLAT_SHEET = "figures"
COLUMNS_SHEET = "columns"
COLUMNS_HEADER = ("sheet", "column", "type", "description")
NUMERIC_TYPES = ("integer", "number")

# Limits of the format: a sheet name is at most 31 characters, none of them []:*?/\ ;
# a cell holds at most 32,767 characters.
MAX_SHEET_NAME = 31
SHEET_NAME_FORBIDDEN = set("[]:*?/\\")
MAX_CELL_CHARS = 32_767
MAX_COLUMN_WIDTH = 60  # characters; longer text is still all there, the column is just not wider
UNIX = 3
FILE_MODE = 0o100644


def sheet_names(package: Package) -> list[str]:
    """The sheets in order: flat figures, one per table, column descriptions; refused if a name cannot be one."""
    names = [FLAT_SHEET, *(table.name for table in package.tables), COLUMNS_SHEET]
    for name in names:
        if not name or len(name) > MAX_SHEET_NAME or SHEET_NAME_FORBIDDEN & set(name) or name[0] == "'":
            raise PackageError(f"table name {name!r} cannot be a workbook sheet name")
    folded = [name.casefold() for name in names]
    clashes = sorted({name for name, fold in zip(names, folded, strict=True) if folded.count(fold) > 1})
    if clashes:
        raise PackageError(f"workbook sheet names clash: {', '.join(clashes)}")
    return names


def table_cells(package: Package, table: Table) -> list[list[Value]]:
    """The table's rows as the CSV holds them: text exactly as read, numeric fields as numbers, missing as None."""
    from validate.typed import typed_table

    loaded = package.model.tables[table.name]
    typed = typed_table(loaded).frame
    missing = set(table.missing_values)
    columns: list[list[Value]] = []
    for field in table.fields:
        raw = loaded.frame[field.name].tolist()
        if field.type in NUMERIC_TYPES:
            values = typed[field.name].tolist()
            pairs = zip(raw, values, strict=True)
            columns.append([None if text in missing else _number(value) for text, value in pairs])
        else:
            columns.append([None if text in missing else str(text) for text in raw])
    return [list(row) for row in zip(*columns, strict=True)]


def _number(value: Any) -> int | float:
    """A typed number as a cell value: whole numbers as int, so the cell shows no decimal point."""
    number = float(value)
    return int(number) if number.is_integer() else number


def _put_rows(sheet: Worksheet, header: Sequence[str], rows: Sequence[Sequence[Value]]) -> None:
    """Write a header and rows; strings always as string cells, never as formulas."""
    from openpyxl.utils import get_column_letter

    widths = [len(name) for name in header]
    for column, name in enumerate(header, start=1):
        _put(sheet, 1, column, name)
    for row_number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            _put(sheet, row_number, column, value)
            widths[column - 1] = max(widths[column - 1], len(str(value)) if value is not None else 0)
    # A readable first view: the header stays in sight, filters are on, columns fit up to a limit.
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{len(rows) + 1}"
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = min(width, MAX_COLUMN_WIDTH) + 2


def _put(sheet: Worksheet, row: int, column: int, value: Value) -> None:
    """One cell. A str is forced to the string type: openpyxl would read '=...' as a formula."""
    if value is None:
        return
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, str):
        if len(value) > MAX_CELL_CHARS:
            raise PackageError(f"sheet {sheet.title!r} row {row}: a cell longer than {MAX_CELL_CHARS} characters")
        try:
            cell.value = value
        except ValueError as error:  # openpyxl refuses control characters; the validator reports them first
            raise PackageError(f"sheet {sheet.title!r} row {row}: {error}") from None
        cell.data_type = "s"
    else:
        cell.value = value


def _fixed_time(package: Package) -> dt.datetime:
    """The package's fixed release time, as the zip uses it."""
    from publish.release import release_time

    return dt.datetime(*release_time(package))


def build_workbook(package: Package) -> Any:
    """The openpyxl Workbook of the release, not yet saved."""
    from openpyxl import Workbook

    names = sheet_names(package)
    workbook = Workbook()
    flat = workbook.active
    flat.title = FLAT_SHEET
    flat_values = [[row[column.name] for column in COLUMNS] for row in flat_rows(package)]
    _put_rows(flat, [column.name for column in COLUMNS], flat_values)
    for table in package.tables:
        sheet = workbook.create_sheet(table.name)
        _put_rows(sheet, [field.name for field in table.fields], table_cells(package, table))
    described: list[list[Value]] = [[FLAT_SHEET, *entry] for entry in column_descriptions(package)]
    for table in package.tables:
        described.extend([table.name, field.name, field.type, field.description] for field in table.fields)
    _put_rows(workbook.create_sheet(COLUMNS_SHEET), COLUMNS_HEADER, described)
    assert workbook.sheetnames == names
    moment = _fixed_time(package)
    workbook.properties.created = moment
    workbook.properties.modified = moment
    workbook.properties.title = package.title
    workbook.properties.creator = package.title
    return workbook


def workbook_bytes(package: Package) -> bytes:
    """The workbook as .xlsx bytes, identical on every build of the same package."""
    from openpyxl.writer.excel import ExcelWriter

    workbook = build_workbook(package)
    raw = io.BytesIO()
    # ExcelWriter, not save_workbook: save_workbook stamps the current time as "modified".
    ExcelWriter(workbook, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED)).save()
    date_time = _fixed_time(package).timetuple()[:6]
    fixed = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(fixed, "w") as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=date_time)
            # Stored, as the release zip is: no zlib version can change the bytes.
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = UNIX
            info.external_attr = FILE_MODE << 16
            target.writestr(info, source.read(entry))
    return fixed.getvalue()


def release_assets(package: Package) -> dict[str, bytes]:
    """The flat CSV and the workbook under their release file names, built in memory."""
    return {f"{package.stem}-figures.csv": flat_csv(package), f"{package.stem}.xlsx": workbook_bytes(package)}
