"""The macros on workbooks made by `xltools template` (the layout contract), through OpenpyxlBook."""
import random

import pytest
from excel_helpers import snapshot, survey_file
from openpyxl import load_workbook

from xltools.catalog import get as load_set
from xltools.cli import main
from xltools.core.evaluate import evaluate
from xltools.excel import macros
from xltools.excel.book import OpenpyxlBook, link_label
from xltools.importers.registry import load
from xltools.workbook import builder, layout as L

SEED = "phu_luc_backan_2024_so_huyen.txt"
DISTRICTS = "bao_cao_118_backan_2023_huyen_xa.txt"


def shuffled(units, seed=7):
    units = list(units)
    random.Random(seed).shuffle(units)
    return units


def make(path, pairs, blank_survey=False):
    inputs = []
    for table, cset in pairs:
        units = shuffled(table.units)
        if blank_survey:
            for u in units:
                for f in u.fields:
                    f.survey = None
        inputs.append(builder.SectionInput(cset, units))
    builder.save(builder.build(inputs, with_appraised=True), path)
    return path


@pytest.fixture
def so(tmp_path, data_dir):
    return make(tmp_path / "so.xlsx", load(data_dir / SEED)[:1])


def column(ws, col, rows):
    return [ws.cell(r, col).value for r in rows]


def inputs_by_unit(path):
    """Every typed input of every unit, by unit name: summary rows (not formulas), survey rows, detail."""
    wb = load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        if ws.title in (L.CONFIG_SHEET, macros.CHECKS_SHEET):
            continue
        for row in ws.iter_rows(min_row=L.FIRST_ROW):
            name = row[1].value
            if isinstance(name, str) and not name.startswith("="):
                typed = tuple(c.value for c in row[2:] if not (isinstance(c.value, str) and c.value.startswith("=")))
                out[(ws.title, name)] = typed
    return out


def test_recompute_a_template(so, data_dir):
    before = inputs_by_unit(so)
    message = macros.tinh_lai_xep_hang(OpenpyxlBook(so))
    expected = evaluate(load(data_dir / SEED)[:1])[0].results
    ws = load_workbook(so)["Tổng hợp Sở"]
    rows = range(L.FIRST_ROW, L.FIRST_ROW + len(expected))
    assert column(ws, 2, rows) == [r.unit.name for r in expected]
    assert column(ws, 1, rows) == list(range(1, len(expected) + 1))
    assert inputs_by_unit(so) == before  # inputs moved with their unit, never edited
    assert "19 đơn vị" in message
    checks = load_workbook(so)[macros.CHECKS_SHEET]
    assert checks["A2"].value == "Trang" and any(c.value == "duplicate-survey-row" for c in checks["H"])
    assert any(c.value == "ĐT XHH giống hệt đơn vị khác" for c in checks["C"])  # the label, in Vietnamese
    assert macros.CHECKS_SHEET == L.CHECKS_SHEET


def test_recompute_twice_is_recompute_once(so):
    macros.tinh_lai_xep_hang(OpenpyxlBook(so))
    once = so.read_bytes()
    macros.tinh_lai_xep_hang(OpenpyxlBook(so))
    assert so.read_bytes() == once  # nothing new to write: the file is not even saved again


def test_text_in_a_score_cell_is_one_finding_and_unranks_the_unit(so):
    """The macro reads the whole table; the text is kept as typed, named once on Kiểm tra, and
    its unit is not ranked (the others are, among themselves)."""
    wb = load_workbook(so)
    lay = L.workbook_layout([(load_set("backan-2024-so"), 24)]).sections[0].summary
    row = L.FIRST_ROW + 3
    name = wb[lay.sheet].cell(row, lay.name).value
    wb[lay.sheet].cell(row, lay.fields[1].appraised, "tám")
    wb.save(so)
    macros.tinh_lai_xep_hang(OpenpyxlBook(so))
    wb = load_workbook(so)
    ws = wb[lay.sheet]
    rows = {ws.cell(r, lay.name).value: r for r in range(L.FIRST_ROW, L.FIRST_ROW + 19)}
    assert ws.cell(rows[name], lay.fields[1].appraised).value == "tám"   # never edited
    assert rows[name] == L.FIRST_ROW + 18                                  # unranked: after the ranked ones
    cell = f"{lay.sheet}!{L.col_letter(lay.fields[1].appraised)}{rows[name]}"
    about = [r for r in wb[macros.CHECKS_SHEET].iter_rows(values_only=True) if link_label(r[6]) == cell]
    assert len(about) == 1 and about[0][2] == "Ô điểm không phải số" and "'tám'" in about[0][5]


