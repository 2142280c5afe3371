"""Hostile and odd spreadsheets: bounded memory and time, and every refusal or finding names the file and
the cell. Files are crafted at the XML level, the way a hostile sender would."""
import os
import re
import resource
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from xltools import catalog, limits
from xltools.cli import main
from xltools.workbook import layout as L

SET = "backan-2024-so"
GIB = 2**30


def cli(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    assert code != 3 and "Traceback" not in err, err
    return code, out + err


def rewrite(path: Path, part: str, change) -> Path:
    """The file with one of its XML parts changed by `change(text) -> text`."""
    with zipfile.ZipFile(path) as source:
        items = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in items:
            if info.filename == part:
                data = change(data.decode("utf-8")).encode("utf-8")
            target.writestr(info.filename, data)
    return path


def small_workbook(path: Path) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "Bảng"
    wb.active["A1"] = "STT"
    wb.save(path)
    return path


def bomb(path: Path, cell: str = "XFD1048576", value: str = "<v>1</v>") -> Path:
    """12 KB that declares A1:XFD1048576 and holds a cell at `cell`."""
    small_workbook(path)
    row = "".join(ch for ch in cell if ch.isdigit())

    def change(xml):
        xml = xml.replace('<dimension ref="A1"/>', '<dimension ref="A1:XFD1048576"/>')
        return xml.replace("</sheetData>", f'<row r="{row}"><c r="{cell}" s="0">{value}</c></row></sheetData>')
    return rewrite(path, "xl/worksheets/sheet1.xml", change)


def limited(*args, seconds=60):
    """`xltools ARGS` in a process allowed 2 GiB of address space; (exit code, output, seconds)."""
    def limit():
        resource.setrlimit(resource.RLIMIT_AS, (2 * GIB, 2 * GIB))
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "xltools", *map(str, args)], capture_output=True, text=True,
                          timeout=seconds, preexec_fn=limit, env={**os.environ, "PYTHONUTF8": "1"})
    return done.returncode, done.stdout + done.stderr, time.monotonic() - started


# ---------------------------------------------------------------- size

@pytest.mark.skipif(sys.platform != "linux", reason="RLIMIT_AS")
def test_dimension_bomb_is_refused_within_2_gib_and_60_seconds(tmp_path):
    path = bomb(tmp_path / "bom.xlsx")
    assert path.stat().st_size < 12_000
    for command in (["rank"], ["check"], ["macro", "tinh-lai"]):
        code, out, seconds = limited(*command, path)
        assert code == 2 and "bom.xlsx" in out and "1.048.576" in out and "giới hạn 100.000 dòng" in out, out
        assert seconds < 60


def test_a_formatted_blank_far_away_is_not_read(tmp_path):
    """A cell with a format but no value at XFD1048576 (Ctrl+End lands there): the sheet's used range is A1."""
    path = bomb(tmp_path / "xa.xlsx", value="")
    assert limits.check_xlsx(path) == {"Bảng": limits.Extent(1, 1)}
    from xltools.importers.office import excel_grids

    started = time.monotonic()
    [grid] = excel_grids(path)
    assert grid.rows == [(1, ["STT"])] and time.monotonic() - started < 5


def test_too_many_rows_and_columns_and_too_long_text_are_named(tmp_path, capsys):
    def rows(xml):
        body = "".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>' for i in range(1, 100_002))
        return re.sub("<sheetData>.*</sheetData>", f"<sheetData>{body}</sheetData>", xml)
    tall = rewrite(small_workbook(tmp_path / "dai.xlsx"), "xl/worksheets/sheet1.xml", rows)
    code, out = cli(capsys, "rank", tall)
    assert code == 2 and "dai.xlsx" in out and "trang 'Bảng'" in out and "dòng 100.001" in out, out
    wide = bomb(tmp_path / "rong.xlsx", cell="ALN1")  # column 1 002
    code, out = cli(capsys, "rank", wide)
    assert code == 2 and "rong.xlsx" in out and "cột thứ 1.002" in out and "giới hạn 1.000 cột" in out, out
    text = bomb(tmp_path / "chu.xlsx", cell="B2", value=f'<is><t>{"x" * 40_000}</t></is>')
    text = rewrite(text, "xl/worksheets/sheet1.xml", lambda xml: xml.replace('<c r="B2" s="0">', '<c r="B2" s="0" t="inlineStr">'))
    code, out = cli(capsys, "rank", text)
    assert code == 2 and "chu.xlsx" in out and "ô B2" in out and "40.000 ký tự" in out, out


