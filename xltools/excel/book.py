"""The small workbook interface the macros are written against, and its openpyxl implementation.

Two implementations, one macro code path: `OpenpyxlBook` (files: CLI, tests) here, `XlwingsBook`
(inside Excel, book_xlwings.py). Cells are addressed by sheet name and an A1 range; values go in
and out as 2-D lists the way xlwings passes them: None for a blank, float for a number, str for
text; a formula is a `Formula` (a str starting with "="): any other str is written as text, even
one starting with "=" (a unit named "=HYPERLINK(…)" stays a name).
"""
from __future__ import annotations

import os
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.cell import get_column_letter, range_boundaries

from ..celltext import Formula, hyperlink, is_formula, put
from ..errors import ReadError, UserError
from ..files import write_safely


class BookError(UserError, ValueError):
    """A workbook the macro cannot work on; the message says why in Vietnamese."""


def bounds(ref: str) -> tuple[int, int, int, int]:
    """(top, left, bottom, right), 1-based, of 'B3:F9' or 'B3'."""
    left, top, right, bottom = range_boundaries(ref)
    return top, left, bottom, right


class Book(ABC):
    """What a macro may do to a workbook."""

    name: str = ""
    path: Path  # where the workbook is saved (inside Excel: its FullName, a URL for a book in the cloud)

    @abstractmethod
    def sheet_names(self) -> list[str]:
        ...

    @abstractmethod
    def read(self, sheet: str, ref: str) -> list[list]:
        """What the cells hold: typed values, and formulas as Formula ("=ROUND(...)")."""

    @abstractmethod
    def values(self, sheet: str, ref: str) -> list[list]:
        """What the cells show: formulas as their computed values (None where none is known)."""

    @abstractmethod
    def write(self, sheet: str, top_left: str, rows: list[list]) -> None:
        """Values and formulas from `top_left` on; every row the same length."""

    @abstractmethod
    def extent(self, sheet: str) -> tuple[int, int]:
        """(last used row, last used column)."""

    def merged(self) -> dict[str, tuple[str, ...]]:
        """Merged ranges by sheet ("C6:C7"), where the implementation knows them."""
        return {}

    @abstractmethod
    def add_sheet(self, name: str) -> None:
        """A new empty sheet at the end (an existing sheet of that name is cleared instead)."""

    @abstractmethod
    def save(self) -> None:
        ...

    def alert(self, message: str) -> None:  # noqa: B027 (optional: only a book inside Excel shows messages)
        """Tell the appraiser (a message box inside Excel; the CLI prints what the macro returns)."""

    def has_sheet(self, name: str) -> bool:
        return name in self.sheet_names()

    def style_findings(self, sheet: str, look: FindingsLook) -> None:  # noqa: B027 (optional)
        """Make a findings sheet readable as `look` says: widths, bold title and header, wrapped text, frozen
        header, link font on the cells that link. The links themselves are HYPERLINK formulas among the values
        (`finding_where`), so they work whether or not a book can style. Optional: a book that cannot style
        keeps the plain values."""

    def require(self, name: str) -> None:
        if not self.has_sheet(name):
            raise BookError(f"Tệp {self.name} không có trang '{name}'; hãy dùng bảng tính tạo bằng "
                            "`xltools template` (các trang hiện có: " + ", ".join(self.sheet_names()) + ").")


def area(top_left: str, rows: list[list]) -> str:
    top, left, _, _ = bounds(top_left)
    width = max((len(r) for r in rows), default=1)
    return f"{get_column_letter(left)}{top}:{get_column_letter(left + width - 1)}{top + max(len(rows), 1) - 1}"


def apply(book: Book, writes: list[tuple[str, str, list[list]]]) -> None:
    """Write every (sheet, top_left, rows); if one write fails, the earlier ones are undone."""
    done = []
    try:
        for sheet, top_left, rows in writes:
            if not rows:
                continue
            before = book.read(sheet, area(top_left, rows))
            book.write(sheet, top_left, rows)
            done.append((sheet, top_left, before))
    except BaseException:
        for sheet, top_left, before in reversed(done):
            book.write(sheet, top_left, before)
        raise


def checked_path(path: str | os.PathLike) -> Path:
    """The path of a workbook file a macro can open (.xlsx or .xlsm), or a BookError that says what it is."""
    path = Path(path)
    if path.is_dir():
        raise BookError(f"'{path}' là một thư mục; hãy chỉ tới tệp bảng tính (.xlsx hoặc .xlsm).")
    if not path.is_file():
        raise BookError(f"Không tìm thấy tệp '{path}'; hãy kiểm tra đường dẫn.")
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        raise BookError(f"{path.name}: macro chỉ chạy trên bảng tính Excel (.xlsx hoặc .xlsm) tạo bằng "
                        "`xltools template`.")
    return path


