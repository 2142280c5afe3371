"""Every macro through the openpyxl implementation of the workbook interface."""
import pytest
from excel_helpers import SHEET, input_rows, snapshot, summary_workbook, survey_file
from openpyxl import load_workbook

from xltools.core.checks import INFO, Finding
from xltools.core.evaluate import evaluate
from xltools.core.numbers import format_vn_short
from xltools.excel import macros
from xltools.excel.book import OpenpyxlBook
from xltools.files import backups
from xltools.importers.registry import load

SEED = "phu_luc_backan_2024_so_huyen.txt"


def recompute(path, table):
    """Tính lại xếp hạng on a file, as the CLI runs it (table positions given until the layout lands)."""
    book = OpenpyxlBook(path)
    return macros._run(lambda b: macros.recompute(b, [table]), book)


@pytest.fixture
def workbook(tmp_path, data_dir):
    path = tmp_path / "cchc.xlsx"
    return path, summary_workbook(path, data_dir / SEED)


def test_recompute_sorts_numbers_ranks_and_classes_like_the_core(workbook, data_dir):
    path, table = workbook
    message = recompute(path, table)
    expected = evaluate(load(data_dir / SEED)[:1])[0].results
    ws = load_workbook(path)[SHEET]
    rows = [[ws.cell(r, c).value for c in (table.layout.stt, table.layout.name, table.layout.class_)]
            for r in range(table.first_row, table.first_row + len(expected))]
    assert rows == [[r.stt, r.unit.name, r.class_label] for r in expected]
    assert ws.cell(table.first_row, table.layout.rank).value.startswith("=IF(B6")  # formulas stay formulas
    assert [ws.cell(r, table.layout.name).value for r in range(table.first_row + len(expected), table.last_row + 1)] == [None, None]
    assert "19 đơn vị" in message and "Kiểm tra" in load_workbook(path).sheetnames


def test_inputs_move_only_as_whole_rows(workbook):
    path, table = workbook
    before = input_rows(path, table)
    recompute(path, table)
    assert input_rows(path, table) == before


def test_formulas_follow_their_unit(workbook):
    path, table = workbook
    wb = load_workbook(path)
    first_unit = wb[SHEET].cell(table.first_row, table.layout.name).value
    recompute(path, table)
    wb = load_workbook(path)
    row = next(r for r in range(table.first_row, table.last_row + 1) if wb[SHEET].cell(r, table.layout.name).value == first_unit)
    assert wb["Ghi chú"]["A1"].value == f"='{SHEET}'!B{row}"
    assert wb["Ghi chú"]["A2"].value == f"=COUNTA('{SHEET}'!B6:B{table.last_row})"  # a block range stays
    total = wb[SHEET].cell(row, table.layout.total).value
    assert total.endswith(f"{row},3)")  # its own totals moved with it


def test_running_twice_changes_nothing_more(workbook):
    path, table = workbook
    recompute(path, table)
    once = snapshot(path)
    recompute(path, table)
    assert snapshot(path) == once


def test_second_run_does_not_save_again_when_a_finding_has_no_unit_or_cell(tmp_path, data_dir):
    """A finding without a unit or a cell (district-rule-unavailable: "" in those columns) used to make the
    Kiểm tra sheet differ from what the macro meant to write ("" read back as None), so every run saved the
    file again (new bytes, a new backup) although nothing had changed."""
    path = tmp_path / "cchc.xlsx"
    summary_workbook(path, data_dir / SEED)
    book = OpenpyxlBook(path)
    for findings in ([("Tổng hợp", Finding(INFO, "district-rule-unavailable", "", "Xếp loại", "Chưa có cấp xã."))], []):
        rows = macros.check_sheet(findings)
        assert "" not in {v for row in rows for v in row}
        book.add_sheet(macros.CHECKS_SHEET)
        book.write(macros.CHECKS_SHEET, "A1", rows)
        book.save()
        assert macros.holds(OpenpyxlBook(path), macros.CHECKS_SHEET, rows)
    before = path.read_bytes()
    assert macros._run(lambda b: ([], {macros.CHECKS_SHEET: rows}, "ok"), OpenpyxlBook(path)) == "ok"
    assert path.read_bytes() == before


