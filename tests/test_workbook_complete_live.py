"""In a real engine: a unit is ranked and classed only when it is complete, as the appraiser types.

The published 2024 Phụ lục I (19 departments) is typed into a blank template in LibreOffice, except for
one thing per test: a blank Thẩm định, "8,5" typed as text, a survey-sheet name typed with a trailing
space or one that matches nothing. The unit concerned has no rank and no class (its rank cell is not a
number), its Kiểm tra cell says what is wrong, and the other units keep the PUBLISHED ranks with that unit
taken out, computed here from the printed ranks (not from any formula). And every message of the live
Kiểm tra columns is one of the core's findings for the same file.

Skipped when LibreOffice is missing, unless XLTOOLS_REQUIRE_LIBREOFFICE=1 (then it fails).
"""
from __future__ import annotations

import os
import re

import pytest
from workbook_harness import as_label, as_rank, cell, read_rows, type_units

from xltools import catalog
from xltools.core.checks import LABELS
from xltools.core.evaluate import evaluate
from xltools.engine import libreoffice as lo
from xltools.importers.registry import read_tables
from xltools.workbook import layout as L
from xltools.workbook.builder import SectionInput, build_file
from xltools.workbook.formulas import INCOMPLETE
from xltools.workbook.reader import read_workbook_with_sets

REQUIRED = os.environ.get("XLTOOLS_REQUIRE_LIBREOFFICE") == "1"
pytestmark = pytest.mark.skipif(not lo.available() and not REQUIRED,
                                reason=f"LibreOffice không có sẵn: {lo.unavailable_reason()}")

SO = catalog.get("backan-2024-so")
FIELD = 1  # Cải cách thể chế


@pytest.fixture
def published(data_dir):
    table = read_tables(data_dir / "phu_luc_backan_2024_so_huyen.txt")[0]
    assert len(table.units) == 19 and [u.printed.rank for u in table.units] == list(range(1, 20))
    return table.units


def template(tmp_path, units):
    """A blank template with a row per unit, and its layout."""
    path = build_file([SectionInput(SO, None, blank_rows=len(units))], tmp_path / "so.xlsx")
    return path, L.workbook_layout([(SO, len(units) + L.DEFAULT_SPARE_ROWS)]).sections[0]


def rows_by_name(doc, section, n):
    return {r.name: r for r in read_rows(doc, section, n)}


def assert_others_keep_published_ranks(rows, units, out: str):
    """Without the unit `out`, each other unit's rank is its printed rank, one better when `out` was ranked
    above it (ties: 1, 2, 2, 4 stay consistent); its class is the printed class."""
    removed = next(u.printed.rank for u in units if u.name == out)
    for u in units:
        if u.name == out:
            continue
        want = u.printed.rank - (1 if removed < u.printed.rank else 0)
        assert (as_rank(rows[u.name].rank), as_label(rows[u.name].class_label)) == (want, u.printed.class_label), u.name


def typed_but_one_cell(calc, tmp_path, units, out: str, value):
    """Every unit typed (the survey sheet in reverse order), then `value` in the Thẩm định of FIELD of the
    unit `out` (None: left blank); recalculated, saved. The rows by name, the saved file, the cell."""
    path, section = template(tmp_path, units)
    lay = section.summary
    with calc.open(path) as doc:
        type_units(doc, section, units)
        row = lay.first_row + [u.name for u in units].index(out)
        where = f"{lay.sheet}!{cell(lay.fields[FIELD].appraised, row)}"
        doc.set_value(lay.sheet, cell(lay.fields[FIELD].appraised, row), value)
        doc.recalc()
        assert doc.errors() == []
        return rows_by_name(doc, section, len(units)), doc.save_as(tmp_path / "typed.xlsx"), where


def test_one_blank_appraised_score_unranks_only_that_unit(calc, tmp_path, published):
    out = "Sở Y tế"  # printed rank 8
    rows, _, _ = typed_but_one_cell(calc, tmp_path, published, out, None)
    unit = rows[out]
    assert unit.rank == INCOMPLETE and not isinstance(unit.rank, float) and unit.class_label == ""
    assert unit.check == f"{LABELS['appraised-missing']}: Cải cách thể chế."
    assert isinstance(unit.total, float)  # the running total is still shown
    assert_others_keep_published_ranks(rows, published, out)
    assert all(r.check == "" for name, r in rows.items() if name != out)


