"""Rendering in LibreOffice: the Word appendix converted to PDF fits the A4 landscape page (every column on
the page, inside the margins, every number whole on its row), and the header rows repeat on page 2 of a
long table. PNGs of page 1 are kept in tests/artifacts/ for people to look at.

Skipped without LibreOffice or poppler-utils, unless XLTOOLS_REQUIRE_LIBREOFFICE=1 (then it fails).
"""
import os
import re
import shutil
import subprocess

import pytest
from publish_expect import ARTIFACTS, SEED_2024, core_texts, evaluations, synthetic

from xltools.publish import pdf
from xltools.publish.appendix_docx import write_appendix_docx
from xltools.publish.model import appendices
from xltools.publish.report_docx import write_report_docx

PT_PER_MM = 72 / 25.4
POPPLER = ("pdftotext", "pdftoppm", "pdfinfo")


def require_tools():
    missing = [tool for tool in POPPLER if not shutil.which(tool)]
    if not pdf.available():
        missing.append("LibreOffice (soffice)")
    if missing:
        message = f"thiếu {', '.join(missing)} (apt-get install -y libreoffice-writer poppler-utils)"
        if os.environ.get("XLTOOLS_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail(message)
        pytest.skip(message)


def poppler(*args) -> str:
    return subprocess.run(list(args), check=True, capture_output=True, text=True).stdout


def page_text(path, page: int, layout: bool = True) -> str:
    return poppler("pdftotext", *(["-layout"] if layout else []), "-f", str(page), "-l", str(page), str(path), "-")


def pages(path) -> tuple[int, float, float]:
    info = poppler("pdfinfo", str(path))
    count = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    return count, width, height


def keep_png(path, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    poppler("pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(path), str(ARTIFACTS / name))
    assert (ARTIFACTS / f"{name}.png").stat().st_size > 1000


@pytest.fixture(scope="module")
def long_pdf(tmp_path_factory):
    require_tools()
    evs = synthetic(60)
    items = appendices(evs)
    docx = write_appendix_docx(items, tmp_path_factory.mktemp("render") / "phu_luc_60.docx")
    return items[0], pdf.to_pdf(docx)


def test_a4_landscape_and_page1_png(long_pdf):
    _, path = long_pdf
    count, width, height = pages(path)
    assert count >= 2 and (round(width), round(height)) == (842, 595)
    keep_png(path, "phu_luc_60_don_vi_trang_1")


def test_every_row_whole_and_in_rank_order(long_pdf):
    """Each unit's row is on one line with all its numbers, rank and class: no column cut or wrapped."""
    appendix, path = long_pdf
    e = appendix.evaluation
    count = pages(path)[0]
    rows = {}
    for page in range(1, count + 1):
        for line in page_text(path, page).splitlines():
            tokens = line.split()
            if tokens and tokens[0].isdigit() and len(tokens) > 20:
                rows.setdefault(int(tokens[0]), []).append((page, tokens))
    assert sorted(rows) == list(range(1, 61))
    for r in e.results:
        [(_, tokens)] = rows[r.stt]  # exactly one line per unit
        expected = " ".join(core_texts(r, e.cset)[2:])  # numbers, rank, class ("Trung bình" is two words)
        assert " ".join(tokens).endswith(" " + expected)
    assert {page for found in rows.values() for page, _ in found} == set(range(1, count + 1))


def test_header_on_page_1_and_repeated_on_page_2(long_pdf):
    appendix, path = long_pdf
    words = {w for c in appendix.columns if not c.extra for w in (c.label + " " + c.group).split()}
    for page in (1, 2):
        squeezed = re.sub(r"\s+", "", page_text(path, page, layout=False))  # a word may wrap or split
        missing = sorted(w for w in words if w not in squeezed)
        assert not missing, f"trang {page} thiếu tiêu đề cột: {missing}"
    assert "PHỤ LỤC I" not in page_text(path, 2)  # page 2 starts with the repeated header, not a title


def test_table_inside_the_margins(long_pdf):
    _, path = long_pdf
    _, width, _ = pages(path)
    bbox = poppler("pdftotext", "-bbox", "-f", "1", "-l", "2", str(path), "-")
    xs = [(float(a), float(b)) for a, b in re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"', bbox)]
    assert xs
    assert min(x for x, _ in xs) >= 30 * PT_PER_MM - 1  # left margin 30 mm
    assert max(x for _, x in xs) <= width - 15 * PT_PER_MM + 1  # right margin 15 mm


def test_seed_appendix_and_report_render(tmp_path):
    require_tools()
    items = appendices(evaluations(SEED_2024))
    appendix = pdf.to_pdf(write_appendix_docx(items, tmp_path / "phu_luc_2024.docx"))
    assert pages(appendix)[0] == 2  # Phụ lục I and II, one page each
    text = page_text(appendix, 1)
    assert "96,479" in text and "75,849" in text
    keep_png(appendix, "phu_luc_2024_trang_1")
    report = pdf.to_pdf(write_report_docx(items, tmp_path / "bao_cao_2024.docx"))
    assert "BÁO CÁO" in page_text(report, 1)
    keep_png(report, "bao_cao_2024_trang_1")
