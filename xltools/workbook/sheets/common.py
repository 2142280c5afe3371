"""What every sheet writer uses: cell addresses, formula cells, headers, validation, conditional
formats, protection and print setup."""
from __future__ import annotations

from collections.abc import Sequence

from openpyxl.formatting.rule import FormulaRule
from openpyxl.worksheet.datavalidation import DataValidation

from ...celltext import Formula
from ...core.numbers import format_vn_short
from .. import formulas as F, layout as L
from ..blocks import Block, Shape
from ..cells import merge, place_block, put, style_array, styled
from ..styles import FONT

LINE_HEIGHT = 16.5  # the height of one line of Times New Roman 12: wrapped rows are a multiple of it

__all__ = ["LINE_HEIGHT", "a1", "cf", "f", "header", "merge", "name_width", "num", "print_setup", "protect",
           "put", "table_rows", "validate_score"]


def f(formula: str) -> Formula:
    """A formula cell's value (formulas.py writes them without "=")."""
    return Formula("=" + formula)


def a1(col: int, row: int, absolute_col: bool = False) -> str:
    c = L.col_letter(col)
    return f"${c}{row}" if absolute_col else f"{c}{row}"


def num(value):
    """A score as the cell stores it: None stays blank, an int stays an int, a Decimal is a float."""
    if value is None:
        return None
    return float(value) if not isinstance(value, int) else value


def name_width(units) -> float:
    """The width of a unit-name column: the longest name, within 24 to 48."""
    longest = max((len(u.name) for u in units if u), default=20)
    return min(max(24, longest * 1.05 + 2), 48)


def header(ws, row1: int, col: int, text: str, span: int = 1, sub: list[str] | None = None) -> None:
    """A header over `span` columns: merged over both header rows when there is no second row."""
    r2 = row1 + 1
    if sub:
        put(ws, row1, col, text, "xl_header")
        for i in range(1, span):
            put(ws, row1, col + i, None, "xl_header")
        if span > 1:
            merge(ws, start_row=row1, start_column=col, end_row=row1, end_column=col + span - 1)
        for i, s in enumerate(sub):
            put(ws, r2, col + i, s, "xl_header")
    else:
        put(ws, row1, col, text, "xl_header")
        put(ws, r2, col, None, "xl_header")
        merge(ws, start_row=row1, start_column=col, end_row=r2, end_column=col)


def validate_score(ws, sqref: str, maximum, what: str) -> None:
    """Decimal between 0 and the maximum (a number, or a relative cell reference like $D6)."""
    if isinstance(maximum, str):
        bound, m = maximum, "điểm tối đa"
    else:
        bound, m = F.num(maximum), format_vn_short(maximum)
    dv = DataValidation(type="decimal", operator="between", formula1="0", formula2=bound, allow_blank=True,
                        showInputMessage=True, promptTitle="Nhập điểm", prompt=f"{what}: một số từ 0 đến {m}."[:255],
                        showErrorMessage=True, errorStyle="stop", errorTitle="Điểm không hợp lệ",
                        error=f"{what}: hãy nhập một số từ 0 đến {m}. Không nhập chữ; dấu thập phân theo cài đặt "
                              "của Excel trên máy (ví dụ 19,5 hoặc 19.5).")
    for part in sqref.split():
        dv.add(part)
    ws.add_data_validation(dv)


def cf(ws, sqref: str, formula: str, stop: bool = True, **style) -> None:
    """A conditional format: `style` (styles.CF_*) where `formula` (formulas.cf_*) holds."""
    ws.conditional_formatting.add(sqref, FormulaRule(formula=[formula], stopIfTrue=stop, **style))


def protect(ws, password: str | None) -> None:
    ws.protection.sheet = True
    if password:
        ws.protection.password = password
    # Let people resize, filter and select; everything else on locked cells stays refused.
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.autoFilter = False
    ws.protection.sort = False  # sorting the unlocked input cells (names, scores) stays possible


def print_setup(ws, title_rows: str, last_col: int, last_row: int, freeze: str | None) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = title_rows
    ws.print_area = f"A1:{L.col_letter(last_col)}{last_row}"
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.page_setup.blackAndWhite = True  # Excel prints no input fills or highlights: a clean official table
    ws.oddFooter.center.text = "Trang &P/&N"
    ws.oddFooter.center.size = 10
    ws.oddFooter.center.font = FONT
    ws.freeze_panes = freeze
    ws.sheet_view.zoomScale = 90


ROW_MARK = "\ue000"  # a row number no formula holds: the rows of a formula template (table_rows)


def table_rows(ws, rows: Sequence[int], formulas, values) -> None:
    """The data rows of a table (summary, ĐT XHH): in the i-th row, the typed cells `values(i)` ((column, value,
    style), by column) and the formula cells `formulas(row)` ((column, formula without "=", style)), which are the
    same in every row but for its number. Each row is a one-row block (blocks.py) whose formulas are written once,
    over ROW_MARK; or, when such a template does not give a row's formulas (row arithmetic in a formula, a
    formula put writes through openpyxl), each row cell by cell."""
    shape = _row_shape(ws, rows[0], formulas, [col for col, _, _ in values(0)]) if rows else None
    for i, row in enumerate(rows):
        cells = values(i)
        if shape is not None:
            place_block(ws, Block(row, shape, tuple(styled(ws, value, style) for _, value, style in cells)))
            continue
        for col, value, style in cells:
            put(ws, row, col, value, style)
        for col, formula, style in formulas(row):
            put(ws, row, col, f(formula), style)


def _row_shape(ws, first_row: int, formulas, value_cols: list[int]) -> Shape | None:
    """The one-row block of `table_rows`, or None (checked against the formulas of two real rows)."""
    templates = [(col, "=" + text.replace("{", "{{").replace("}", "}}").replace(ROW_MARK, "{0}"), style)
                 for col, text, style in formulas(ROW_MARK)]
    for row in (first_row, 1_048_576):
        if [(col, template.format(row), style) for col, template, style in templates] != \
                [(col, "=" + text, style) for col, text, style in formulas(row)]:
            return None
        try:
            for _, template, style in templates:
                styled(ws, Formula(template.format(row)), style)
        except TypeError:
            return None
    return Shape(1, [], [(0, col, template, style_array(ws, style)) for col, template, style in templates],
                 [(0, col) for col in value_cols])
