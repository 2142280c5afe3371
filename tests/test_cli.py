import json

import pytest

from xltools.cli import main

RANK_KEYS = {"stt", "name", "self_total", "appraised_total", "survey_total", "total", "rank", "class"}
CHECK_KEYS = {"severity", "code", "unit", "field", "message"}


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_sets(capsys):
    code, out, _ = run(capsys, "sets")
    assert code == 0 and "backan-2024-so" in out and "bacgiang-2023-tinh" in out and "Xuất sắc ≥ 90" in out


def test_rank_json_contract(capsys, data_dir):
    code, out, _ = run(capsys, "rank", str(data_dir / "phu_luc_backan_2024_so_huyen.txt"), "--set", "backan-2024-so",
                       "--json")
    rows = json.loads(out)
    assert code == 0 and len(rows) == 19 and RANK_KEYS <= set(rows[0])
    assert rows[0] == {**rows[0], "stt": 1, "name": "Văn phòng UBND tỉnh", "self_total": 86.13,
                       "appraised_total": 84.03, "survey_total": 12.449, "total": 96.479, "rank": 1, "class": "Tốt"}
    assert "class_after_rule" not in rows[0]


def test_rank_json_districts_and_communes(capsys, data_dir):
    _, out, _ = run(capsys, "rank", str(data_dir / "bao_cao_118_backan_2023_huyen_xa.txt"), "--json")
    rows = json.loads(out)
    tp = next(r for r in rows if r["name"] == "TP Bắc Kạn")
    assert tp["class_after_rule"] == "Tốt" and tp["total"] == 87.461
    commune = next(r for r in rows if r["name"] == "UBND xã Dương Quang")
    assert commune["district"] == "Thành phố Bắc Kạn" and commune["class"] == "Khá"


def test_rank_text(capsys, data_dir):
    code, out, _ = run(capsys, "rank", str(data_dir / "phu_luc_backan_2024_so_huyen.txt"))
    assert code == 0 and "96,479" in out and "Phụ lục II" in out


def test_rank_exits_1_while_units_wait_for_scores(capsys, tmp_path):
    """A ranking that leaves units unranked is printed, but it is not the table's: exit 1, and it says how many."""
    from openpyxl import load_workbook

    path = tmp_path / "moi.xlsx"
    assert run(capsys, "template", "--set", "backan-2024-so", "-o", str(path))[0] == 0
    code, out, _ = run(capsys, "rank", str(path))
    assert code == 1 and "Chưa xếp hạng, xếp loại 19/19 đơn vị chưa đủ điểm" in out
    code, out, _ = run(capsys, "rank", str(path), "--json")
    assert code == 1 and all(r["rank"] is None for r in json.loads(out))
    wb = load_workbook(path)  # every Thẩm định typed: the whole table is ranked, exit 0
    ws = wb["Tổng hợp Sở"]
    for row in ws.iter_rows(min_row=7, max_row=25):
        for cell in row:
            if not cell.protection.locked and cell.value is None:
                cell.value = 1
    wb.save(path)
    code, out, _ = run(capsys, "rank", str(path))
    assert code == 0 and "Chưa xếp hạng" not in out, out


