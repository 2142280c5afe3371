"""Worksheet functions for Excel (xlwings UDFs, Windows): `=CCHC_XEPLOAI(T8:T26; "backan-2024-so")`.

Declarations only: each function hands its cells to xltools.excel.functions, which asks the core.
The docstrings and `doc=` texts are what Excel's function wizard shows (Excel keeps 255 characters).
On Linux and macOS the xlwings decorators return the function unchanged, so tests call these names
directly. Parameter names are VBA identifiers: xlwings writes them into a VBA module on Import.
"""
from __future__ import annotations

import functools

import xlwings as xw

from ..errors import UserError
from . import functions as fn

CATEGORY = "Chỉ số CCHC"

DOC_TOTALS = "Tổng điểm (Tổng cộng): một ô, một cột hoặc một vùng; ô trống cho kết quả trống."
DOC_SET = ("Mã bộ tiêu chí, ví dụ \"backan-2024-so\"; hoặc vùng bảng xếp loại 2 cột (mức, điểm từ), "
           "ví dụ bảng trên trang Cấu hình.")
DOC_DECIMALS = "Không bắt buộc: số chữ số thập phân làm tròn trước khi so (mặc định theo bộ tiêu chí, hoặc 3)."


def vietnamese_errors(f):
    """A problem the appraiser can fix comes back as the cell's text, not as a Python traceback."""
    @functools.wraps(f)
    def wrapper(*args):
        try:
            return f(*args)
        except UserError as exc:
            return [[f"Lỗi: {exc}"]]
    wrapper.__doc__ = " ".join((f.__doc__ or "").split())  # the wizard shows it on one line
    return wrapper


@xw.func(category=CATEGORY)
@xw.arg("tong", ndim=2, doc=DOC_TOTALS)
@xw.arg("bo_tieu_chi", doc=DOC_SET)
@xw.arg("so_thap_phan", doc=DOC_DECIMALS)
@vietnamese_errors
def CCHC_XEPLOAI(tong, bo_tieu_chi, so_thap_phan=None):
    """Xếp loại (Xuất sắc, Tốt, Khá, Trung bình, Yếu) của tổng điểm theo các mức của bộ tiêu chí hoặc của
    bảng xếp loại; tổng được làm tròn trước khi so. Chọn cả cột để được cả cột kết quả."""
    return fn.classes(tong, bo_tieu_chi, so_thap_phan)


@xw.func(category=CATEGORY)
@xw.arg("tong", ndim=2, doc=DOC_TOTALS)
@xw.arg("vung_tong", ndim=2, doc="Vùng tổng điểm của mọi đơn vị để so hạng (thường là cả cột Tổng cộng).")
@xw.arg("so_thap_phan", doc="Không bắt buộc: số chữ số thập phân, hoặc mã bộ tiêu chí (mặc định 3).")
@vietnamese_errors
def CCHC_XEPHANG(tong, vung_tong, so_thap_phan=None):
    """Xếp hạng của tổng điểm trong vùng: điểm cao nhất hạng 1; tổng bằng nhau (sau làm tròn) cùng hạng và
    hạng kế tiếp bị bỏ qua (1, 2, 2, 4)."""
    return fn.rank_in(tong, vung_tong, so_thap_phan)


@xw.func(category=CATEGORY)
@xw.arg("ten_don_vi", ndim=2, doc="Cột tên đơn vị.")
@xw.arg("cac_tong", ndim=2, doc="Các cột tổng điểm cùng số dòng (ví dụ Tự chấm, Thẩm định, ĐT XHH, Tổng cộng); "
                                "cột cuối là cột dùng để xếp hạng.")
@xw.arg("bo_tieu_chi", doc=DOC_SET)
@vietnamese_errors
def CCHC_BANGXEPHANG(ten_don_vi, cac_tong, bo_tieu_chi):
    """Cả bảng xếp hạng đã sắp theo thứ hạng, trả về một mảng: STT, Tên đơn vị, các cột tổng, Xếp hạng,
    Xếp loại. Nhập ở một ô, kết quả tự tràn ra các ô bên dưới (Excel 365)."""
    return fn.ranking_table(ten_don_vi, cac_tong, bo_tieu_chi)


@xw.func(category=CATEGORY)
@xw.arg("tong", ndim=2, doc=DOC_TOTALS)
@xw.arg("bo_tieu_chi", doc=DOC_SET)
@xw.arg("kem_muc", doc="Không bắt buộc: TRUE để thêm cột tên mức xếp loại sẽ đạt.")
@vietnamese_errors
def CCHC_DIEMCANTHEM(tong, bo_tieu_chi, kem_muc=False):
    """Số điểm đơn vị cần thêm để lên mức xếp loại kế trên (trống khi đã ở mức cao nhất)."""
    return fn.points_needed(tong, bo_tieu_chi, bool(kem_muc))


@xw.func(category=CATEGORY)
@xw.arg("bang", ndim=2, doc="Các dòng đơn vị của bảng tổng hợp, từ cột STT: STT, Tên đơn vị, từng lĩnh vực (Tự chấm, "
                            "Thẩm định, ĐT XHH), rồi các cột tổng, Xếp hạng, Xếp loại (có thể bỏ bớt các cột cuối).")
@xw.arg("bo_tieu_chi", doc="Mã bộ tiêu chí của bảng, ví dụ \"backan-2024-so\".")
@vietnamese_errors
def CCHC_KIEMTRA(bang, bo_tieu_chi):
    """Các lỗi, cảnh báo, ghi chú của bảng tổng hợp (điểm ngoài khoảng, thiếu điểm Thẩm định, tổng sai, hạng hoặc
    xếp loại sai, chưa theo thứ tự, trùng đơn vị...), mỗi dòng một nội dung."""
    return fn.table_findings(bang, bo_tieu_chi)


@xw.func(category=CATEGORY)
@xw.arg("ma_tieu_chi", ndim=2, doc="Cột mã tiêu chí của biểu chi tiết (1.1, 1.3.1, ...).")
@xw.arg("diem", ndim=2, doc="Một hoặc hai cột điểm cùng số dòng: Tự chấm, Thẩm định (có điểm Thẩm định thì "
                            "tính theo Thẩm định).")
@xw.arg("bo_tieu_chi", doc="Mã bộ tiêu chí có danh mục tiêu chí, ví dụ \"bacgiang-2023-tinh\".")
@xw.arg("dang_van_ban", doc="Không bắt buộc: TRUE để trả về một ô văn bản thay cho bảng 3 cột.")
@vietnamese_errors
def CCHC_MATDIEM(ma_tieu_chi, diem, bo_tieu_chi, dang_van_ban=False):
    """Các tiêu chí đơn vị bị mất điểm: Mã, Tên tiêu chí, Số điểm mất (điểm tối đa trừ điểm được chấm);
    không tính tiêu chí đánh giá qua điều tra xã hội học."""
    return fn.lost_criteria(ma_tieu_chi, diem, bo_tieu_chi, bool(dang_van_ban))


UDFS = (CCHC_XEPLOAI, CCHC_XEPHANG, CCHC_BANGXEPHANG, CCHC_DIEMCANTHEM, CCHC_KIEMTRA, CCHC_MATDIEM)
