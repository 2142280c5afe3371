"""The workbook as a file (no spreadsheet engine): layout contract, openpyxl view, reader, CLI, templates."""
from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from workbook_harness import make_units

from xltools import catalog
from xltools.catalog import shipped_templates
from xltools.cli import main
from xltools.core.evaluate import evaluate
from xltools.errors import UserError
from xltools.importers.registry import load, read_tables
from xltools.workbook import layout as L
from xltools.workbook.builder import SectionInput, build, build_file
from xltools.workbook.reader import is_appraisal_workbook, read_workbook, read_workbook_with_sets

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "xltools" / "data" / "samples" / "phu_luc_backan_2024_so_huyen.txt"


def sample_sections():
    tables = read_tables(SAMPLE)
    return tables, [SectionInput(catalog.get("backan-2024-so"), tables[0].units),
                    SectionInput(catalog.get("backan-2024-huyen"), tables[1].units)]


# ------------------------------------------------------------------ layout contract

def test_layout_follows_the_set():
    so = catalog.get("backan-2024-so")
    xa = catalog.get("backan-2023-xa")
    huyen = catalog.get("backan-2023-huyen")
    tinh = catalog.get("bacgiang-2023-tinh")
    lay = L.workbook_layout([(xa, 10), (huyen, 8), (so, 20)])
    assert [s.summary.sheet for s in lay.sections] == ["Tổng hợp Sở", "Tổng hợp Huyện", "Tổng hợp Xã"]
    assert [s.appendix for s in lay.sections] == ["PHỤ LỤC I", "PHỤ LỤC II", "PHỤ LỤC III"]
    s_so, s_huyen, s_xa = (s.summary for s in lay.sections)
    # three columns per field with survey: C D E for field 1; totals after the 7 fields
    assert (s_so.fields[0].self_col, s_so.fields[0].appraised, s_so.fields[0].survey) == (3, 4, 5)
    assert (s_so.self_total, s_so.total, s_so.rank, s_so.class_) == (24, 27, 28, 29)
    assert s_so.percent is None and s_so.district is None and s_so.class_after_rule is None
    # communes: district column, two columns per field (no survey), no survey total
    assert s_xa.district == 3 and (s_xa.fields[0].self_col, s_xa.fields[0].appraised, s_xa.fields[0].survey) == (4, 5, None)
    assert s_xa.survey_total is None and s_xa.total == 20
    # districts with their communes in the workbook: the 2/3 rule column
    assert s_huyen.class_after_rule == s_huyen.class_ + 1
    assert L.workbook_layout([(huyen, 8)]).sections[0].summary.class_after_rule is None
    assert (s_so.first_row, s_so.last_row, L.HEADER_ROWS) == (7, 26, (5, 6))
    # a criteria tree gives a detail sheet; survey only on fields that have survey points
    t = L.workbook_layout([(tinh, 3)]).sections[0]
    assert t.detail.sheet == "Chi tiết Tỉnh" and t.survey.sheet == "ĐT XHH Tỉnh"
    assert t.summary.fields[0].survey is None and t.summary.fields[1].survey is not None
    assert t.detail.block_size == 1 + len(t.detail.nodes) and t.detail.offsets["1"] == 1
    with pytest.raises(UserError):
        L.workbook_layout([(so, 3), (so, 3)])


def test_defined_names_and_config(tmp_path):
    _, sections = sample_sections()
    wb = build(sections)
    names = set(wb.defined_names)
    for level in ("so", "huyen"):
        for what in (*L.BAND_NAMES, *L.COLUMN_NAMES):
            assert f"{what}_{level}" in names
    assert wb.defined_names["BandMin_so"].attr_text == "'Cấu hình'!$B$13:$B$16"
    assert wb.defined_names["Total_huyen"].attr_text == "'Tổng hợp Huyện'!$AA$7:$AA$19"
    cfg = wb[L.CONFIG_SHEET]
    assert cfg[L.CONFIG_MARKER_CELL].value == L.LAYOUT_VERSION
    assert [cfg.cell(5, c).value for c in (1, 2, 3)] == ["Tổng hợp Sở", "backan-2024-so", 24]


# ------------------------------------------------------------------ the file

