"""The workbook's look: named styles, fills and borders, conditional-format styles (cells.put writes a
cell with a named style)."""
from __future__ import annotations

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Protection, Side

FONT = "Times New Roman"

INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")  # pale yellow: type here
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
BLOCK_FILL = PatternFill("solid", fgColor="DDEBF7")
SURVEY_FILL = PatternFill("solid", fgColor="EDEDED")
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)

# Conditional formats: what the appraiser must look at. Each carries the table's border: in LibreOffice only
# the first format that holds styles a cell, and a spare row's border comes from a format (sheets/printview.py).
CF_TEXT = dict(fill=PatternFill("solid", bgColor="FF0000"), font=Font(color="FFFFFF", bold=True), border=BORDER)
CF_RANGE = dict(fill=PatternFill("solid", bgColor="FFC7CE"), font=Font(color="9C0006", bold=True), border=BORDER)
CF_ABOVE = dict(fill=PatternFill("solid", bgColor="F4B084"), border=BORDER)
CF_DIFF = dict(fill=PatternFill("solid", bgColor="FCE4D6"), border=BORDER)
CF_BLANK = dict(fill=PatternFill("solid", bgColor="E2EFDA"), border=BORDER)
CF_INPUT = dict(fill=PatternFill("solid", bgColor=INPUT_FILL.fgColor.rgb), border=BORDER)
CF_ROW = dict(border=BORDER)  # a spare row once it holds a unit (printview.spare_rows)
CF_ROW_INPUT = CF_INPUT  # its input cells
INCOMPLETE_FONT = Font(name=FONT, size=12, italic=True, color="7F7F7F")
CF_INCOMPLETE = dict(font=INCOMPLETE_FONT, border=BORDER)


def add_named_styles(wb: Workbook, decimals: set[int]) -> None:
    """The named styles every sheet writer uses (`put(..., style)`); number styles for each of `decimals`."""
    def add(name, **kw):
        kw.setdefault("font", Font(name=FONT, size=12))
        kw.setdefault("border", BORDER)
        wb.add_named_style(NamedStyle(name=name, **kw))

    unlocked, locked = Protection(locked=False), Protection(locked=True)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    left = Alignment(horizontal="left", vertical="center", wrap_text=True)
    add("xl_header", font=Font(name=FONT, size=11, bold=True), fill=HEADER_FILL, alignment=center, protection=locked)
    add("xl_in_text", fill=INPUT_FILL, alignment=left, protection=unlocked)
    add("xl_text", alignment=left, protection=locked)
    add("xl_center", alignment=center, protection=locked)
    add("xl_bold_text", font=Font(name=FONT, size=12, bold=True), alignment=left, protection=locked, fill=BLOCK_FILL)
    add("xl_flag", font=Font(name=FONT, size=11, color="C00000"), alignment=left, protection=locked)
    add("xl_survey_leaf", font=Font(name=FONT, size=11, italic=True), fill=SURVEY_FILL, alignment=left,
        protection=locked)
    for d in sorted(decimals):
        fmt = "0" if d == 0 else "0." + "0" * d
        right = Alignment(horizontal="right", vertical="center")
        add(f"xl_in_{d}", fill=INPUT_FILL, number_format=fmt, alignment=right, protection=unlocked)
        add(f"xl_calc_{d}", number_format=fmt, alignment=right, protection=locked)
        add(f"xl_total_{d}", font=Font(name=FONT, size=12, bold=True), number_format=fmt, alignment=right,
            protection=locked)
    for name, kw in (("xl_title", dict(size=14, bold=True)), ("xl_subtitle", dict(size=13, italic=True)),
                     ("xl_legend", dict(size=11, italic=True, color="595959"))):
        wb.add_named_style(NamedStyle(name=name, font=Font(name=FONT, **kw),
                                      alignment=Alignment(horizontal="center" if name != "xl_legend" else "left",
                                                          vertical="center", wrap_text=name != "xl_legend")))


def text_column_style(dim) -> None:
    """A whole column formatted as unlocked wrapped text (the detail's Giải trình / Ghi chú): its empty
    cells need no cell of their own."""
    dim.border, dim.protection = BORDER, Protection(locked=False)
    dim.font, dim.alignment = Font(name=FONT, size=12), Alignment(horizontal="left", vertical="center",
                                                                  wrap_text=True)
