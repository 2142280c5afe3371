"""Where the units are in a workbook, and the units read from it through the Book interface.

A `Table` names the summary sheet's rows and columns for one criteria set; `read_units` turns its
rows into the core's Unit objects from the values the cells show (formulas computed by Excel, or by
the Book's engine for files), so that the macros score exactly what the appraiser sees.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field as dc_field, replace
from decimal import Decimal

from openpyxl.utils.cell import get_column_letter

from ..core.checks import KIND_LABEL
from ..core.criteria import CriteriaSet
from ..core.rows import RowColumn, unit_of_row
from ..core.scoring import BOOL, TEXT, CellProblem, Unit, UnitsTable
from ..workbook import layout as L
from ..workbook.reader import GridReader  # the reader over cell grids: files and Excel alike
from .book import Book, BookError, is_formula
from .cells import CellError, blank, score, text


@dataclass
class Table:
    """A summary sheet's layout placed where the macros read it: on its sheet of a workbook, or as rows
    1..n of a range handed to a worksheet function (sheet ""). Every column is the layout's
    (`workbook.layout.SummaryLayout`, the one model of a summary row); only the rows, and which of the
    unit's columns a range reaches, are the placement's."""

    layout: L.SummaryLayout
    sheet: str
    first_row: int  # first unit row
    last_row: int  # last unit row (spare blank rows included)
    columns: list[RowColumn]  # what the row reader reads of a unit's row (core/rows.py)

    @property
    def cset(self) -> CriteriaSet:
        return self.layout.cset

    @property
    def block(self) -> str:
        return f"A{self.first_row}:{get_column_letter(self.layout.last_col)}{self.last_row}"

    def cell(self, row: int, column: int) -> str:
        if not self.sheet:  # a range handed to a worksheet function
            return f"dòng {row}, cột {column} của vùng"
        return f"{self.sheet}!{get_column_letter(column)}{row}"


def table_of(layout: L.SummaryLayout) -> Table:
    """A summary sheet of a workbook, where `xltools template` put it."""
    return Table(layout, layout.sheet, layout.first_row, layout.last_row, layout.unit_columns())


def summary_columns(cset: CriteriaSet, n_rows: int) -> Table:
    """The columns of a summary sheet of `xltools template` for the set, rows 1..n_rows (a range handed
    to a worksheet function)."""
    layout = L.SummaryLayout(cset, n_rows, district_col=L.district_column(cset), rule_live=False)
    return Table(layout, "", 1, n_rows, layout.unit_columns())


@dataclass
class Rows:
    """A table's rows: what the cells hold (formulas as text), and the unit of each row."""

    table: Table
    contents: list[list]
    units: list[Unit | None]  # None: a spare blank row
    read: UnitsTable | None = None  # what the workbook reader made of a template's sheet (its problems, …)
    # sheets whose formulas read this table's rows by position, not by unit (a template's live ranking reads
    # "the i-th row of the summary"): sorting the rows must leave their references where they are
    by_position: tuple[str, ...] = ()

    def holds(self, unit: Unit) -> bool:
        return any(u is unit for u in self.units)

    def row_of(self, unit: Unit) -> int:
        return self.table.first_row + next(i for i, u in enumerate(self.units) if u is unit)


def read_rows(book: Book, table: Table) -> Rows:
    """A table whose rows hold all its inputs (an appendix-like sheet), read row by row."""
    contents = book.read(table.sheet, table.block)
    shown = book.values(table.sheet, table.block)
    units = [unit_of(table, table.first_row + i, row, typed) for i, (row, typed) in enumerate(zip(shown, contents))]
    return Rows(table, contents, units)


def unit_of(table: Table, row: int, values: list, typed: list) -> Unit | None:
    return unit_of_row(table.columns, _BookRow(table, row, values, typed), len(table.layout.fields),
                       table.cell(row, table.layout.name))


