"""What the toolkit writes into a spreadsheet cell: text is text, whatever it starts with.

openpyxl stores any str beginning with "=" as a formula, so a unit named `=HYPERLINK(…)` or a Giải trình
`=cmd|' /C calc'!A0` copied from a unit's own form would become a live formula (a link, a DDE command)
in the workbook the appraisers open. Every cell the toolkit writes goes through `put`: a value wrapped
in `Formula` is a formula the toolkit generated; any other str is stored as text.
"""
from __future__ import annotations

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

MAX_CELL_TEXT = 32_767  # characters Excel keeps in one cell


class Formula(str):
    """A formula the toolkit means to write ("=ROUND(SUM(C6:E6),3)")."""


def is_formula(value) -> bool:
    return isinstance(value, Formula)


def put(cell, value):
    """`cell` holding `value`: a Formula as a formula, any other str as text (control characters that a
    .xlsx cannot hold dropped), numbers and None as they are. Returns the cell."""
    if isinstance(value, Formula):
        cell.value = str(value)
    elif isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_CELL_TEXT]
        cell.data_type = "s"  # openpyxl made "=…" a formula
    else:
        cell.value = value
    return cell
