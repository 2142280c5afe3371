"""`macro tinh-lai` costs about one load and one save, with the same results: the cached values come from
the one fast read (workbook/values.py) instead of a second openpyxl load, references move by one regular
expression (held here to openpyxl's Tokenizer, which did it before), and the Kiểm tra sheet is styled
with each style looked up once."""
from __future__ import annotations

import random
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from xltools.celltext import Formula
from xltools.cli import main
from xltools.excel import book as book_module, moves
from xltools.excel.book import OpenpyxlBook, plain
from xltools.excel.moves import _moved_by_tokens, moved_formula

TEMPLATES = sorted((Path(__file__).resolve().parents[1] / "templates").glob("*.xlsx"))
SO = "Tổng hợp Sở"


def template_formulas() -> tuple[list[tuple[str, str]], list[str]]:
    """(sheet, formula) of every distinct formula of the shipped templates, and their sheet names."""
    found, sheets = set(), set()
    for path in TEMPLATES:
        for ws in load_workbook(path).worksheets:
            sheets.add(ws.title)
            found |= {(ws.title, c.value) for row in ws.iter_rows() for c in row
                      if c.data_type == "f" and isinstance(c.value, str)}
    return sorted(found), sorted(sheets)


ODD = ["=SUM(A5,B5:C5,'Tổng hợp Sở'!D5)+\"A5\"+IF(A5>1,A5,Sheet2!A5)&A5:A9", "='O''Brien'!A5+'O''Brien'!B6",
       "=$A$5+A$5+$A5+A5:B5+A5:B6+A5:A$5", "=LOG10(A5)+ATAN2(A5,B5)+DAY360(A5)", "=A5 B5", "=A5%+B5^2",
       "={1,2;3,4}", "=A5&\"x\"\"A5\"\"\"&B5", "='a\"b'!A5&\"'\"&A5", "=_xlfn.RANK.EQ(A5,A$5:A$9)",
       "=A5:'Tổng hợp Sở'!B5", "=XFD5+XFE5+ABCD5", "=a5+Tổng!A5", "=Tổng hợp Sở!A5", "=1E+5+A5", "=1.5E-3*A5",
       "=2e+A5", "=#REF!+A5", "=SUM(#REF!A5)", "=SUM([1]Sheet1!A5)+[A5]", "=A5\n+B5", "=IF(A5<>\"\",A5,\"\")",
       "=SUM(A5", "=A5.B5+A5_1+A5!B5", "=Sheet2!A5:Sheet2!B5", "=A5\t+B5", "=-A5--B5", "='Tổng hợp Sở'!A5:B5",
       "=INDIRECT(\"A5\")+'Tổng hợp Sở'!$AB$7:$AB$211", "=A5:A5", "=A05", "=A5+'Sheet 2'!A5+Sheet2!B6",
       "=A5\u0663+B\u06636+A5", "=1'x'E+5+A5", "=A5&\"1E+5\"&B6", "=SUM(A5:B5)*1.5e-2"]


def test_references_move_as_the_tokenizer_moved_them():
    formulas, sheets = template_formulas()
    assert len(formulas) > 1000
    rng = random.Random(11)
    cases = [(home, text) for home, text in formulas] + [(home, text) for text in ODD for home in (SO, "Sheet2")]
    compared = 0
    for home, text in cases:
        if "\n" in text or "  " in text:
            continue  # the Tokenizer moves a line break before the operand and drops repeated spaces: see below
        for target, density in {(home, 0.9), (SO, 0.9), (rng.choice(sheets), 0.9), (SO, 0.02)}:
            rows = {r: rng.randint(1, 500) for r in range(1, 600) if rng.random() < density}  # sparse: skipped
            try:
                expected = _moved_by_tokens(Formula(text), home, target, rows)
            except Exception:  # noqa: BLE001 (the Tokenizer's own failures, on formulas Excel never writes)
                continue
            assert moved_formula(Formula(text), home, target, rows) == expected, (home, target, text)
            compared += 1
    assert compared > 3000


