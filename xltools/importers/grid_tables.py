"""Grids (a Word table or an Excel sheet as rows of cell text) -> text tables.

A grid follows the seeds' text convention (a merged cell's text in its first cell, the others
empty; bold as <b>…</b>; numbers as Vietnamese text), so the header logic of the text readers
(`text_tables.read_rows`) reads it. What only a grid has is handled here: title rows above the
table, a table that does not start in column A, column-number rows, group rows inside the body,
and cells merged down several body rows.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field as dc_field
from functools import cached_property

from ..core.names import fold
from ..core.numbers import clean
from ..errors import ReadError
from .text_tables import (
    TextTable,
    group_heading,
    has_number,
    is_column_numbers,
    is_footer_row,
    is_named_row,
    is_outline_row,
    read_rows,
)
from .vocabulary import role_of


@dataclass
class Grid:
    """One Word table or Excel sheet as rows of cell text."""

    container: str  # "trang tính 'PL1'" or "bảng 2"
    rows: list[tuple[int, list[str]]]  # (row number, cells)
    ref: Callable[[int, int], str]  # (row number, column index) -> "ô F12"
    before: str = ""  # document text above the grid
    spans: dict[int, list[Span]] = dc_field(default_factory=dict)  # row -> the merged cells covering it
    # (row number, column index) of the cells a spreadsheet holds as text: a score read from one ("65,0"
    # typed as text) is taken as the number, and the user is told (Excel's SUM skips such a cell)
    text_cells: set[tuple[int, int]] = dc_field(default_factory=set)

    @cached_property
    def plain(self) -> list[list[str]]:
        """Each row's cells cleaned (markup and extra spaces out), once for the document text and the
        table reading, which both look at every cell."""
        return [[clean(c) for c in cells] for _, cells in self.rows]


@dataclass
class Span:
    """A grid cell covered by a merged cell that starts elsewhere."""

    column: int
    where: str  # "ô gộp C5:C6"
    text: str  # the merged cell's text
    down: bool  # covered from the row above (same column), not from the left


_ROW_NUMBER = re.compile(r"^\d+(\.\d+)*$")
_NUMBERED = re.compile(r"^\d+\.$")


def _table_start(plain: list[str]) -> tuple[int, bool] | None:
    """Where a table's header starts among the first three cells (cells already cleaned), and whether
    it has an STT column: the 'STT' cell, else a unit-name header followed by a known column header
    (a Word table without STT reads like the same table in text)."""
    for i, c in enumerate(plain[:3]):
        if len(c) <= 8 and not "0" <= c[:1] <= "9" and fold(c).replace(" ", "").strip(".") in ("stt", "tt", "sott"):
            return i, True
    for i, c in enumerate(plain[:3]):  # a form's code column: 'Mã số', 'Ký hiệu' before 'Nội dung tiêu chí'
        if c and role_of(c, "criteria") == "stt" and role_of(next(iter(plain[i + 1:i + 2]), ""), "criteria") == "name":
            return i, True
    for i, c in enumerate(plain[:3]):
        if role_of(c) == "name" and any(role_of(o) not in (None, "name", "field") for o in plain[i + 1:]):
            return next(j for j in range(i + 1) if role_of(plain[j])), False  # 'Xếp hạng' may come first
    return None


@dataclass(frozen=True)
class _Columns:
    """Which grid column each table column is: table column k is grid column `order[k]`, and the columns
    after those are the grid's from `tail` on (a table from its STT column: order [], tail = that column)."""

    order: tuple[int, ...] = ()
    tail: int = 0

    def take(self, cells: list[str]) -> list[str]:
        return [cells[j] if j < len(cells) else "" for j in self.order] + cells[self.tail:]

    def table_column(self, column: int) -> int | None:
        """The table's column of a grid column (None: a column before the table)."""
        if column in self.order:
            return self.order.index(column)
        return len(self.order) + column - self.tail if column >= self.tail else None

    def grid_column(self, column: int) -> int:
        return self.order[column] if column < len(self.order) else self.tail + column - len(self.order)


_FORM_ROLES = ("stt", "name", "max", "self")  # a form's columns, in the order the form reader expects first


def _form_start(plain: list[str]) -> _Columns | None:
    """A Biểu tự đánh giá's header row with its columns in any order ('Điểm tự chấm | Giải trình | Mã tiêu chí |
    Nội dung | Điểm quy định', or the self score between the code and the criterion): its code, criterion,
    maximum and self-score columns first, then the others as they come. A units table (a unit name column) is
    not a form."""
    if any(role_of(c) == "name" for c in plain):
        return None
    roles: dict[str, int] = {}
    for j, c in enumerate(plain):
        role = role_of(c, "criteria") if c else None
        if role and role not in roles:
            roles[role] = j
    if not set(_FORM_ROLES) <= set(roles):
        return None
    first = tuple(roles[r] for r in _FORM_ROLES)
    return _Columns(first + tuple(j for j in range(len(plain)) if j not in first), len(plain))


