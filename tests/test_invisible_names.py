"""A unit name that looks the same but is another text to Excel (typed in decomposed Unicode, as Unikey's
'Unicode tổ hợp' or a PDF paste gives; a non-breaking space from the web): the workbook's MATCH does not find
it, so the unit waits there as "chưa đủ điểm". The core must read the workbook as Excel does (never rank the
unit the workbook leaves out: the Phụ lục would differ from the council's workbook) and say what is wrong."""
from __future__ import annotations

import json
import os
import unicodedata

import openpyxl
import pytest
from workbook_harness import as_rank, cell, read_rows, typed_workbook

from xltools import catalog
from xltools.cli import main
from xltools.engine import libreoffice as lo
from xltools.workbook import layout as L

SET_ID = "bacgiang-2023-tinh"  # a set with a criteria detail sheet
REQUIRED = os.environ.get("XLTOOLS_REQUIRE_LIBREOFFICE") == "1"


def section() -> L.Section:
    return L.workbook_layout([(catalog.get(SET_ID), 6 + L.DEFAULT_SPARE_ROWS)]).sections[0]


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    return typed_workbook(tmp_path_factory.mktemp("ten") / "sach.xlsx", SET_ID, 6, seed=11)


def altered(clean, tmp_path, where: str, change) -> tuple:
    """A copy of the workbook with the first unit's name changed on the summary or in its detail block."""
    wb = openpyxl.load_workbook(clean)
    sec = section()
    lay, dl = sec.summary, sec.detail
    name = wb[lay.sheet].cell(lay.first_row, lay.name).value
    start = next(dl.block_start(k) for k in range(dl.n_units)
                 if wb[dl.sheet].cell(dl.block_start(k), dl.unit).value == name)
    sheet, row, col = (lay.sheet, lay.first_row, lay.name) if where == "summary" else (dl.sheet, start, dl.unit)
    wb[sheet].cell(row, col).value = change(name)
    path = tmp_path / f"{where}.xlsx"
    wb.save(path)
    return path, name


def run(args, capsys):
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


CHANGES = {"nfd": lambda name: unicodedata.normalize("NFD", name), "nbsp": lambda name: name.replace(" ", "\u00a0", 1)}


@pytest.mark.parametrize("where", ["summary", "detail"])
@pytest.mark.parametrize("change", sorted(CHANGES))
def test_a_name_excel_does_not_match_leaves_the_unit_unranked_and_is_named(clean, tmp_path, capsys, where, change):
    path, name = altered(clean, tmp_path, where, CHANGES[change])
    code, out, _ = run(["rank", path, "--json"], capsys)
    row, = [r for r in json.loads(out) if unicodedata.normalize("NFC", r["name"]).replace("\u00a0", " ") == name]
    assert row["rank"] is None and row["class"] is None
    code, out, _ = run(["check", path, "--json"], capsys)
    errors = [f for f in json.loads(out) if f["code"] == "name-unmatched"]
    # the odd detail name is one row no unit has; an odd summary name leaves its detail and survey rows unmatched
    assert code == 1 and len(errors) == (1 if where == "detail" else 2)
    assert all("trông giống hệt tên ở ô" in e["message"] and "Unicode tổ hợp" in e["message"] for e in errors)


def test_the_plain_workbook_ranks_every_complete_unit(clean, capsys):
    code, out, _ = run(["check", clean, "--json"], capsys)
    assert not [f for f in json.loads(out) if f["code"] == "name-unmatched"]


@pytest.mark.skipif(not lo.available() and not REQUIRED, reason="LibreOffice không có sẵn")
def test_the_workbook_itself_leaves_that_unit_out(calc, clean, tmp_path, capsys):
    """What the core says is what the workbook shows after a recalculation."""
    path, name = altered(clean, tmp_path, "detail", CHANGES["nfd"])
    sec = section()
    with calc.open(path) as doc:
        doc.recalc()
        shown = {r.name: as_rank(r.rank) for r in read_rows(doc, sec, 6)}
    code, out, _ = run(["rank", path, "--json"], capsys)
    core = {r["name"]: r["rank"] for r in json.loads(out)}
    assert shown[name] is None and core == shown


def test_a_unit_typed_under_another_units_name_makes_rank_say_so_and_exit_1(clean, tmp_path, capsys):
    # QA finding 5: the second unit's name typed as the first's on every sheet; rank printed the first unit twice,
    # exit 0, and the second unit's scores vanished without a word (only check said it)
    _, out, err = run(["rank", clean, "--json"], capsys)
    keys = [list(row) for row in json.loads(out)]
    assert "Trùng đơn vị" not in err
    wb = openpyxl.load_workbook(clean)
    lay = section().summary
    first, second = (wb[lay.sheet].cell(lay.first_row + i, lay.name).value for i in (0, 1))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.value == second:
                    c.value = first
    path = tmp_path / "trung.xlsx"
    wb.save(path)
    code, out, err = run(["rank", path, "--json"], capsys)
    assert code == 1 and [list(row) for row in json.loads(out)] == keys  # the --json shape is unchanged
    assert err.count("Lỗi: Trùng đơn vị") == 3, err  # the summary row, the ĐT XHH row, the detail block
    assert f"{lay.sheet}!{cell(lay.name, lay.first_row)}" in err and f"{lay.sheet}!{cell(lay.name, lay.first_row + 1)}" in err
    code, out, err = run(["rank", path], capsys)
    assert code == 1 and "Trùng đơn vị" in err and "chưa đúng" in err
