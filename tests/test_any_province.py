"""Tables as other provinces and the ministry publish them, in layouts unlike the seeds, read alike
from .txt, .docx and .xlsx; ranked without a criteria set; nothing misread silently."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from table_files import Table, write_all, write_docx, write_txt, write_xlsx

from xltools.cli import main
from xltools.importers.vocabulary import markdown_table, role_of

ROOT = Path(__file__).resolve().parents[1]
BANDS = "Xuất sắc:90;Tốt:80;Khá:70;Trung bình:50;Yếu:0"

# A department ranking as a province portal prints it: no STT, the name first, totals with a
# decimal point, a title that mentions the survey (it must not turn the totals into survey scores).
PORTAL = Table(
    ["ỦY BAN NHÂN DÂN TỈNH BÀ RỊA - VŨNG TÀU",
     "KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH CÁC SỞ, BAN, NGÀNH CẤP TỈNH NĂM 2023",
     "(bao gồm điểm thẩm định và kết quả điều tra XHH)"],
    [["Tên cơ quan, đơn vị", "Tổng điểm đạt được", "Thứ hạng", "Phân loại"]],
    [["Sở Tư pháp", "91.25", 1, "Xuất sắc"], ["Sở Nội vụ", "89.95", 2, "Tốt"], ["Sở Y tế", "89.95", 2, "Tốt"],
     ["Thanh tra tỉnh", "79.5", 4, "Khá"], ["Sở Xây dựng", "49", 5, "Yếu"]])

# The ministries' ranking: appraised + survey = index, merged two-level header, rank only.
MINISTRIES = Table(
    ["BỘ NỘI VỤ", "CHỈ SỐ CẢI CÁCH HÀNH CHÍNH NĂM 2023 (PAR INDEX 2023) CỦA CÁC BỘ, CƠ QUAN NGANG BỘ"],
    [["STT", "Các bộ, cơ quan ngang bộ", "Kết quả", "", "", "Vị thứ"],
     ["", "", "Điểm thẩm định", "Điểm điều tra XHH", "Chỉ số", ""]],
    [[1, "Ngân hàng Nhà nước Việt Nam", 60.5, 30.62, 91.12, 1], [2, "Bộ Tư pháp", 58.25, 29.1, 87.35, 2],
     [3, "Bộ Nội vụ", 57, 30.35, 87.35, 2], [4, "Bộ Y tế", 55.5, 25.75, 81.25, 4]],
    merges=[(0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 0, 4), (0, 5, 1, 5)])

# Totals with a comma, class before rank, a column the vocabulary does not know, "Vị thứ".
COMMUNES = Table(
    ["UBND THÀNH PHỐ HẢI PHÒNG", "XẾP HẠNG CHỈ SỐ CCHC CỦA UBND CÁC XÃ, PHƯỜNG, ĐẶC KHU NĂM 2025"],
    [["TT", "Tên đơn vị", "Xếp loại", "Điểm đánh giá", "Vị thứ", "Người chấm"]],
    [[1, "Phường Hồng Bàng", "Tốt", "86,500", 1, "Tổ 1"], [2, "Đặc khu Cát Hải", "Khá", "78,250", 2, "Tổ 2"],
     [3, "Xã An Lão", "Trung bình", "64,000", 3, "Tổ 1"]])


def run(args, capsys):
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def printed(t: Table) -> list[tuple[str, int, str | None]]:
    """(name, printed rank, printed class) of each row, from the header's own columns."""
    head = t.header[-1] if len(t.header) > 1 else t.header[0]
    top = t.header[0]
    cols = {label: i for i, label in enumerate(top) if label} | {label: i for i, label in enumerate(head) if label}
    name = next(i for label, i in cols.items() if label.startswith(("Tên", "Các bộ", "Đơn vị")))
    rank = next(i for label, i in cols.items() if label in ("Thứ hạng", "Vị thứ", "Xếp hạng"))
    klass = next((i for label, i in cols.items() if label in ("Phân loại", "Xếp loại")), None)
    return [(r[name], r[rank], r[klass] if klass is not None else None) for r in t.rows]


@pytest.mark.parametrize("table", [PORTAL, MINISTRIES, COMMUNES], ids=["portal", "ministries", "communes"])
def test_each_format_ranks_back_to_the_printed_ranks(tmp_path, capsys, table):
    expected = printed(table)
    for path in write_all(tmp_path, "bang", table):
        code, out, err = run(["rank", path, "--json"], capsys)
        assert code == 0, (path.name, err)
        rows = json.loads(out)
        got = [(r["name"], r["rank"], r["class"]) for r in rows]
        assert got == expected, path.name
        code, out, err = run(["check", path, "--json"], capsys)
        findings = json.loads(out)
        assert code == 0 and not [f for f in findings if f["severity"] == "error"], (path.name, findings)
        if any(c for _, _, c in expected):
            assert any(f["code"] == "class-not-checked" for f in findings), path.name


# The rank first, then the name; no STT; a total with its maximum in the header.
RANK_FIRST = Table(
    ["XẾP HẠNG CHỈ SỐ CCHC CÁC HUYỆN, THỊ XÃ, THÀNH PHỐ TỈNH NGHỆ AN NĂM 2022"],
    [["Xếp hạng", "Đơn vị", "Tổng điểm (100)", "Xếp loại"]],
    [[1, "Thị xã Cửa Lò", "88,12", "Tốt"], [2, "Huyện Nghi Lộc", "85,40", "Tốt"], [3, "Thành phố Vinh", "79,99", "Khá"]])


