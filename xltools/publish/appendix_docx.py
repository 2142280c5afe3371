"""The official appendix (Phụ lục I, II, …) as Word: one landscape A4 section per level, the title block,
and the table with merged field headers repeated on every page."""
from __future__ import annotations

from pathlib import Path

from docx.enum.section import WD_SECTION

from ..files import write_safely
from .docx_style import (
    CENTER,
    LEFT,
    add_rows,
    keep_row_together,
    new_document,
    new_table,
    page,
    page_numbers,
    paragraph,
    repeat_header,
    usable_width_mm,
    write_cell,
)
from .draft import mark_docx
from .model import Appendix, Column, header_spans

PT_MM = 0.3528  # one point in millimetres
CELL_MARGIN_MM = 0.5
PAD_MM = 2 * CELL_MARGIN_MM + 0.3
MIN_EMS = {"stt": 2.2, "name": 11.0}  # STT fits "STT"; names wrap onto two lines
MAX_TABLE_PT, MIN_TABLE_PT = 11.0, 6.0
HEADER_LINES = 3  # a column is at least wide enough for its header label on this many lines


WIDE = set("mwMWĐĐ")
BOLD_FACTOR = 1.1  # header words are bold


def text_ems(text: str) -> float:
    """Approximate width in ems of Times New Roman text (digits are half an em, 'm' four fifths)."""
    def width(ch: str) -> float:
        if ch.isdigit():
            return 0.5
        if ch in WIDE:
            return 0.85
        if ch.isupper():
            return 0.72
        return 0.5 if ch.isalpha() else 0.3
    return sum(width(ch) for ch in text)


def column_ems(appendix: Appendix, column: Column) -> float:
    """Widest content of a column in ems: a whole cell text (numbers never wrap) or a header word."""
    index = appendix.columns.index(column)
    words = column.label.split() + (column.group.split() if column.group and column.group.count(" ") < 2 else [])
    cells = [] if column.key == "name" else [row[index].text for row in appendix.rows]
    return max([MIN_EMS.get(column.key, 0.0), text_ems(column.label) * BOLD_FACTOR / HEADER_LINES]
               + [text_ems(w) * BOLD_FACTOR for w in words]
               + [text_ems(t) * (BOLD_FACTOR if column.bold else 1) for t in cells])


def layout(appendix: Appendix, columns: list[Column], width_mm: float) -> tuple[float, list[float]]:
    """The largest font size (half points) at which every column fits the page, and the column widths;
    the space left widens TÊN ĐƠN VỊ first (up to twice its minimum), then every column evenly."""
    ems = [column_ems(appendix, c) for c in columns]
    size = MAX_TABLE_PT
    while size > MIN_TABLE_PT and sum(e * size * PT_MM + PAD_MM for e in ems) > width_mm:
        size -= 0.5
    widths = [e * size * PT_MM + PAD_MM for e in ems]
    spare = max(width_mm - sum(widths), 0.0)
    if "name" in [c.key for c in columns]:
        i = [c.key for c in columns].index("name")
        grow = min(spare, widths[i])
        widths[i] += grow
        spare -= grow
    return size, [w + spare / len(widths) for w in widths]


def add_grid(container, appendix: Appendix, indexes: list[int], width_mm: float, size: float | None = None):
    """Two header rows (groups merged across, single columns merged down, both repeated on every page)
    and one row per unit in rank order."""
    columns = [appendix.columns[i] for i in indexes]
    fitted, widths = layout(appendix, columns, width_mm)
    size = size or fitted
    table = new_table(container, 3, widths, CELL_MARGIN_MM)  # the header rows and the stamp of the unit rows
    top, second = table.rows[0], table.rows[1]
    for group, first, last in header_spans(columns):
        if not group:
            merged = top.cells[first].merge(second.cells[first])
            write_cell(merged, columns[first].label, bold=True, size=size)
            continue
        head = top.cells[first].merge(top.cells[last]) if last > first else top.cells[first]
        write_cell(head, group, bold=True, size=size)
        for i in range(first, last + 1):
            write_cell(second.cells[i], columns[i].label, bold=True, size=size)
    for row in (top, second):
        repeat_header(row)
        keep_row_together(row)

    def unit_row(row) -> None:
        keep_row_together(row)
        for c, column in zip(row.cells, columns):
            write_cell(c, "", bold=column.bold, size=size, align=LEFT if column.key == "name" else CENTER)

    add_rows(table, [[values[i].text for i in indexes] for values in appendix.rows], unit_row)
    return table


def add_title(doc, appendix: Appendix) -> None:
    paragraph(doc, appendix.heading, bold=True, align=CENTER)
    paragraph(doc, appendix.title, bold=True, align=CENTER)
    paragraph(doc, appendix.decision_line, italic=True, align=CENTER, space_after=8)


def build(items: list[Appendix]):
    doc = new_document()
    for number, appendix in enumerate(items):
        section = doc.sections[0] if number == 0 else doc.add_section(WD_SECTION.NEW_PAGE)
        page(section, landscape=True)
        page_numbers(section)
        add_title(doc, appendix)
        add_grid(doc, appendix, appendix.column_indexes(official_only=True), usable_width_mm(landscape=True))
    return doc


def write_appendix_docx(items: list[Appendix], path: str | Path, draft: bool = False) -> Path:
    """`draft`: the table still has errors; every page is marked DỰ THẢO (publish/draft.py)."""
    doc = build(items)
    if draft:
        mark_docx(doc)
    return write_safely(path, lambda tmp: doc.save(str(tmp)))

