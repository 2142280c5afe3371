"""The criteria-detail sheet's formulas (block Kiểm tra, field totals and blank leaves carried to the summary),
computed by a real engine (headless LibreOffice Calc) and compared with the core reading the saved file.

Values are typed cell by cell as an appraiser does: complete units, a half-filled unit ("chưa đủ điểm"),
a score above its criterion's maximum, a negative score, "0,5" typed as text, a unit typed into a spare row
(and a spare block of the detail sheet). Skipped when LibreOffice is missing, unless
XLTOOLS_REQUIRE_LIBREOFFICE=1 (then it fails).
"""
from __future__ import annotations

import os

import pytest
from workbook_harness import as_decimal, as_label, as_rank, cell, make_units, read_rows, type_units

from xltools import catalog
from xltools.core.checks import LABELS
from xltools.core.evaluate import evaluate
from xltools.engine import libreoffice as lo
from xltools.workbook import layout as L
from xltools.workbook.builder import SectionInput, build_file
from xltools.workbook.formulas import INCOMPLETE
from xltools.workbook.reader import read_workbook_with_sets

REQUIRED = os.environ.get("XLTOOLS_REQUIRE_LIBREOFFICE") == "1"
pytestmark = pytest.mark.skipif(not lo.available() and not REQUIRED,
                                reason=f"LibreOffice không có sẵn: {lo.unavailable_reason()}")

CSET = catalog.get("bacgiang-2023-tinh")
BLANK_ROWS = 5  # the template's numbered rows; L.DEFAULT_SPARE_ROWS more below them
NOT_NUMBER = f"{LABELS['score-not-number']}: có ô điểm nhập chữ thay cho số, hãy gõ lại bằng số."
OUT_OF_RANGE = f"{LABELS['score-out-of-range']}: có điểm ngoài khoảng 0 đến điểm tối đa."


def type_spare(doc, section: L.Section, row: int, block: int, unit) -> None:
    """A unit typed below the numbered rows: its name on a spare summary row, its ĐT XHH on a spare survey
    row, its criteria in a spare detail block."""
    lay, sl, dl = section.summary, section.survey, section.detail
    doc.set_value(lay.sheet, cell(lay.name, lay.first_row + row), unit.name)
    if sl:
        doc.set_value(sl.sheet, cell(sl.name, sl.first_row + row), unit.name)
        for k, col in sl.fields.items():
            if unit.fields[k].survey is not None:
                doc.set_value(sl.sheet, cell(col, sl.first_row + row), unit.fields[k].survey)
    start = dl.block_start(block)
    doc.set_value(dl.sheet, cell(dl.unit, start), unit.name)
    for code, score in unit.criteria.items():
        for col, value in ((dl.self_col, score.self_score), (dl.appraised, score.appraised)):
            if value is not None:
                doc.set_value(dl.sheet, cell(col, start + dl.offsets[code]), value)


