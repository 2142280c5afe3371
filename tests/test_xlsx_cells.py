"""The fast .xlsx cell reader (importers/xlsx_cells.py) shows every cell as openpyxl does: same value
and type, same bold, covered cells of a merged range blank, merged ranges in openpyxl's order; what it
does not follow goes to openpyxl, so the grids are the same either way."""
import random
import zipfile
from datetime import datetime

import pytest
from office_samples import seed_tables, write_docx, write_forms, write_xlsx
from openpyxl import Workbook, load_workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Font

from xltools.importers import excel_grids, xlsx_cells
from xltools.importers.office import read_office
from xltools.importers.xlsx_cells import NotPlain, read_sheets


def openpyxl_view(path):
    """What openpyxl shows: per worksheet its title, visibility, cells holding a value (value, type,
    bold) and merged ranges in its order."""
    wb = load_workbook(path, data_only=True)
    return [(ws.title, ws.sheet_state == "visible",
             {(c.row, c.column): (c.value, type(c.value), bool(c.font is not None and c.font.b))
              for row in ws.iter_rows() for c in row if c.value is not None},
             [(r.min_row, r.min_col, r.max_row, r.max_col) for r in ws.merged_cells.ranges]) for ws in wb.worksheets]


def fast_view(path):
    return [(s.title, s.visible, {at: (v, type(v), b) for at, (v, b) in s.cells.items()}, s.merged)
            for s in read_sheets(path)]


def varied_workbook(path, seed):
    """Values of every kind openpyxl writes, bold and not (including <b val="0"/>), rich text, error
    values, formulas (no cached value), hidden sheets and merged ranges over values, in random places."""
    rnd = random.Random(seed)
    wb = Workbook()
    sheets = [wb.active, wb.create_sheet("Ẩn"), wb.create_sheet("Phụ lục 2")]
    sheets[1].sheet_state = "hidden"
    values = [0, 7, -3, 2**40, 9.5, 0.1 + 0.2, 1e-7, 123456.789, 1e20, True, False, "Sở Tư pháp", "  hai   dấu cách ",
              "9,5", "1.055", "dòng một\ndòng hai", "=SUM(A1:A2)", "#N/A", "<b>8</b>", "x005F_y", ""]
    for ws in sheets:
        for _ in range(120):
            cell = ws.cell(rnd.randint(1, 40), rnd.randint(1, 12))
            value = rnd.choice(values)
            cell.value = value
            if value == "#N/A":
                cell.data_type = "e"
            roll = rnd.random()
            if roll < 0.3:
                cell.font = Font(bold=True)
            elif roll < 0.4:
                cell.font = Font(bold=False, italic=True)
        ws.cell(41, 1).value = CellRichText("Điểm ", TextBlock(InlineFont(b=True), "tự chấm"))
        taken = set()
        for _ in range(8):
            r, c = rnd.randint(1, 38), rnd.randint(1, 10)
            cells = {(r + i, c + j) for i in range(rnd.randint(1, 3)) for j in range(rnd.randint(1, 3))}
            if len(cells) > 1 and not cells & taken:
                taken |= cells
                ws.merge_cells(start_row=r, start_column=c, end_row=max(cells)[0], end_column=max(cells)[1])
    wb.save(path)
    return path


@pytest.mark.parametrize("seed", range(12))
def test_varied_workbooks_read_as_openpyxl_reads_them(tmp_path, seed):
    path = varied_workbook(tmp_path / f"v{seed}.xlsx", seed)
    assert fast_view(path) == openpyxl_view(path)


def test_seeds_forms_and_a_libreoffice_copy_read_as_openpyxl_reads_them(tmp_path, data_dir, calc, monkeypatch):
    paths = [write_xlsx(tmp_path / f"{seed.stem}.xlsx", seed_tables(seed), as_numbers=bool(i % 2))
             for i, seed in enumerate(sorted(data_dir.glob("*.txt")))]
    paths += write_forms(tmp_path / "bieu", 2, data_dir / "bieu_tu_danh_gia_bacgiang_2023_tinh.txt")
    paths.append(varied_workbook(tmp_path / "v.xlsx", 99))
    for path in list(paths):  # LibreOffice writes its own styles, shared strings and cached formula values
        doc = calc.open(path)
        try:
            paths.append(doc.save_as(tmp_path / f"lo_{path.name}"))
        finally:
            doc.close()
    for path in paths:
        assert fast_view(path) == openpyxl_view(path), path.name
        fast, scanned, slow = both_ways(path, monkeypatch)  # the sheet scan (below) and the element tree agree
        assert fast == slow, path.name
        if path.name != "v.xlsx":  # openpyxl writes rich text (the varied workbook) as runs: the long way
            assert scanned == len(slow), path.name  # every other sheet these writers write is scanned
    lo = zipfile.ZipFile(tmp_path / "lo_v.xlsx").read("xl/worksheets/sheet1.xml")
    assert b"<f aca" in lo and b"<v>#N/A</v>" in lo  # the copy holds cached formula values and error values


