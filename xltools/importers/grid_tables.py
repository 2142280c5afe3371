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


def _prepared(grid: Grid) -> tuple[list[tuple[int, list[str]]], int, list[tuple[int, str]]]:
    """The grid's rows as `read_rows` expects them, the column the table starts in, and the group headings
    ("I | KHỐI SỞ, NGÀNH") met: title rows as one line, the table from its STT column, column-number rows and
    group/total/signature rows dropped, merged-down text repeated."""
    out: list[tuple[int, list[str]]] = []
    groups: list[tuple[int, str]] = []
    held: list[tuple[int, list[str]]] = []
    offset: int | None = None
    state, numbered = "title", True
    for (number, raw), plain in zip(grid.rows, grid.plain):
        start = _table_start(plain) if state != "header" else None
        if start is not None:
            if offset is None:
                offset, numbered = start
            out.extend(held)
            held, state = [], "header"
            out.append((number, raw[offset:]))
            continue
        if state == "title":
            out.append((number, [" ".join(c for c in plain if c)]))
            continue
        cells, plain = raw[offset:], plain[offset:]
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
            out.append((number, _fill_merged_down(grid, number, cells, offset)))
    return out, offset or 0, groups


def _unit_without_number(plain: list[str]) -> bool:
    """A body row with no STT that is a unit someone forgot to number (a footer row is not)."""
    return has_number(plain[2:]) and not is_footer_row(plain)


def _fill_merged_down(grid: Grid, number: int, cells: list[str], offset: int) -> list[str]:
    """A text merged down several rows (Xếp loại, Giải trình) belongs to each row; a score merged
    over several rows or columns belongs to none of them: an error."""
    cells = list(cells)
    for span in grid.spans.get(number, ()):
        i = span.column - offset
        if i < 0:
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


def _shifted(ref: Callable[[int, int], str], offset: int) -> Callable[[int, int], str]:
    """A table's cell reference (its columns count from its STT column) as the grid's."""
    return lambda row, col: ref(row, col + offset)


def grid_tables(grid: Grid) -> list[TextTable]:
    prepared, offset, groups = _prepared(grid)
    tables = read_rows(prepared, wrapped=False)
    for t in tables:
        top = t.header_lines[-1] if t.header_lines else t.line_numbers[0]
        t.groups = [(n, text) for n, text in groups if top < n < t.line_numbers[-1]]
        t.container = grid.container
        t.cell_ref = _shifted(grid.ref, offset)
        t.text_cells = {(row, col - offset) for row, col in grid.text_cells if col >= offset}
    return tables
