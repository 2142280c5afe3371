"""The macro-enabled workbook: the xlwings VBA project intact, macro-enabled, configured."""
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from xltools.excel.book import BookError
from xltools.excel.xlsm import CONF_SHEET, MACRO_ENABLED, QUICKSTART, RUN_MAIN, make_xlsm
from xltools.files import backups
from xltools.workbook import builder

KEYS = ["Interpreter_Win", "Interpreter_Mac", "PYTHONPATH", "Conda Path", "Conda Env", "UDF Modules", "Debug UDFs",
        "Use UDF Server", "Show Console"]


def appraisal_workbook(path):
    wb = Workbook()
    wb.active.title = "Tổng hợp Sở"
    wb.active["B7"] = "Sở Tư pháp"
    wb.active["N7"] = "=ROUND(SUM(C7:M7),3)"
    wb.create_sheet("Cấu hình")["B2"] = "xltools-appraisal/1"
    wb.save(path)
    return path


@pytest.fixture
def xlsm(tmp_path):
    return make_xlsm(appraisal_workbook(tmp_path / "mau.xlsx"), tmp_path / "cchc_2024.xlsm")


def test_vba_project_is_the_xlwings_one_byte_for_byte(xlsm):
    with zipfile.ZipFile(QUICKSTART) as template, zipfile.ZipFile(xlsm) as made:
        assert made.read("xl/vbaProject.bin") == template.read("xl/vbaProject.bin")
        assert MACRO_ENABLED in made.read("[Content_Types].xml").decode()
        assert "vbaProject" in made.read("xl/_rels/workbook.xml.rels").decode()
        assert 'codeName="ThisWorkbook"' in made.read("xl/workbook.xml").decode()


def test_config_sheet_and_sheets(xlsm):
    wb = load_workbook(xlsm, keep_vba=True)
    assert wb.sheetnames == ["Tổng hợp Sở", "Cấu hình", CONF_SHEET]
    conf = {row[0]: row[1] for row in wb[CONF_SHEET].iter_rows(min_col=1, max_col=2, values_only=True) if row[0]}
    assert list(conf) == KEYS  # keys from A1 down, no gap: xlwings stops at the first blank
    assert conf["UDF Modules"] == "xltools.excel.udfs" and conf["Show Console"] is False
    assert not conf["Interpreter_Win"]  # blank: python on PATH, or the add-in's setting
    assert wb["Tổng hợp Sở"]["N7"].value == "=ROUND(SUM(C7:M7),3)"
    assert [ws.sheet_properties.codeName for ws in wb.worksheets][::2] == ["Sheet1", "Sheet2"]


def test_run_main_module_next_to_the_workbook(xlsm, tmp_path):
    assert (tmp_path / "cchc_2024.py").read_text(encoding="utf-8") == RUN_MAIN
    compile(RUN_MAIN, "cchc_2024.py", "exec")


def test_rebuild_keeps_a_backup_and_refuses_other_suffixes(xlsm, tmp_path):
    make_xlsm(appraisal_workbook(tmp_path / "mau.xlsx"), xlsm, interpreter_win=r"C:\Python312\pythonw.exe")
    assert len(backups(xlsm)) == 1
    conf = load_workbook(xlsm)[CONF_SHEET]
    assert conf["B1"].value == r"C:\Python312\pythonw.exe"
    with pytest.raises(BookError):
        make_xlsm(appraisal_workbook(tmp_path / "mau.xlsx"), tmp_path / "x.xlsx")


def test_libreoffice_opens_it_and_computes(xlsm, tmp_path, calc):
    from xltools.engine import libreoffice as lo

    timings = lo.recalc_file(xlsm, tmp_path / "tinh.xlsx", session=calc)
    assert timings["errors"] == 0
    assert load_workbook(tmp_path / "tinh.xlsx", data_only=True)["Tổng hợp Sở"]["N7"].value == 0


def test_xlsm_of_a_template_is_reproducible(tmp_path):
    from xltools import catalog

    def build():
        return builder.build([builder.SectionInput(catalog.get("backan-2024-so"))])
    first = make_xlsm(build(), tmp_path / "a" / "mau.xlsm")
    second = make_xlsm(build(), tmp_path / "b" / "mau.xlsm")
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as made, zipfile.ZipFile(QUICKSTART) as template:
        assert made.read("xl/vbaProject.bin") == template.read("xl/vbaProject.bin")
    wb = load_workbook(first, keep_vba=True)
    assert wb.sheetnames[-1] == CONF_SHEET and "Tổng hợp Sở" in wb.sheetnames and "Cấu hình" in wb.sheetnames


def test_macros_keep_the_vba_project(tmp_path):
    from xltools import catalog
    from xltools.commands.template import sections_for
    from xltools.excel import macros
    from xltools.excel.book import OpenpyxlBook
    from xltools.excel.xlsm import build_xlsm

    # the sample's districts: a workbook without units is refused by Tính lại (nothing to rank)
    path = build_xlsm(sections_for([catalog.get("backan-2024-huyen")], None), tmp_path / "cchc.xlsx")
    assert path.suffix == ".xlsm"
    macros.tinh_lai_xep_hang(OpenpyxlBook(path))
    with zipfile.ZipFile(QUICKSTART) as template, zipfile.ZipFile(path) as made:
        assert made.read("xl/vbaProject.bin") == template.read("xl/vbaProject.bin")
        assert MACRO_ENABLED in made.read("[Content_Types].xml").decode()
    assert macros.CHECKS_SHEET in load_workbook(path, keep_vba=True).sheetnames


def test_template_command_makes_the_xlsm(tmp_path, capsys):
    from xltools.cli import main

    assert main(["template", "--set", "backan-2024-so", "--xlsm", "-o", str(tmp_path / "cchc_2024.xlsx")]) == 0
    assert "cchc_2024.xlsm" in capsys.readouterr().out
    with zipfile.ZipFile(tmp_path / "cchc_2024.xlsm") as made, zipfile.ZipFile(QUICKSTART) as template:
        assert made.read("xl/vbaProject.bin") == template.read("xl/vbaProject.bin")
    assert (tmp_path / "cchc_2024.py").exists()


def test_button_module_is_written_next_to_it_and_matches_macros_dir(xlsm, tmp_path):
    from pathlib import Path

    from xltools.excel.xlsm import VBA_BUTTONS, VBA_FILE

    shipped = Path(__file__).parents[1] / "macros" / VBA_FILE
    assert (tmp_path / VBA_FILE).read_bytes() == shipped.read_bytes() == VBA_BUTTONS.replace("\n", "\r\n").encode()
    for command in ("m.tinh_lai_xep_hang()", "m.nhap_diem_xhh(source=", "m.xuat_phu_luc()"):
        assert f'RunPython "import xltools.excel.macros as m; {command}' in VBA_BUTTONS
    from xltools.excel import macros
    assert all(callable(getattr(macros, name)) for name in ("tinh_lai_xep_hang", "nhap_diem_xhh", "xuat_phu_luc", "main"))
