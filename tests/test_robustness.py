"""Bad input and data safety across the commands: a clear Vietnamese message (exit 2, never a
traceback or exit 3), and the appraiser's files never changed or lost."""
import datetime
import hashlib
import json
import shutil

import pytest
from openpyxl import load_workbook

from xltools.cli import main
from xltools.files import backups

SET = "backan-2024-so"
SUMMARY = "Tổng hợp Sở"


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cli(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    assert code != 3, err
    assert "Traceback" not in err
    return code, out, err


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    path = tmp_path_factory.mktemp("wb") / "Bảng thẩm định 2024.xlsx"
    assert main(["template", "--set", SET, "--with-appraised", "-o", str(path)]) == 0
    return path


def edited(workbook, tmp_path, edit):
    path = tmp_path / "bảng sửa tay.xlsx"
    wb = load_workbook(workbook)
    edit(wb)
    wb.save(path)
    return path


# ------------------------------------------------------------ outputs: backups, directories, permissions

def test_template_over_an_existing_workbook_keeps_it_as_backup(tmp_path, workbook, capsys):
    out = tmp_path / "bang.xlsx"
    shutil.copy(workbook, out)
    typed = digest(out)
    code, _, _ = cli(capsys, "template", "--set", SET, "-o", out)
    assert code == 0
    assert [digest(p) for p in backups(out)] == [typed]


def test_template_units_and_output_the_same_file_keeps_the_input(tmp_path, workbook, capsys):
    path = tmp_path / "bang.xlsx"
    shutil.copy(workbook, path)
    before = digest(path)
    code, _, _ = cli(capsys, "template", "--set", SET, "--units", path, "-o", path)
    assert code == 0
    assert [digest(p) for p in backups(path)] == [before]


def test_rewriting_the_same_content_makes_no_backup(tmp_path, capsys):
    out = tmp_path / "mau.xlsx"
    for _ in range(2):
        assert cli(capsys, "template", "--set", SET, "-o", out)[0] == 0
    assert not backups(out)


def test_import_output_over_an_existing_file_keeps_it(tmp_path, workbook):
    from xltools import catalog
    from xltools.importers.batch import write_workbook
    from xltools.workbook.reader import read_workbook

    out = tmp_path / "tong-hop.xlsx"
    shutil.copy(workbook, out)
    before = digest(out)
    write_workbook(catalog.get(SET), read_workbook(workbook)[0], out)
    assert [digest(p) for p in backups(out)] == [before]


@pytest.mark.parametrize("args, expected", [
    (["template", "--set", SET, "-o", "{dir}/ra.xlsx"], "là một thư mục"),
    (["template", "--set", SET, "-o", "{dir}/bang.docx"], "phải có đuôi .xlsx"),
    (["publish", "{wb}", "-o", "{wb}"], "đã có một tệp cùng tên"),
])
def test_output_path_mistakes_are_named_in_vietnamese(tmp_path, workbook, capsys, args, expected):
    (tmp_path / "ra.xlsx").mkdir()
    args = [a.format(dir=tmp_path, wb=workbook) for a in args]
    before = digest(workbook)
    code, _, err = cli(capsys, *args)
    assert code == 2 and expected in err and "Errno" not in err
    assert digest(workbook) == before
    assert (tmp_path / "ra.xlsx").is_dir()


def test_no_write_permission_is_a_vietnamese_message(tmp_path, workbook, capsys, monkeypatch):
    import os

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(tmp_path / "ra" / "x_phu_luc.docx"))

    monkeypatch.setattr(os, "replace", refuse)
    code, _, err = cli(capsys, "publish", workbook, "-o", tmp_path / "ra")
    assert code == 2 and "không có quyền" in err and "x_phu_luc.docx" in err


# ------------------------------------------------------------ inputs that are not what they claim

def test_empty_text_file_is_not_an_empty_ranking(tmp_path, capsys):
    path = tmp_path / "trống.txt"
    path.write_text("")
    for command in ("rank", "check", "publish"):
        code, out, err = cli(capsys, command, path)
        assert code == 2 and "không tìm thấy bảng điểm nào" in err, (command, out, err)


def test_a_workbook_with_nothing_visible_says_so_and_names_hidden_sheets(tmp_path, capsys):
    """Every sheet empty, or the table on a hidden sheet: said in words, never 'bảng điểm nào ()'."""
    from openpyxl import Workbook

    Workbook().save(tmp_path / "trong.xlsx")
    wb = Workbook()
    wb.active.title = "Phụ lục"
    wb.active.append(["STT", "Tên đơn vị", "Tổng điểm"])
    wb.active.append([1, "Sở Tư pháp", 80])
    wb.active.sheet_state = "hidden"
    wb.create_sheet("Bìa")
    wb.active = 1
    wb.save(tmp_path / "an.xlsx")
    wb["Bìa"].append(["BÁO CÁO KẾT QUẢ CHẤM ĐIỂM CHỈ SỐ CCHC"])  # a cover sheet in view, the table hidden
    wb.save(tmp_path / "bia.xlsx")
    for name, expected in (("trong.xlsx", "mọi trang tính đều trống"), ("an.xlsx", "trang tính ẩn 'Phụ lục' có dữ liệu"),
                           ("bia.xlsx", "Lưu ý: trang tính ẩn 'Phụ lục' có dữ liệu nhưng không được đọc")):
        for command in ("rank", "check", "import"):
            code, out, err = cli(capsys, command, tmp_path / name)
            assert code == 2 and expected in err and "()" not in err, (name, command, out, err)