def test_rank_first_without_stt(tmp_path, capsys):
    for path in write_all(tmp_path, "hang", RANK_FIRST):
        code, out, err = run(["rank", path, "--json", "--bands", BANDS], capsys)
        assert code == 0, (path.name, err)
        assert [(r["name"], r["rank"], r["class"]) for r in json.loads(out)] == printed(RANK_FIRST), path.name


def test_no_class_column_gives_null_class(tmp_path, capsys):
    code, out, _ = run(["rank", write_xlsx(tmp_path / "bo.xlsx", MINISTRIES), "--json"], capsys)
    rows = json.loads(out)
    assert code == 0 and [r["class"] for r in rows] == [None] * 4
    assert [r["appraised_total"] for r in rows] == [60.5, 58.25, 57.0, 55.5]
    assert [r["survey_total"] for r in rows] == [30.62, 29.1, 30.35, 25.75]


@pytest.mark.parametrize("fmt", ["txt", "docx", "xlsx"])
def test_bands_classify_and_check_printed_classes(tmp_path, capsys, fmt):
    path = write_all(tmp_path, "bang", PORTAL)[["txt", "docx", "xlsx"].index(fmt)]
    code, out, _ = run(["rank", path, "--json", "--bands", BANDS], capsys)
    assert code == 0 and [r["class"] for r in json.loads(out)] == ["Xuất sắc", "Tốt", "Tốt", "Khá", "Yếu"]
    code, out, _ = run(["check", path, "--json", "--bands", BANDS], capsys)
    assert code == 0 and not any(f["code"] == "class-not-checked" for f in json.loads(out))
    # the same table with one class and one rank printed wrong
    wrong = Table(PORTAL.title, PORTAL.header, [list(r) for r in PORTAL.rows])
    wrong.rows[3][3] = "Tốt"
    wrong.rows[4][2] = 3
    path = {"txt": write_txt, "docx": write_docx, "xlsx": write_xlsx}[fmt](tmp_path / f"sai.{fmt}", wrong)
    code, out, _ = run(["check", path, "--json", "--bands", BANDS], capsys)
    codes = [(f["code"], f["unit"]) for f in json.loads(out) if f["severity"] == "error"]
    assert code == 1 and codes == [("class-mismatch", "Thanh tra tỉnh"), ("rank-mismatch", "Sở Xây dựng")]


@pytest.mark.parametrize("fmt", ["txt", "docx"])
def test_totals_with_a_decimal_point(tmp_path, capsys, fmt):
    t = Table(["XẾP HẠNG CÁC SỞ, NGÀNH NĂM 2024"], [["STT", "Tên đơn vị", "Điểm thẩm định", "Điểm ĐT XHH", "Tổng cộng"]],
              [[1, "Sở A", "84.030", "12.449", "96.479"], [2, "Sở B", "77.836", "12.925", "90.761"],
               [3, "Sở C", "78.5", "9.0", "87.5"]])
    path = (write_txt if fmt == "txt" else write_docx)(tmp_path / f"t.{fmt}", t)
    code, out, err = run(["rank", path, "--json"], capsys)
    assert code == 0, err
    assert [(r["total"], r["appraised_total"], r["rank"]) for r in json.loads(out)] == [
        (96.479, 84.03, 1), (90.761, 77.836, 2), (87.5, 78.5, 3)]


def test_ties_at_the_printed_precision_or_decimals(tmp_path, capsys):
    t = Table(["XẾP HẠNG CÁC SỞ, NGÀNH NĂM 2024"], [["STT", "Đơn vị", "Tổng điểm"]],
              [[1, "Sở A", "90,004"], [2, "Sở B", "90,001"], [3, "Sở C", "89,5"]])
    path = write_txt(tmp_path / "t.txt", t)
    code, out, _ = run(["rank", path, "--json"], capsys)
    assert code == 0 and [r["rank"] for r in json.loads(out)] == [1, 2, 3]
    code, out, _ = run(["rank", path, "--json", "--decimals", "2"], capsys)
    assert code == 0 and [r["rank"] for r in json.loads(out)] == [1, 1, 3]


@pytest.mark.parametrize("fmt", ["txt", "docx", "xlsx"])
def test_no_score_column_is_refused_with_the_accepted_wordings(tmp_path, capsys, fmt):
    t = Table(["KẾT QUẢ NĂM 2023"], [["STT", "Tên đơn vị", "Kết luận", "Ghi chú"]],
              [[1, "Sở Tư pháp", "đạt", ""], [2, "Sở Y tế", "đạt", "x"]])
    path = {"txt": write_txt, "docx": write_docx, "xlsx": write_xlsx}[fmt](tmp_path / f"k.{fmt}", t)
    for command in ("rank", "check"):
        code, _, err = run([command, path], capsys)
        assert code == 2, err
        assert "không nhận ra cột điểm nào" in err and "'Kết luận'" in err and "'Ghi chú'" in err
        for wording in ("'Tổng cộng'", "'Điểm đánh giá'", "'Tổng điểm đạt được'", "'Chỉ số'", "'thẩm định'", "'XHH'"):
            assert wording in err