def test_summary_sheet_in_the_official_layout(tmp_path):
    tables, sections = sample_sections()
    path = build_file(sections, tmp_path / "s.xlsx", with_appraised=True)
    wb = load_workbook(path)
    assert wb.sheetnames == ["Tổng hợp Sở", "Xếp hạng Sở", "ĐT XHH Sở", "Tổng hợp Huyện", "Xếp hạng Huyện", "ĐT XHH Huyện",
                             "Cấu hình"]
    ws = wb["Tổng hợp Sở"]
    assert ws["A1"].value == "PHỤ LỤC I"
    assert ws["A2"].value == "XẾP HẠNG VÀ PHÂN LOẠI CHỈ SỐ CCHC CÁC SỞ, BAN, NGÀNH NĂM 2024"
    assert ws["A3"].value.startswith("(Kèm theo Quyết định số")
    assert ws["C5"].value == "Công tác chỉ đạo, điều hành CCHC" and "C5:E5" in ws.merged_cells
    assert [ws.cell(6, c).value for c in (3, 4, 5)] == ["Tự chấm (9)", "Thẩm định (9)", "ĐT XHH (2)"]
    assert ws["AA5"].value == "Xếp hạng, phân loại" and "AA5:AC5" in ws.merged_cells
    assert [ws.cell(6, c).value for c in (27, 28, 29)] == ["Tổng cộng (100)", "Xếp hạng", "Xếp loại"]
    assert ws["B7"].value == "Văn phòng UBND tỉnh" and ws["D7"].value == 9 and ws["F7"].value == 8.5
    assert ws["AA7"].value == '=IF(COUNT(Y7)=0,"",ROUND(SUM(Y7,Z7),3))'
    # the rank ranks the hidden "ranked total" (AJ: Tổng cộng of a complete unit, else ""); an incomplete unit
    # shows the marker, never a number
    assert ws["AJ7"].value == '=IF(ISNUMBER(AA7),IF(IFERROR(AI7="",FALSE),AA7,""),"")'
    assert ws["AB7"].value.startswith("=IF(ISNUMBER(AJ7),RANK(AJ7,'Tổng hợp Sở'!$AJ$7:$AJ$30,0),IF(OR(B7<>\"\",")
    assert ws["AB7"].value.endswith(',"chưa đủ điểm",""))')
    assert "BandLabel_so" in ws["AC7"].value and "SUMPRODUCT" in ws["AC7"].value
    assert "_xlfn" not in "".join(str(c.value) for row in ws.iter_rows() for c in row)
    # inputs unlocked and styled, formulas locked, the sheet protected without a password
    assert ws["D7"].protection.locked is False and ws["D7"].fill.fgColor.rgb.endswith("FFF2CC")
    assert ws["AA7"].protection.locked is True and ws.protection.sheet and not ws.protection.password
    # print and view
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert ws.print_title_rows == "$5:$6" and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth == 1 and ws.freeze_panes == "C7"
    assert ws["B7"].font.name == "Times New Roman" and ws.column_dimensions["B"].width >= 34
    # validation and conditional formats on the inputs
    rules = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    dv = rules["C7:C30 D7:D30"]
    assert (dv.type, dv.operator, dv.formula1, dv.formula2) == ("decimal", "between", "0", "9")
    assert dv.errorTitle == "Điểm không hợp lệ"
    formulas = [r.formula[0] for cf in ws.conditional_formatting for r in cf.rules]
    assert any(f.startswith("ISTEXT(") for f in formulas) and any(">C7)" in f for f in formulas)


def test_password_option(tmp_path):
    wb = build([SectionInput(catalog.get("backan-2023-xa"))], password="bi-mat")
    assert all(ws.protection.sheet and ws.protection.password for ws in wb.worksheets)


