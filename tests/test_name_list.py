"""A province starts from a plain list of its units' names (`template --units`), and a workbook that
holds no unit yet is never "ranked" with exit 0."""
from __future__ import annotations

import json

import openpyxl
import pytest

from xltools.cli import main
from xltools.importers.name_list import read_name_list
from xltools.workbook.reader import read_workbook


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def names_in(path):
    [table] = read_workbook(path)
    return [(u.name, u.district) for u in table.units]


def test_txt_list_with_numbers_commas_and_digits(tmp_path, capsys):
    units = tmp_path / "don_vi.txt"
    units.write_text("DANH SÁCH CÁC CƠ QUAN CHUYÊN MÔN THUỘC UBND TỈNH THÁI NGUYÊN\n\n"
                     "1. Sở Văn hóa, Thể thao và Du lịch\n2) Sở Tư pháp\n  Văn phòng UBND tỉnh  \n"
                     "4 - Ban Quản lý các khu công nghiệp\n", encoding="utf-8")
    out = tmp_path / "so.xlsx"
    code, text, _ = run(capsys, "template", "--set", "backan-2024-so", "--units", units, "-o", out)
    assert code == 0 and "4 đơn vị" in text
    assert names_in(out) == [("Sở Văn hóa, Thể thao và Du lịch", None), ("Sở Tư pháp", None),
                             ("Văn phòng UBND tỉnh", None), ("Ban Quản lý các khu công nghiệp", None)]


def test_xlsx_list_with_header_and_stt_column(tmp_path, capsys):
    units = tmp_path / "xa.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in (["Danh sách xã, phường"], ["STT", "Tên đơn vị"], [1, "Phường 1"], [2, "Xã Na Rì"], [],
                [3, "Đặc khu Cát Hải"]):
        ws.append(row)
    wb.save(units)
    out = tmp_path / "xa_book.xlsx"
    code, _, err = run(capsys, "template", "--set", "backan-2023-xa", "--units", units, "-o", out)
    assert code == 0, err
    assert [n for n, _ in names_in(out)] == ["Phường 1", "Xã Na Rì", "Đặc khu Cát Hải"]


def test_district_headings_group_communes(tmp_path, capsys):
    units = tmp_path / "xa.csv"
    units.write_text("STT;Tên xã\nHuyện Ba Bể:\n1;Xã Cao Thượng\n2;Xã Nam Mẫu\nII. Huyện Chợ Đồn\n1;Xã Bằng Lãng\n",
                     encoding="utf-8")
    out = tmp_path / "xa_book.xlsx"
    code, _, err = run(capsys, "template", "--set", "backan-2023-xa", "--units", units, "-o", out)
    assert code == 0, err
    assert names_in(out) == [("Xã Cao Thượng", "Huyện Ba Bể"), ("Xã Nam Mẫu", "Huyện Ba Bể"),
                             ("Xã Bằng Lãng", "Huyện Chợ Đồn")]


def _sheet(path, rows):
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


def test_a_list_with_a_note_column_group_rows_and_a_total_row(tmp_path, capsys):
    """Lists as provinces keep them: a Ghi chú column (with a note on one row), a group heading ("I" in the STT
    column, as appendices group units), and a Tổng cộng row under the names: three units, no more."""
    units = _sheet(tmp_path / "ds.xlsx", [
        ["DANH SÁCH CƠ QUAN, ĐƠN VỊ ĐƯỢC ĐÁNH GIÁ CHỈ SỐ CCHC NĂM 2025"],
        ["STT", "Tên cơ quan, đơn vị", "Ghi chú"],
        ["I", "KHỐI CƠ QUAN CHUYÊN MÔN THUỘC UBND TỈNH"],
        [1, "Sở Tư pháp", None], [2, "Sở Y tế", "mới hợp nhất"],
        ["II", "KHỐI CƠ QUAN KHÁC"], [1, "Văn phòng UBND tỉnh", None],
        [None, "Tổng cộng: 3 đơn vị"]])
    out = tmp_path / "so.xlsx"
    code, text, err = run(capsys, "template", "--set", "backan-2024-so", "--units", units, "-o", out)
    assert code == 0 and "3 đơn vị" in text, err
    assert [name for name, _ in names_in(out)] == ["Sở Tư pháp", "Sở Y tế", "Văn phòng UBND tỉnh"]


def test_a_txt_list_ending_with_its_count_and_a_district_column(tmp_path, capsys):
    txt = tmp_path / "ds.txt"
    txt.write_text("Sở Tư pháp\nSở Y tế\nTổng cộng: 2 đơn vị\n", encoding="utf-8")
    assert [u.name for u in read_name_list(txt).units] == ["Sở Tư pháp", "Sở Y tế"]
    communes = _sheet(tmp_path / "xa.xlsx", [["STT", "Tên xã", "Huyện", "Ghi chú"], [1, "Xã Cao Thượng", "Huyện Ba Bể", None],
                                             [2, "Xã Bằng Lãng", "Huyện Chợ Đồn", "xã vùng cao"]])
    assert [(u.name, u.district) for u in read_name_list(communes).units] == [("Xã Cao Thượng", "Huyện Ba Bể"),
                                                                               ("Xã Bằng Lãng", "Huyện Chợ Đồn")]
    scored = _sheet(tmp_path / "diem.xlsx", [["STT", "Tên đơn vị", "Tổng điểm"], [1, "Sở Tư pháp", 85.5]])
    assert read_name_list(scored) is None


