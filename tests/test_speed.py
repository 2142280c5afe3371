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