def test_bold_as_openpyxl_reads_the_b_element(tmp_path):
    """<b/> and val="1"/"False" are bold for openpyxl; val "0", "false" and "" are not."""
    wb = Workbook()
    for row, size in enumerate(range(10, 16), start=1):
        wb.active.cell(row, 1, "Tổng điểm").font = Font(bold=True, size=size)
    wb.save(tmp_path / "b.xlsx")
    marks = ['<b val="0"/>', '<b val="false"/>', '<b val=""/>', "<b/>", '<b val="False"/>', '<b val="1"/>']
    with zipfile.ZipFile(tmp_path / "b.xlsx") as z:
        parts = {name: z.read(name) for name in z.namelist()}
    styles = parts["xl/styles.xml"].decode()
    for size, mark in zip(range(10, 16), marks):
        styles = styles.replace(f'<b val="1"/><sz val="{size}"/>', f'{mark}<sz val="{size}"/>')
    parts["xl/styles.xml"] = styles.encode()
    with zipfile.ZipFile(tmp_path / "b2.xlsx", "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    view = fast_view(tmp_path / "b2.xlsx")
    assert view == openpyxl_view(tmp_path / "b2.xlsx")
    assert [bold for _, _, bold in view[0][2].values()] == [False, False, False, True, True, True]


def test_what_it_does_not_follow_is_read_by_openpyxl(tmp_path, monkeypatch):
    wb = Workbook()
    wb.active.append(["STT", datetime(2024, 5, 9)])  # openpyxl turns a number with a date format into a date
    wb.save(tmp_path / "ngay.xlsx")
    with pytest.raises(NotPlain):
        read_sheets(tmp_path / "ngay.xlsx")
    [grid] = excel_grids.excel_grids(tmp_path / "ngay.xlsx")
    assert grid.rows == [(1, ["STT", "09/05/2024"])]


@pytest.mark.parametrize("seed", range(4))
def test_grids_are_the_same_either_way(tmp_path, monkeypatch, seed):
    path = varied_workbook(tmp_path / "v.xlsx", seed)
    fast = excel_grids.excel_grids(path)

    def not_plain(path):
        raise NotPlain("test")

    monkeypatch.setattr(excel_grids, "read_sheets", not_plain)
    slow = excel_grids.excel_grids(path)
    assert [(g.container, g.rows, g.spans, g.ref(5, 2)) for g in fast] == \
        [(g.container, g.rows, g.spans, g.ref(5, 2)) for g in slow]
    assert len(fast) == 2 and any(g.spans for g in fast)  # the hidden sheet left out; merged cells seen


def test_a_form_reads_the_same_as_its_word_twin(tmp_path, data_dir):
    """An end-to-end check through the fast reader: the .xlsx form gives what the .docx form gives."""
    tables = seed_tables(data_dir / "bieu_tu_danh_gia_bacgiang_2023_tinh.txt")
    [xlsx] = read_office(write_xlsx(tmp_path / "bieu.xlsx", tables))
    [word] = read_office(write_docx(tmp_path / "bieu.docx", tables))
    assert xlsx.units[0].criteria == word.units[0].criteria and len(xlsx.units[0].criteria) == 133


# ---- the sheet scan (xlsx_cells._scan): the same Sheet as the element tree, or the element tree reads it

def both_ways(path, monkeypatch):
    """(the sheets read with the scan, how many sheets it took, the sheets read the long way); a failure as
    the exception's type."""
    taken = []
    scan = xlsx_cells._scan

    def counted(xml):
        out = scan(xml)
        taken.append(out is not None)
        return out

    def view():
        try:
            return fast_view(path)
        except NotPlain:
            return NotPlain

    with monkeypatch.context() as m:
        m.setattr(xlsx_cells, "_scan", counted)
        fast = view()
    with monkeypatch.context() as m:
        m.setattr(xlsx_cells, "_scan", lambda xml: None)
        slow = view()
    return fast, sum(taken), slow


SHEET = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<worksheet xmlns="http://schemas.openxmlformats.org/'
         'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
         '<dimension ref="A1:C3"/><sheetData>{cells}</sheetData>{after}</worksheet>')
CELLS = ('<row r="1"><c r="A1" s="1" t="inlineStr"><is><t>&#272;i&#7875;m &amp; x&#x41;</t></is></c><c r="B1" t="n">'
         '<v>9.5</v></c></row><row r="2" spans="1:3"><c r="A2" t="inlineStr"><is><t xml:space="preserve"> hai\r\n</t>'
         '</is></c><c r="B2"><f>SUM(B1:B1)&gt;0</f><v>1</v></c><c r="C2" t="str"><f>"a"</f><v>a&lt;b</v></c></row>'
         '<row r="3"><c r="A3" s="1"/><c r="B3" t="e"><v>#N/A</v></c><c r="C3" t="inlineStr"><is><t/></is></c></row>')