def test_recomputed_formulas_still_compute_the_core_ranking(so, data_dir, tmp_path, calc):
    from xltools.engine import libreoffice as lo

    macros.tinh_lai_xep_hang(OpenpyxlBook(so))
    timings = lo.recalc_file(so, tmp_path / "tinh.xlsx", session=calc)
    assert timings["errors"] == 0
    expected = evaluate(load(so))[0].results  # the core on the workbook's own inputs
    section = L.workbook_layout([(load_set("backan-2024-so"), 24)]).sections[0]
    lay = section.summary
    wb = load_workbook(tmp_path / "tinh.xlsx", data_only=True)
    ws = wb[lay.sheet]
    rows = range(L.FIRST_ROW, L.FIRST_ROW + len(expected))
    got = [(ws.cell(r, lay.name).value, round(ws.cell(r, lay.total).value, 3), ws.cell(r, lay.rank).value,
            ws.cell(r, lay.class_).value) for r in rows]
    assert got == [(r.unit.name, float(r.total), r.rank, r.class_label) for r in expected]
    # the live ranking reads the summary's rows by position: sorting them must not scramble it (every unit
    # once, in rank order); the macro used to move its references as if they followed one unit each
    ranking = section.ranking
    ws = wb[ranking.sheet]
    shown = [(ws.cell(r, ranking.name).value, ws.cell(r, ranking.columns["rank"]).value)
             for r in range(ranking.first_row, ranking.first_row + len(expected))]
    assert shown == [(r.unit.name, r.rank) for r in expected]


def test_districts_and_communes_in_one_workbook(tmp_path, data_dir):
    pairs = load(data_dir / DISTRICTS)
    path = make(tmp_path / "huyen_xa.xlsx", pairs)
    before = inputs_by_unit(path)
    macros.tinh_lai_xep_hang(OpenpyxlBook(path))
    assert inputs_by_unit(path) == before
    once = snapshot(path)
    macros.tinh_lai_xep_hang(OpenpyxlBook(path))
    assert snapshot(path) == once


def test_survey_import_into_the_survey_sheet(tmp_path, data_dir):
    pairs = load(data_dir / SEED)[:1]
    path = make(tmp_path / "so.xlsx", pairs, blank_survey=True)
    units = load(data_dir / SEED)[0][0].units
    renamed = {u.name: f"  {u.name.upper()} " for u in units}
    message = macros.nhap_diem_xhh(OpenpyxlBook(path), source=str(survey_file(tmp_path / "xhh.xlsx", units, rename=renamed)))
    lay = L.workbook_layout([(pairs[0][1], 24)]).sections[0].survey
    ws = load_workbook(path)[lay.sheet]
    got = {ws.cell(r, lay.name).value: [ws.cell(r, c).value for c in lay.fields.values()] for r in lay.rows
           if ws.cell(r, lay.name).value}
    assert got == {u.name: [float(f.survey) for f in u.fields] for u in units}
    assert "19 đơn vị" in message
    once = path.read_bytes()
    macros.nhap_diem_xhh(OpenpyxlBook(path), source=str(tmp_path / "xhh.xlsx"))
    assert path.read_bytes() == once


def test_cli_runs_the_macros(so, tmp_path, capsys):
    assert main(["macro", "tinh-lai", str(so)]) == 0
    assert "Đã tính lại xếp hạng" in capsys.readouterr().out
    assert main(["macro", "xuat-phu-luc", str(so), "-o", str(tmp_path / "pl")]) == 0
    assert sorted(p.suffix for p in (tmp_path / "pl").iterdir()) == [".docx", ".xlsx"]


def test_a_blank_template_being_filled(tmp_path):
    cset = load_set("backan-2024-huyen")
    path = tmp_path / "trong.xlsx"
    builder.save(builder.build([builder.SectionInput(cset)]), path)
    lay = L.workbook_layout([(cset, L.BLANK_ROWS + L.DEFAULT_SPARE_ROWS)]).sections[0].summary
    wb = load_workbook(path)
    ws = wb[lay.sheet]
    for row, name, score in ((L.FIRST_ROW + 4, "Huyện Ba Bể", 6.0), (L.FIRST_ROW + 2, "Huyện Pác Nặm", 9.0)):
        ws.cell(row, lay.name, name)
        for fc in lay.fields:
            ws.cell(row, fc.appraised, score)
    wb.save(path)
    macros.tinh_lai_xep_hang(OpenpyxlBook(path))
    ws = load_workbook(path)[lay.sheet]
    assert column(ws, lay.name, lay.rows)[:3] == ["Huyện Pác Nặm", "Huyện Ba Bể", None]
    assert column(ws, lay.stt, lay.rows) == list(range(1, L.BLANK_ROWS + 1)) + [None] * L.DEFAULT_SPARE_ROWS