@pytest.mark.parametrize("fmt", ["txt", "docx", "xlsx"])
def test_unknown_columns_are_noted(tmp_path, capsys, fmt):
    path = write_all(tmp_path, "xa", COMMUNES)[["txt", "docx", "xlsx"].index(fmt)]
    code, out, err = run(["check", path, "--json"], capsys)
    notes = [f["message"] for f in json.loads(out) if f["code"] == "column-ignored"]
    assert len(notes) == 1 and "'Người chấm'" in notes[0] and "cột 6" in notes[0]
    code, out, err = run(["rank", path], capsys)
    assert code == 0 and "'Người chấm'" in err


def test_blank_totals_never_exit_0(tmp_path, capsys):
    t = Table(["XẾP HẠNG CÁC SỞ NĂM 2024"], [["STT", "Tên đơn vị", "Tổng điểm", "Xếp hạng"]],
              [[1, "Sở A", "", 1], [2, "Sở B", "", 2]])
    path = write_txt(tmp_path / "trong.txt", t)
    for command in ("rank", "check"):
        code, out, err = run([command, path, "--json"], capsys)
        [failure] = json.loads(out)  # with --json, even a run that ends early answers in JSON
        assert code == 2 and failure["severity"] == "error" and err == ""
        assert "không đọc được tổng điểm của đơn vị nào" in failure["message"]
        code, _, err = run([command, path], capsys)
        assert code == 2 and "không đọc được tổng điểm của đơn vị nào" in err


def test_some_blank_totals_are_errors(tmp_path, capsys):
    t = Table(["XẾP HẠNG CÁC SỞ NĂM 2024"], [["STT", "Tên đơn vị", "Tổng điểm", "Xếp hạng"]],
              [[1, "Sở A", "90,5", 1], [2, "Sở B", "", 2], [3, "Sở C", "80", 2]])
    path = write_txt(tmp_path / "thieu.txt", t)
    code, out, err = run(["check", path, "--json"], capsys)
    assert code == 1 and [f["unit"] for f in json.loads(out) if f["code"] == "total-missing"] == ["Sở B"]
    code, out, err = run(["rank", path, "--json"], capsys)
    assert [r["rank"] for r in json.loads(out)] == [1, 2, None] and "Sở B" in err


def test_totals_only_table_with_a_shipped_set(tmp_path, capsys):
    # the case reported by a province: with --set, every total, rank and class came out blank and check said nothing
    t = Table(["KẾT QUẢ CHỈ SỐ CCHC CÁC SỞ, NGÀNH NĂM 2024"], [["TT", "Tên đơn vị", "Điểm đánh giá", "Vị thứ", "Xếp loại"]],
              [[1, "Sở A", "96,479", 1, "Tốt"], [2, "Sở B", "79,280", 2, "Tốt"], [3, "Sở C", "75,849", 4, "Khá"]])
    path = write_txt(tmp_path / "t.txt", t)
    code, out, _ = run(["rank", path, "--set", "backan-2024-so", "--json"], capsys)
    assert code == 0 and [(r["total"], r["rank"], r["class"]) for r in json.loads(out)] == [
        (96.479, 1, "Tốt"), (79.28, 2, "Khá"), (75.849, 3, "Khá")]
    code, out, _ = run(["check", path, "--set", "backan-2024-so", "--json"], capsys)
    errors = sorted((f["code"], f["unit"]) for f in json.loads(out) if f["severity"] == "error")
    assert code == 1 and errors == [("class-mismatch", "Sở B"), ("rank-mismatch", "Sở C")]


def test_draft_set_keeps_the_printed_top_class(tmp_path, capsys, data_dir):
    out = tmp_path / "nhap.yaml"
    text = (data_dir / "quyet_dinh_backan_2023_xa.txt").read_text(encoding="utf-8").replace("Bắc Kạn", "Lạng Sơn")
    path = tmp_path / "ls.txt"
    path.write_text(text.replace("BẮC KẠN", "LẠNG SƠN"), encoding="utf-8")
    assert main(["import", str(path), "--write-set", str(out)]) == 0
    capsys.readouterr()
    draft = out.read_text(encoding="utf-8")
    assert "province: Lạng Sơn" in draft and "level: xa" in draft and "Xuất sắc" in draft


def test_a_set_with_another_number_of_fields_is_refused(capsys, data_dir):
    # the Bắc Giang provincial set has 8 fields; the Bắc Kạn commune table has 7
    code, _, err = run(["rank", data_dir / "quyet_dinh_backan_2023_xa.txt", "--set", "bacgiang-2023-tinh"], capsys)
    assert code == 2 and "7 lĩnh vực" in err and "8 lĩnh vực" in err


def test_a_table_with_fields_and_no_set_says_what_the_title_gave(tmp_path, capsys, data_dir):
    text = (data_dir / "phu_luc_backan_2024_so_huyen.txt").read_text(encoding="utf-8")
    text = text.replace("Bắc Kạn", "Quảng Ninh").replace("BẮC KẠN", "QUẢNG NINH")
    path = tmp_path / "qn.txt"
    path.write_text(text, encoding="utf-8")
    code, _, err = run(["rank", path], capsys)
    assert code == 2 and "tỉnh Quảng Ninh" in err and "năm 2024" in err and "--set" in err


