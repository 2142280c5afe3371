"""Official tables written to .xlsx/.docx in the published shapes read back to the seeds' numbers."""
import json

import pytest
from office_samples import header_merges, seed_tables, write_docx, write_xlsx
from openpyxl import Workbook, load_workbook

from xltools import catalog
from xltools.cli import main
from xltools.core.numbers import clean
from xltools.importers.office import read_office
from xltools.importers.registry import read_tables

SEEDS = ["phu_luc_backan_2024_so_huyen.txt", "quyet_dinh_backan_2023_xa.txt", "bieu_tu_danh_gia_bacgiang_2023_tinh.txt"]
WRITERS = {"xlsx": write_xlsx, "docx": write_docx}


def snapshot(table):
    """Everything a units table carries that the file's cells determine."""
    units = [(u.name, u.district, [(f.self_score, f.appraised, f.survey) for f in u.fields], vars(u.printed),
              {code: (c.self_score, c.appraised, c.reason) for code, c in u.criteria.items()}) for u in table.units]
    maxima = [(h.field_index, h.kind, h.value) for h in table.header_maxima]
    return units, maxima, table.field_names, table.level, table.year


def run_json(capsys, *argv):
    code = main(list(argv) + ["--json"])
    out = capsys.readouterr().out
    return code, json.loads(out)


def without_table(rows):
    return [{k: v for k, v in r.items() if k not in ("table", "where", "message")} for r in rows]


@pytest.mark.parametrize("kind", WRITERS)
@pytest.mark.parametrize("seed", SEEDS)
def test_round_trip_same_numbers(tmp_path, data_dir, seed, kind):
    source = data_dir / seed
    path = WRITERS[kind](tmp_path / f"{source.stem}.{kind}", seed_tables(source))
    got, expected = read_office(path), read_tables(source)
    assert [snapshot(t) for t in got] == [snapshot(t) for t in expected]
    assert sum(len(t.units) for t in got) == {"phu": 27, "quy": 8, "bie": 1}[seed[:3]]


@pytest.mark.parametrize("kind", WRITERS)
@pytest.mark.parametrize("seed", SEEDS)
def test_rank_and_check_json_match_the_text_seed(tmp_path, capsys, data_dir, seed, kind):
    source = data_dir / seed
    path = WRITERS[kind](tmp_path / f"{source.stem}.{kind}", seed_tables(source))
    for command in ("rank", "check"):
        code_file, rows_file = run_json(capsys, command, str(path))
        code_text, rows_text = run_json(capsys, command, str(source))
        assert code_file == code_text
        # the .xlsx writer keeps every other score column as the document's text ('9,000'): a spreadsheet
        # knows those cells are text, and check names them once per table (a .docx or .txt cannot tell)
        as_text = [r for r in rows_file if r.get("code") == "number-as-text"]
        assert len(as_text) == (len({r["table"] for r in rows_file}) if command == "check" and kind == "xlsx" else 0)
        rows_file = [r for r in rows_file if r.get("code") != "number-as-text"]
        assert without_table(rows_file) == without_table(rows_text)
    _, rows = run_json(capsys, "rank", str(path))
    if seed.startswith("phu"):
        assert rows[0]["total"] == 96.479 and rows[0]["name"] == "Văn phòng UBND tỉnh"
        assert {r["set"] for r in rows} == {"backan-2024-so", "backan-2024-huyen"}


def test_cell_references_in_findings(tmp_path, capsys, data_dir):
    [table] = seed_tables(data_dir / "quyet_dinh_backan_2023_xa.txt")
    path = write_xlsx(tmp_path / "xa.xlsx", [table])
    _, rows = run_json(capsys, "check", str(path))
    first = next(r for r in rows if r["code"] == "score-out-of-range")
    row = len(table.title) + 1 + len(table.header) + 1  # title rows, a blank row, the header, then the body
    assert first["where"] == f"xa.xlsx, trang tính 'Bảng 1', ô I{row}"  # column I: field 4, Tự chấm


