"""Excel (.xlsx) -> grids: each visible sheet as rows of cell text, bold marked <b>…</b>, numbers as
Vietnamese text, and the merged cells that cover other cells."""
from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from ..core.numbers import NumberError, to_decimal
from ..limits import check_xlsx
from .grid_tables import Grid, Span
from .office_open import open_excel

MAX_COLUMNS = 300  # a sheet formatted to column XFD is not 16 384 columns of data


def _excel_text(cell) -> str:
    value = cell.value
    if value is None:
        return ""
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
        text = " ".join(str(value).split())
    font = cell.font
    return f"<b>{text}</b>" if font is not None and font.b and text else text


def excel_grids(path: Path) -> list[Grid]:
    from openpyxl.utils import get_column_letter

    wb = open_excel(path, data_only=True)
    extents = check_xlsx(path)
    grids = []
    for ws in wb.worksheets:
        used = extents.get(ws.title)
        if ws.sheet_state != "visible" or used is None or not used.rows:
            continue
        width = min(used.columns, MAX_COLUMNS)  # the cells holding values, not the range the file declares
        rows = []
        for number, cells in enumerate(ws.iter_rows(min_row=1, max_row=used.rows, min_col=1, max_col=width), start=1):
            texts = [_excel_text(c) for c in cells]
            while texts and not texts[-1]:
                texts.pop()
            rows.append((number, texts))
        spans: dict[int, list[Span]] = {}
        for rng in ws.merged_cells.ranges:
            if rng.min_col > width:
                continue
            top = _excel_text(ws.cell(rng.min_row, rng.min_col))
            for r in range(rng.min_row, min(rng.max_row, used.rows) + 1):  # within the used range
                for c in range(rng.min_col, min(rng.max_col, width) + 1):
                    if (r, c) != (rng.min_row, rng.min_col):
                        spans.setdefault(r, []).append(Span(c - 1, f"ô gộp {rng.coord}", top, c == rng.min_col))
        grids.append(Grid(f"trang tính '{ws.title}'", rows,
                          lambda row, col: f"ô {get_column_letter(col + 1)}{row}", spans=spans))
    wb.close()
    return grids
