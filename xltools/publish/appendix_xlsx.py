"""The official appendix as a print-ready Excel workbook: one sheet per appendix (Phụ lục I, II, …), the same
layout as the Word file, plus the year-over-year columns when last year's file is given.

Scores are real numbers with a number format ("0.000"): Excel and LibreOffice show them with the
decimal separator of the user's locale, so a Vietnamese Windows shows 96,479 and the numbers stay
usable in formulas. (Text "96,479" would print the same everywhere but could not be summed.)
"""
from __future__ import annotations

from copy import copy
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from ..celltext import put
from ..files import write_safely
from .docx_style import FONT, MARGINS_MM
from .draft import mark_sheet
from .model import DELTA_INT, DELTA_SCORE, INT, SCORE, Appendix, header_spans

TITLE_ROWS = 3  # PHỤ LỤC I / title / Kèm theo …
HEADER_ROW = TITLE_ROWS + 2  # a blank row, then the two header rows
FIRST_DATA_ROW = HEADER_ROW + 2
WIDTHS = {"stt": 5, "name": 32, "class": 10, "class_after_rule": 15}  # characters; other columns by kind below
KIND_WIDTH = {SCORE: 8.5, INT: 7, DELTA_SCORE: 9, DELTA_INT: 8}
THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
MM_PER_INCH = 25.4


def number_format(kind: str, decimals: int) -> str:
    places = "0." + "0" * decimals if decimals else "0"
    if kind == SCORE:
        return places
    if kind == DELTA_SCORE:
        return f"+{places};-{places};{places}"
    if kind == DELTA_INT:
        return "+0;-0;0"
    return "0" if kind == INT else "@"


def excel_value(value):
    return float(value) if isinstance(value, Decimal) else value


def fill_sheet(ws, appendix: Appendix) -> None:
    columns = appendix.columns
    n = len(columns)
    decimals = appendix.cset.decimals
    title_font = Font(name=FONT, size=14, bold=True)
    for row, (text, italic) in enumerate(((appendix.heading, False), (appendix.title, False),
                                          (appendix.decision_line, True)), start=1):
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=n)
        c = put(ws.cell(row=row, column=1), text)
        c.font = Font(name=FONT, size=14, bold=not italic, italic=italic) if italic else title_font
        c.alignment = Alignment(horizontal="center", vertical="center")

    head_font = Font(name=FONT, size=11, bold=True)
    wrap = Alignment(horizontal="center", vertical="center", wrap_text=True)
    top, second = HEADER_ROW, HEADER_ROW + 1
    for group, first, last in header_spans(columns):
        if not group:
            ws.merge_cells(start_row=top, start_column=first + 1, end_row=second, end_column=first + 1)
            put(ws.cell(row=top, column=first + 1), columns[first].label)
            continue
        if last > first:
            ws.merge_cells(start_row=top, start_column=first + 1, end_row=top, end_column=last + 1)
        put(ws.cell(row=top, column=first + 1), group)
        for i in range(first, last + 1):
            put(ws.cell(row=second, column=i + 1), columns[i].label)
    for row in (top, second):
        ws.row_dimensions[row].height = 48 if row == top else 45
        for col in range(1, n + 1):
            c = ws.cell(row=row, column=col)
            c.font, c.alignment, c.border = head_font, wrap, BORDER

    # A column's cells share one style: set on its first cell, copied to the others (openpyxl looks every
    # style object up by hashing it, the most of the time of a 3 000-unit sheet).
    first_style: dict[int, StyleArray] = {}
    for r, values in enumerate(appendix.rows, start=FIRST_DATA_ROW):
        for col, (column, value) in enumerate(zip(columns, values), start=1):
            c = put(ws.cell(row=r, column=col), excel_value(value.value))  # a unit's name is text
            if col in first_style and not c.has_style:
                c._style = copy(first_style[col])
                continue
            c.font = Font(name=FONT, size=11, bold=column.bold)
            c.border = BORDER
            c.number_format = number_format(column.kind, decimals)
            c.alignment = Alignment(horizontal="left" if column.key == "name" else "center", vertical="center",
                                    wrap_text=column.key == "name")
            first_style.setdefault(col, c._style)

    for col, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(col)].width = WIDTHS.get(column.key, KIND_WIDTH.get(column.kind, 10))
    ws.freeze_panes = ws.cell(row=FIRST_DATA_ROW, column=3)
    page_setup(ws)


def page_setup(ws) -> None:
    """A4 landscape, fit to one page wide, header rows printed on every page, margins as the Word file."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW + 1}"
    ws.print_options.horizontalCentered = True
    for side, mm in MARGINS_MM.items():
        setattr(ws.page_margins, side, round(mm / MM_PER_INCH, 2))


def build(items: list[Appendix]) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    for appendix in items:
        fill_sheet(wb.create_sheet(f"Phụ lục {appendix.numeral}"), appendix)
    return wb


def write_appendix_xlsx(items: list[Appendix], path: str | Path, draft: bool = False) -> Path:
    """`draft`: the table still has errors; each sheet is marked DỰ THẢO (publish/draft.py)."""
    wb = build(items)
    if draft:
        for ws, appendix in zip(wb.worksheets, items):
            mark_sheet(ws, TITLE_ROWS + 1, len(appendix.columns))  # the blank row between title and table
    return write_safely(path, lambda tmp: wb.save(str(tmp)))
