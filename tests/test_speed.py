"""Speed without changing results: the ranking's shape (n log n, same ranks as the definition), what the
CLI imports before it knows the command, and the workbook reader's one fast pass. Times are measured by
benchmarks/run_all.py, not here: these tests hold the structure that makes them fast."""
from __future__ import annotations

import random
import subprocess
import sys
import time
from decimal import Decimal as D

from xltools.core.numbers import quantize
from xltools.core.scoring import rank_among, ranks
from xltools.excel.udfs import CCHC_XEPHANG

HEAVY = ("openpyxl", "matplotlib", "docx", "xlwings", "pandas", "numpy", "python_calamine")


def definition(totals):
    """The rank rule as the domain states it: 1 + how many totals are greater (quadratic, for comparison)."""
    present = [t for t in totals if t is not None]
    return [None if t is None else 1 + sum(1 for o in present if o > t) for t in totals]


def random_totals(rng: random.Random, n: int, decimals: int) -> list:
    """Totals with many ties once rounded, and blanks."""
    return [None if rng.random() < 0.1 else quantize(D(rng.randint(0, 100_000)) / 1000, decimals) for _ in range(n)]


def test_ranks_match_the_definition_with_ties_and_blanks():
    rng = random.Random(11)
    for n in (0, 1, 2, 7, 300):
        for decimals in (0, 1, 3):
            totals = random_totals(rng, n, decimals)
            assert ranks(totals) == definition(totals)
    # equal after rounding, written differently: one rank
    assert ranks([D("80"), D("80.000"), D("79.999"), None, D("80.0")]) == [1, 1, 4, None, 1]


def test_ranks_of_a_national_table_take_no_time():
    totals = random_totals(random.Random(3), 20_000, 2)
    began = time.perf_counter()
    result = ranks(totals)
    assert time.perf_counter() - began < 1  # the quadratic rule took minutes here
    present = sorted((t, r) for t, r in zip(totals, result) if t is not None)
    top = max(t for t, _ in present)
    assert all(r == 1 for t, r in present if t == top)
    assert [r for _, r in present] == sorted((r for _, r in present), reverse=True)


def test_rank_among_a_pool_ranks_a_total_outside_it():
    rank = rank_among([D(90), D(80), None, D(90)])
    assert [rank(D(95)), rank(D(90)), rank(D(85)), rank(D(80)), rank(D(10)), rank(None)] == [1, 1, 3, 3, 4, None]


def test_the_rank_function_of_a_large_column_is_computed_once():
    rng = random.Random(5)
    column = [[None if t is None else float(t)] for t in random_totals(rng, 3000, 3)]
    began = time.perf_counter()
    ranked = CCHC_XEPHANG(column, column, 3)
    assert time.perf_counter() - began < 2  # per-cell re-ranking took 10 s and more
    assert [row[0] for row in ranked] == definition([None if c[0] is None else D(str(c[0])) for c in column])


def loaded_after(code: str) -> list[str]:
    """The heavy libraries imported once `code` ran in a fresh interpreter."""
    probe = f"import sys\n{code}\nprint(' '.join(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return done.stdout.split()


def test_the_parser_of_every_command_imports_no_heavy_library():
    assert loaded_after("from xltools.cli import build_parser; build_parser()") == []


def test_sets_runs_without_heavy_libraries():
    assert loaded_after("from xltools.cli import main; import contextlib, io\n"
                        "with contextlib.redirect_stdout(io.StringIO()): main(['sets'])") == []


# ---------------------------------------------------------------- the workbook reader's one read

def test_a_workbook_is_read_without_openpyxl(tmp_path):
    """`rank` of an appraisal workbook reads values with calamine and scans the formulas: no openpyxl."""
    from xltools import catalog
    from xltools.workbook.builder import SectionInput, build_file

    cset = catalog.get("backan-2024-so")
    path = build_file([SectionInput(cset, None)], tmp_path / "t.xlsx")
    code = (f"from xltools.cli import main; import contextlib, io\n"
            f"with contextlib.redirect_stdout(io.StringIO()): main(['rank', {str(path)!r}, '--json'])")
    assert loaded_after(code) == ["python_calamine"]


SHEET = (b'<?xml version="1.0" encoding="UTF-8"?>'
         b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>'
         b'<x:row r="2"><x:c r="A2" t="s"><x:v>0</x:v></x:c><x:c r="B2"><x:f>1+1</x:f><x:v>2</x:v></x:c>'
         b'<x:c r="AA2"><x:f t="shared" ref="AA2:AA3" si="0">B2</x:f><x:v>2</x:v></x:c></x:row>'
         b'<x:row r="3"><x:c s="1" r="AA3"><x:f t="shared" si="0"/><x:v>2</x:v></x:c>'
         b'<x:c r="C3" t="e"><x:f>1/0</x:f><x:v>#DIV/0!</x:v></x:c><x:c r="D3" t="e"><x:v>#N/A</x:v></x:c>'
         b'<x:c r="E3"><x:v>5</x:v></x:c></x:row></x:sheetData>'
         b'<x:conditionalFormatting><x:cfRule><x:formula>A1</x:formula></x:cfRule></x:conditionalFormatting>'
         b'</x:worksheet>')


def test_the_scan_finds_formulas_and_error_values_whatever_the_writer():
    from xltools.workbook.values import scan

    formulas, errors = scan(SHEET)
    assert sorted(formulas) == [(2, 2), (2, 27), (3, 3), (3, 27)]  # shared formulas too; not the cfRule
    assert errors == {(3, 3): "#DIV/0!", (3, 4): "#N/A"}


def test_a_sheet_whose_cells_lack_their_address_is_read_another_way():
    import pytest

    from xltools.workbook.values import CannotScan, scan

    with pytest.raises(CannotScan):
        scan(b"<worksheet><sheetData><row><c><f>1+1</f><v>2</v></c></row></sheetData></worksheet>")


def test_the_values_are_those_openpyxl_reads(tmp_path):
    """Whole numbers as int, dates as datetime, blanks as None, error values as their text, formula cells
    marked in `typed` and blank in values when nothing computed them (a file openpyxl wrote)."""
    import datetime

    from openpyxl import Workbook, load_workbook

    from xltools.workbook.values import FORMULA, read_cells

    wb = Workbook()
    ws = wb.active
    ws.title = "Tổng hợp"
    cells = [7, 9.5, -3, 1e20, datetime.datetime(2024, 5, 9), datetime.time(9, 30), True, "x", "", "=A1*2", None,
             datetime.timedelta(hours=30)]
    for col, value in enumerate(cells, start=1):
        ws.cell(3, col, value)
    wb.create_sheet("Trống")
    path = tmp_path / "values.xlsx"
    wb.save(path)
    read = read_cells(path)
    expected = [list(r) for r in load_workbook(path, read_only=True, data_only=True)["Tổng hợp"].iter_rows(values_only=True)]
    got = read.values["Tổng hợp"]
    assert [[(v, type(v)) for v in row] for row in got[:3]] == [[(v, type(v)) for v in row] for row in expected[:3]]
    assert read.typed["Tổng hợp"][2][9] == FORMULA and got[2][9] is None
    assert read.values["Trống"] in ([], [[None]])