def test_header_vocabulary_is_documented():
    doc = (ROOT / "docs" / "headers.md").read_text(encoding="utf-8")
    assert markdown_table("summary") in doc and markdown_table("criteria") in doc


@pytest.mark.parametrize("header, role", [
    ("Vị thứ", "rank"), ("Thứ hạng", "rank"), ("Xếp hạng", "rank"), ("Điểm đánh giá", "total"),
    ("Tổng điểm đạt được", "total"), ("Tổng cộng (100)", "total"), ("Chỉ số", "total"), ("PAR INDEX 2023", "total"),
    ("Điểm thẩm định", "appraised"), ("Điểm điều tra XHH", "survey"), ("ĐT XH H (2.5)", "survey"),
    ("Điểm tự đánh giá", "self"), ("Tự chấm (9)", "self"), ("Các bộ, cơ quan ngang bộ", "name"),
    ("Tên cơ quan, đơn vị", "name"), ("TÊN ĐƠN VỊ", "name"), ("TT", "stt"), ("S T T", "stt"), ("Phân loại", "class"),
    ("Xếp loại", "class"), ("Xếp hạng, phân loại", "rank_class"), ("Kết quả xếp hạng và phân loại", "rank_class"),
    ("Huyện", "district"), ("Kết quả thẩm định", "block"), ("Ghi chú", None), ("Người chấm", None),
    ("TĐ (9)", "appraised"), ("Điểm TĐ", "appraised"), ("TĐG", "self"), ("Tổng TĐ", "appraised"),
    ("Tổng điểm TĐG", "self")])  # the abbreviations a form may print
def test_header_roles(header, role):
    assert role_of(header) == role


# A department table typed in Excel with a comma where the machine expects a point: some scores are text.
TYPED_AS_TEXT = Table(
    ["ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN", "KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH CÁC SỞ, BAN, NGÀNH NĂM 2025"],
    [["STT", "Tên đơn vị", "Tổng điểm", "Xếp hạng"]],
    [[1, "Sở Tư pháp", 91.25, 1], [2, "Sở Nội vụ", "89,5", 2], [3, "Sở Y tế", " 88,75 ", 3], [4, "Sở Xây dựng", 70, 4]])


def test_scores_a_spreadsheet_holds_as_text_are_read_and_named(tmp_path, capsys):
    """Excel's SUM skips a score stored as text: the reader takes the number (the published figure) and says
    which cells are text, so the appraiser can fix the source file; a .txt has no types and says nothing."""
    xlsx = write_xlsx(tmp_path / "so.xlsx", TYPED_AS_TEXT)
    code, out, _ = run(["check", xlsx, "--json"], capsys)
    [finding] = [f for f in json.loads(out) if f["code"] == "number-as-text"]
    assert finding["severity"] == "warning" and finding["label"] == "Số gõ dạng chữ"
    assert finding["message"].startswith("2 ô điểm được lưu dạng chữ chứ không phải số: ô C6 '89,5', ô C7 '88,75'.")
    code, out, _ = run(["rank", xlsx, "--json"], capsys)
    assert code == 0 and [(r["name"], r["total"], r["rank"]) for r in json.loads(out)] == [
        ("Sở Tư pháp", 91.25, 1), ("Sở Nội vụ", 89.5, 2), ("Sở Y tế", 88.75, 3), ("Sở Xây dựng", 70.0, 4)]
    as_numbers = Table(TYPED_AS_TEXT.title, TYPED_AS_TEXT.header,
                       [[s, n, float(str(t).replace(",", ".")), r] for s, n, t, r in TYPED_AS_TEXT.rows])
    for path in (write_xlsx(tmp_path / "so_so.xlsx", as_numbers), write_txt(tmp_path / "so.txt", TYPED_AS_TEXT)):
        code, out, _ = run(["check", path, "--json"], capsys)
        assert "number-as-text" not in [f["code"] for f in json.loads(out)], path.name


def test_a_whole_table_pasted_as_text_is_one_finding_with_a_count(tmp_path, capsys):
    rows = [[i, f"Xã {i:03}", f"{90 - i * 0.5:.2f}".replace(".", ","), i] for i in range(1, 31)]
    path = write_xlsx(tmp_path / "xa.xlsx", Table(["XẾP HẠNG CHỈ SỐ CCHC CÁC XÃ NĂM 2025"],
                                                  [["STT", "Tên đơn vị", "Tổng điểm", "Xếp hạng"]], rows))
    code, out, _ = run(["check", path, "--json"], capsys)
    [finding] = [f for f in json.loads(out) if f["code"] == "number-as-text"]
    assert finding["message"].startswith("30 ô điểm được lưu dạng chữ") and " và 20 ô khác. " in finding["message"]