def test_text_8_5_is_one_message_and_unranks_the_unit(calc, tmp_path, published):
    out = "Sở Tư pháp"  # printed rank 2
    rows, saved, where = typed_but_one_cell(calc, tmp_path, published, out, "8,5")
    unit = rows[out]
    assert unit.rank == INCOMPLETE and unit.class_label == ""
    assert unit.check == f"{LABELS['score-not-number']}: Thể chế – Thẩm định ghi '8,5', hãy gõ lại bằng số."
    assert LABELS["score-out-of-range"] not in unit.check  # no second, false message for the same cell
    assert_others_keep_published_ranks(rows, published, out)
    # the core, on the saved file: one finding for the cell, the unit unranked, the same ranks
    (e,) = evaluate(read_workbook_with_sets(saved))
    about = [f for f in e.findings if f.unit == out and f.severity == "error"]
    assert [(f.code, f.where) for f in about] == [("score-not-number", where)]
    assert "gõ lại 8,5" in about[0].message
    assert {r.unit.name: r.rank for r in e.results} == {name: as_rank(r.rank) for name, r in rows.items()}


def test_a_trailing_space_on_the_survey_sheet_still_counts(calc, tmp_path, published):
    """'Sở Tư pháp ' and 'SỞ  NỘI VỤ' on the survey sheet are the summary's units: their survey scores
    count, every published rank holds. A name that matches nothing is flagged on both sheets, and its unit
    (which then has no survey score) is not ranked."""
    path, section = template(tmp_path, published)
    lay, sl = section.summary, section.survey
    n = len(published)
    survey_row = {u.name: sl.first_row + (n - 1 - i) for i, u in enumerate(published)}  # typed in reverse
    with calc.open(path) as doc:
        type_units(doc, section, published)
        doc.set_value(sl.sheet, cell(sl.name, survey_row["Sở Tư pháp"]), "Sở Tư pháp ")
        doc.set_value(sl.sheet, cell(sl.name, survey_row["Sở Nội vụ"]), "SỞ  NỘI VỤ")
        doc.recalc()
        rows = rows_by_name(doc, section, n)
        for u in published:
            assert (as_rank(rows[u.name].rank), rows[u.name].class_label) == (u.printed.rank, u.printed.class_label)
            assert rows[u.name].check == "", (u.name, rows[u.name].check)
        assert abs(rows["Sở Tư pháp"].total - 90.761) < 0.0006  # printed Tổng cộng, survey included
        # now a name that matches nothing
        doc.set_value(sl.sheet, cell(sl.name, survey_row["Sở Công Thương"]), "Sở Công Thuong")
        doc.recalc()
        assert doc.errors() == []
        rows = rows_by_name(doc, section, n)
        stray = doc.get(sl.sheet, cell(sl.check, survey_row["Sở Công Thương"]))
        note = doc.get(lay.sheet, cell(lay.check, L.TITLE_ROWS[-1]))
        saved = doc.save_as(tmp_path / "stray.xlsx")
    assert stray.startswith(f"{LABELS['name-unmatched']}: không có đơn vị này trên trang {lay.sheet}")
    assert note.startswith(f"{LABELS['name-unmatched']}: 1 tên trên trang {sl.sheet}")
    unit = rows["Sở Công Thương"]
    assert unit.rank == INCOMPLETE and unit.check.startswith(f"{LABELS['survey-missing']}: không thấy tên")
    assert_others_keep_published_ranks(rows, published, "Sở Công Thương")
    (e,) = evaluate(read_workbook_with_sets(saved))
    assert [(f.code, f.where) for f in e.findings if f.code == "name-unmatched"] == [
        ("name-unmatched", f"{sl.sheet}!{cell(sl.name, survey_row['Sở Công Thương'])}")]
    assert {r.unit.name: r.rank for r in e.results} == {name: as_rank(r.rank) for name, r in rows.items()}


# ------------------------------------------------------------------ the live Kiểm tra is a part of check

ITEM_LABELS = "|".join(re.escape(LABELS[c]) for c in ("score-not-number", "score-out-of-range", "appraised-missing",
                                                      "survey-missing", "district-unknown", "name-unmatched"))
SUMMARY_ITEM = re.compile(rf"(?=(?:{ITEM_LABELS}): |Xem cột Kiểm tra trang )")
CODE_OF = {LABELS[c]: c for c in LABELS}


