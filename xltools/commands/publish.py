"""`xltools publish FILE`: the official appendix (Phụ lục I, II, …) as .docx and .xlsx, the report
(--report), PDF (--pdf), with the change since last year (--previous)."""
from __future__ import annotations

import sys
from pathlib import Path

from ..core.checks import ERROR
from ..errors import ReadError
from ..publish.model import DecisionInfo, Previous, appendices
from ..publish.pdf import PdfUnavailable, to_pdf
from ._common import evaluate_file

# python-docx, openpyxl's writer and matplotlib (the report's chart) are imported in publish(), which
# needs them: every other command, and `--help`, starts without them.


def register(sub) -> None:
    p = sub.add_parser("publish", help="xuất Phụ lục (Word, Excel, PDF) và Báo cáo kết quả xếp hạng")
    p.add_argument("file", metavar="FILE", help="bảng tính thẩm định (.xlsx) hoặc bảng đã công bố (.txt, .docx)")
    p.add_argument("--set", dest="set_id", metavar="ID",
                   help="mã bộ tiêu chí (xem `xltools sets`) hoặc tệp .yaml; mặc định tự nhận")
    p.add_argument("-o", "--out", default=".", metavar="OUTDIR", help="thư mục ghi kết quả (mặc định: thư mục hiện tại)")
    p.add_argument("--decision-number", "--so-quyet-dinh", dest="decision_number", metavar="SỐ",
                   help="số Quyết định kèm theo, ví dụ 2345 hoặc 2345/QĐ-UBND (bỏ trống: để dấu chấm)")
    p.add_argument("--decision-date", "--ngay-quyet-dinh", dest="decision_date", metavar="NGÀY",
                   help="ngày Quyết định, ví dụ 20/12/2024 (bỏ trống: để dấu chấm)")
    p.add_argument("--issuer", "--co-quan", dest="issuer", metavar="CƠ QUAN",
                   help="cơ quan ban hành, ví dụ \"UBND tỉnh Bắc Kạn\" (mặc định: UBND tỉnh theo bảng)")
    p.add_argument("--previous", "--nam-truoc", dest="previous", metavar="FILE_NĂM_TRƯỚC",
                   help="kết quả năm trước (bất kỳ tệp nào xltools đọc được): thêm tăng/giảm điểm và hạng")
    p.add_argument("--previous-set", metavar="ID", help="bộ tiêu chí của tệp năm trước (mặc định tự nhận)")
    p.add_argument("--report", action="store_true", help="ghi thêm Báo cáo kết quả (.docx)")
    p.add_argument("--pdf", action="store_true", help="ghi thêm bản PDF (cần LibreOffice)")
    p.set_defaults(run=run)


def load_previous(path: Path, set_id=None) -> Previous:
    try:
        return Previous.from_evaluations(evaluate_file(path, set_id))
    except ReadError as exc:
        raise ReadError(f"Tệp năm trước (--previous): {exc} Với tệp năm trước, chọn bộ tiêu chí bằng "
                        "--previous-set.") from exc


def publish(source: Path, out: Path, set_id=None, info: DecisionInfo | None = None, previous: Path | None = None,
            previous_set=None, report: bool = False, pdf: bool = False) -> list[Path]:
    """Write the files; returns their paths. Raises PdfUnavailable after writing the others."""
    from ..publish.outputs import write_appendix

    prev = load_previous(previous, previous_set) if previous else None
    evaluations = evaluate_file(source, set_id)
    errors = sum(1 for e in evaluations for f in e.findings if f.severity == ERROR)
    if errors:  # published tables keep their own errors (the seeds do); the appraiser is told, not stopped
        print(f"Lưu ý: {source.name} còn {errors} lỗi (điểm ngoài khoảng, thiếu tên đơn vị, tổng sai…); phụ lục vẫn "
              f"được ghi theo điểm hiện có. Xem và sửa bằng `xltools check {source.name}` trước khi trình ký.",
              file=sys.stderr)
    items = appendices(evaluations, info, prev)
    written = write_appendix(items, source, out, report)
    if pdf:
        for docx in [p for p in written if p.suffix == ".docx"]:
            written.append(to_pdf(docx))
    return written


def run(args) -> int:
    info = DecisionInfo(args.decision_number, args.decision_date, args.issuer)
    try:
        written = publish(Path(args.file), Path(args.out), args.set_id, info,
                          Path(args.previous) if args.previous else None, args.previous_set, args.report, args.pdf)
    except PdfUnavailable as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    for path in written:
        print(f"Đã ghi {path}")
    return 0


def demo_step(sample: Path, out: Path) -> None:
    """`xltools demo`: the appendix and the report of the sample."""
    for path in publish(sample, out, report=True):
        print(f"Đã ghi {path}")

