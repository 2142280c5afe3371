"""The council's workflow: split a template among members, fill the parts, merge them back.

The reference is the same scores typed into one workbook (the template built with the appraised
scores): the merged workbook must give the same ranks, classes and findings, and say who typed each
cell. Conflicts are injected one at a time and must each give exactly one finding.
"""
from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from xltools import catalog
from xltools.cli import main
from xltools.commands.template import sections_for
from xltools.core.evaluate import evaluate
from xltools.council.cells import APPRAISED, NOTE, Slot, read_file
from xltools.council.manifest import DATA_SHEET, MANIFEST_FILE, SHEET
from xltools.council.merge import MERGE_SHEET, PROVENANCE_SHEET, merge_files
from xltools.importers.registry import read_tables
from xltools.workbook import layout as L
from xltools.workbook.builder import build_file
from xltools.workbook.reader import read_workbook_with_sets

DATA = catalog.sample_path()  # phu_luc_backan_2024_so_huyen.txt
SET = "backan-2024-so"
ASSIGN = "Tư pháp=2; Tài chính=Cải cách tài chính công; Nội vụ=1,3-5,7"
MEMBERS = {"tu_phap.xlsx": ("Tư pháp", [2]), "tai_chinh.xlsx": ("Tài chính", [6]),
           "noi_vu.xlsx": ("Nội vụ", [1, 3, 4, 5, 7])}


def seed_units():
    """The sở table of the seed: names, Tự chấm, ĐT XHH and the appraised scores the council will type."""
    table = next(t for t in read_tables(DATA) if t.level == "so")
    return table.units


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """The template, its split and the one-workbook reference, made once; tests work on copies."""
    root = tmp_path_factory.mktemp("council")
    master = root / "master.xlsx"
    assert main(["template", "--set", SET, "--units", str(DATA), "-o", str(master)]) == 0
    assert main(["split", str(master), "--by", "field", "--assign", ASSIGN, "-o", str(root / "parts")]) == 0
    single = build_file(sections_for([catalog.get(SET)], str(DATA)), root / "single.xlsx", with_appraised=True)
    return master, root / "parts", single


@pytest.fixture
def master(made, tmp_path):
    return Path(shutil.copy(made[0], tmp_path / "master.xlsx"))


@pytest.fixture
def parts(made, tmp_path):
    return Path(shutil.copytree(made[1], tmp_path / "parts"))


@pytest.fixture
def single(made):
    return made[2]


def backups_of(path: Path) -> list[Path]:
    """The backups kept of a file (whatever their naming: NAME.bak.xlsx, NAME.bak-TIME.xlsx)."""
    return sorted(path.parent.glob(f"{path.stem}.bak*{path.suffix}"))


def appraised_of(units) -> dict[tuple[str, int], Decimal]:
    return {(u.name, k + 1): f.appraised for u in units for k, f in enumerate(u.fields) if f.appraised is not None}


def fill(part: Path, fields: list[int], values: dict, extra: dict | None = None) -> None:
    """Type the member's scores with openpyxl: `values` {(unit, field number): score}; `extra`
    {(sheet, cell): value} typed as well (for conflicts)."""
    cells = read_file(part).cells
    wb = load_workbook(part)
    for (unit, number), value in values.items():
        if number in fields:
            sheet, row, col = cells[Slot("so", unit, str(number), APPRAISED)]
            wb[sheet].cell(row=row, column=col).value = float(value)
    for (sheet, ref), value in (extra or {}).items():
        wb[sheet][ref].value = value
    wb.save(part)


def fill_all(folder: Path, values: dict, skip: tuple[str, ...] = ()) -> None:
    for file, (_, fields) in MEMBERS.items():
        if file not in skip:
            fill(folder / file, fields, values)


def outcome(path):
    """Ranks, classes, totals and findings the core computes from a workbook."""
    evaluations = evaluate(read_workbook_with_sets(path))
    results = [(r.unit.name, r.total, r.rank, r.class_label) for e in evaluations for r in e.results]
    findings = [(f.code, f.unit, f.field, f.message, f.where) for e in evaluations for f in e.findings]
    return results, findings


