"""A stand-in for an xlwings Book over an openpyxl workbook, answering the calls XlwingsBook makes the
way xlwings does: Range.formula is a str for one cell and a tuple of tuples for several ('' when
empty); Range.options(ndim=2).value is a 2-D list (floats, None for empty, and the computed value of
a formula, unknown here: None); writing .formula takes a 2-D list ('' clears a cell, a leading
apostrophe makes the rest text)."""
from __future__ import annotations

from types import SimpleNamespace

from openpyxl.utils.cell import get_column_letter, range_boundaries


class Range:
    def __init__(self, ws, ref):
        self.ws = ws
        left, top, right, bottom = range_boundaries(ref)
        self.box = (top, left, bottom or top, right or left)

    def _cells(self):
        top, left, bottom, right = self.box
        return [[self.ws.cell(r, c) for c in range(left, right + 1)] for r in range(top, bottom + 1)]

    @property
    def formula(self):
        text = tuple(tuple("" if c.value is None else c.value if isinstance(c.value, str) else str(c.value)
                           for c in row) for row in self._cells())
        return text[0][0] if len(text) == 1 and len(text[0]) == 1 else text

    @formula.setter
    def formula(self, rows):
        for row, values in zip(self._cells(), rows):
            for cell, value in zip(row, values):
                cell.value = None if value == "" else value
                if isinstance(value, str) and value.startswith("'"):  # Excel's text prefix
                    cell.value = value[1:]
                    cell.data_type = "s"

    def options(self, ndim=None):
        values = [[None if c.data_type == "f" else
                   float(c.value) if isinstance(c.value, int) and not isinstance(c.value, bool) else c.value
                   for c in row] for row in self._cells()]
        return SimpleNamespace(value=values)

    def resize(self, rows, cols):
        top, left, _, _ = self.box
        return Range(self.ws, f"{get_column_letter(left)}{top}:{get_column_letter(left + cols - 1)}{top + rows - 1}")


class Sheet:
    def __init__(self, ws):
        self.ws = ws
        self.name = ws.title
        self.api = SimpleNamespace(ProtectContents=False)

    def range(self, ref):
        return Range(self.ws, ref)

    @property
    def used_range(self):
        return SimpleNamespace(last_cell=SimpleNamespace(row=self.ws.max_row, column=self.ws.max_column))

    def clear_contents(self):
        for row in self.ws.iter_rows():
            for cell in row:
                cell.value = None


class Sheets:
    def __init__(self, wb):
        self.wb = wb

    def __iter__(self):
        return (Sheet(ws) for ws in self.wb.worksheets)

    def __getitem__(self, key):
        return Sheet(self.wb.worksheets[key] if isinstance(key, int) else self.wb[key])

    def add(self, name, after=None):
        return Sheet(self.wb.create_sheet(name))


class Book:
    def __init__(self, wb, fullname):
        self.wb = wb
        self.fullname = str(fullname)
        self.name = fullname.name
        self.sheets = Sheets(wb)
        self.alerts = []
        self.app = SimpleNamespace(alert=lambda prompt, title=None: self.alerts.append(prompt))
