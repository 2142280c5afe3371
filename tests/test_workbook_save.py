"""The builder's fast paths write exactly what openpyxl writes: the sheet XML of save._LeanSheetWriter
against openpyxl's WorksheetWriter, and celltext.put's direct path against `cell.value = …`."""
import datetime
import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.styles.styleable import StyleableObject
from openpyxl.utils.exceptions import IllegalCharacterError
from openpyxl.worksheet._writer import WorksheetWriter
from workbook_harness import make_units

from xltools import catalog
from xltools.celltext import Formula, put, put_through_value
from xltools.workbook import builder, cells, layout as L, save
from xltools.workbook.blocks import Block, Shape
from xltools.workbook.save import _cells, _CompressingEntry, _FixedTimeZip, _LeanSheetWriter, _sheet_data
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


def built_sheet():
    wb = Workbook()
    add_named_styles(wb, {2})
    return cells.create_sheet(wb, "Chi tiết")


def test_restyling_a_built_cell_changes_no_other_cell():
    ws = built_sheet()
    for row in (1, 2, 3):
        cells.put(ws, row, 1, row, "xl_in_2")
    made = [ws.cell(row, 1) for row in (1, 2, 3)]
    assert made[0]._style is made[1]._style  # shared until restyled
    made[0].font = Font(name="Arial", bold=True)
    made[1].alignment = Alignment(horizontal="left")
    ws.merge_cells("A3:B3")  # openpyxl adds the start cell's border through `cell.border += …`
    assert made[0].font.name == "Arial" and not made[0].alignment.horizontal == "left"
    assert made[1].font.name == FONT and made[1].alignment.horizontal == "left"
    cells.put(ws, 4, 1, 4, "xl_in_2")
    assert ws.cell(4, 1).font.name == FONT and ws.cell(4, 1).alignment.horizontal == "right"


@pytest.mark.parametrize("sheet", ["built", "plain"])
def test_put_cell_has_every_attribute_of_an_openpyxl_cell(sheet):
    ws = built_sheet() if sheet == "built" else built_sheet().parent.create_sheet("thường")
    cells.put(ws, 2, 3, 1.5, "xl_in_2")
    ours, theirs = ws.cell(2, 3), Cell(ws, row=2, column=3, value=1.5)
    assert type(ours) is cells.SharedStyleCell
    for slot in (*Cell.__slots__, *StyleableObject.__slots__):
        assert getattr(ours, slot, "unset") == getattr(theirs, slot, "unset") or slot == "_style", slot
    assert (ours.coordinate, ours.value, ours.has_style, ours.hyperlink, ours.comment) == ("C2", 1.5, True, None, None)


def test_waiting_cells_become_cells_when_read_in_the_order_written():
    ws = built_sheet()
    cells.put(ws, 3, 1, "ba", "xl_text")
    cells.put(ws, 1, 2, Formula("=A3&\"!\""), "xl_text")
    assert ws.pending and ws.calculate_dimension() == "A1:B3"
    assert [c.coordinate for c in ws._cells.values()] == ["A3", "B1"] and not ws.pending
    ws.merge_cells("A5:B5")
    cells.put(ws, 5, 1, "gộp", "xl_text")  # over the merged range's start, after it was made
    cells.put(ws, 3, 1, 7, "xl_in_2")  # a second put at the same place wins
    assert ws["A5"].value == "gộp" and ws["A3"].value == 7 and ws["B1"].data_type == "f"
    assert ws.max_row == 5 and ws.calculate_dimension() == "A1:B5"


def test_a_value_put_cannot_store_waiting_is_written_as_a_cell():
    ws = built_sheet()
    cells.put(ws, 1, 1, "trước", "xl_text")
    cells.put(ws, 2, 1, datetime.date(2025, 1, 2), "xl_text")
    assert ws["A2"].value == datetime.date(2025, 1, 2) and ws["A1"].value == "trước"
    with pytest.raises(IllegalCharacterError):
        cells.put(ws, 3, 1, Formula("=A1&\"\x01\""), "xl_text")  # refused, as cell.value refuses it