def test_detail_sheet_sums_children_and_feeds_the_summary(tmp_path):
    cset = catalog.get("bacgiang-2023-tinh")
    path = build_file([SectionInput(cset, None, blank_rows=2)], tmp_path / "t.xlsx")
    wb = load_workbook(path)
    lay = L.workbook_layout([(cset, 2 + L.DEFAULT_SPARE_ROWS)]).sections[0]
    dl, ws = lay.detail, wb["Chi tiết Tỉnh"]
    h = dl.block_start(0)
    row13 = h + dl.offsets["1.3"]
    assert ws.cell(row13, dl.code).value == "1.3"
    # a parent sums the scored leaves below it, as ranges of consecutive rows (counted only when its first
    # leaf holds no number)
    leaves = f"E{row13 + 1}:E{row13 + 2}"
    assert ws.cell(row13, dl.self_col).value == (f'=IF(ISNUMBER(E{row13 + 1}),SUM({leaves}),'
                                                 f'IF(COUNT({leaves}),SUM({leaves}),""))')
    assert ws.cell(row13 + 1, dl.self_col).protection.locked is False  # a leaf: typed
    summary = wb["Tổng hợp Tỉnh"]
    # the summary reads the field total from the detail's hidden index (one row per block), not the whole sheet
    top = cset.fields[0].code
    index = dl.index[top]
    assert ws.cell(dl.index_row(0), index.self_col).value == f'=E{h + dl.offsets[top]}'  # a parent sum: "" or a number
    assert ws.cell(dl.index_row(0), dl.key).value == f"=UPPER(TRIM(A{h}))"
    col = L.col_letter(index.self_col)
    assert f"INDEX('Chi tiết Tỉnh'!${col}$6:${col}${dl.index_row(dl.n_units - 1)}," in \
        summary.cell(7, lay.summary.fields[0].self_col).value
    assert summary.cell(7, lay.summary.fields[0].self_col).protection.locked is True
    hidden = ws.column_dimensions[L.col_letter(dl.key)]  # the index is hidden and locked (the sheet is protected)
    assert hidden.hidden and (hidden.min, hidden.max) == (dl.key, dl.index_last_col)
    assert all(ws.cell(dl.index_row(0), c).protection.locked for c in range(dl.key, dl.index_last_col + 1))


def test_generation_is_reproducible(tmp_path):
    _, sections = sample_sections()
    a = build_file(sections, tmp_path / "a.xlsx").read_bytes()
    b = build_file(sections, tmp_path / "b.xlsx").read_bytes()
    assert a == b


def test_shipped_templates_are_up_to_date(tmp_path):
    """templates/ holds what `xltools template --all -o templates/` makes now."""
    assert main(["template", "--all", "-o", str(tmp_path)]) == 0
    made = sorted(p.name for p in tmp_path.glob("*.xlsx"))
    assert made == sorted(f"{name}.xlsx" for name, _ in shipped_templates())
    shipped = ROOT / "templates"
    stale = [name for name in made if not (shipped / name).exists()
             or (shipped / name).read_bytes() != (tmp_path / name).read_bytes()]
    assert not stale, f"chạy lại: python3 -m xltools template --all -o templates/ ({stale})"


# ------------------------------------------------------------------ reading it back

def test_reader_gives_the_core_the_same_tables(tmp_path):
    tables, sections = sample_sections()
    path = build_file(sections, tmp_path / "s.xlsx", with_appraised=True)
    assert is_appraisal_workbook(path)
    read = read_workbook_with_sets(path)
    assert [(t.level, t.year, t.province, t.sheet, c.id) for t, c in read] == [
        ("so", 2024, "Bắc Kạn", "Tổng hợp Sở", "backan-2024-so"), ("huyen", 2024, "Bắc Kạn", "Tổng hợp Huyện",
                                                                   "backan-2024-huyen")]
    for (table, _), source in zip(read, tables):
        assert [u.name for u in table.units] == [u.name for u in source.units]
        for unit, original in zip(table.units, source.units):
            assert [(f.self_score, f.appraised, f.survey) for f in unit.fields] == \
                   [(f.self_score, f.appraised, f.survey) for f in original.fields]
        assert table.units[0].where == "Tổng hợp Sở!B7" if table.level == "so" else "Tổng hợp Huyện!B7"
        assert table.units[0].fields[0].cells["appraised"].endswith("!D7")
    # the registry dispatches to this reader and finds the set without --set
    pairs = load(path)
    assert [c.id for _, c in pairs] == ["backan-2024-so", "backan-2024-huyen"]
    results = evaluate(pairs)[0].results
    assert (results[0].unit.name, results[0].total, results[0].rank) == ("Văn phòng UBND tỉnh", Decimal("96.479"), 1)


