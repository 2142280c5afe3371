"""How the builder writes cells fast: a 200-unit workbook with criteria detail has 160 000 of them.

`put` writes a cell with a named style. Into a `BuiltSheet` (every sheet the builder creates) it writes no
openpyxl Cell at all: the cell waits as a (value, data type, StyleArray) triple that save.py writes
straight to XML. The moment anything else reads the sheet's cells (`ws.cell`, `ws[…]`, `iter_rows`,
`max_row`, `merge_cells`: everything in openpyxl goes through `ws._cells`), the waiting cells become
ordinary openpyxl Cells, exactly those `put` used to make: readers of a built workbook (tests, council,
the .xlsm maker) see no difference. Blocks of cells of the same shape (blocks.py, `place_block`) wait the same way.
"""
from __future__ import annotations

from copy import copy
from operator import itemgetter

from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.styles.cell_style import StyleArray
from openpyxl.styles.styleable import StyleableObject
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.dimensions import RowDimension
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.worksheet import Worksheet

from ..celltext import plain_value, put as put_value
from ..collector import cycle_collector_paused  # noqa: F401  (save.py and builder.py take it from here)
from .blocks import Block


class SharedStyleCell(Cell):
    """An openpyxl Cell whose StyleArray is shared with every cell of its named style (a 200-unit workbook
    has 160 000 cells and a dozen styles). Restyling it (`cell.font = …`, `cell.border += …`, also done by
    openpyxl's merge_cells) first gives it its own copy, so no other cell changes."""

    __slots__ = ()


class _CopyOnWrite:
    def __init__(self, inner):
        self.inner = inner

    def __get__(self, cell, owner=None):
        return self if cell is None else self.inner.__get__(cell, owner)

    def __set__(self, cell, value):
        if cell._style is not None:
            cell._style = StyleArray(cell._style)
        self.inner.__set__(cell, value)


for _name in ("font", "fill", "border", "number_format", "protection", "alignment", "style", "quotePrefix",
              "pivotButton"):
    setattr(SharedStyleCell, _name, _CopyOnWrite(StyleableObject.__dict__[_name]))

_new_cell = Cell.__new__


def _cell(ws, row: int, col: int, value, data_type: str, array) -> Cell:
    """A SharedStyleCell with its attributes set as Cell.__init__ sets them."""
    cell = _new_cell(SharedStyleCell)
    cell.parent, cell.row, cell.column, cell._style = ws, row, col, array
    cell._value, cell.data_type, cell._hyperlink, cell._comment = value, data_type, None, None
    return cell


class BuiltSheet(Worksheet):
    """A Worksheet whose `put` cells wait in `pending` ((row, col) -> (value, data type, StyleArray)) until
    someone reads `_cells` (then they become Cells, in the order they were written) or save.py writes them."""

    def __init__(self, parent, title=None):
        self.pending: dict[tuple[int, int], tuple] = {}
        self.blocks: list[Block] = []  # blocks of cells (blocks.py), waiting as well; a pending cell wins over theirs
        self._row = 0
        self.styles: dict[str, StyleArray] = parent.__dict__.setdefault("_xltools_styles", {})  # per workbook
        self.texts: dict[str, str] = {}  # text -> as the cell holds it (labels repeat in every unit's block)
        super().__init__(parent, title)

    @property  # type: ignore[override]
    def _cells(self) -> dict:
        pending = self.pending
        if self.blocks:
            waiting = {key: triple for block in self.blocks for key, triple in block.cells()}
            waiting.update(pending)
            pending = self.pending = waiting
            self.blocks = []
        if pending:
            cells = self._made
            for (row, col), (value, data_type, array) in pending.items():
                cells[(row, col)] = _cell(self, row, col, value, data_type, array)
            self._row = max(self._row, max(pending)[0])  # as openpyxl's _add_cell keeps it
            pending.clear()
        return self._made

    @_cells.setter
    def _cells(self, cells: dict) -> None:
        self.pending.clear()
        self.blocks = []
        self._made = cells

    @property  # type: ignore[override]
    def _current_row(self) -> int:
        """openpyxl's last row written (iter_rows reads it before the cells: it finds no cell while it is 0)."""
        self._cells  # noqa: B018 (makes the waiting cells)
        return self._row

    @_current_row.setter
    def _current_row(self, row: int) -> None:
        self._row = row

    def calculate_dimension(self) -> str:
        """openpyxl's, over the made and the waiting cells (saving makes no Cell)."""
        keys = [k for k in (self._made, self.pending, *(dict(b.cells()) for b in self.blocks)) if k]
        if not keys:
            return "A1:A1"
        rows = [r for k in keys for r in (min(k)[0], max(k)[0])]
        cols = [c for k in keys for c in (min(map(_col, k)), max(map(_col, k)))]
        return f"{get_column_letter(min(cols))}{min(rows)}:{get_column_letter(max(cols))}{max(rows)}"