def write_awkward_sheet(path, table):
    """The Phụ lục I table as people really lay it out: starting in column B, a title row with two
    texts, three header rows (maxima on their own row), a column-number row, a group row, STT as
    '1.', an empty row inside the body, a Tổng cộng row, a signature row, a class merged down."""
    wb = Workbook()
    ws = wb.active
    ws.title = "PL1"
    ws.cell(1, 2, "ỦY BAN NHÂN DÂN TỈNH BẮC KẠN")
    ws.cell(1, 12, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
    for r, line in enumerate(table.title, start=2):
        ws.cell(r, 2, line)
    head = 2 + len(table.title) + 1
    top, sub = table.header
    for c, text in enumerate(top):
        ws.cell(head, c + 2, clean(text) or None)
    for c, text in enumerate(sub):
        words = clean(text).rsplit(" (", 1)
        ws.cell(head + 1, c + 2, words[0] or None)
        if len(words) == 2:
            ws.cell(head + 2, c + 2, "(" + words[1])
    for r0, c0, r1, c1 in header_merges(table):
        ws.merge_cells(start_row=head + r0, start_column=c0 + 2, end_row=head + r1 + (1 if r1 > r0 else 0),
                       end_column=c1 + 2)
    width = len(sub)
    for c in range(width):
        ws.cell(head + 3, c + 2, f"({c + 1})")
    ws.cell(head + 4, 2, "I")
    ws.cell(head + 4, 3, "KHỐI CƠ QUAN CHUYÊN MÔN")
    r = head + 5
    for n, cells in enumerate(table.rows):
        if n == 3:
            r += 1  # an empty row
        for c, text in enumerate(cells):
            value = clean(text)
            ws.cell(r, c + 2, f"{value}." if c == 0 else value)
        r += 1
    ws.merge_cells(start_row=r - 2, start_column=width + 1, end_row=r - 1, end_column=width + 1)  # Xếp loại 'Khá' x2
    ws.cell(r, 3, "Tổng cộng")
    ws.cell(r, 4, 160)
    ws.cell(r + 2, 3, "NGƯỜI LẬP BIỂU")
    ws.cell(r + 2, 12, "THỦ TRƯỞNG ĐƠN VỊ")
    wb.save(path)
    return path


def test_awkward_layout_reads_the_same(tmp_path, data_dir):
    table = seed_tables(data_dir / "phu_luc_backan_2024_so_huyen.txt")[0]
    got = read_office(write_awkward_sheet(tmp_path / "pl1.xlsx", table))
    expected = read_tables(data_dir / "phu_luc_backan_2024_so_huyen.txt")[0]
    assert len(got) == 1 and snapshot(got[0]) == snapshot(expected)
    assert got[0].sheet == "Phụ lục I (trang tính 'PL1')"


def test_set_found_by_header_maxima_without_title(tmp_path, data_dir):
    table = seed_tables(data_dir / "phu_luc_backan_2024_so_huyen.txt")[0]
    table.title = []  # no level, year or province to go by
    [got] = read_office(write_docx(tmp_path / "no_title.docx", [table]))
    assert (got.level, got.year, got.province) == ("so", None, "")  # the level from the only set that fits
    assert catalog.find(got.province, None, got.year) is None
    assert catalog.match_maxima(got).id == "backan-2024-so"


def test_two_tables_stacked_in_one_sheet(tmp_path, data_dir):
    one_per_sheet = load_workbook(write_xlsx(tmp_path / "two.xlsx", seed_tables(data_dir / "phu_luc_backan_2024_so_huyen.txt")))
    wb = Workbook()
    ws = wb.active
    top = 0
    for sheet in one_per_sheet.worksheets:
        for row in sheet.iter_rows():
            for c in row:
                if c.value is not None:
                    ws.cell(c.row + top, c.column, c.value)
        for m in sheet.merged_cells.ranges:
            ws.merge_cells(start_row=m.min_row + top, start_column=m.min_col, end_row=m.max_row + top,
                           end_column=m.max_col)
        top += sheet.max_row + 3
    wb.save(tmp_path / "stacked.xlsx")
    got = read_office(tmp_path / "stacked.xlsx")
    expected = read_tables(data_dir / "phu_luc_backan_2024_so_huyen.txt")
    assert [t.sheet for t in got] == ["Phụ lục I (trang tính 'Sheet')", "Phụ lục II (trang tính 'Sheet')"]
    assert [snapshot(t) for t in got] == [snapshot(t) for t in expected]


def test_draft_set_written_when_no_set_fits(tmp_path, capsys, data_dir):
    table = seed_tables(data_dir / "phu_luc_backan_2024_so_huyen.txt")[0]
    table.title = ["XẾP HẠNG CHỈ SỐ CCHC CÁC SỞ, NGÀNH NĂM 2031"]
    table.header[1] = [c.replace("(9)", "(10)").replace("(86.5)", "(87.5)") for c in table.header[1]]
    path = write_xlsx(tmp_path / "moi.xlsx", [table])
    assert main(["rank", str(path)]) == 2
    assert "--write-set" in capsys.readouterr().err
    draft = tmp_path / "moi.yaml"
    assert main(["import", str(path), "--write-set", str(draft)]) == 0
    assert "bộ tiêu chí nháp" in capsys.readouterr().err
    cset = catalog.get(str(draft))
    assert (cset.level, cset.years, len(cset.fields), cset.fields[0].max, cset.fields[0].survey_max) == \
        ("so", (2031,), 7, 10, 2)
    assert cset.self_max == 87.5 and cset.decimals == 3
    code, rows = run_json(capsys, "rank", str(path), "--set", str(draft))
    assert code == 0 and rows[0]["total"] == 96.479


def test_import_file_says_what_it_holds(tmp_path, capsys, data_dir):
    path = write_docx(tmp_path / "pl.docx", seed_tables(data_dir / "phu_luc_backan_2024_so_huyen.txt"))
    assert main(["import", str(path)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Phụ lục I (bảng 1): cấp sở, ban, ngành, năm 2024, 19 đơn vị, 7 lĩnh vực; bộ tiêu chí backan-2024-so.",
        "Phụ lục II (bảng 2): cấp UBND huyện, thành phố, năm 2024, 8 đơn vị, 7 lĩnh vực; bộ tiêu chí backan-2024-huyen."]
