"""Trust (check, publish, CLI): never a silent wrong number.

- `check` reads a damaged table to its end and reports every problem in one run (--json always JSON);
- `check` and the Kiểm tra sheet written by `macro tinh-lai` are one source of findings;
- `publish` marks a table that still has errors DỰ THẢO on every page, refuses one with nothing appraised;
- argparse speaks Vietnamese.
"""
import json
import os
import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook

from xltools import catalog
from xltools.cli import main
from xltools.publish.draft import DRAFT_MARK
from xltools.workbook import layout as L

SET = "backan-2024-so"
SEED = "phu_luc_backan_2024_so_huyen.txt"


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def appraised(tmp_path_factory):
    """The seed's Phụ lục I as an appraisal workbook with every Thẩm định typed (no errors)."""
    path = tmp_path_factory.mktemp("wb") / "bang.xlsx"
    assert main(["template", "--set", SET, "--units", str(catalog.sample_path()), "--with-appraised", "-o", str(path)]) == 0
    return path


def summary():
    return L.workbook_layout([(catalog.get(SET), 24)]).sections[0].summary


def cell(col, row):
    return f"{L.col_letter(col)}{row}"


def damage(source, target, no_appraisal=()):
    """The five problems of the issue, each in its own cell, plus units with no appraisal at all."""
    lay, first = summary(), L.FIRST_ROW
    wb = load_workbook(source)
    ws = wb[lay.sheet]
    ws.cell(first + 1, lay.fields[0].appraised, "mười")  # a word
    ws.cell(first + 2, lay.fields[1].appraised, 12)  # above the maximum 8,5
    ws.cell(first + 3, lay.fields[2].appraised).value = None  # blank Thẩm định
    ws.cell(first + 4, lay.name, ws.cell(first + 1, lay.name).value)  # a duplicated unit
    ws.cell(first, lay.fields[2].appraised, "13,0")  # a number stored as text
    for row in no_appraisal:
        for fc in lay.fields:
            ws.cell(first + row, fc.appraised).value = None
    wb.save(target)
    return target


def test_check_reports_every_problem_of_a_damaged_table_in_one_run(appraised, tmp_path, capsys):
    path = damage(appraised, tmp_path / "hong.xlsx")
    lay, first = summary(), L.FIRST_ROW
    code, out, _ = run(capsys, "check", path, "--json")
    findings = json.loads(out)
    errors = {(f["code"], f["where"]) for f in findings if f["severity"] == "error"}
    sheet = lay.sheet
    assert code == 1
    # (the name typed over may also leave the old unit's survey row matching nothing: name-unmatched)
    assert {e for e in errors if e[0] != "name-unmatched"} == {("score-not-number", f"{sheet}!{cell(lay.fields[0].appraised, first + 1)}"),
                      ("score-out-of-range", f"{sheet}!{cell(lay.fields[1].appraised, first + 2)}"),
                      ("appraised-missing", f"{sheet}!{cell(lay.fields[2].appraised, first + 3)}"),
                      ("duplicate-unit", f"{sheet}!{cell(lay.name, first + 4)}"),
                      ("score-not-number", f"{sheet}!{cell(lay.fields[2].appraised, first)}")}
    word = next(f for f in findings if f["found"] == "mười")
    assert word["code"] == "score-not-number" and word["label"] == "Ô điểm không phải số"
    assert "'mười'" in word["message"] and "nhập điểm bằng số" in word["message"]
    as_text = next(f for f in findings if f["found"] == "13,0")
    assert "gõ lại 13 bằng dấu thập phân của máy" in as_text["message"]
    # no second, false finding for a cell already reported (the word is not also "missing")
    assert not any(f["code"] == "appraised-missing" and f["where"] == word["where"] for f in findings)
    severities = [f["severity"] for f in findings]
    assert severities == sorted(severities, key=["error", "warning", "info"].index)  # errors first