class OpenpyxlBook(Book):
    """A workbook file. Nothing reaches the disk before save(); save() writes a temporary file next
    to it, keeps the previous version as a backup NAME.bak-TIME.EXT and moves the new one into place (xltools.files)."""

    def __init__(self, path: str | os.PathLike):
        self.path = checked_path(path)
        self.name = self.path.name
        self.keep_vba = self.path.suffix.lower() == ".xlsm"
        from ..importers.office_open import open_excel

        try:
            self.wb = open_excel(self.path, keep_vba=self.keep_vba)
        except ReadError as exc:
            raise BookError(str(exc)) from exc
        self._cached: dict[str, list[list]] | None = None

    def sheet_names(self) -> list[str]:
        return list(self.wb.sheetnames)

    def _cells(self, ws, ref):
        top, left, bottom, right = bounds(ref)
        return ws.iter_rows(min_row=top, max_row=bottom, min_col=left, max_col=right)

    def read(self, sheet, ref):
        self.require(sheet)
        return [[Formula(c.value) if c.data_type == "f" and isinstance(c.value, str) else plain(c.value) for c in row]
                for row in self._cells(self.wb[sheet], ref)]

    def values(self, sheet, ref):
        """Formulas give the values the program that last computed the file saved with it (None where
        it was saved without them: openpyxl keeps none)."""
        return shown(self.read(sheet, ref), self._shown().get(sheet, []), ref)

    def _shown(self) -> dict[str, list[list]]:
        """Every sheet's cells as the file shows them, read once: by the fast value reader, which gives them
        as openpyxl's would (a second openpyxl load cost as much as the first); by openpyxl itself in the
        rare files that reader does not take."""
        if self._cached is None:
            from python_calamine import CalamineError

            from ..workbook.values import CannotScan, read_cells

            try:
                self._cached = read_cells(self.path).values
            except (CannotScan, CalamineError):  # a package it does not follow; openpyxl opened this one
                wb = load_workbook(self.path, data_only=True, keep_vba=False)
                self._cached = {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in wb.worksheets}
        return self._cached

    def write(self, sheet, top_left, rows):
        self.require(sheet)
        ws = self.wb[sheet]
        top, left, _, _ = bounds(top_left)
        for i, row in enumerate(rows):
            for j, value in enumerate(row):
                put(ws.cell(row=top + i, column=left + j), value)

    def extent(self, sheet):
        """The last row and column holding a value: formatted blank cells (a whole sheet of them, in a
        hostile file) are not read."""
        self.require(sheet)
        used = [key for key, cell in self.wb[sheet]._cells.items() if cell.value is not None]
        return max((r for r, _ in used), default=1), max((c for _, c in used), default=1)

    def merged(self):
        return {ws.title: tuple(str(r) for r in ws.merged_cells.ranges) for ws in self.wb.worksheets}

    def add_sheet(self, name):
        if name in self.wb.sheetnames:
            ws = self.wb[name]
            for row in ws.iter_rows():
                for cell in row:
                    cell.value = None
        else:
            self.wb.create_sheet(name)

    def style_findings(self, sheet, look):
        from openpyxl.styles import Alignment, Font

        ws = self.wb[sheet]
        for col, width in enumerate(look.widths, start=1):
            ws.column_dimensions[get_column_letter(col)].width = width
        ws.cell(1, 1).font = Font(bold=True, size=13)
        for col in range(1, look.columns + 1):
            ws.cell(look.header_row, col).font = Font(bold=True)
        ws.freeze_panes = f"A{look.first_row}"
        # `cell.alignment = …` looks the style up among the workbook's for every cell (a thousand findings
        # took seconds): each style is looked up once, when first used, and its number given to the cells
        ids: dict = {}  # style maker -> its number in the workbook

        def style_id(collection, make) -> int:
            if make not in ids:
                ids[make] = collection.add(make())
            return ids[make]

        def wrapped():
            return Alignment(vertical="top", wrap_text=True)

        def link():
            return Font(color=LINK_COLOUR, underline="single")
        for r in range(look.first_row, max(look.last_row, ws.max_row) + 1):
            for col in range(1, look.columns + 1):
                c = ws.cell(r, col)
                _style_of(c).alignmentId = style_id(self.wb._alignments, wrapped)
                c.hyperlink = None  # a link object left by an earlier version of this sheet
            where = ws.cell(r, look.where_col)
            _style_of(where).fontId = style_id(self.wb._fonts, link if r in look.link_rows else Font)

    def save(self):
        saved(self, lambda tmp: self.wb.save(str(tmp)))