def test_reader_reads_detail_and_survey_by_name(tmp_path):
    cset = catalog.get("bacgiang-2023-tinh")
    path = build_file([SectionInput(cset, None, blank_rows=2)], tmp_path / "t.xlsx")
    wb = load_workbook(path)
    sec = L.workbook_layout([(cset, 2 + L.DEFAULT_SPARE_ROWS)]).sections[0]
    wb["Tổng hợp Tỉnh"].cell(7, 2).value = "Tỉnh Bắc Giang"
    dl = sec.detail
    h = dl.block_start(3)  # any block: found by name
    wb["Chi tiết Tỉnh"].cell(h, dl.unit).value = "Tỉnh Bắc Giang"
    wb["Chi tiết Tỉnh"].cell(h + dl.offsets["1.1"], dl.self_col).value = 1.5
    wb["Chi tiết Tỉnh"].cell(h + dl.offsets["1.1"], dl.appraised).value = 1.25
    wb["Chi tiết Tỉnh"].cell(h + dl.offsets["1.1"], dl.note).value = "thiếu kế hoạch"
    wb["Chi tiết Tỉnh"].cell(h + dl.offsets["1.3.2"], dl.appraised).value = 1
    wb["ĐT XHH Tỉnh"].cell(9, 2).value = "tỉnh bắc giang"  # MATCH ignores case
    wb["ĐT XHH Tỉnh"].cell(9, sec.survey.fields[1]).value = 3.5
    wb.save(tmp_path / "typed.xlsx")
    [table] = read_workbook(tmp_path / "typed.xlsx")
    [unit] = table.units
    assert unit.fields[0].self_score == Decimal("1.5") and unit.fields[0].appraised == Decimal("2.25")
    assert unit.fields[0].reason == "1.1: thiếu kế hoạch" and unit.fields[1].survey == Decimal("3.5")
    assert unit.criteria["1.1"].note == "thiếu kế hoạch"
    assert unit.fields[0].cells["appraised"] == f"Chi tiết Tỉnh!F{h + 1}"


def test_reader_names_the_cell_of_text_typed_as_a_number(tmp_path):
    path = build_file([SectionInput(catalog.get("backan-2023-xa"))], tmp_path / "x.xlsx")
    wb = load_workbook(path)
    ws = wb["Tổng hợp Xã"]
    ws["B7"] = "UBND xã A"
    ws["E7"] = "19,5"
    ws["G8"] = "mười"
    wb.save(tmp_path / "typed.xlsx")
    [table] = read_workbook(tmp_path / "typed.xlsx")  # the whole table is read: the cells are the units' problems
    a, b = table.units
    assert [(p.kind, p.what, p.found, p.cell, p.field) for p in a.problems] == [
        ("text", "appraised", "19,5", "Tổng hợp Xã!E7", 0)]
    assert b.name == "" and [(p.found, p.cell) for p in b.problems] == [("mười", "Tổng hợp Xã!G8")]


def test_other_spreadsheets_are_not_taken_for_appraisal_workbooks(tmp_path):
    wb = Workbook()
    wb.active["A1"] = "STT"
    wb.save(tmp_path / "other.xlsx")
    assert not is_appraisal_workbook(tmp_path / "other.xlsx")
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    assert not is_appraisal_workbook(tmp_path / "broken.xlsx")


# ------------------------------------------------------------------ the command

def test_template_command(tmp_path, capsys, data_dir):
    out = tmp_path / "bc.xlsx"
    code = main(["template", "--set", "backan-2023-huyen", "--set", "backan-2023-xa", "--units",
                 str(data_dir / "bao_cao_118_backan_2023_huyen_xa.txt"), "-o", str(out)])
    assert code == 0 and out.exists() and "Đã tạo" in capsys.readouterr().out
    tables = read_workbook(out)
    assert [len(t.units) for t in tables] == [8, 8]
    communes = tables[1].units
    assert {u.district for u in communes} == {"TP Bắc Kạn"}  # matched to the district's own name
    assert main(["template", "--set", "khong-co"]) == 2
    assert main(["template", "--set", "backan-2024-so", "-o", str(tmp_path / "p.xlsx"), "--password", "x"]) == 0
    assert load_workbook(tmp_path / "p.xlsx")["Tổng hợp Sở"].protection.password


def test_demo_writes_the_workbook(demo_out):
    code, _, out = demo_out
    assert code == 0
    assert is_appraisal_workbook(out / "bang_tham_dinh_mau.xlsx")


# ------------------------------------------------------------------ sets that are not shipped