def test_publishing_a_table_of_totals_prints_its_totals_and_checks_its_classes(tmp_path, capsys):
    """A ranking of printed totals is published with its totals (not empty Tự chấm/Thẩm định columns of a
    set it does not have); its classes are checked against --bands, and without bands the documents stay a
    draft: nobody checked them."""
    from openpyxl import load_workbook

    path = write_txt(tmp_path / "cang.txt", PORTAL)
    code, _, err = run(["publish", path, "-o", tmp_path / "draft"], capsys)
    assert code == 1 and "Xếp loại chưa kiểm tra" in err and "--bands" in err
    code, out, err = run(["publish", path, "-o", tmp_path / "official", "--bands", BANDS], capsys)
    assert code == 0 and "DỰ THẢO" not in out + err
    rows = [r for r in load_workbook(tmp_path / "official" / "cang_phu_luc.xlsx").active.iter_rows(values_only=True)]
    head = next(i for i, r in enumerate(rows) if r[0] == "STT")
    assert rows[head][:4] == ("STT", "TÊN ĐƠN VỊ", "Tổng điểm", "Kết quả xếp hạng và phân loại")
    body = [r[:5] for r in rows[head + 2:] if r[0] is not None]
    assert body == [(1, "Sở Tư pháp", 91.25, 1, "Xuất sắc"), (2, "Sở Nội vụ", 89.95, 2, "Tốt"),
                    (3, "Sở Y tế", 89.95, 2, "Tốt"), (4, "Thanh tra tỉnh", 79.5, 4, "Khá"), (5, "Sở Xây dựng", 49, 5, "Yếu")]


def test_a_blank_part_of_a_table_of_totals_leaves_the_unit_unranked(tmp_path, capsys):
    """Thẩm định + ĐT XHH = Tổng điểm: a unit whose ĐT XHH cell is blank is not ranked on its Thẩm định alone."""
    t = Table(["KẾT QUẢ CHỈ SỐ CCHC CÁC SỞ, BAN, NGÀNH NĂM 2025"],
              [["STT", "Tên đơn vị", "Điểm thẩm định", "Điểm điều tra XHH", "Tổng điểm", "Xếp hạng"]],
              [[1, "Sở Nội vụ", "78,5", "12,75", "91,25", 1], [2, "Sở Y tế", "70", "", "85", 2],
               [3, "Sở Tư pháp", "67,9", "12", "79,9", 3]])
    path = write_txt(tmp_path / "so.txt", t)
    code, out, _ = run(["rank", path, "--json"], capsys)
    rows = json.loads(out)
    assert [(r["name"], r["total"], r["rank"]) for r in rows] == [
        ("Sở Nội vụ", 91.25, 1), ("Sở Tư pháp", 79.9, 2), ("Sở Y tế", 70.0, None)]
    # the JSON says why a unit has no rank, as the text output does under its table
    assert [(r["missing"], r["reason"]) for r in rows] == [
        ([], None), ([], None), ([{"kind": "survey", "field": None, "cell": "so.txt, bảng 1, dòng 5"}], "thiếu ĐT XHH")]
    code, out, _ = run(["check", path, "--json"], capsys)
    [missing] = [f for f in json.loads(out) if f["code"] == "survey-missing"]
    assert code == 1 and missing["unit"] == "Sở Y tế" and "ĐT XHH" in missing["message"]


def test_a_draft_set_never_drops_the_survey_columns_it_saw(tmp_path, capsys):
    """ĐT XHH columns without a printed maximum: the draft leaves survey_max blank for the user (0 would rank
    every unit without its survey scores) and says so; the draft does not load until it is filled."""
    t = Table(["UBND TỈNH TUYÊN QUANG", "KẾT QUẢ CHỈ SỐ CCHC CÁC XÃ, PHƯỜNG NĂM 2025"],
              [["STT", "Tên đơn vị", "Công tác chỉ đạo, điều hành (30)", "", "Cải cách thể chế (25)", "", "Tổng điểm"],
               ["", "", "Thẩm định", "ĐT XHH", "Thẩm định", "ĐT XHH", ""]],
              [[1, "Xã Lũng Cú", 25, "4,5", 20, 4, "53,5"], [2, "Phường Minh Xuân", 28, 5, 22, "4,75", "59,75"]],
              merges=[(0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 0, 3), (0, 4, 0, 5), (0, 6, 1, 6)])
    path = write_xlsx(tmp_path / "xa.xlsx", t)
    draft = tmp_path / "bo.yaml"
    code, _, err = run(["import", path, "--write-set", draft], capsys)
    text = draft.read_text(encoding="utf-8")
    assert code == 0 and "survey_max: null" in text and "survey_max: 0" not in text
    assert "cần sửa" in err and "survey_max" in err
    code, _, err = run(["rank", path, "--set", draft], capsys)
    assert code == 2 and "survey_max" in err


GROUPED = ["UBND TỈNH HẢI PHÒNG", "KẾT QUẢ CHỈ SỐ CCHC NĂM 2025 CÁC SỞ, BAN, NGÀNH"]
GROUP_HEAD = [["STT", "Tên cơ quan", "Tổng điểm", "Xếp hạng", "Xếp loại"]]


HEADINGS = {  # how a group's heading row is written: two cells, or one cell merged across the row
    "two cells": (["I", "KHỐI CƠ QUAN CHUYÊN MÔN", "", "", ""], ["II", "KHỐI CƠ QUAN NGÀNH DỌC", "", "", ""], False),
    "merged": (["I. KHỐI CƠ QUAN CHUYÊN MÔN", "", "", "", ""], ["II. KHỐI CƠ QUAN NGÀNH DỌC", "", "", "", ""], True),
    "letters": (["A. KHỐI CƠ QUAN CHUYÊN MÔN", "", "", "", ""], ["B. KHỐI CƠ QUAN NGÀNH DỌC", "", "", "", ""], True),
    "no numeral": (["KHỐI CƠ QUAN CHUYÊN MÔN", "", "", "", ""], ["KHỐI CƠ QUAN NGÀNH DỌC", "", "", "", ""], True),
}


