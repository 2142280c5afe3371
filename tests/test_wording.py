"""One wording source: the workbook a council types into and the appendix a province signs print the same
titles and column labels, for every shipped set (xltools.wording)."""
from __future__ import annotations

import pytest
from openpyxl import load_workbook
from workbook_harness import make_units

from xltools import catalog, wording
from xltools.commands.publish import publish
from xltools.commands.template import shipped_templates
from xltools.publish import appendix_xlsx
from xltools.workbook import layout as L
from xltools.workbook.builder import SectionInput, build_file


def header_labels(ws, top: int, last_col: int, skip: set[str] = frozenset()) -> list[tuple[str, str]]:
    """(group, label) of every visible column: a column merged over both header rows has no group."""
    merged_down = {m.min_col for m in ws.merged_cells.ranges if m.min_row == top and m.max_row == top + 1}
    groups = {}
    for m in ws.merged_cells.ranges:
        if m.min_row == m.max_row == top:
            for col in range(m.min_col, m.max_col + 1):
                groups[col] = ws.cell(top, m.min_col).value
    hidden = {c for d in ws.column_dimensions.values() if d.hidden for c in range(d.min, d.max + 1)}
    out = []
    for col in range(1, last_col + 1):
        if col in hidden:
            continue
        if col in merged_down:
            pair = ("", ws.cell(top, col).value)
        else:
            pair = (groups.get(col, ws.cell(top, col).value), ws.cell(top + 1, col).value)
        if pair[1] not in skip:
            out.append(pair)
    return out


SETS = [(name, [s.id for s in sets]) for name, sets in shipped_templates()]


@pytest.mark.parametrize("name,set_ids", SETS, ids=[name for name, _ in SETS])
def test_workbook_and_appendix_print_the_same_words(tmp_path, name, set_ids):
    sets = [catalog.get(s) for s in set_ids]
    inputs, units_by_level = [], {}
    for i, cset in enumerate(sets):
        districts = [u.name for u in units_by_level["huyen"][:2]] if cset.level == "xa" and "huyen" in units_by_level \
            else (["Thành phố Bắc Kạn"] if cset.level == "xa" else None)
        units = make_units(cset, 6, seed=3 + i, prefix=cset.level, districts=districts)
        units_by_level[cset.level] = units
        inputs.append(SectionInput(cset, units, year=cset.years[-1]))
    book_path = build_file(inputs, tmp_path / f"{name}.xlsx", with_appraised=True)
    written, _ = publish(book_path, tmp_path / "out")  # (files, draft state)
    book = load_workbook(book_path)
    appendix = load_workbook(next(p for p in written if p.suffix == ".xlsx"))
    layout = L.workbook_layout([(i.cset, len(i.units) + L.DEFAULT_SPARE_ROWS) for i in inputs])
    assert len(appendix.worksheets) == len(layout.sections)
    for section, ws_app in zip(layout.sections, appendix.worksheets):
        ws = book[section.summary.sheet]
        titles = [ws.cell(r, 1).value for r in L.TITLE_ROWS]
        assert titles == [ws_app.cell(r, 1).value for r in range(1, appendix_xlsx.TITLE_ROWS + 1)]
        assert "……" not in titles[1] and f"năm {section.cset.years[-1]} của" in titles[2]
        workbook_cols = header_labels(ws, L.HEADER_ROWS[0], section.summary.print_last_col, {wording.DISTRICT_LABEL})
        appendix_cols = header_labels(ws_app, appendix_xlsx.HEADER_ROW, ws_app.max_column)
        assert workbook_cols == appendix_cols
        labels = [label for _, label in appendix_cols]
        assert ("Tỷ lệ (%)" in labels) == (section.cset.max_total != 100)
        assert not any(label.startswith("ĐT XHH (0") for label in labels)


def test_commune_appendix_names_its_district():
    cset = catalog.get("backan-2023-xa")
    line = wording.decision_line(cset, 2023, districts=["Thành phố Bắc Kạn", "Thành phố Bắc Kạn"])
    assert line == "(Kèm theo Quyết định số ……/QĐ-UBND ngày …… tháng …… năm 2023 của UBND thành phố Bắc Kạn)"
    assert wording.local_authority("TP. Bắc Kạn") == "UBND thành phố Bắc Kạn"
    assert wording.local_authority("Huyện Na Rì") == "UBND huyện Na Rì"
    assert wording.issuing_authority(cset, ["Huyện Na Rì", "Thành phố Bắc Kạn"]) == "UBND tỉnh Bắc Kạn"
    assert wording.issuing_authority(cset, []) == "UBND ……"


def test_a_two_tier_province_has_no_district_and_no_thi_tran():
    """Since 1 July 2025 communes (xã, phường, đặc khu) sit directly under the province: the decision is the
    province's (or the city's), the Sở Nội vụ appraises and reports, and nothing prints 'thị trấn' or '……' for a
    province the set names."""
    from dataclasses import replace

    before = catalog.get("backan-2023-xa")
    cset = replace(before, province="Tuyên Quang", years=(2025,))
    assert wording.appendix_title(cset, 2025) == "XẾP HẠNG VÀ PHÂN LOẠI CHỈ SỐ CCHC UBND CÁC XÃ, PHƯỜNG, ĐẶC KHU NĂM 2025"
    assert wording.level_phrase(cset, 2025) == "UBND các xã, phường, đặc khu"
    assert wording.decision_line(cset, 2025).endswith("năm 2025 của UBND tỉnh Tuyên Quang)")
    assert wording.issuing_authority(cset, ["Huyện Na Hang"], year=2025) == "UBND tỉnh Tuyên Quang"  # an old column
    assert wording.issuing_authority(replace(cset, province="Hải Phòng"), []) == "UBND thành phố Hải Phòng"
    assert wording.default_recipients("Hải Phòng")[0] == "UBND thành phố (b/c)"
    assert wording.default_recipients("Tuyên Quang")[0] == "UBND tỉnh (b/c)"
    assert (wording.default_agency(["xa"], two_tier_years=True), wording.default_agency(["xa"])) == (
        "SỞ NỘI VỤ", "PHÒNG NỘI VỤ")
    # the year of the table decides, even with a set that does not say its years
    assert wording.subject(replace(before, years=()), 2026) == "UBND CÁC XÃ, PHƯỜNG, ĐẶC KHU"
    assert wording.subject(before, 2023) == "UBND CÁC XÃ, PHƯỜNG, THỊ TRẤN"
    # the level as commands name it (rank, check, sets, the workbook's survey and detail titles)
    assert (cset.level_label, before.level_label) == ("UBND xã, phường, đặc khu", "UBND xã, phường, thị trấn")


def test_numerals_and_level_subjects():
    assert [wording.numeral(i) for i in (0, 3, 11, 12)] == ["I", "IV", "XII", "13"]
    assert wording.appendix_title(catalog.get("backan-2024-so"), None) == \
        "XẾP HẠNG VÀ PHÂN LOẠI CHỈ SỐ CCHC CÁC SỞ, BAN, NGÀNH NĂM ……"
