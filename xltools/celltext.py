"""What the toolkit writes into a spreadsheet cell: text is text, whatever it starts with.

openpyxl stores any str beginning with "=" as a formula, so a unit named `=HYPERLINK(…)` or a Giải trình
`=cmd|' /C calc'!A0` copied from a unit's own form would become a live formula (a link, a DDE command)
in the workbook the appraisers open. Every cell the toolkit writes goes through `put`: a value wrapped
in `Formula` is a formula the toolkit generated; any other str is stored as text.
"""
from __future__ import annotations

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell

MAX_CELL_TEXT = 32_767  # characters Excel keeps in one cell


class Formula(str):
    """A formula the toolkit means to write ("=ROUND(SUM(C6:E6),3)")."""


def is_formula(value) -> bool:
    return isinstance(value, Formula)


def put(cell, value):
    """`cell` holding `value`: a Formula as a formula, any other str as text (control characters that a
    .xlsx cannot hold dropped), numbers and None as they are. Returns the cell."""
    if isinstance(cell, Cell) and _put_directly(cell, value):
        return cell
    return put_through_value(cell, value)


def put_through_value(cell, value):
    """`put` by `cell.value = …` (openpyxl's checks; any cell-like object)."""
    if isinstance(value, Formula):
        cell.value = str(value)
    elif isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_CELL_TEXT]
        cell.data_type = "s"  # openpyxl made "=…" a formula
    else:
        cell.value = value
    return cell


def _put_directly(cell: Cell, value) -> bool:
    """The common kinds set on an openpyxl Cell as `cell.value = …` would set them, without its type
    inference and string checks (a third of the time of building a large workbook). False: the value
    needs `cell.value` (a date, a bool, a formula openpyxl refuses…)."""
    stored = plain_value(value)
    if stored is None:
        return False
    cell._value, cell.data_type = stored
    return True


def plain_value(value) -> tuple | None:
    """(value, data type) of a cell holding `value`, as `put` stores it, for the common kinds (formula, text,
    number, None); None for a value that needs `cell.value` (a date, a bool, a formula openpyxl refuses…)."""
    if isinstance(value, Formula):
        if not (1 < len(value) <= MAX_CELL_TEXT and value[0] == "=") or not _clean(value):
            return None
        return str(value), "f"
    if isinstance(value, str):
        return (value if _clean(value) else ILLEGAL_CHARACTERS_RE.sub("", value))[:MAX_CELL_TEXT], "s"
    if value is None or type(value) is int or type(value) is float:
        return value, "n"
    return None


def _clean(text: str) -> bool:
    """No control character a .xlsx cannot hold (isprintable, a C loop, clears nearly every text: a
    200-unit workbook writes 28 000 formulas)."""
    return text.isprintable() or not ILLEGAL_CHARACTERS_RE.search(text)


MAX_FORMULA_TEXT = 255  # characters Excel allows in one text literal of a formula


def text_literal(text: str) -> str:
    """`text` as a formula's string literal: in double quotes, its own double quotes doubled, control
    characters dropped (so no text can end the literal and continue the formula)."""
    return '"' + ILLEGAL_CHARACTERS_RE.sub("", text).replace('"', '""') + '"'


def hyperlink(location: str, label: str) -> Formula | str:
    """=HYPERLINK("#'Sheet'!D7","label"): a link to a place in the same workbook, written as a formula so that
    Excel (also through xlwings), LibreOffice and WPS follow it alike; the label as plain text when either part
    is too long for a formula's text literal."""
    if max(len(location) + 1, len(label)) > MAX_FORMULA_TEXT:
        return label
    return Formula(f"=HYPERLINK({text_literal('#' + location)},{text_literal(label)})")