def test_detail_checks_and_totals_agree_with_the_core(calc, tmp_path):
    path = build_file([SectionInput(CSET, None, blank_rows=BLANK_ROWS)], tmp_path / "detail.xlsx")
    section = L.workbook_layout([(CSET, BLANK_ROWS + L.DEFAULT_SPARE_ROWS)]).sections[0]
    dl = section.detail
    # 0 and 1 all maxima, 2 all zeros, 3 one leaf without Thẩm định, 4 nothing appraised, 5..7 random
    units = make_units(CSET, 8, seed=29)
    typed, spare = units[:5], units[5:]
    leaves = [c for c in CSET.leaves() if not c.survey]
    wide = max(leaves, key=lambda c: c.max)  # a leaf whose maximum is not the smallest: "above" is per criterion
    with calc.open(path) as doc:
        type_units(doc, section, typed)  # summary rows 0..4, detail blocks 4..0
        # units typed below the numbered rows, into spare rows and spare blocks (in another order)
        for i, unit in enumerate(spare):
            type_spare(doc, section, BLANK_ROWS + 1 + i, dl.n_units - 1 - i, unit)
        doc.recalc()
        assert doc.errors() == []
        assert [doc.get(dl.sheet, cell(dl.check, dl.block_start(k))) for k in range(dl.n_units)] == [""] * dl.n_units
        # now the mistakes, each in another unit's block
        block_of = {u.name: len(typed) - 1 - i for i, u in enumerate(typed)}
        block_of.update({u.name: dl.n_units - 1 - i for i, u in enumerate(spare)})

        def at(unit, leaf, col):
            return dl.sheet, cell(col, dl.block_start(block_of[unit.name]) + dl.offsets[leaf.code])

        over, below = at(units[5], wide, dl.appraised), at(units[6], leaves[-1], dl.self_col)
        doc.set_value(*over, float(wide.max) + 0.25)
        doc.set_value(*below, -0.5)
        doc.set_value(*at(units[2], leaves[1], dl.appraised), "0,5")
        doc.set_value(*at(units[0], wide, dl.appraised), float(wide.max))  # exactly the maximum: fine
        free = len(typed)  # a block no unit uses: a score typed there with no name counts for nobody
        assert free < dl.n_units - len(spare)
        doc.set_value(dl.sheet, cell(dl.appraised, dl.block_start(free) + dl.offsets[leaves[0].code]), 0.5)
        nameless = [("unit-missing-name", f"{dl.sheet}!{cell(dl.unit, dl.block_start(free))}")]
        doc.recalc()
        assert doc.errors() == []
        checks = {u.name: doc.get(dl.sheet, cell(dl.check, dl.block_start(block_of[u.name]))) for u in units}
        assert checks == {u.name: {units[5].name: OUT_OF_RANGE, units[6].name: OUT_OF_RANGE,
                                   units[2].name: NOT_NUMBER}.get(u.name, "") for u in units}
        rows = rows_by_name(doc, section)
        for i in (2, 5, 6):  # the summary points at the detail sheet and does not rank the unit
            assert rows[units[i].name].check == f"Xem cột Kiểm tra trang {dl.sheet}.", rows[units[i].name].check
            assert rows[units[i].name].rank == INCOMPLETE
        (e,) = evaluate(read_workbook_with_sets(doc.save_as(tmp_path / "mistakes.xlsx")))
        codes = {(f.unit, f.code) for f in e.findings if f.severity == "error"}
        assert {(units[5].name, "score-out-of-range"), (units[6].name, "score-out-of-range"),
                (units[2].name, "score-not-number")} <= codes
        # each wrong score once, at the cell typed into (not at its field's total row, nor at the summary's name)
        out_of_range = [(f.unit, f.where) for f in e.findings if f.code == "score-out-of-range"]
        assert out_of_range == [(units[5].name, "!".join(over)), (units[6].name, "!".join(below))]
        assert [(f.code, f.where) for f in e.findings if f.code == "unit-missing-name"] == nameless
        assert_totals_match_core(rows, e.results)
        core = {r.unit.name: r for r in e.results}  # the core, like the workbook, waits for the retyping
        assert core[units[5].name].rank is None and core[units[6].name].rank is None
        # retyped within range: those two units rank again, every figure is the core's
        doc.set_value(*over, float(wide.max))
        doc.set_value(*below, 0)
        doc.recalc()
        assert doc.errors() == []
        rows = rows_by_name(doc, section)
        saved = doc.save_as(tmp_path / "retyped.xlsx")
    assert set(rows) == {u.name for u in units}
    (e,) = evaluate(read_workbook_with_sets(saved))
    assert_totals_match_core(rows, e.results)
    # the blank blocks' sums, computed to 0 by Calc, are no scores: the one nameless block, nothing else
    assert [(f.code, f.where) for f in e.findings if f.code == "unit-missing-name"] == nameless
    for r in e.results:
        row = rows[r.unit.name]
        assert (as_rank(row.rank), as_label(row.class_label)) == (r.rank, r.class_label), r.unit.name
        if r.rank is None:
            assert row.rank == INCOMPLETE and row.check, r.unit.name
        else:
            assert row.check == "", (r.unit.name, row.check)
    assert {r.unit.name for r in e.results if r.rank is None} == {units[i].name for i in (2, 3, 4)}
    assert rows[units[3].name].check == f"{LABELS['appraised-missing']}: {CSET.fields[0].name}."
    # complete units are ranked among themselves: 0 and 1 (all maxima) share the first rank
    assert as_rank(rows[units[0].name].rank) == as_rank(rows[units[1].name].rank) == 1


def rows_by_name(doc, section: L.Section) -> dict:
    return {r.name: r for r in read_rows(doc, section, section.summary.n_rows) if r.name}


def assert_totals_match_core(rows: dict, results) -> None:
    assert {r.unit.name for r in results} == set(rows)
    d = CSET.decimals
    for r in results:
        row = rows[r.unit.name]
        got = (as_decimal(row.self_total, d), as_decimal(row.appraised_total, d), as_decimal(row.total, d))
        assert got == (r.self_total, r.appraised_total, r.total), r.unit.name


