"""The Excel appendix re-read with openpyxl: real numbers equal to the core with the set's number format,
the same layout as the Word file, print settings, and the year-over-year columns."""
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from publish_expect import REPORT_2023, SEED_2024, core_values, evaluations

from xltools.publish.appendix_xlsx import FIRST_DATA_ROW, HEADER_ROW, write_appendix_xlsx
from xltools.publish.model import Previous, appendices


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    evs = evaluations(SEED_2024)
    previous = Previous.from_evaluations(evaluations(REPORT_2023))
    path = write_appendix_xlsx(appendices(evs, previous=previous), tmp_path_factory.mktemp("xlsx") / "phu_luc.xlsx")
    return evs, load_workbook(path)


def plain(value):
    return float(value) if isinstance(value, Decimal) else value


def test_every_value_is_the_core_as_a_real_number(book):
    evs, wb = book
    assert wb.sheetnames == ["Phụ lục I", "Phụ lục II"]
    for e, ws in zip(evs, wb.worksheets):
        for offset, r in enumerate(e.results):
            expected = [plain(v) for v in core_values(r, e.cset)]
            row = [c.value for c in ws[FIRST_DATA_ROW + offset]][:len(expected)]
            assert row == expected
            scores = ws[FIRST_DATA_ROW + offset][2:len(expected) - 2]
            assert {c.number_format for c in scores} == {"0.000"}  # Excel shows the user's decimal separator
        assert ws.max_row == FIRST_DATA_ROW + len(e.results) - 1


def test_title_headers_and_print_setup(book):
    evs, wb = book
    ws = wb["Phụ lục I"]
    assert [ws.cell(row=i, column=1).value for i in (1, 2)] == [
        "PHỤ LỤC I", "XẾP HẠNG VÀ PHÂN LOẠI CHỈ SỐ CCHC CÁC SỞ, BAN, NGÀNH NĂM 2024"]
    assert ws.cell(row=3, column=1).value.startswith("(Kèm theo Quyết định số ……/QĐ-UBND")
    top = [c.value for c in ws[HEADER_ROW]]
    second = [c.value for c in ws[HEADER_ROW + 1]]
    assert top[:3] == ["STT", "TÊN ĐƠN VỊ", "Công tác chỉ đạo, điều hành CCHC"]
    assert second[2:5] == ["Tự chấm (9)", "Thẩm định (9)", "ĐT XHH (2)"]
    assert second[26:29] == ["Tổng cộng (100)", "Xếp hạng", "Xếp loại"]
    merged = {str(m) for m in ws.merged_cells.ranges}
    assert {f"A{HEADER_ROW}:A{HEADER_ROW + 1}", f"C{HEADER_ROW}:E{HEADER_ROW}"} <= merged
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9  # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW + 1}"
    assert ws.cell(row=FIRST_DATA_ROW, column=4).font.name == "Times New Roman"
    assert ws.cell(row=FIRST_DATA_ROW, column=4).font.b and not ws.cell(row=FIRST_DATA_ROW, column=3).font.b


def test_year_over_year_columns(book):
    evs, wb = book
    ws = wb["Phụ lục II"]
    assert [c.value for c in ws[HEADER_ROW]][-4] == "So với năm 2023"  # merged over the four
    assert [c.value for c in ws[HEADER_ROW + 1]][-4:] == [
        "Tổng cộng năm 2023", "Tăng (+), giảm (-) điểm", "Xếp hạng năm 2023", "Tăng (+), giảm (-) bậc"]
    last_year = {r.unit.name: r for e in evaluations(REPORT_2023) if e.cset.level == "huyen" for r in e.results}
    names = {"Thành phố Bắc Kạn": "TP Bắc Kạn"}  # name_key matches the two spellings
    for offset, r in enumerate(evs[1].results):
        before = last_year[names.get(r.unit.name, r.unit.name)]
        row = [c.value for c in ws[FIRST_DATA_ROW + offset]][-4:]
        assert row == [float(before.total), float(r.total - before.total), before.rank, before.rank - r.rank]
    first = [c for c in ws[FIRST_DATA_ROW]][-4:]
    assert [c.number_format for c in first] == ["0.000", "+0.000;-0.000;0.000", "0", "+0;-0;0"]
    assert first[1].value == pytest.approx(87.726 - 87.461)
    assert "So với năm 2023" not in [c.value for c in wb["Phụ lục I"][HEADER_ROW]]  # no sở table last year
