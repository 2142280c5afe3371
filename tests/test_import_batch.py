"""`xltools import FOLDER`: one form per unit into one workbook; bad files listed, the batch goes on."""
import io
import json
import shutil
from decimal import Decimal as D

import pytest
from office_samples import seed_tables, write_forms, write_xlsx

from xltools.cli import main
from xltools.core.numbers import format_vn_short
from xltools.files import backups
from xltools.importers.batch import ProgressBar
from xltools.importers.registry import read_tables
from xltools.workbook.reader import is_appraisal_workbook

SEED = "bieu_tu_danh_gia_bacgiang_2023_tinh.txt"
SET = "bacgiang-2023-tinh"


def folder_with_problems(tmp_path, data_dir):
    folder = tmp_path / "bieu"
    write_forms(folder, 4, data_dir / SEED, kinds=("xlsx", "docx"))
    (folder / "hong.xlsx").write_bytes((folder / "bieu_0002.xlsx").read_bytes()[:3000])
    (folder / "van_ban.docx").write_text("không phải Word", encoding="utf-8")
    shutil.copy(folder / "bieu_0001.docx", folder / "bieu_0001_ban_sao.docx")  # the same unit twice
    write_xlsx(folder / "phu_luc.xlsx", seed_tables(data_dir / "phu_luc_backan_2024_so_huyen.txt"))
    (folder / "~$bieu_0002.xlsx").write_bytes(b"lock")  # Excel's lock file: not a form
    (folder / "ghi_chu.txt").write_text("không phải biểu", encoding="utf-8")
    return folder


def test_consolidate_lists_failures_and_writes_workbook(tmp_path, capsys, data_dir):
    folder, out = folder_with_problems(tmp_path, data_dir), tmp_path / "tong_hop.xlsx"
    survey = tmp_path / "xhh.csv"
    survey.write_text("Đơn vị,Lĩnh vực,Điểm\nSở số 1,2,\"3,5\"\nSở số 9,2,1\n", encoding="utf-8")
    code = main(["import", str(folder), "--set", SET, "-o", str(out), "--survey", str(survey)])
    captured = capsys.readouterr()
    assert code == 1
    assert "Đã đọc 4/8 tệp" in captured.out and "lỗi 4 tệp" in captured.out
    for text in ("hong.xlsx: tệp Excel bị hỏng", "van_ban.docx: không phải tệp Word",
                 "bieu_0001_ban_sao.docx: đơn vị 'Sở số 1' trùng với tệp bieu_0001.docx",
                 "phu_luc.xlsx: không có Biểu tự đánh giá", "Sở số 9 (xhh.csv, dòng 3)"):
        assert text in captured.out, text
    assert "Đang đọc 8/8 tệp" in captured.err and "Traceback" not in captured.err
    assert f"Đã ghi bảng tính thẩm định: {out}" in captured.out
    assert is_appraisal_workbook(out)
    [table] = read_tables(out)  # the detail of each form reached the workbook
    detail = table.units[0].criteria
    assert (detail["1.3.1"].self_score, detail["1.3.1"].reason[:42]) == (1, "Năm 2023, Thực hiện Kế hoạch số 41/KH-UBND")
    assert sum(c.self_score for c in detail.values()) == D("65.249")  # the survey-scored leaves are 0
    assert main(["rank", str(out), "--set", SET, "--json"]) == 1  # read; no Thẩm định yet: unranked
    rows = json.loads(capsys.readouterr().out)
    assert [r["name"] for r in rows] == [f"Sở số {i}" for i in range(1, 5)]
    assert {r["self_total"] for r in rows} == {65.249} and rows[0]["survey_total"] == 3.5


