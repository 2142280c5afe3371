"""Reproducible .xlsx files: fixed document timestamps and fixed zip entry dates, so building twice
gives identical bytes. Written through xltools.files (lock, one temporary file, backup, os.replace).

openpyxl serialises a cell as a handful of lxml elements, which made saving a 200-unit workbook with
criteria detail (160 000 cells) take longer than building it. `_LeanSheetWriter` writes the sheetData
of such sheets as text, byte for byte what openpyxl writes (tests/test_workbook_save.py holds it),
and leaves every other part, and any sheet with a cell kind it does not know, to openpyxl.
"""
from __future__ import annotations

import datetime
import io
import queue
import threading
import zipfile
from bisect import bisect_left
from collections.abc import Iterator
from itertools import chain
from operator import attrgetter, itemgetter
from pathlib import Path
from string import Formatter

from openpyxl import Workbook
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.dimensions import SheetDimension
from openpyxl.writer.excel import ExcelWriter

from ..files import write_bytes
from .blocks import Block, Shape
from .cells import BuiltSheet, cycle_collector_paused

FIXED_TIME = datetime.datetime(2025, 1, 1, 0, 0, 0)  # document properties: reproducible files
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


class _FixedTimeZip(zipfile.ZipFile):
    """Zip entries dated 1980-01-01, so the same workbook gives the same bytes."""

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo_or_arcname = self.entry(zinfo_or_arcname)
        super().writestr(zinfo_or_arcname, data, compress_type,
                         self.compresslevel if compresslevel is None else compresslevel)

    def entry(self, name: str) -> zipfile.ZipInfo:
        """The ZipInfo of a new entry: dated 1980-01-01, compressed at the archive's level."""
        zinfo = zipfile.ZipInfo(name, date_time=ZIP_TIME)
        zinfo.compress_type = zipfile.ZIP_DEFLATED
        zinfo.external_attr = 0o600 << 16
        zinfo._compresslevel = self.compresslevel  # type: ignore[attr-defined]  # as writestr sets it: open() reads it
        return zinfo


class _CompressingEntry(io.RawIOBase):
    """A zip entry written as a stream, compressed by a second thread: zlib lets go of the GIL, so a
    large sheet's XML is compressed while Python writes the rest of it (the bytes are those writestr
    writes: deflate's output does not depend on how its input is cut)."""

    CHUNK = 1 << 18  # bytes handed over at a time

    def __init__(self, archive: _FixedTimeZip, name: str):
        super().__init__()
        self._dest = archive.open(archive.entry(name), "w")
        self._parts: list[bytes] = []
        self._size = 0
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._failed: BaseException | None = None
        self._thread = threading.Thread(target=self._compress, name="xltools-zip", daemon=True)
        self._thread.start()

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._parts.append(bytes(data))
        self._size += len(data)
        if self._size >= self.CHUNK:
            self._hand_over()
        return len(data)

    def _hand_over(self) -> None:
        self._queue.put(b"".join(self._parts))
        self._parts, self._size = [], 0

    def _compress(self) -> None:
        while (chunk := self._queue.get()) is not None:
            if self._failed is None:
                try:
                    self._dest.write(chunk)
                except BaseException as exc:  # raised again in close(), in the writing thread
                    self._failed = exc

    def close(self) -> None:
        if self.closed:
            return
        self._hand_over()
        self._queue.put(None)
        self._thread.join()
        super().close()
        self._dest.close()
        if self._failed is not None:
            raise self._failed


class _Writer(ExcelWriter):
    """openpyxl's ExcelWriter with each worksheet written in memory by `_LeanSheetWriter` (openpyxl
    would write it to a temporary file and the zip would take its modification time)."""

    def write_worksheet(self, ws):  # openpyxl 3.1 ExcelWriter.write_worksheet
        if self.workbook.write_only:
            return super().write_worksheet(ws)
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        with _CompressingEntry(self._archive, ws.path[1:]) as out:
            writer = _LeanSheetWriter(ws, out=out)
            writer.write()
        ws._rels = writer._rels
        self.manifest.append(ws)