def saved(book: Book, save) -> None:
    """`save(tmp)` writes the book's new version; it replaces the file, the old one kept (xltools.files)."""
    try:
        write_safely(book.path, save)
    except PermissionError as exc:
        raise BookError(f"Không ghi được {book.name}: tệp đang mở trong Excel hoặc chỉ cho đọc; hãy đóng tệp "
                        "rồi chạy lại.") from exc


def shown(typed: list[list], cached: list[list], ref: str) -> list[list]:
    """What the cells of `ref` show: what they hold (`typed`, read from it), formulas as the value `cached` (a
    grid of the whole sheet from A1) keeps for them."""
    top, left, bottom, right = bounds(ref)
    return [[plain(_at(cached, r, c)) if is_formula(t) else t for c, t in enumerate(trow, start=left)]
            for r, trow in enumerate(typed, start=top)]


def _at(grid: list[list], row: int, col: int):
    """The value at 1-based (row, col) of a grid whose rows may stop early (None beyond)."""
    line = grid[row - 1] if row <= len(grid) else ()
    return line[col - 1] if col <= len(line) else None


def _style_of(cell):
    """The style numbers of an openpyxl cell, made as its style setters make them (a new cell has none)."""
    from openpyxl.styles.cell_style import StyleArray

    if not cell._style:
        cell._style = StyleArray()
    return cell._style


FINDINGS_WIDTHS = (18, 10, 20, 30, 24, 70, 20)  # Trang, Mức độ, Vấn đề, Đơn vị, Lĩnh vực, Nội dung, Ô
LINK_COLOUR = "0563C1"  # Excel's own hyperlink blue


@dataclass(frozen=True)
class FindingsLook:
    """How the findings sheet looks, worked out once from its rows; each Book only applies it."""

    last_row: int
    columns: int
    where_col: int
    link_rows: frozenset[int]
    widths: tuple[float, ...] = FINDINGS_WIDTHS
    header_row: int = 2
    first_row: int = 3


def findings_look(rows: list[list], where_col: int) -> FindingsLook:
    """The look of a findings sheet holding `rows` from A1 (title, header, findings); `where_col` (1-based)
    holds each finding's cell, a link where `finding_where` made one."""
    links = frozenset(r for r, row in enumerate(rows, start=1)
                      if r >= FindingsLook.first_row and len(row) >= where_col and is_formula(row[where_col - 1]))
    return FindingsLook(last_row=len(rows), columns=max(map(len, rows), default=1), where_col=where_col,
                        link_rows=links)


def finding_where(where):
    """A finding's "Ô" cell: "Tổng hợp Sở!D7" shown as a link to that cell (a HYPERLINK formula, the same in
    files and inside Excel); any other text (or None) as it is."""
    target = link_target(where)
    return hyperlink(target, str(where).strip()) if target else where


def link_label(value):
    """What a cell written by `finding_where` shows: its label (the cited cell) for a link, else the value."""
    if is_formula(value) or (isinstance(value, str) and value.startswith("=HYPERLINK(")):
        m = re.fullmatch(r'=HYPERLINK\("(?:[^"]|"")*",\s*"(?P<label>(?:[^"]|"")*)"\)', str(value))
        if m:
            return m["label"].replace('""', '"')
    return value


WHERE_CELL = re.compile(r"(?P<sheet>[^!]+)!(?P<ref>\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?)")


def link_target(where) -> str | None:
    """'Tổng hợp Sở!E7' -> "'Tổng hợp Sở'!E7" (a link's location); None for a finding without a cell."""
    m = WHERE_CELL.fullmatch(str(where or "").strip())
    if not m:
        return None
    return f"'{m['sheet'].strip(chr(39)).replace(chr(39), chr(39) * 2)}'!{m['ref']}"


def plain(value):
    """openpyxl's cell value as xlwings would give it: numbers as float (bool stays bool)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        try:
            return float(value)
        except OverflowError:  # a 400-digit integer in a hostile file: the number layer names it
            return value
    if hasattr(value, "text"):  # ArrayFormula / DataTableFormula
        return Formula(value.text) if isinstance(value.text, str) else None
    return value
