"""The builder's fast paths write exactly what openpyxl writes: the sheet XML of save._LeanSheetWriter
against openpyxl's WorksheetWriter, and celltext.put's direct path against `cell.value = …`."""
import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.styles.styleable import StyleableObject
from openpyxl.worksheet._writer import WorksheetWriter
from workbook_harness import make_units

from xltools import catalog
from xltools.celltext import Formula, put, put_through_value
from xltools.workbook import builder, styles
from xltools.workbook.save import _LeanSheetWriter, _sheet_data
from xltools.workbook.styles import FONT, add_named_styles

ODD_TEXTS = ["", " lề trái", "lề phải ", "a < b & c > d", 'nháy "kép" và \'đơn\'', "dòng 1\ndòng 2", "tab\there",
             "về\r\nđầu dòng", "Sở Tư pháp – ƯỚC TÍNH ½ 😀", "#N/A", "=1+1", "x" * 40_000]
ODD_VALUES = [0, -1, 7, 10**17, 19.5, 1e-7, 1 / 3, float("nan"), float("inf"), None]


def sheet_xml(ws, writer_class) -> bytes:
    writer = writer_class(ws, out=io.BytesIO())
    writer.write()
    return writer.out.getvalue()


def assert_same_xml(make):
    """Each sheet of the workbook `make()` gives, written by both (writing changes a sheet a little: a
    fresh workbook for each writer)."""
    ours, theirs = make(), make()
    for mine, expected in zip(ours.worksheets, theirs.worksheets):
        assert sheet_xml(mine, _LeanSheetWriter) == sheet_xml(expected, WorksheetWriter), mine.title


def odd_workbook(extra=None) -> Workbook:
    wb = Workbook()
    ws = wb.active
    for i, text in enumerate(ODD_TEXTS, start=1):
        put(ws.cell(i, 1), text)
        put(ws.cell(i, 2), Formula(f'=IF(A{i}="","<&>",A{i}&"ố")'))
    for i, value in enumerate(ODD_VALUES, start=1):
        put(ws.cell(i, 3), value)
    ws.cell(2, 4).font = Font(bold=True)  # a styled blank
    ws.cell(3, 4).alignment = Alignment(wrap_text=True)
    ws.row_dimensions[5].height = 30
    ws.row_dimensions[40].hidden = True  # rows with dimensions and no cells, between and after the cells
    ws.row_dimensions[70].height = 12
    put(ws.cell(60, 2), "sau dòng trống")
    ws.merge_cells("E1:F2")
    if extra is not None:
        ws.cell(50, 1).value = extra
    return wb


def test_lean_sheet_xml_is_openpyxls_for_odd_cells():
    assert _sheet_data(odd_workbook().active) is not None  # the lean path, not the fallback
    assert_same_xml(odd_workbook)


@pytest.mark.parametrize("value", [datetime.date(2025, 1, 2), True, Decimal("1.5")])
def test_cells_only_openpyxl_writes_fall_back(value):
    assert _sheet_data(odd_workbook(value).active) is None
    assert_same_xml(lambda: odd_workbook(value))


def test_a_comment_falls_back():
    wb = odd_workbook()
    wb.active.cell(1, 1).comment = Comment("ghi chú", "xltools")
    assert _sheet_data(wb.active) is None


def test_built_workbook_sheets_are_openpyxls():
    cset = catalog.get("bacgiang-2023-tinh")
    units = make_units(cset, 6, seed=2)
    assert_same_xml(lambda: builder.build([builder.SectionInput(cset, units)], with_appraised=True))


@pytest.mark.parametrize("value", [*ODD_TEXTS, "tên\x01\x0b có ký tự điều khiển", *ODD_VALUES, True, Decimal("2.5"),
                                   datetime.datetime(2025, 1, 2), Formula("=SUM(A1:A3)"), Formula("=")])
def test_direct_put_sets_what_cell_value_sets(value):
    ws = Workbook().active
    fast, slow = put(Cell(ws, row=1, column=1), value), put_through_value(Cell(ws, row=1, column=1), value)
    assert (fast._value, fast.data_type, fast.number_format) == (slow._value, slow.data_type, slow.number_format)


def test_a_formula_openpyxl_refuses_is_still_refused():
    ws = Workbook().active
    with pytest.raises(Exception) as fast:
        put(Cell(ws, row=1, column=1), Formula("=A1&\"\x01\""))
    with pytest.raises(Exception) as slow:
        put_through_value(Cell(ws, row=1, column=1), Formula("=A1&\"\x01\""))
    assert type(fast.value) is type(slow.value)


def test_restyling_a_built_cell_changes_no_other_cell():
    wb = Workbook()
    add_named_styles(wb, {2})
    ws = wb.active
    cells = [styles.put(ws, row, 1, row, "xl_in_2") for row in (1, 2, 3)]
    assert cells[0]._style is cells[1]._style  # shared until restyled
    cells[0].font = Font(name="Arial", bold=True)
    cells[1].alignment = Alignment(horizontal="left")
    ws.merge_cells("A3:B3")  # openpyxl adds the start cell's border through `cell.border += …`
    assert cells[0].font.name == "Arial" and not cells[0].alignment.horizontal == "left"
    assert cells[1].font.name == FONT and cells[1].alignment.horizontal == "left"
    assert styles.put(ws, 4, 1, 4, "xl_in_2").font.name == FONT
    assert styles.put(ws, 4, 1, 4, "xl_in_2").alignment.horizontal == "right"


def test_put_cell_has_every_attribute_of_an_openpyxl_cell():
    ws = Workbook().active
    add_named_styles(ws.parent, {2})
    ours, theirs = styles.put(ws, 2, 3, 1.5, "xl_in_2"), Cell(ws, row=2, column=3, value=1.5)
    for slot in (*Cell.__slots__, *StyleableObject.__slots__):
        assert getattr(ours, slot, "unset") == getattr(theirs, slot, "unset") or slot == "_style", slot
    assert (ours.coordinate, ours.value, ours.has_style, ours.hyperlink, ours.comment) == ("C2", 1.5, True, None, None)
