"""Tests of the LibreOffice engine driver (xltools.engine.libreoffice).

Every test that needs LibreOffice is skipped when it is not installed, EXCEPT when the
environment variable XLTOOLS_REQUIRE_LIBREOFFICE=1 is set (CI installs LibreOffice): then a
missing LibreOffice makes these tests fail loudly instead of silently skipping.

One headless soffice process serves the whole run (fixture ``calc`` in conftest.py); every test opens a
fresh copy of the workbook it needs, so tests do not depend on each other.

Facts about LibreOffice Calc learned here (LibreOffice 7.4, recorded as assertions in
test_rounding_facts, test_rank_tie_facts and test_function_support_matrix):

* Float noise. In Python 34.3 + 29.9 + 15.8 == 79.99999999999999. In Calc:
  - ``=A1+A2+A3`` is also 79.99999999999999, but SUM(A1:A3) is exactly 80 (Calc sums with
    error compensation);
  - ``=A1+A2+A3=80`` is TRUE and ``=(A1+A2+A3)-80`` is 0: Calc compares and subtracts with
    "approximate equality" (it snaps results within a few ulps);
  - ROUND(79.99999999999999; 3) = 80, ROUND(SUM(...); 3) = 80.
* Ties in RANK / RANK.EQ: equal values share a rank and the next rank is skipped (88, 80, 80,
  70.5 -> 1, 2, 2, 4); RANK.AVG gives 2.5 to both. BUT the comparison is EXACT: a total of
  79.99999999999999 ranks below a typed 80 (no tie), and 80.0000000000001 ranks above it,
  while COUNTIF and MATCH treat them all as equal to 80. So ranks must be computed on
  ROUND()-ed totals, never on raw sums.
* The "_xlfn." prefix (formulas as openpyxl writes them into the file):
  - functions newer than Excel 2007 NEED it, otherwise #NAME?: RANK.EQ, RANK.AVG, IFS, MAXIFS,
    MINIFS, CONCAT, TEXTJOIN, SWITCH;
  - Excel 2007 functions must NOT have it: COUNTIFS, SUMIFS, AVERAGEIFS, IFERROR, COUNTIF,
    RANK, ROUND, SUMPRODUCT with a prefix are not recognised (#NAME?, or the error of an
    argument, e.g. ``_xlfn.IFERROR(1/0,-1)`` gives #DIV/0!);
  - XLOOKUP, SORT, UNIQUE, LET (and FILTER) are not available in LibreOffice 7.4 with or
    without the prefix: do not use them in templates.
* Error codes: an unknown function or name is Err:525 (#NAME?); 1/0 is 532 (#DIV/0!); NA()
  and failed lookups are 32767 (#N/A); "a"+1 is 519 (#VALUE!); INDIRECT("ZZZ") is 524 (#REF!);
  10^400 is 503 (#NUM!); SQRT(-1) and LN(0) are 502, which Calc shows as Err:502 and writes
  to .xlsx as #VALUE! (Excel itself would say #NUM!).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Protection
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from xltools.engine import libreoffice as lo

REQUIRED = os.environ.get("XLTOOLS_REQUIRE_LIBREOFFICE") == "1"
AVAILABLE = lo.available()

# Skip only when LibreOffice is missing AND not required; when required, tests run and fail.
pytestmark = pytest.mark.skipif(
    not AVAILABLE and not REQUIRED,
    reason=f"LibreOffice không có sẵn: {lo.unavailable_reason()}",
)

SCORES = "Chấm điểm"  # sheet names with diacritics on purpose
CONFIG = "Cấu hình"
APPRAISAL = "Thẩm định"

# unit, field 1, field 2, field 3 (rows 2..5)
UNITS = [
    ("UBND huyện Ba Bể", 34.3, 29.9, 15.8),  # 79.99999999999999 in Python, 80 in SUM
    ("UBND huyện Chợ Đồn", 40, 30, 10),  # 80: ties with Ba Bể after ROUND
    ("UBND huyện Na Rì", 30.25, 20.5, 19.75),  # 70.5
    ("UBND thành phố Bắc Kạn", 45.5, 30.1, 12.4),  # 88
]

ERROR_MESSAGE = "Điểm thẩm định phải là số từ 0 đến 9. Vui lòng nhập lại."
ERROR_TITLE = "Điểm không hợp lệ"


# --------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------

def test_libreoffice_available_when_required():
    """Never skipped: on CI (XLTOOLS_REQUIRE_LIBREOFFICE=1) a missing LibreOffice is a failure."""
    if REQUIRED:
        assert AVAILABLE, f"XLTOOLS_REQUIRE_LIBREOFFICE=1 nhưng: {lo.unavailable_reason()}"
    else:
        assert AVAILABLE == (lo.unavailable_reason() == "")



def build_workbook(path: Path) -> Path:
    """A small scoring workbook written by openpyxl (no cached values, like our templates)."""
    wb = Workbook()
    ws = wb.active
    ws.title = SCORES
    ws.append(["Đơn vị", "LV1", "LV2", "LV3", "Tổng", "Tổng làm tròn", "Xếp hạng",
               "Xếp hạng (RANK)", "Xếp loại", "Tỷ lệ", "Lỗi cố ý", "Cộng thường"])
    for i, (unit, a, b, c) in enumerate(UNITS, start=2):
        ws.append([unit, a, b, c])
        ws[f"E{i}"] = f"=SUM(B{i}:D{i})"
        ws[f"F{i}"] = f"=ROUND(SUM(B{i}:D{i}),3)"
        ws[f"G{i}"] = f"=_xlfn.RANK.EQ(F{i},$F$2:$F$5)"
        ws[f"H{i}"] = f"=RANK(F{i},$F$2:$F$5)"
        ws[f"I{i}"] = f'=IF(F{i}>=NguongTot,"Tốt","Khá")'  # workbook-level defined name
        ws[f"J{i}"] = f"=IFERROR(F{i}/$B$9,0)"  # B9 is empty: division by zero caught
        ws[f"L{i}"] = f"=B{i}+C{i}+D{i}"  # plain addition, float noise kept
    ws["K2"] = "=TONGDIEM(B2:D2)"  # deliberately broken function name
    ws["A7"] = "Số đơn vị từ 80 điểm"
    ws["F7"] = '=COUNTIF(F2:F5,">=80")'

    config = wb.create_sheet(CONFIG)
    config["A1"] = "Ngưỡng loại Tốt"
    config["B1"] = 80
    wb.defined_names["NguongTot"] = DefinedName("NguongTot", attr_text=f"'{CONFIG}'!$B$1")

    sheet = wb.create_sheet(APPRAISAL)
    sheet["A1"] = "Điểm thẩm định"
    sheet["B2"] = 5
    sheet["B2"].protection = Protection(locked=False)  # the only cell the appraiser may edit
    sheet["C2"] = "=B2*2"
    rule = DataValidation(
        type="decimal", operator="between", formula1="0", formula2="9", allow_blank=True,
        showErrorMessage=True, errorTitle=ERROR_TITLE, error=ERROR_MESSAGE,
        showInputMessage=True, promptTitle="Nhập điểm", prompt="Từ 0 đến 9",
    )
    sheet.add_data_validation(rule)
    rule.add("B2")
    sheet.protection.sheet = True
    sheet.protection.password = "cchc"
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def workbook_path(tmp_path_factory) -> Path:
    return build_workbook(tmp_path_factory.mktemp("engine") / "cham_diem.xlsx")


@pytest.fixture
def doc(calc, workbook_path):
    document = calc.open(workbook_path)
    yield document
    document.close()


# --------------------------------------------------------------------------------------
# Finding LibreOffice
# --------------------------------------------------------------------------------------

def test_find_soffice_points_to_an_executable():
    path = lo.find_soffice()
    assert path and os.path.isfile(path)


def test_error_text_mapping():
    assert lo.error_text(525) == "#NAME?"
    assert lo.error_text(532) == "#DIV/0!"
    assert lo.error_text(524) == "#REF!"
    assert lo.error_text(519) == "#VALUE!"
    assert lo.error_text(504) == "#VALUE!"
    assert lo.error_text(503) == "#NUM!"
    assert lo.error_text(32767) == "#N/A"
    assert lo.error_text(512) == "Err:512"  # no Excel equivalent: shown as Calc shows it


# --------------------------------------------------------------------------------------
# Computing
# --------------------------------------------------------------------------------------

def test_formulas_are_computed_on_load(doc):
    assert doc.sheet_names() == [SCORES, CONFIG, APPRAISAL]
    assert [doc.get(SCORES, f"E{r}") for r in range(2, 6)] == [80.0, 80.0, 70.5, 88.0]
    assert [doc.get(SCORES, f"F{r}") for r in range(2, 6)] == [80.0, 80.0, 70.5, 88.0]
    # ties share the rank, the next rank is skipped; RANK and _xlfn.RANK.EQ agree
    assert [doc.get(SCORES, f"G{r}") for r in range(2, 6)] == [2.0, 2.0, 4.0, 1.0]
    assert [doc.get(SCORES, f"H{r}") for r in range(2, 6)] == [2.0, 2.0, 4.0, 1.0]
    assert [doc.get(SCORES, f"I{r}") for r in range(2, 6)] == ["Tốt", "Tốt", "Khá", "Tốt"]
    assert [doc.get(SCORES, f"J{r}") for r in range(2, 6)] == [0.0] * 4
    assert doc.get(SCORES, "F7") == 3.0
    assert doc.get(SCORES, "A1") == "Đơn vị"
    assert doc.get(SCORES, "Z99") is None


def test_typing_values_and_recalculating(doc):
    doc.set_value(SCORES, "B4", 40)  # Na Rì: 40 + 20.5 + 19.75 = 80.25
    doc.set_value(CONFIG, "B1", 85)  # the defined name now means 85
    assert doc.recalc() >= 0
    assert doc.get(SCORES, "F4") == 80.25
    assert [doc.get(SCORES, f"G{r}") for r in range(2, 6)] == [3.0, 3.0, 2.0, 1.0]
    assert [doc.get(SCORES, f"I{r}") for r in range(2, 6)] == ["Khá", "Khá", "Khá", "Tốt"]
    assert doc.get(SCORES, "F7") == 4.0
    doc.set_value(SCORES, "B9", 10)  # the IFERROR divisor is no longer empty
    assert doc.get(SCORES, "J5") == 8.8
    doc.set_value(SCORES, "B9", None)  # cleared again
    assert doc.get(SCORES, "B9") is None
    assert doc.get(SCORES, "J5") == 0.0


def test_text_typed_in_a_score_cell_stays_text(doc):
    doc.set_value(SCORES, "C3", "9,5")  # the appraiser typed a decimal comma: text in en-US
    doc.recalc()
    assert doc.get(SCORES, "C3") == "9,5"
    assert isinstance(doc.get(SCORES, "C3"), str)
    assert doc.get(SCORES, "E3") == 50.0  # SUM silently ignores the text: 40 + 10
    doc.enter(SCORES, "C3", "9.5")  # typed through Calc's input parser: a number
    assert doc.get(SCORES, "C3") == 9.5
    assert doc.get(SCORES, "E3") == 59.5


def test_broken_function_name_is_a_name_error(doc):
    assert doc.get(SCORES, "K2") == "#NAME?"
    assert doc.error_code(SCORES, "K2") == 525
    assert doc.errors() == [(SCORES, "K2", "#NAME?")]
    assert doc.errors(CONFIG) == []
    doc.set_formula(SCORES, "K3", "=1/0")
    doc.set_formula(CONFIG, "C5", "=NA()")
    assert doc.errors() == [
        (SCORES, "K2", "#NAME?"),
        (SCORES, "K3", "#DIV/0!"),
        (CONFIG, "C5", "#N/A"),
    ]
    assert doc.errors(SCORES) == [(SCORES, "K2", "#NAME?"), (SCORES, "K3", "#DIV/0!")]


@pytest.mark.parametrize(
    "formula, expected, code",
    [
        ("=1/0", "#DIV/0!", 532),
        ("=NA()", "#N/A", 32767),
        ('=VLOOKUP(99,B2:B5,1,FALSE)', "#N/A", 32767),
        ('="a"+1', "#VALUE!", 519),
        ('=INDIRECT("ZZZ")', "#REF!", 524),
        ("=NOSUCHNAME+1", "#NAME?", 525),
        ("=10^400", "#NUM!", 503),
        ("=SQRT(-1)", "#VALUE!", 502),  # Calc shows Err:502; Excel would say #NUM!
    ],
)
def test_error_values(doc, formula, expected, code):
    doc.set_formula(SCORES, "M2", formula)
    assert doc.get(SCORES, "M2") == expected
    assert doc.error_code(SCORES, "M2") == code


def test_get_range_matches_get(doc):
    doc.set_formula(SCORES, "M3", '=""')  # an empty-string result is "", not None
    rows = doc.get_range(SCORES, "A1:M5")
    assert len(rows) == 5 and all(len(row) == 13 for row in rows)
    columns = "ABCDEFGHIJKLM"
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            assert value == doc.get(SCORES, f"{columns[c]}{r}"), f"{columns[c]}{r}"
    assert rows[1][10] == "#NAME?"
    assert rows[2][12] == ""
    assert rows[4][12] is None


def test_set_formula_excel_and_calc_syntax(doc):
    doc.set_formula(SCORES, "M2", '=IF(F2>=80,"Tốt","Khá")')  # Excel syntax: commas
    assert doc.get(SCORES, "M2") == "Tốt"
    doc.set_formula(SCORES, "M3", f"=_xlfn.RANK.EQ('{SCORES}'!F5,$F$2:$F$5)")
    assert doc.get(SCORES, "M3") == 1.0
    doc.set_formula(SCORES, "M4", "=RANK.EQ(F5,$F$2:$F$5)")  # no prefix: as in a saved file
    assert doc.get(SCORES, "M4") == "#NAME?"
    doc.set_formula(SCORES, "M5", "=SUM(B2;D2)", syntax="calc")  # LibreOffice syntax
    assert doc.get(SCORES, "M5") == 34.3 + 15.8
    assert doc.formula(SCORES, "M5") == "=SUM(B2;D2)"


# --------------------------------------------------------------------------------------
# Protection and validation survive the load
# --------------------------------------------------------------------------------------

def test_protection_and_validation(doc):
    assert doc.is_protected(APPRAISAL)
    assert not doc.is_protected(SCORES)
    assert doc.cell_locked(APPRAISAL, "C2")
    assert not doc.cell_locked(APPRAISAL, "B2")
    assert doc.validation(APPRAISAL, "C2") is None
    rule = doc.validation(APPRAISAL, "B2")
    assert rule == {
        "type": "decimal",
        "operator": "between",
        "formula1": "0",
        "formula2": "9",
        "allow_blank": True,
        "show_error": True,
        "error_style": "stop",
        "error_title": ERROR_TITLE,
        "error": ERROR_MESSAGE,
        "show_input": True,
        "prompt_title": "Nhập điểm",
        "prompt": "Từ 0 đến 9",
    }
    # the API writes through protection (only the UI enforces it)
    doc.set_value(APPRAISAL, "B2", 7.5)
    assert doc.get(APPRAISAL, "C2") == 15.0


# --------------------------------------------------------------------------------------
# Saving, converting, timing
# --------------------------------------------------------------------------------------

def test_save_as_xlsx_and_ods_keeps_formulas_and_values(calc, doc, tmp_path):
    doc.set_value(SCORES, "B4", 40)
    xlsx = doc.save_as(tmp_path / "saved.xlsx")
    ods = doc.save_as(tmp_path / "saved.ods")
    assert xlsx.stat().st_size > 0 and ods.stat().st_size > 0
    formulas = load_workbook(xlsx)
    values = load_workbook(xlsx, data_only=True)
    assert formulas[SCORES]["G2"].value == "=_xlfn.RANK.EQ(F2,$F$2:$F$5)"
    assert values[SCORES]["F4"].value == 80.25  # cached results written by LibreOffice
    assert values[SCORES]["K2"].value == "#NAME?"
    assert formulas[APPRAISAL].protection.sheet
    reopened = calc.open(ods)
    try:
        assert reopened.get(SCORES, "F4") == 80.25
        assert reopened.validation(APPRAISAL, "B2")["error"] == ERROR_MESSAGE
    finally:
        reopened.close()
    with pytest.raises(lo.LibreOfficeError, match="Không biết lưu định dạng"):
        doc.save_as(tmp_path / "saved.xyz")


def test_no_lock_files_next_to_opened_documents(calc, workbook_path):
    document = calc.open(workbook_path)
    try:
        assert not list(workbook_path.parent.glob(".~lock.*"))
    finally:
        document.close()


def test_open_errors_are_in_vietnamese(calc, tmp_path):
    with pytest.raises(lo.LibreOfficeError, match="Không tìm thấy tệp"):
        calc.open(tmp_path / "khong_co.xlsx")
    document = calc.open(build_workbook(tmp_path / "y.xlsx"))
    try:
        with pytest.raises(lo.LibreOfficeError, match="Cần địa chỉ một ô"):
            document.get(SCORES, "A1:B2")
        with pytest.raises(lo.LibreOfficeError, match="Địa chỉ ô không hợp lệ"):
            document.get(SCORES, "XYZ")
    finally:
        document.close()
    with pytest.raises(lo.LibreOfficeError, match="Không có trang tính 'Không có'"):
        document = calc.open(build_workbook(tmp_path / "x.xlsx"))
        try:
            document.get("Không có", "A1")
        finally:
            document.close()


def test_convert_to_pdf(workbook_path, tmp_path):
    pdf = lo.convert(workbook_path, "pdf", tmp_path / "pdf")
    assert pdf == tmp_path / "pdf" / "cham_diem.pdf"
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 1000


def test_convert_docx_to_pdf(tmp_path):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("Phụ lục I: Kết quả Chỉ số cải cách hành chính năm 2024")
    document.save(tmp_path / "phu_luc.docx")
    pdf = lo.convert(tmp_path / "phu_luc.docx", "pdf", tmp_path)
    assert pdf.read_bytes().startswith(b"%PDF")


def test_convert_failure_is_explained(tmp_path):
    with pytest.raises(lo.LibreOfficeError, match="Không tìm thấy tệp cần chuyển đổi"):
        lo.convert(tmp_path / "khong_co.xlsx", "pdf", tmp_path)
    source = build_workbook(tmp_path / "nguon.xlsx")
    with pytest.raises(lo.LibreOfficeError, match="trùng với tệp nguồn"):
        lo.convert(source, "xlsx", tmp_path)
    assert source.is_file()
    bogus = tmp_path / "hong.xlsx"
    bogus.write_bytes(b"PK\x03\x04 this is not a real workbook")
    with pytest.raises(lo.LibreOfficeError, match="không chuyển đổi được hong.xlsx") as info:
        lo.convert(bogus, "nosuchformat", tmp_path / "out")
    assert "stderr" in str(info.value)


def test_recalc_file_reports_timings(calc, workbook_path, tmp_path):
    timings = lo.recalc_file(workbook_path, tmp_path / "recalc.xlsx", session=calc)
    assert set(timings) == {"start", "open", "recalc", "save", "total", "errors"}
    assert timings["start"] == 0.0
    assert timings["errors"] == 1  # the deliberately broken TONGDIEM
    assert 0 <= timings["recalc"] <= timings["total"] < 30
    assert (tmp_path / "recalc.xlsx").stat().st_size > 0


@pytest.mark.skipif(os.name != "posix", reason="simulates a crash with a POSIX signal")
def test_session_restarts_after_a_crash_and_cleans_up_even_on_error(workbook_path):
    with pytest.raises(ZeroDivisionError):
        with lo.CalcSession() as session:
            first_root = session._root
            os.killpg(session._proc.pid, signal.SIGKILL)  # simulate a crash of soffice
            session._proc.wait(10)
            with pytest.warns(RuntimeWarning, match="restarting"):
                document = session.open(workbook_path)
            assert session.restarts == 1
            assert not Path(first_root).exists()  # the crashed instance's profile is gone
            assert document.get(SCORES, "E5") == 88.0
            proc, root = session._proc, session._root
            assert session.running and Path(root).is_dir()
            raise ZeroDivisionError
    assert proc.poll() is not None
    assert not Path(root).exists()
    with pytest.raises(lo.LibreOfficeError, match="chưa được khởi động hoặc đã đóng"):
        session.open(workbook_path)


# --------------------------------------------------------------------------------------
# Recorded facts about LibreOffice's calculation
# --------------------------------------------------------------------------------------

def test_rounding_facts(doc):
    assert 34.3 + 29.9 + 15.8 == 79.99999999999999  # Python, for comparison
    assert doc.get(SCORES, "L2") == 79.99999999999999  # =B2+C2+D2: the same float noise
    assert doc.get(SCORES, "E2") == 80.0  # =SUM(B2:D2): exact
    facts = {
        "=ROUND(L2,3)": 80.0,
        "=ROUND(79.99999999999999,3)": 80.0,
        "=ROUND(SUM(B2:D2),3)": 80.0,
        "=L2=80": 1.0,  # approximate equality in comparisons
        "=L2-80": 0.0,  # and in subtraction
        "=INT(L2)": 80.0,
        "=ROUNDDOWN(L2,0)": 80.0,
    }
    for formula, expected in facts.items():
        doc.set_formula(SCORES, "M2", formula)
        assert doc.get(SCORES, "M2") == expected, formula


def test_rank_tie_facts(calc, tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "S"
    for row, value in enumerate([34.3, 29.9, 15.8], start=1):
        ws.cell(row, 1, value)
    ws["B1"] = "=A1+A2+A3"  # 79.99999999999999
    ws["B2"] = 80
    ws["B3"] = 70
    ws["B4"] = "=SUM(A1:A3)"  # 80
    ws["B5"] = 80.0000000000001
    for r in range(1, 6):
        ws[f"C{r}"] = f"=_xlfn.RANK.EQ(B{r},$B$1:$B$5)"
        ws[f"D{r}"] = f"=RANK(B{r},$B$1:$B$5)"
        ws[f"E{r}"] = f"=_xlfn.RANK.AVG(B{r},$B$1:$B$5)"
        ws[f"F{r}"] = f"=COUNTIF($B$1:$B$5,B{r})"
        ws[f"G{r}"] = f"=MATCH(B{r},$B$1:$B$5,0)"
        ws[f"H{r}"] = f"=_xlfn.RANK.EQ(ROUND(B{r},3),$I$1:$I$5)"
        ws[f"I{r}"] = f"=ROUND(B{r},3)"
    wb.save(tmp_path / "ties.xlsx")
    document = calc.open(tmp_path / "ties.xlsx")
    try:
        rows = document.get_range("S", "B1:I5")
    finally:
        document.close()
    rank_eq = [row[1] for row in rows]
    assert rank_eq == [4.0, 2.0, 5.0, 2.0, 1.0]  # exact comparison: 79.99999999999999 < 80
    assert [row[2] for row in rows] == rank_eq  # RANK == RANK.EQ
    assert [row[3] for row in rows] == [4.0, 2.5, 5.0, 2.5, 1.0]  # RANK.AVG
    assert [row[4] for row in rows] == [4.0, 4.0, 1.0, 4.0, 4.0]  # COUNTIF: approximate
    assert [row[5] for row in rows] == [1.0, 1.0, 3.0, 1.0, 1.0]  # MATCH: approximate
    assert [row[6] for row in rows] == [1.0, 1.0, 5.0, 1.0, 1.0]  # ranking ROUNDed totals


# function -> (formula without prefix, expected without prefix, expected with "_xlfn.")
# Data: A1:A4 = a, b, c, d; B1:B4 = 90, 85.5, 85.5, 70.
FUNCTION_SUPPORT = {
    # newer than Excel 2007: the prefix is required
    "RANK.EQ": ("RANK.EQ(B2,B1:B4)", "#NAME?", 2.0),
    "RANK.AVG": ("RANK.AVG(B2,B1:B4)", "#NAME?", 2.5),
    "IFS": ("IFS(B1>95,1,B1>80,2)", "#NAME?", 2.0),
    "MAXIFS": ('MAXIFS(B1:B4,A1:A4,"<>a")', "#NAME?", 85.5),
    "MINIFS": ('MINIFS(B1:B4,A1:A4,"<>d")', "#NAME?", 85.5),
    "CONCAT": ("CONCAT(A1:A2)", "#NAME?", "ab"),
    "TEXTJOIN": ('TEXTJOIN(",",TRUE,A1:A4)', "#NAME?", "a,b,c,d"),
    "SWITCH": ('SWITCH(2,1,"x",2,"y")', "#NAME?", "y"),
    # Excel 2007 functions: the prefix must NOT be written
    "COUNTIFS": ('COUNTIFS(B1:B4,">80",A1:A4,"<>d")', 3.0, "#NAME?"),
    "SUMIFS": ('SUMIFS(B1:B4,B1:B4,">80")', 261.0, "#NAME?"),
    "AVERAGEIFS": ('AVERAGEIFS(B1:B4,B1:B4,">80")', 87.0, "#NAME?"),
    "IFERROR": ("IFERROR(1/0,-1)", -1.0, "#DIV/0!"),  # unknown function: argument error wins
    "COUNTIF": ('COUNTIF(B1:B4,">80")', 3.0, "#NAME?"),
    "RANK": ("RANK(B2,B1:B4)", 2.0, "#NAME?"),
    "ROUND": ("ROUND(SUM(B1:B4),1)", 331.0, "#NAME?"),
    # not in LibreOffice 7.4 at all
    "XLOOKUP": ('XLOOKUP("c",A1:A4,B1:B4)', "#NAME?", "#NAME?"),
    "SORT": ("SORT(B1:B4)", "#NAME?", "#NAME?"),
    "UNIQUE": ("UNIQUE(B1:B4)", "#NAME?", "#NAME?"),
    "LET": ("LET(x,2,x*3)", "#NAME?", "#NAME?"),
}


def test_function_support_matrix(calc, tmp_path):
    """Which functions, written by openpyxl into an .xlsx, LibreOffice computes, with and
    without the "_xlfn." prefix. Both the file load and set_formula() must agree."""
    wb = Workbook()
    ws = wb.active
    ws.title = "S"
    for row, (name, value) in enumerate([("a", 90), ("b", 85.5), ("c", 85.5), ("d", 70)], start=1):
        ws.cell(row, 1, name)
        ws.cell(row, 2, value)
    for row, (formula, _, _) in enumerate(FUNCTION_SUPPORT.values(), start=1):
        ws.cell(row, 4, "=" + formula)
        ws.cell(row, 5, "=_xlfn." + formula)
    wb.save(tmp_path / "functions.xlsx")
    document = calc.open(tmp_path / "functions.xlsx")
    try:
        found = {}
        typed = {}
        for row, name in enumerate(FUNCTION_SUPPORT, start=1):
            found[name] = (document.get("S", f"D{row}"), document.get("S", f"E{row}"))
            formula = FUNCTION_SUPPORT[name][0]
            document.set_formula("S", "G1", "=" + formula)
            document.set_formula("S", "G2", "=_xlfn." + formula)
            typed[name] = (document.get("S", "G1"), document.get("S", "G2"))
    finally:
        document.close()
    expected = {name: (plain, prefixed) for name, (_, plain, prefixed) in FUNCTION_SUPPORT.items()}
    assert found == expected
    assert typed == expected


def test_module_is_fast_enough(calc, workbook_path):
    """Opening and recalculating the small workbook in a running session is quick."""
    began = time.perf_counter()
    document = calc.open(workbook_path)
    document.recalc()
    document.close()
    assert time.perf_counter() - began < 10
    assert calc.startup_seconds is not None and calc.startup_seconds < 60


def test_soffice_is_not_left_running_by_convert(tmp_path, workbook_path):
    before = _soffice_processes()
    lo.convert(workbook_path, "ods", tmp_path)
    assert (tmp_path / "cham_diem.ods").stat().st_size > 0
    assert _soffice_processes() <= before


def _soffice_processes() -> set[str]:
    out = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True).stdout
    return {line.split()[0] for line in out.splitlines() if "xltools-lo-convert-" in line}
