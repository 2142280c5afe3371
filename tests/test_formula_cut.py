"""Formula texts cut before reading (limits.cut_formula_texts): every reader of a sheet part gives the same
answers on the cut part as on the part as written (the limits scan, its refusals, the formula and error
scan, the guard before calamine, calamine's values and its refusals), and the cut really happens on the
workbooks xltools makes (their summary sheets are mostly formula text)."""
from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook
from test_limits_scan import FRAGMENTS, ODD, TAILS, damaged, oracle, outcome, sheet, sheets_of_templates

from xltools import limits
from xltools.limits import MAX_CELL_TEXT, cut_formula_texts
from xltools.workbook import values

TEMPLATES = sorted((Path(__file__).resolve().parents[1] / "templates").glob("*.xlsx"))

FORMULAS = [
    '<row r="1"><c r="A1" s="2"><f>SUM(B1:C1)&amp;&quot;x&quot;</f><v>3</v></c><c r="B1"><f aca="false">B2</f></c></row>',
    '<row r="1"><c r="A1"><f>  A1</f><v></v></c><c r="B1"><f>   </f><v></v></c><c r="C1"><f></f></c></row>',
    '<row r="1"><c r="A1"><f>A1>B1</f><v>1</v></c><c r="B1"><f>A1&B1</f><v>1</v></c></row>',
    '<row r="1"><c r="A1"><f t="shared" ref="A1:A3" si="0">B1</f><v>2</v></c><c r="A2"><f t="shared" si="0"/></c></row>',
    '<row r="1"><c r="A1"/><f>B1</f><c r="B1"><v>1</v><f>B2</f></c><c r="C1" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>',
    f'<row r="1"><c r="A1"><f>{"A" * (MAX_CELL_TEXT - 20)}</f><v>{"9" * 30}</v></c></row>',  # long only with its value
    f'<row r="1"><c r="A1"><f>{"B" * (MAX_CELL_TEXT + 5)}</f><v>1</v></c></row>',
    '<row r="1"><c r="A1"><is><t>a<c r="B1"><f>C1</f><v>1</v></c></t></is></row>',  # a cell inside another
    '<row r="1"><x:c r="A1"><x:f>B1</x:f><x:v>1</x:v></x:c><c\tr="B1"><f>C1</f><v>1</v></c></row>',
    # calamine gathers the text of a <v> or an <is>, tags inside and all
    '<row r="1"><c r="A1" t="inlineStr"><is><t>a<c r="Z1"/><c r="B1"><f>C1</f><v>1</v></c></t></is></c></row>',
    '<row r="1"><c r="A1" t="str"><v><c r="B1"><f>C1</f></c>zz</v></c><c r="C1"><f>D1</f><v>2</v></c></row>',
    '<row r="1"><c r="A1" t="inlineStr"><is><r><t>x</t></r></is></c><c r="B1"><f>C1</f><v>1</v></c></row>',
    '<row r="1"><c r="A1" t="str"><x:v><c r="B1"><f>C1</f></c>zz</x:v></c></row>',
]
CUT_FRAGMENTS = [b"<f>A1</f>", b'<c r="D4"><f>SUM(A1)', b"</f>", b"<f>", b'<f aca="false">', b"&", b";", b"&amp;",
                 b'<c r="E5" t="e"><f>1/0</f><v>#N/A</v></c>', b"\xff", b'<mergeCell ref="A1:', b"<c ", b">"]


def answer(read, xml: bytes):
    try:
        return read(xml)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"


def same_on_the_cut(xml: bytes) -> bytes:
    """Asserts that every reader of the part answers the same on the cut part; gives the cut part."""
    cut = cut_formula_texts(xml)
    assert outcome(limits.scan_sheet, cut) == outcome(oracle, xml), xml[:300]
    assert answer(values.scan, cut) == answer(values.scan, xml), xml[:300]
    assert answer(lambda x: values.guard(x, "Trang"), cut) == answer(lambda x: values.guard(x, "Trang"), xml)
    return cut


@pytest.mark.parametrize("rows", ODD + FORMULAS)
@pytest.mark.parametrize("tail", TAILS)
def test_odd_sheets_read_the_same_cut(rows, tail):
    same_on_the_cut(sheet(rows, tail))


def test_the_cut_takes_what_it_may_and_leaves_the_rest():
    cut = cut_formula_texts(sheet(FORMULAS[0] + FORMULAS[1] + FORMULAS[3] + FORMULAS[4]))
    for kept in (b"<f>  A1</f>", b"<f>   </f>", b"<f></f>", b'si="0"/>', b"<v>1</v><f>B2</f>", b'<c r="A1"/><f>B1</f>'):
        assert kept in cut
    for taken in (b"SUM(B1:C1)", b'<f aca="false">B2</f>', b">B1</f><v>2", b"1/0"):
        assert taken not in cut
    assert b'<f aca="false">=</f>' in cut and b'si="0">=</f>' in cut
    assert cut_formula_texts(sheet(FORMULAS[2])) == sheet(FORMULAS[2])  # a lone "&": calamine must still refuse it
    assert cut_formula_texts(sheet(FORMULAS[6])) == sheet(FORMULAS[6])  # too long: the limit still refuses it
    for nested in FORMULAS[7:11] + FORMULAS[12:]:  # a cell inside a <v> or an <is>: the part is left whole
        assert cut_formula_texts(sheet(nested)) == sheet(nested), nested
    assert b"<f>=</f>" in cut_formula_texts(sheet(FORMULAS[11]))