def test_saving_makes_no_cell_and_writes_what_made_cells_write():
    cset = catalog.get("bacgiang-2023-tinh")
    units = make_units(cset, 4, seed=5)
    make = lambda: builder.build([builder.SectionInput(cset, units)], with_appraised=True)  # noqa: E731
    waiting, made = make(), make()
    for ws in made.worksheets:
        ws._cells  # noqa: B018 (reading makes the Cells)
    detail = waiting.worksheets[-2]
    assert detail.title.startswith("Chi tiết") and len(detail.blocks) == 4 + L.DEFAULT_SPARE_ROWS
    whole = _cells(detail)[1]  # the blocks written from their template: not the first, beside the hidden index
    assert whole == detail.blocks[1:]
    assert builder.workbook_bytes(waiting) == builder.workbook_bytes(made)
    assert len(detail.blocks) == 9 and len(detail._made) < 30  # the title rows' merged cells


def test_a_built_sheet_iterates_and_appends_as_openpyxls():
    ws = built_sheet()
    cells.put(ws, 2, 2, "b2", "xl_text")
    assert [[c.value for c in row] for row in ws.iter_rows()] == [[None, None], [None, "b2"]]
    cells.put(ws, 4, 1, 1.5, "xl_in_2")
    ws.append(["sau"])
    assert ws["A5"].value == "sau" and [c.value for c in next(ws.iter_cols(min_row=4))] == [1.5, "sau"]


@pytest.mark.parametrize("sheet", ["built", "plain"])
def test_a_styled_cell_placed_is_the_cell_put_writes(sheet):
    ws = built_sheet() if sheet == "built" else built_sheet().parent.create_sheet("thường")
    place = cells.writer(ws)
    label = cells.styled(ws, "  Tiêu chí\x01 1", "xl_text")
    for row in (1, 2):
        place((row, 1), label)  # one triple, two cells
        cells.put(ws, row, 2, "  Tiêu chí\x01 1", "xl_text")
    for row in (1, 2):
        ours, theirs = ws.cell(row, 1), ws.cell(row, 2)
        assert (ours.value, ours.data_type, ours.style, list(ours._style)) == (theirs.value, theirs.data_type,
                                                                                theirs.style, list(theirs._style))
    assert ws["A1"].value == "  Tiêu chí 1"
    with pytest.raises(TypeError):
        cells.styled(ws, datetime.date(2025, 1, 2), "xl_text")  # only put writes what openpyxl must convert


def test_set_height_makes_the_row_dimension_openpyxl_makes():
    ours, theirs = built_sheet(), Workbook().active
    for row, height in ((3, 33.0), (4, 33.0), (9, 16.5)):
        cells.set_height(ours, row, height)
        theirs.row_dimensions[row].height = height
    ours.row_dimensions[5].hidden = True
    cells.set_height(ours, 5, 49.5)  # a row that has dimensions already keeps them
    theirs.row_dimensions[5].hidden = True
    theirs.row_dimensions[5].height = 49.5
    for row in (3, 4, 5, 9):
        mine, expected = ours.row_dimensions[row], theirs.row_dimensions[row]
        assert (mine.__dict__, mine._style, mine.parent) == (expected.__dict__, expected._style, ours)
    assert ours.row_dimensions[3] is not ours.row_dimensions[4]


@pytest.mark.parametrize("sheet", ["built", "plain"])
def test_a_number_cell_placed_is_the_cell_put_writes(sheet):
    ws = built_sheet() if sheet == "built" else built_sheet().parent.create_sheet("thường")
    place, score = cells.writer(ws), cells.number_cell(ws, "xl_in_2")
    for row, value in enumerate((7, 8.25, None, -0.0), start=1):
        place((row, 1), score(value))
        cells.put(ws, row, 2, value, "xl_in_2")
    for row in range(1, 5):
        ours, theirs = ws.cell(row, 1), ws.cell(row, 2)
        assert (ours.value, ours.data_type, ours.style, list(ours._style)) == (theirs.value, theirs.data_type,
                                                                                theirs.style, list(theirs._style))
    for value in (True, Decimal("2.5"), "7"):
        with pytest.raises(TypeError):
            score(value)
    assert score(2) is score(2) and score(2)[0] is not score(2.0)[0]  # shared, by type and value
    assert str(score(0.0)[0]) == "0.0" and str(score(-0.0)[0]) == "-0.0" and str(score(0.0)[0]) == "0.0"


