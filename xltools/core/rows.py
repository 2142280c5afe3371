"""One row of a ranking table -> one `Unit`: the assembly every reader shares.

The appraisal workbook (`workbook/reader.py`), the macros' tables (`excel/tables.py`) and the text,
Word and Excel importers (`importers/text_tables.py`) each know how to turn one of their cells into
text or a score (and what a bad cell is called); which column holds what, and how the values make a
Unit, is decided here once.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from .scoring import CellProblem, FieldScores, Unit

# Roles of a row's columns. "field" and "total" carry a score kind ("self", "appraised", "survey";
# "total" for the Tổng cộng); the other printed roles are what a published table shows to be checked.
NAME, DISTRICT, STT, FIELD, TOTAL, BONUS, PENALTY = "name", "district", "stt", "field", "total", "bonus", "penalty"
RANK, CLASS, CLASS_AFTER_RULE = "rank", "class", "class_after_rule"
PRINTED = (TOTAL, STT, RANK, CLASS, CLASS_AFTER_RULE)


@dataclass(frozen=True)
class RowColumn:
    """What one column of a unit's row holds. `col` is whatever the row's cells are addressed by
    (a 1-based sheet column, a 0-based cell index)."""

    col: int
    role: str
    kind: str = ""  # FIELD, TOTAL: "self" | "appraised" | "survey" | "total"
    field: int | None = None  # FIELD: index in the set's fields


class RowCells(Protocol):
    """One row of one source, cell by cell. A score cell that holds no score is recorded in `problems`
    (the unit's) and reads as None; the printed readers may raise the source's UserError instead."""

    problems: list[CellProblem]

    def text(self, col: int) -> str: ...

    def score(self, col: int, kind: str, field: int | None) -> Decimal | None: ...

    def printed_score(self, col: int, kind: str) -> Decimal | None: ...

    def printed_int(self, col: int) -> int | None: ...

    def printed_text(self, col: int) -> str | None: ...

    def cell(self, col: int) -> str: ...  # how messages cite the cell; "" when not known


def unit_of_row(columns: Iterable[RowColumn], cells: RowCells, n_fields: int, where: str,
                district: str | None = None, skip_blank: bool = True) -> Unit | None:
    """The unit of one row: its name and scores in the order of `columns`, then what the row prints
    (totals, rank, class; a blank row's are not read). None for a blank row (no name, no score, no
    problem) when `skip_blank`; `district` is the default when the row names none."""
    fields = [FieldScores() for _ in range(n_fields)]
    unit = Unit(name="", fields=fields, district=district, where=where, problems=cells.problems)
    shown = []
    for c in columns:
        if c.role == NAME:
            unit.name = cells.text(c.col)
        elif c.role == DISTRICT:
            unit.district = cells.text(c.col) or district
        elif c.role == FIELD and c.field is not None:
            target = fields[c.field]
            target.set_score(c.kind, cells.score(c.col, c.kind, c.field))
            if cell := cells.cell(c.col):
                target.cells[c.kind] = cell
        elif c.role in (BONUS, PENALTY):
            setattr(unit, c.role, cells.score(c.col, c.role, None))
        elif c.role in PRINTED:
            shown.append(c)
    if skip_blank and is_blank(unit):
        return None
    p = unit.printed
    for c in shown:
        if c.role == TOTAL:
            setattr(p, "total" if c.kind == "total" else f"{c.kind}_total", cells.printed_score(c.col, c.kind))
        elif c.role in (STT, RANK):
            setattr(p, c.role, cells.printed_int(c.col))
        else:
            setattr(p, "class_label" if c.role == CLASS else "class_after_rule", cells.printed_text(c.col))
    return unit


def is_blank(unit: Unit) -> bool:
    """A spare row: no name, no score of any kind, nothing unreadable (printed values do not count)."""
    scores = [v for s in unit.fields for v in (s.self_score, s.appraised, s.survey)] + [unit.bonus, unit.penalty]
    return not unit.name and not unit.problems and all(v is None for v in scores)