def provenance(path) -> dict[tuple[str, str], str]:
    """(unit, field name) -> who typed it, from the Nguồn điểm sheet."""
    ws = load_workbook(path)[PROVENANCE_SHEET]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    return {(r[2], r[3]): r[7] for r in rows if r[5] == "Thẩm định"}


def cell_of(path, unit: str, number: int):
    return read_file(path).values.get(Slot("so", unit, str(number), APPRAISED))


def merged_findings(out) -> list[tuple[str, str]]:
    ws = load_workbook(out)[MERGE_SHEET]
    return [(r[1], r[7]) for r in ws.iter_rows(min_row=3, values_only=True) if r[1]]


# ------------------------------------------------------------------ split

def test_split_opens_only_the_members_cells(master, parts):
    assert sorted(p.name for p in parts.iterdir()) == sorted([*MEMBERS, MANIFEST_FILE])
    book = read_file(master)
    cells, lay = book.cells, book.sections[0].section.summary
    for file, (member, fields) in MEMBERS.items():
        wb = load_workbook(parts / file)
        assert SHEET in wb.sheetnames and wb[DATA_SHEET].sheet_state == "veryHidden"
        ws = wb[lay.sheet]
        assert ws.protection.sheet
        legend = ws.cell(row=L.LEGEND_ROW, column=1).value
        assert f"phần của {member}" in legend and legend.startswith("Ô nền vàng:")
        for slot, (sheet, row, col) in cells.items():
            cell = wb[sheet].cell(row=row, column=col)
            mine = slot.kind == NOTE or int(slot.item) in fields
            assert cell.protection.locked is not mine, (file, slot)
        # everything else that was typed in the master (names, Tự chấm) is locked and grey
        name = ws.cell(row=lay.first_row, column=lay.name)
        assert name.protection.locked and name.fill.fgColor.rgb.endswith("D9D9D9")
        assert ws.cell(row=lay.first_row, column=lay.fields[0].self_col).protection.locked
    # same layout and formulas as the master
    m, p = load_workbook(master)[lay.sheet], load_workbook(parts / "noi_vu.xlsx")[lay.sheet]
    formulas = [(c.coordinate, c.value) for row in m.iter_rows() for c in row
                if isinstance(c.value, str) and c.value.startswith("=")]
    assert formulas and all(p[ref].value == value for ref, value in formulas)


def test_split_names_the_unassigned_fields_and_refuses_bad_assignments(master, tmp_path, capsys):
    assert main(["split", str(master), "--assign", "Tư pháp=2", "-o", str(tmp_path / "p")]) == 0
    out = capsys.readouterr().out
    assert "chưa giao cho ai" in out and "1. Công tác chỉ đạo" in out
    for bad in ("Tư pháp", "Tư pháp=9", "Tư pháp=Thể thao", ""):
        assert main(["split", str(master), "--assign", bad, "-o", str(tmp_path / "q")]) == 2
        assert "Lỗi:" in capsys.readouterr().err


def test_split_by_unit_reads_names_with_commas(master, tmp_path):
    folder = tmp_path / "units"
    assign = "Tổ 1=Văn phòng UBND tỉnh, Sở Văn hóa, Thể thao và Du lịch; Tổ 2=Sở Tư pháp"
    assert main(["split", str(master), "--by", "unit", "--assign", assign, "-o", str(folder)]) == 0
    cells = read_file(master).cells
    wb = load_workbook(folder / "to_1.xlsx")
    open_units = {slot.unit for slot, (s, r, c) in cells.items() if not wb[s].cell(row=r, column=c).protection.locked}
    assert open_units == {"Văn phòng UBND tỉnh", "Sở Văn hóa, Thể thao và Du lịch"}
    values = appraised_of(seed_units())
    for file, units in (("to_1.xlsx", open_units), ("to_2.xlsx", {"Sở Tư pháp"})):
        fill(folder / file, list(range(1, 8)), {k: v for k, v in values.items() if k[0] in units})
    out = tmp_path / "o.xlsx"
    assert main(["merge", str(master), str(folder), "-o", str(out)]) == 0
    who = provenance(out)
    assert len(who) == 21 and who[("Sở Tư pháp", "Cải cách thể chế")] == "Tổ 2"
    assert who[("Sở Văn hóa, Thể thao và Du lịch", "Cải cách tài chính công")] == "Tổ 1"