def test_second_run_keeps_a_backup(tmp_path, capsys, data_dir):
    folder = tmp_path / "bieu"
    out = folder / "th.xlsx"  # kept beside the forms: not read as a form on the next run
    write_forms(folder, 2, data_dir / SEED)
    assert main(["import", str(folder), "--set", SET, "-o", str(out)]) == 0
    capsys.readouterr()
    from openpyxl import load_workbook

    wb = load_workbook(out)  # the appraisers type into the consolidated workbook
    wb.worksheets[0]["B7"] = "Đã sửa tay"
    wb.save(out)
    typed = out.read_bytes()
    assert main(["import", str(folder), "--set", SET, "-o", str(out), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["read"] == 2
    [backup] = backups(out)
    assert backup.read_bytes() == typed and out.exists()


def test_json_summary_and_nothing_read(tmp_path, capsys):
    folder = tmp_path / "rong"
    folder.mkdir()
    (folder / "a.xlsx").write_text("x", encoding="utf-8")
    code = main(["import", str(folder), "--set", SET, "-o", str(tmp_path / "o.xlsx"), "--json"])
    captured = capsys.readouterr()
    summary = json.loads(captured.out)
    assert code == 2 and summary["read"] == 0 and summary["failed"] == 1 and summary["output"] is None
    assert "chưa ghi bảng tổng hợp" in captured.err and not (tmp_path / "o.xlsx").exists()


def test_folder_errors(tmp_path, capsys):
    assert main(["import", str(tmp_path / "khong_co"), "--set", SET]) == 2
    assert "Không tìm thấy" in capsys.readouterr().err
    assert main(["import", str(tmp_path), "--set", SET]) == 2
    assert "không có tệp biểu nào" in capsys.readouterr().err
    assert main(["import", str(tmp_path)]) == 2
    assert "--set" in capsys.readouterr().err


def test_progress_bar_on_a_terminal():
    class Tty(io.StringIO):
        def isatty(self):
            return True

    stream = Tty()
    bar = ProgressBar(stream, width=10)
    for i in range(1, 5):
        bar(i, 4, f"bieu_{i}.xlsx")
    assert stream.getvalue().endswith("\n") and stream.getvalue().rstrip().endswith("\r[##########] 4/4 bieu_4.xlsx")
    assert "[#####.....] 2/4" in stream.getvalue()


@pytest.mark.parametrize("tasks_per_worker", [16, 1])  # one file a task; four files a task
def test_worker_processes_give_the_same_result(tmp_path, data_dir, monkeypatch, tasks_per_worker):
    from xltools import catalog
    from xltools.importers import batch

    folder = folder_with_problems(tmp_path, data_dir)
    cset = catalog.get(SET)
    alone = batch.consolidate(folder, cset, workers=1)
    monkeypatch.setattr(batch, "PARALLEL_FROM", 1)
    monkeypatch.setattr(batch, "TASKS_PER_WORKER", tasks_per_worker)
    seen = []
    together = batch.consolidate(folder, cset, progress=lambda i, n, name: seen.append((i, n, name)), workers=2)
    assert [u.name for u in together.table.units] == [u.name for u in alone.table.units] == \
        [f"Sở số {i}" for i in range(1, 5)]
    assert [(u.fields, u.criteria) for u in together.table.units] == [(u.fields, u.criteria) for u in alone.table.units]
    assert together.failures == alone.failures and len(together.failures) == 4
    assert [i for i, _, _ in seen] == list(range(1, 9)) and seen[-1][1] == 8


def test_forms_of_a_set_without_a_criteria_tree(tmp_path, capsys):
    """Bắc Kạn's sets list fields only: a form of seven field rows is enough."""
    from openpyxl import Workbook

    from xltools import catalog

    cset = catalog.get("backan-2024-so")
    folder = tmp_path / "so"
    folder.mkdir()
    for i, name in enumerate(["Sở Tư pháp", "SỞ Y TẾ", "Sở Xây dựng"]):
        wb = Workbook()
        ws = wb.active
        ws.append(["BIỂU TỰ ĐÁNH GIÁ CHỈ SỐ CCHC NĂM 2024"])
        ws.append([f"Đơn vị: {name}"])
        ws.append(["STT", "Lĩnh vực", "Điểm tối đa", "Điểm tự đánh giá", "Giải trình"])
        for f in cset.fields:
            ws.append([f.code, f.name, float(f.max), float(f.max) - i * 0.5, ""])
        wb.save(folder / f"{i}.xlsx")
    assert main(["import", str(folder), "--set", cset.id, "-o", str(tmp_path / "so.xlsx")]) == 0
    capsys.readouterr()
    assert main(["rank", str(tmp_path / "so.xlsx"), "--json"]) == 1  # read; no Thẩm định yet: unranked
    rows = json.loads(capsys.readouterr().out)
    assert [(r["name"], r["self_total"], r["set"]) for r in rows] == [
        ("Sở Tư pháp", 86.5, cset.id), ("Sở Y tế", 83.0, cset.id), ("Sở Xây dựng", 79.5, cset.id)]


def test_a_form_whose_printed_total_is_not_its_fields_sum_is_named(tmp_path, capsys, data_dir):
    """A form printing TỔNG ĐIỂM 70 under criteria that add up to 65,249: the workbook takes the criteria, and the
    import says so (it used to take 65,249 without a word)."""
    from openpyxl import load_workbook

    folder = tmp_path / "bieu"
    write_forms(folder, 2, data_dir / SEED)
    wb = load_workbook(folder / "bieu_0002.xlsx")
    ws = wb.active
    row = next(r for r in ws.iter_rows() if any("TỔNG ĐIỂM" in str(c.value or "") for c in r))
    cell = next(c for c in row if str(c.value).replace(",", ".") == "65.249")
    cell.value = 70 if isinstance(cell.value, (int, float)) else "70"
    wb.save(folder / "bieu_0002.xlsx")
    code = main(["import", str(folder), "--set", SET, "-o", str(tmp_path / "th.xlsx")])
    out = capsys.readouterr().out
    assert code == 1 and out.count("[CẢNH BÁO]") == 1
    assert "bieu_0002.xlsx: Sở số 2 – biểu ghi Tổng cộng tự chấm 70 nhưng các lĩnh vực cộng lại 65,249" in out


def test_forms_with_a_code_column_and_a_score_above_its_maximum(tmp_path, capsys):
    """The code column headed 'Mã số', 'Mã', 'Mã tiêu chí' or 'Ký hiệu' (the headers docs/headers.md lists for
    forms) is read like 'STT'; a self score above its maximum is named at import, not first at `check`."""
    from openpyxl import Workbook

    from xltools import catalog

    cset = catalog.get("backan-2024-so")
    folder = tmp_path / "so"
    folder.mkdir()
    for i, (code, name) in enumerate([("Mã số", "Sở Tư pháp"), ("Mã", "Sở Y tế"), ("Mã tiêu chí", "Sở Xây dựng"),
                                      ("Ký hiệu", "Sở Nội vụ")]):
        wb = Workbook()
        ws = wb.active
        ws.append(["BIỂU TỰ ĐÁNH GIÁ CHỈ SỐ CCHC NĂM 2024"])
        ws.append([f"Đơn vị: {name}"])
        ws.append([code, "Nội dung tiêu chí", "Điểm tối đa", "Điểm tự đánh giá", "Giải trình"])
        for k, f in enumerate(cset.fields):
            ws.append([f.code, f.name, float(f.max), float(f.max) + (1 if i == 3 and k == 0 else 0), ""])
        wb.save(folder / f"{i}.xlsx")
    code = main(["import", str(folder), "--set", cset.id, "-o", str(tmp_path / "so.xlsx")])
    out = capsys.readouterr().out
    assert code == 1 and "Đã đọc 4/4 tệp" in out and out.count("[CẢNH BÁO]") == 1
    top = cset.fields[0]
    assert (f"3.xlsx: Sở Nội vụ – điểm tự chấm ngoài khoảng 0 đến điểm tối đa: lĩnh vực {top.label}: "
            f"{format_vn_short(top.max + 1)} (tối đa {format_vn_short(top.max)})") in out


def test_a_half_filled_form_is_named_with_its_blank_criteria(tmp_path, capsys, data_dir):
    """A form with criteria left blank in Tự chấm was imported without a word ('lỗi 0 tệp'), its total the sum of
    the rest: now a warning names the form and the blank criteria; the workbook is still written."""
    from openpyxl import load_workbook

    from xltools import catalog

    folder = tmp_path / "bieu"
    write_forms(folder, 2, data_dir / SEED)
    blank = [leaf.code for leaf in catalog.get(SET).leaves() if not leaf.survey][3:5]
    wb = load_workbook(folder / "bieu_0001.xlsx")
    ws = wb.active
    header = next(r for r in ws.iter_rows() if any("tự đánh giá" in str(c.value or "") for c in r))
    column = next(c.column for c in header if "tự đánh giá" in str(c.value or ""))
    rows = [r[0].row for r in ws.iter_rows() if str(r[0].value) in blank]
    assert len(rows) == 2
    for row in rows:
        ws.cell(row, column).value = None
    wb.save(folder / "bieu_0001.xlsx")
    out_file = tmp_path / "th.xlsx"
    code = main(["import", str(folder), "--set", SET, "-o", str(out_file)])
    out = capsys.readouterr().out
    assert "Đã đọc 2/2 tệp" in out and "lỗi 0 tệp" in out and out_file.exists()
    assert code == 1 and out.count("[CẢNH BÁO]") == 1, out
    assert f"bieu_0001.xlsx: biểu của Sở số 1 để trống điểm tự chấm ở 2 tiêu chí: {', '.join(blank)}." in out


def test_a_form_of_a_set_without_criteria_with_a_blank_field(tmp_path, capsys):
    from openpyxl import Workbook

    from xltools import catalog

    cset = catalog.get("backan-2024-so")
    folder = tmp_path / "so"
    folder.mkdir()
    wb = Workbook()
    ws = wb.active
    ws.append(["BIỂU TỰ ĐÁNH GIÁ CHỈ SỐ CCHC NĂM 2024"])
    ws.append(["Đơn vị: Sở Tư pháp"])
    ws.append(["STT", "Lĩnh vực", "Điểm tối đa", "Điểm tự đánh giá", "Giải trình"])
    for f in cset.fields:
        ws.append([f.code, f.name, float(f.max), None if f.code == "3" else float(f.max), ""])
    wb.save(folder / "stp.xlsx")
    code = main(["import", str(folder), "--set", cset.id, "-o", str(tmp_path / "so.xlsx")])
    out = capsys.readouterr().out
    assert code == 1 and "stp.xlsx: biểu của Sở Tư pháp để trống điểm tự chấm ở 1 lĩnh vực: 3." in out, out


def test_unit_names_from_form_titles_are_written_as_the_appendix_writes_them(tmp_path, capsys):
    """'… CỦA SỞ Y TẾ TỈNH TUYÊN QUANG' is Sở Y tế (the survey file's name for it), '… - THANH TRA TỈNH' is Thanh tra
    tỉnh; a form whose title names no unit takes its file name, and the import says so."""
    from openpyxl import Workbook

    from xltools import catalog

    cset = catalog.get("backan-2024-so")
    folder = tmp_path / "so"
    folder.mkdir()
    titles = {"y_te.xlsx": "BIỂU TỰ ĐÁNH GIÁ CCHC NĂM 2024 CỦA SỞ Y TẾ TỈNH TUYÊN QUANG",
              "tt.xlsx": "BẢNG TỰ CHẤM ĐIỂM CCHC 2024 - THANH TRA TỈNH", "van_phong.xlsx": "BIỂU TỰ ĐÁNH GIÁ NĂM 2024"}
    for file, title in titles.items():
        wb = Workbook()
        wb.active.append([title])
        wb.active.append(["STT", "Lĩnh vực", "Điểm tối đa", "Điểm tự đánh giá", "Giải trình"])
        for f in cset.fields:
            wb.active.append([f.code, f.name, float(f.max), float(f.max), ""])
        wb.save(folder / file)
    code = main(["import", str(folder), "--set", cset.id, "-o", str(tmp_path / "so.xlsx")])
    said = "".join(capsys.readouterr())
    assert code == 1 and "van_phong.xlsx: tiêu đề biểu không ghi tên đơn vị" in said and "'van_phong'" in said, said
    main(["rank", str(tmp_path / "so.xlsx"), "--json"])
    names = sorted(r["name"] for r in json.loads(capsys.readouterr().out))
    assert names == ["Sở Y tế", "Thanh tra tỉnh", "van_phong"]
