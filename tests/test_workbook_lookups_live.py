"""The lookups between sheets (summary -> detail block and survey row, survey -> "name matches no unit",
ranking -> summary row) give, in LibreOffice, what the plain formulas give (formulas.match_row, unmatched,
nth_position, fetch) whatever the names: in the same order on every sheet or not, duplicated, missing,
with blank rows between them, differing by case and spaces, holding wildcard characters (* ? ~), numbers
or errors. The plain formulas are written on an extra sheet of the same workbook and compared cell by cell.
"""
from __future__ import annotations

import pytest
from openpyxl.utils import column_index_from_string
from workbook_harness import cell, make_units

from xltools import catalog, wording
from xltools.workbook import formulas as F, layout as L
from xltools.workbook.builder import SectionInput, build, save

ORACLE = "Oracle"
N_UNITS = 8


def oracle_sheet(wb, section: L.Section) -> dict[str, tuple[str, int, int]]:
    """The plain formulas on a sheet of their own: oracle column -> (sheet, column, first row) it must equal."""
    s, sl, dl, rl = section.summary, section.survey, section.detail, section.ranking
    ws = wb.create_sheet(ORACLE)
    plain = {
        "A": ((s.sheet, s.detail_row, s.first_row),
              lambda i: F.match_row(L.ref(s.sheet, s.key, s.first_row + i), dl.index_range(dl.key))),
        "B": ((s.sheet, s.survey_row, s.first_row),
              lambda i: F.match_row(L.ref(s.sheet, s.key, s.first_row + i), sl.column_range(sl.key))),
        "C": ((sl.sheet, sl.unmatched, sl.first_row),
              lambda i: F.unmatched(L.ref(sl.sheet, sl.key, sl.first_row + i), s.column_range(s.key))),
        "D": ((rl.sheet, rl.position, rl.first_row),
              lambda i: F.nth_position(i + 1, rl.column_range(rl.key))),
    }
    for k, (key, col) in enumerate(rl.columns.items()):
        letter = L.col_letter(5 + k)
        source = s.column_range(getattr(s, key))
        plain[letter] = ((rl.sheet, col, rl.first_row), lambda i, source=source, key=key: (
            F.ranking_rank(L.ref(rl.sheet, rl.position, rl.first_row + i), source, wording.INCOMPLETE) if key == "rank"
            else F.fetch(L.ref(rl.sheet, rl.position, rl.first_row + i), source)))
    for letter, (_, formula) in plain.items():
        for i in range(s.n_rows):
            ws[f"{letter}{1 + i}"] = "=" + formula(i)
    return {letter: target for letter, (target, _) in plain.items()}


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    cset = catalog.get("bacgiang-2023-tinh")
    units = make_units(cset, N_UNITS, seed=3)  # typed scores, so that ranks differ and tie
    wb = build([SectionInput(cset, units)], with_appraised=True)
    section = L.workbook_layout([(cset, N_UNITS + L.DEFAULT_SPARE_ROWS)]).sections[0]
    targets = oracle_sheet(wb, section)
    return save(wb, tmp_path_factory.mktemp("lookups") / "t.xlsx"), section, targets


U = [f"Đơn vị {i}" for i in range(N_UNITS)]
NA, DIV0 = "=NA()", "=1/0"
# (summary names, survey names, detail block names), row by row; None: a blank row; "=…": a formula
CASES = {
    "same order": (U, U, U),
    "survey and detail reversed": (U, U[::-1], U[::-1]),
    "survey in order, detail reversed": (U, U, U[::-1]),
    "in order, then two rows swapped": (U, U[:4] + [U[5], U[4]] + U[6:], U),
    "duplicates everywhere": ([U[0], U[1], U[1], U[2], U[0]], [U[1], U[0], U[1], U[2], U[2]],
                              [U[0], U[0], U[1], U[2], U[1]]),
    "duplicates on the summary only": ([U[0], U[1], U[1], U[2], U[2]], U[:3], U[:3]),
    "missing and extra names": (U, U[:3] + ["Đơn vị khác"] + U[4:], U[:5] + [None] + U[6:]),
    "blank rows between units": ([U[0], None, U[1], None, U[2]], [U[0], U[1], None, U[2]], [None, U[0], U[1], U[2]]),
    "case and spaces": (U, [f"  {u.lower()} " for u in U], [u.upper().replace(" ", "  ") for u in U]),
    "wildcards and tildes": (["A*", "A~B", "AB", "?", "*", "A?C", "~", "ABC"],
                             ["A~B", "AB", "A*", "?", "~", "*", "ABC", "A?C"],
                             ["AB", "A~B", "A*", "*", "?", "A?C", "~", "ABC"]),
    "wildcards in order": (["A*", "AB", "A~B", "A?C", "ABC"], ["A*", "AB", "A~B", "A?C", "ABC"],
                           ["A*", "AB", "A~B", "A?C", "ABC"]),
    "numbers and texts of numbers": ([123, "123", U[0], 4.5], ["123", 123, U[0], "4.5"], [123, "123", U[0], 4.5]),
    "an error in a name": ([U[0], NA, U[1], U[2]], [U[0], DIV0, U[1], U[2]], [U[0], U[1], NA, U[2]]),
    "units after the spare rows start": (U + [U[0], "Thêm"], U + ["Thêm", U[0]], U + [U[0], "Thêm"]),
}


def put_name(doc, sheet: str, ref: str, name) -> None:
    if isinstance(name, str) and name.startswith("="):
        doc.set_formula(sheet, ref, name)
    else:
        doc.set_value(sheet, ref, name)


def put_names(doc, section: L.Section, case) -> None:
    s, sl, dl = section.summary, section.survey, section.detail
    on_summary, on_survey, on_detail = case
    for i in range(s.n_rows):
        put_name(doc, s.sheet, cell(s.name, s.first_row + i), on_summary[i] if i < len(on_summary) else None)
        put_name(doc, sl.sheet, cell(sl.name, sl.first_row + i), on_survey[i] if i < len(on_survey) else None)
    for k in range(dl.n_units):
        put_name(doc, dl.sheet, cell(dl.unit, dl.block_start(k)), on_detail[k] if k < len(on_detail) else None)


@pytest.mark.parametrize("case", list(CASES))
def test_lookups_equal_the_plain_formulas(calc, book, case):
    path, section, targets = book
    with calc.open(path) as doc:
        put_names(doc, section, CASES[case])
        doc.recalc()
        n = section.summary.n_rows
        oracle = doc.get_range(ORACLE, f"A1:{max(targets)}{n}")
        for letter, (sheet, col, first) in targets.items():
            want = [row[column_index_from_string(letter) - 1] for row in oracle]
            got = [row[0] for row in doc.get_range(sheet, f"{L.col_letter(col)}{first}:{L.col_letter(col)}{first + n - 1}")]
            assert got == want, (case, sheet, L.col_letter(col))