def test_a_formula_moves_alike_whether_its_shape_is_known_or_not():
    """moved_formula keeps where the references of each shape (the text without its digits) are; a formula of a
    known shape, with other numbers, moves exactly as the regular expression moves it."""
    formulas, sheets = template_formulas()
    rng = random.Random(7)
    texts = [text for _, text in formulas] + ODD
    renumbered = [re.sub(r"\d+", lambda m: str(rng.randint(1, 300)), t) for t in texts for _ in range(3)]
    compared = 0
    for text in texts + renumbered:
        for home, target in ((SO, SO), (SO, rng.choice(sheets)), ("Sheet2", SO)):
            rows = {r: rng.randint(1, 300) for r in range(1, 301) if rng.random() < 0.5}
            try:
                expected = moves._moved_by_operands(Formula(text), home, target, rows) if not (
                    home != target and not moves._names_a_moved_row(text, target, rows)) else text
            except Exception:  # noqa: BLE001 (the Tokenizer's own failures, on formulas Excel never writes)
                continue
            assert moved_formula(Formula(text), home, target, rows) == expected, (home, target, text)
            compared += 1
    assert compared > 10000 and len(moves._SHAPES) > 100


def test_a_moved_reference_is_really_rewritten():
    rows = {5: 9, 6: 5}
    assert moved_formula(Formula(ODD[0]), SO, SO, rows) == \
        "=SUM(A9,B9:C9,'Tổng hợp Sở'!D9)+\"A5\"+IF(A9>1,A9,Sheet2!A5)&A5:A9"
    assert moved_formula(Formula("=LOG10(A5)+A5 B6"), "x", "x", rows) == "=LOG10(A9)+A9 B5"
    assert moved_formula("=A5", SO, SO, rows) == "=A5"  # text, not a Formula: never rewritten
    assert moved_formula(Formula("=A5  +  B6"), SO, SO, rows) == "=A9  +  B5"  # spaces kept as typed
    assert moved_formula(Formula("=A5\n+B6"), SO, SO, rows) == "=A9\n+B5"  # the Tokenizer gave "=\nA9+B5"


def test_the_formulas_of_the_templates_are_moved_without_the_tokenizer(monkeypatch):
    def refused(*args):
        raise AssertionError("Tokenizer used")
    monkeypatch.setattr(moves, "Tokenizer", refused)
    formulas, _ = template_formulas()
    rows = {r: r + 1 for r in range(1, 600)}
    for home, text in formulas:
        if not re.search(r"[#\[]", text):
            moved_formula(Formula(text), home, home, rows)
            moved_formula(Formula(text), home, SO, rows)


# ---------------------------------------------------------------- cached values from the one fast read

CACHED = {"D7": ("", "<v>12.5</v>"), "E7": (' t="str"', "<v>Tốt</v>"), "F7": (' t="e"', "<v>#DIV/0!</v>"),
          "G7": (' t="b"', "<v>1</v>"), "H7": (' t="str"', "<v></v>"), "I7": ("", "<v>97</v>")}


def with_cached_values(path: Path) -> Path:
    """The template with formulas in a few cells and the values a spreadsheet program would have saved."""
    wb = load_workbook(path)
    for ref in CACHED:
        wb[SO][ref] = "=1+1"
    wb.save(path)
    sheet = "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(path) as source:
        items = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in items:
            if info.filename == sheet:
                text = data.decode()
                for ref, (kind, value) in CACHED.items():
                    text, n = re.subn(rf'<c r="{ref}"([^>]*?)><f>1\+1</f><v\s*/?>(?:</v>)?</c>',
                                      rf'<c r="{ref}"\1{kind}><f>1+1</f>{value}</c>', text)
                    assert n == 1, ref
                data = text.encode()
            target.writestr(info, data)
    return path