def test_set_data_round_trip():
    from xltools.workbook import setdata

    for cset in catalog.shipped().values():
        assert setdata.loads(setdata.dumps(cset), cset.id) == cset


def test_a_users_own_set_travels_inside_the_workbook(tmp_path):
    from workbook_harness import odd_set

    cset = odd_set()
    path = build_file([SectionInput(cset, None, blank_rows=2)], tmp_path / "own.xlsx")
    wb = load_workbook(path)
    wb["Tổng hợp Tỉnh"]["B7"] = "Tỉnh Thử Nghiệm"
    wb["Tổng hợp Tỉnh"]["D7"] = 30
    wb.save(tmp_path / "typed.xlsx")
    [(table, read_set)] = read_workbook_with_sets(tmp_path / "typed.xlsx")
    assert read_set == cset and table.units[0].fields[0].appraised == 30
    # shipped sets are found by id: no copy in the file
    shipped = build([SectionInput(catalog.get("backan-2024-so"))])
    assert shipped[L.CONFIG_SHEET].cell(5, L.CONFIG_SETS_COLUMNS.index("set_data") + 1).value is None


def test_notes_and_appraised_copy_over_only_when_asked(tmp_path):
    _, sections = sample_sections()
    path = build_file(sections, tmp_path / "a.xlsx", with_appraised=True)
    wb = load_workbook(path)
    lay = L.workbook_layout([(s.cset, len(s.units) + L.DEFAULT_SPARE_ROWS) for s in sections]).sections[0].summary
    wb[lay.sheet].cell(7, lay.note).value = "Lĩnh vực 4: thiếu văn bản"
    wb.save(tmp_path / "noted.xlsx")
    tables = read_workbook(tmp_path / "noted.xlsx")
    assert {f.reason for f in tables[0].units[0].fields} == {"Lĩnh vực 4: thiếu văn bản"}
    again = [SectionInput(s.cset, t.units) for s, t in zip(sections, tables)]
    kept = load_workbook(build_file(again, tmp_path / "b.xlsx", with_appraised=True))[lay.sheet]
    blank = load_workbook(build_file(again, tmp_path / "c.xlsx"))[lay.sheet]
    assert kept.cell(7, lay.note).value == "Lĩnh vực 4: thiếu văn bản" and kept.cell(7, 4).value == 9
    assert blank.cell(7, lay.note).value is None and blank.cell(7, 4).value is None and blank.cell(7, 3).value == 9


# Functions of Excel 2007 or older: no _xlfn. prefix needed, computed by Excel 2010+ and LibreOffice.
EXCEL_2007 = {"AND", "CELL", "COUNT", "COUNTA", "COUNTBLANK", "COUNTIFS", "IF", "IFERROR", "INDEX", "ISBLANK", "ISNUMBER", "ISTEXT",
              "MATCH", "MAX", "MIN", "N", "OR", "RANK", "ROUND", "ROWS", "SMALL", "SUM", "SUMPRODUCT", "TRIM", "UPPER", "ISNA",
              "SUBSTITUTE", "EXACT", "MOD"}


def test_formulas_use_only_functions_every_engine_knows():
    import re

    used = set()
    for _name, sets in shipped_templates():
        wb = build([SectionInput(s) for s in sets])
        for ws in wb.worksheets:
            texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value[:1] == "="]
            texts += [r.formula[0] for cf in ws.conditional_formatting for r in cf.rules]
            for text in texts:
                used |= set(re.findall(r"([A-Z][A-Z0-9.]*)\(", re.sub(r"'[^']*'|\"[^\"]*\"", "", text)))
    assert used <= EXCEL_2007, used - EXCEL_2007
    assert {"RANK", "SUMPRODUCT", "COUNTIFS", "ROUND"} <= used


def test_unlocked_cells_are_the_layouts_inputs():
    """SummaryLayout.input_cols (what macros may treat as typed data) is exactly what the sheet unlocks."""
    for name, sets in shipped_templates():
        wb = build([SectionInput(s) for s in sets])
        layout = L.workbook_layout([(s, L.BLANK_ROWS + L.DEFAULT_SPARE_ROWS) for s in sets])
        for section in layout.sections:
            lay = section.summary
            ws = wb[lay.sheet]
            unlocked = [c for c in range(1, lay.last_col + 1) if not ws.cell(lay.first_row, c).protection.locked]
            assert unlocked == sorted(lay.input_cols()), (name, lay.sheet)


