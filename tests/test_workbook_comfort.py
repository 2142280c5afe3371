"""Workbook comfort: filters under protection, print settings (page numbers, no fills in print, header rows
repeated), the Xếp hạng sheet's frame and chart, rows as tall as their text, more spare rows on demand."""
from __future__ import annotations

from openpyxl import load_workbook

from xltools import catalog
from xltools.cli import main
from xltools.core.scoring import CriterionScore, FieldScores, Unit
from xltools.workbook import layout as L
from xltools.workbook.builder import LINE_HEIGHT, SectionInput, build


def test_summary_filters_and_prints_cleanly():
    cset = catalog.get("backan-2024-so")
    wb = build([SectionInput(cset)])
    lay = L.workbook_layout([(cset, L.BLANK_ROWS + L.DEFAULT_SPARE_ROWS)]).sections[0]
    ws = wb[lay.summary.sheet]
    assert ws.auto_filter.ref == f"A6:{L.col_letter(lay.summary.check)}{lay.summary.last_row}"
    assert ws.protection.sheet and ws.protection.autoFilter is False and ws.protection.sort is False
    for sheet in wb.worksheets:
        assert sheet.oddFooter.center.text == "Trang &P/&N", sheet.title
        assert sheet.page_setup.blackAndWhite, sheet.title
    assert ws.print_title_rows == "$5:$6"


def test_ranking_sheet_frame_and_chart():
    huyen, xa = catalog.get("backan-2023-huyen"), catalog.get("backan-2023-xa")
    wb = build([SectionInput(huyen), SectionInput(xa)])
    layout = L.workbook_layout([(huyen, L.BLANK_ROWS + L.DEFAULT_SPARE_ROWS), (xa, L.BLANK_ROWS + L.DEFAULT_SPARE_ROWS)])
    assert wb.sheetnames[:4] == ["Tổng hợp Huyện", "Xếp hạng Huyện", "ĐT XHH Huyện", "Tổng hợp Xã"]
    for section in layout.sections:
        lay = section.ranking
        ws = wb[lay.sheet]
        assert ws.protection.sheet
        assert [ws.cell(4, c).value for c in (lay.columns["rank"], lay.columns["class_"])] == ["Xếp hạng", "Xếp loại"]
        assert ws.column_dimensions[L.col_letter(lay.key)].hidden
        [chart] = ws._charts
        assert chart.type == "bar" and chart.x_axis.scaling.orientation == "maxMin"
        cat = chart.series[0].cat
        ref = (cat.numRef or cat.strRef).f
        assert ref.endswith(f"!${L.col_letter(lay.name)}${lay.first_row}:${L.col_letter(lay.name)}${lay.last_row}")
    assert "class_after_rule" in layout.sections[0].ranking.columns  # the 2/3 rule is live with the communes
    assert "total" not in layout.sections[1].ranking.columns  # communes: the appraised total is the total


def test_detail_rows_grow_with_their_text():
    cset = catalog.get("bacgiang-2023-tinh")
    leaf = next(node for node in cset.leaves() if not node.survey)
    reason = "Đã ban hành đầy đủ văn bản, kèm danh mục tài liệu kiểm chứng số 12, 13, 14 và báo cáo tổng hợp. " * 3
    unit = Unit("Sở Tư pháp", [FieldScores() for _ in cset.fields],
                criteria={leaf.code: CriterionScore(self_score=leaf.max, appraised=leaf.max, reason=reason)})
    wb = build([SectionInput(cset, [unit])])
    section = L.workbook_layout([(cset, 1 + L.DEFAULT_SPARE_ROWS)]).sections[0]
    row = section.detail.block_start(0) + section.detail.offsets[leaf.code]
    ws = wb[section.detail.sheet]
    assert ws.cell(row, section.detail.reason).value == reason
    assert ws.row_dimensions[row].height >= LINE_HEIGHT * (len(reason) // 36)


def test_more_spare_rows_on_demand(tmp_path, capsys):
    out = tmp_path / "bang.xlsx"
    assert main(["template", "--set", "backan-2024-so", "--spare-rows", "30", "-o", str(out)]) == 0
    ws = load_workbook(out)["Cấu hình"]
    assert ws.cell(L.CONFIG_SETS_FIRST_ROW, 3).value == 19 + 30
    assert main(["template", "--set", "backan-2024-so", "--spare-rows", "-1", "-o", str(out)]) == 2


def test_findings_sheet_is_formatted_and_links_to_each_cell(tmp_path):
    """`xltools macro tinh-lai` writes Kiểm tra: wide, wrapped columns and each finding's cell a link to it."""
    from xltools.excel.book import link_target

    path = tmp_path / "bang.xlsx"
    assert main(["template", "--set", "backan-2024-so", "-o", str(path)]) == 0
    wb = load_workbook(path)
    ws = wb["Tổng hợp Sở"]
    ws["D7"] = 12  # above the field maximum (9): a finding that names Tổng hợp Sở!D7
    wb.save(path)
    main(["macro", "tinh-lai", str(path)])
    ws = load_workbook(path)["Kiểm tra"]
    assert ws.column_dimensions["F"].width == 70 and ws.freeze_panes == "A3"
    links = {c.value: c.hyperlink.location for c in ws["G"][2:] if c.hyperlink is not None}
    assert links and all(link_target(where) == target for where, target in links.items())
    assert "'Tổng hợp Sở'!D7" in links.values()
    assert link_target("Tổng hợp Sở!D7") == "'Tổng hợp Sở'!D7" and link_target("dòng 7") is None