# ---------------------------------------------------------------- what the file really is

def test_ods_renamed_entity_bomb_and_encrypted_file_are_named(tmp_path, capsys):
    ods = tmp_path / "bang.xlsx"
    with zipfile.ZipFile(ods, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", "<office:document-content/>")
    code, out = cli(capsys, "rank", ods)
    assert code == 2 and "bang.xlsx" in out and "OpenDocument (.ods)" in out and "Lưu thành" in out, out

    laughs = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
    bombed = rewrite(small_workbook(tmp_path / "bom_xml.xlsx"), "xl/worksheets/sheet1.xml",
                     lambda xml: laughs + xml.replace("STT", "&lol2;"))
    code, out = cli(capsys, "rank", bombed)
    assert code == 2 and "bom_xml.xlsx" in out and "DOCTYPE/ENTITY" in out and "bị hỏng" not in out, out

    locked = tmp_path / "mat_khau.xlsx"
    locked.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1000) + "EncryptionInfo".encode("utf-16-le") + bytes(500))
    code, out = cli(capsys, "rank", locked)
    assert code == 2 and "mat_khau.xlsx" in out and "mật khẩu mở" in out, out


# ---------------------------------------------------------------- numbers and merged cells in a workbook

@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    path = tmp_path_factory.mktemp("wb") / "bang.xlsx"
    assert main(["template", "--set", SET, "--with-appraised", "-o", str(path)]) == 0
    return path


def summary():
    return L.workbook_layout([(catalog.get(SET), 24)]).sections[0].summary


def edited(workbook, tmp_path, edit) -> Path:
    path = tmp_path / "sua.xlsx"
    wb = load_workbook(workbook)
    edit(wb[summary().sheet], summary())
    wb.save(path)
    return path


def set_cell(xml: str, ref: str, content: str) -> str:
    """The sheet XML with cell `ref` holding `content` (e.g. '<v>NaN</v>'), its style kept."""
    pattern = re.compile(rf'<c r="{ref}"( s="\d+")?[^>]*?(/>|>.*?</c>)')
    assert pattern.search(xml), ref
    kind = ' t="inlineStr"' if content.startswith("<is>") else ""
    return pattern.sub(lambda m: f'<c r="{ref}"{m[1] or ""}{kind}>{content}</c>', xml, count=1)


@pytest.mark.parametrize("content, shown", [("<v>1e999</v>", "'inf'"), ("<v>-1e999</v>", "'-inf'"),
                                            ("<v>1e308</v>", "1e+308"), (f"<v>{'9' * 400}</v>", "(400 ký tự)"),
                                            (f"<is><t>{'9' * 400}</t></is>", "(400 ký tự)"),
                                            ("<is><t>=1+1</t></is>", "'=1+1'"),
                                            ("<v>NaN</v>", "ghi 'NaN', không phải là số")])
def test_bad_numbers_in_a_score_cell_are_named(workbook, tmp_path, capsys, content, shown):
    lay = summary()
    ref = f"{L.col_letter(lay.fields[0].appraised)}{lay.first_row}"
    path = tmp_path / "sua.xlsx"
    path.write_bytes(workbook.read_bytes())
    rewrite(path, "xl/worksheets/sheet1.xml", lambda xml: set_cell(xml, ref, content))
    before = path.read_bytes()
    cell = f"{lay.sheet}!{ref}" if "NaN" not in content else f"trang '{lay.sheet}', ô {ref}"
    if "NaN" in content:  # named at the scan, before any reader: nothing is read
        for command in (["rank"], ["check"], ["macro", "tinh-lai"], ["publish", "-o", tmp_path / "ra"]):
            code, out = cli(capsys, *command, path)
            assert code == 2 and cell in out and shown in out, (command, out)
        assert path.read_bytes() == before
        return
    # a cell that holds no score is a finding of the whole table, never an abort; its unit stays unranked: exit 1
    for command, expected in ((["check"], 1), (["rank"], 1), (["publish", "-o", tmp_path / "ra"], 1)):
        code, out = cli(capsys, *command, path)
        assert code == expected and cell in out and shown in out, (command, out)
    assert path.read_bytes() == before


def test_merged_score_cells_are_named(workbook, tmp_path, capsys):
    def edit(ws, lay):
        col, row = lay.fields[0].appraised, lay.first_row
        ws.merge_cells(start_row=row, start_column=col, end_row=row + 1, end_column=col)
    path = edited(workbook, tmp_path, edit)
    before = path.read_bytes()
    col = L.col_letter(summary().fields[0].appraised)
    merged = f"{col}{summary().first_row}:{col}{summary().first_row + 1}"
    for command, expected in ((["check"], 1), (["rank"], 1)):  # a finding, the table read to its end, a unit unranked
        code, out = cli(capsys, *command, path)
        assert code == expected and merged in out and "ô gộp" in out, (command, out)
    assert path.read_bytes() == before