# ------------------------------------------------------------------ merge

def test_merge_gives_what_one_workbook_gives(master, single, parts, tmp_path):
    values = appraised_of(seed_units())
    fill_all(parts, values)
    out = tmp_path / "merged.xlsx"
    assert main(["merge", str(master), str(parts), "-o", str(out)]) == 0
    assert outcome(out) == outcome(single)
    assert outcome(out)[0][0][2] == 1  # ranked: the scores are there
    who = provenance(out)
    fields = catalog.get(SET).fields
    for (unit, number) in values:
        member = next(m for m, numbers in MEMBERS.values() if number in numbers)
        assert who[(unit, fields[number - 1].name)] == member
    assert len(who) == len(values)
    assert merged_findings(out) == []


def test_a_second_merge_changes_nothing(master, parts, tmp_path):
    fill_all(parts, appraised_of(seed_units()))
    out = tmp_path / "merged.xlsx"
    merge_files(master, [parts], out)
    first = out.read_bytes()
    merge_files(master, [parts], out)  # the same inputs: the same bytes, no backup made
    assert out.read_bytes() == first and not backups_of(out)
    plan, written = merge_files(out, [parts], out)  # the merged workbook as the master: nothing to do
    assert written is None and plan.writes == [] and out.read_bytes() == first
    again = tmp_path / "again.xlsx"
    merge_files(out, [parts], again)
    assert read_file(again).values == read_file(out).values
    assert load_workbook(again)[PROVENANCE_SHEET].values and outcome(again) == outcome(out)


def test_notes_of_a_field_split_are_joined_by_member(master, parts, tmp_path):
    cells = read_file(master).cells
    sheet, row, col = cells[Slot("so", "Sở Y tế", "", NOTE)]
    for file, text in (("tu_phap.xlsx", "Thiếu văn bản QPPL"), ("tai_chinh.xlsx", "Chưa tự chủ chi thường xuyên")):
        wb = load_workbook(parts / file)
        wb[sheet].cell(row=row, column=col).value = text
        wb.save(parts / file)
    out = tmp_path / "m.xlsx"
    main(["merge", str(master), str(parts), "-o", str(out)])
    note = "Tư pháp: Thiếu văn bản QPPL; Tài chính: Chưa tự chủ chi thường xuyên"
    assert read_file(out).values[Slot("so", "Sở Y tế", "", NOTE)] == note
    merge_files(out, [parts], out)
    assert read_file(out).values[Slot("so", "Sở Y tế", "", NOTE)] == note  # not added twice


# ------------------------------------------------------------------ conflicts, one at a time

UNIT = "Sở Y tế"


def conflict_run(master, folder, out, capsys, *parts):
    code = main(["merge", str(master), *map(str, parts or [folder]), "-o", str(out)])
    return code, capsys.readouterr().out


def test_double_entry(master, tmp_path, capsys):
    folder = tmp_path / "p"
    main(["split", str(master), "--assign", "A=2; B=2,3; C=1,4-7", "-o", str(folder)])
    fill(folder / "a.xlsx", [2], {(UNIT, 2): Decimal("8")})
    fill(folder / "b.xlsx", [2], {(UNIT, 2): Decimal("7.5")})
    code, text = conflict_run(master, folder, tmp_path / "o.xlsx", capsys)
    assert code == 1
    found = merged_findings(tmp_path / "o.xlsx")
    assert [c for c, _ in found] == ["double-entry"]
    assert "A ghi 8" in found[0][1] and "B ghi 7,5" in found[0][1] and UNIT in found[0][1]
    assert cell_of(tmp_path / "o.xlsx", UNIT, 2) is None  # the master keeps its value (empty)


def test_entry_outside_the_assignment(master, parts, tmp_path, capsys):
    cells = read_file(master).cells
    sheet, row, col = cells[Slot("so", UNIT, "6", APPRAISED)]
    wb = load_workbook(parts / "tu_phap.xlsx")
    wb[sheet].protection.sheet = False
    wb[sheet].cell(row=row, column=col).value = 3.5
    wb.save(parts / "tu_phap.xlsx")
    fill(parts / "tai_chinh.xlsx", [6], {(UNIT, 6): Decimal("10")})
    code, _ = conflict_run(master, parts, tmp_path / "o.xlsx", capsys)
    found = merged_findings(tmp_path / "o.xlsx")
    assert code == 1 and [c for c, _ in found] == ["outside-assignment"]
    assert "Tư pháp" in found[0][1] and "3,5" in found[0][1] and "Cải cách tài chính công" in found[0][1]
    assert cell_of(tmp_path / "o.xlsx", UNIT, 6) == 10  # the owner's value, not the intruder's


