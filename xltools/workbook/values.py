"""The cells of a workbook file in one read: what they show (values) and what they hold (formulas).

Reading values is python-calamine's job (Rust; several times faster than openpyxl's read-only reader);
openpyxl stays where styles, formulas, protection or writing are needed. Calamine does not say which
cells hold formulas, and reads an error value (#DIV/0!) as blank, so the sheets' XML is scanned for
those two things, which are rare enough to be found by searching bytes rather than by parsing.

The grids come out as openpyxl's read-only reader would give them, so every reader above sees the same
cells: None for a blank, int for a whole number, datetime for a date, the text of an error value, and
a formula cell without a computed value (a file openpyxl wrote: nothing ever computed it) blank.
"""
from __future__ import annotations

import datetime
import io
import math
import posixpath
import re
import zipfile
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from xml.etree import ElementTree

FORMULA = "="  # what a formula cell holds in the `typed` grids (its text is not needed by any reader)

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PACKAGE_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_EXACT_FLOAT = 2 ** 53  # whole floats below this are ints in openpyxl's reading ("97", not "97.0")


class CannotScan(Exception):
    """A package this scan does not follow (cells without their address, unusual part names): the caller
    reads the formulas another way."""


@dataclass
class WorkbookCells:
    """Each sheet as rows of values (1-based rows and columns through the readers' own accessors), and
    the same rows with the formula cells marked FORMULA (`typed`)."""

    values: dict[str, list[list]]
    typed: dict[str, list[list]]


def read_cells(path: str | Path) -> WorkbookCells:
    """Every sheet's values and formula marks, from one read of the file. Raises what calamine or
    zipfile raise for a file that is not a workbook (the caller words it for the user), and CannotScan."""
    from ..limits import checked_sheet_parts, cut_formula_texts

    data = Path(path).read_bytes()
    checked = checked_sheet_parts(path)  # the limits check has just unpacked them
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        parts = sheet_parts(archive)
        lean = {part: checked[part] if part in checked else cut_formula_texts(archive.read(part))
                for part in parts.values()}
        for name, part in parts.items():
            guard(lean[part], name)
        package = _lean_package(archive, lean) or data
    xml = {name: lean[part] for name, part in parts.items()}
    with _calamine(package) as book:
        if set(book.sheet_names) - set(parts):
            raise CannotScan("a sheet whose part was not found")
        values = {name: plain_rows(book.get_sheet_by_name(name).to_python(skip_empty_area=False))
                  for name in book.sheet_names}
    if any(type(v) is float and not math.isfinite(v) for rows in values.values() for row in rows for v in row):
        raise CannotScan("a number calamine reads as infinite (400 digits, 1e999): openpyxl keeps its text")
    typed = {}
    for name, rows in values.items():
        formulas, errors = scan(xml[name])
        for (row, col), text in errors.items():  # calamine reads them blank; openpyxl as their text
            _put(rows, row, col, text)
        grid = typed[name] = [list(r) for r in rows]
        height = len(grid)
        for row, col in formulas:  # within the grid (nearly always): _put without its call
            if 0 < row <= height and 0 < col <= len(line := grid[row - 1]):
                line[col - 1] = FORMULA
            else:
                _put(grid, row, col, FORMULA)
    return WorkbookCells(values, typed)


def first_rows(path: str | Path, rows: int, only: str | None = None) -> dict[str, list[list]]:
    """The first `rows` rows of every worksheet (hidden ones too; not chart sheets), or of sheet `only`."""
    from python_calamine import SheetTypeEnum

    data = Path(path).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name, part in sheet_parts(archive).items():
            if only is None or name == only:
                guard(archive.read(part), name)
    with _calamine(data) as book:
        return {m.name: plain_rows(book.get_sheet_by_name(m.name).to_python(skip_empty_area=False, nrows=rows))
                for m in book.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet and only in (None, m.name)}


def sheet_values(path: str | Path, sheet: str, rows: int) -> list[list] | None:
    """The first `rows` rows of one sheet (None when the file has no such sheet): enough to recognise a
    workbook by a marker cell."""
    return first_rows(path, rows, only=sheet).get(sheet)


_REPACKED_AT_MOST = 64 * 2**20  # bytes of the other parts, unpacked, copied into the lean package