def test_merge_leaves_what_openpyxls_merge_cells_leaves():
    def sheet_merged(merge):
        ws = built_sheet()
        for row in (1, 3, 5, 7):  # the same kind of range again and again: the copied ones as well
            for col in range(1, 5):
                cells.put(ws, row, col, f"ô {col}" if col == 1 else None, "xl_header")
                cells.put(ws, row + 1, col, None, "xl_title" if row == 5 else "xl_header")
            merge(ws, row, 1, row + 1, 3)
        merge(ws, 9, 1, 9, 2)  # no cell there yet
        return ws
    ours = sheet_merged(cells.merge)
    theirs = sheet_merged(lambda ws, *corners: ws.merge_cells(start_row=corners[0], start_column=corners[1],
                                                                end_row=corners[2], end_column=corners[3]))
    assert [str(r) for r in ours.merged_cells.ranges] == [str(r) for r in theirs.merged_cells.ranges]
    assert all(r.start_cell is ours._cells[(r.min_row, r.min_col)] for r in ours.merged_cells.ranges)
    assert list(ours._cells) == list(theirs._cells)
    for key, cell in ours._cells.items():
        other = theirs._cells[key]
        assert (type(cell), cell.value, list(cell._style)) == (type(other), other.value, list(other._style)), key
    for ws in (ours, theirs):
        ws.parent.properties.created = ws.parent.properties.modified = datetime.datetime(2025, 1, 1)  # not the
        # second each was made in (a build that crossed a second boundary failed here once)
    assert builder.workbook_bytes(ours.parent) == builder.workbook_bytes(theirs.parent)


def test_unframe_restyles_as_setting_border_and_fill():
    from openpyxl.styles import Border, PatternFill
    ours, theirs = built_sheet(), built_sheet()
    for ws in (ours, theirs):
        for row in (1, 2):
            for col in (1, 2):
                cells.put(ws, row, col, f"{row}{col}", "xl_in_text" if col == 1 else "xl_header")
        ws.cell(2, 2)  # made Cells from here on
        cells.put(ws, 3, 1, "chờ", "xl_in_text")
    for row, col in ((1, 1), (1, 2), (2, 1), (3, 1), (4, 4)):
        fill = PatternFill() if col == 1 else None
        cells.unframe(ours, row, col, Border(), fill)
        cell = theirs._cells.get((row, col))
        if cell is not None:
            cell.border = Border()
            if fill is not None:
                cell.fill = fill
    assert (3, 1) in ours.pending and (4, 4) not in ours._made
    for key, cell in theirs._cells.items():
        mine = ours.cell(*key)
        assert (mine.value, list(mine._style)) == (cell.value, list(cell._style)), key
    assert len(list(theirs._cells)) == 5


@pytest.mark.parametrize("sheet", ["built", "plain"])
def test_place_all_places_each_cell(sheet):
    ws = built_sheet() if sheet == "built" else built_sheet().parent.create_sheet("thường")
    label, score = cells.styled(ws, "Tiêu chí", "xl_text"), cells.number_cell(ws, "xl_in_2")(2.5)
    cells.place_all(ws, [((1, 1), label), ((2, 1), label), ((2, 2), score)])
    assert [[ws.cell(r, c).value for c in (1, 2)] for r in (1, 2)] == [["Tiêu chí", None], ["Tiêu chí", 2.5]]
    assert ws["B2"].style == "xl_in_2" and ws["A2"].style == "xl_text"