@pytest.mark.parametrize("fmt", ["xlsx", "docx", "txt"])
@pytest.mark.parametrize("shape", sorted(HEADINGS))
def test_groups_ranked_on_their_own_are_checked_on_their_own(tmp_path, capsys, fmt, shape):
    """'I. KHỐI CƠ QUAN CHUYÊN MÔN' and 'II. KHỐI CƠ QUAN NGÀNH DỌC', ranks starting again at 1 in each: each group
    is ranked and checked alone (one list would call every rank of the second group wrong)."""
    first, second, merged = HEADINGS[shape]
    t = Table(GROUPED, GROUP_HEAD,
              [first, [1, "Sở Tài chính", 90.5, 1, "Xuất sắc"], [2, "Sở Xây dựng", 80, 2, "Tốt"], second,
               [1, "Cục Thuế", 85, 1, "Tốt"], [2, "Công an tỉnh", 70, 2, "Khá"]],
              merges=[(1, 0, 1, 4), (4, 0, 4, 4)] if merged else [])
    path = {"xlsx": write_xlsx, "docx": write_docx, "txt": write_txt}[fmt](tmp_path / f"khoi.{fmt}", t)
    code, out, _ = run(["check", path, "--bands", BANDS, "--json"], capsys)
    findings = json.loads(out)
    assert code == 0 and [f for f in findings if f["severity"] != "info"] == []
    assert sorted(f["code"] for f in findings) == ["ranked-by-group"] * 2
    code, out, _ = run(["rank", path, "--bands", BANDS, "--json"], capsys)
    one, two = first[0] + (f". {first[1]}" if first[1] else ""), second[0] + (f". {second[1]}" if second[1] else "")
    assert [(r["name"], r["rank"], r["class"], r["table"].split(" – ")[-1]) for r in json.loads(out)] == [
        ("Sở Tài chính", 1, "Xuất sắc", one), ("Sở Xây dựng", 2, "Tốt", one),
        ("Cục Thuế", 1, "Tốt", two), ("Công an tỉnh", 2, "Khá", two)]


def test_a_tie_at_the_top_of_two_groups_is_one_list(tmp_path, capsys):
    """One list whose first place is shared by a unit of each group prints 1, 3, 4 | 1, 5: not a ranking per group."""
    t = Table(GROUPED, GROUP_HEAD,
              [["I", "KHỐI CƠ QUAN CHUYÊN MÔN", "", "", ""], [1, "Sở Tài chính", 90, 1, "Xuất sắc"],
               [2, "Sở Tư pháp", 85, 3, "Tốt"], [3, "Sở Xây dựng", 80, 4, "Tốt"], ["II", "KHỐI NGÀNH DỌC", "", "", ""],
               [4, "Cục Thuế", 90, 1, "Xuất sắc"], [5, "Công an tỉnh", 70, 5, "Khá"]])
    code, out, _ = run(["check", write_xlsx(tmp_path / "chung.xlsx", t), "--bands", BANDS, "--json"], capsys)
    findings = json.loads(out)
    assert code == 0 and [f["code"] for f in findings if f["severity"] == "error"] == []
    assert [f["code"] for f in findings if f["code"].startswith(("groups", "ranked"))] == ["groups-one-list"]


