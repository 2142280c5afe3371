"""A macro-enabled workbook (.xlsm) built on Linux from the standalone quickstart of the pinned xlwings.

The VBA project (the xlwings module with RunPython and ImportPythonUDFs, and the document modules of
ThisWorkbook, Sheet1, Sheet2) is the quickstart's `xl/vbaProject.bin`, byte for byte: nothing here can
compile VBA, and nothing needs to. What changes is the worksheets: the appraisal sheets built by
`xltools template`, and an `xlwings.conf` sheet (keys in column A from A1 down, values in column B)
that tells the VBA module which Python modules hold the worksheet functions.

openpyxl copies sheets only within one workbook, so instead of copying the appraisal sheets into the
quickstart workbook, the quickstart's VBA parts are attached to the appraisal workbook: openpyxl then
writes the macro-enabled content type, the vbaProject relationship and the code names the VBA project
expects (ThisWorkbook, Sheet1, Sheet2), exactly as if the sheets had been added to the quickstart.
"""
from __future__ import annotations

import os
from pathlib import Path

import xlwings
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from ..celltext import put
from ..workbook import builder
from .book import BookError

QUICKSTART = Path(xlwings.__file__).parent / "quickstart_standalone.xlsm"
CONF_SHEET = "xlwings.conf"
UDF_MODULES = "xltools.excel.udfs"
MACRO_ENABLED = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"

HELP = (
    "Trang cấu hình xlwings cho bảng tính này (khóa ở cột A từ ô A1, giá trị ở cột B, không để dòng trống).",
    "UDF Modules: mô-đun Python chứa các hàm CCHC_...; sau khi cài đặt, bấm Import Functions (hoặc chạy macro "
    "ImportPythonUDFs) một lần.",
    "Interpreter_Win: để trống thì dùng python trong PATH hoặc cấu hình của add-in xlwings; có thể ghi đường dẫn "
    "đầy đủ, ví dụ C:\\Python312\\pythonw.exe.",
    "Xem docs/excel.md: các bước cài đặt một lần trên Windows.",
)


def quickstart_keys() -> list[tuple[str, object]]:
    """The keys and default values of the quickstart's own config sheet, in its order."""
    qs = load_workbook(QUICKSTART, keep_vba=False)
    sheet = next(ws for ws in qs.worksheets if ws.title.lstrip("_") == CONF_SHEET)
    rows = []
    for key, value in sheet.iter_rows(min_col=1, max_col=2, values_only=True):
        if key is None:
            break
        rows.append((str(key), value))
    return rows


def conf_rows(interpreter_win: str = "", pythonpath: str = "", show_console: bool = False) -> list[tuple[str, object]]:
    """The xlwings.conf rows: the quickstart's keys, with the values xltools needs."""
    ours = {"INTERPRETER_WIN": interpreter_win, "INTERPRETER_MAC": "", "PYTHONPATH": pythonpath,
            "UDF MODULES": UDF_MODULES, "SHOW CONSOLE": show_console}
    return [(key, ours.get(key.upper(), "" if value in (None, "python") else value)) for key, value in quickstart_keys()]


def add_conf_sheet(wb: Workbook, rows: list[tuple[str, object]]) -> None:
    if CONF_SHEET in wb.sheetnames:
        del wb[CONF_SHEET]
    ws = wb.create_sheet(CONF_SHEET)
    for i, (key, value) in enumerate(rows, start=1):
        put(ws.cell(row=i, column=1), key)
        put(ws.cell(row=i, column=2), value)
    for i, line in enumerate(HELP, start=1):
        put(ws.cell(row=i, column=4), line).font = Font(italic=True)
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 24


def make_xlsm(source: str | os.PathLike | Workbook, out_path: str | os.PathLike, interpreter_win: str = "",
              pythonpath: str = "", show_console: bool = False) -> Path:
    """The appraisal workbook `source` (a .xlsx path or an openpyxl Workbook) as a macro-enabled
    workbook at `out_path` (.xlsm) carrying the quickstart's VBA project and an xlwings.conf sheet."""
    out = Path(out_path)
    if out.suffix.lower() != ".xlsm":
        raise BookError(f"Tệp có macro phải có đuôi .xlsm (đang là '{out.name}').")
    wb = source if isinstance(source, Workbook) else load_workbook(source)
    quickstart = load_workbook(QUICKSTART, keep_vba=True)
    wb.vba_archive = quickstart.vba_archive
    wb.code_name = quickstart.code_name
    add_conf_sheet(wb, conf_rows(interpreter_win, pythonpath, show_console))
    # The document modules of the VBA project belong to sheets by code name: the first sheet takes the
    # quickstart's first, the config sheet its config sheet's.
    names = [ws.sheet_properties.codeName for ws in quickstart.worksheets]
    wb.worksheets[0].sheet_properties.codeName = names[0]
    wb[CONF_SHEET].sheet_properties.codeName = names[-1]
    builder.save(wb, out)  # fixed timestamps: same workbook, same bytes
    if out.stem.isidentifier():
        write_run_main(out.with_suffix(".py"))
    out.with_name(VBA_FILE).write_bytes(VBA_BUTTONS.replace("\n", "\r\n").encode("ascii"))
    return out


