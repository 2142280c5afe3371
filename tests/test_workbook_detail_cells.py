"""Findings on a workbook's criteria-detail sheet name the INPUT cell the appraiser must fix (the leaf's Tự chấm or
Thẩm định cell), never the field's formula row or the unit's name on the summary sheet; scores typed into a detail
block without a unit name are reported, never dropped. The workbook is built by the project's builder and typed
into with openpyxl, as an appraiser would."""
from __future__ import annotations

from openpyxl import load_workbook
from workbook_harness import cell

from xltools.core.criteria import from_dict
from xltools.core.evaluate import evaluate
from xltools.workbook import layout as L
from xltools.workbook.builder import SectionInput, build_file
from xltools.workbook.reader import read_workbook_with_sets

# A commune set in the shape of Gia Lai 2025's (fields summed from a detail tree, a leaf three levels deep).
CSET = from_dict({
    "id": "thu-nghiem-xa-2025", "province": "Thử Nghiệm", "level": "xa", "years": [2025], "decimals": 2,
    "fields": [{"code": "1", "name": "Công tác chỉ đạo, điều hành CCHC", "max": 10},
               {"code": "2", "name": "Cải cách TTHC", "max": 25},
               {"code": "3", "name": "Chính quyền số cấp xã", "max": 25}],
    "criteria": [
        {"code": "1", "name": "Công tác chỉ đạo, điều hành CCHC", "max": 10, "children": [
            {"code": "1.1", "name": "Kế hoạch CCHC năm", "max": 4, "children": [
                {"code": "1.1.1", "name": "Ban hành kế hoạch kịp thời", "max": 2},
                {"code": "1.1.2", "name": "Hoàn thành 100% nhiệm vụ", "max": 2}]},
            {"code": "1.2", "name": "Chế độ báo cáo CCHC", "max": 6}]},
        {"code": "2", "name": "Cải cách TTHC", "max": 25, "children": [
            {"code": "2.1", "name": "Công khai TTHC", "max": 10},
            {"code": "2.2", "name": "Giải quyết hồ sơ đúng hạn", "max": 15}]},
        {"code": "3", "name": "Chính quyền số cấp xã", "max": 25, "children": [
            {"code": "3.1", "name": "Dịch vụ công trực tuyến toàn trình", "max": 15},
            {"code": "3.2", "name": "Chữ ký số", "max": 10}]}],
    "bands": [{"label": "Tốt", "min": 50}, {"label": "Khá", "min": 30}, {"label": "Yếu", "min": 0}],
}, "thu-nghiem")
MAXIMA = {leaf.code: leaf.max for leaf in CSET.leaves()}
ROWS = 4


def build(tmp_path):
    path = build_file([SectionInput(CSET, None, blank_rows=ROWS)], tmp_path / "bang.xlsx")
    return path, L.workbook_layout([(CSET, ROWS + L.DEFAULT_SPARE_ROWS)]).sections[0]


def type_block(ws, dl: L.DetailLayout, block: int, name: str | None, scores: dict[str, tuple]) -> None:
    """A detail block as an appraiser fills it: the unit's name (None: left blank), (Tự chấm, Thẩm định) per leaf."""
    start = dl.block_start(block)
    if name is not None:
        ws[cell(dl.unit, start)] = name
    for code, pair in scores.items():
        for col, value in zip((dl.self_col, dl.appraised), pair):
            if value is not None:
                ws[cell(col, start + dl.offsets[code])] = value


def at(dl: L.DetailLayout, block: int, code: str, col: int) -> str:
    return f"{dl.sheet}!{cell(col, dl.block_start(block) + dl.offsets[code])}"


def full(**changes) -> dict[str, tuple]:
    scores = {code: (float(top), float(top)) for code, top in MAXIMA.items()}
    scores.update(changes)
    return scores


def evaluated(path):
    (e,) = evaluate(read_workbook_with_sets(path))
    return e


def test_a_criterion_over_its_maximum_is_one_error_at_its_input_cell(tmp_path):
    path, section = build(tmp_path)
    lay, dl = section.summary, section.detail
    wb = load_workbook(path)
    names = ["Xã Ia Grai", "Đặc khu Cù Lao Xanh"]
    for i, name in enumerate(names):
        wb[lay.sheet][cell(lay.name, lay.first_row + i)] = name
    type_block(wb[dl.sheet], dl, 0, names[0], full())
    type_block(wb[dl.sheet], dl, 1, names[1], full(**{"2.2": (15.0, 16.0)}))  # field 2 sums to 26 of 25
    wb.save(path)
    e = evaluated(path)
    errors = [f for f in e.findings if f.severity == "error"]
    assert [(f.code, f.unit, f.where) for f in errors] == [
        ("score-out-of-range", names[1], at(dl, 1, "2.2", dl.appraised))]
    assert "2.2 Giải quyết hồ sơ đúng hạn" in errors[0].message and "16" in errors[0].message \
        and "0 đến 15" in errors[0].message
    (late,) = [r for r in e.results if r.unit.name == names[1]]
    assert late.rank is None and {g.cell for g in late.missing} == {at(dl, 1, "2.2", dl.appraised)}


