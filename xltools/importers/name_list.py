"""A plain list of unit names, the list a province starts its workbook from before any score exists:
one name per line of a .txt or .csv file, or per row of the first sheet of an .xlsx workbook.

    Sở Tư pháp                     1. Phường Phan Đình Phùng        STT | Tên đơn vị
    Sở Tài chính                   2. Xã Đại Từ                     1   | Sở Tư pháp
    …                              …                                2   | Sở Tài chính

A number in front of a name (STT, "1.", "2)") is dropped; a header row ("STT", "Tên đơn vị") and a
title ("DANH SÁCH …") before the first name are skipped; a line ending with ":" ("Huyện Ba Bể:") or a
heading numbered in Roman ("II. Huyện Ba Bể", or "II" in the STT column) names the district (or the group)
of the units below it; a Tổng cộng / Ghi chú row under the names is not a unit. After a header row that names
the name column and no score column, only that column (and a district column) is read: a Ghi chú column
beside the names does not matter. Without such a header, a row holding anything else (scores, a second
column of text) means the file is not a list of names: `read_name_list` gives None and the caller reads it
as a table.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from pathlib import Path

from ..core.names import exact_key, fold, tidy
from ..core.scoring import Unit, UnitsTable
from ..errors import ReadError
from .text_tables import not_a_unit_name
from .vocabulary import role_of

SUFFIXES = (".txt", ".csv", ".xlsx", ".xlsm")
MAX_NAMES = 20_000  # more than every commune of the country: a bigger file is not a list of names
_NUMBERING = re.compile(r"^\s*\d{1,5}\s*[.)\-–:]?\s+(?=\S)")  # "12. ", "3) ", "4 - "
_GROUP = re.compile(r"^\s*[IVXLC]{1,6}\s*[.)\-–:]\s*(?=\S)")  # "II. Huyện Ba Bể": a heading, as in the appendices
_NUMBER = re.compile(r"^[\d\s.,]+$")
_SCORE = re.compile(r"\d+[.,]\d")  # "85,5", "19.25": a score, which no name holds
_ROMAN = re.compile(r"^[IVXLC]{1,6}\.?$")  # "II" in the STT column: the row is a heading
# the header roles of a list of names; any other (a score column) makes the table a scored one
_LIST_ROLES = ("stt", "name", "district")


def read_name_list(path: str | Path) -> UnitsTable | None:
    """The units of a plain name list, or None when the file is something else (a scored table)."""
    path = Path(path)
    if path.suffix.lower() not in SUFFIXES:
        return None
    rows = _rows(path)
    if rows is None:
        return None
    units: list[Unit] = []
    district = None
    columns: tuple[int, int | None] | None = None  # (name, district) columns, once a header row named them
    for where, cells in rows:
        if not units:
            header = _header_columns(cells)
            if header is not None:
                columns = header
                continue
        name = _name(cells) if columns is None else _name_at(cells, columns[0])
        if name is None:
            return None  # a row that is not one name: scores, several columns of text
        if not name:
            continue
        if not units and _heading(name):
            continue
        if name.endswith(":") or _GROUP.match(name):  # "Huyện Ba Bể:", "II. Huyện Ba Bể": the district below
            district = tidy(_GROUP.sub("", name, count=1).rstrip(":")) or None
            continue
        if not_a_unit_name(name):  # Tổng cộng: 3 đơn vị, Ghi chú…
            continue
        if _SCORE.search(name) or len(name) > 150 or len(units) >= MAX_NAMES:
            return None
        own = _text_at(cells, columns[1]) if columns and columns[1] is not None else ""
        units.append(Unit(name=name, fields=[], district=own or district, where=f"{path.name}, {where}"))
    if not units:
        return None
    _refuse_duplicates(units, path.name)
    return UnitsTable(units, source=path.name, sheet="Danh sách đơn vị")


def _name(cells: Sequence[object]) -> str | None:
    """The one name a row holds ('' for an empty row), after its number; None for anything else."""
    texts = _texts(cells)
    if len(texts) == 2 and _ROMAN.match(texts[0]):
        return _heading_of(texts[0], texts[1])
    if texts and _NUMBER.match(texts[0]) and len(texts) > 1:
        texts = texts[1:]  # the STT column
    if not texts:
        return ""
    if len(texts) > 1 or _NUMBER.match(texts[0]):
        return None
    return _NUMBERING.sub("", texts[0], count=1)


def _name_at(cells: Sequence[object], col: int) -> str:
    """The name in the header's name column ('' when blank); a heading when the cell before it says "II", or when
    the row's one text is a heading ("Huyện Ba Bể:")."""
    name = _NUMBERING.sub("", _text_at(cells, col), count=1)
    if not name:  # "Huyện Ba Bể:" written in the first column, across the row
        texts = _texts(cells)
        return texts[0] if len(texts) == 1 and (texts[0].endswith(":") or _GROUP.match(texts[0])) else ""
    before = [t for t in (_text_at(cells, c) for c in range(col)) if t]
    return _heading_of(before[0], name) if before and _ROMAN.match(before[0]) else name