def test_duplicate_names_are_refused_with_both_lines(tmp_path, capsys):
    units = tmp_path / "dup.txt"
    units.write_text("Sở Tư pháp\nSở Y tế\nsở  tư pháp\n", encoding="utf-8")
    out = tmp_path / "x.xlsx"
    code, _, err = run(capsys, "template", "--set", "backan-2024-so", "--units", units, "-o", out)
    assert code == 2 and not out.exists()
    assert "trùng" in err and "dòng 1" in err and "dòng 3" in err


@pytest.mark.parametrize("content", ["Sở Tư pháp\t85,5\nSở Y tế\t80\n", "Sở Tư pháp\nSở Y tế 19.25\n", "12\n13\n"])
def test_a_file_with_scores_is_not_a_name_list(tmp_path, content):
    units = tmp_path / "not_names.txt"
    units.write_text(content, encoding="utf-8")
    assert read_name_list(units) is None


def test_a_name_list_fits_one_level_only(tmp_path, capsys):
    units = tmp_path / "don_vi.txt"
    units.write_text("Sở Tư pháp\nSở Y tế\n", encoding="utf-8")
    code, _, err = run(capsys, "template", "--set", "backan-2023-huyen", "--set", "backan-2023-xa", "--units", units,
                       "-o", tmp_path / "x.xlsx")
    assert code == 2 and "một bộ tiêu chí" in err


@pytest.fixture()
def empty_book(tmp_path, capsys):
    out = tmp_path / "trong.xlsx"
    assert run(capsys, "template", "--set", "backan-2023-xa", "-o", out)[0] == 0
    return out


def test_rank_of_a_workbook_without_units_exits_2(empty_book, capsys):
    code, out, err = run(capsys, "rank", empty_book)
    assert code == 2 and out == "" and "chưa có đơn vị nào" in err and "Tên đơn vị" in err
    code, out, _ = run(capsys, "rank", empty_book, "--json")
    [row] = json.loads(out)
    assert code == 2 and row["severity"] == "error" and "chưa có đơn vị nào" in row["message"]


def test_check_of_a_workbook_without_units_shows_why_and_exits_2(empty_book, capsys):
    code, out, _ = run(capsys, "check", empty_book, "--json")
    assert code == 2 and [f["code"] for f in json.loads(out)] == ["empty-table"]


def test_recompute_of_a_workbook_without_units_writes_nothing(empty_book, capsys):
    before = empty_book.read_bytes()
    code, _, err = run(capsys, "macro", "tinh-lai", empty_book)
    assert code == 2 and "chưa có đơn vị nào" in err
    assert empty_book.read_bytes() == before
    assert sorted(p.name for p in empty_book.parent.iterdir()) == [empty_book.name]


def test_ranking_text_says_which_units_wait_and_why(tmp_path, capsys, data_dir):
    units = tmp_path / "don_vi.txt"
    units.write_text("Sở Tư pháp\nSở Y tế\n", encoding="utf-8")
    book = tmp_path / "so.xlsx"
    assert run(capsys, "template", "--set", "backan-2024-so", "--units", units, "-o", book)[0] == 0
    code, out, _ = run(capsys, "rank", book)
    assert code == 1  # printed, but not the whole table ranked
    assert "Chưa xếp hạng, xếp loại 2/2 đơn vị chưa đủ điểm:" in out
    assert "  - Sở Y tế: thiếu Thẩm định: cả 7 lĩnh vực; thiếu ĐT XHH: cả 7 lĩnh vực" in out
    _, out, _ = run(capsys, "rank", data_dir / "quyet_dinh_backan_2023_xa.txt")  # a published table: all ranked
    assert "Chưa xếp hạng" not in out


def test_districts_of_a_list_for_a_2025_commune_set_are_said_to_be_left_out(tmp_path, capsys):
    """A 2025 commune set has no district column (no districts since the reform): a list that still gives them is
    built, and the districts left out are said, not dropped without a word."""
    set_file = tmp_path / "bo.yaml"
    set_file.write_text("id: tuyenquang-2025-xa\nprovince: Tuyên Quang\nlevel: xa\nyears: [2025]\ndecimals: 2\n"
                        "fields:\n  - {code: '1', name: 'Công tác chỉ đạo, điều hành', max: 60}\n"
                        "  - {code: '2', name: 'Cải cách thể chế', max: 40}\n"
                        "bands:\n  - {label: 'Tốt', min: 80}\n  - {label: 'Yếu', min: 0}\n", encoding="utf-8")
    units = tmp_path / "xa.csv"
    units.write_text("STT;Tên xã;Huyện\n1;Xã Lũng Cú;Huyện Đồng Văn\n2;Xã Mèo Vạc;Huyện Mèo Vạc\n", encoding="utf-8")
    out = tmp_path / "xa.xlsx"
    code, _, err = run(capsys, "template", "--set", set_file, "--units", units, "-o", out)
    assert code == 0 and "không có cột huyện" in err and "2 xã" in err, err
    assert names_in(out) == [("Xã Lũng Cú", None), ("Xã Mèo Vạc", None)]