def test_blank_thẩm_định_names_the_blank_leaf_cells_not_the_field_row(tmp_path):
    path, section = build(tmp_path)
    lay, dl = section.summary, section.detail
    wb = load_workbook(path)
    name = "Phường Pleiku"
    wb[lay.sheet][cell(lay.name, lay.first_row)] = name
    scores = full(**{"3.1": (15.0, None), "3.2": (10.0, None), "1.1.2": (2.0, None)})
    type_block(wb[dl.sheet], dl, 0, name, scores)
    wb.save(path)
    e = evaluated(path)
    missing = [f for f in e.findings if f.code == "appraised-missing"]
    assert [(f.field, f.where) for f in missing] == [
        (CSET.fields[0].name, at(dl, 0, "1.1.2", dl.appraised)), (CSET.fields[2].name, at(dl, 0, "3.1", dl.appraised))]
    assert "1.1.2 Hoàn thành 100% nhiệm vụ" in missing[0].message
    assert at(dl, 0, "3.1", dl.appraised) in missing[1].message and at(dl, 0, "3.2", dl.appraised) in missing[1].message
    assert at(dl, 0, "3", dl.appraised) not in {f.where for f in e.findings}  # the field's formula row


def one_unit(tmp_path, block: int):
    """A workbook with one complete unit, Xã Ia Grai, its criteria in detail block `block`: (book, path, detail)."""
    path, section = build(tmp_path)
    lay, dl = section.summary, section.detail
    wb = load_workbook(path)
    wb[lay.sheet][cell(lay.name, lay.first_row)] = "Xã Ia Grai"
    type_block(wb[dl.sheet], dl, block, "Xã Ia Grai", full())
    return wb, path, dl


def test_scores_in_a_detail_block_without_a_name_are_reported(tmp_path):
    wb, path, dl = one_unit(tmp_path, 0)
    spare = dl.n_units - 1  # a spare block far down, its name cell left blank
    type_block(wb[dl.sheet], dl, spare, None, full())
    type_block(wb[dl.sheet], dl, 2, "  ", {"2.2": (None, "mười")})  # a name of spaces is no name; text is typed too
    wb.save(path)
    e = evaluated(path)
    nameless = [f for f in e.findings if f.code == "unit-missing-name"]
    name_cell = f"{dl.sheet}!{cell(dl.unit, dl.block_start(spare))}"
    assert [(f.severity, f.where) for f in nameless] == [
        ("error", f"{dl.sheet}!{cell(dl.unit, dl.block_start(2))}"), ("error", name_cell)]
    assert at(dl, 2, "2.2", dl.appraised) in nameless[0].message
    first, last = at(dl, spare, "1.1.1", dl.self_col), at(dl, spare, "3.2", dl.appraised)
    assert f"{2 * len(MAXIMA)} ô, từ {first} đến {last}" in nameless[1].message and name_cell in nameless[1].message
    assert "Ia Grai" not in nameless[1].message and e.results[0].rank == 1  # the named unit is complete, ranked


def test_a_detail_block_left_blank_or_recomputed_is_no_finding(tmp_path):
    """Blank blocks (their parent sums hold formulas, 0 once a spreadsheet has computed them) are not reported."""
    wb, path, dl = one_unit(tmp_path, 1)
    for k in (0, 2):  # what Excel saves as the value of a block's sums, and a note typed in Giải trình
        for code in ("1", "1.1", "2", "3"):
            wb[dl.sheet][cell(dl.appraised, dl.block_start(k) + dl.offsets[code])] = 0
        wb[dl.sheet][cell(dl.reason, dl.block_start(k) + dl.offsets["2.1"])] = "chưa gửi hồ sơ"
    wb.save(path)
    assert [f.code for f in evaluated(path).findings if f.severity == "error"] == []


def test_survey_scores_on_a_row_without_a_name_or_a_name_again_are_reported(tmp_path):
    from workbook_harness import odd_set

    cset = odd_set()
    path = build_file([SectionInput(cset, None, blank_rows=ROWS)], tmp_path / "so.xlsx")
    section = L.workbook_layout([(cset, ROWS + L.DEFAULT_SPARE_ROWS)]).sections[0]
    sl = section.survey
    wb = load_workbook(path)
    wb[section.summary.sheet][cell(section.summary.name, section.summary.first_row)] = "Sở Tư pháp"
    wb[sl.sheet][cell(sl.fields[0], sl.first_row + 3)] = 7.5
    for row in (0, 5):  # the unit's survey row, and the same name again further down
        wb[sl.sheet][cell(sl.name, sl.first_row + row)] = "Sở Tư pháp"
        wb[sl.sheet][cell(sl.fields[2], sl.first_row + row)] = 2 + row / 10
    wb.save(path)
    (e,) = evaluate(read_workbook_with_sets(path))
    (f,) = [f for f in e.findings if f.code == "unit-missing-name"]
    assert f.where == f"{sl.sheet}!{cell(sl.name, sl.first_row + 3)}"
    assert f"{sl.sheet}!{cell(sl.fields[0], sl.first_row + 3)}" in f.message
    (f,) = [f for f in e.findings if f.code == "duplicate-unit"]
    assert f.where == f"{sl.sheet}!{cell(sl.name, sl.first_row + 5)}"
    assert f"{sl.sheet}!{cell(sl.name, sl.first_row)}" in f.message
    assert e.results[0].unit.fields[2].survey == 2  # the first row's score, as the summary's MATCH takes