def test_inside_excel_the_same_macro_gives_the_same_workbook(so, tmp_path):
    import shutil

    import fake_xlwings

    from xltools.excel.book_xlwings import XlwingsBook

    twin = tmp_path / "twin.xlsx"
    shutil.copy(so, twin)
    macros.tinh_lai_xep_hang(OpenpyxlBook(so))
    fake = fake_xlwings.Book(load_workbook(twin), twin)
    macros.tinh_lai_xep_hang(XlwingsBook(fake))
    fake.wb.save(twin)
    assert snapshot(twin) == snapshot(so)


def test_survey_import_adds_a_unit_missing_from_the_survey_sheet(tmp_path, data_dir):
    pairs = load(data_dir / SEED)[:1]
    path = make(tmp_path / "so.xlsx", pairs, blank_survey=True)
    lay = L.workbook_layout([(pairs[0][1], 24)]).sections[0].survey
    wb = load_workbook(path)
    ws = wb[lay.sheet]
    gone = ws.cell(lay.first_row, lay.name).value
    ws.cell(lay.first_row, lay.name).value = None  # typed on the summary, never on the survey sheet
    wb.save(path)
    units = [u for u in load(data_dir / SEED)[0][0].units if u.name == gone]
    message = macros.nhap_diem_xhh(OpenpyxlBook(path), source=str(survey_file(tmp_path / "x.xlsx", units)))
    ws = load_workbook(path)[lay.sheet]
    assert ws.cell(lay.first_row, lay.name).value == gone
    assert [ws.cell(lay.first_row, c).value for c in lay.fields.values()] == [float(f.survey) for f in units[0].fields]
    assert "1 đơn vị" in message and "chưa có điểm ĐT XHH" in message


def test_appendix_leaves_the_workbook_alone_and_marks_a_draft(so, tmp_path):
    """Xuất phụ lục follows `xltools publish`: clean → official; errors → DỰ THẢO with the errors listed."""
    from xltools.publish.draft import DRAFT_MARK

    before = so.read_bytes()
    message = macros.xuat_phu_luc(OpenpyxlBook(so), outdir=str(tmp_path / "pl"))
    assert so.read_bytes() == before and "so_phu_luc.docx" in message and DRAFT_MARK not in message
    wb = load_workbook(so)
    lay = L.workbook_layout([(load_set("backan-2024-so"), 24)]).sections[0].summary
    wb[lay.sheet].cell(L.FIRST_ROW, lay.fields[0].self_col, "chín")
    wb.save(so)
    before = so.read_bytes()
    message = macros.xuat_phu_luc(OpenpyxlBook(so), outdir=str(tmp_path / "pl2"))
    assert so.read_bytes() == before and message.startswith(DRAFT_MARK)
    assert f"{lay.sheet}!{L.col_letter(lay.fields[0].self_col)}{L.FIRST_ROW}" in message and "'chín'" in message
    assert main(["macro", "xuat-phu-luc", str(so), "-o", str(tmp_path / "pl3")]) == 1


def test_survey_import_from_a_long_csv(tmp_path, data_dir):
    pairs = load(data_dir / SEED)[:1]
    path = make(tmp_path / "so.xlsx", pairs, blank_survey=True)
    unit = load(data_dir / SEED)[0][0].units[0]
    lines = ["Đơn vị;Lĩnh vực;Điểm"] + [f"UBND {unit.name};{i};{str(f.survey).replace('.', ',')}"
                                        for i, f in enumerate(unit.fields, start=1)]
    (tmp_path / "xhh.csv").write_text("\n".join(lines), encoding="utf-8")
    message = macros.nhap_diem_xhh(OpenpyxlBook(path), source=str(tmp_path / "xhh.csv"))
    lay = L.workbook_layout([(pairs[0][1], 24)]).sections[0].survey
    ws = load_workbook(path)[lay.sheet]
    row = next(r for r in lay.rows if ws.cell(r, lay.name).value == unit.name)
    assert [ws.cell(row, c).value for c in lay.fields.values()] == [float(f.survey) for f in unit.fields]
    assert "1 đơn vị" in message
