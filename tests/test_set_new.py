"""`xltools set new`: a province's criteria table (laid out unlike the Bắc Giang form) becomes a set
file that `template`, `rank` and `check` use; a totals-only set; the Bắc Giang form gives back the
shipped set's tree."""
from __future__ import annotations

import json

import pytest
import yaml
from table_files import Table, write_all, write_txt

from xltools import catalog
from xltools.cli import main

# Fields as Roman numerals, criteria numbered within each field, sub-criteria a), b); the survey
# criteria marked in a column before the maximum; a Tổng cộng row.
CRITERIA = Table(
    ["ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN",
     "BỘ TIÊU CHÍ XÁC ĐỊNH CHỈ SỐ CẢI CÁCH HÀNH CHÍNH CỦA UBND CÁC XÃ, PHƯỜNG GIAI ĐOẠN 2025-2030"],
    [["Mã", "Nội dung tiêu chí", "Phương thức đánh giá", "Điểm tối đa"]],
    [["I", "CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CCHC", "", 10],
     ["1", "Kế hoạch CCHC", "", 4],
     ["a)", "Ban hành kế hoạch đúng hạn", "Tự đánh giá", 2],
     ["b)", "Mức độ thực hiện kế hoạch", "Tự đánh giá", 2],
     ["2", "Sự hài lòng về chỉ đạo, điều hành", "Điều tra XHH", 6],
     ["II", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH", "", 50],
     ["1", "Công khai TTHC", "", 20],
     ["2", "Giải quyết hồ sơ đúng hạn", "", 20],
     ["3", "Mức độ hài lòng của người dân", "Điều tra XHH", 10],
     ["III", "CHUYỂN ĐỔI SỐ", "", 40],
     ["1", "Dịch vụ công trực tuyến", "", 25],
     ["2", "Ứng dụng CNTT", "", 15],
     ["", "TỔNG CỘNG", "", 100]])
BANDS = "Xuất sắc:90;Tốt:80;Khá:65;Trung bình:50;Yếu:0"

# A commune ranking with the score kind over the fields (not the field over its kinds), a title row
# above, merged two-level headers; classes by the province's own bands (Khá from 65).
F1, F2, F3 = "Chỉ đạo, điều hành", "Thủ tục hành chính", "Chuyển đổi số"
RANKING = Table(
    ["UBND TỈNH THÁI NGUYÊN", "KẾT QUẢ CHỈ SỐ CCHC CỦA UBND CÁC XÃ, PHƯỜNG NĂM 2025"],
    [["TT", "Tên xã, phường", "Điểm thẩm định", "", "", "Điểm ĐT XHH", "", "Tổng cộng", "Xếp hạng", "Xếp loại"],
     ["", "", F1, F2, F3, F1, F2, "", "", ""]],
    [[1, "Phường Phan Đình Phùng", 4, 38, 39, 5.5, 9.2, 95.7, 1, "Xuất sắc"],
     [2, "Xã Đại Phúc", 3.5, 35, 36, 5, 8.1, 87.6, 2, "Tốt"],
     [3, "Phường Tích Lương", 3, 34, 35.5, 4.9, 9.1, 86.5, 3, "Tốt"],
     [4, "Xã Phú Lạc", 4, 30, 31, 4.2, 7.5, 76.7, 4, "Khá"],
     [5, "Xã Yên Trạch", 2, 25, 20, 3, 6, 56, 5, "Trung bình"]],
    merges=[(0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 0, 4), (0, 5, 0, 6), (0, 7, 1, 7), (0, 8, 1, 8), (0, 9, 1, 9)])


# Three header rows (a group over the fields over their kinds) and a row of column numbers.
THREE_LEVELS = Table(
    ["KẾT QUẢ CHỈ SỐ CCHC CỦA UBND CÁC XÃ, PHƯỜNG TỈNH THÁI NGUYÊN NĂM 2025"],
    [["STT", "Tên đơn vị", "Điểm các lĩnh vực", "", "", "", "", "Tổng cộng", "Xếp hạng", "Xếp loại"],
     ["", "", F1, "", F2, "", F3, "", "", ""],
     ["", "", "Thẩm định", "ĐT XHH", "Thẩm định", "ĐT XHH", "Thẩm định", "", "", ""],
     [f"({i})" for i in range(1, 11)]],
    [[r[0], r[1], r[2], r[5], r[3], r[6], r[4], r[7], r[8], r[9]] for r in RANKING.rows],
    merges=[(0, 0, 2, 0), (0, 1, 2, 1), (0, 2, 0, 6), (1, 2, 1, 3), (1, 4, 1, 5), (0, 7, 2, 7), (0, 8, 2, 8),
            (0, 9, 2, 9)])


def run(args, capsys):
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(scope="module")
def province_set(tmp_path_factory):
    folder = tmp_path_factory.mktemp("set")
    path = folder / "thai-nguyen-xa.yaml"
    assert main(["set", "new", str(write_txt(folder / "tieu_chi.txt", CRITERIA)), "-o", str(path),
                 "--bands", BANDS, "--decimals", "1"]) == 0
    return path


def test_set_new_reads_every_format_alike(tmp_path, capsys, province_set):
    expected = yaml.safe_load(province_set.read_text(encoding="utf-8"))
    for source in write_all(tmp_path, "tieu_chi", CRITERIA):
        out = tmp_path / f"{source.suffix[1:]}.yaml"
        code, _, err = run(["set", "new", source, "-o", out, "--bands", BANDS, "--decimals", "1", "--id",
                            "thai-nguyen-xa"], capsys)
        assert code == 0, err
        assert yaml.safe_load(out.read_text(encoding="utf-8")) == expected, source.name


def test_the_set_holds_the_table(province_set):
    s = catalog.load_file(province_set)
    assert (s.province, s.level, s.years, s.decimals) == ("Thái Nguyên", "xa", tuple(range(2025, 2031)), 1)
    assert [(f.name, f.max, f.survey_max) for f in s.fields] == [
        ("Công tác chỉ đạo, điều hành CCHC", 4, 6), ("Cải cách thủ tục hành chính", 40, 10), ("Chuyển đổi số", 40, 0)]
    assert [c.code for c in s.leaves() if c.survey] == ["1.2", "2.3"]
    assert [c.code for c in s.leaves()][:3] == ["1.1.1", "1.1.2", "1.2"]
    assert [(b.label, b.min) for b in s.bands][2] == ("Khá", 65)


def test_rank_and_check_with_the_new_set(tmp_path, capsys, province_set):
    for path in write_all(tmp_path, "xep_hang", RANKING):
        code, out, err = run(["rank", path, "--set", province_set, "--json"], capsys)
        assert code == 0, (path.name, err)
        got = [(r["name"], r["total"], r["rank"], r["class"]) for r in json.loads(out)]
        assert got == [(r[1], r[7], r[8], r[9]) for r in RANKING.rows], path.name
        code, out, _ = run(["check", path, "--set", province_set, "--json"], capsys)
        errors = [f for f in json.loads(out) if f["severity"] == "error"]
        assert code == 0 and errors == [], (path.name, errors)


def test_three_header_rows_and_column_numbers(tmp_path, capsys, province_set):
    for path in write_all(tmp_path, "ba_tang", THREE_LEVELS):
        code, out, err = run(["rank", path, "--set", province_set, "--json"], capsys)
        assert code == 0, (path.name, err)
        rows = json.loads(out)
        assert [(r["name"], r["total"], r["rank"], r["class"]) for r in rows] == [
            (r[1], r[7], r[8], r[9]) for r in RANKING.rows], path.name
        assert [r["appraised_total"] for r in rows] == [81, 74.5, 72.5, 65, 47], path.name
        assert [r["survey_total"] for r in rows] == [14.7, 13.1, 14, 11.7, 9], path.name


def test_template_with_the_new_set(tmp_path, capsys, province_set):
    from openpyxl import load_workbook

    out = tmp_path / "bang.xlsx"
    code, _, err = run(["template", "--set", province_set, "-o", out], capsys)
    assert code == 0, err
    wb = load_workbook(out)
    texts = {str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value}
    assert any("Chuyển đổi số" in t for t in texts) and any("Dịch vụ công trực tuyến" in t for t in texts)


def test_unknowns_are_marked_and_listed(tmp_path, capsys):
    table = Table(["BỘ TIÊU CHÍ CHẤM ĐIỂM CẢI CÁCH HÀNH CHÍNH"], CRITERIA.header, CRITERIA.rows)
    out = tmp_path / "bo.yaml"
    code, _, err = run(["set", "new", write_txt(tmp_path / "bo.txt", table), "-o", out], capsys)
    text = out.read_text(encoding="utf-8")
    assert code == 2 and "level" in err and "CẦN ĐIỀN" in text
    for what in ("province:", "years:", "bands:", "decimals:"):
        assert f"#   - {what}" in text and what in err
    code, _, err = run(["set", "new", write_txt(tmp_path / "bo.txt", table), "-o", out, "--level", "xa",
                        "--province", "Thái Nguyên", "--years", "2025"], capsys)
    assert code == 0 and catalog.load_file(out).level == "xa"


def test_totals_only_set(tmp_path, capsys):
    out = tmp_path / "tong.yaml"
    code, _, err = run(["set", "new", "--totals-only", "-o", out, "--bands", "Tốt:80;Khá:70;Trung bình:50;Yếu:0",
                        "--total", "100", "--level", "so", "--province", "Cà Mau", "--years", "2024",
                        "--decimals", "2", "--decision", "Quyết định số 1/QĐ-UBND"], capsys)
    assert code == 0, err
    s = catalog.load_file(out)
    assert s.fields == () and s.max_total == 100
    code, _, err = run(["template", "--set", out, "-o", tmp_path / "x.xlsx"], capsys)
    assert code == 2 and "chỉ có tổng điểm" in err
    table = Table(["XẾP HẠNG CÁC SỞ, NGÀNH TỈNH CÀ MAU NĂM 2024"], [["STT", "Tên cơ quan, đơn vị", "Điểm", "Xếp loại"]],
                  [[1, "Sở Tư pháp", "88.5", "Tốt"], [2, "Sở Y tế", "71", "Khá"], [3, "Sở Xây dựng", "69.99", "Khá"]])
    path = write_txt(tmp_path / "cm.txt", table)
    code, out_text, _ = run(["rank", path, "--set", out, "--json"], capsys)
    rows = json.loads(out_text)
    assert code == 0 and [(r["rank"], r["class"], r["percent"]) for r in rows] == [
        (1, "Tốt", 88.5), (2, "Khá", 71.0), (3, "Trung bình", 69.99)]
    code, out_text, _ = run(["check", path, "--set", out, "--json"], capsys)
    errors = [(f["code"], f["unit"]) for f in json.loads(out_text) if f["severity"] == "error"]
    assert code == 1 and errors == [("class-mismatch", "Sở Xây dựng")]


def test_bac_giang_form_gives_the_shipped_tree(tmp_path, capsys, data_dir):
    out = tmp_path / "bg.yaml"
    code, _, err = run(["set", "new", data_dir / "bieu_tu_danh_gia_bacgiang_2023_tinh.txt", "-o", out,
                        "--bands", "Xuất sắc:90;Tốt:80;Khá:70;Trung bình:50;Yếu:0"], capsys)
    assert code == 0, err
    mine, shipped = catalog.load_file(out), catalog.get("bacgiang-2023-tinh")
    assert (mine.province, mine.level, mine.years) == ("Bắc Giang", "tinh", (2023,))
    assert [(f.code, f.max, f.survey_max) for f in mine.fields] == [(f.code, f.max, f.survey_max) for f in shipped.fields]
    assert [f.name for f in mine.fields][:6] == [f.name for f in shipped.fields][:6]  # the form misprints field 7
    assert [(c.code, c.max, c.survey) for c in mine.leaves()] == [(c.code, c.max, c.survey) for c in shipped.leaves()]


def test_no_criteria_table_is_refused(tmp_path, capsys):
    path = write_txt(tmp_path / "x.txt", Table(["X"], [["STT", "Tên đơn vị", "Tổng điểm"]], [[1, "Sở A", 90]]))
    code, _, err = run(["set", "new", path, "-o", tmp_path / "x.yaml"], capsys)
    assert code == 2 and "không thấy bảng tiêu chí" in err and "'điểm chuẩn'" in err


def _numeric_codes(path, children: int):
    """A criteria table typed in Excel with its codes as numbers (1.1 is stored as the number 1.1; 1.10 too)."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["STT", "Lĩnh vực/Tiêu chí", "Điểm tối đa"])
    ws.append([1, "Công tác chỉ đạo, điều hành", children])
    for i in range(1, children + 1):
        ws.append([float(f"1.{i}"), f"Tiêu chí số {i}", 1])
    ws.append([2, "Cải cách thủ tục hành chính", 12])
    ws.append([2.1, "Công khai thủ tục hành chính", 12])
    wb.save(path)
    return path


def test_codes_typed_as_numbers_in_excel_read_as_codes(tmp_path, capsys):
    table = _numeric_codes(tmp_path / "tc.xlsx", 3)
    code, _, err = run(["set", "new", str(table), "-o", str(tmp_path / "bo.yaml"), "--level", "so", "--years", "2025",
                        "--province", "Tuyên Quang"], capsys)
    assert code == 0, err
    data = yaml.safe_load((tmp_path / "bo.yaml").read_text(encoding="utf-8"))
    assert [c["code"] for c in data["criteria"][0]["children"]] == ["1.1", "1.2", "1.3"]


def test_a_code_excel_turned_into_another_is_refused_with_why(tmp_path, capsys):
    """1.10 typed in Excel is the number 1.1: two criteria '1.1'. Refused, naming both rows and the Text format."""
    table = _numeric_codes(tmp_path / "tc.xlsx", 10)
    code, _, err = run(["set", "new", str(table), "-o", str(tmp_path / "bo.yaml"), "--level", "so", "--years", "2025",
                        "--province", "Tuyên Quang"], capsys)
    assert code == 2 and "'1.1' trùng" in err and "dòng 3" in err and "dòng 12" in err and "Văn bản" in err, err
    assert not (tmp_path / "bo.yaml").exists()


def test_a_two_row_header_merged_over_its_sub_columns(tmp_path, capsys):
    """'Điểm' merged over 'Tối đa' | 'Điều tra XHH' (the survey criteria marked with x): the second header row is not
    a criterion (it said "điểm tối đa 'Tốiđa' không phải là số"), and the title above the table is the set's title."""
    from docx import Document

    doc = Document()
    doc.add_paragraph("BỘ TIÊU CHÍ ĐÁNH GIÁ CCHC CÁC SỞ NĂM 2025 TỈNH TUYÊN QUANG")
    table = doc.add_table(rows=2, cols=4)
    table.cell(0, 0).merge(table.cell(1, 0)).text = "Mã số"
    table.cell(0, 1).merge(table.cell(1, 1)).text = "Lĩnh vực, tiêu chí"
    table.cell(0, 2).merge(table.cell(0, 3)).text = "Điểm"
    table.cell(1, 2).text, table.cell(1, 3).text = "Tối đa", "Điều tra XHH"
    for row in [("1", "Công tác chỉ đạo, điều hành", "10", ""), ("1.1", "Kế hoạch CCHC", "8", ""),
                ("1.2", "Mức độ hài lòng về chỉ đạo", "2", "x"), ("2", "Cải cách thủ tục hành chính", "12", ""),
                ("2.1", "Công khai thủ tục", "12", "")]:
        for cell, text in zip(table.add_row().cells, row):
            cell.text = text
    doc.save(tmp_path / "tc.docx")
    code, _, err = run(["set", "new", str(tmp_path / "tc.docx"), "-o", str(tmp_path / "bo.yaml"), "--level", "so",
                        "--years", "2025", "--province", "Tuyên Quang"], capsys)
    assert code == 0, err
    data = yaml.safe_load((tmp_path / "bo.yaml").read_text(encoding="utf-8"))
    assert data["title"] == "BỘ TIÊU CHÍ ĐÁNH GIÁ CCHC CÁC SỞ NĂM 2025 TỈNH TUYÊN QUANG"
    assert [(f["max"], f["survey_max"]) for f in data["fields"]] == [(8, 2), (12, 0)]


def test_a_table_without_a_title_gives_a_set_without_one(tmp_path, capsys):
    """The header row is not the title (the set's title read 'STT Lĩnh vực/Tiêu chí Điểm tối đa')."""
    table = _numeric_codes(tmp_path / "tc.xlsx", 2)
    assert run(["set", "new", str(table), "-o", str(tmp_path / "bo.yaml"), "--level", "so", "--years", "2025",
                "--province", "Tuyên Quang"], capsys)[0] == 0
    assert yaml.safe_load((tmp_path / "bo.yaml").read_text(encoding="utf-8"))["title"] == ""