def test_text_in_a_score_cell_is_a_finding_not_a_failure(workbook):
    path, table = workbook
    wb = load_workbook(path)
    wb[SHEET].cell(table.first_row + 2, table.layout.fields[2].appraised, "mười chín")
    wb.save(path)
    recompute(path, table)
    checks = [r for r in load_workbook(path)[macros.CHECKS_SHEET].iter_rows(values_only=True) if r[7] == "score-not-number"]
    assert len(checks) == 1 and "'mười chín'" in checks[0][5] and "không phải là số" in checks[0][5]


def test_backup_is_kept(workbook):
    path, table = workbook
    before = path.read_bytes()
    recompute(path, table)
    [backup] = backups(path)
    assert backup.read_bytes() == before


def import_survey(path, table, source):
    return macros._run(lambda b: macros.import_survey(b, str(source), macros.survey_targets(b, [table])),
                       OpenpyxlBook(path))


@pytest.fixture
def without_survey(workbook):
    path, table = workbook
    wb = load_workbook(path)
    for r in range(table.first_row, table.last_row + 1):
        for fc in table.layout.fields:
            wb[SHEET].cell(r, fc.survey).value = None
    wb.save(path)
    return path, table


def survey_cells(path, table):
    ws = load_workbook(path)[SHEET]
    return {ws.cell(r, table.layout.name).value: [ws.cell(r, fc.survey).value for fc in table.layout.fields]
            for r in range(table.first_row, table.last_row + 1) if ws.cell(r, table.layout.name).value}


def test_survey_import_matches_names_and_lists_the_rest(without_survey, tmp_path, data_dir):
    path, table = without_survey
    units = load(data_dir / SEED)[0][0].units
    source = survey_file(tmp_path / "xhh.xlsx", units[1:], rename={units[2].name: units[2].name.upper()},
                         extra=[[99, "Sở Không Có", 1, 1, 1, 1, 1, 1, 1, 7]])
    message = import_survey(path, table, source)
    cells = survey_cells(path, table)
    assert all(cells[u.name] == [float(f.survey) for f in u.fields] for u in units[1:])
    assert cells[units[0].name] == [None] * 7
    assert "Sở Không Có" in message and units[0].name in message and "18 đơn vị" in message
    once = snapshot(path)
    import_survey(path, table, source)
    assert snapshot(path) == once


def test_survey_import_refuses_bad_scores_and_writes_nothing(without_survey, tmp_path, data_dir):
    path, table = without_survey
    units = load(data_dir / SEED)[0][0].units
    before = path.read_bytes()
    for bad in ("hai", 9.5):  # text, then above the field's survey maximum
        source = survey_file(tmp_path / "xhh.xlsx", units, bad=bad)
        with pytest.raises(macros.MacroError) as failure:
            import_survey(path, table, source)
        assert path.read_bytes() == before
        assert str(failure.value).startswith(("Chưa nhập điểm nào", "Chưa ghi gì"))
    assert "ngoài khoảng 0 đến 2" in str(failure.value)


def test_a_survey_file_that_matches_no_unit_is_an_error_not_a_success(without_survey, tmp_path):
    path, table = without_survey
    before = path.read_bytes()
    source = survey_file(tmp_path / "xhh.xlsx", [], extra=[[1, "Xã Lũng Cú", 1, 1, 1, 1, 1, 1, 1, 7],
                                                        [2, "Phường Minh Xuân", 1, 1, 1, 1, 1, 1, 1, 7]])
    with pytest.raises(macros.MacroError) as failure:
        import_survey(path, table, source)
    assert path.read_bytes() == before
    assert str(failure.value).startswith("Chưa nhập điểm nào: không đơn vị nào trong tệp khớp")
    assert "Xã Lũng Cú" in str(failure.value)