_col = itemgetter(1)


def create_sheet(wb, title: str) -> BuiltSheet:
    """`wb.create_sheet(title)`, as a BuiltSheet."""
    ws = BuiltSheet(parent=wb, title=title)
    wb._add_sheet(ws)
    return ws


def style_array(ws, style: str) -> StyleArray:
    """The StyleArray of a named style, resolved once per workbook and shared by its cells."""
    shared = ws.parent.__dict__.setdefault("_xltools_styles", {})
    array = shared.get(style)
    if array is None:
        probe = Cell(ws)
        probe.style = style  # registers the named style with the workbook
        array = shared[style] = copy(probe._style)
    return array


NUMBERS = (int, float, type(None))  # the exact types of a number cell (not bool, not Decimal)


def styled(ws, value, style: str) -> tuple:
    """The (value, data type, StyleArray) triple of a cell holding `value` (a number, text, formula or None)
    with a named style: worked out once, placed in many cells with `writer`."""
    stored = plain_value(value)
    if stored is None:
        raise TypeError(f"{value!r}: a value put() writes through openpyxl")
    return (*stored, style_array(ws, style))


def number_cell(ws, style: str):
    """value -> the triple of a cell holding the number `value` (int, float or None) with a named style, for
    `writer`: what put stores, without its checks (the detail writes 80 000 scores)."""
    array = style_array(ws, style)
    made: dict[tuple, tuple] = {}  # (type, value) -> its triple: one object for equal scores (save.py caches by it)

    def triple(value: int | float | None) -> tuple:
        kind = type(value)
        if kind not in NUMBERS:
            raise TypeError(f"{value!r}: not a number cell")
        if kind is float and (value == 0 or value != value):  # -0.0 == 0.0, NaN != NaN: not shared
            return value, "n", array
        same = made.get((kind, value))
        if same is None:
            same = made[(kind, value)] = (value, "n", array)
        return same
    return triple


def writer(ws):
    """place((row, col), triple): the cell `styled` described, written into `ws` (in a BuiltSheet, as it is)."""
    if isinstance(ws, BuiltSheet):
        return ws.pending.__setitem__

    def place(key: tuple[int, int], triple: tuple) -> None:
        ws._cells[key] = _cell(ws, *key, *triple)
    return place


def place_all(ws, cells: list[tuple[tuple[int, int], tuple]]) -> None:
    """Each ((row, col), triple) of `cells` placed as `writer(ws)` places it."""
    if isinstance(ws, BuiltSheet):
        ws.pending.update(cells)
        return
    place = writer(ws)
    for key, triple in cells:
        place(key, triple)


def place_block(ws, block: Block) -> None:
    """The cells of `block` written into `ws` (into a BuiltSheet, as a block: see blocks.py)."""
    if isinstance(ws, BuiltSheet):
        ws.blocks.append(block)
    else:
        place_all(ws, block.cells())


def put(ws, row: int, col: int, value, style: str) -> None:
    """Write a cell with a named style (the value as celltext.put stores it); in a BuiltSheet the cell waits
    as a triple (see the module)."""
    pending = getattr(ws, "pending", None)
    if pending is not None:
        array = ws.styles.get(style) or style_array(ws, style)
        kind = type(value)
        if kind in NUMBERS:  # not bool, not Decimal: exact types, as celltext.plain_value
            pending[(row, col)] = (value, "n", array)
            return
        if kind is str:
            text = ws.texts.get(value)
            if text is None:
                text = ws.texts[value] = plain_value(value)[0]
            pending[(row, col)] = (text, "s", array)
            return
        stored = plain_value(value)
        if stored is not None:
            pending[(row, col)] = (*stored, array)
            return
    cell = ws._cells[(row, col)] = _cell(ws, row, col, None, "n", style_array(ws, style))  # no cell waits now
    put_value(cell, value)


_row_heights: dict[float, dict] = {}  # height -> the attributes of a RowDimension with that height