@pytest.mark.parametrize("rows", [1e9, -5, 2.5])
def test_row_count_on_the_config_sheet_is_checked_before_use(workbook, tmp_path, capsys, rows):
    path = tmp_path / "cau_hinh.xlsx"
    wb = load_workbook(workbook)
    column = L.CONFIG_SETS_COLUMNS.index("rows") + 1
    wb[L.CONFIG_SHEET].cell(L.CONFIG_SETS_FIRST_ROW, column).value = rows
    wb.save(path)
    before = path.read_bytes()
    started = time.monotonic()
    for command in (["rank"], ["macro", "tinh-lai"]):
        code, out = cli(capsys, *command, path)
        assert code == 2 and f"{L.CONFIG_SHEET}!{L.col_letter(column)}{L.CONFIG_SETS_FIRST_ROW}" in out and "số dòng" in out
    assert path.read_bytes() == before and time.monotonic() - started < 60


def test_band_bounds_on_the_config_sheet_are_checked(workbook, tmp_path, capsys):
    path = tmp_path / "muc.xlsx"
    wb = load_workbook(workbook)
    wb[L.CONFIG_SHEET].cell(L.CONFIG_BANDS_FIRST_ROW, 2).value = 1e9
    wb.save(path)
    code, out = cli(capsys, "rank", path)
    assert code == 2 and f"{L.CONFIG_SHEET}!B{L.CONFIG_BANDS_FIRST_ROW}" in out and "ngoài khoảng" in out, out


# ---------------------------------------------------------------- a batch whose worker dies

def _dies_on_bieu_3(path, cset):
    from xltools.importers.batch import unit_from_form

    if path.name == "bieu_0003.xlsx":
        os.kill(os.getpid(), 9)  # as the kernel's out-of-memory killer would
    return unit_from_form(path, cset), ""


@pytest.mark.parametrize("tasks_per_worker", [16, 1])  # one file a task; three files a task
def test_a_batch_survives_a_dying_worker(tmp_path, data_dir, monkeypatch, tasks_per_worker):
    from office_samples import write_forms

    from xltools.importers import batch

    folder = tmp_path / "bieu"
    write_forms(folder, 6, data_dir / "bieu_tu_danh_gia_bacgiang_2023_tinh.txt")
    monkeypatch.setattr(batch, "PARALLEL_FROM", 2)
    monkeypatch.setattr(batch, "TASKS_PER_WORKER", tasks_per_worker)
    monkeypatch.setattr(batch, "_read_form", _dies_on_bieu_3)
    result = batch.consolidate(folder, catalog.get("bacgiang-2023-tinh"), workers=2)
    assert [f.file for f in result.failures] == ["bieu_0003.xlsx"]
    assert "dừng đột ngột" in result.failures[0].message
    assert len(result.table.units) == 5


def test_huge_numbers_in_a_hand_made_table_are_named(tmp_path, capsys, data_dir):
    from office_samples import seed_tables, write_xlsx

    path = write_xlsx(tmp_path / "pl.xlsx", seed_tables(data_dir / "phu_luc_backan_2024_so_huyen.txt")[:1])
    wb = load_workbook(path)
    cell = next(c for row in wb.active.iter_rows() for c in row if c.value == "Sở Tư pháp")
    wb.active.cell(cell.row, cell.column + 2).value = 1e308
    wb.save(path)
    code, out = cli(capsys, "check", path)  # one finding naming the cell, the rest of the table read
    assert code == 1 and "pl.xlsx" in out and f"ô D{cell.row}" in out and "1e+308" in out, out


def test_a_merge_over_the_whole_sheet_is_refused(tmp_path, capsys):
    """openpyxl makes an object for every cell a merge covers: A1:XFD1048576 would be 17 billion."""
    path = rewrite(small_workbook(tmp_path / "gop.xlsx"), "xl/worksheets/sheet1.xml", lambda xml: xml.replace(
        "</sheetData>", '</sheetData><mergeCells count="1"><mergeCell ref="A1:XFD1048576"/></mergeCells>'))
    code, out = cli(capsys, "rank", path)
    assert code == 2 and "gop.xlsx" in out and "ô gộp" in out and "giới hạn" in out, out
