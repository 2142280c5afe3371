"""The workbook interface inside Excel (xlwings, Windows or macOS with Excel): imported lazily by the
macros when they run from a button (RunPython) or from the add-in's Run main.

Formulas are read and written through Range.formula (Excel's own A1 text), so a moved formula goes
back exactly as it came. The workbook is not saved: the appraiser sees the result and saves it.
"""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import xlwings as xw

from ..celltext import Formula
from .book import LINK_COLOUR, Book, BookError, FindingsLook, bounds, plain

XL_TOP = -4160  # Excel's xlTop (VerticalAlignment)
XL_UNDERLINE_SINGLE = 2  # Excel's xlUnderlineStyleSingle


def _two_d(value, rows: int, cols: int) -> list[list]:
    if rows == 1 and cols == 1:
        return [[value]]
    if not isinstance(value, (list, tuple)):
        return [[value]]
    if value and not isinstance(value[0], (list, tuple)):
        return [list(value)] if rows == 1 else [[v] for v in value]
    return [list(row) for row in value]


@contextmanager
def unprotected(sheet):
    """Template sheets are protected, without a password unless one was chosen: lift the protection for
    the write and put it back as `xltools template` sets it (resize, filter allowed; locked cells kept)."""
    api = sheet.api
    if not api.ProtectContents:
        yield
        return
    try:
        api.Unprotect()
    except Exception as exc:  # pywintypes.com_error: a password is set
        raise BookError(f"Trang {sheet.name} được bảo vệ bằng mật khẩu: hãy bỏ bảo vệ (Review > Unprotect Sheet), "
                        "chạy lại macro rồi bảo vệ lại trang.") from exc
    try:
        yield
    finally:
        api.Protect(DrawingObjects=False, Contents=True, Scenarios=False, AllowFormattingColumns=True,
                    AllowFormattingRows=True, AllowFiltering=True)


def _as_formula(value):
    """A value for Range.formula: a text that Excel would parse as a formula ("=…", "+…", "-…", "@…") gets the
    apostrophe that makes it text."""
    if value is None:
        return ""
    if isinstance(value, str) and not isinstance(value, Formula) and value[:1] in ("=", "+", "-", "@", "'"):
        return "'" + value
    return value


class XlwingsBook(Book):
    def __init__(self, book: xw.Book | None = None):
        self.book = book or xw.Book.caller()
        self.name = self.book.name
        self.path = Path(self.book.fullname)

    def sheet_names(self):
        return [s.name for s in self.book.sheets]

    def _range(self, sheet, ref):
        self.require(sheet)
        return self.book.sheets[sheet].range(ref)

    def read(self, sheet, ref):
        top, left, bottom, right = bounds(ref)
        rng = self._range(sheet, ref)
        formulas = _two_d(rng.formula, bottom - top + 1, right - left + 1)
        values = rng.options(ndim=2).value
        # a text cell typed as '=1+1 shows its text as its formula too: only a cell whose value differs is a formula
        return [[Formula(f) if isinstance(f, str) and f.startswith("=") and f != v else plain(v)
                 for f, v in zip(frow, vrow)]
                for frow, vrow in zip(formulas, values)]

    def values(self, sheet, ref):
        return [[plain(v) for v in row] for row in self._range(sheet, ref).options(ndim=2).value]

    def write(self, sheet, top_left, rows):
        if not rows:
            return
        rng = self._range(sheet, top_left).resize(len(rows), len(rows[0]))
        with unprotected(self.book.sheets[sheet]):
            rng.formula = [[_as_formula(v) for v in row] for row in rows]

    def extent(self, sheet):
        self.require(sheet)
        last = self.book.sheets[sheet].used_range.last_cell
        return last.row, last.column

    def add_sheet(self, name):
        if self.has_sheet(name):
            self.book.sheets[name].clear_contents()
        else:
            self.book.sheets.add(name, after=self.book.sheets[-1])

    def style_findings(self, sheet, look: FindingsLook):
        """`look` applied through Excel's object model. Untested here (xlwings cannot drive Excel on Linux): it only
        applies what `findings_look` decided, which is tested, as OpenpyxlBook applies it to files."""
        ws = self.book.sheets[sheet]
        for col, width in enumerate(look.widths, start=1):
            ws.range((1, col)).column_width = width
        ws.range((1, 1)).font.bold, ws.range((1, 1)).font.size = True, 13
        ws.range((look.header_row, 1), (look.header_row, look.columns)).font.bold = True
        if look.last_row >= look.first_row:
            body = ws.range((look.first_row, 1), (look.last_row, look.columns))
            body.wrap_text = True
            body.api.VerticalAlignment = XL_TOP
        for row in sorted(look.link_rows):
            cell = ws.range((row, look.where_col))
            cell.font.color = "#" + LINK_COLOUR
            cell.api.Font.Underline = XL_UNDERLINE_SINGLE
        ws.activate()  # Excel freezes panes on the active window only
        window = self.book.app.api.ActiveWindow
        window.FreezePanes = False
        window.SplitColumn, window.SplitRow = 0, look.first_row - 1
        window.FreezePanes = True

    def save(self):
        """Inside Excel the appraiser saves; nothing is written to disk behind their back."""

    def alert(self, message: str) -> None:
        self.book.app.alert(message, title="xltools")