@pytest.mark.parametrize("other", [["--set", "backan-2024-huyen"], ["--set", SET, "--year", "2023"]],
                         ids=["another-set", "another-year"])
def test_part_of_another_template_or_year(master, parts, tmp_path, capsys, other):
    foreign = tmp_path / "foreign.xlsx"
    main(["template", *other, "--units", str(DATA), "-o", str(foreign)])
    main(["split", str(foreign), "--assign", "Tư pháp=2; X=1,3-7", "-o", str(tmp_path / "fp")])
    stray = tmp_path / "fp" / "tu_phap.xlsx"
    unit = read_file(foreign).sections[0].units[0]
    sheet, row, col = read_file(stray).cells[Slot(read_file(stray).sections[0].cset.level, unit, "2", APPRAISED)]
    wb = load_workbook(stray)
    wb[sheet].cell(row=row, column=col).value = 5
    wb.save(stray)
    fill_all(parts, {k: v for k, v in appraised_of(seed_units()).items() if k[0] != unit})
    code, _ = conflict_run(master, parts, tmp_path / "o.xlsx", capsys, *sorted(parts.glob("*.xlsx")), stray)
    found = merged_findings(tmp_path / "o.xlsx")
    assert code == 1 and [c for c, _ in found] == ["part-foreign"]
    assert "tu_phap.xlsx" in found[0][1] and ("2023" in found[0][1] or "backan-2024-huyen" in found[0][1])
    if unit in read_file(master).sections[0].units:
        assert cell_of(tmp_path / "o.xlsx", unit, 2) is None  # the master keeps its (empty) value
    assert cell_of(tmp_path / "o.xlsx", "Sở Y tế", 6) is not None  # the parts of this split are merged


def test_missing_part(master, parts, tmp_path, capsys):
    values = appraised_of(seed_units())
    fill_all(parts, values, skip=("tai_chinh.xlsx",))
    (parts / "tai_chinh.xlsx").unlink()
    code, text = conflict_run(master, parts, tmp_path / "o.xlsx", capsys)
    found = merged_findings(tmp_path / "o.xlsx")
    assert code == 1 and [c for c, _ in found] == ["part-missing"]
    assert main(["merge", str(master), str(parts), "-o", str(tmp_path / "o.xlsx"), "--json"]) == 1
    import json
    data = json.loads(capsys.readouterr().out)
    assert [(f["code"], f["member"], f["file"]) for f in data["findings"]] == [("part-missing", "Tài chính",
                                                                              "tai_chinh.xlsx")]
    assert "Tài chính" in found[0][1] and "tai_chinh.xlsx" in found[0][1]
    assert cell_of(tmp_path / "o.xlsx", UNIT, 6) is None and cell_of(tmp_path / "o.xlsx", UNIT, 2) == values[(UNIT, 2)]


def test_renamed_unit(master, parts, tmp_path, capsys):
    cells = read_file(master).cells
    sheet, row, _ = cells[Slot("so", UNIT, "", NOTE)]
    fill(parts / "tu_phap.xlsx", [2], {(UNIT, 2): Decimal("6"), ("Sở Tư pháp", 2): Decimal("8")})
    wb = load_workbook(parts / "tu_phap.xlsx")
    wb[sheet].protection.sheet = False
    wb[sheet].cell(row=row, column=2).value = "Sở Y tế tỉnh Bắc Kạn"
    wb.save(parts / "tu_phap.xlsx")
    code, _ = conflict_run(master, parts, tmp_path / "o.xlsx", capsys)
    found = merged_findings(tmp_path / "o.xlsx")
    assert code == 1 and [c for c, _ in found] == ["unit-renamed"]
    assert "'Sở Y tế'" in found[0][1] and "Sở Y tế tỉnh Bắc Kạn" in found[0][1]
    out = read_file(tmp_path / "o.xlsx")
    assert out.values.get(Slot("so", UNIT, "2", APPRAISED)) is None  # not taken from the renamed row
    assert out.values[Slot("so", "Sở Tư pháp", "2", APPRAISED)] == 8  # the rest of the part is