def test_check_text_lists_errors_first_with_vietnamese_labels(appraised, tmp_path, capsys):
    path = damage(appraised, tmp_path / "hong.xlsx")
    code, out, _ = run(capsys, "check", path)
    lines = out.splitlines()
    errors = int(lines[1].split(": ")[1].split(" lỗi")[0])
    assert code == 1 and errors >= 5
    groups = [line.strip() for line in lines if line.startswith("  ") and not line.startswith("    ")]
    assert groups[0] == f"Lỗi ({errors}):" and groups[1].startswith("Cảnh báo (")
    first = lines[lines.index(f"  Lỗi ({errors}):") + 1].strip()
    assert first.startswith("Ô điểm không phải số [score-not-number]: ")


def test_check_json_is_json_even_when_the_file_cannot_be_opened(tmp_path, capsys):
    broken = tmp_path / "hong.xlsx"
    broken.write_bytes(b"PK\x03\x04 cut")
    for path in (broken, tmp_path / "khong_co.xlsx"):
        code, out, err = run(capsys, "check", path, "--json")
        [failure] = json.loads(out)
        assert code == 2 and failure["severity"] == "error" and failure["code"] == "file-unreadable"
        assert path.name in failure["message"] and err == ""


def test_check_equals_the_kiem_tra_sheet(appraised, tmp_path, capsys):
    """One source of findings: after `macro tinh-lai`, `check --json` lists exactly the Kiểm tra sheet's rows,
    units with no appraisal at all included."""
    path = damage(appraised, tmp_path / "hong.xlsx", no_appraisal=(6, 9))
    lay = summary()
    wb = load_workbook(path)
    wb[lay.sheet].cell(L.FIRST_ROW + 7, lay.total, 99)  # a number typed over Tổng cộng's formula
    wb.save(path)
    assert run(capsys, "macro", "tinh-lai", path)[0] == 0
    from xltools.excel.book import link_label  # the Ô cell links to the cell it cites

    sheet = load_workbook(path)["Kiểm tra"]
    header = [c.value for c in sheet[2]]
    rows = [dict(zip(header, [c.value or "" for c in r])) for r in sheet.iter_rows(min_row=3)]
    on_sheet = sorted((r["Trang"], r["Mã"], r["Đơn vị"], r["Lĩnh vực"], r["Nội dung"], link_label(r["Ô"])) for r in rows)
    assert all(r["Vấn đề"] and r["Vấn đề"] != r["Mã"] for r in rows)  # a Vietnamese label first, the code last
    shown = [r["Mức độ"] for r in rows]  # errors first, then warnings, then notes, as `check` prints them
    assert {"LỖI", "CẢNH BÁO"} <= set(shown) and shown == sorted(shown, key=["LỖI", "CẢNH BÁO", "GHI CHÚ"].index), shown
    code, out, _ = run(capsys, "check", path, "--json")
    from_check = sorted((f["table"], f["code"], f["unit"], f["field"], f["message"], f["where"]) for f in json.loads(out))
    assert code == 1 and from_check == on_sheet
    assert [r[1] for r in on_sheet].count("formula-overwritten") == 1
    missing = [r for r in on_sheet if r[1] == "appraised-missing"]
    assert len(missing) == 1 + 2 * 7  # the blank cell, and every field of the two units not appraised


# ---------------------------------------------------------------- publish

def docx_header_texts(path):
    out = []
    for section in docx.Document(str(path)).sections:
        headers = [section.header] + ([section.first_page_header] if section.different_first_page_header_footer else [])
        out.append([" ".join(p.text for p in h.paragraphs) for h in headers])
    return out


