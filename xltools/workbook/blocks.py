"""Blocks: runs of rows that hold the same cells but for their row numbers and a few values (the detail
sheet's one block per unit: 205 blocks of 137 rows, 150 000 cells). A `Shape` says what every block holds;
a block is its first row and the values of the shape's slots. Into a BuiltSheet a block goes as it is: save.py
writes each block's XML from one template of its shape (one `str.format` for 700 cells), and reading the
sheet's cells first makes them the cells `put` would have written (cells.BuiltSheet._cells).
"""
from __future__ import annotations

from dataclasses import dataclass

from openpyxl.styles.cell_style import StyleArray


@dataclass(eq=False)
class Shape:
    """What every block holds, by (row offset from the block's first row, column)."""

    size: int  # rows
    fixed: list[tuple[int, int, tuple]]  # (offset, column, triple as cells.styled makes it): the same in each block
    formulas: list[tuple[int, int, str, StyleArray]]  # (offset, column, formula template, style): the template
    # is a format string whose field {k} is the block's row at offset k ("=SUM(E{3}:E{9})")
    slots: list[tuple[int, int]]  # (offset, column) of the cells each block gives (Block.values), in row order

    def __post_init__(self):
        places = [(o, c) for o, c, *_ in (*self.fixed, *self.formulas)] + self.slots
        if len(set(places)) < len(places) or self.slots != sorted(self.slots) or not all(
                0 <= o < self.size for o, _ in places):
            raise ValueError("a block's cells: one per place, within its rows, the slots in row order")

    def cells(self, first: int, values: tuple) -> list[tuple[tuple[int, int], tuple]]:
        """((row, column), triple) of every cell of the block from row `first` (a None value: no cell)."""
        rows = range(first, first + self.size)
        return [*(((first + o, c), triple) for o, c, triple in self.fixed),
                *(((first + o, c), (template.format(*rows), "f", array)) for o, c, template, array in self.formulas),
                *(((first + o, c), value) for (o, c), value in zip(self.slots, values) if value is not None)]


@dataclass(frozen=True)
class Block:
    first: int  # the row of offset 0
    shape: Shape
    values: tuple  # a triple (or None: no cell) for each of the shape's slots

    @property
    def end(self) -> int:
        """The row after the block."""
        return self.first + self.shape.size

    def cells(self) -> list[tuple[tuple[int, int], tuple]]:
        return self.shape.cells(self.first, self.values)