def set_height(ws, row: int, height: float) -> None:
    """`ws.row_dimensions[row].height = height`, the new RowDimension made from a copy of the attributes of
    one made by openpyxl (its descriptors cost more than the rest of a row: 2 500 rows have a height)."""
    dims = ws.row_dimensions
    dim = dims.get(row)
    if dim is not None:
        dim.height = height
        return
    like = _row_heights.get(height)
    if like is None:
        like = _row_heights[height] = RowDimension(ws, index=row, ht=height).__dict__
    dim = RowDimension.__new__(RowDimension)
    dim.parent, dim._style = ws, None
    dim.__dict__.update(like)
    dim.__dict__["index"] = row
    dims[row] = dim


def merge(ws, start_row: int, start_column: int, end_row: int, end_column: int) -> None:
    """`ws.merge_cells(…)`. What openpyxl works out for a merged range (the border each edge cell takes, the
    protection every cell takes) depends only on the range's shape and the styles of its two corner cells:
    worked out by openpyxl once per workbook and kind of range, then copied (titles and headers repeat it)."""
    cells = ws._cells
    start, end = cells.get((start_row, start_column)), cells.get((end_row, end_column))
    if start is None or start is end:
        ws.merge_cells(start_row=start_row, start_column=start_column, end_row=end_row, end_column=end_column)
        return
    key = (end_row - start_row, end_column - start_column, tuple(start._style), end and tuple(end._style))
    known = ws.parent.__dict__.setdefault("_xltools_merges", {})
    styles = known.get(key)
    if styles is None:
        ws.merge_cells(start_row=start_row, start_column=start_column, end_row=end_row, end_column=end_column)
        known[key] = [(row - start_row, col - start_column, StyleArray(cells[(row, col)]._style))
                      for row in range(start_row, end_row + 1) for col in range(start_column, end_column + 1)]
        return
    merged = MergedCellRange.__new__(MergedCellRange)  # MergedCellRange.__init__ without working out borders
    merged.ws, merged.start_cell = ws, start
    CellRange.__init__(merged, min_col=start_column, min_row=start_row, max_col=end_column, max_row=end_row)
    ws.merged_cells.add(merged)
    for dr, dc, style in styles:  # in the order openpyxl's _clean_merge_range writes them
        if dr or dc:
            cell = cells[(start_row + dr, start_column + dc)] = MergedCell(ws, start_row + dr, start_column + dc)
        else:
            cell = start
        cell._style = StyleArray(style)


def unframe(ws, row: int, col: int, border, fill=None) -> None:
    """`cell.border = border` (and `cell.fill = fill`) for the cell at (row, col), if there is one; a waiting
    cell keeps waiting, with a restyled copy of its StyleArray (shared by the cells that had the same)."""
    if getattr(ws, "blocks", None):  # the cells of a block across the row become waiting cells first
        across = [block for block in ws.blocks if block.first <= row < block.end]
        ws.blocks = [block for block in ws.blocks if not block.first <= row < block.end]
        for block in across:
            for key, triple in block.cells():
                ws.pending.setdefault(key, triple)  # a cell put there wins over the block's, as in _cells
    pending = getattr(ws, "pending", None)
    triple = pending.get((row, col)) if pending else None
    if triple is None:
        cell = (ws._made if isinstance(ws, BuiltSheet) else ws._cells).get((row, col))  # no waiting cell made
        if cell is not None:
            cell.border = border
            if fill is not None:
                cell.fill = fill
        return
    wb = ws.parent
    border_id = _added(wb, "_borders", border)  # registered in the order cell.border = … would register them
    fill_id = None if fill is None else _added(wb, "_fills", fill)
    value, data_type, array = triple
    restyled = wb.__dict__.setdefault("_xltools_restyled", {})  # (id of the old array, ids) -> (new, old)
    like = (id(array), border_id, fill_id)
    if like not in restyled:
        new = StyleArray(array) if array is not None else StyleArray()
        new.borderId = border_id
        if fill_id is not None:
            new.fillId = fill_id
        restyled[like] = (new, array)  # the old array kept alive, so its id is not reused
    pending[(row, col)] = (value, data_type, restyled[like][0])


def _added(wb, collection: str, item) -> int:
    """`getattr(wb, collection).add(item)`, remembered per item object (hashing a Border or a Fill to find it
    again costs more than the rest of restyling a cell): for style objects that are not changed after."""
    known = wb.__dict__.setdefault("_xltools_added", {})
    hit = known.get((collection, id(item)))
    if hit is None or hit[1] is not item:
        hit = known[(collection, id(item))] = (getattr(wb, collection).add(item), item)
    return hit[0]
