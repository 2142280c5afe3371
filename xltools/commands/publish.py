"""`xltools publish FILE`: the official appendix (Phụ lục I, II, …) as .docx and .xlsx, the report
(--report), PDF (--pdf), with the change since last year (--previous)."""
from __future__ import annotations

import sys
from pathlib import Path

from ..errors import ReadError
from ..publish.draft import DRAFT_MARK, PublishState, publish_state
from ..publish.model import DecisionInfo, Previous, ReportInfo, appendices
from ..publish.pdf import PdfUnavailable, to_pdf
from ._common import add_bands_and_decimals, evaluate_file

# python-docx, openpyxl's writer and matplotlib (the report's chart) are imported in publish(), which
# needs them: every other command, and `--help`, starts without them.


def register(sub) -> None:
    p = sub.add_parser("publish", help="xuất Phụ lục (Word, Excel, PDF) và Báo cáo kết quả xếp hạng")
    p.add_argument("file", metavar="TỆP", help="bảng tính thẩm định (.xlsx) hoặc bảng đã công bố (.txt, .docx)")
    p.add_argument("--set", dest="set_id", metavar="MÃ",
                   help="mã bộ tiêu chí (xem `xltools sets`) hoặc tệp .yaml; mặc định tự nhận")
    add_bands_and_decimals(p)
    p.add_argument("-o", "--out", default=".", metavar="THƯ_MỤC", help="thư mục ghi kết quả (mặc định: thư mục hiện tại)")
    p.add_argument("--decision-number", "--so-quyet-dinh", dest="decision_number", metavar="SỐ",
                   help="số Quyết định kèm theo, ví dụ 2345 hoặc 2345/QĐ-UBND (bỏ trống: để dấu chấm)")
    p.add_argument("--decision-date", "--ngay-quyet-dinh", dest="decision_date", metavar="NGÀY", type=date_option,
                   help="ngày Quyết định, ví dụ 20/12/2024 (bỏ trống: để dấu chấm)")
    p.add_argument("--issuer", "--co-quan", dest="issuer", metavar="CƠ QUAN",
                   help="cơ quan ban hành, ví dụ \"UBND tỉnh Bắc Kạn\" (mặc định: UBND tỉnh theo bảng)")
    p.add_argument("--previous", "--nam-truoc", dest="previous", metavar="TỆP_NĂM_TRƯỚC",
                   help="kết quả năm trước (bất kỳ tệp nào xltools đọc được): thêm tăng/giảm điểm và hạng")
    p.add_argument("--previous-set", metavar="MÃ", help="bộ tiêu chí của tệp năm trước (mặc định tự nhận)")
    p.add_argument("--report", action="store_true", help="ghi thêm Báo cáo kết quả (.docx)")
    # the report's thể thức (Nghị định 30/2020): what is not given stays as dots or takes the usual value
    p.add_argument("--report-config", metavar="TỆP.yaml",
                   help="tệp YAML thể thức báo cáo (khóa: " + ", ".join(ReportInfo.FIELDS) + ")")
    p.add_argument("--parent-agency", "--co-quan-chu-quan", dest="parent", metavar="TÊN",
                   help="cơ quan chủ quản, ví dụ \"UBND tỉnh Bắc Kạn\" (mặc định: UBND tỉnh theo bảng)")
    p.add_argument("--agency", "--co-quan-bao-cao", dest="agency", metavar="TÊN",
                   help="cơ quan ban hành báo cáo (mặc định: Sở Nội vụ; cấp xã: Phòng Nội vụ)")
    p.add_argument("--report-number", "--so-bao-cao", dest="report_number", metavar="SỐ",
                   help="số báo cáo, ví dụ 125 hoặc 125/BC-SNV (bỏ trống: để dấu chấm)")
    p.add_argument("--place", "--dia-danh", dest="place", metavar="ĐỊA DANH", help="địa danh (mặc định: tên tỉnh)")
    p.add_argument("--report-date", "--ngay-bao-cao", dest="report_date", metavar="NGÀY", type=date_option,
                   help="ngày báo cáo, ví dụ 20/12/2024 (bỏ trống: để dấu chấm)")
    p.add_argument("--signer-title", "--chuc-vu", dest="position", metavar="CHỨC VỤ",
                   help="quyền hạn, chức vụ người ký; xuống dòng bằng \\n, ví dụ \"KT. GIÁM ĐỐC\\nPHÓ GIÁM ĐỐC\"")
    p.add_argument("--signer", "--nguoi-ky", dest="signer", metavar="HỌ TÊN", help="họ tên người ký")
    p.add_argument("--recipient", "--noi-nhan", dest="recipients", metavar="NƠI NHẬN", action="append",
                   help="một nơi nhận (lặp lại cho nhiều nơi)")
    p.add_argument("--pdf", action="store_true", help="ghi thêm bản PDF (cần LibreOffice)")
    p.set_defaults(run=run)


def date_option(text: str) -> str:
    """A date for a signed document: 20/12/2024 or 2024-12-20 must be a day of the calendar (31/2 is a typo
    nobody should sign); other wording is printed as given."""
    import argparse
    import datetime

    from ..wording import date_parts

    parts = date_parts(text)
    if parts is not None:
        day, month, year = parts
        try:
            datetime.date(year, month, day)
        except ValueError:
            raise argparse.ArgumentTypeError(f"ngày '{text.strip()}' không có trên lịch; hãy ghi đúng ngày/tháng/năm, "
                                             "ví dụ 20/12/2024") from None
    return text