def test_added_unit(master, parts, tmp_path, capsys):
    lay = read_file(master).sections[0].section.summary
    row = lay.first_row + len(seed_units())  # the first spare row
    wb = load_workbook(parts / "tu_phap.xlsx")
    ws = wb[lay.sheet]
    ws.protection.sheet = False
    ws.cell(row=row, column=lay.name).value = "Sở Ngoại vụ"
    ws.cell(row=row, column=lay.fields[1].appraised).value = 7
    wb.save(parts / "tu_phap.xlsx")
    code, _ = conflict_run(master, parts, tmp_path / "o.xlsx", capsys)
    found = merged_findings(tmp_path / "o.xlsx")
    assert code == 1 and [c for c, _ in found] == ["unit-added"] and "Sở Ngoại vụ" in found[0][1]
    assert "Sở Ngoại vụ" not in read_file(tmp_path / "o.xlsx").sections[0].units


def test_master_changed_after_the_split(master, parts, tmp_path, capsys):
    cells = read_file(master).cells
    sheet, row, col = cells[Slot("so", UNIT, "2", APPRAISED)]
    wb = load_workbook(master)
    wb[sheet].cell(row=row, column=col).value = 7
    wb.save(master)
    fill(parts / "tu_phap.xlsx", [2], {(UNIT, 2): Decimal("6")})
    code, _ = conflict_run(master, parts, tmp_path / "o.xlsx", capsys)
    found = merged_findings(tmp_path / "o.xlsx")
    assert code == 1 and [c for c, _ in found] == ["master-changed"]
    assert cell_of(tmp_path / "o.xlsx", UNIT, 2) == 7


# ------------------------------------------------------------------ bad parts: refused, nothing written

def _formula_typed_over(part: Path, sheet: str) -> None:
    section = read_file(part).sections[0].section
    lay = section.summary if sheet == "summary" else section.survey
    wb = load_workbook(part)
    ws = wb[lay.sheet]
    ws.protection.sheet = False
    assert ws.cell(row=lay.first_row, column=lay.total).value.startswith("=")
    ws.cell(row=lay.first_row, column=lay.total).value = 99
    wb.save(part)


@pytest.mark.parametrize("damage", ["damaged", "not-a-part", "formula-typed-over", "survey-formula-typed-over",
                                    "text-in-a-score"])
