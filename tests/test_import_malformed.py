"""A corpus of malformed files: each gives a Vietnamese message naming the file and the sheet, row
or cell, exit code 2, and never a traceback."""
import subprocess
import sys

import docx
import pytest
from office_samples import seed_tables, write_docx, write_xlsx
from openpyxl import Workbook

from xltools.cli import main
from xltools.importers.office import read_office

HEADER = ["STT", "TÊN ĐƠN VỊ", "Công tác chỉ đạo, điều hành CCHC", None, "Cải cách thể chế", None]
SUB = [None, None, "Tự chấm (9)", "Thẩm định (9)", "Tự chấm (8,5)", "Thẩm định (8,5)"]


def sheet(path, rows, merges=(), title="Phụ lục"):
    """A small table: rows of values from row 1; merges as 'A1:B2'."""
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(r, c, value)
    for m in merges:
        ws.merge_cells(m)
    wb.save(path)
    return path


def small_table(path, body, merges=()):
    rows = [["XẾP HẠNG CHỈ SỐ CCHC CÁC SỞ, NGÀNH NĂM 2024"], [], HEADER, SUB] + body
    return sheet(path, rows, ("A3:A4", "B3:B4", "C3:D3", "E3:F3") + tuple(merges))


def bad_files(tmp_path, data_dir):
    """name -> (path, what the message must say)."""
    seed = data_dir / "phu_luc_backan_2024_so_huyen.txt"
    good = write_xlsx(tmp_path / "good.xlsx", seed_tables(seed))
    cases = {}

    def case(name, path, *expected):
        cases[name] = (path, expected)

    case("wrong headers", sheet(tmp_path / "sai_tieu_de.xlsx", [["STT", "Họ và tên", "Điểm"], [1, "Nguyễn Văn A", 9]]),
         "sai_tieu_de.xlsx", "trang tính 'Phụ lục'", "dòng 1", "không có cột 'TÊN ĐƠN VỊ'")
    case("no score columns", sheet(tmp_path / "khong_cot_diem.xlsx",
                                   [["STT", "TÊN ĐƠN VỊ", "Lĩnh vực 1", "Lĩnh vực 2"], [1, "Sở Tư pháp", 9, 8]]),
         "khong_cot_diem.xlsx", "dòng 1", "không nhận ra cột điểm nào", "'Lĩnh vực 1'")
    case("merged score down two units", small_table(tmp_path / "gop_o.xlsx", [
        [1, "Sở Tư pháp", "9,000", "8,5", "8", "8"], [2, "Sở Y tế", None, "8", "8", "8"]], ["C5:C6"]),
        "gop_o.xlsx", "trang tính 'Phụ lục'", "ô gộp C5:C6", "bỏ gộp ô")
    case("merged score across two columns", small_table(tmp_path / "gop_ngang.xlsx", [
        [1, "Sở Tư pháp", 9, None, "8", "8"]], ["C5:D5"]),
        "gop_ngang.xlsx", "ô gộp C5:D5", "qua nhiều cột", "Hãy bỏ gộp ô")
    case("ambiguous 1.055", small_table(tmp_path / "so_mo_ho.xlsx", [
        [1, "Sở Tư pháp", "9,000", "8,5", "1.055", "8"]]),
        "so_mo_ho.xlsx", "trang tính 'Phụ lục'", "dòng 5", "ô E5", "1.055", "dấu phẩy thập phân")
    case("words in a score cell", small_table(tmp_path / "chu.xlsx", [[1, "Sở Tư pháp", "chín", "8,5", "8", "8"]]),
         "chu.xlsx", "ô C5", "'chín'", "không phải là số")
    case("date in a score cell", small_table(tmp_path / "ngay.xlsx", [
        [1, "Sở Tư pháp", __import__("datetime").datetime(2024, 5, 9), "8,5", "8", "8"]]),
         "ngay.xlsx", "ô C5", "09/05/2024")
    truncated = tmp_path / "cat_cut.xlsx"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    case("truncated workbook", truncated, "cat_cut.xlsx", "bị hỏng hoặc không trọn vẹn", "bị cắt cụt")
    renamed = tmp_path / "van_ban.xlsx"
    renamed.write_text(seed.read_text(encoding="utf-8"), encoding="utf-8")
    case("text renamed to .xlsx", renamed, "van_ban.xlsx", "không phải tệp Excel", "tệp văn bản thuần")
    empty = tmp_path / "rong.xlsx"
    empty.write_bytes(b"")
    case("empty file", empty, "rong.xlsx", "tệp rỗng")
    old = tmp_path / "cu.xlsx"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    case("old .xls renamed", old, "cu.xlsx", "Office 97–2003")
    no_table = tmp_path / "khong_bang.docx"
    d = docx.Document()
    d.add_paragraph("STT Tên đơn vị Tự chấm (căn bằng dấu cách, không phải bảng)")
    d.save(no_table)
    case("docx without tables", no_table, "khong_bang.docx", "không có bảng nào")
    cut_docx = tmp_path / "cat_cut.docx"
    whole = write_docx(tmp_path / "whole.docx", seed_tables(seed)[:1])
    cut_docx.write_bytes(whole.read_bytes()[:5000])
    case("truncated docx", cut_docx, "cat_cut.docx", "tệp Word bị hỏng", "bị cắt cụt")
    case("no table in workbook", sheet(tmp_path / "ghi_chu.xlsx", [["Danh sách gửi kèm"], ["xem tệp khác"]]),
         "ghi_chu.xlsx", "không tìm thấy bảng điểm nào", "trang tính 'Phụ lục'")
    return cases


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, data_dir):
    """Built once for the module: the commands only read these files."""
    return bad_files(tmp_path_factory.mktemp("malformed"), data_dir)