def test_detail_check_reads_only_what_is_typed(calc, tmp_path):
    """The Kiểm tra counts the typed cells (COUNTA − COUNT, MIN, MAX over the scored leaves): each odd entry
    flags its own block, a 0 or exactly-the-maximum entry nothing, the parent sums never. A formula typed in a
    score cell that gives "" is not a number either (LibreOffice counts TRUE as the number 1: not listed)."""
    path = build_file([SectionInput(CSET, None, blank_rows=BLANK_ROWS)], tmp_path / "odd.xlsx")
    dl = L.workbook_layout([(CSET, BLANK_ROWS + L.DEFAULT_SPARE_ROWS)]).sections[0].detail
    leaves = [c for c in CSET.leaves() if not c.survey]
    first, last = leaves[0], leaves[-1]
    entries = [("value", first, 0), ("value", last, float(last.max)), ("value", first, "  "),
               ("value", last, "abc"), ("formula", first, "=1/0"), ("formula", last, '=""'),
               ("value", first, float(first.max) + 0.01), ("value", last, -0.0001), ("formula", first, "=NA()")]
    expected = ["", "", NOT_NUMBER, NOT_NUMBER, NOT_NUMBER, NOT_NUMBER, OUT_OF_RANGE, OUT_OF_RANGE, NOT_NUMBER]
    with calc.open(path) as doc:
        for block, (kind, leaf, entry) in enumerate(entries):
            where = cell(dl.appraised if block % 2 else dl.self_col, dl.block_start(block) + dl.offsets[leaf.code])
            if kind == "value":
                doc.set_value(dl.sheet, where, entry)
            else:
                doc.set_formula(dl.sheet, where, entry)
        doc.recalc()
        got = [doc.get(dl.sheet, cell(dl.check, dl.block_start(k))) for k in range(len(entries))]
    assert got == expected


def test_a_field_scored_by_the_survey_alone_needs_no_thẩm_định(calc, tmp_path, data_dir):
    """'Tác động đến người dân và doanh nghiệp' (Gia Lai 2025): no criterion to appraise, all its points from the
    survey. A unit with every other score typed is complete and ranked, in LibreOffice as in the core (every unit
    waited forever for a Thẩm định nobody can type)."""
    from xltools import catalog

    cset = catalog.load_file(data_dir / "gialai_xa_2025_survey_field.yaml")
    assert cset.fields[-1].max == 0 and cset.fields[-1].survey_max > 0
    path = build_file([SectionInput(cset, None, blank_rows=4)], tmp_path / "khao_sat.xlsx")
    section = L.workbook_layout([(cset, 4 + L.DEFAULT_SPARE_ROWS)]).sections[0]
    units = make_units(cset, 4, seed=7)
    with calc.open(path) as doc:
        type_units(doc, section, units)
        doc.recalc()
        assert doc.errors() == []
        rows = rows_by_name(doc, section)
        saved = doc.save_as(tmp_path / "typed.xlsx")
    (e,) = evaluate(read_workbook_with_sets(saved))
    complete = {r.unit.name for r in e.results if r.rank is not None}
    assert complete == {units[i].name for i in (0, 1, 2)}  # 3: a leaf not appraised, 4: nothing appraised
    assert not [f for f in e.findings if f.code == "appraised-missing" and cset.fields[-1].name in f.message]
    for r in e.results:
        row = rows[r.unit.name]
        assert (as_rank(row.rank), as_label(row.class_label)) == (r.rank, r.class_label), (r.unit.name, row.check)


NA, EMPTY_TEXT, TRUE = ("formula", "=NA()"), ("formula", '=""'), ("formula", "=TRUE()")
SUMMED = [n for top in CSET.criteria for n in top.walk()  # the parents with a scored leaf below them
          if n.children and any(not c.children and not c.survey for c in n.walk())]