class _LeanSheetWriter(WorksheetWriter):
    _sorted: _Cells | None = None  # the sheet's cells, sorted once for <dimension> and <sheetData>

    def write_dimensions(self):
        """<dimension ref="A1:K27480"/> from the sorted cells (what calculate_dimension works out)."""
        found = _cells(self.ws)
        if found is None:
            return super().write_dimensions()
        cells, blocks = found
        cells.sort(key=itemgetter(0))
        self._sorted = found
        rows = [r for r in (cells and cells[0][0][0], blocks and blocks[0].first) if r]
        ref = "A1:A1"
        if rows:
            cols = [*map(itemgetter(1), map(itemgetter(0), cells)), *_columns(blocks)]
            last = max(cells[-1][0][0] if cells else 0, blocks[-1].end - 1 if blocks else 0)
            ref = f"{get_column_letter(min(cols))}{min(rows)}:{get_column_letter(max(cols))}{last}"
        self.xf.send(SheetDimension(ref).to_tree())

    def write_rows(self):
        chunks = _sheet_data_chunks(self.ws, self._sorted)
        if chunks is None:
            super().write_rows()
            return
        xf = self.xf.send(True)
        xf.flush()  # everything before sheetData is in self.out: the rows follow as bytes
        for chunk in chunks:
            self.out.write(chunk)
        self.xf.send(None)


def _text(value: str) -> str:
    """Element text as lxml writes it in ASCII: markup escaped, other characters as &#N;."""
    if "&" in value or "<" in value or ">" in value or "\r" in value:
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    return value if value.isascii() else value.encode("ascii", "xmlcharrefreplace").decode("ascii")


def _attribute(value: str) -> str:
    return _text(value).replace('"', "&quot;").replace("\n", "&#10;").replace("\t", "&#9;")


def _row_rest(dim, starts: dict) -> str:
    """What follows <row r="N" for a row with dimensions (a height, hidden…); `starts` keeps it for each kind of
    dimension seen (200 units make 2 500 rows with a height)."""
    like = (*(item for item in vars(dim).items() if item[0] != "index"), dim._style and tuple(dim._style))
    rest = starts.get(like)
    if rest is None:
        rest = starts[like] = "".join(f' {k}="{_attribute(v)}"' for k, v in dim) + ">"
    return rest


def _row_start(r: int, dims, starts: dict) -> str:
    """<row r="N" …> with the row's dimensions, if it has any."""
    dim = dims.get(r)  # dict.get: no dimension made for a row that has none
    return f'<row r="{r}">' if dim is None else f'<row r="{r}"{_row_rest(dim, starts)}'


# (data type, value type) -> the end of the cell's start tag; a pair not listed is left to openpyxl
_KINDS = {("f", str): ">", ("s", str): ' t="inlineStr">', ("n", int): ' t="n">', ("n", float): ' t="n">',
          ("n", type(None)): ' t="n">', ("s", type(None)): ' t="inlineStr">', ("f", type(None)): ">"}
_INFINITE = (float("inf"), float("-inf"))

_Cells = tuple[list, list[Block]]  # the cells save writes one by one; the blocks it writes from their templates


def _cells(ws) -> _Cells | None:
    """((row, col), (value, data type, StyleArray)) of every cell of `ws` in no order: the Cells and a BuiltSheet's
    waiting cells alike (no Cell is made; a waiting cell wins over a Cell at its place), but for the blocks written
    whole (`_whole_blocks`, returned by first row); None when a cell is of a kind only openpyxl writes."""
    built = isinstance(ws, BuiltSheet)
    pending = ws.pending if built else {}
    made = ws._made if built else ws._cells
    for cell in made.values():
        if (cell._comment is not None or getattr(cell, "_hyperlink", None) is not None
                or (cell.data_type, type(cell._value)) not in _KINDS):
            return None
    blocks = ws.blocks if built else []
    whole = _whole_blocks(blocks, {r for r, _ in (*pending, *made)}) if blocks else []
    waiting = pending  # cells `put` wrote are of a known kind, and so are a block's
    if len(whole) < len(blocks):
        written = set(map(id, whole))
        waiting = {key: triple for block in blocks if id(block) not in written for key, triple in block.cells()}
        waiting.update(pending)  # a cell put where a block has one wins, as in BuiltSheet._cells
    cells = list(waiting.items())
    cells += [(key, (cell._value, cell.data_type, cell._style)) for key, cell in made.items() if key not in waiting]
    return cells, whole