def load_previous(path: Path, set_id=None) -> Previous:
    try:
        return Previous.from_evaluations(evaluate_file(path, set_id))
    except ReadError as exc:
        raise ReadError(f"Tệp năm trước (--previous): {exc} Với tệp năm trước, chọn bộ tiêu chí bằng "
                        "--previous-set.") from exc


def publish(source: Path, out: Path, set_id=None, info: DecisionInfo | None = None, previous: Path | None = None,
            previous_set=None, report: bool = False, pdf: bool = False,
            report_info: ReportInfo | None = None, bands: str | None = None,
            decimals: int | None = None) -> tuple[list[Path], PublishState]:
    """Write the files; returns their paths and whether they are a draft (the table still has errors:
    every page marked DỰ THẢO). A table with nothing appraised is refused (NothingAppraised).
    Raises PdfUnavailable after writing the others."""
    from ..publish.outputs import write_appendix

    prev = load_previous(previous, previous_set) if previous else None
    evaluations = evaluate_file(source, set_id, bands, decimals)
    state = publish_state(evaluations, source.name)
    items = appendices(evaluations, info, prev)
    if prev is not None and previous is not None:
        _say_previous(prev, previous.name, items)
    before = _docx_with_pdf(out)
    written = write_appendix(items, source, out, report, report_info, state.draft)
    if pdf:
        for docx in [p for p in written if p.suffix == ".docx"]:
            written.append(to_pdf(docx))
    else:
        _set_aside_stale_pdfs(written, before)
    return written, state


def _say_previous(prev: Previous, name: str, items) -> None:
    """Never a --previous file left out in silence: why its figures are not in the documents (its tables are of
    another level, or no unit's name matches), or how they were matched when its titles name no level or year."""
    from ..core.criteria import LEVELS

    def levels(names) -> str:
        return ", ".join(sorted({LEVELS.get(n, n) if n else "không rõ cấp" for n in names}))

    used = [a for a in items if a.changes]
    if not used:
        print(f"Cảnh báo: không dùng được tệp năm trước {name}: bảng trong tệp là cấp {levels(prev.by_level)}, "
              f"bảng năm nay là cấp {levels(a.cset.level for a in items)}, nên văn bản không có cột so với năm trước. "
              "Hãy chọn bộ tiêu chí của tệp năm trước bằng --previous-set MÃ (xem `xltools sets`), hoặc ghi cấp và "
              "năm vào tiêu đề bảng của tệp đó.", file=sys.stderr)
        return
    if not any(c is not None for a in used for c in a.changes):
        print(f"Cảnh báo: tệp năm trước {name} không có đơn vị nào trùng tên với bảng năm nay, nên các cột so với năm "
              "trước để trống; hãy kiểm tra tên đơn vị trong tệp đó.", file=sys.stderr)
    if "" in prev.by_level and any(a.cset.level not in prev.by_level for a in used):
        print(f"Ghi chú: tiêu đề tệp năm trước {name} không ghi cấp{'' if prev.year else ', năm'}: đã so sánh theo tên "
              f"đơn vị, cột ghi 'So với {prev.label}'"
              + ("" if prev.year else " (ghi năm vào tiêu đề bảng của tệp đó, ví dụ '… NĂM 2024', để cột ghi năm)")
              + ".", file=sys.stderr)


def _docx_with_pdf(out: Path) -> dict[Path, tuple[int, int]]:
    """Each .docx of the output folder that has a .pdf of its name, with its (mtime, size) before publishing."""
    try:
        return {d: (st.st_mtime_ns, st.st_size) for d in out.glob("*.docx")
                if d.with_suffix(".pdf").is_file() and (st := d.stat())}
    except OSError:
        return {}


def _set_aside_stale_pdfs(written: list[Path], before: dict[Path, tuple[int, int]]) -> None:
    """A PDF made from a docx this run replaced no longer shows the document: it is renamed as a backup (kept,
    not deleted), so no one signs last run's figures; a docx written with the very same bytes keeps its PDF."""
    from ..files import set_aside

    for docx in written:
        old = before.get(docx)
        st = docx.stat()
        if old is not None and old != (st.st_mtime_ns, st.st_size):
            kept = set_aside(docx.with_suffix(".pdf"))
            print(f"Ghi chú: bản PDF cũ {docx.with_suffix('.pdf').name} được làm từ bản {docx.name} trước, không phải "
                  f"bản vừa ghi; đã đổi tên thành {kept.name}. Thêm --pdf để có bản PDF mới.", file=sys.stderr)


def report_info(args) -> ReportInfo:
    """The config file (--report-config), overridden by the options given on the command line."""
    base = ReportInfo()
    if args.report_config:
        import yaml

        path = Path(args.report_config)
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise ReadError(f"Không đọc được tệp thể thức báo cáo {path.name}: {exc}") from exc
        if not isinstance(data, dict):
            raise ReadError(f"Tệp thể thức báo cáo {path.name} phải là các dòng 'khóa: giá trị' "
                            f"(khóa: {', '.join(ReportInfo.FIELDS)}).")
        base = ReportInfo.from_mapping(data, path.name)
    given = ReportInfo(args.parent, args.agency, args.report_number, args.place, args.report_date,
                       args.position.replace("\\n", "\n") if args.position else None, args.signer,
                       args.recipients or [])
    return base.merged(given)


def run(args) -> int:
    """Exit 0: official documents; 1: written as a draft (DỰ THẢO), the errors listed; 2: nothing written."""
    info = DecisionInfo(args.decision_number, args.decision_date, args.issuer)
    source = Path(args.file)
    try:
        written, state = publish(source, Path(args.out), args.set_id, info,
                                 Path(args.previous) if args.previous else None, args.previous_set, args.report,
                                 args.pdf, report_info(args), args.bands, args.decimals)
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