def test_parent_sums_kiểm_tra_and_blank_leaves_pin_their_edge_cases(calc, tmp_path):
    """What each block's formulas give when few or odd cells are typed, against what they mean: a parent is the
    sum of its leaves that hold a number, "" while none does, an error typed in a leaf shows once a number is
    there (LibreOffice's SUM); the unit's total likewise over the top criteria; the hidden index counts the
    blank (or "") Thẩm định of each top criterion's leaves; the Kiểm tra flags a text, "" or an error typed, and
    a number outside 0 to the maximum. The shortcuts (a parent whose first leaf holds a number is not counted,
    a block whose typed cells all hold numbers is not searched for texts nor blanks) must not show."""
    rows = 2 * BLANK_ROWS
    dl = L.workbook_layout([(CSET, rows + L.DEFAULT_SPARE_ROWS)]).sections[0].detail
    path = build_file([SectionInput(CSET, None, blank_rows=rows)], tmp_path / "edges.xlsx")
    leaves = [c for c in CSET.leaves() if not c.survey]
    first_parent = next(n for n in dl.nodes if n.children and all(not c.children for c in n.children))
    a, b = [c for c in first_parent.children if not c.survey][:2]  # 1.3.1 and 1.3.2: a parent's first two leaves
    lone = leaves[0]  # 1.1: a leaf whose sibling parent (1.3) stays blank
    full = {(c.code, col): float(c.max) for c in leaves for col in ("self", "appraised")}
    blocks = [
        {},  # a blank block
        {(leaves[-1].code, "self"): float(leaves[-1].max)},  # one leaf typed, the last one
        {(lone.code, "self"): 0.5, (lone.code, "appraised"): 0.25},  # 1.3 blank beside a typed sibling
        {(a.code, "self"): "abc", (b.code, "self"): 1.0},  # text in a parent's first leaf, a number after it
        {(a.code, "self"): NA, (a.code, "appraised"): NA, (b.code, "appraised"): 1.0},  # #N/A alone, then with a number
        {(a.code, "self"): NA, (lone.code, "self"): 1.0},  # #N/A under a blank parent, a number in its top
        full,  # every typed cell a number
        {**full, (b.code, "appraised"): EMPTY_TEXT},  # all but one: "" from a formula
        {**full, (b.code, "appraised"): None},  # all but one: blank
        {**full, (a.code, "self"): TRUE},  # TRUE typed (a number, 1, in LibreOffice)
        {**full, (a.code, "appraised"): -0.25, (b.code, "self"): float(b.max) + 1},  # out of range, both ways
    ]
    assert len(blocks) <= dl.n_units
    with calc.open(path) as doc:
        for k, typed in enumerate(blocks):
            start = dl.block_start(k)
            doc.set_value(dl.sheet, cell(dl.unit, start), f"Đơn vị {k}")
            for (code, which), entry in typed.items():
                where = cell(dl.self_col if which == "self" else dl.appraised, start + dl.offsets[code])
                if isinstance(entry, tuple):
                    doc.set_formula(dl.sheet, where, entry[1])
                elif entry is not None:
                    doc.set_value(dl.sheet, where, entry)
        doc.recalc()
        for k, typed in enumerate(blocks):
            start = dl.block_start(k)
            got = {(code, which): doc.get(dl.sheet, cell(col, start + offset))
                   for code, offset in [("", 0), *((p.code, dl.offsets[p.code]) for p in SUMMED)]
                   for which, col in (("self", dl.self_col), ("appraised", dl.appraised))}
            blank = {top.code: doc.get(dl.sheet, cell(dl.index[top.code].blank_leaves, dl.index_row(k)))
                     for top in CSET.criteria}
            check = doc.get(dl.sheet, cell(dl.check, start))
            assert (got, blank, check) == _meaning(typed), k


def _meaning(typed: dict) -> tuple[dict, dict, str]:
    """What a block's parent sums, blank-leaf counts and Kiểm tra mean for what is typed (see the test above)."""
    def value(entry):  # as a formula reads the cell: a number, "" (blank or text), or an error
        return {NA: "#N/A", EMPTY_TEXT: "", TRUE: 1.0}.get(entry, entry) if entry is not None else None

    def summed(values: list):
        numbers = [v for v in values if isinstance(v, float)]
        if not numbers:
            return ""
        return "#N/A" if "#N/A" in values else sum(numbers)
    sums = {(node.code, which): summed([value(typed.get((n.code, which))) for n in node.walk()
                                        if not n.children and not n.survey])
            for node in SUMMED for which in ("self", "appraised")}
    blank = {}
    for top in CSET.criteria:
        blank[top.code] = float(sum(typed.get((n.code, "appraised")) in (None, EMPTY_TEXT)
                                    for n in top.walk() if not n.children and not n.survey))
    for which in ("self", "appraised"):
        sums[("", which)] = summed([sums.get((top.code, which)) for top in CSET.criteria])
    cells = [(value(entry), float(CSET.criteria_by_code()[code].max)) for (code, _), entry in typed.items() if entry is not None]
    flags = []
    if any(not isinstance(v, float) for v, _ in cells):
        flags.append(NOT_NUMBER)
    if "#N/A" not in [v for v, _ in cells] and any(isinstance(v, float) and not 0 <= v <= top for v, top in cells):
        flags.append(OUT_OF_RANGE)
    return sums, blank, " ".join(flags)