def _lean_package(archive: zipfile.ZipFile, lean: dict[str, bytes]) -> bytes | None:
    """The package with its sheets' formula texts cut, for calamine (it skips a formula's text token by
    token: on a summary sheet most of its time), every other part as it is, stored; None when nothing was
    cut, or the other parts are large, or the package is one zipfile does not copy as it is (calamine then
    reads the file itself, and says what is wrong with it)."""
    infos = archive.infolist()
    if all(len(xml) == archive.getinfo(part).file_size for part, xml in lean.items()) \
            or len({info.filename for info in infos}) < len(infos) \
            or sum(info.file_size for info in infos if info.filename not in lean) > _REPACKED_AT_MOST:
        return None
    out = io.BytesIO()
    try:
        with zipfile.ZipFile(out, "w") as package:
            for info in infos:
                package.writestr(info.filename, lean[info.filename] if info.filename in lean else archive.read(info))
    except Exception:
        return None
    return out.getvalue()


def _calamine(data: bytes):
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_filelike(io.BytesIO(data))


# calamine sizes a sheet by its farthest cell holding anything, an empty inline string too, and allocates
# that whole rectangle at once (a 12 KB file could ask for 500 GB and abort the process): a sheet with such
# a cell beyond the limits is not handed to it. The limits check (xltools.limits) counts only cells that
# show a value, so it lets such a cell through.
_CONTENT_CELL = re.compile(rb"""<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*?\br\s*=\s*["']\$?([A-Z]{1,3})\$?([0-9]+)["'][^>]*(?<!/)>""")
# the same without a namespace prefix, which needs a ":c" in the part: twice as fast (it starts with "<c")
_UNPREFIXED_CONTENT_CELL = re.compile(_CONTENT_CELL.pattern.replace(rb"(?:[A-Za-z_][\w.-]*:)?", b"", 1))


def guard(xml: bytes, sheet: str) -> None:
    from ..limits import MAX_COLUMNS, MAX_ROWS

    found = (_CONTENT_CELL if b":c" in xml else _UNPREFIXED_CONTENT_CELL).findall(xml)
    if not found:
        if b"</c>" in xml or b":c>" in xml:
            raise CannotScan(f"{sheet}: cells without their address")
        return
    last_row = max(map(int, dict.fromkeys(map(itemgetter(1), found))))  # in order: the same first ValueError
    last_col = max(column_number(letters.decode()) for letters in set(map(itemgetter(0), found)))
    if last_row > MAX_ROWS or last_col > MAX_COLUMNS:
        raise CannotScan(f"{sheet}: a cell beyond the limits")


def plain(value):
    """A calamine value as openpyxl's reader gives it."""
    kind = type(value)
    if kind is float:
        return int(value) if value.is_integer() and -_EXACT_FLOAT < value < _EXACT_FLOAT else value
    if kind is str:
        return value or None
    if kind is datetime.date:
        return datetime.datetime.combine(value, datetime.time())
    return value


def plain_rows(rows: list[list]) -> list[list]:
    return [[plain(v) for v in row] for row in rows]


def _put(rows: list[list], row: int, col: int, value) -> None:
    while len(rows) < row:
        rows.append([])
    line = rows[row - 1]
    if len(line) < col:
        line.extend([None] * (col - len(line)))
    line[col - 1] = value


# ---------------------------------------------------------------- the package's sheets and their XML

def sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> the zip member of its XML, from the workbook part and its relationships."""
    book_part = _office_document(archive)
    rels_part = posixpath.join(posixpath.dirname(book_part), "_rels", posixpath.basename(book_part) + ".rels")
    targets = {}
    for rel in ElementTree.fromstring(archive.read(rels_part)).iter(_PACKAGE_RELS):
        target = rel.get("Target", "")
        targets[rel.get("Id")] = (target.lstrip("/") if target.startswith("/")
                                  else posixpath.normpath(posixpath.join(posixpath.dirname(book_part), target)))
    root = ElementTree.fromstring(archive.read(book_part))
    parts = {}
    for sheet in root.iter(_MAIN + "sheet"):
        target = targets.get(sheet.get(_REL))
        if target and target in archive.NameToInfo:
            parts[sheet.get("name")] = target
    return parts


def _office_document(archive: zipfile.ZipFile) -> str:
    for rel in ElementTree.fromstring(archive.read("_rels/.rels")).iter(_PACKAGE_RELS):
        if rel.get("Type", "").endswith("/officeDocument"):
            return rel.get("Target", "").lstrip("/")
    return "xl/workbook.xml"


_PREFIX = re.compile(rb"<([A-Za-z_][\w.-]*:)?sheetData\b")
_REF = re.compile(rb"""\sr\s*=\s*["']\$?([A-Z]{1,3})\$?([0-9]+)["']""")
_ERROR_TYPE = re.compile(rb"""\st\s*=\s*["']e["']""")
_TAGS: dict[bytes, tuple] = {}  # namespace prefix -> (cell start, its usual form, formula, value) patterns


def _tags(prefix: bytes) -> tuple:
    if prefix not in _TAGS:
        p = re.escape(prefix)
        _TAGS[prefix] = (b"<" + prefix + b"c", re.compile(rb'<' + p + rb'c r="([A-Z]{1,3})([0-9]+)"'),
                         re.compile(rb"<" + p + rb"f[\s>/]"), re.compile(rb"<" + p + rb"v>([^<]*)</"),
                         re.compile(rb'<' + p + rb'c r="([A-Z]{1,3})([0-9]+)"[^<>]*><' + p + rb"f[\s>/]"))
    return _TAGS[prefix]


def scan(xml: bytes) -> tuple[list[tuple[int, int]], dict[tuple[int, int], str]]:
    """(the cells that hold a formula, the cells whose value is an error, with its text) of a sheet's XML.

    A formula is an <f> element, always the first child of its cell <c r="B7" ...>: the cell's start tag
    is the nearest one before it. Raises CannotScan when a cell has no r attribute (allowed; rare)."""
    found = _PREFIX.search(xml)
    if found is None:
        return [], {}
    prefix = found.group(1) or b""
    begin, end = found.end(), xml.find(b"</" + prefix + b"sheetData>", found.end())
    end = len(xml) if end < 0 else end
    cell_open, usual, formula, value, usual_formula = _tags(prefix)
    columns: dict[bytes, int] = {}

    def cell_at(tag: int) -> tuple[int, int]:
        ref = usual.match(xml, tag) or (_REF.search(xml, tag, xml.find(b">", tag)) if tag >= 0 else None)
        if ref is None:
            raise CannotScan("a cell without its address")
        letters = ref.group(1)
        if letters not in columns:
            columns[letters] = column_number(letters.decode())
        return int(ref.group(2)), columns[letters]

    # most formulas follow their cell's usual start tag (<c r="B7" s="3"><f>): found with it, in one pass,
    # when every formula is (each is then what the nearest cell start tag before it says)
    usual_ones = usual_formula.findall(xml, begin, end)
    if len(usual_ones) == len(formula.findall(xml, begin, end)):
        for letters, _ in usual_ones:
            if letters not in columns:
                columns[letters] = column_number(letters.decode())
        formulas = [(int(row), columns[letters]) for letters, row in usual_ones]
    else:
        formulas = [cell_at(xml.rfind(cell_open, begin, m.start())) for m in formula.finditer(xml, begin, end)]
    errors = {}
    if xml.find(b'"e"', begin, end) >= 0 or xml.find(b"'e'", begin, end) >= 0:  # error values are rare
        for m in _ERROR_TYPE.finditer(xml, begin, end):
            tag = xml.rfind(b"<", begin, m.start())
            if not xml.startswith(cell_open, tag) or xml[tag + len(cell_open)] not in b" \t\r\n":
                continue  # t="e" on another element
            shown = value.search(xml, tag, xml.find(b"</" + prefix + b"c>", tag))
            if shown:
                errors[cell_at(tag)] = shown.group(1).decode()
    return formulas, errors


def column_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number


def range_boundaries(ref: str) -> tuple[int, int, int, int]:
    """(min column, min row, max column, max row) of "C6:D7" (or "$C$6:$D$7"), as openpyxl's function of
    that name gives them, without importing openpyxl."""
    first, _, last = ref.replace("$", "").partition(":")
    (r1, c1), (r2, c2) = cell_position(first), cell_position(last or first)
    return c1, r1, c2, r2


def cell_position(ref: str) -> tuple[int, int]:
    """(row, column) of an A1 reference such as "B2"."""
    letters = ref.rstrip("0123456789")
    return int(ref[len(letters):]), column_number(letters)