def _heading_of(numeral: str, text: str) -> str:
    """'II | Huyện Ba Bể' (a Roman numeral in the STT column) as the heading line 'II. Huyện Ba Bể' reads."""
    return f"{numeral.rstrip('.')}. {text}"


def _text_at(cells: Sequence[object], col: int) -> str:
    return tidy(str(cells[col])) if col < len(cells) and cells[col] is not None else ""


def _texts(cells: Sequence[object]) -> list[str]:
    """The row's non-empty cells as tidy text."""
    return [t for t in (tidy(str(c)) for c in cells if c is not None) if t]


def _header_columns(cells: Sequence[object]) -> tuple[int, int | None] | None:
    """'STT | Tên đơn vị [| Huyện] [| Ghi chú]': the name and district columns of a list's header row; None
    for a row that is not such a header (no name column, or a score column: a scored table)."""
    roles = {i: role_of(tidy(str(c))) for i, c in enumerate(cells) if c is not None and tidy(str(c))}
    names = [i for i, r in roles.items() if r == "name"]
    if len(roles) < 2 or len(names) != 1 or any(r is not None and r not in _LIST_ROLES for r in roles.values()):
        return None
    district = next((i for i, r in roles.items() if r == "district"), None)
    return names[0], district


def _heading(text: str) -> bool:
    """A header row or a title above the names."""
    return role_of(text) in ("stt", "name") or fold(text).startswith(("danh sach", "bang ", "phu luc"))


def _refuse_duplicates(units: list[Unit], source: str) -> None:
    seen: dict[tuple[str, str], Unit] = {}
    twice = []
    for u in units:
        key = (exact_key(u.district or ""), exact_key(u.name))
        if key in seen:
            twice.append(f"'{u.name}' ({seen[key].where} và {u.where})")
        seen.setdefault(key, u)
    if twice:
        raise ReadError(f"{source}: danh sách có tên đơn vị trùng nhau: {'; '.join(twice[:5])}"
                        f"{' …' if len(twice) > 5 else ''}. Mỗi đơn vị chỉ ghi một lần; hãy sửa danh sách rồi chạy lại.")


def _rows(path: Path) -> list[tuple[str, Sequence[object]]] | None:
    """(where, cells) of each line or row; None when the file cannot be read that way."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return _sheet_rows(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (UnicodeDecodeError, OSError):
        return None
    lines = text.splitlines()
    if path.suffix.lower() == ".csv":
        rows = csv.reader(io.StringIO(text), delimiter=_csv_delimiter(text))
        return [(f"dòng {i}", row) for i, row in enumerate(rows, start=1)]
    # a name may hold commas ("Sở Văn hóa, Thể thao và Du lịch"): only a tab separates columns in .txt
    return [(f"dòng {i}", line.split("\t")) for i, line in enumerate(lines, start=1)]


def _csv_delimiter(text: str) -> str:
    """';' (Excel where the decimal mark is a comma, as in Vietnam) or a tab when the file uses one, else ','
    (a name holding a comma is then quoted, as Excel writes it)."""
    counts = {d: text.count(d) for d in (";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _sheet_rows(path: Path) -> list[tuple[str, Sequence[object]]] | None:
    from openpyxl import load_workbook

    from ..limits import check_xlsx

    check_xlsx(path)  # bounded before openpyxl allocates anything
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # damaged or not a workbook: the table reader's own message says why
        return None
    try:
        sheet = book.worksheets[0]
        return [(f"trang tính '{sheet.title}', dòng {i}", list(row))
                for i, row in enumerate(sheet.iter_rows(values_only=True), start=1)]
    finally:
        book.close()