def _whole_blocks(blocks: list[Block], rows: set[int]) -> list[Block]:
    """The blocks whose rows save writes from their shape's template, by first row: those with a written cell in
    each of their rows, no other cell in their rows and no other block across them (the others become cells)."""
    ordered = sorted(blocks, key=attrgetter("first"))
    if any(a.end > b.first for a, b in zip(ordered, ordered[1:])):
        return []
    taken = sorted(rows)
    filled: dict[int, bool] = {}  # id of a shape -> each row of its blocks has a written cell
    whole = []
    for block in ordered:
        shape = block.shape
        if id(shape) not in filled:
            written = {o for o, *_ in shape.formulas}
            written.update(o for o, _, (value, _, array) in shape.fixed if value is not None or (array and any(array)))
            filled[id(shape)] = written >= set(range(shape.size))
        i = bisect_left(taken, block.first)
        if filled[id(shape)] and (i == len(taken) or taken[i] >= block.end):
            whole.append(block)
    return whole


def _columns(blocks: list[Block]) -> set[int]:
    """The columns of the blocks' cells (for <dimension>): their shapes' fixed cells and formulas, and those of
    their own cells that hold something."""
    columns: set[int] = set()
    others: dict[int, list[tuple[int, int]]] = {}  # id of a shape -> (slot, column) of its slots in other columns
    for block in blocks:
        shape = block.shape
        if id(shape) not in others:
            columns.update(c for _, c, _ in shape.fixed)
            columns.update(c for _, c, _, _ in shape.formulas)
            others[id(shape)] = [(i, c) for i, (_, c) in enumerate(shape.slots) if c not in columns]
        columns.update(c for i, c in others[id(shape)] if block.values[i] is not None)
    return columns


def _cell_end(value, data_type: str, style: str) -> str:
    """What follows `<c r="A1"` in the cell's XML ("" for a cell not written: no value, no style)."""
    if value is None and not style:
        return ""
    tail = _KINDS[(data_type, type(value))]
    if value is None or value == "":
        return f"{style}{tail}</c>"
    if tail == ">":
        return f"{style}><f>{_text(value[1:])}</f><v></v></c>"
    if type(value) is str:
        space = ' xml:space="preserve"' if value != value.strip() else ""
        return f"{style}{tail}<is><t{space}>{_text(value)}</t></is></c>"
    number = "" if value != value or value in _INFINITE else f"{value:.16g}"  # openpyxl safe_string
    return f"{style}{tail}<v>{number}</v></c>"


def _sheet_data(ws, found: _Cells | None = None) -> bytes | None:
    """The <sheetData> element of `ws` as openpyxl 3.1's write_rows and lxml_write_cell write it, or None
    when a cell is of a kind only openpyxl writes (dates, booleans, rich text, array formulas,
    comments, hyperlinks). `found`: the sheet's cells as `_cells` gives them, already sorted."""
    chunks = _sheet_data_chunks(ws, found)
    return None if chunks is None else b"".join(chunks)


def _sheet_data_chunks(ws, found: _Cells | None = None) -> Iterator[bytes] | None:
    """`_sheet_data` in pieces of about ROWS_XML_ITEMS cells, as they are made (save compresses a piece while the
    next one is written); None as `_sheet_data`."""
    if found is None:
        found = _cells(ws)
        if found is None:
            return None
        found[0].sort(key=itemgetter(0))
    return _rows_xml(ws, *found)