def _header_start(plain: list[str], first: bool) -> tuple[_Columns, bool] | None:
    """The table's columns and whether it has an STT column, when `plain` is a header row: from its STT
    column (`_table_start`), unless header cells stand before it or no STT column leads, and the row is a
    self-assessment form's header (`_form_start`), whose columns may come in any order. Only the `first` header
    of a grid sets its columns, so only then is a form's header looked for (not in every body row)."""
    start = _table_start(plain)
    if first and (start is None or any(plain[:start[0]])):
        form = _form_start(plain)
        if form is not None:
            return form, True
    return (_Columns(tail=start[0]), start[1]) if start is not None else None


def _prepared(grid: Grid) -> tuple[list[tuple[int, list[str]]], _Columns, list[tuple[int, str]]]:
    """The grid's rows as `read_rows` expects them, the grid columns the table's are, and the group headings
    ("I | KHỐI SỞ, NGÀNH") met: title rows as one line, the table from its STT column, column-number rows and
    group/total/signature rows dropped, merged-down text repeated."""
    out: list[tuple[int, list[str]]] = []
    groups: list[tuple[int, str]] = []
    held: list[tuple[int, list[str]]] = []
    columns: _Columns | None = None
    state, numbered = "title", True
    for (number, raw), plain in zip(grid.rows, grid.plain):
        start = _header_start(plain, columns is None) if state != "header" else None
        if start is not None:
            if columns is None:
                columns, numbered = start
            out.extend(held)
            held, state = [], "header"
            out.append((number, columns.take(raw)))
            continue
        if state == "title" or columns is None:
            out.append((number, [" ".join(c for c in plain if c)]))
            continue
        cells, plain = columns.take(raw), columns.take(plain)
        filled = [c for c in plain if c]
        if not filled or is_column_numbers(plain):
            continue
        first = plain[0]
        if _NUMBERED.match(first):  # "1." -> "1"
            first = cells[0] = first.rstrip(".")
        heading = group_heading(filled)
        if heading:  # "I | KHỐI SỞ, NGÀNH", "I. KHỐI SỞ, NGÀNH" merged across the row, "KHỐI HUYỆN"
            groups.append((number, heading))
            continue
        named = not numbered and is_named_row(plain)  # a row of a table without STT
        numbered_row = bool(_ROW_NUMBER.match(first)) or is_outline_row(plain)
        if state == "header" and not numbered_row and not named:
            out.append((number, cells))
            continue
        state = "body"
        if len(filled) == 1:  # a group heading inside the body, or the text after the table
            held.append((number, filled))
            continue
        if numbered_row or named or (not first and (is_footer_row(plain) or _unit_without_number(plain))):
            held = []
            out.append((number, _fill_merged_down(grid, number, cells, columns)))
    return out, columns or _Columns(), groups


def _unit_without_number(plain: list[str]) -> bool:
    """A body row with no STT that is a unit someone forgot to number (a footer row is not)."""
    return has_number(plain[2:]) and not is_footer_row(plain)


def _fill_merged_down(grid: Grid, number: int, cells: list[str], columns: _Columns) -> list[str]:
    """A text merged down several rows (Xếp loại, Giải trình) belongs to each row; a score merged
    over several rows or columns belongs to none of them: an error."""
    cells = list(cells)
    for span in grid.spans.get(number, ()):
        i = columns.table_column(span.column)
        if i is None:
            continue
        if has_number([span.text]):
            across = ("nhiều dòng đơn vị; mỗi đơn vị phải có điểm riêng. Hãy bỏ gộp ô và nhập điểm cho từng dòng."
                      if span.down else "nhiều cột; mỗi cột điểm (Tự chấm, Thẩm định, ĐT XHH) cần một ô riêng. "
                                        "Hãy bỏ gộp ô và nhập điểm vào từng cột.")
            raise ReadError(f"{grid.container}, {span.where}: một ô điểm ({clean(span.text)}) được gộp (merge) qua "
                            f"{across}")
        if span.down:
            cells.extend([""] * (i + 1 - len(cells)))
            cells[i] = span.text
    return cells


def _shifted(ref: Callable[[int, int], str], columns: _Columns) -> Callable[[int, int], str]:
    """A table's cell reference (its columns count from its STT column, or in a form's order) as the grid's."""
    return lambda row, col: ref(row, columns.grid_column(col))


def grid_tables(grid: Grid) -> list[TextTable]:
    prepared, columns, groups = _prepared(grid)
    tables = read_rows(prepared, wrapped=False)
    for t in tables:
        top = t.header_lines[-1] if t.header_lines else t.line_numbers[0]
        t.groups = [(n, text) for n, text in groups if top < n < t.line_numbers[-1]]
        t.container = grid.container
        t.cell_ref = _shifted(grid.ref, columns)
        t.text_cells = {(row, k) for row, col in grid.text_cells if (k := columns.table_column(col)) is not None}
    return tables
