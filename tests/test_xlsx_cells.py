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

from xltools.importers import excel_grids
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


def test_seeds_forms_and_a_libreoffice_copy_read_as_openpyxl_reads_them(tmp_path, data_dir, calc):
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