def test_bad_parts_are_refused(master, parts, tmp_path, capsys, damage):
    part = parts / "tu_phap.xlsx"
    if damage == "damaged":
        part.write_bytes(part.read_bytes()[:2000])
    elif damage == "not-a-part":
        shutil.copy(master, part)
    elif damage == "text-in-a-score":  # '7,5' typed where Excel expects 7.5: text, not the score meant
        _set(part, "Sở Y tế", 2, "7,5")
    else:
        _formula_typed_over(part, "survey" if damage.startswith("survey") else "summary")
    before = master.read_bytes()
    out = tmp_path / "o.xlsx"
    assert main(["merge", str(master), str(parts), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "tu_phap.xlsx" in err and "Chưa hợp nhất gì" in err
    assert not out.exists() and master.read_bytes() == before
    assert main(["merge", str(master), str(parts), "-o", str(master)]) == 2
    assert master.read_bytes() == before and not backups_of(master)


# ------------------------------------------------------------------ one part typed in LibreOffice

def test_a_part_typed_in_libreoffice(calc, master, single, parts, tmp_path):
    values = appraised_of(seed_units())
    fill_all(parts, values, skip=("noi_vu.xlsx",))
    part = parts / "noi_vu.xlsx"
    book = read_file(part)
    cells, lay = book.cells, book.sections[0].section.summary
    with calc.open(part) as doc:
        assert doc.is_protected(lay.sheet)
        for (unit, number), value in values.items():
            _, row, col = cells[Slot("so", unit, str(number), APPRAISED)]
            ref = f"{L.col_letter(col)}{row}"
            assert doc.cell_locked(lay.sheet, ref) is (number not in MEMBERS["noi_vu.xlsx"][1])
            if number in MEMBERS["noi_vu.xlsx"][1]:
                doc.set_value(lay.sheet, ref, float(value))
        doc.recalc()
        shown = _computed(doc, lay)
        doc.save_as(part)
    # the part computes live: its totals (Nội vụ's fields only, so far) are the core's
    (e,) = evaluate(read_workbook_with_sets(part))
    assert {r.unit.name: Decimal(str(shown[r.unit.name][0])).quantize(r.total) for r in e.results} == \
        {r.unit.name: r.total for r in e.results}
    out = tmp_path / "merged.xlsx"
    assert main(["merge", str(master), str(parts), "-o", str(out)]) == 0
    assert outcome(out) == outcome(single)
    with calc.open(out) as doc:  # and the merged workbook's own formulas rank and class as the core does
        doc.recalc()
        shown = _computed(doc, lay)
    assert {name: (rank, klass) for name, (_, rank, klass) in shown.items() if name} == \
        {name: (float(rank), klass) for name, _, rank, klass in outcome(out)[0]}
    who = provenance(out)
    assert who[("Văn phòng UBND tỉnh", "Cải cách thủ tục hành chính")] == "Nội vụ"
    assert who[("Văn phòng UBND tỉnh", "Cải cách thể chế")] == "Tư pháp"


def _computed(doc, lay) -> dict:
    """Unit name -> (total, rank, class) as LibreOffice computed them on the summary sheet."""
    def at(col, row):
        return doc.get(lay.sheet, f"{L.col_letter(col)}{row}")
    return {at(lay.name, row): (at(lay.total, row), at(lay.rank, row), at(lay.class_, row)) for row in lay.rows}

# ------------------------------------------------------------------ diff

def _set(path: Path, unit: str, number: int, value) -> None:
    sheet, row, col = read_file(path).cells[Slot("so", unit, str(number), APPRAISED)]
    wb = load_workbook(path)
    wb[sheet].cell(row=row, column=col).value = value
    wb.save(path)


@pytest.fixture
def versions(master, parts, tmp_path):
    """v1: the council's merged workbook; v2: after a re-examination, Nội vụ's part merged again (Sở Y tế,
    field 3: 19 -> 19,5) and one score typed by hand in the master (Sở Xây dựng, field 7: 15,12 -> 14,12)."""
    fill_all(parts, appraised_of(seed_units()))
    v1 = tmp_path / "v1.xlsx"
    merge_files(master, [parts], v1)
    again = tmp_path / "again"
    main(["split", str(v1), "--assign", ASSIGN, "-o", str(again)])
    _set(again / "noi_vu.xlsx", "Sở Y tế", 3, 19.5)
    v2 = tmp_path / "v2.xlsx"
    plan, _ = merge_files(v1, [again / "noi_vu.xlsx"], v2)
    # a score that was there at split time and is replaced is listed (not a conflict); the others are missing
    where = read_file(v1).where(Slot("so", "Sở Y tế", "3", APPRAISED))
    assert [r[:5] for r in plan.replaced] == [[where, "Sở Y tế", "Cải cách thủ tục hành chính, Thẩm định",
                                               "19", "19,5"]]
    assert [f.code for f in plan.findings] == ["part-missing", "part-missing"]
    assert merge_files(v2, [again / "noi_vu.xlsx"], v2)[1] is None  # listed again, nothing changes
    _set(v2, "Sở Xây dựng", 7, 14.12)
    return v1, v2


def test_diff_names_every_changed_cell_and_every_movement(versions, tmp_path, capsys):
    v1, v2 = versions
    assert main(["diff", str(v1), str(v2), "--json"]) == 0
    import json
    data = json.loads(capsys.readouterr().out)
    changes = {(c["unit"], c["field"], c["old"], c["new"], c["who"]) for c in data["changes"]}
    assert changes == {("Sở Y tế", "Cải cách thủ tục hành chính", 19.0, 19.5, "Nội vụ"),
                       ("Sở Xây dựng", "Xây dựng và phát triển chính quyền điện tử, chính quyền số", 15.12, 14.12, "")}
    moves = {m["unit"]: (m["old_total"], m["new_total"], m["old_rank"], m["new_rank"], m["old_class"], m["new_class"])
             for m in data["movements"]}
    assert moves == {"Sở Y tế": (88.265, 88.765, 8, 7, "Tốt", "Tốt"),
                     "Thanh tra tỉnh": (88.609, 88.609, 7, 8, "Tốt", "Tốt"),
                     "Sở Xây dựng": (80.657, 79.657, 17, 17, "Tốt", "Khá")}  # the core sums the fields (the seed prints 80,681)
    where = {c["where"] for c in data["changes"]}
    for report in ("r.docx", "r.xlsx"):
        assert main(["diff", str(v1), str(v2), "-o", str(tmp_path / report)]) == 0
        text = _document_text(tmp_path / report)
        for needle in [*where, "Sở Y tế", "Thanh tra tỉnh", "Sở Xây dựng", "8 → 7", "7 → 8", "Tốt → Khá",
                       "88,265 → 88,765", "19,5", "Nội vụ"]:
            assert needle in text, (report, needle)


def _document_text(path: Path) -> str:
    if path.suffix == ".docx":
        from docx import Document
        doc = Document(str(path))
        return "\n".join([p.text for p in doc.paragraphs]
                         + [" | ".join(c.text for c in row.cells) for t in doc.tables for row in t.rows])
    wb = load_workbook(path)
    return "\n".join(" | ".join(str(v) for v in row if v is not None) for ws in wb for row in ws.iter_rows(values_only=True))


def test_diff_of_two_different_sets_is_refused(master, tmp_path, capsys):
    other = tmp_path / "huyen.xlsx"
    main(["template", "--set", "backan-2024-huyen", "-o", str(other)])
    assert main(["diff", str(master), str(other)]) == 2
    assert "không có bảng cùng cấp" in capsys.readouterr().err


# ------------------------------------------------------------------ the same code as workbook macros

def test_macros_split_merge_and_compare_like_the_commands(master, single, tmp_path, capsys):
    wb = load_workbook(master)  # the office types the assignment on a "Phân công" sheet of the workbook
    ws = wb.create_sheet(SHEET)
    for row in (["Thành viên", "Được giao"], ["Tư pháp", 2], ["Tài chính", "Cải cách tài chính công"],
                ["Nội vụ", "1,3-5,7"]):
        ws.append(row)
    wb.save(master)
    assert main(["macro", "chia-phan", str(master)]) == 0
    folder = master.parent / "master_phan_cong"
    assert sorted(p.name for p in folder.iterdir()) == sorted([*MEMBERS, MANIFEST_FILE])
    fill_all(folder, appraised_of(seed_units()))
    v1 = tmp_path / "v1.xlsx"
    shutil.copy(master, v1)
    assert main(["macro", "hop-nhat", str(master)]) == 0  # into the workbook itself, the old one kept
    assert backups_of(master)
    assert outcome(master) == outcome(single)
    assert provenance(master)[("Sở Y tế", "Cải cách tài chính công")] == "Tài chính"
    merged = master.read_bytes()
    assert main(["macro", "hop-nhat", str(master)]) == 0 and master.read_bytes() == merged  # nothing new
    capsys.readouterr()
    assert main(["macro", "so-sanh", str(master), "--old", str(v1)]) == 0
    assert "19 đơn vị thay đổi" in capsys.readouterr().out
    rows = [r for r in load_workbook(master)["So sánh"].iter_rows(values_only=True)]
    assert any(r[1] == "Sở Y tế" and r[6] == "Tài chính" for r in rows if r[1])


# ------------------------------------------------------------------ a workbook with a criteria tree (detail sheet)

def test_a_criteria_tree_workbook_split_by_field(tmp_path):
    """Bắc Giang's set: the members type criteria on the detail sheet; the merged workbook equals the same
    criteria typed into one copy of the master."""
    master, single = tmp_path / "bg.xlsx", tmp_path / "one.xlsx"
    form = Path(__file__).parent / "data" / "bieu_tu_danh_gia_bacgiang_2023_tinh.txt"
    assert main(["template", "--set", "bacgiang-2023-tinh", "--units", str(form), "-o", str(master)]) == 0
    assert main(["split", str(master), "--assign", "A=1-4; B=5-8", "-o", str(tmp_path / "p")]) == 0
    shutil.copy(master, single)
    book = read_file(master)
    cset = book.sections[0].cset
    leaves = {leaf.code: leaf.max for leaf in cset.leaves() if not leaf.survey}
    values = {slot: (leaves[slot.item] / 2 if slot.kind == APPRAISED else f"ghi chú {slot.item}")
              for slot in book.cells if slot.item in leaves and slot.kind in (APPRAISED, NOTE)}
    from xltools.council.cells import field_index
    for path, fields in ((tmp_path / "p" / "a.xlsx", {0, 1, 2, 3}), (tmp_path / "p" / "b.xlsx", {4, 5, 6, 7}),
                         (single, set(range(8)))):
        wb = load_workbook(path)
        for slot, value in values.items():
            if field_index(slot, cset) in fields:
                sheet, row, col = book.cells[slot]
                assert path == single or not wb[sheet].cell(row=row, column=col).protection.locked
                wb[sheet].cell(row=row, column=col).value = float(value) if slot.kind == APPRAISED else value
        wb.save(path)
    out = tmp_path / "out.xlsx"
    assert main(["merge", str(master), str(tmp_path / "p"), "-o", str(out)]) == 0
    # the same outcome as one copy typed whole; no rank yet: the unit's 32 survey points are missing
    assert outcome(out) == outcome(single) and outcome(out)[0][0][2] is None
    assert read_file(out).values == read_file(single).values
    rows = list(load_workbook(out)[PROVENANCE_SHEET].iter_rows(min_row=3, values_only=True))
    who = {(r[4], r[5]): r[7] for r in rows}
    for slot in values:
        member = "A" if field_index(slot, cset) < 4 else "B"
        assert who[(slot.item, "Thẩm định" if slot.kind == APPRAISED else "Ghi chú thẩm định")] == member
    assert len(rows) == len(values)


def test_a_part_with_text_in_a_score_cell_is_refused_naming_the_cell(tmp_path):
    """The reader reads the whole table (a text cell is a finding, not an abort); the council still
    refuses to merge a file with such a cell, naming it once."""
    from openpyxl import load_workbook

    from xltools import catalog
    from xltools.council.cells import read_file
    from xltools.errors import ReadError
    from xltools.workbook.builder import SectionInput, build_file

    path = build_file([SectionInput(catalog.get("backan-2024-so"))], tmp_path / "a.xlsx")
    wb = load_workbook(path)
    wb["Tổng hợp Sở"]["B7"], wb["Tổng hợp Sở"]["D7"] = "Sở A", "8,5"
    wb.save(path)
    with pytest.raises(ReadError) as err:
        read_file(path)
    assert str(err.value).count("Tổng hợp Sở!D7") == 1 and "'8,5'" in str(err.value)


def test_merge_finds_units_the_master_moved_after_the_split(single, tmp_path, capsys):
    """Tính lại xếp hạng re-sorts the master between the split and the merge: cells are found by unit."""
    master = Path(shutil.copy(single, tmp_path / "master.xlsx"))
    assert main(["split", str(master), "--assign", ASSIGN, "-o", str(tmp_path / "p")]) == 0
    unit = "Sở Tài nguyên và Môi trường"
    before = read_file(master).where(Slot("so", unit, "3", APPRAISED))
    _set(master, unit, 7, 21)  # the office raises field 7: the unit overtakes Sở Văn hóa, Thể thao và Du lịch
    assert main(["macro", "tinh-lai", str(master)]) == 0
    after = read_file(master).where(Slot("so", unit, "3", APPRAISED))
    assert after != before  # its row moved
    _set(tmp_path / "p" / "noi_vu.xlsx", unit, 3, 12)
    capsys.readouterr()
    out = tmp_path / "o.xlsx"
    assert main(["merge", str(master), str(tmp_path / "p"), "-o", str(out)]) == 0, capsys.readouterr().out
    merged = read_file(out)
    assert merged.values[Slot("so", unit, "3", APPRAISED)] == 12 and merged.values[Slot("so", unit, "7", APPRAISED)] == 21
    rows = list(load_workbook(out)[PROVENANCE_SHEET].iter_rows(min_row=3, values_only=True))
    assert [(r[1], r[2], r[7]) for r in rows] == [(after, unit, "Nội vụ")]
