"""Excel (.xlsx) -> grids: each visible sheet as rows of cell text, bold marked <b>…</b>, numbers as
Vietnamese text, and the merged cells that cover other cells.

The cells are read straight from the sheets' XML (`xlsx_cells`, one fast pass); a file that reader does
not follow is read with openpyxl, and both give the same sheets, so the grids do not depend on the way.
"""
from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from ..core.numbers import NumberError, single_spaced, to_decimal
from ..errors import ReadError
from ..limits import Extent
from ..workbook.layout import col_letter
from .grid_tables import Grid, Span
from .office_open import check_excel, open_excel
from .xlsx_cells import NotPlain, Sheet, read_sheets

MAX_COLUMNS = 300  # a sheet formatted to column XFD is not 16 384 columns of data


def cell_text(value: object, bold: bool) -> str:
    """A cell as the seeds' text shows it: '9,5', '<b>Tổng điểm</b>', a date Excel made of '9.5' as 09/05/…"""
    if value is None:
        return ""
    if type(value) is str:  # most cells
        return _string_text(value, bold)
    if isinstance(value, bool):
        text = "TRUE" if value else "FALSE"
    elif isinstance(value, (int, float, Decimal)):
        try:
            text = f"{to_decimal(value):f}".replace(".", ",")
        except NumberError:  # inf, 1e308: kept as written, and refused with its cell where a score is read
            text = str(value)
    elif isinstance(value, datetime):  # often a score Excel took for a date ('9.5' -> 09/05)
        text = f"{value:%d/%m/%Y}"
    elif isinstance(value, (date, time)):
        text = value.isoformat()
    else:
        text = single_spaced(str(value))
    return _marked(text, bold)


@lru_cache(maxsize=8192)  # the same labels and scores, form after form
def _string_text(value: str, bold: bool) -> str:
    return _marked(single_spaced(value), bold)


def _marked(text: str, bold: bool) -> str:
    return f"<b>{text}</b>" if bold and text else text


def excel_grids(path: Path, hidden_out: list[str] | None = None) -> list[Grid]:
    """Each visible sheet with data as a grid; `hidden_out` receives the hidden sheets that hold data (named when
    no table is found: the table may be on one of them)."""
    extents = check_excel(path)
    try:
        sheets = read_sheets(path)
    except NotPlain:
        sheets = _openpyxl_sheets(path, extents)
    grids, hidden = [], []
    for sheet in sheets:
        used = extents.get(sheet.title)
        if used is not None and used.rows:
            (grids.append(_grid(sheet, used)) if sheet.visible else hidden.append(sheet.title))
    if not grids:  # said here, once, for every reader (tables, forms, survey, criteria)
        raise ReadError(no_visible_data(path.name, hidden))
    if hidden_out is not None:
        hidden_out += hidden
    return grids


def hidden_sheets_note(hidden: list[str]) -> str:
    return (f"trang tính ẩn {', '.join(repr(t) for t in hidden)} có dữ liệu nhưng không được đọc: nếu bảng nằm ở đó, "
            "hãy bỏ ẩn (chuột phải vào tên trang tính > Unhide) rồi chạy lại.")


def no_visible_data(name: str, hidden: list[str]) -> str:
    """A workbook whose visible sheets are all empty: a blank file sent by mistake, or the table on a hidden sheet."""
    if hidden:
        return f"{name}: tệp không có trang tính nào có dữ liệu nhìn thấy được; {hidden_sheets_note(hidden)}"
    return (f"{name}: tệp không có trang tính nào có dữ liệu (mọi trang tính đều trống); hãy mở lại tệp: có thể đã "
            "lưu hoặc gửi nhầm tệp trống.")


def _grid(sheet: Sheet, used: Extent) -> Grid:
    width = min(used.columns, MAX_COLUMNS)  # the cells holding values, not the range the file declares
    texts = {at: _string_text(value, bold) if type(value) is str else cell_text(value, bold)
             for at, (value, bold) in sheet.cells.items() if at[1] <= width}
    text_cells = {(row, col - 1) for (row, col), (value, _) in sheet.cells.items()
                  if col <= width and isinstance(value, str)}
    rows = []
    for number in range(1, used.rows + 1):
        cells = [texts.get((number, c), "") for c in range(1, width + 1)]
        while cells and not cells[-1]:
            cells.pop()
        rows.append((number, cells))
    spans: dict[int, list[Span]] = {}
    for r1, c1, r2, c2 in sheet.merged:
        if c1 > width:
            continue
        top = texts.get((r1, c1), "")
        where = f"ô gộp {col_letter(c1)}{r1}" + (f":{col_letter(c2)}{r2}" if (r1, c1) != (r2, c2) else "")
        for r in range(r1, min(r2, used.rows) + 1):  # within the used range
            for c in range(c1, min(c2, width) + 1):
                if (r, c) != (r1, c1):
                    spans.setdefault(r, []).append(Span(c - 1, where, top, c == c1))
    return Grid(f"trang tính '{sheet.title}'", rows, lambda row, col: f"ô {col_letter(col + 1)}{row}", spans=spans,
                text_cells=text_cells)


def _openpyxl_sheets(path: Path, extents: dict[str, Extent]) -> list[Sheet]:
    """The same sheets through openpyxl, for the files `xlsx_cells` does not follow (dates, unusual packages)."""
    wb = open_excel(path, data_only=True)
    sheets = []
    for ws in wb.worksheets:
        used = extents.get(ws.title)
        cells = {}
        if used is not None and used.rows:
            for row in ws.iter_rows(min_row=1, max_row=used.rows, min_col=1, max_col=min(used.columns, MAX_COLUMNS)):
                for c in row:
                    if c.value is not None:
                        cells[c.row, c.column] = (c.value, bool(c.font is not None and c.font.b))
        merged = [(r.min_row, r.min_col, r.max_row, r.max_col) for r in ws.merged_cells.ranges]
        for r1, c1, _, _ in merged:  # a merged range's top-left cell may lie beyond the used columns
            top = ws.cell(r1, c1)
            if top.value is not None:
                cells[r1, c1] = (top.value, bool(top.font is not None and top.font.b))
        sheets.append(Sheet(ws.title, ws.sheet_state == "visible", cells, merged))
    wb.close()
    return sheets