CELL_CASES = ["ambiguous 1.055", "words in a score cell", "date in a score cell"]  # findings, not aborts
CASES = ["wrong headers", "no score columns", "merged score down two units", "merged score across two columns",
         "truncated workbook", "text renamed to .xlsx", "empty file",
         "old .xls renamed", "docx without tables", "truncated docx", "no table in workbook"]


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("command", ["rank", "check", "import"])
def test_message_not_traceback(corpus, capsys, name, command):
    path, expected = corpus[name]
    code = main([command, str(path)])
    err = capsys.readouterr().err
    assert code == 2
    assert "Traceback" not in err and err.startswith("Lỗi: ")
    for text in expected:
        assert text in err, (text, err)


def test_corpus_covers_every_case(corpus):
    assert sorted(corpus) == sorted(CASES + CELL_CASES)


def test_numbers_as_text_empty_rows_and_text_merged_down_are_read(tmp_path):
    path = small_table(tmp_path / "ok.xlsx", [
        [1, "Sở Tư pháp", "9,000", "8,5", "19,5", "8"], [], [2, "UBND  huyện Ba Bể", 9, "<b>8,250</b>", 8.5, "8"],
        [None, "Tổng cộng", 18, 16.75, 28, 16]])
    [table] = read_office(path)
    assert [u.name for u in table.units] == ["Sở Tư pháp", "UBND huyện Ba Bể"]
    assert [(str(f.self_score), str(f.appraised)) for f in table.units[0].fields] == [("9.000", "8.5"), ("19.5", "8")]
    assert str(table.units[1].fields[0].appraised) == "8.250"
    assert table.units[1].where == "ok.xlsx, trang tính 'Phụ lục', dòng 7"


def test_text_merged_down_fills_each_row(tmp_path):
    header = HEADER + ["Xếp loại"]
    rows = [["CÁC SỞ, NGÀNH NĂM 2024"], header, SUB + [None], [1, "Sở A", 9, 9, 8, 8, "Tốt"], [2, "Sở B", 9, 9, 8, 8]]
    [table] = read_office(sheet(tmp_path / "loai.xlsx", rows, ("C2:D2", "E2:F2", "G2:G3", "G4:G5")))
    assert [u.printed.class_label for u in table.units] == ["Tốt", "Tốt"]


def test_word_merged_score_cell_is_an_error(tmp_path):
    d = docx.Document()
    t = d.add_table(rows=4, cols=4)
    for c, text in enumerate(["STT", "TÊN ĐƠN VỊ", "Cải cách thể chế", ""]):
        t.cell(0, c).text = text
    for c, text in enumerate(["", "", "Tự chấm (8,5)", "Thẩm định (8,5)"]):
        t.cell(1, c).text = text
    t.cell(0, 2).merge(t.cell(0, 3)).text = "Cải cách thể chế"
    for r, row in enumerate([["1", "Sở A", "8", "8"], ["2", "Sở B", "", "7"]], start=2):
        for c, text in enumerate(row):
            t.cell(r, c).text = text
    t.cell(2, 2).merge(t.cell(3, 2))
    d.save(tmp_path / "gop.docx")
    with pytest.raises(ValueError, match=r"gop.docx, bảng 1, ô gộp dòng 3–4, ô thứ 3: một ô điểm \(8\)"):
        read_office(tmp_path / "gop.docx")


def test_in_a_real_process(corpus):
    """The installed command, not only main(): exit 2, the message on stderr, nothing on stdout."""
    path, expected = corpus["truncated workbook"]
    done = subprocess.run([sys.executable, "-m", "xltools", "check", str(path)], capture_output=True, text=True,
                          encoding="utf-8")
    assert done.returncode == 2 and done.stdout == "" and "Traceback" not in done.stderr
    assert all(text in done.stderr for text in expected)


@pytest.mark.parametrize("command", ["check", "rank"])
def test_an_appraisal_workbook_whose_sheet_xml_does_not_parse_is_exit_2(tmp_path, capsys, command):
    """The summary sheet's cells written with a namespace prefix nobody declared (a broken export): the reader that
    takes over from the fast one fails on the rows, not on opening; the user gets a message, not 'Lỗi không mong đợi'."""
    import re
    import zipfile

    made = tmp_path / "mau.xlsx"
    assert main(["template", "--set", "backan-2024-so", "-o", str(made)]) == 0
    broken = tmp_path / "hong.xlsx"
    with zipfile.ZipFile(made) as zin, zipfile.ZipFile(broken, "w", zipfile.ZIP_DEFLATED) as zout:
        for name in zin.namelist():
            data = zin.read(name)
            if name == "xl/worksheets/sheet1.xml":
                data = re.sub(rb"<c ", b"<x:c ", data).replace(b"</c>", b"</x:c>")
            zout.writestr(name, data)
    capsys.readouterr()
    assert main([command, str(broken)]) == 2
    err = capsys.readouterr().err
    assert "hong.xlsx: không đọc được nội dung bảng tính" in err and "không mong đợi" not in err
