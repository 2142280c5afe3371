"""A stand-in for an xlwings Book over an openpyxl workbook, answering the calls XlwingsBook makes the
way xlwings does: Range.formula is a str for one cell and a tuple of tuples for several ('' when
empty); Range.options(ndim=2).value is a 2-D list (floats, None for empty, and the computed value of
a formula, unknown here: None); writing .formula takes a 2-D list ('' clears a cell, a leading
apostrophe makes the rest text). Styling calls (column_width, wrap_text, font, api.VerticalAlignment,
api.Font.Underline, the active window's frozen panes) style the openpyxl cells as Excel would."""
from __future__ import annotations

from copy import copy
from types import SimpleNamespace

from openpyxl.utils.cell import get_column_letter, range_boundaries

XL_VERTICAL = {-4160: "top", -4108: "center", -4107: "bottom"}
XL_UNDERLINE = {2: "single", -4142: None}


def _a1(ref, other=None):
    """'B3', or (row, col) corners as xlwings takes them."""
    if isinstance(ref, tuple):
        ref = f"{get_column_letter(ref[1])}{ref[0]}"
    if other is not None:
        ref += ":" + _a1(other)
    return ref


class _Styled:
    """Font / alignment attributes set through xlwings or COM, applied to every cell of a range (`codes` turns
    Excel's constants into openpyxl's values)."""

    def __init__(self, cells, part, names, codes=None):
        object.__setattr__(self, "_cells", cells)
        object.__setattr__(self, "_part", part)
        object.__setattr__(self, "_names", names)
        object.__setattr__(self, "_codes", codes or {})

    def __setattr__(self, name, value):
        value = self._codes.get(value, value.lstrip("#") if isinstance(value, str) else value)
        for cell in self._cells:
            style = copy(getattr(cell, self._part))
            setattr(style, self._names[name], value)
            setattr(cell, self._part, style)


class _Com(_Styled):
    """Range.api: the COM members XlwingsBook sets (VerticalAlignment, Font.Underline)."""

    def __init__(self, cells):
        super().__init__(cells, "alignment", {"VerticalAlignment": "vertical"}, XL_VERTICAL)
        object.__setattr__(self, "Font", _Styled(cells, "font", {"Underline": "underline"}, XL_UNDERLINE))


class Range:
    def __init__(self, ws, ref, other=None):
        self.ws = ws
        left, top, right, bottom = range_boundaries(_a1(ref, other))
        self.box = (top, left, bottom or top, right or left)

    def _flat(self):
        return [c for row in self._cells() for c in row]

    @property
    def font(self):
        return _Styled(self._flat(), "font", {"bold": "bold", "size": "size", "color": "color"})

    @property
    def api(self):
        return _Com(self._flat())

    @property
    def wrap_text(self):
        return all(c.alignment.wrap_text for c in self._flat())

    @wrap_text.setter
    def wrap_text(self, value):
        _Styled(self._flat(), "alignment", {"wrap": "wrap_text"}).wrap = value

    @property
    def column_width(self):
        return self.ws.column_dimensions[get_column_letter(self.box[1])].width

    @column_width.setter
    def column_width(self, value):
        for col in range(self.box[1], self.box[3] + 1):
            self.ws.column_dimensions[get_column_letter(col)].width = value

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

    def range(self, ref, other=None):
        return Range(self.ws, ref, other)

    def activate(self):
        self.ws.parent.active = self.ws

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
        self.app = SimpleNamespace(alert=lambda prompt, title=None: self.alerts.append(prompt),
                                   api=SimpleNamespace(ActiveWindow=Window(wb)))


class Window:
    """Excel's active window: FreezePanes freezes the active sheet above SplitRow and left of SplitColumn."""

    def __init__(self, wb):
        object.__setattr__(self, "wb", wb)
        object.__setattr__(self, "SplitRow", 0)
        object.__setattr__(self, "SplitColumn", 0)

    def __setattr__(self, name, value):
        object.__setattr__(self, name, value)
        if name == "FreezePanes":
            ws = self.wb.active
            ws.freeze_panes = f"{get_column_letter(self.SplitColumn + 1)}{self.SplitRow + 1}" if value else None