def test_cached_values_are_those_openpyxl_reads(tmp_path):
    path = tmp_path / "bang.xlsx"
    assert main(["template", "--set", "backan-2024-so", "--with-appraised", "-o", str(path)]) == 0
    with_cached_values(path)
    book = OpenpyxlBook(path)
    shown = load_workbook(path, data_only=True)
    for sheet in book.sheet_names():
        last_row, last_col = book.extent(sheet)
        ref = f"A1:{book_module.get_column_letter(last_col + 2)}{last_row + 2}"  # beyond the cells, too
        typed = book.read(sheet, ref)
        expected = [[plain(c.value) if isinstance(t, Formula) else t for t, c in zip(trow, crow)]
                    for trow, crow in zip(typed, book._cells(shown[sheet], ref))]
        assert book.values(sheet, ref) == expected, sheet
    assert book.values(SO, "D7:I7") == [[12.5, "Tốt", "#DIV/0!", True, None, 97.0]]


def test_tinh_lai_loads_the_workbook_once(tmp_path, monkeypatch):
    path = tmp_path / "bang.xlsx"
    assert main(["template", "--set", "backan-2024-so", "--with-appraised", "-o", str(path)]) == 0
    monkeypatch.setattr(book_module, "load_workbook", None)  # the second (data_only) load it made before
    assert main(["macro", "tinh-lai", str(path)]) == 0


# ---------------------------------------------------------------- the Kiểm tra sheet's styles

def test_every_finding_row_is_wrapped_and_every_cell_link_looks_like_one(tmp_path):
    path = tmp_path / "bang.xlsx"
    assert main(["template", "--set", "backan-2024-so", "--with-appraised", "-o", str(path)]) == 0
    wb = load_workbook(path)
    wb[SO]["D7"] = 12  # above the maximum: a finding with a cell
    wb.save(path)
    assert main(["macro", "tinh-lai", str(path)]) == 0
    ws = load_workbook(path)["Kiểm tra"]
    assert ws.max_row > 5
    links = 0
    for row in ws.iter_rows(min_row=3):
        assert all(c.alignment.vertical == "top" and c.alignment.wrap_text for c in row)
        where = row[6]
        if str(where.value).startswith("=HYPERLINK("):
            links += 1
            assert where.font.color.rgb == "000563C1" and where.font.underline == "single"
        else:
            assert where.font.color is None and not where.font.underline
    assert links > 0


@pytest.mark.parametrize("macro", ["tinh-lai"])
def test_a_second_run_finds_nothing_to_change(tmp_path, macro):
    path = tmp_path / "bang.xlsx"
    assert main(["template", "--set", "backan-2024-so", "--with-appraised", "-o", str(path)]) == 0
    assert main(["macro", macro, str(path)]) == 0
    before = path.read_bytes()
    assert main(["macro", macro, str(path)]) == 0
    assert path.read_bytes() == before


# ---------------------------------------------------------------- what a macro run imports

def test_a_macro_imports_neither_the_other_commands_nor_what_only_other_macros_need(tmp_path):
    """`xltools macro tinh-lai` registers only its own command (cli.build_parser(only)): the other commands'
    modules, the council and the survey importer are not loaded."""
    import subprocess
    import sys

    path = tmp_path / "bang.xlsx"
    assert main(["template", "--set", "backan-2024-so", "--with-appraised", "-o", str(path)]) == 0
    code = ("import sys, contextlib, io\nfrom xltools.cli import main\n"
            f"with contextlib.redirect_stdout(io.StringIO()): code = main(['macro', 'tinh-lai', {str(path)!r}])\n"
            "print(code, ' '.join(sorted(m for m in sys.modules if m.startswith('xltools.'))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    exit_code, modules = done.stdout.split(maxsplit=1)
    assert exit_code == "0"
    loaded = set(modules.split())
    assert "xltools.commands.macro" in loaded
    assert not {"xltools.commands.import_cmd", "xltools.commands.rank", "xltools.council.merge",
                "xltools.importers.survey", "xltools.importers.batch", "xltools.publish.draft"} & loaded