AFTER = '<mergeCells count="1"><mergeCell ref="A1:A2"/></mergeCells><headerFooter><oddHeader>&amp;C&amp;P</oddHeader></headerFooter>'
# (what is changed, into what, whether the scan still reads it)
VARIANTS = [
    ("", "", True),
    ("<row r=\"3\">", "<row r=\"3\"><!-- c -->", False),  # a comment
    ("<t>&#272;", "<t><![CDATA[x]]>&#272;", False),  # a CDATA section
    ('<c r="B1" t="n">', '<c r="B1"  t="n">', False),  # another spacing of the attributes
    ('<c r="B1" t="n">', '<c t="n" r="B1">', False),  # another order
    ('<row r="2" spans="1:3">', '\n<row r="2" spans="1:3">', False),  # space between elements
    ("<v>9.5</v>", "<v>9.5</v><extLst/>", False),  # an element the scan does not know
    ("<is><t xml:space", "<is><r><t>x</t></r><t xml:space", False),  # rich text
    ('<dimension ref="A1:C3"/>', '<dimension ref="A1:C3"/>x', False),  # text before the cells
    ('<dimension ref="A1:C3"/>', '<x:dimension xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>',
     False),  # the main namespace under a prefix
    ('xmlns:r="', 'xmlns:m="http&#58;//schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="', False),
    ('<headerFooter>', '<headerFooter xmlns="urn:other">', False),  # another default namespace
    ('<dimension ref="A1:C3"/><sheetData>', '<dimension ref="A1:C3"><sheetData>', False),  # sheetData not the root's child
    ('</sheetData>', '</sheetData><sheetData><row r="9"><c r="A9" t="n"><v>1</v></c></row></sheetData>', False),
    ('<mergeCells count="1">', '<mergeCells count="2"><mergeCell ref="C1"/>', True),
    ('<mergeCells count="1">', '<mergeCells count="2"><mergeCell ref = "C1"/>', False),
    ('<mergeCells count="1">', '<mergeCells count="2"><mergeCell/>', False),
    ('<mergeCells count="1">', '<mergeCells count="2"><mergeCell ref="B2:A1"/>', True),  # NotPlain either way
    ('<oddHeader>&amp;C&amp;P</oddHeader>', '<oddHeader>a>b</oddHeader>', False),
    ('<oddHeader>&amp;C&amp;P</oddHeader>', '<oddHeader>a<b/>c</oddHeader>', True),
    ('<c r="B1" t="n"><v>9.5</v>', '<c r="B1" t="inlineStr"><v>9.5</v>', True),  # a <v> an inline string ignores
    ('<c r="B1" t="n"><v>9.5</v>', '<c r="B1" t="s"><v>0</v>', True),  # no shared strings: NotPlain either way
    ('<c r="B1" t="n"><v>9.5</v>', '<c r="B1" s="7"><v>9.5</v>', True),  # an unknown style: NotPlain either way
    ('<c r="B1" t="n"><v>9.5</v>', '<c r="B1" t="n"><v></v>', True),
    ('<c r="B1" t="n"><v>9.5</v>', '<c r="B1" t="b"><v>1</v>', True),
    ('<c r="B1" t="n"><v>9.5</v>', '<c r="A1" t="n"><v>2</v>', True),  # the same cell twice: the last one wins
    ("</worksheet>", "</worksheet>\n", True),
    ("</worksheet>", "</worksheet>x", False),  # not XML: NotPlain either way
    ("<c r=\"A3\" s=\"1\"/>", "<c r=\"A3\" s=\"1\"></c>", True),
    ("<c r=\"A3\" s=\"1\"/>", "<c r=\"A3\" s=\"1\"><f/><v/></c>", True),
    ("<c r=\"A3\" s=\"1\"/>", "<c r=\"A3\"><f t=\"shared\" si=\"0\"/><v>3</v></c>", True),
    ('&#272;i&#7875;m', '&unknown;', False),  # an undefined entity: NotPlain either way
]


@pytest.mark.parametrize("old, new, scanned", VARIANTS)
def test_the_scan_reads_a_sheet_as_the_element_tree_or_leaves_it_to_it(tmp_path, monkeypatch, old, new, scanned):
    wb = Workbook()
    wb.active["A1"].font = Font(bold=True)
    wb.save(tmp_path / "w.xlsx")
    xml = SHEET.format(cells=CELLS, after=AFTER)
    assert old in xml
    xml = xml.replace(old, new, 1)
    with zipfile.ZipFile(tmp_path / "w.xlsx") as z:
        parts = {name: z.read(name) for name in z.namelist()}
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(tmp_path / "v.xlsx", "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    fast, taken, slow = both_ways(tmp_path / "v.xlsx", monkeypatch)
    assert fast == slow
    assert taken == scanned
    if not old:
        [(_, _, cells, merged)] = slow
        assert cells[1, 1] == ("Điểm & xA", str, True) and cells[2, 3] == ("a<b", str, False)
        assert cells[3, 3] == ("", str, False) and (2, 1) not in cells and merged == [(1, 1, 2, 1)]