@pytest.mark.parametrize("make, expected", [
    (lambda p: p.mkdir(), "là một thư mục"),
    (lambda p: p.write_bytes(b""), "tệp rỗng"),
    (lambda p: p.write_bytes(b"PK\x03\x04 cut"), "bị hỏng"),
])
def test_macro_on_a_damaged_or_wrong_file(tmp_path, capsys, make, expected):
    path = tmp_path / "bang.xlsx"
    make(path)
    code, _, err = cli(capsys, "macro", "tinh-lai", path)
    assert code == 2 and expected in err


def test_macro_on_a_word_file(tmp_path, capsys):
    path = tmp_path / "bang.docx"
    path.write_bytes(b"PK\x03\x04")
    code, _, err = cli(capsys, "macro", "tinh-lai", path)
    assert code == 2 and ".xlsx hoặc .xlsm" in err and "openpyxl" not in err


def test_survey_source_a_folder(tmp_path, workbook, capsys):
    path = tmp_path / "bang.xlsx"
    shutil.copy(workbook, path)
    before = digest(path)
    code, _, err = cli(capsys, "macro", "nhap-xhh", "--from", tmp_path, path)
    assert code == 2 and "là một thư mục" in err
    assert digest(path) == before


# ------------------------------------------------------------ criteria set files

@pytest.mark.parametrize("make, expected", [
    (lambda p: p.mkdir(), "không đọc được tệp"),
    (lambda p: p.write_bytes(b"\xff\xfe\x00\x01"), "UTF-8"),
    (None, "Không tìm thấy tệp bộ tiêu chí"),
])
def test_broken_set_file_names_the_file(tmp_path, workbook, capsys, make, expected):
    path = tmp_path / "bộ tiêu chí.yaml"
    if make:
        make(path)
    code, _, err = cli(capsys, "rank", workbook, "--set", path)
    assert code == 2 and expected in err and "bộ tiêu chí.yaml" in err


# ------------------------------------------------------------ workbooks edited by hand

def _delete_config(wb):
    del wb["Cấu hình"]


def _date_score(wb):
    wb[SUMMARY]["D10"] = datetime.datetime(2024, 5, 9)


def _rename(wb):
    wb[SUMMARY].title = "Sheet1"


@pytest.mark.parametrize("edit, expected", [
    (_delete_config, "trang 'Cấu hình' đã bị xóa"),
    (_rename, "hãy đổi lại đúng tên 'Tổng hợp Sở'"),
])
def test_hand_edited_workbook_fails_clearly_and_unchanged(tmp_path, workbook, capsys, edit, expected):
    path = edited(workbook, tmp_path, edit)
    before = digest(path)
    for command in (["rank"], ["check"], ["publish", "-o", tmp_path / "ra"]):
        code, _, err = cli(capsys, *command, path)
        assert code == 2 and expected in err, (command, err)
    code, _, err = cli(capsys, "macro", "tinh-lai", path)
    assert code == 2
    assert digest(path) == before
    assert not backups(path)


def test_date_score_says_what_excel_did(tmp_path, workbook, capsys):
    """A score Excel made a date of is one finding: check exit 1, rank still ranks, publish writes a draft."""
    path = edited(workbook, tmp_path, _date_score)
    before = digest(path)
    code, out, _ = cli(capsys, "check", path)
    assert code == 1 and "09/05/2024" in out and "Số (Number)" in out and "Tổng hợp Sở!D10" in out
    code, _, err = cli(capsys, "rank", path)
    assert code == 1 and "Tổng hợp Sở!D10" in err  # its unit unranked
    code, _, err = cli(capsys, "publish", "-o", tmp_path / "ra", path)
    assert code == 1 and "DỰ THẢO" in err and "Tổng hợp Sở!D10" in err
    assert digest(path) == before


def test_an_identical_rewrite_keeps_the_older_backup(tmp_path, capsys):
    """Writing the same workbook twice must not replace the backup of the appraiser's edited file by a
    copy of the new one."""
    out = tmp_path / "bang.xlsx"
    out.write_bytes(b"edited by hand")
    for _ in range(2):
        assert cli(capsys, "template", "--set", SET, "-o", out)[0] == 0
    assert [p.read_bytes() for p in backups(out)] == [b"edited by hand"]


