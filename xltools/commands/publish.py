"""`xltools publish FILE`: the official appendix (Phụ lục I, II, …) as .docx and .xlsx, the report
(--report), PDF (--pdf), with the change since last year (--previous)."""
from __future__ import annotations

import sys
from pathlib import Path

from ..errors import ReadError
from ..publish.draft import DRAFT_MARK, PublishState, publish_state
from ..publish.model import DecisionInfo, Previous, appendices
from ..publish.outputs import write_appendix
from ..publish.pdf import PdfUnavailable, to_pdf
from ._common import evaluate_file


def register(sub) -> None:
    p = sub.add_parser("publish", help="xuất Phụ lục (Word, Excel, PDF) và Báo cáo kết quả xếp hạng")
    p.add_argument("file", metavar="TỆP", help="bảng tính thẩm định (.xlsx) hoặc bảng đã công bố (.txt, .docx)")
    p.add_argument("--set", dest="set_id", metavar="MÃ",
                   help="mã bộ tiêu chí (xem `xltools sets`) hoặc tệp .yaml; mặc định tự nhận")
    p.add_argument("-o", "--out", default=".", metavar="THƯ_MỤC", help="thư mục ghi kết quả (mặc định: thư mục hiện tại)")
    p.add_argument("--decision-number", "--so-quyet-dinh", dest="decision_number", metavar="SỐ",
                   help="số Quyết định kèm theo, ví dụ 2345 hoặc 2345/QĐ-UBND (bỏ trống: để dấu chấm)")
    p.add_argument("--decision-date", "--ngay-quyet-dinh", dest="decision_date", metavar="NGÀY",
                   help="ngày Quyết định, ví dụ 20/12/2024 (bỏ trống: để dấu chấm)")
    p.add_argument("--issuer", "--co-quan", dest="issuer", metavar="CƠ QUAN",
                   help="cơ quan ban hành, ví dụ \"UBND tỉnh Bắc Kạn\" (mặc định: UBND tỉnh theo bảng)")
    p.add_argument("--previous", "--nam-truoc", dest="previous", metavar="TỆP_NĂM_TRƯỚC",
                   help="kết quả năm trước (bất kỳ tệp nào xltools đọc được): thêm tăng/giảm điểm và hạng")
    p.add_argument("--previous-set", metavar="MÃ", help="bộ tiêu chí của tệp năm trước (mặc định tự nhận)")
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
            previous_set=None, report: bool = False, pdf: bool = False) -> tuple[list[Path], PublishState]:
    """Write the files; returns their paths and whether they are a draft (the table still has errors:
    every page marked DỰ THẢO). A table with nothing appraised is refused (NothingAppraised).
    Raises PdfUnavailable after writing the others."""
    prev = load_previous(previous, previous_set) if previous else None
    evaluations = evaluate_file(source, set_id)
    state = publish_state(evaluations, source.name)
    items = appendices(evaluations, info, prev)
    written = write_appendix(items, source, out, report, state.draft)
    if pdf:
        for docx in [p for p in written if p.suffix == ".docx"]:
            written.append(to_pdf(docx))
    return written, state


def run(args) -> int:
    """Exit 0: official documents; 1: written as a draft (DỰ THẢO), the errors listed; 2: nothing written."""
    info = DecisionInfo(args.decision_number, args.decision_date, args.issuer)
    source = Path(args.file)
    try:
        written, state = publish(source, Path(args.out), args.set_id, info,
                                 Path(args.previous) if args.previous else None, args.previous_set, args.report,
                                 args.pdf)
    except PdfUnavailable as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    for path in written:
        print(f"Đã ghi {path}" + (f" ({DRAFT_MARK})" if state.draft else ""))
    if state.draft:
        print(state.message(source.name), file=sys.stderr)
        return 1
    return 0


def demo_step(sample: Path, out: Path) -> None:
    """`xltools demo`: the appendix and the report of the sample."""
    written, state = publish(sample, out, report=True)
    for path in written:
        print(f"Đã ghi {path}" + (f" ({DRAFT_MARK})" if state.draft else ""))
    if state.draft:  # the seed is a real published table with real errors: its documents are drafts
        print(f"\nPhụ lục và báo cáo được đánh dấu {DRAFT_MARK} vì bảng mẫu còn {len(state.errors)} lỗi (xem danh sách "
              "lỗi ở trên); một bảng không còn lỗi được xuất thành bản chính thức, không có dấu này.")

