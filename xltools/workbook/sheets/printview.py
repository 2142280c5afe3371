"""The workbook as it prints: what an appraiser's printout leaves out, and how.

Excel has no formatting for the screen only, and LibreOffice and WPS ignore Excel's black-and-white print
flag (print_setup), so what must not print must not be drawn:

- An instruction row is hidden (`hide_row`). It stays where the layout puts it (the reader and the council
  split read the summary's legend row); its words reach the screen as the input message of the cells they
  are about (`prompt`): shown when such a cell is selected, never printed.
- Spare rows (no unit when the workbook was built) have no border or fill of their own (`spare_rows`): a
  conditional format, added after every other of the sheet, draws the table's border, and the input fill on
  input columns, on a row as soon as it holds a unit's name. LibreOffice styles a cell by the first of its
  conditional formats that holds (tested: a later format's fill is not added to an earlier one's border), so
  every highlight format carries the border as well (styles.CF_*), or a highlighted cell of a spare row would
  print without its border.
"""
from __future__ import annotations

from openpyxl.styles import Border, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from .. import formulas as F, layout as L
from ..cells import unframe
from ..styles import CF_ROW, CF_ROW_INPUT
from .common import a1, cf

NO_BORDER, NO_FILL = Border(), PatternFill()  # never changed (cells.unframe remembers them)
PROMPT_TITLE_MAX, PROMPT_MAX = 32, 255  # Excel's limits for an input message


def hide_row(ws, row: int) -> None:
    """A row seen neither on paper nor, unless unhidden, on screen (an instruction whose words `prompt` shows)."""
    ws.row_dimensions[row].hidden = True


def prompt(ws, sqref: str, title: str, text: str) -> None:
    """An input message on the cells of `sqref` (any value allowed): Excel, LibreOffice and WPS show it while one
    of them is selected; it never prints."""
    dv = DataValidation(allow_blank=True, showInputMessage=True, promptTitle=title[:PROMPT_TITLE_MAX],
                        prompt=text[:PROMPT_MAX])
    for part in sqref.split():
        dv.add(part)
    ws.add_data_validation(dv)


def spare_rows(ws, first: int, last: int, last_col: int, name_col: int, input_cols: list[int]) -> None:
    """Rows `first`..`last` print as nothing until a unit's name is typed in `name_col`: their cells lose the
    border and the input fill they were written with, and take them back from a conditional format (the
    sheet's last) while the row holds a name. Call after every other conditional format of the sheet."""
    if first > last:
        return
    for row in range(first, last + 1):
        for col in range(1, last_col + 1):
            unframe(ws, row, col, NO_BORDER, NO_FILL if col in input_cols else None)
    named = F.cf_named(a1(name_col, first, absolute_col=True))
    rows = lambda col: f"{L.col_letter(col)}{first}:{L.col_letter(col)}{last}"  # noqa: E731
    if input_cols:  # first: in LibreOffice only the first format that holds styles the cell
        cf(ws, " ".join(rows(col) for col in input_cols), named, **CF_ROW_INPUT)
    cf(ws, f"A{first}:{L.col_letter(last_col)}{last}", named, **CF_ROW)