# The buttons' VBA (ASCII: the VBA editor imports files in the system code page). Source of truth for
# macros/xltools_macros.bas (a test keeps them equal); written next to every .xlsm for pip users.
VBA_BUTTONS = r'''Attribute VB_Name = "xltools_macros"
' Nut bam cua bang tinh CCHC: moi nut goi mot macro Python cua xltools qua RunPython (xlwings).
' `xltools template --xlsm` ghi tep nay canh bang tinh .xlsm. Nhap mo-dun vao bang tinh:
'   Alt+F11 > File > Import File... > chon tep nay; roi gan macro cho nut (chuot phai > Assign Macro).
' RunPython nam trong mo-dun xlwings cua chinh bang tinh (ban standalone) hoac trong add-in xlwings.
Option Explicit

' Tinh lai xep hang: sap xep bang theo thu hang, danh lai STT, xep loai, ap dung quy tac cap xa, ghi trang Kiem tra.
Sub TinhLaiXepHang()
    RunPython "import xltools.excel.macros as m; m.tinh_lai_xep_hang()"
End Sub

' Nhap diem XHH: hoi tep ket qua dieu tra xa hoi hoc, ghi diem DT XHH cua tung don vi.
Sub NhapDiemXHH()
    Dim path As Variant
    path = Application.GetOpenFilename("Excel, CSV (*.xlsx;*.xlsm;*.csv),*.xlsx;*.xlsm;*.csv", , "Chon tep diem DT XHH")
    If path = False Then Exit Sub
    RunPython "import xltools.excel.macros as m; m.nhap_diem_xhh(source=r""" & path & """)"
End Sub

' Xuat phu luc: ghi tep Phu luc chinh thuc canh bang tinh nay.
Sub XuatPhuLuc()
    RunPython "import xltools.excel.macros as m; m.xuat_phu_luc()"
End Sub

' Chia phan: moi thanh vien hoi dong mot tep (chi mo o duoc giao), theo trang "Phan cong" (cot A ten, cot B linh vuc),
' ghi vao thu muc TEN_phan_cong canh bang tinh. Hay luu bang tinh truoc.
Sub ChiaPhan()
    RunPython "import xltools.excel.macros as m; m.chia_phan()"
End Sub

' Hop nhat: ghep cac phan trong thu muc TEN_phan_cong vao bang tinh nay; xung dot ghi o trang "Hop nhat".
Sub HopNhat()
    RunPython "import xltools.excel.macros as m; m.hop_nhat()"
End Sub

' So sanh: hoi phien ban cu cua bang tinh, ghi trang "So sanh" (diem thay doi, xep hang, xep loai thay doi).
Sub SoSanh()
    Dim path As Variant
    path = Application.GetOpenFilename("Excel (*.xlsx;*.xlsm),*.xlsx;*.xlsm", , "Chon phien ban cu de so sanh")
    If path = False Then Exit Sub
    RunPython "import xltools.excel.macros as m; m.so_sanh(old=r""" & path & """)"
End Sub

' Nap lai cac ham CCHC_ (sau khi cai hoac nang cap xltools). Can bat "Trust access to the VBA project object model".
Sub NapHamCCHC()
    ImportPythonUDFs
End Sub
'''
VBA_FILE = "xltools_macros.bas"


RUN_MAIN = ('"""Nút Run main của add-in xlwings chạy main() trong tệp .py cùng tên với bảng tính: '
            'Tính lại xếp hạng."""\nfrom xltools.excel.macros import main  # noqa: F401\n')


def write_run_main(path: Path) -> None:
    """The module the add-in's Run main imports (named like the workbook); never overwrites another file."""
    if not path.exists() or path.read_text(encoding="utf-8") == RUN_MAIN:
        path.write_text(RUN_MAIN, encoding="utf-8")


def build_xlsm(sections, out: str | os.PathLike, **options) -> Path:
    """`xltools template --xlsm`: the appraisal workbook (workbook.builder.build) made macro-enabled."""
    return make_xlsm(builder.build(sections, **options), Path(out).with_suffix(".xlsm"))