def test_randomly_damaged_sheets_read_the_same_cut():
    rng = random.Random(20261130)
    bases = [sheet(rows, tail) for rows in ODD[:16] + FORMULAS[:5] for tail in TAILS] \
        + [x[:8000] for x in sheets_of_templates()]
    cut_some = 0
    for _ in range(3000):
        xml = damaged(rng, bases, FRAGMENTS + CUT_FRAGMENTS, 6, 0.6, 12)
        cut_some += same_on_the_cut(xml) != xml
    assert cut_some > 500


def test_the_formulas_are_found_where_the_pattern_finds_them():
    """limits._formula_texts (bytes.find) gives the ends of limits._FORMULA's matches, before any limit."""
    rng = random.Random(3)
    bases = [sheet(rows, tail) for rows in ODD + FORMULAS for tail in TAILS] + [x[:8000] for x in sheets_of_templates()]
    odd = [b"><f>", b"><f ", b'<c r="A1"><f t="shared" si="0">', b'<c r="B1"/><f>', b"<c ><f>", b'<c r="C1"><f/>',
           b'<c r="D1"><f a="/">', b'<c r="E1"><f a/>', b"<f >", b"<c  x><f\t>", b"<c\n><f>", b"><f><f>", b"<c a><f><f>"]
    found = 0
    for _ in range(3000):
        xml = damaged(rng, bases, CUT_FRAGMENTS + odd, 5, 0.7, 6)
        for limit in (len(xml), rng.randrange(len(xml) + 1)):
            expected = [m.end() for m in limits._FORMULA.finditer(xml, 0, limit)]
            assert list(limits._formula_texts(xml, limit)) == expected, (xml[:300], limit)
            found += len(expected)
    assert found > 5000


def test_the_guard_finds_the_same_cells_without_its_prefix_pattern_when_no_prefix_can_be():
    """values.guard leaves out the namespace prefix from its pattern when the part holds no ":c": the cells
    found are those the whole pattern finds, on damaged parts with and without prefixes."""
    rng = random.Random(5)
    bases = [sheet(rows, tail) for rows in ODD + FORMULAS for tail in TAILS] + [x[:8000] for x in sheets_of_templates()]
    odd = [b"<x:c ", b"<a.b-c:c\tr='B2'>", b"<_:c\nr = \"$C$3\">", b"<c  r='D4'/>", b"<c r=\"E5\"/ >", b"<cr=\"F6\">", b":", b"c"]
    compared = 0
    for _ in range(3000):
        xml = bytearray(rng.choice(bases))
        for _ in range(rng.randint(1, 4)):
            at = rng.randrange(len(xml) + 1)
            xml[at:at] = rng.choice(FRAGMENTS + odd)
        if b":c" not in xml:
            found = values._CONTENT_CELL.findall(bytes(xml))
            assert values._UNPREFIXED_CONTENT_CELL.findall(bytes(xml)) == found, bytes(xml)[:300]
            compared += bool(found)
    assert compared > 1000


def test_every_template_sheet_reads_the_same_cut_and_summaries_shrink():
    sheets = sheets_of_templates()
    assert sheets
    shrunk = [len(cut_formula_texts(xml)) / len(xml) for xml in sheets if len(same_on_the_cut(xml)) < len(xml)]
    assert len(shrunk) >= len(TEMPLATES) and min(shrunk) < 0.5


def calamine_values(data: bytes):
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        return {name: book.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in book.sheet_names}
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"


def with_formula_text(path: Path, target: Path, text: bytes) -> Path:
    """The workbook with the text of its first formula on its first sheet replaced."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w") as copy:
        part = next(iter(values.sheet_parts(source).values()))
        for info in source.infolist():
            data = source.read(info)
            if info.filename == part:
                start = data.index(b"<f>") + 3
                data = data[:start] + text + data[data.index(b"</f>", start):]
            copy.writestr(info, data)
    return target


def with_sheet(path: Path, target: Path, rows: str) -> Path:
    """The workbook with its first sheet's rows replaced."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w") as copy:
        part = next(iter(values.sheet_parts(source).values()))
        for info in source.infolist():
            copy.writestr(info, sheet(rows) if info.filename == part else source.read(info))
    return target


@pytest.mark.parametrize("rows", FORMULAS)
def test_calamine_reads_odd_sheets_cut_as_written(tmp_path, rows):
    path = with_sheet(TEMPLATES[0], tmp_path / "odd.xlsx", rows + '<row r="2"><c r="A2"><f>A1</f><v>1</v></c></row>')
    with zipfile.ZipFile(path) as archive:
        lean = {part: cut_formula_texts(archive.read(part)) for part in values.sheet_parts(archive).values()}
        package = values._lean_package(archive, lean)
    assert package is not None
    assert calamine_values(package) == calamine_values(path.read_bytes())


@pytest.mark.parametrize("text", [b"A1", b"A1&B1", b"A1\xff", b"&amp;&#7842;&#x1;", b"&;"])
def test_calamine_reads_the_lean_package_as_the_file(tmp_path, text):
    """Values, and calamine's refusals (a lone "&", bytes that are not UTF-8), as from the file itself."""
    for template in TEMPLATES[:3]:
        path = with_formula_text(template, tmp_path / template.name, text)
        with zipfile.ZipFile(path) as archive:
            lean = {part: cut_formula_texts(archive.read(part)) for part in values.sheet_parts(archive).values()}
            package = values._lean_package(archive, lean)
        assert package is not None  # the other formulas of the sheet are cut
        assert calamine_values(package) == calamine_values(path.read_bytes())


def test_the_reader_unpacks_what_the_limits_check_unpacked(tmp_path, monkeypatch):
    path = TEMPLATES[0]
    limits._cache.clear()
    limits.check_xlsx(path)
    assert limits.checked_sheet_parts(path)
    monkeypatch.setattr(limits, "cut_formula_texts", lambda xml: pytest.fail("unpacked and cut twice"))
    cells = values.read_cells(path)
    assert cells.values and cells.typed
