"""The report and the appendix as a province signs them, rendered by LibreOffice and read back from the PDF
(pdftotext, pdfinfo): the thể thức of Nghị định 30/2020 on page 1, the signature block whole on the last
page, no heading left as the last line of a page, every page of a table starting with its header, compact
appendix rows. PNGs of the pages go to tests/artifacts/ for people to look at.

Skipped without LibreOffice or poppler-utils, unless XLTOOLS_REQUIRE_LIBREOFFICE=1 (then it fails).
"""
from __future__ import annotations

import copy
import re

import pytest
from publish_expect import ARTIFACTS, SEED_2024, evaluations, read_docx, synthetic
from test_publish_render import page_text, pages, poppler, require_tools

from xltools import wording
from xltools.core.evaluate import evaluate
from xltools.core.scoring import UnitsTable
from xltools.publish import pdf
from xltools.publish.appendix_docx import write_appendix_docx
from xltools.publish.model import ReportInfo, appendices
from xltools.publish.report_docx import write_report_docx

INFO = ReportInfo(number="125", place="Bắc Kạn", date="20/12/2024", position="KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
                  signer="Nguyễn Văn An", recipients=["Bộ Nội vụ (b/c)", "UBND tỉnh (b/c)", "Lưu: VT, CCHC"])


def squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u2011", "-")).strip()


def keep_pngs(path, name: str, pages_wanted) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    for page in pages_wanted:
        poppler("pdftoppm", "-png", "-r", "70", "-f", str(page), "-l", str(page), "-singlefile", str(path),
                str(ARTIFACTS / f"{name}_trang_{page}"))


@pytest.fixture(scope="module")
def long_report(tmp_path_factory):
    """45 sở over many pages (the ranking table itself spans two), with the issuer's names given."""
    require_tools()
    folder = tmp_path_factory.mktemp("thethuc")
    items = appendices(synthetic(45))
    docx = write_report_docx(items, folder / "bao_cao_45.docx", INFO)
    made = pdf.to_pdf(docx)
    return items, read_docx(docx), made


def test_the_thuc_on_page_1(long_report):
    _, _, path = long_report
    first = squeeze(page_text(path, 1, layout=False))
    for text in ("UBND TỈNH BẮC KẠN", "SỞ NỘI VỤ", "Số: 125/BC-SNV", wording.NATION, wording.MOTTO,
                 "Bắc Kạn, ngày 20 tháng 12 năm 2024", "BÁO CÁO",
                 "Kết quả xếp hạng và phân loại Chỉ số cải cách hành chính các sở, ban, ngành năm 2024"):
        assert text in first, text
    assert first.index(wording.NATION) < first.index("BÁO CÁO")
    assert page_text(path, 2, layout=False).split()[0] == "2"  # page numbers from page 2 on


def test_signature_block_whole_on_the_last_page(long_report):
    _, _, path = long_report
    count = pages(path)[0]
    last = squeeze(page_text(path, count, layout=False))
    for text in ("Nơi nhận:", "- Bộ Nội vụ (b/c);", "- Lưu: VT, CCHC.", "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC",
                 "Nguyễn Văn An"):
        assert text in last, text
    assert all("Nơi nhận" not in page_text(path, p) for p in range(1, count))


def before_picture(p) -> bool:
    following = p._p.getnext()
    return following is not None and bool(following.xpath(".//w:drawing"))


def test_no_heading_ends_a_page(long_report):
    """A heading (kept with next) is never the last text of a page; the chart's heading shares its page with
    the chart (pdfimages: the picture is on the heading's page), though a picture has no text after it."""
    _, doc, path = long_report
    kept = [p for p in doc.paragraphs if p.paragraph_format.keep_with_next and p.text.strip()]
    headings = [squeeze(p.text) for p in kept if not before_picture(p)]
    chart_headings = [squeeze(p.text) for p in kept if before_picture(p)]
    assert len(headings) > 45 and chart_headings  # level, sections, every unit's line; the chart
    count = pages(path)[0]
    assert count >= 10
    images = poppler("pdfimages", "-list", str(path)).splitlines()[2:]
    image_pages = {int(line.split()[0]) for line in images if line.split()[2] == "image"}
    for title in chart_headings:
        [page] = [p for p in range(1, count + 1) if title in squeeze(page_text(path, p, layout=False))]
        assert page in image_pages, f"{title}: biểu đồ không cùng trang với tiêu đề"
    for page in range(1, count):
        lines = [squeeze(x) for x in page_text(path, page, layout=False).splitlines() if x.strip()]
        tail = lines[-1]
        stranded = [h for h in headings if len(tail) >= 4 and h.startswith(tail)]
        assert not stranded, f"trang {page} kết thúc bằng tiêu đề: {stranded[0]}"