def test_groups_ranked_as_one_list_stay_one_list_and_say_so(tmp_path, capsys):
    t = Table(GROUPED, GROUP_HEAD,
              [["I", "KHỐI CƠ QUAN CHUYÊN MÔN", "", "", ""], [1, "Sở Tài chính", 90.5, 1, "Xuất sắc"],
               [2, "Sở Xây dựng", 80, 3, "Tốt"], ["II", "KHỐI CƠ QUAN NGÀNH DỌC", "", "", ""],
               [3, "Cục Thuế", 85, 2, "Tốt"], [4, "Công an tỉnh", 70, 4, "Khá"]])
    path = write_xlsx(tmp_path / "chung.xlsx", t)
    code, out, _ = run(["check", path, "--bands", BANDS, "--json"], capsys)
    findings = json.loads(out)
    assert code == 0 and not [f for f in findings if f["severity"] == "error"]
    note, = [f for f in findings if f["code"] == "groups-one-list"]
    assert "I. KHỐI CƠ QUAN CHUYÊN MÔN; II. KHỐI CƠ QUAN NGÀNH DỌC" in note["message"]
    code, out, _ = run(["rank", path, "--bands", BANDS, "--json"], capsys)
    assert [r["rank"] for r in json.loads(out)] == [1, 2, 3, 4]


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_a_row_without_the_survey_other_rows_print_per_field_is_not_ranked(tmp_path, capsys, fmt):
    """Thẩm định and ĐT XHH per field; one commune's ĐT XHH cells all blank, its Tổng điểm = its Thẩm định (so the
    row adds up): it is not complete, never ranked on its Thẩm định alone, and the published documents are drafts."""
    t = Table(["UBND TỈNH TUYÊN QUANG", "KẾT QUẢ CHỈ SỐ CCHC CÁC XÃ, PHƯỜNG NĂM 2025"],
              [["STT", "Tên đơn vị", "Công tác chỉ đạo, điều hành", "", "Cải cách thể chế", "", "Tổng điểm",
                "Xếp hạng"],
               ["", "", "Thẩm định", "ĐT XHH", "Thẩm định", "ĐT XHH", "", ""]],
              [[1, "Xã Lũng Cú", 25, 4.5, 20, 4, 53.5, 1], [2, "Phường Minh Xuân", 28, 4.75, 22, 4, 58.75, 2],
               [3, "Xã Đồng Văn", 30, "", 23.5, "", 53.5, 3], [4, "Xã Mèo Vạc", 28, "", 22, "", 59.5, 4]],
              merges=[(0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 0, 3), (0, 4, 0, 5), (0, 6, 1, 6), (0, 7, 1, 7)])
    path = (write_xlsx if fmt == "xlsx" else write_docx)(tmp_path / f"xa.{fmt}", t)
    set_file = tmp_path / "bo.yaml"
    set_file.write_text("id: tuyenquang-2025-xa\nprovince: Tuyên Quang\nlevel: xa\nyears: [2025]\ndecimals: 2\n"
                        "district_rule: false\nfields:\n"
                        "  - {code: '1', name: 'Công tác chỉ đạo, điều hành', max: 30, survey_max: 5}\n"
                        "  - {code: '2', name: 'Cải cách thể chế', max: 25, survey_max: 5}\n"
                        "total: 65\nbands_basis: points\nbands:\n  - {label: 'Tốt', min: 50}\n  - {label: 'Yếu', min: 0}\n",
                        encoding="utf-8")
    code, out, _ = run(["rank", path, "--set", set_file, "--json"], capsys)
    rows = {r["name"]: r for r in json.loads(out)}
    assert rows["Xã Đồng Văn"]["rank"] is None and rows["Xã Đồng Văn"]["reason"] == "thiếu ĐT XHH: cả 2 lĩnh vực"
    assert (rows["Phường Minh Xuân"]["rank"], rows["Xã Lũng Cú"]["rank"]) == (1, 2)
    code, out, _ = run(["check", path, "--set", set_file, "--json"], capsys)
    findings = json.loads(out)
    assert code == 1 and {f["code"] for f in findings if f["unit"] == "Xã Đồng Văn"} >= {"survey-missing"}
    # its printed Tổng điểm counts the survey the row lacks: the missing cells are the error, not the total
    mèo_vạc = {f["code"] for f in findings if f["unit"] == "Xã Mèo Vạc"}
    assert "survey-missing" in mèo_vạc and "total-mismatch" not in mèo_vạc


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_a_table_saved_as_csv_reads_as_the_same_table_in_xlsx(tmp_path, capsys, delimiter):
    """Excel's 'CSV UTF-8' of a ranking (title row, header, '86,500' in quotes): rank, check and template --units
    read it as they read the .xlsx (it used to be refused: 'chưa đọc được loại tệp .csv')."""
    import csv

    path = tmp_path / "xa.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        w = csv.writer(out, delimiter=delimiter)
        for line in COMMUNES.title:
            w.writerow([line] + [""] * 5)
        w.writerows(COMMUNES.header + [[str(c) for c in row] for row in COMMUNES.rows])
    xlsx = write_xlsx(tmp_path / "xa.xlsx", COMMUNES)
    results = []
    for source in (path, xlsx):
        code, out, _ = run(["rank", source, "--bands", BANDS, "--json"], capsys)
        assert code == 0
        results.append([(r["name"], r["total"], r["rank"], r["class"]) for r in json.loads(out)])
    assert results[0] == results[1] and len(results[0]) == 3


def test_a_csv_as_vietnamese_excel_saves_it(tmp_path, capsys):
    """';' between cells, '93,08' unquoted, commas inside texts ('Tên cơ quan, đơn vị', 'SỞ, BAN, NGÀNH'): the
    separator is the one that cuts every row alike, not the first comma a sniffer sees."""
    path = tmp_path / "so.csv"
    path.write_text("KẾT QUẢ CHỈ SỐ CCHC CÁC SỞ, BAN, NGÀNH NĂM 2025\nSTT;Tên cơ quan, đơn vị;Tổng điểm;Xếp hạng\n"
                    "1;Sở Tư pháp;93,08;1\n2;Sở Nội vụ;89,5;2\n3;Sở Y tế;79;3\n", encoding="utf-8-sig")
    code, out, _ = run(["rank", path, "--json"], capsys)
    assert code == 0 and [(r["name"], r["total"], r["rank"]) for r in json.loads(out)] == [
        ("Sở Tư pháp", 93.08, 1), ("Sở Nội vụ", 89.5, 2), ("Sở Y tế", 79.0, 3)]


def test_a_numbered_title_between_two_text_tables_still_separates_them(tmp_path, capsys):
    """'II. KẾT QUẢ CẤP HUYỆN' followed by a header is the next table's title, not a group of the first table."""
    text = "\n".join([
        "KẾT QUẢ CHỈ SỐ CCHC NĂM 2024", "I. CÁC SỞ, BAN, NGÀNH", "STT\tTên đơn vị\tTổng điểm\tXếp hạng",
        "1\tSở Nội vụ\t90,5\t1", "2\tSở Tư pháp\t80\t2", "II. CÁC HUYỆN, THÀNH PHỐ", "STT\tTên đơn vị\tTổng điểm\tXếp hạng",
        "1\tHuyện Ba Bể\t85\t1", "2\tHuyện Na Rì\t70\t2", ""])
    path = tmp_path / "hai_bang.txt"
    path.write_text(text, encoding="utf-8")
    code, out, _ = run(["rank", path, "--json"], capsys)
    rows = json.loads(out)
    assert code == 0 and len({r["table"] for r in rows}) == 2
    assert [(r["name"], r["rank"]) for r in rows] == [("Sở Nội vụ", 1), ("Sở Tư pháp", 2), ("Huyện Ba Bể", 1),
                                                      ("Huyện Na Rì", 2)]


