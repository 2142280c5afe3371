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
    """`xltools macro tinh-lai` writes Kiểm tra: wide, wrapped columns and each finding's cell a HYPERLINK formula
    to that cell (one mechanism for files and for the macro inside Excel, where the same rows are written)."""
    from xltools.excel.book import link_label, link_target

    path = tmp_path / "bang.xlsx"
    assert main(["template", "--set", "backan-2024-so", "-o", str(path)]) == 0
    wb = load_workbook(path)
    ws = wb["Tổng hợp Sở"]
    ws["D7"] = 12  # above the field maximum (9): a finding that names Tổng hợp Sở!D7
    wb.save(path)
    main(["macro", "tinh-lai", str(path)])
    ws = load_workbook(path)["Kiểm tra"]
    assert ws.column_dimensions["F"].width == 70 and ws.freeze_panes == "A3"
    cells = [c for c in ws["G"][2:] if c.value]
    assert cells and all(c.value.startswith("=HYPERLINK(") for c in cells)
    assert all(c.font.underline == "single" and c.hyperlink is None for c in cells)
    shown = [link_label(c.value) for c in cells]
    assert "Tổng hợp Sở!D7" in shown
    assert ws["G3"].value == f'=HYPERLINK("#{link_target(shown[0])}","{shown[0]}")'
    assert '=HYPERLINK("#\'Tổng hợp Sở\'!D7","Tổng hợp Sở!D7")' in [c.value for c in cells]


def test_finding_links_quote_what_they_hold():
    """A sheet name with an apostrophe or a double quote cannot break out of the link's text; no cell, no link."""
    from xltools.excel.book import finding_where, findings_look, link_label, link_target

    assert link_target("Tổng hợp Sở!D7") == "'Tổng hợp Sở'!D7" and link_target("dòng 7") is None
    odd = finding_where('Sở "A" của Bà\'s!E9')
    assert odd == '=HYPERLINK("#\'Sở ""A"" của Bà\'\'s\'!E9","Sở ""A"" của Bà\'s!E9")'
    assert link_label(odd) == 'Sở "A" của Bà\'s!E9'
    assert finding_where("dòng 7") == "dòng 7" and finding_where(None) is None
    assert finding_where("x" * 300 + "!A1") == "x" * 300 + "!A1"  # too long for a formula: plain text
    rows = [["KẾT QUẢ"], ["Ô"], [finding_where("Tổng hợp Sở!D7")], ["dòng 7"], [None]]
    look = findings_look(rows, 1)
    assert look.link_rows == {3} and look.last_row == 5 and look.first_row == 3 and look.columns == 1


def test_findings_look_the_same_inside_excel(tmp_path):
    """Inside Excel the macro writes the same rows (links included) and XlwingsBook applies the same look through
    Excel's object model. xlwings cannot drive Excel on Linux: the calls go to tests/fake_xlwings, which styles an
    openpyxl sheet as Excel would; what real Excel does with them is untested here."""
    import shutil

    import fake_xlwings

    from xltools.excel import macros
    from xltools.excel.book_xlwings import XlwingsBook

    path, twin = tmp_path / "bang.xlsx", tmp_path / "twin.xlsx"
    assert main(["template", "--set", "backan-2024-so", "-o", str(path)]) == 0
    wb = load_workbook(path)
    wb["Tổng hợp Sở"]["D7"] = 12
    wb.save(path)
    shutil.copy(path, twin)
    main(["macro", "tinh-lai", str(path)])
    fake = fake_xlwings.Book(load_workbook(twin), twin)
    macros.tinh_lai_xep_hang(XlwingsBook(fake))
    fake.wb.save(twin)

    def look(file):
        ws = load_workbook(file)["Kiểm tra"]
        def colour(c):
            return c.font.color.rgb if c.font.color is not None and c.font.color.type == "rgb" else None

        cells = [(c.coordinate, c.value, c.font.bold, c.font.underline, colour(c), bool(c.alignment.wrap_text),
                  c.alignment.vertical) for row in ws.iter_rows(max_col=8) for c in row]
        return ws.freeze_panes, [ws.column_dimensions[L.col_letter(i)].width for i in range(1, 8)], cells

    mine, theirs = look(twin), look(path)
    assert mine[:2] == theirs[:2]
    assert [(a, b) for a, b in zip(mine[2], theirs[2]) if a != b] == []
    assert any(c[1] and c[1].startswith("=HYPERLINK(") and c[3] == "single" for c in mine[2])


def test_finding_links_work_in_libreoffice(tmp_path, calc):
    """In LibreOffice the HYPERLINK cells show the cited cell and their target lands on it (the link's target
    goes through the parser the Name Box uses; the formula is Excel's own syntax, '#'Sheet'!D7'). The jumps run
    in a soffice of their own: dispatching to a hidden frame of the shared session, after many documents, once
    took soffice down (never when alone, in several runs)."""
    import re

    from xltools.engine import libreoffice as lo

    path = tmp_path / "bang.xlsx"
    assert main(["template", "--set", "backan-2024-so", "-o", str(path)]) == 0
    wb = load_workbook(path)
    wb["Tổng hợp Sở"]["D9"] = 12
    wb.save(path)
    main(["macro", "tinh-lai", str(path)])
    formulas = {c.row: c.value for c in load_workbook(path)["Kiểm tra"]["G"][2:] if c.value}

    def jumps():
        with lo.CalcSession() as session, session.open(path) as doc:
            doc.recalc()
            shown = {row: doc.get("Kiểm tra", f"G{row}") for row in formulas}
            assert "Tổng hợp Sở!D9" in shown.values()
            for row, formula in formulas.items():
                mark = re.match(r'=HYPERLINK\("#((?:[^"]|"")*)",', formula)[1].replace('""', '"')
                assert doc.jump(mark) == tuple(shown[row].split("!")), (row, formula)

    try:
        jumps()
    except Exception as exc:  # only soffice dying under a loaded machine is retried, once
        if "disposed" not in f"{exc} {exc.__context__}":  # closing a dead document raises over the first error
            raise
        jumps()  # the dispatcher took a busy soffice down twice in 700 tests at load 13; a second death fails
