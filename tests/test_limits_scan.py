"""The limits scan (xltools.limits.scan_sheet) is fast without changing a single answer: its results and its
refusals are held to the scan as first written (kept below as the oracle: one regular expression with a
lazy cell content, every cell handled by the same Python code), on every sheet of the shipped templates,
on hand-made oddities, and on thousands of sheets mutated at random."""
from __future__ import annotations

import random
import re
import zipfile
from pathlib import Path

import pytest

from xltools import limits
from xltools.core.checks import Finding
from xltools.limits import (
    MAX_CELL_TEXT,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_MERGED,
    MAX_ROWS,
    Extent,
    LimitError,
)

TEMPLATES = sorted((Path(__file__).resolve().parents[1] / "templates").glob("*.xlsx"))

# ---------------------------------------------------------------- the oracle: the scan as first written

_TOKEN = re.compile(rb"<(?:\w+:)?row\b([^>]*)>|<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)"
                    rb"|<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([^\"]*)\"", re.S)
_ATTR_R = re.compile(rb"\br=\"([^\"]*)\"")
_ATTR_T = re.compile(rb"\bt=\"([^\"]*)\"")
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
_TAGS = re.compile(rb"<[^>]*>")
_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


def oracle(xml: bytes, source: str, sheet: str) -> Extent:
    last_row = last_col = cells = 0
    row_number = col_number = 0
    merged: list[str] = []
    for m in _TOKEN.finditer(xml):
        row_attrs, cell_attrs, content, merge = m.groups()
        if row_attrs is not None:
            r = _ATTR_R.search(row_attrs)
            row_number = int(r[1]) if r and r[1].isdigit() else row_number + 1
            col_number = 0
            continue
        if merge is not None:
            merged.append(merge.decode("ascii", "replace"))
            cells += limits._area(merged[-1])
            if len(merged) > MAX_MERGED or cells > MAX_CELLS:
                raise limits.too_many_merged(source, sheet)
            continue
        cells += 1
        if cells > MAX_CELLS:
            raise limits.too_many_cells(source)
        if not content:
            col_number += 1
            continue
        r = _ATTR_R.search(cell_attrs)
        ref = _REF.match(r[1].decode("ascii", "replace")) if r else None
        row, col = (int(ref[2]), limits._column_number(ref[1])) if ref else (row_number, col_number + 1)
        col_number = col
        where = f"trang '{sheet}', ô {ref[1].upper()}{ref[2]}" if ref else f"trang '{sheet}', dòng {row}"
        if len(content) > MAX_CELL_TEXT and limits._text_length(content) > MAX_CELL_TEXT:
            raise limits._too_much_text(source, where, limits._text_length(content))
        t = _ATTR_T.search(cell_attrs)
        value = _VALUE.search(content)
        if (not t or t[1] == b"n") and value and value[1] and not limits._is_number(value[1].decode("ascii", "replace")):
            raise LimitError(f"{source}: {where} là ô số nhưng ghi '{value[1][:40].decode('utf-8', 'replace')}', không "
                             "phải là số (Excel không ghi như vậy; tệp đã bị sửa bằng công cụ khác). Hãy mở tệp, nhập "
                             "lại ô đó rồi lưu, hoặc xin lại tệp gốc.")
        if not _TAGS.sub(b"", content).strip():
            continue
        if row > MAX_ROWS:
            raise limits.beyond_rows(source, sheet, row)
        if col > MAX_COLUMNS:
            raise limits.beyond_columns(source, sheet, col)
        last_row, last_col = max(last_row, row), max(last_col, col)
    return Extent(last_row, last_col, tuple(merged))


def outcome(scan, xml: bytes):
    try:
        return scan(xml, "tep.xlsx", "Trang")
    except LimitError as exc:
        return f"LimitError: {exc}"


def same(xml: bytes):
    expected = outcome(oracle, xml)
    assert outcome(limits.scan_sheet, xml) == expected, xml[:300]
    return expected


# ---------------------------------------------------------------- the cases

