"""`xltools diff OLD NEW [--json] [-o REPORT.docx|.xlsx]`: every changed score between two versions of a
workbook, and the movements of total, rank and class it caused (computed by the core)."""
from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("diff", help="so sánh hai phiên bản bảng tính: điểm thay đổi, tổng điểm, xếp hạng, xếp loại "
                                    "thay đổi (cho biên bản hội đồng, trả lời phúc tra)")
    p.add_argument("old", metavar="OLD", help="phiên bản cũ (bảng tính thẩm định)")
    p.add_argument("new", metavar="NEW", help="phiên bản mới")
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    p.add_argument("-o", "--out", metavar="REPORT.docx|.xlsx", help="ghi báo cáo so sánh ra tệp Word hoặc Excel")
    p.set_defaults(run=run)


def run(args) -> int:
    from ..council.diff import diff_files, text_report, write_report
    from ._common import print_json

    d = diff_files(args.old, args.new)
    written = write_report(d, args.out) if args.out else None
    if args.json:
        print_json(dict(d.as_dict(), report=str(written) if written else None))
    else:
        print(text_report(d))
        if written:
            print(f"\nĐã ghi báo cáo: {written}")
    return 0