def _overwrite_total(wb):
    from xltools import catalog
    from xltools.workbook import layout as L

    lay = L.workbook_layout([(catalog.get(SET), 24)]).sections[0].summary
    wb[SUMMARY].cell(row=7, column=lay.total).value = 99


def test_number_typed_over_a_total_formula_is_named(tmp_path, workbook, capsys):
    path = edited(workbook, tmp_path, _overwrite_total)
    before = digest(path)
    code, out, _ = cli(capsys, "check", "--json", path)
    [finding] = [f for f in __import__("json").loads(out) if f["code"] == "formula-overwritten"]
    assert code == 1 and finding["where"].startswith("Tổng hợp Sở!") and finding["found"] == "99"
    assert "Tổng cộng" in finding["message"] and "gõ đè" in finding["message"]
    code, _, err = cli(capsys, "publish", "-o", tmp_path / "ra", path)
    assert code == 1 and finding["where"] in err and "DỰ THẢO" in err
    assert digest(path) == before


def test_number_typed_over_a_field_summed_from_the_detail_sheet_is_named(tmp_path, capsys):
    """On a set with a criteria tree, the summary's Tự chấm and Thẩm định of each field are formulas over the detail
    sheet: a number typed over one shows in Excel (and moves the workbook's total and rank) while rank and publish
    read the detail's scores. It is an error naming the cell, the unit is not ranked, and publish is a draft."""
    from workbook_harness import make_units

    from xltools import catalog
    from xltools.workbook import layout as L
    from xltools.workbook.builder import SectionInput, build_file

    cset = catalog.get("bacgiang-2023-tinh")
    path = build_file([SectionInput(cset, make_units(cset, 4, seed=3))], tmp_path / "bang.xlsx", with_appraised=True)
    lay = L.workbook_layout([(cset, 4 + L.DEFAULT_SPARE_ROWS)]).sections[0].summary
    assert lay.field_from_detail(1)
    wb = load_workbook(path)
    wb[lay.sheet].cell(row=lay.first_row + 1, column=lay.fields[1].appraised).value = 1
    wb.save(path)
    cell = f"{lay.sheet}!{L.col_letter(lay.fields[1].appraised)}{lay.first_row + 1}"
    code, out, _ = cli(capsys, "check", "--json", path)
    [finding] = [f for f in json.loads(out) if f["code"] == "formula-overwritten"]
    assert code == 1 and finding["where"] == cell and finding["found"] == "1" and "Thẩm định" in finding["message"]
    code, out, err = cli(capsys, "rank", path)
    assert code == 1 and "gõ đè" in err and cell in err and "coi là để trống" not in err
    code, _, err = cli(capsys, "publish", "-o", tmp_path / "ra", path)
    assert code == 1 and cell in err and "DỰ THẢO" in err


def test_negative_maximum_in_a_set_file_is_named(tmp_path, workbook, capsys):
    from importlib import resources

    import yaml

    from xltools.catalog import SETS_PACKAGE

    data = yaml.safe_load(resources.files(SETS_PACKAGE).joinpath(f"{SET}.yaml").read_text(encoding="utf-8"))
    data["fields"][1]["max"] = -5
    path = tmp_path / "bo.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    code, _, err = cli(capsys, "rank", workbook, "--set", path)
    assert code == 2 and "bo.yaml" in err and "fields[2]" in err and "số âm" in err


def test_publish_warns_when_the_table_still_has_errors(tmp_path, workbook, capsys):
    def over(wb):
        wb[SUMMARY]["D10"] = 50

    path = edited(workbook, tmp_path, over)
    code, out, err = cli(capsys, "publish", path, "-o", tmp_path / "ra")
    assert code == 1 and "Đã ghi" in out and "(DỰ THẢO)" in out
    assert "còn 1 lỗi" in err and "Tổng hợp Sở!D10" in err and "Điểm ngoài khoảng" in err


def test_set_of_another_level_on_a_workbook_is_refused(workbook, capsys):
    code, _, err = cli(capsys, "rank", workbook, "--set", "backan-2024-huyen")
    assert code == 2 and "không có trang cấp UBND huyện" in err and "'Tổng hợp Sở'" in err


def test_write_set_keeps_an_existing_set_file(tmp_path, capsys, data_dir):
    target = tmp_path / "bo-tieu-chi.yaml"
    target.write_text("# bộ tiêu chí đang sửa\n", encoding="utf-8")
    cli(capsys, "import", data_dir / "phu_luc_backan_2024_so_huyen.txt", "--write-set", target)
    assert [p.read_text(encoding="utf-8") for p in backups(target)] == ["# bộ tiêu chí đang sửa\n"]


def test_read_only_file_is_not_replaced(tmp_path, workbook, capsys):
    import os
    import stat

    path = tmp_path / "bang.xlsx"
    shutil.copy(workbook, path)
    os.chmod(path, stat.S_IREAD)
    before = digest(path)
    code, _, err = cli(capsys, "macro", "tinh-lai", path)
    assert code == 2 and "chỉ cho đọc" in err
    assert digest(path) == before and not backups(path)
