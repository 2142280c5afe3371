"""The workbook as an appraiser prints it, rendered by LibreOffice to PDF and read back (pdftotext for the
words, the page rasterised for the lines): the title block and every unit print, the on-screen instructions do
not, and spare rows print as nothing, while a unit typed into a spare row prints with its borders like the
others. PNGs of the pages go to tests/artifacts/ for people to look at.

Skipped without LibreOffice or poppler-utils, unless XLTOOLS_REQUIRE_LIBREOFFICE=1 (then it fails).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from openpyxl import load_workbook
from publish_expect import ARTIFACTS
from test_publish_render import page_text, pages, poppler, require_tools

from xltools import catalog
from xltools.cli import main
from xltools.workbook import layout as L

DPI = 100
NEW_UNIT = "Sở Ngoại vụ"
INSTRUCTIONS = ("Ô nền vàng", "Tự sắp xếp theo thứ hạng", "Dán điểm ĐT XHH", "Không nhập vào trang này")


@dataclass
class Word:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


def words(pdf, page: int) -> list[Word]:
    bbox = poppler("pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-")
    return [Word(float(a), float(b), float(c), float(d), t) for a, b, c, d, t in
            re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]+)<', bbox)]


def raster(pdf, page: int, folder):
    from PIL import Image

    stem = folder / f"page{page}"
    poppler("pdftoppm", "-png", "-r", str(DPI), "-f", str(page), "-l", str(page), "-singlefile", str(pdf), str(stem))
    return Image.open(f"{stem}.png").convert("L")


def dark(image, left: float, top: float, right: float, bottom: float) -> int:
    """Dark pixels in a box given in PDF points."""
    k = DPI / 72
    box = image.crop((int(left * k), int(top * k), int(right * k), int(bottom * k)))
    return sum(box.histogram()[:160])  # grey levels 0..159 of the 8-bit image


def row_of(found: list[Word], name: str) -> list[Word]:
    """The words of the printed line that holds `name` (its words in a row, on one line)."""
    parts = name.split()
    for i in range(len(found) - len(parts) + 1):
        run = found[i:i + len(parts)]
        if [w.text for w in run] == parts and max(w.y0 for w in run) - min(w.y0 for w in run) < 1:
            line = [w for w in found if abs(w.y0 - run[0].y0) < 1]
            return line
    raise AssertionError(f"{name!r} is not printed")


def below_last_row(pdf, page: int, last_name: str, folder) -> tuple[int, int]:
    """(dark pixels where the bottom border of the row of `last_name` is, dark pixels between that row and the
    footer): a printed table ends with that row when the first is not 0 and the second is."""
    found = words(pdf, page)
    footer = min(w.y0 for w in found if w.text == "Trang")
    line = row_of(found, last_name)
    above = max(w.y0 for w in found if w.y0 < line[0].y0 - 1 and w.text.isdigit())  # the previous row's STT
    pitch = line[0].y0 - above  # the height of one printed row
    centre = (line[0].y0 + line[0].y1) / 2
    assert not [w for w in found if centre + pitch / 2 < w.y0 < footer], "something prints below the row"
    left, right = min(w.x0 for w in found) - 2, max(w.x1 for w in found) + 2
    image = raster(pdf, page, folder)
    border = dark(image, left, centre + 0.25 * pitch, right, centre + 0.75 * pitch)
    after = dark(image, left, centre + 0.85 * pitch, right, footer - 4)
    return border, after


@pytest.fixture(scope="module")
def printed(tmp_path_factory, calc):
    """The 2024 sở template (19 sample units, 5 spare rows) with one more unit typed into the first spare row
    of the summary, rendered whole to PDF by LibreOffice."""
    require_tools()
    folder = tmp_path_factory.mktemp("in")
    path = folder / "so.xlsx"
    assert main(["template", "--set", "backan-2024-so", "--with-appraised", "-o", str(path)]) == 0
    cset = catalog.get("backan-2024-so")
    section = L.workbook_layout([(cset, 19 + L.DEFAULT_SPARE_ROWS)]).sections[0]
    lay = section.summary
    wb = load_workbook(path)
    ws = wb[lay.sheet]
    spare = lay.first_row + 19
    assert ws.cell(spare, lay.name).value is None
    ws.cell(spare, lay.name, NEW_UNIT)
    for f, fc in zip(cset.fields, lay.fields):
        ws.cell(spare, fc.self_col, float(f.max))
        ws.cell(spare, fc.appraised, float(f.max))
    wb.save(path)
    with calc.open(path) as doc:
        doc.recalc()
        pdf = doc.save_as(folder / "so.pdf")
    count = pages(pdf)[0]
    texts = {page: page_text(pdf, page) for page in range(1, count + 1)}
    ARTIFACTS.mkdir(exist_ok=True)
    for page in range(1, count + 1):
        poppler("pdftoppm", "-png", "-r", "70", "-f", str(page), "-l", str(page), "-singlefile", str(pdf),
                str(ARTIFACTS / f"bang_tinh_in_trang_{page}"))
    return pdf, texts, folder, section, path


def page_of(texts: dict[int, str], marker: str) -> int:
    [page] = [p for p, text in texts.items() if marker in text]
    return page


def test_instructions_do_not_print_and_the_title_block_does(printed):
    _, texts, _, _, _ = printed
    everything = "\n".join(texts.values())
    assert [phrase for phrase in INSTRUCTIONS if phrase in everything] == []
    summary = texts[page_of(texts, "PHỤ LỤC I")]
    assert "XẾP HẠNG VÀ PHÂN LOẠI CHỈ SỐ CCHC CÁC SỞ, BAN, NGÀNH NĂM 2024" in summary
    assert "(Kèm theo Quyết định số" in summary
    assert "BẢNG XẾP HẠNG VÀ PHÂN LOẠI" in everything


def test_every_unit_prints_and_spare_rows_print_as_nothing(printed):
    """On the summary and on the Xếp hạng sheet: the unit typed into a spare row prints with a border under it
    like the others, and the rows below it (4 spare rows left) leave the page blank down to the footer."""
    pdf, texts, folder, _, _ = printed
    summary, ranking = page_of(texts, "PHỤ LỤC I"), page_of(texts, "BẢNG XẾP HẠNG")
    for page in (summary, ranking):
        assert NEW_UNIT in texts[page] and "Sở Tài nguyên và Môi trường" in texts[page]
    border, after = below_last_row(pdf, summary, NEW_UNIT, folder)
    assert border > 0 and after == 0, (border, after)
    # the new unit has no ĐT XHH scores: it is not complete, so it is listed last ("Chưa đủ điểm")
    border, after = below_last_row(pdf, ranking, NEW_UNIT, folder)
    assert border > 0 and after == 0, (border, after)


def test_survey_sheet_prints_its_units_only(printed):
    pdf, texts, folder, section, _ = printed
    page = page_of(texts, "ĐIỂM ĐIỀU TRA XÃ HỘI HỌC")
    border, after = below_last_row(pdf, page, "Sở Tài nguyên và Môi trường", folder)
    assert border > 0 and after == 0, (border, after)


def test_instructions_are_on_screen_as_input_messages(printed, calc):
    """What the hidden instruction rows said is shown by the cells it is about while one is selected (the
    input message of their validation, in LibreOffice as in Excel); the legend row itself stays in the layout."""
    _, _, _, section, path = printed
    lay, sl, rl = section.summary, section.survey, section.ranking
    ws = load_workbook(path)[lay.sheet]
    assert ws.row_dimensions[L.LEGEND_ROW].hidden and ws.cell(L.LEGEND_ROW, 1).value.startswith("Ô nền vàng:")
    cell = lambda col, row: f"{L.col_letter(col)}{row}"  # noqa: E731
    with calc.open(path) as doc:
        spare = doc.validation(lay.sheet, cell(lay.name, lay.last_row))
        assert spare["show_input"] and spare["prompt_title"] == "Tên đơn vị" and "dòng trống" in spare["prompt"]
        score = doc.validation(lay.sheet, cell(lay.fields[0].appraised, lay.first_row))
        assert score["show_input"] and score["type"] == "decimal" and "từ 0 đến 9" in score["prompt"]
        assert "Dán đặc biệt" in doc.validation(sl.sheet, cell(sl.name, sl.first_row))["prompt"]
        assert "Không nhập vào trang này" in doc.validation(rl.sheet, cell(rl.name, rl.first_row))["prompt"]