def test_a_summary_row_numbered_like_a_group_is_never_a_unit(tmp_path, capsys):
    """'I | Khối cơ quan chuyên môn | 85,5' (a group's subtotal) holds a score but is no unit: not ranked, and said."""
    t = Table(GROUPED, GROUP_HEAD, [["I", "Khối cơ quan chuyên môn", "85,25", "", ""], [1, "Sở Tài chính", 90.5, 1, "Xuất sắc"],
                                    [2, "Sở Xây dựng", 80, 2, "Tốt"]])
    for path in (write_xlsx(tmp_path / "khoi.xlsx", t), write_txt(tmp_path / "khoi.txt", t)):
        code, out, err = run(["rank", path, "--bands", BANDS, "--json"], capsys)
        assert code == 0 and [r["name"] for r in json.loads(out)] == ["Sở Tài chính", "Sở Xây dựng"]
        assert "dòng đánh số 'I' không phải một đơn vị" in err


def test_rows_under_the_units_are_neither_units_nor_the_last_unit(tmp_path, capsys):
    """Tổng điểm, Tổng cộng, Cộng, Trung bình and the signatures under a summary, without STT: no unit, and never
    the rest of the last unit's row (its score read '81,5 174' as 81,517…); 'Công an tỉnh' without STT is a unit."""
    t = Table(GROUPED, GROUP_HEAD,
              [[1, "Sở Tài chính", "92,5", 1, "Xuất sắc"], [2, "Sở Xây dựng", "81,5", 3, "Tốt"],
               ["", "Công an tỉnh", "87", 2, "Tốt"], ["", "Tổng điểm", "261", "", ""], ["", "Tổng cộng", "261", "", ""],
               ["", "Cộng", "261", "", ""], ["", "Trung bình", "87", "", ""], ["", "Người lập biểu", "", "Thủ trưởng", ""]])
    csv = tmp_path / "chan.csv"
    csv.write_text(write_txt(tmp_path / "for_csv.txt", t).read_text(encoding="utf-8").replace("\t", ";"), encoding="utf-8")
    for path in [*write_all(tmp_path, "chan", t), csv]:
        code, out, _ = run(["rank", path, "--bands", BANDS, "--json"], capsys)
        assert code == 0, path
        assert [(r["name"], r["total"], r["rank"]) for r in json.loads(out)] == [
            ("Sở Tài chính", 92.5, 1), ("Công an tỉnh", 87, 2), ("Sở Xây dựng", 81.5, 3)], path


def test_a_total_over_the_sets_maximum_is_an_error_and_publishes_a_draft(tmp_path, capsys):
    # QA finding 1: 120 in a table of totals whose set (and header) says 105 passed check and was published as official
    set_path = tmp_path / "tong-105.yaml"
    code, _, err = run(["set", "new", "--totals-only", "-o", set_path, "--bands", BANDS, "--total", "105", "--level",
                        "so", "--province", "Tuyên Quang", "--years", "2025", "--decimals", "2"], capsys)
    assert code == 0, err
    t = Table(["KẾT QUẢ CHỈ SỐ CCHC CÁC SỞ, BAN, NGÀNH TỈNH TUYÊN QUANG NĂM 2025"],
              [["STT", "Tên đơn vị", "Tổng điểm (Tối đa 105 điểm)", "Thứ hạng", "Phân loại"]],
              [[1, "Sở Xây dựng", "120", 1, "Xuất sắc"], [2, "Sở Tư pháp", "103,5", 2, "Xuất sắc"],
               [3, "Sở Y tế", "88,4", 3, "Tốt"]])
    path = write_xlsx(tmp_path / "vuot.xlsx", t)
    for argv in (["--set", set_path], []):  # the set's maximum, or without a set the one the header prints
        code, out, _ = run(["check", path, "--json", *argv], capsys)
        found = [(f["severity"], f["unit"]) for f in json.loads(out) if f["code"] == "score-out-of-range"]
        assert code == 1 and found == [("error", "Sở Xây dựng")], argv
    code, _, err = run(["publish", path, "--set", set_path, "-o", tmp_path / "pub"], capsys)
    assert code == 1 and "DỰ THẢO" in err and "120" in err


def test_rank_names_a_unit_listed_twice_and_exits_1(tmp_path, capsys):
    t = Table(["XẾP HẠNG CÁC SỞ NĂM 2024"], [["STT", "Tên đơn vị", "Tổng điểm", "Xếp hạng"]],
              [[1, "Sở A", "90,5", 1], [2, "Sở B", "85", 2], [3, "Sở a", "80", 3]])
    path = write_txt(tmp_path / "trung.txt", t)
    code, out, err = run(["rank", path, "--json"], capsys)
    assert code == 1 and [r["rank"] for r in json.loads(out)] == [1, 2, 3]
    assert "Trùng đơn vị: Sở a" in err and "'Sở A'" in err and "dòng" in err, err