def items(text: str) -> list[str]:
    return [x.strip() for x in SUMMARY_ITEM.split(text or "") if x.strip()]


def field_of(words: str) -> str:
    """The field a live message names, by its full name or its short label."""
    return next(f.name for f in SO.fields if words.startswith(f.label) or words.startswith(f.name))


def test_every_live_check_message_is_a_core_finding(calc, tmp_path, published):
    """Blank, text, above the maximum, negative, a survey cell holding text, a name only on the survey sheet:
    each message the Kiểm tra columns show (summary and ĐT XHH) is a finding of the core on the saved file,
    about the same unit, field and cell."""
    path, section = template(tmp_path, published)
    lay, sl = section.summary, section.survey
    n = len(published)
    row = {u.name: lay.first_row + i for i, u in enumerate(published)}
    srow = {u.name: sl.first_row + (n - 1 - i) for i, u in enumerate(published)}
    with calc.open(path) as doc:
        type_units(doc, section, published)
        doc.set_value(lay.sheet, cell(lay.fields[0].appraised, row["Sở Y tế"]), None)
        doc.set_value(lay.sheet, cell(lay.fields[4].appraised, row["Sở Y tế"]), None)
        doc.set_value(lay.sheet, cell(lay.fields[2].appraised, row["Sở Tư pháp"]), "19,5")
        doc.set_value(lay.sheet, cell(lay.fields[3].self_col, row["Sở Tư pháp"]), 7.0)   # above 5
        doc.set_value(lay.sheet, cell(lay.fields[5].appraised, row["Ban Dân tộc"]), -1.0)
        doc.set_value(sl.sheet, cell(sl.fields[2], srow["Sở Nội vụ"]), "hai")
        doc.set_value(sl.sheet, cell(sl.fields[6], srow["Sở Tài chính"]), None)
        doc.set_value(sl.sheet, cell(sl.name, srow["Sở Xây dựng"]), "Sở Xây dưng")  # matches nothing
        doc.recalc()
        assert doc.errors() == []
        shown = {r.name: r.check for r in read_rows(doc, section, n)}
        survey_checks = doc.get_range(sl.sheet, f"{cell(sl.name, sl.first_row)}:{cell(sl.check, sl.last_row)}")
        saved = doc.save_as(tmp_path / "mixed.xlsx")
    (e,) = evaluate(read_workbook_with_sets(saved))
    findings = e.findings
    checked = 0
    for name, text in shown.items():
        mine = [f for f in findings if f.unit == name]
        for item in items(text):
            checked += 1
            if item.startswith("Xem cột Kiểm tra trang "):
                sheet = item.removeprefix("Xem cột Kiểm tra trang ").rstrip(".")
                assert any(f.where.startswith(sheet + "!") and f.severity == "error" for f in mine), (name, item)
                continue
            label, rest = item.split(": ", 1)
            code = CODE_OF[label]
            if code in ("appraised-missing", "survey-missing") and not rest.startswith("không thấy"):
                named = [f.name for f in SO.fields if f.name in rest]
                leftover = rest
                for field in named:
                    assert any(f.code == code and f.field == field for f in mine), (name, item, field)
                    leftover = leftover.replace(field, "")
                assert named and set(leftover) <= set(", ."), (name, item)  # nothing but the fields named
            elif code == "survey-missing":
                assert any(f.code == code for f in mine), (name, item)
            else:
                field = field_of(rest)
                assert any(f.code == code and f.field == field for f in mine), (name, item)
    assert checked >= 7
    for survey_name, *_, check in survey_checks:
        for item in items(check):
            checked += 1
            label = item.split(": ", 1)[0]
            code = CODE_OF[label]
            if code == "name-unmatched":
                assert any(f.code == code and f.unit == survey_name for f in findings), item
            else:
                assert any(f.code == code and f.where.startswith(sl.sheet + "!") for f in findings), item
    # and what the core found in the cells is what the sheets show: no unit's Kiểm tra is empty where the
    # core has an error about one of its cells
    for f in findings:
        if f.severity == "error" and f.unit in shown:
            assert shown[f.unit], f
    assert sorted(name for name, text in shown.items() if text) == sorted(
        ["Sở Y tế", "Sở Tư pháp", "Ban Dân tộc", "Sở Nội vụ", "Sở Tài chính", "Sở Xây dựng"])