ROWS_XML_ITEMS = 20_000  # pieces of XML per chunk of <sheetData> (about 1 MB)
ROWS_XML_BLOCKS = 10  # blocks per chunk (blocks.py: one piece each, 137 rows of the detail about 100 kB)


def _rows_xml(ws, cells: list, blocks: list[Block]) -> Iterator[bytes]:
    styles, dims = ws.parent._cell_styles, ws.row_dimensions
    style_ids: dict[int, str] = {}  # id of a StyleArray (shared by put) -> ' s="N"', or "" for no style
    ends: dict[int, str] = {}  # id of a triple (the detail's labels share one per criterion) -> _cell_end
    alike: dict[tuple, str] = {}  # (value, its type, data type, style) -> _cell_end

    dim_rows, d = sorted(dims), 0
    row_starts: dict[tuple, str] = {}  # rows with dimensions, some of them without cells
    templates: dict[int, _BlockTemplate] = {}  # id of a shape -> the XML of its blocks

    def style_of(array) -> str:
        style = style_ids.get(id(array))
        if style is None:
            style = style_ids[id(array)] = f' s="{styles.add(array)}"' if array is not None and any(array) else ""
        return style

    def end_of(triple) -> str:
        """_cell_end of a cell that is no formula, remembered by triple and by what it holds."""
        end = ends.get(id(triple))
        if end is None:
            value, data_type, array = triple
            style = style_of(array)
            if value != value or (value == 0 and type(value) is float):  # no -0.0 for 0.0
                end = _cell_end(value, data_type, style)
            else:  # a text, a score, a maximum: the same in many cells
                like = (value, type(value), data_type, style)
                end = alike.get(like)
                if end is None:
                    end = alike[like] = _cell_end(value, data_type, style)
            ends[id(triple)] = end
        return end

    def block_xml(block: Block) -> str:
        """The rows of a block written whole: its shape's template filled with its rows, their dimensions and
        its own cells (the rows with dimensions before it written first)."""
        nonlocal d
        first, shape = block.first, block.shape
        before = []
        while d < len(dim_rows) and dim_rows[d] < first:
            before.append(_row_start(dim_rows[d], dims, row_starts) + "</row>")
            d += 1
        template = templates.get(id(shape))
        if template is None:
            template = templates[id(shape)] = _BlockTemplate(shape, block.values, style_of, end_of)
        rows = list(map(str, range(first, block.end)))
        rests = [">"] * shape.size
        while d < len(dim_rows) and dim_rows[d] < block.end:
            rests[dim_rows[d] - first] = _row_rest(dims[dim_rows[d]], row_starts)
            d += 1
        own = []
        for (o, start), value in zip(template.slot_starts, block.values):
            end = "" if value is None else ends.get(id(value)) or end_of(value)
            own.append(f'{start}{rows[o]}"{end}' if end else "")
        return "".join(before) + template.fill(rows + rests + own)

    columns = [c for (_, c), _ in cells]
    for shape in {id(block.shape): block.shape for block in blocks}.values():
        columns += [c for _, c, *_ in (*shape.fixed, *shape.formulas, *shape.slots)]
    starts = [f'<c r="{get_column_letter(c)}' if c else "" for c in range(max(columns, default=0) + 1)]  # by column
    out = ["<sheetData>"]
    append = out.append
    row, where, b = None, "", 0
    for (r, c), triple in cells:
        if r != row:
            if row is not None:
                append("</row>")
                if len(out) >= ROWS_XML_ITEMS:
                    yield "".join(out).encode("ascii")
                    out.clear()
            while b < len(blocks) and blocks[b].first < r:
                append(block_xml(blocks[b]))
                b += 1
                if len(out) >= ROWS_XML_BLOCKS:
                    yield "".join(out).encode("ascii")
                    out.clear()
            while d < len(dim_rows) and dim_rows[d] <= r:
                if dim_rows[d] < r:
                    append(_row_start(dim_rows[d], dims, row_starts) + "</row>")
                d += 1
            row, where = r, f'{r}"'
            append(_row_start(r, dims, row_starts) if r in dims else f'<row r="{r}">')
        end = ends.get(id(triple))
        if end is None:
            if triple[1] == "f" and triple[0]:  # a formula: written once (nothing to remember)
                append(f"{starts[c]}{where}{style_of(triple[2])}><f>{_text(triple[0][1:])}</f><v></v></c>")
                continue
            end = end_of(triple)
        if end:
            append(starts[c] + where + end)
    if row is not None:
        append("</row>")
    for block in blocks[b:]:
        append(block_xml(block))
        if len(out) >= ROWS_XML_BLOCKS:
            yield "".join(out).encode("ascii")
            out.clear()
    out.extend(_row_start(r, dims, row_starts) + "</row>" for r in dim_rows[d:])
    out.append("</sheetData>")
    yield "".join(out).encode("ascii")