def test_a_sheet_streamed_into_the_zip_is_the_entry_writestr_writes():
    """save compresses a sheet in a second thread while it is written: the same bytes as one writestr."""
    data = b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (i, i, i * 7) for i in range(60_000))

    def archive(write) -> bytes:
        buffer = io.BytesIO()
        with _FixedTimeZip(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
            write(zf)
        return buffer.getvalue()

    def streamed(zf):
        with _CompressingEntry(zf, "xl/worksheets/sheet1.xml") as out:
            for i in range(0, len(data), 1000):  # small writes, as lxml makes them
                out.write(data[i:i + 1000])
        zf.writestr("xl/styles.xml", b"<styleSheet/>")  # the archive takes the next entry after it

    def at_once(zf):
        zf.writestr("xl/worksheets/sheet1.xml", data)
        zf.writestr("xl/styles.xml", b"<styleSheet/>")
    assert len(data) > 4 * _CompressingEntry.CHUNK
    assert archive(streamed) == archive(at_once)


def blocks_sheet():
    """A sheet of blocks of two shapes (one with a row no cell of its own is written in), with cells and row
    heights before, between, inside and after them, a cell put in a block's row and one put at a block's place."""
    ws = built_sheet()
    text, score = (lambda value, style="xl_text": cells.styled(ws, value, style)), cells.number_cell(ws, "xl_in_2")
    shape = Shape(3, [(0, 2, text("{mã} <&> ố")), (1, 2, text(" lề", "xl_center")), (2, 2, text(None)),
                      (2, 3, text(7.5, "xl_calc_2"))],
                  [(0, 4, '=SUM(E{1}:E{2})&"{{}}"', cells.style_array(ws, "xl_total_2")),
                   (2, 4, "=C{2}<>E{2}", cells.style_array(ws, "xl_flag"))],
                  [(0, 1), (1, 5), (1, 6), (2, 5)])
    sparse = Shape(2, [(0, 1, text("chỉ dòng đầu"))], [], [(1, 2)])  # its second row: only its own cell, if any
    cells.put(ws, 1, 1, "đầu", "xl_header")
    values = [(text("Đơn vị 1", "xl_in_text"), score(1.5), text("giải trình"), score(float("nan"))),
              (text(None, "xl_in_text"), score(-0.0), None, score(None)),
              (text("Đơn vị {3}", "xl_bold_text"), score(2), text(None, "xl_survey_leaf"), score(0.0)),  # new styles
              (text("x", "xl_in_text"), score(3), None, None)]
    for k, row in enumerate((4, 7, 12, 20)):
        cells.place_block(ws, Block(row, shape, values[k]))
    cells.place_block(ws, Block(15, sparse, (None,)))
    cells.place_block(ws, Block(17, sparse, (text("có", "xl_title"),)))
    cells.put(ws, 13, 9, "trong dòng của khối", "xl_text")  # the block from row 12 is written cell by cell
    cells.put(ws, 20, 1, "thay ô của khối", "xl_text")  # a cell put where a block has one wins
    for row, height in ((3, 24.0), (5, 33.0), (10, 16.5), (11, 20.0), (14, 49.5), (16, 12.0), (30, 16.5)):
        cells.set_height(ws, row, height)
    cells.put(ws, 25, 3, 9, "xl_in_2")
    return ws


def test_blocks_are_written_as_their_cells(monkeypatch):
    monkeypatch.setattr(save, "ROWS_XML_BLOCKS", 1)  # a piece of XML for each block
    assert len(list(save._sheet_data_chunks(blocks_sheet()))) == 3  # two whole blocks, then the rest
    ours, theirs = blocks_sheet(), blocks_sheet()
    assert [b.first for b in _cells(ours)[1]] == [4, 7]  # whole; the others cell by cell
    assert ours.calculate_dimension() == "A1:I25" and len(ours.blocks) == 6
    assert theirs["A20"].value == "thay ô của khối" and theirs["D4"].value == '=SUM(E5:E6)&"{}"'
    assert (theirs["E5"].value, theirs["D6"].value, theirs["B15"].value) == (1.5, "=C6<>E6", None)
    assert not theirs.blocks and theirs.max_row == 25
    for wb in (ours.parent, theirs.parent):
        wb.properties.created = wb.properties.modified = datetime.datetime(2025, 1, 1)
    assert builder.workbook_bytes(ours.parent) == builder.workbook_bytes(theirs.parent)  # whole blocks == cells
    assert sheet_xml(blocks_sheet(), _LeanSheetWriter) == sheet_xml(blocks_sheet(), WorksheetWriter)  # == openpyxl


def test_blocks_across_each_other_are_written_cell_by_cell():
    ws = built_sheet()
    shape = Shape(2, [(0, 1, cells.styled(ws, "a", "xl_text")), (1, 1, cells.styled(ws, "b", "xl_text"))], [], [])
    cells.place_block(ws, Block(1, shape, ()))
    cells.place_block(ws, Block(2, shape, ()))  # the later block wins in row 2
    assert _cells(ws)[1] == []
    assert sheet_xml(ws, _LeanSheetWriter) == sheet_xml(ws, WorksheetWriter)
    assert [ws.cell(r, 1).value for r in (1, 2, 3)] == ["a", "a", "b"]


def test_unframe_restyles_a_cell_of_a_block():
    from openpyxl.styles import Border
    ws = built_sheet()
    shape = Shape(1, [(0, 1, cells.styled(ws, "a", "xl_text"))], [], [(0, 2)])
    cells.place_block(ws, Block(3, shape, (cells.styled(ws, 1, "xl_in_2"),)))
    cells.place_block(ws, Block(4, shape, (None,)))
    cells.place_block(ws, Block(6, shape, (None,)))  # no row of it restyled: stays a block
    cells.put(ws, 4, 1, "đè", "xl_in_text")  # put at a block's place: it wins
    for row, col in ((3, 1), (3, 2), (4, 2)):
        cells.unframe(ws, row, col, Border())
    assert len(ws.blocks) == 1 and ws.cell(4, 1).value == "đè" and ws.cell(4, 1).fill.fgColor.rgb == "00FFF2CC"
    assert [ws.cell(3, col).border == Border() for col in (1, 2)] == [True, True]
    assert ws.cell(3, 1).font.name == FONT and ws.cell(3, 2).value == 1


def test_a_block_in_a_plain_sheet_is_its_cells():
    ws = built_sheet().parent.create_sheet("thường")
    shape = Shape(2, [(0, 1, cells.styled(ws, "a", "xl_text"))], [(1, 1, "=A{0}", cells.style_array(ws, "xl_text"))],
                  [(1, 2)])
    cells.place_block(ws, Block(3, shape, (cells.styled(ws, 4, "xl_in_2"),)))
    assert [[c.value for c in row] for row in ws.iter_rows(min_row=3)] == [["a", None], ["=A3", 4]]


def test_a_sheet_of_blocks_spans_their_cells():
    ws = built_sheet()
    shape = Shape(2, [(0, 2, cells.styled(ws, "a", "xl_text")), (1, 2, cells.styled(ws, "b", "xl_text"))], [],
                  [(0, 1), (1, 3)])
    for first, values in ((2, (cells.styled(ws, "x", "xl_text"), None)), (4, (None, cells.styled(ws, 1, "xl_in_2")))):
        cells.place_block(ws, Block(first, shape, values))
    assert sheet_xml(ws, _LeanSheetWriter) == sheet_xml(ws, WorksheetWriter)
    assert b'<dimension ref="A2:C5"/>' in sheet_xml(ws, _LeanSheetWriter)


@pytest.mark.parametrize("fixed, slots", [([(0, 1, ("a", "s", None))], [(0, 1)]), ([], [(1, 1), (0, 2)]),
                                          ([(2, 1, ("a", "s", None))], [])])
def test_a_shape_has_one_cell_per_place_within_its_rows(fixed, slots):
    with pytest.raises(ValueError):
        Shape(2, fixed, [], slots)


def test_detail_scores_are_the_cells_put_writes():
    """Scores are shared cells per value: a zero keeps its sign, an int stays an int, a Decimal is a float."""
    import math

    from xltools.workbook.sheets.common import num
    cset = catalog.get("bacgiang-2023-tinh")
    units = make_units(cset, 2, seed=3)
    chosen = [Decimal("0"), Decimal("-0"), 1, Decimal("1"), Decimal("1.0"), Decimal("0.25"), None, -0.0, 0]
    for unit in units:
        for score, value in zip(unit.criteria.values(), chosen * 20):
            score.self_score, score.appraised = value, chosen[(chosen.index(value) + 1) % len(chosen)]
    wb = builder.build([builder.SectionInput(cset, units)], with_appraised=True)
    detail, lay = wb.worksheets[-2], L.workbook_layout([(cset, 2 + L.DEFAULT_SPARE_ROWS)]).sections[0].detail
    seen = 0
    for k, unit in enumerate(units):
        for code, score in unit.criteria.items():
            row = lay.block_start(k) + lay.offsets[code]
            for col, value in ((lay.self_col, score.self_score), (lay.appraised, score.appraised)):
                cell, expected = detail.cell(row, col).value, num(value)
                assert type(cell) is type(expected) and cell == expected, (code, value, cell)
                if expected == 0:
                    assert math.copysign(1, cell) == math.copysign(1, expected), (code, value)
                seen += 1
    assert seen > 200


def test_summary_rows_are_blocks_and_each_row_is_written_when_a_template_does_not_hold(monkeypatch):
    from xltools.workbook.sheets import summary
    cset = catalog.get("backan-2023-huyen")
    units = make_units(cset, 3, seed=7)
    build = lambda: builder.build([builder.SectionInput(cset, units)], with_appraised=True)  # noqa: E731
    blocks = build()
    survey = next(ws for ws in blocks.worksheets if ws.title.startswith("ĐT XHH"))
    assert len(blocks.worksheets[0].blocks) == len(survey.blocks) == 3  # the spare rows are cells (printview
    # restyles them)
    made = build()
    for ws in made.worksheets:
        ws._cells  # noqa: B018
    assert builder.workbook_bytes(blocks) == builder.workbook_bytes(made)
    formulas = summary._row_formulas
    monkeypatch.setattr(summary, "_row_formulas", lambda *args: lambda row: [
        (col, text + ("" if col != formulas(*args)(row)[-1][0] else f"&{len(str(row))}"), style)
        for col, text, style in formulas(*args)(row)])  # a formula that depends on the row otherwise than by it
    rows = build()
    ws, lay = rows.worksheets[0], L.workbook_layout([(cset, 3 + L.DEFAULT_SPARE_ROWS)]).sections[0].summary
    assert not ws.blocks and ws.cell(lay.first_row, lay.check).value.endswith("&1")
    assert ws.cell(lay.first_row, lay.name).value == units[0].name


def test_a_field_name_with_braces_in_the_summary_formulas():
    from xltools.core.criteria import from_dict
    cset = from_dict({
        "id": "ngoac-2025", "province": "Thử", "level": "xa", "years": [2025], "decimals": 2,
        "fields": [{"code": "1", "name": "Lĩnh vực {0} và }{", "max": 10}, {"code": "2", "name": "Khác", "max": 20}],
        "bands": [{"label": "Tốt", "min": 20}, {"label": "Yếu", "min": 0}]}, "thu")
    units = make_units(cset, 2, seed=1)
    for unit in units:
        for field in unit.fields:
            field.appraised = None  # the gaps formula names the field
    build = lambda: builder.build([builder.SectionInput(cset, units)], with_appraised=True)  # noqa: E731
    blocks, made = build(), build()
    made.worksheets[0]._cells  # noqa: B018
    row = "".join(str(c.value) for c in next(made.worksheets[0].iter_rows(min_row=7, max_row=7)))
    assert len(blocks.worksheets[0].blocks) == 2 and "{0} và }{" in row and "=" in row
    assert builder.workbook_bytes(blocks) == builder.workbook_bytes(made)