def test_check_piped_into_head_keeps_its_answer(tmp_path, capsys):
    """`xltools check … | head`: the reader leaves after one line; the command's exit code is still 1 (the table
    has errors), never a 0 the broken pipe made up, and nothing is printed about the pipe."""
    import subprocess
    import sys

    names = tmp_path / "ten.txt"
    names.write_text("\n".join(f"Xã Số {i}" for i in range(1, 301)), encoding="utf-8")
    book = tmp_path / "moi.xlsx"
    assert run(capsys, "template", "--set", "backan-2023-xa", "--units", str(names), "-o", str(book))[0] == 0
    for extra in ([], ["--json"]):  # ~2 100 findings: far more than a pipe holds
        proc = subprocess.Popen([sys.executable, "-m", "xltools", "check", str(book), *extra],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        proc.stdout.readline()
        proc.stdout.close()  # as head does after its lines
        err = proc.stderr.read().decode()
        assert proc.wait(timeout=120) == 1 and "BrokenPipe" not in err and "Exception" not in err, err


def test_check_text_counts_what_repeats_all_shows_it(tmp_path, capsys):
    """A fresh workbook of 300 communes: 2 100 'Thiếu Thẩm định' lines would bury everything else; the text shows
    30 of them and counts the rest with how to see them; --all and --json list every one; the exit code is the same."""
    names = tmp_path / "ten.txt"
    names.write_text("\n".join(f"Xã Số {i}" for i in range(1, 301)), encoding="utf-8")
    book = tmp_path / "moi.xlsx"
    assert run(capsys, "template", "--set", "backan-2023-xa", "--units", str(names), "-o", str(book))[0] == 0
    code, out, _ = run(capsys, "check", str(book))
    assert code == 1 and out.count("[appraised-missing]:") == 30, out[-2000:]
    assert "… và 2 070 dòng 'Thiếu Thẩm định' [appraised-missing] khác (cùng loại, 2 100 dòng cả thảy): xem hết bằng " \
           "`xltools check moi.xlsx --all` hoặc --json." in out
    code, out, _ = run(capsys, "check", str(book), "--all")
    assert code == 1 and out.count("[appraised-missing]:") == 2100 and "… và" not in out
    code, out, _ = run(capsys, "check", str(book), "--json")
    assert code == 1 and sum(f["code"] == "appraised-missing" for f in json.loads(out)) == 2100


def test_a_file_name_that_is_not_utf8_is_shown_never_a_crash(tmp_path, capsys, data_dir):
    """A name from an old disk or a Windows zip (byte 0xff): shown escaped; check/rank answer as for any file."""
    import os
    import subprocess
    import sys

    if sys.platform == "win32":
        pytest.skip("Windows file names are Unicode")
    name = os.fsdecode(b"bang\xff.txt")
    (tmp_path / name).write_bytes((data_dir / "phu_luc_backan_2024_so_huyen.txt").read_bytes())
    for argv, code in ((["check"], 1), (["check", "--json"], 1), (["rank"], 0), (["rank", "--json"], 0)):
        done = subprocess.run([sys.executable, "-m", "xltools", argv[0], name, *argv[1:]], cwd=tmp_path,
                              capture_output=True)
        out, err = done.stdout.decode(), done.stderr.decode()
        assert done.returncode == code and "Traceback" not in err and "không mong đợi" not in err, (argv, err)
        if "--json" in argv:
            json.loads(out)


def test_check_exit_codes_and_json(capsys, data_dir):
    code, out, _ = run(capsys, "check", str(data_dir / "phu_luc_backan_2024_so_huyen.txt"), "--json")
    rows = json.loads(out)
    assert code == 1 and all(CHECK_KEYS <= set(r) for r in rows)
    assert {r["code"] for r in rows if r["severity"] == "error"} == {"total-mismatch"}
    code, out, _ = run(capsys, "check", str(data_dir / "bieu_tu_danh_gia_bacgiang_2023_tinh.txt"))
    assert code == 0 and "0 lỗi" in out


@pytest.mark.parametrize("argv, message", [
    (["rank", "khong-co.txt"], "Không tìm thấy tệp"),
    (["rank", "{data}/phu_luc_backan_2024_so_huyen.txt", "--set", "khong-co"], "Không có bộ tiêu chí"),
    (["rank", "{data}/phu_luc_backan_2024_so_huyen.txt", "--set", "backan-2023-xa"], "không có bảng cấp"),
])
def test_errors_are_messages_not_tracebacks(capsys, data_dir, argv, message):
    code, out, err = run(capsys, *[a.format(data=data_dir) for a in argv])
    assert code == 2 and message in err and "Traceback" not in err


def test_bad_number_in_a_table_names_the_row(capsys, tmp_path, data_dir):
    text = (data_dir / "phu_luc_backan_2024_so_huyen.txt").read_text(encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_text(text.replace("<b>8,030</b>", "<b>8,0a</b>").replace("<b>84,030</b>", "<b>8.4.030</b>"),
                   encoding="utf-8")
    code, out, _ = run(capsys, "check", str(bad), "--json")
    [finding] = [f for f in json.loads(out) if f["found"] == "8.4.030"]
    assert code == 1 and finding["severity"] == "error" and finding["code"] == "score-not-number"
    assert finding["where"].startswith("bad.txt, Phụ lục I, dòng") and "8.4.030" in finding["message"]


def test_rank_of_a_workbook_uses_its_own_edited_bands(capsys, tmp_path, data_dir):
    """`rank BOOK.xlsx` without --set classes with the bands on the workbook's Cấu hình sheet."""
    from openpyxl import load_workbook

    book = tmp_path / "bang.xlsx"
    assert main(["template", "--set", "backan-2024-so", "--units", str(data_dir / "phu_luc_backan_2024_so_huyen.txt"),
                 "--with-appraised", "-o", str(book)]) == 0
    wb = load_workbook(book)
    ws = wb["Cấu hình"]
    assert ws["A13"].value == "Tốt" and ws["B13"].value == 80
    ws["B13"] = 95  # Tốt from 95: only the first unit keeps it
    wb.save(book)
    capsys.readouterr()
    rows = json.loads(run(capsys, "rank", str(book), "--json")[1])
    assert [r["class"] for r in rows[:3]] == ["Tốt", "Khá", "Khá"]
    rows = json.loads(run(capsys, "rank", str(book), "--set", "backan-2024-so", "--json")[1])
    assert [r["class"] for r in rows[:3]] == ["Tốt", "Tốt", "Tốt"]  # --set names the shipped bands


def test_demo_main_job(capsys, demo_out):
    """The README's main job: ranking, findings, the live workbook, the appendix and the report."""
    code, out, tmp_path = demo_out
    assert code == 0 and "96,479" in out and "total-mismatch" in out
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["bang_tham_dinh_mau.xlsx", "phu_luc_backan_2024_so_huyen_bao_cao.docx",
                     "phu_luc_backan_2024_so_huyen_phu_luc.docx", "phu_luc_backan_2024_so_huyen_phu_luc.xlsx"]
    # what the demo wrote reads back to the same ranking
    rows = json.loads(run(capsys, "rank", str(tmp_path / "phu_luc_backan_2024_so_huyen_phu_luc.xlsx"), "--json")[1])
    assert rows[0]["name"] == "Văn phòng UBND tỉnh" and rows[0]["total"] == 96.479
    rows = json.loads(run(capsys, "rank", str(tmp_path / "bang_tham_dinh_mau.xlsx"), "--json")[1])
    assert [r["rank"] for r in rows[:19]] == list(range(1, 20))


@pytest.mark.parametrize("value", ["-1", "40", "2,5", "hai"])
def test_decimals_out_of_range_is_a_usage_error_not_a_crash(capsys, data_dir, value):
    with pytest.raises(SystemExit) as stop:
        main(["rank", str(data_dir / "quyet_dinh_backan_2023_xa.txt"), "--decimals", value])
    err = capsys.readouterr().err
    assert stop.value.code == 2 and "số nguyên từ 0 đến 6" in err and "Lỗi không mong đợi" not in err


def test_a_folder_given_to_rank_or_check_says_it_is_a_folder(capsys, tmp_path):
    folder = tmp_path / "bieu"
    folder.mkdir()
    for command in ("rank", "check"):
        code, _, err = run(capsys, command, folder)
        assert code == 2 and "là một thư mục" in err and "xltools import bieu" in err, err


def test_a_word_in_a_score_cell_is_quoted_as_typed_and_named_once(capsys, tmp_path):
    """'chưa chấm' typed in the Điểm đánh giá column: the message quotes it with its space and names the column
    once (it said "Điểm đánh giá: điểm Điểm đánh giá: ô ghi 'chưachấm'")."""
    table = tmp_path / "thieu.csv"
    table.write_text("STT;Tên đơn vị;Điểm đánh giá;Xếp hạng\n1;Sở Tư pháp;91,5;1\n2;Sở Xây dựng;chưa chấm;\n",
                     encoding="utf-8")
    code, out, _ = run(capsys, "check", "--json", table)
    [finding] = [f for f in json.loads(out) if f["code"] == "score-not-number"]
    assert code == 1 and finding["found"] == "chưa chấm"
    # one error for the cell, not a second 'Thiếu tổng điểm' for the same cell
    assert [f["code"] for f in json.loads(out) if f["unit"] == "Sở Xây dựng"] == ["score-not-number"]
    assert finding["message"].startswith("Sở Xây dựng – Điểm đánh giá: ô ghi 'chưa chấm'"), finding["message"]


def test_rank_warns_when_the_set_is_for_another_year_or_level_than_the_title(capsys, tmp_path):
    """check lists it as a warning; rank printed the ranking without a word (a neighbour's or last year's set)."""
    table = tmp_path / "huyen.csv"
    table.write_text("KẾT QUẢ CHỈ SỐ CCHC CỦA UBND CÁC HUYỆN, THÀNH PHỐ NĂM 2023\nSTT;Tên đơn vị;Tổng điểm;Xếp hạng\n"
                     "1;Huyện Ba Bể;85,5;1\n2;Huyện Pác Nặm;80;2\n", encoding="utf-8")
    code, out, err = run(capsys, "rank", table, "--set", "backan-2024-so")
    assert code == 0 and "Huyện Ba Bể" in out
    assert "Cảnh báo" in err and "năm 2023" in err and "cấp UBND huyện" in err and "backan-2024-so" in err, err
    code, out, err = run(capsys, "rank", table)  # the set the title names: nothing to warn about
    assert "tiêu đề bảng ghi" not in err


def test_rank_of_a_table_with_a_score_over_its_maximum_says_so_and_exits_1(capsys, tmp_path):
    """A total of 120 under 'Tổng điểm (Tối đa 105 điểm)': check calls it an error; rank ranked it first as printed,
    exit 0, without a word. It still ranks it as printed (the --json is the document's), but says why the ranking is
    not to be trusted, and exits 1."""
    table = tmp_path / "tong.csv"
    table.write_text("STT;Tên đơn vị;Tổng điểm (Tối đa 105 điểm);Xếp hạng\n1;Sở Xây dựng;120;1\n2;Sở Tư pháp;103,5;2\n",
                     encoding="utf-8")
    code, out, err = run(capsys, "rank", table)
    assert code == 1 and "Sở Xây dựng" in out
    assert "Điểm ngoài khoảng" in err and "120" in err and "105" in err and "dòng 2" in err, err
    code, out, _ = run(capsys, "rank", "--json", table)
    assert code == 1 and [r["name"] for r in json.loads(out)] == ["Sở Xây dựng", "Sở Tư pháp"]


def test_a_finding_in_a_word_table_names_its_row(capsys, tmp_path):
    """A field score over its maximum in a .docx table said '(…, bảng 1, ô thứ 3)': which of the rows?"""
    from table_files import Table, write_docx

    t = Table(["UBND TỈNH TUYÊN QUANG", "KẾT QUẢ CHỈ SỐ CCHC CÁC XÃ, PHƯỜNG NĂM 2025"],
              [["STT", "Tên đơn vị", "Công tác chỉ đạo, điều hành", "", "Cải cách thể chế", "", "Tổng điểm"],
               ["", "", "Thẩm định", "ĐT XHH", "Thẩm định", "ĐT XHH", ""]],
              [[1, "Xã Lũng Cú", 25, 4.5, 20, 4, 53.5], [2, "Phường Minh Xuân", 31, 4.75, 22, 4, 61.75]],
              merges=[(0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 0, 3), (0, 4, 0, 5), (0, 6, 1, 6)])
    path = write_docx(tmp_path / "xa.docx", t)
    set_file = tmp_path / "bo.yaml"
    set_file.write_text("id: tuyenquang-2025-xa\nprovince: Tuyên Quang\nlevel: xa\nyears: [2025]\ndecimals: 2\n"
                        "fields:\n  - {code: '1', name: 'Công tác chỉ đạo, điều hành', max: 30, survey_max: 5}\n"
                        "  - {code: '2', name: 'Cải cách thể chế', max: 25, survey_max: 5}\n"
                        "bands:\n  - {label: 'Tốt', min: 50}\n  - {label: 'Yếu', min: 0}\n", encoding="utf-8")
    code, out, _ = run(capsys, "check", "--json", path, "--set", set_file)
    [finding] = [f for f in json.loads(out) if f["code"] == "score-out-of-range"]
    assert finding["where"] == "xa.docx, bảng 1, dòng 4, ô thứ 3", finding["where"]
