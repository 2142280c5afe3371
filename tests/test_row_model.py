"""One summary-row model: the official labels (xltools.wording) placed by the layout, read back by the row
readers (core/rows.py) and seen by the macros (excel/tables.Table) under the same names."""
from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from xltools import catalog, wording
from xltools.cli import main
from xltools.core import rows
from xltools.core.checks import RULE_CLASS_LABEL
from xltools.excel.tables import summary_columns, table_of
from xltools.workbook import layout as L


def layouts():
    for cset in catalog.shipped().values():
        options = dict.fromkeys([(False, False), (cset.level == "xa", False), (False, bool(cset.district_rule))])
        for district_col, rule_live in options:
            yield pytest.param(cset, L.SummaryLayout(cset, 4, district_col=district_col, rule_live=rule_live),
                               id=f"{cset.id}-{int(district_col)}{int(rule_live)}")


LAYOUTS = list(layouts())


@pytest.mark.parametrize("cset, lay", LAYOUTS)
def test_the_official_labels_sit_left_to_right_without_gaps(cset, lay):
    labels = wording.table_labels(cset, district=bool(lay.district), class_after_rule=bool(lay.class_after_rule))
    cols = lay.key_columns()
    placed = [cols[label.key] for label in labels]
    assert placed == sorted(placed) and placed[0] == 1
    gaps = set(range(1, placed[-1] + 1)) - set(placed)
    assert gaps == (set() if wording.shows_total(cset) else {lay.total})  # Tổng cộng = Thẩm định: kept, not printed


@pytest.mark.parametrize("cset, lay", LAYOUTS)
def test_the_row_readers_and_the_macros_see_the_same_columns(cset, lay):
    cols = lay.key_columns()
    key = {rows.NAME: "name", rows.DISTRICT: "district", rows.BONUS: "bonus", rows.PENALTY: "penalty",
           rows.RANK: "rank", rows.CLASS: "class", rows.CLASS_AFTER_RULE: "class_after_rule"}
    read = lay.unit_columns()
    for c in read:
        if c.role == rows.FIELD:
            assert cols[f"f{c.field + 1}.{c.kind}"] == c.col
        elif c.role == rows.TOTAL:
            assert cols["total" if c.kind == "total" else f"{c.kind}_total"] == c.col
        else:
            assert cols[key[c.role]] == c.col
    assert [c.col for c in read] == sorted(c.col for c in read)
    # the workbook's own reader: inputs only (names, typed scores, bonus/penalty), never a formula cell
    inputs = set(lay.input_cols())
    assert {c.col for c in lay.unit_columns(inputs_only=True)} <= inputs
    # the macros read the same layout where it is placed: its sheet and rows, every unit column
    t = table_of(lay)
    assert (t.layout, t.sheet, t.first_row, t.last_row, t.block) == \
        (lay, lay.sheet, lay.first_row, lay.last_row, f"A{lay.first_row}:{L.col_letter(lay.last_col)}{lay.last_row}")
    assert t.columns == read and len(t.layout.fields) == len(cset.fields)
    survey = {"survey": cols["survey_total"]} if "survey_total" in cols else {}
    assert lay.total_columns() == {"self": cols["self_total"], "appraised": cols["appraised_total"], **survey,
                                   "total": cols["total"]}


def test_a_range_handed_to_a_worksheet_function_starts_at_row_one():
    t = summary_columns(catalog.get("backan-2024-so"), 3)
    assert (t.sheet, t.first_row, t.last_row) == ("", 1, 3) and t.cell(2, 4) == "dòng 2, cột 4 của vùng"


def test_a_class_after_the_rule_typed_over_is_named_as_the_core_names_it(tmp_path, capsys, data_dir):
    """The workbook reader's typed-over-formula finding and the core's own findings name the class after the
    district rule with one label (core.checks.RULE_CLASS_LABEL); the column header stays the official one."""
    path = tmp_path / "huyen_xa.xlsx"
    assert main(["template", "--set", "backan-2023-huyen", "--set", "backan-2023-xa", "--units",
                 str(data_dir / "bao_cao_118_backan_2023_huyen_xa.txt"), "--with-appraised", "--allow-mismatch",
                 "-o", str(path)]) == 0
    capsys.readouterr()
    wb = load_workbook(path)
    ws = wb["Tổng hợp Huyện"]
    [col] = [c.column for row in ws.iter_rows(min_row=L.HEADER_ROWS[0], max_row=L.HEADER_ROWS[-1]) for c in row
             if c.value == wording.RULE_LABEL]
    ws.cell(L.FIRST_ROW, col).value = "Tốt"
    wb.save(path)
    assert main(["check", str(path), "--json"]) == 1
    findings = json.loads(capsys.readouterr().out)
    [typed_over] = [f for f in findings if f["code"] == "formula-overwritten"]
    assert typed_over["field"] == RULE_CLASS_LABEL and typed_over["where"] == f"Tổng hợp Huyện!{L.col_letter(col)}{L.FIRST_ROW}"