class _BookRow:
    """One row of a table as the shared row reader asks it (core/rows.py), from the values the cells
    show; `typed` tells what a person typed from a formula."""

    def __init__(self, table: Table, row: int, values: list, typed: list):
        self.table, self.row, self.values, self.typed = table, row, values, typed
        self.problems: list[CellProblem] = []

    def at(self, column: int):
        return self.values[column - 1]

    def cell(self, column: int) -> str:
        return self.table.cell(self.row, column)

    def number(self, column: int, label: str) -> Decimal | None:
        return score(self.at(column), f"{self.cell(column)} ({label})")

    def text(self, column: int) -> str:
        return text(self.at(column))

    def score(self, column: int, kind: str, field: int | None) -> Decimal | None:
        """A score the appraiser typed: text there (even "8,5") is what Excel does not count, a problem of the
        unit, as the workbook's own Kiểm tra column sees it."""
        value = self.at(column)
        if blank(value):
            return None
        if isinstance(value, (bool, str)) or not isinstance(value, (int, float)):
            self.problems.append(CellProblem(BOOL if isinstance(value, bool) else TEXT, kind, text(value),
                                             self.cell(column), field))
            return None
        return self.number(column, KIND_LABEL.get(kind, kind))

    def typed_only(self, column: int) -> bool:
        """Printed totals, rank, class: only what a person typed; formulas agree with the rules by design."""
        return not is_formula(self.typed[column - 1])

    def printed_score(self, column: int, kind: str) -> Decimal | None:
        return self.number(column, kind) if self.typed_only(column) else None

    def printed_int(self, column: int) -> int | None:
        return whole(self.at(column), self.cell(column)) if self.typed_only(column) and not blank(self.at(column)) \
            else None

    def printed_text(self, column: int) -> str | None:
        return text(self.at(column)) if self.typed_only(column) and not blank(self.at(column)) else None


def whole(value, where: str) -> int:
    number = score(value, where)
    if number != number.to_integral_value():
        raise CellError(f"{where}: {value} không phải là số nguyên.")
    return int(number)


def units_table(rows: Rows) -> UnitsTable:
    """The rows' units as the core's table; a template's keeps what the reader knew (unreadable cells of
    no unit, notes column, names matched as formulas match them), so the macros check as `xltools check`."""
    t = rows.table
    units = [u for u in rows.units if u is not None]
    if rows.read is not None:  # units typed below the table stay last: checked (and never ranked), never moved
        inside = {id(u) for u in units}
        return replace(rows.read, units=units + [u for u in rows.read.units if id(u) not in inside])
    return UnitsTable(units, level=t.cset.level, sheet=t.sheet)


# ---------------------------------------------------------------- workbooks made by `xltools template`

def template(book: Book):
    """The layout contract's sections of a template and the reader's (UnitsTable, set) for each,
    read from what the Book's cells show (so inside Excel too)."""
    sections, pairs, _ = _template(book)
    return sections, pairs


def _template(book: Book):
    """`template`, and the summaries' cells as typed ({sheet: rows from row 1}), read once for both."""
    if not book.has_sheet(L.CONFIG_SHEET) or book.read(L.CONFIG_SHEET, L.CONFIG_MARKER_CELL)[0][0] != L.LAYOUT_VERSION:
        raise BookError(f"{book.name} không phải bảng tính thẩm định tạo bằng `xltools template` (không có trang "
                        f"{L.CONFIG_SHEET} ghi {L.LAYOUT_VERSION} ở ô {L.CONFIG_MARKER_CELL}).")
    grids = {}
    for name in book.sheet_names():
        last_row, last_col = book.extent(name)
        grids[name] = book.values(name, f"A1:{get_column_letter(last_col)}{last_row}")
    sections = GridReader(book.name, grids).layout().sections
    # the summaries' cells as typed (formulas as text): a number typed over a total or the rank is then
    # reported on Kiểm tra as `xltools check` reports it
    typed = {s.summary.sheet: book.read(s.summary.sheet, f"A1:{get_column_letter(s.summary.last_col)}"
                                                          f"{max(book.extent(s.summary.sheet)[0], s.summary.last_row)}")
             for s in sections}
    return sections, GridReader(book.name, grids, typed=typed, merged=book.merged()).read(), typed


def template_rows(book: Book) -> list[Rows]:
    sections, pairs, typed = _template(book)
    out = []
    for section, (table, _) in zip(sections, pairs):
        t = table_of(section.summary)
        units: list[Unit | None] = [None] * (t.last_row - t.first_row + 1)
        for unit in table.units:
            row = int(re.search(r"(\d+)$", unit.where)[1])
            if t.first_row <= row <= t.last_row:
                units[row - t.first_row] = unit
        ranking = (section.ranking.sheet,) if section.ranking else ()
        contents = typed[t.sheet][t.first_row - 1:t.last_row]  # the block's rows (A to the last column)
        out.append(Rows(t, contents, units, table, by_position=ranking))
    return out


@dataclass
class SurveyTarget:
    """Where a workbook keeps the survey scores it counts: one row per unit, a column per field."""

    sheet: str
    cset: CriteriaSet
    name: int
    first_row: int
    last_row: int
    fields: dict[int, int]  # field index -> column
    units: list[str] = dc_field(default_factory=list)  # names on the summary, for rows still missing here

    @property
    def width(self) -> int:
        return max([self.name, *self.fields.values()])