class _BlockTemplate:
    """The XML of the rows of a block of a shape, as literal pieces between fields: field k < size is the row at
    offset k, then what follows each row's `<row r="N"` (its dimensions), then each slot's whole cell. Filled by
    one join (str.format would parse 60 kB again for each block). Made while visiting the cells of the first block
    (`values`) in the order they are written, so style_of numbers the styles as it meets them."""

    def __init__(self, shape: Shape, values: tuple, style_of, end_of):
        size = shape.size
        by_row: list[list[tuple]] = [[] for _ in range(size)]  # (column, kind, what)
        for o, c, triple in shape.fixed:
            by_row[o].append((c, "fixed", triple))
        for o, c, template, array in shape.formulas:
            by_row[o].append((c, "formula", (template, array)))
        for i, (o, c) in enumerate(shape.slots):
            by_row[o].append((c, "slot", i))
        self.literals: list[str] = [""]
        self.fields: list[int] = []
        for o, row in enumerate(by_row):
            self._add('<row r="', o, '"', size + o)
            for c, kind, what in sorted(row, key=itemgetter(0)):
                start = f'<c r="{get_column_letter(c)}'
                if kind == "slot":  # the block's own cell
                    if values[what] is not None:
                        end_of(values[what])  # its style numbered here, as when cells are written one by one
                    self._add(2 * size + what)
                elif kind == "formula":
                    template, array = what
                    self._add(start, o, f'"{style_of(array)}><f>')
                    for literal, field, _, _ in Formatter().parse(_text(template[1:])):  # {k}: the row at offset k
                        self._add(literal, *(() if field is None else (int(field),)))
                    self._add("</f><v></v></c>")
                elif end := end_of(what):
                    self._add(start, o, '"' + end)
            self._add("</row>")
        self.pick = itemgetter(*self.fields)
        self.slot_starts = [(o, f'<c r="{get_column_letter(c)}') for o, c in shape.slots]

    def _add(self, *items: str | int) -> None:
        for item in items:
            if isinstance(item, str):
                self.literals[-1] += item
            else:
                self.fields.append(item)
                self.literals.append("")

    def fill(self, args: list[str]) -> str:
        return "".join(chain.from_iterable(zip(self.literals, self.pick(args)))) + self.literals[-1]


@cycle_collector_paused
def workbook_bytes(wb: Workbook) -> bytes:
    """The workbook's file content, reproducibly (fixed timestamps; openpyxl's save would stamp the
    current time)."""
    buffer = io.BytesIO()
    # compresslevel 1: a third of the time of the default for a few percent more bytes
    archive = _FixedTimeZip(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True, compresslevel=1)
    wb.properties.modified = wb.properties.modified or FIXED_TIME
    _Writer(wb, archive).save()
    return buffer.getvalue()


def save(wb: Workbook, path) -> Path:
    """Write reproducibly, through xltools.files (lock, temporary file, backup of an existing file)."""
    return write_bytes(path, workbook_bytes(wb))