def sheets_of_templates() -> list[bytes]:
    parts = []
    for path in TEMPLATES:
        with zipfile.ZipFile(path) as archive:
            parts += [archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
    return parts


def test_every_sheet_of_every_template_scans_as_before():
    assert TEMPLATES
    for xml in sheets_of_templates():
        assert isinstance(same(xml), Extent)


def sheet(rows: str, tail: str = "") -> bytes:
    return (f'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{rows}'
            f"</sheetData>{tail}</worksheet>").encode()


ODD = [
    '<row r="1"><c r="A1" s="1"/><c r="B1"><v>7</v></c></row>',
    '<row r="1"><c s="1" r="C3"><v>7</v></c><c t="n" r="$d$9"><v>1.5E+3</v></c></row>',  # r later, lowercase, $
    '<row r="4"><c><v>1</v></c><c><v>2</v></c></row><row><c><v>3</v></c></row>',  # no r: positions counted
    '<x:row r="2"><x:c r="B2"><x:v>5</x:v></x:c></x:row>',  # namespace prefixes
    '<row r="1"><c r="A1"><v></v></c><c r="B1"><v>  </v></c><c r="C1"></c><c r="D1" t="n"></c></row>',
    '<row r="1"><c r="A1"><f>SUM(B1:C1)</f><v></v></c><c r="E1"><f t="shared" si="0"/><v>3</v></c></row>',
    '<row r="1"><c r="A1" t="str"><f>"x"</f><v>x</v></c><c r="B1" t="e"><v>#DIV/0!</v></c></row>',
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="b"><v>1</v></c><c r="C1" t="inlineStr"><is><t> </t></is></c></row>',
    '<row r="1"><c r="A1"><v>NaN</v></c></row>',
    '<row r="1"><c r="A1" t="n"><v>inf.5</v></c></row>',
    '<row r="1"><c r="A1"><v>12abc</v></c></row>',
    '<row r="1"><c r="A1"><v>-0.5e-3</v></c><c r="B1"><v>+3</v></c><c r="C1"><v>.5</v></c><c r="D1"><v>1_000</v></c></row>',
    '<row r="1"><c r="A1"><v>1</v></row>',  # never closed
    '<row r="1"><c r="A1"><is><t>a<c r="Z9"><v>5</v></c></row>',  # a cell inside another
    '<row r="1"><c r="A1">&lt;<</c><c r="B1"><t>a>b</t></c><c r="C1">> </c><c r="D1"> <v></v></c></row>',
    '<row r="1"><c r="A1"><v>1</v></c></row>',
    f'<row r="{MAX_ROWS + 1}"><c r="A{MAX_ROWS + 1}"><v>1</v></c></row>',
    f'<row r="{MAX_ROWS + 1}"><c r="A{MAX_ROWS + 1}" s="2"/></row>',
    '<row r="1"><c r="ALN1"><v>1</v></c></row>',
    '<row r="1"><c r="A1"><is><t>' + "x" * (MAX_CELL_TEXT + 1) + "</t></is></c></row>",
    '<row r="1"><c r="A1"><is><t>' + "&amp;" * (MAX_CELL_TEXT // 2) + "</t></is></c></row>",  # entities count once
    '<row r="1"><c r="A1"><is><r><t>' + "</t></r><r><t>".join(["y" * 9000] * 4) + "</t></r></is></c></row>",
    '<row r="1"><c r="A1" t="inlineStr"><is><t>=1+1</t></is></c></row>',
    '<row r="1"><c  r="A1"><v>1</v></c><c\tr="B1"><v>2</v></c><c r="C1" /></row>',
]
TAILS = ["", '<mergeCells count="2"><mergeCell ref="A1:B2"/><mergeCell ref="C3:XFD1048576"/></mergeCells>',
         '<mergeCells><mergeCell ref=""/><mergeCell ref="bad"/></mergeCells><rowBreaks><brk id="3"/></rowBreaks>']


@pytest.mark.parametrize("rows", ODD)
@pytest.mark.parametrize("tail", TAILS)
def test_odd_sheets_scan_as_before(rows, tail):
    same(sheet(rows, tail))


def test_the_oddities_are_really_tested():
    """The cases above reach every answer: a used range, and each refusal."""
    answers = {str(outcome(oracle, sheet(rows))).split(" ")[0] for rows in ODD}
    messages = " ".join(str(outcome(oracle, sheet(rows))) for rows in ODD)
    assert {"Extent(rows=1,", "Extent(rows=2,", "Extent(rows=9,", "LimitError:"} <= answers, answers
    for refusal in ("không phải là số", "giới hạn 100.000 dòng", "cột thứ 1.002", "ký tự một ô"):
        assert refusal in messages
    assert "quá nhiều ô gộp" in str(outcome(oracle, sheet(ODD[0], TAILS[1])))


FRAGMENTS = [b"<", b">", b"/>", b"</c>", b"<c>", b'<c r="B2">', b'<c r="C3"/>', b"<row>", b'<row r="7">', b"<v>",
             b"</v>", b"<v>x</v>", b"<v>1e5</v>", b"<v>nan</v>", b"<f>A1</f>", b" ", b"\n", b'"', b"x:", b't="n"',
             b't="s"', b'<mergeCell ref="A1:C3"/>', b"<is><t>", b"</t></is>", b"&amp;"]


def damaged(rng: random.Random, bases: list[bytes], fragments: list[bytes], edits: int, inserts: float,
            cut: int) -> bytes:
    """One of `bases` with 1..`edits` random edits: a fragment inserted (share `inserts`), or 1..`cut` bytes cut."""
    xml = bytearray(rng.choice(bases))
    for _ in range(rng.randint(1, edits)):
        at = rng.randrange(len(xml) + 1)
        if rng.random() < inserts:
            xml[at:at] = rng.choice(fragments)
        else:
            del xml[at:at + rng.randint(1, cut)]
    return bytes(xml)


def test_randomly_damaged_sheets_scan_as_before():
    rng = random.Random(20261130)
    bases = [sheet(rows, tail) for rows in ODD[:16] for tail in TAILS] + [x[:6000] for x in sheets_of_templates()]
    for _ in range(3000):
        same(damaged(rng, bases, FRAGMENTS, 6, 0.6, 12))


def test_a_finding_as_a_dict_is_what_dataclasses_gave():
    from dataclasses import asdict

    from xltools.council.merge import CouncilFinding

    for finding in (Finding("error", "total-mismatch", "Sở A", "Tổng", "…", "Tổng hợp!F7", found="x"),
                    CouncilFinding("warning", "c", "u", "f", "m", member="Bà B", file="b.xlsx")):
        assert finding.as_dict() == asdict(finding)
        assert list(finding.as_dict()) == list(asdict(finding))


# ---------------------------------------------------------------- the bulk scan of the usual part

PLAIN_FRAGMENTS = [b'<c r="B2"><v>3</v></c>', b'<c r="C3"/>', b'<c r="C4" s="1"/><v>5</v></c>', b'<c r="Q9" s="4"></c>',
                   b'<c r="D4"><f>=</f><v></v></c>',
                   b'<c r="E5" t="inlineStr"><is><t>x</t></is></c>', b'<c r="F6"><v></v></c>', b'<c r="G7">',
                   b'<c r="ZZZ99"><v>1</v></c>', b'<c r="A1234567890"><v>1</v></c>', b"<c/>", b"<c>", b"<c\tr=\"A1\">",
                   b'<mergeCell ref="A1:B2"/>', b'<mergeCell ref="A1:>"/>', b"<mergeCell", b"<row", b'<row r="9">',
                   b"</row>", b"</c>", b"<", b"/", b">", b"x:", b"<x:c>", b"</x:c>", b"<cols>", b'<v>NaN</v>',
                   b"<v>12abc</v>", b" ", b"\n", b'"', b"<is><t>", b"</t></is>", b'<c r="H8" t="e"><v>#N/A</v></c>']


def bulk_and_loop_agree(xml: bytes) -> bool:
    """The bulk scan, when it answers, answers as the loop does; whether it answered."""
    bulk = limits._scan_plain(xml)
    if bulk is not None:
        assert bulk == limits._scan_tokens(xml, "tep.xlsx", "Trang"), xml[:300]
    return bulk is not None


def test_the_usual_part_is_scanned_in_bulk():
    """Every sheet the templates hold, their formula texts cut or not, is scanned in bulk (not the loop)."""
    for xml in sheets_of_templates():
        assert bulk_and_loop_agree(xml) and bulk_and_loop_agree(limits.cut_formula_texts(xml))


@pytest.mark.parametrize("rows", ODD)
@pytest.mark.parametrize("tail", TAILS)
def test_the_bulk_scan_answers_as_the_loop_on_odd_sheets(rows, tail):
    bulk_and_loop_agree(sheet(rows, tail))


def test_the_bulk_scan_answers_as_the_loop_on_damaged_sheets():
    rng = random.Random(11)
    bases = [limits.cut_formula_texts(x)[:8000] for x in sheets_of_templates()] + [sheet(rows) for rows in ODD[:16]]
    answered = 0
    for _ in range(4000):
        xml = damaged(rng, bases, PLAIN_FRAGMENTS, 4, 0.7, 8)
        answered += bulk_and_loop_agree(xml)
        assert outcome(limits.scan_sheet, xml) == outcome(oracle, xml)
    assert 400 < answered < 3600, answered  # both ways are taken: the bulk scan, and the loop when unsure