def test_every_table_page_starts_with_its_header(long_report):
    items, _, path = long_report
    names = {r.unit.name for r in items[0].results}
    count = pages(path)[0]
    ranking_pages = field_pages = 0
    for page in range(1, count + 1):
        lines = page_text(path, page).splitlines()
        ranking_rows = [x for x in lines if re.match(r"\s*\d+\s+\S", x) and any(n in x for n in names)
                        and len(re.findall(r"\d+,\d{3}", x)) >= 3]
        field_rows = [x for x in lines if re.match(r"\s*Tổng điểm\s+86,5", x)]
        if ranking_rows:
            ranking_pages += 1
            assert "TÊN ĐƠN VỊ" in "\n".join(lines), f"trang {page}: bảng xếp hạng không lặp tiêu đề cột"
        if field_rows:
            field_pages += 1
            heads = sum(1 for x in lines if re.match(r"\s*Lĩnh vực\s", x))
            assert heads >= len(field_rows), f"trang {page}: bảng điểm lĩnh vực thiếu dòng tiêu đề"
    assert ranking_pages >= 2 and field_pages >= 5  # the ranking table does go over a page break
    keep_pngs(path, "bao_cao_45", (1, 2, count))


def test_no_number_is_broken(long_report):
    _, _, path = long_report
    text = "\n".join(page_text(path, p, layout=False) for p in range(1, pages(path)[0] + 1))
    assert not re.search(r"[-\u2011]\s*\n\s*\d", text)  # a minus never ends a line away from its number


def test_appendix_rows_are_compact_with_blank_cells(tmp_path):
    """Units not yet (fully) appraised leave blank cells: their rows are as tall as the others."""
    require_tools()
    e = evaluations(SEED_2024)[0]
    units = copy.deepcopy(e.table.units)
    for u in units[12:]:
        for f in u.fields:
            f.appraised = None
    [blanked] = evaluate([(UnitsTable(units, "so", year=2024, province="Bắc Kạn"), e.cset)])
    items = appendices([blanked])
    path = pdf.to_pdf(write_appendix_docx(items, tmp_path / "phu_luc_trong.docx"))
    assert pages(path)[0] == 1
    bbox = poppler("pdftotext", "-bbox", "-f", "1", "-l", "1", str(path), "-")
    words = [(float(x), float(y), w) for x, y, w in
             re.findall(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]+)<', bbox)]
    left = min(x for x, _, w in words if w == "1")
    rows = sorted(y for x, y, w in words if abs(x - left) < 12 and w.isdigit() and 1 <= int(w) <= 19)
    assert len(rows) == 19  # the STT of every row, in the first column
    gaps = [b - a for a, b in zip(rows, rows[1:]) if b - a > 2]
    assert gaps and max(gaps) < 1.5 * min(gaps), gaps  # no row two or three times taller than another
    keep_pngs(path, "phu_luc_o_trong", (1,))


def test_report_config_file_and_options(tmp_path):
    """The issuer's names from a YAML file, the command line over it; an unknown key is named."""
    from xltools.cli import main

    config = tmp_path / "the_thuc.yaml"
    config.write_text("agency: Sở Nội vụ\nnumber: 77\nplace: Bắc Kạn\nsigner: Trần Thị Bình\n"
                      "recipients: [Bộ Nội vụ (b/c), 'Lưu: VT']\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["publish", str(SEED_2024), "-o", str(out), "--report", "--report-config", str(config),
                 "--signer", "Nguyễn Văn An", "--report-date", "5/1/2025"]) == 1  # the seed has errors: DỰ THẢO
    doc = read_docx(out / f"{SEED_2024.stem}_bao_cao.docx")
    header, signature = doc.tables[0], doc.tables[-1]
    left, right = (c.text for c in header.rows[0].cells)
    assert left.split("\n") == ["UBND TỈNH BẮC KẠN", "SỞ NỘI VỤ", "", "Số: 77/BC-SNV"]
    assert right.split("\n") == [wording.NATION, wording.MOTTO, "", "Bắc Kạn, ngày 05 tháng 01 năm 2025"]
    names, signs = (c.text.split("\n") for c in signature.rows[0].cells)
    assert names == ["Nơi nhận:", "- Bộ Nội vụ (b/c);", "- Lưu: VT."]
    assert signs[0] == "GIÁM ĐỐC" and signs[-1] == "Nguyễn Văn An"
    config.write_text("signer_name: X\n", encoding="utf-8")
    assert main(["publish", str(SEED_2024), "-o", str(out), "--report", "--report-config", str(config)]) == 2