def test_appendix_from_the_workbook(workbook, tmp_path):
    path, table = workbook
    message = macros._run(lambda b: macros.export_appendix(b, str(tmp_path / "pl"), [table]), OpenpyxlBook(path))
    written = sorted(p.name for p in (tmp_path / "pl").iterdir())
    assert written == ["cchc_phu_luc.docx", "cchc_phu_luc.xlsx"] and "Đã ghi phụ lục" in message
    ws = load_workbook(tmp_path / "pl" / "cchc_phu_luc.xlsx").active
    names = [c.value for c in ws["B"] if isinstance(c.value, str)]
    assert "Văn phòng UBND tỉnh" in names


def test_xlwings_book_writes_the_same_cells(workbook, tmp_path):
    import shutil

    import fake_xlwings

    from xltools.excel.book_xlwings import XlwingsBook

    path, table = workbook
    twin = tmp_path / "twin.xlsx"
    shutil.copy(path, twin)
    recompute(path, table)
    fake = fake_xlwings.Book(load_workbook(twin), twin)
    macros._run(lambda b: macros.recompute(b, [table]), XlwingsBook(fake))
    fake.wb.save(twin)
    assert snapshot(twin) == snapshot(path)


def test_inside_excel_problems_come_as_a_message_box(workbook, monkeypatch):
    import fake_xlwings
    import xlwings

    path, _ = workbook
    fake = fake_xlwings.Book(load_workbook(path), path)
    monkeypatch.setattr(xlwings.Book, "caller", staticmethod(lambda: fake))
    before = snapshot(path)
    message = macros.tinh_lai_xep_hang()  # as RunPython calls it: no book, the caller's workbook
    assert fake.alerts == [f"Lỗi: {message}"] and ("xltools template" in message or "chưa có" in message)
    fake.wb.save(path)
    assert snapshot(path) == before


def test_protected_sheets_are_lifted_for_the_write_and_protected_again(workbook):
    from types import SimpleNamespace

    from xltools.excel.book import BookError
    from xltools.excel.book_xlwings import unprotected

    calls = []
    sheet = SimpleNamespace(name=SHEET, api=SimpleNamespace(ProtectContents=True, Unprotect=lambda: calls.append("u"),
                                                            Protect=lambda **kw: calls.append(kw)))
    with unprotected(sheet):
        calls.append("write")
    assert calls[:2] == ["u", "write"] and calls[2]["Contents"] and calls[2]["AllowFiltering"]

    def refuse():
        raise RuntimeError("password")
    sheet.api.Unprotect = refuse
    with pytest.raises(BookError, match="mật khẩu"):
        with unprotected(sheet):
            pass


def test_a_file_open_elsewhere_is_reported(workbook, monkeypatch):
    import xltools.excel.book as book_module

    path, table = workbook

    def locked(path, save):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(book_module, "write_safely", locked)
    with pytest.raises(macros.MacroError, match="đang mở trong Excel"):
        recompute(path, table)


def test_a_blank_in_the_survey_file_clears_the_old_score_and_says_so(without_survey, tmp_path, data_dir):
    """The survey file is the source: a field it leaves blank is not left holding last import's score beside
    the new ones (a total mixing two files); the unit is incomplete and the message names the cell."""
    path, table = without_survey
    units = load(data_dir / SEED)[0][0].units
    import_survey(path, table, survey_file(tmp_path / "xhh.xlsx", units))
    again = survey_file(tmp_path / "xhh2.xlsx", units)
    wb = load_workbook(again)
    wb.active.cell(3, 5).value = None  # the first unit's third field
    wb.save(again)
    message = import_survey(path, table, again)
    third = table.cset.fields[2].label
    assert survey_cells(path, table)[units[0].name][2] is None
    assert f"{units[0].name} – {third} (đã xóa điểm cũ {format_vn_short(units[0].fields[2].survey)})" in message