def excel_limits(formula: str) -> tuple[int, int, int]:
    """(characters, most arguments of one function, deepest nesting of parentheses) of a formula: Excel takes
    at most 8192, 255 and 64 (nested functions; parentheses count grouping too, so this errs on the safe side)."""
    import re

    bare = re.sub(r"'[^']*'|\"[^\"]*\"", "x", formula)  # sheet names and texts hold no syntax
    args: list[int] = []
    most = depth = 0
    for i, ch in enumerate(bare):
        if ch == "(":
            args.append(0 if bare[i + 1:i + 2] == ")" else 1)
            depth = max(depth, len(args))
        elif ch == "," and args:
            args[-1] += 1
        elif ch == ")":
            most = max(most, args.pop())
    return len(formula), most, depth


def test_formulas_stay_within_excels_limits(data_dir):
    """Every formula of each shipped template and of a criteria tree's 200-unit workbook (its detail sheet's
    rows far down): at most 8192 characters, 255 arguments per function, 64 levels."""
    trees = [catalog.load_file(data_dir / "gialai_xa_2025_survey_field.yaml")]
    for sets in [sets for _, sets in shipped_templates()] + [[t] for t in trees]:
        wb = build([SectionInput(s, None, blank_rows=200 if s.criteria else L.BLANK_ROWS) for s in sets])
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    if isinstance(c.value, str) and c.value[:1] == "=":
                        chars, most, depth = excel_limits(c.value[1:])
                        assert chars <= 8192 and most <= 255 and depth <= 64, (ws.title, c.coordinate, chars, most, depth)
    assert excel_limits('IF(A1="(,",SUM(B1,B2:B3),ROWS())') == (32, 3, 2)


def test_a_2025_commune_workbook_made_before_the_district_column_was_dropped_still_reads(tmp_path, monkeypatch):
    """Workbooks made before 2025 commune sets lost the 'Thuộc huyện' column have it, and nothing on Cấu hình
    about it: they read as they were built (a blank Cấu hình cell means the column is there), not shifted by one
    column (the district read as the first field's Tự chấm)."""
    cset = dataclasses.replace(catalog.get("backan-2023-xa"), id="thainguyen-2025-xa", years=(2025,))
    units = make_units(cset, 3, seed=4, prefix="Xã", districts=["Huyện A"])
    new = build_file([SectionInput(cset, units)], tmp_path / "new.xlsx", with_appraised=True)
    monkeypatch.setattr(L, "district_column", lambda cset, beside_districts=False: cset.level == "xa")
    old = build_file([SectionInput(cset, units)], tmp_path / "old.xlsx", with_appraised=True)
    monkeypatch.undo()
    wb = load_workbook(old)
    column = L.CONFIG_SETS_COLUMNS.index("district_col") + 1
    assert wb[L.CONFIG_SHEET].cell(L.CONFIG_SETS_FIRST_ROW, column).value == "có"
    wb[L.CONFIG_SHEET].cell(L.CONFIG_SETS_FIRST_ROW, column).value = None  # as the old builder left it
    wb.save(old)
    assert load_workbook(new)[L.summary_sheet(cset)].cell(L.HEADER_ROWS[0], 3).value.startswith(cset.fields[0].name)
    for path, district in ((old, "Huyện A"), (new, None)):
        ((table, _),) = read_workbook_with_sets(path)
        assert [u.district for u in table.units] == [district] * 3
        assert [[f.appraised for f in u.fields] for u in table.units] == [[f.appraised for f in u.fields] for u in units]


def test_a_band_typed_wrong_on_cau_hinh_is_named_once(tmp_path):
    """Cấu hình is read once per workbook: the layout and the reading both asked for it, and a band minimum typed
    out of range was listed twice."""
    cset = catalog.get("backan-2024-so")
    path = build_file([SectionInput(cset, None)], tmp_path / "t.xlsx")
    wb = load_workbook(path)
    wb[L.CONFIG_SHEET].cell(L.CONFIG_BANDS_FIRST_ROW, 2).value = 200
    wb.save(path)
    with pytest.raises(UserError) as err:
        read_workbook(path)
    assert str(err.value).count("Cấu hình!B13") == 1, str(err.value)