def pdf_pages(pdf):
    pages = int(next(line.split()[-1] for line in subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True,
                                                                  check=True).stdout.splitlines()
                     if line.startswith("Pages:")))
    return [subprocess.run(["pdftotext", "-f", str(i), "-l", str(i), "-layout", str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout for i in range(1, pages + 1)]


def needs_pdf():
    from xltools.publish.pdf import available

    if not (available() and shutil.which("pdftotext")) and os.environ.get("XLTOOLS_REQUIRE_LIBREOFFICE") != "1":
        pytest.skip("LibreOffice or pdftotext is not installed")


def test_publish_with_errors_is_a_draft_on_every_page(appraised, tmp_path, capsys, data_dir):
    needs_pdf()
    path = damage(appraised, tmp_path / "hong.xlsx")
    out = tmp_path / "ra"
    code, stdout, err = run(capsys, "publish", path, "-o", out, "--report", "--pdf")
    assert code == 1 and "DỰ THẢO: hong.xlsx còn " in err
    lay = summary()
    assert f"{lay.sheet}!{cell(lay.fields[0].appraised, L.FIRST_ROW + 1)}" in err and "'mười'" in err
    for name in ("hong_phu_luc.docx", "hong_bao_cao.docx"):
        assert all(DRAFT_MARK in text for texts in docx_header_texts(out / name) for text in texts)
    for name in ("hong_phu_luc.pdf", "hong_bao_cao.pdf"):
        pages = pdf_pages(out / name)
        assert pages and all(DRAFT_MARK in page for page in pages), name
    assert len(pdf_pages(out / "hong_bao_cao.pdf")) > 1  # the mark is on every page, not only the first
    ws = load_workbook(out / "hong_phu_luc.xlsx").worksheets[0]
    assert DRAFT_MARK in ws.oddHeader.right.text and DRAFT_MARK in ws.firstHeader.right.text
    assert any(DRAFT_MARK in str(c.value) for row in ws.iter_rows(max_row=6) for c in row if c.value)


def test_publish_of_a_two_level_seed_marks_every_section(tmp_path, capsys, data_dir):
    """The seed (Phụ lục I and II, with real errors): both sections' pages carry the mark, also in the PDF."""
    needs_pdf()
    code, _, err = run(capsys, "publish", data_dir / SEED, "-o", tmp_path, "--pdf")
    assert code == 1 and "total-mismatch" not in err and "Tổng sai" in err
    headers = docx_header_texts(tmp_path / "phu_luc_backan_2024_so_huyen_phu_luc.docx")
    assert len(headers) == 2 and all(DRAFT_MARK in t for texts in headers for t in texts)
    pages = pdf_pages(tmp_path / "phu_luc_backan_2024_so_huyen_phu_luc.pdf")
    assert len(pages) >= 2 and all(DRAFT_MARK in page for page in pages)
    assert len(load_workbook(tmp_path / "phu_luc_backan_2024_so_huyen_phu_luc.xlsx").worksheets) == 2


def test_publish_clean_has_no_mark(appraised, tmp_path, capsys):
    needs_pdf()
    code, out, err = run(capsys, "publish", appraised, "-o", tmp_path, "--report", "--pdf")
    assert code == 0 and DRAFT_MARK not in out + err
    for name in ("bang_phu_luc.docx", "bang_bao_cao.docx"):
        assert not any(DRAFT_MARK in t for texts in docx_header_texts(tmp_path / name) for t in texts)
    for name in ("bang_phu_luc.pdf", "bang_bao_cao.pdf"):
        assert not any(DRAFT_MARK in page for page in pdf_pages(tmp_path / name))
    ws = load_workbook(tmp_path / "bang_phu_luc.xlsx").worksheets[0]
    assert DRAFT_MARK not in (ws.oddHeader.right.text or "")
    assert not any(DRAFT_MARK in str(c.value) for row in ws.iter_rows() for c in row if c.value)


def test_publish_refuses_a_table_with_nothing_appraised(tmp_path, capsys, data_dir):
    blank = tmp_path / "trong.xlsx"
    assert main(["template", "--set", SET, "--units", str(data_dir / SEED), "-o", str(blank)]) == 0
    capsys.readouterr()
    code, out, err = run(capsys, "publish", blank, "-o", tmp_path / "ra")
    assert code == 2 and "chưa có điểm Thẩm định nào" in err and not (tmp_path / "ra").exists()


def test_out_of_range_scores_never_reach_an_official_table_unmarked(appraised, tmp_path, capsys):
    lay = summary()
    wb = load_workbook(appraised)
    wb[lay.sheet].cell(L.FIRST_ROW, lay.fields[0].appraised, -1)
    wb[lay.sheet].cell(L.FIRST_ROW + 1, lay.fields[1].appraised, 12)
    wb.save(tmp_path / "sai.xlsx")
    code, _, err = run(capsys, "publish", tmp_path / "sai.xlsx", "-o", tmp_path / "ra")
    assert code == 1 and err.count("Điểm ngoài khoảng") == 2
    assert all(DRAFT_MARK in t for texts in docx_header_texts(tmp_path / "ra" / "sai_phu_luc.docx") for t in texts)


# ---------------------------------------------------------------- arguments in Vietnamese

@pytest.mark.parametrize("argv, words", [
    ([], ["cách dùng: xltools", "thiếu đối số bắt buộc: LỆNH"]),
    (["check"], ["cách dùng: xltools check", "thiếu đối số bắt buộc: TỆP"]),
    (["khong-co"], ["không có lựa chọn 'khong-co'"]),
    (["template", "--year", "abc"], ["đối số --year: giá trị 'abc' không hợp lệ (cần một số nguyên)"]),
    (["publish", "-o"], ["đối số -o/--out: cần đúng một giá trị"]),
    (["rank", "a.txt", "--khong-co"], ["đối số không hiểu được: --khong-co"]),
])
def test_bad_arguments_are_explained_in_vietnamese(capsys, argv, words):
    with pytest.raises(SystemExit) as stop:
        main(argv)
    err = capsys.readouterr().err
    assert stop.value.code == 2 and "usage" not in err and "error" not in err
    for w in words:
        assert w in err, err


def test_help_is_vietnamese(capsys):
    with pytest.raises(SystemExit) as stop:
        main(["check", "-h"])
    out = capsys.readouterr().out
    assert stop.value.code == 0 and out.startswith("cách dùng: xltools check")
    assert "tùy chọn:" in out and "in hướng dẫn này rồi thoát" in out
    assert "usage" not in out and "options" not in out and "show this help" not in out


# ---------------------------------------------------------------- inputs that do not fit, self-assessments

def test_template_units_of_another_level_and_year_stop_unless_allowed(tmp_path, capsys):
    units = DATA / "quyet_dinh_backan_2023_xa.txt"  # 8 communes of 2023, Tự chấm 15,5 where the sở maximum is 9
    code, _, err = run(capsys, "template", "--set", SET, "--units", units, "-o", tmp_path / "a.xlsx")
    assert code == 2 and not (tmp_path / "a.xlsx").exists()
    for words in ("quyet_dinh_backan_2023_xa.txt", "cấp UBND xã", "năm 2023", "15,5", "--allow-mismatch"):
        assert words in err, (words, err)
    code, out, err = run(capsys, "template", "--set", SET, "--units", units, "-o", tmp_path / "a.xlsx",
                         "--allow-mismatch")
    assert code == 0 and (tmp_path / "a.xlsx").exists() and "năm 2023" in err


def test_template_units_above_the_maxima_stop(tmp_path, capsys):
    text = catalog.sample_path().read_text(encoding="utf-8")
    lines = text.splitlines()
    row = next(i for i, line in enumerate(lines) if line.startswith("1\tVăn phòng UBND tỉnh"))
    cells = lines[row].split("\t")
    cells[2] = "19"  # Tự chấm of the first field, whose maximum is 9
    lines[row] = "\t".join(cells)
    units = tmp_path / "vuot.txt"
    units.write_text("\n".join(lines), encoding="utf-8")
    code, _, err = run(capsys, "template", "--set", SET, "--units", units, "-o", tmp_path / "a.xlsx")
    assert code == 2 and "vuot.txt" in err and "Tự chấm 19 vượt điểm tối đa 9" in err


def test_a_self_assessment_is_shown_as_one(capsys):
    form = DATA / "bieu_tu_danh_gia_bacgiang_2023_tinh.txt"
    code, out, _ = run(capsys, "rank", form)
    assert code == 1 and "Hạng" not in out and "1/1" not in out
    assert "chưa có điểm ĐT XHH (tối đa 32 điểm)" in out and "cần thêm 4,7510 điểm để đạt mức Khá" in out
    [row] = json.loads(run(capsys, "rank", form, "--json")[1])
    assert row["rank"] is None and row["class"] is None
    assert row["self_assessment"] == {"so_far": 65.249, "percent": 65.249, "points_to_next": 4.751,
                                      "next_class": "Khá", "survey_missing": 32.0}
    code, out, _ = run(capsys, "check", form, "--json")
    [note] = json.loads(out)
    assert code == 0 and note["code"] == "self-assessment" and note["severity"] == "info"


def test_demo_shows_the_seed_draft_for_what_it_is(tmp_path, capsys):
    code, out, _ = run(capsys, "demo", "-o", tmp_path)
    assert code == 0 and "(DỰ THẢO)" in out and "vì bảng mẫu còn" in out
    assert all(DRAFT_MARK in t for texts in docx_header_texts(tmp_path / "phu_luc_backan_2024_so_huyen_phu_luc.docx")
               for t in texts)


def test_a_unit_typed_below_the_table_is_an_error_never_ranked(appraised, tmp_path, capsys):
    """The workbook's formulas stop at the table's last row: a unit typed below it is outside the workbook's
    own ranking, so the CLI and the macro do not rank it either; they name the row and say what to do."""
    lay = summary()
    path = tmp_path / "ngoai.xlsx"
    shutil.copy(appraised, path)
    wb = load_workbook(path)
    ws = wb[lay.sheet]
    below = lay.last_row + 1
    ws.cell(below, lay.name, "Sở Ngoài Bảng")
    for fc in lay.fields:
        ws.cell(below, fc.appraised, 1)
    wb.save(path)
    code, out, _ = run(capsys, "check", path, "--json")
    [outside] = [f for f in json.loads(out) if f["code"] == "unit-outside-table"]
    assert code == 1 and outside["unit"] == "Sở Ngoài Bảng" and outside["severity"] == "error"
    assert f"dòng {below}" in outside["message"] and "--spare-rows" in outside["message"]
    code, out, _ = run(capsys, "rank", path, "--json")
    ranks = {r["name"]: r["rank"] for r in json.loads(out)}
    assert ranks["Sở Ngoài Bảng"] is None and sorted(r for r in ranks.values() if r)[0] == 1
    code, out, err = run(capsys, "macro", "tinh-lai", path)
    assert code == 0
    wb = load_workbook(path)
    assert wb[lay.sheet].cell(below, lay.name).value == "Sở Ngoài Bảng"  # left where it was typed
    assert any(r[7] == "unit-outside-table" for r in wb["Kiểm tra"].iter_rows(values_only=True))


def test_a_workbook_unit_named_with_a_wildcard_is_an_error(tmp_path, capsys):
    """'Xã Thử 0*': the workbook's MATCH reads * as a wildcard and takes another unit's detail and survey scores,
    while xltools matches names exactly; check says so (the two would disagree silently)."""
    import json

    from workbook_harness import make_units

    from xltools import catalog
    from xltools.cli import main
    from xltools.workbook.builder import SectionInput, build_file

    cset = catalog.get("backan-2024-so")
    units = make_units(cset, 3, seed=5)
    units[2].name = "Sở Thử 0*"
    path = build_file([SectionInput(cset, units)], tmp_path / "bang.xlsx", with_appraised=True)
    assert main(["check", "--json", str(path)]) == 1
    [finding] = [f for f in json.loads(capsys.readouterr().out) if f["code"] == "name-wildcard"]
    assert finding["unit"] == "Sở Thử 0*" and "ký tự *" in finding["message"]