def test_a_second_detail_block_or_survey_row_with_the_same_name_is_reported(tmp_path):
    """The summary takes the first block (and the first survey row) of a name: scores typed in a later one count
    for nobody, so they are named, with the first one's cell."""
    wb, path, dl = one_unit(tmp_path, 0)
    type_block(wb[dl.sheet], dl, 3, "Xã Ia Grai", {"2.2": (3.0, 3.0)})
    type_block(wb[dl.sheet], dl, 4, "Xã Ia Grai", {})  # the name again, nothing typed: nothing lost, nothing said
    wb.save(path)
    e = evaluated(path)
    (f,) = [f for f in e.findings if f.severity == "error"]
    assert (f.code, f.unit, f.where) == ("duplicate-unit", "Xã Ia Grai", f"{dl.sheet}!{cell(dl.unit, dl.block_start(3))}")
    assert f"{dl.sheet}!{cell(dl.unit, dl.block_start(0))}" in f.message and at(dl, 3, "2.2", dl.appraised) in f.message
    assert e.results[0].rank == 1 and e.results[0].total == sum(MAXIMA.values())  # the first block's scores


def test_a_reason_or_a_higher_thẩm_định_is_asked_at_the_detail_cells(tmp_path):
    """A field summed from the detail takes its reasons from the criteria's Ghi chú there (the summary's note cell is
    not read for it): the finding names those cells, not the unit's name on the summary sheet."""
    wb, path, dl = one_unit(tmp_path, 0)
    type_block(wb[dl.sheet], dl, 0, None, {"2.1": (9.0, 8.0), "3.1": (12.0, 13.0)})
    wb.save(path)
    e = evaluated(path)
    got = {(f.code, f.field): f for f in e.findings if f.code in ("reason-missing", "appraised-above-self")}
    assert {key: f.where for key, f in got.items()} == {
        ("reason-missing", CSET.fields[1].name): at(dl, 0, "2.1", dl.note),
        ("reason-missing", CSET.fields[2].name): at(dl, 0, "3.1", dl.note),
        ("appraised-above-self", CSET.fields[2].name): at(dl, 0, "3.1", dl.appraised)}
    assert "2.1 Công khai TTHC" in got["reason-missing", CSET.fields[1].name].message
    assert "trang chi tiết" in got["reason-missing", CSET.fields[1].name].message


def test_the_kiểm_tra_sheet_links_to_the_detail_cell(tmp_path):
    """The macro's Kiểm tra sheet (Tính lại xếp hạng) lists the finding once, its link leading to the typed cell."""
    from xltools.excel import macros
    from xltools.excel.book import OpenpyxlBook

    wb, path, dl = one_unit(tmp_path, 0)
    type_block(wb[dl.sheet], dl, 0, None, {"2.2": (15.0, 16.0)})
    wb.save(path)
    macros.tinh_lai_xep_hang(OpenpyxlBook(path))
    rows = [r for r in load_workbook(path)[macros.CHECKS_SHEET].iter_rows(values_only=True) if r[-1] == "score-out-of-range"]
    target = at(dl, 0, "2.2", dl.appraised).replace(dl.sheet, f"'{dl.sheet}'")
    assert [(r[3], r[6]) for r in rows] == [("Xã Ia Grai", f'=HYPERLINK("#{target}","{at(dl, 0, "2.2", dl.appraised)}")')]


def test_a_unit_without_a_detail_block_is_told_where_to_type(tmp_path):
    """A unit on the summary whose name heads no detail block: its fields are formulas there, so the finding says
    to type the name into a blank block's first cell (not to type a score on the summary)."""
    path, section = build(tmp_path)
    lay = section.summary
    wb = load_workbook(path)
    wb[lay.sheet][cell(lay.name, lay.first_row)] = "Xã Ia Grai"
    wb.save(path)
    missing = [f for f in evaluated(path).findings if f.code == "appraised-missing"]
    assert len(missing) == len(CSET.fields)
    assert all("không thấy tên đơn vị ở ô đầu khối nào của trang chi tiết" in f.message
               and f"{lay.sheet}!{cell(lay.name, lay.first_row)}" in f.message for f in missing)
