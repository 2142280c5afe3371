"""`xltools merge WORKBOOK PARTS… -o OUT.xlsx [--json]`: the members' parts back into the workbook.
Exit 0: merged without conflict; 1: merged, with conflicts listed (and on the "Hợp nhất" sheet);
2: a part or the workbook cannot be used (nothing written)."""
from __future__ import annotations


def register(sub) -> None:
    p = sub.add_parser("merge", help="hợp nhất các phần của thành viên hội đồng vào bảng tính thẩm định (thoát mã 1 "
                                     "khi có xung đột)")
    p.add_argument("workbook", metavar="WORKBOOK", help="bảng tính thẩm định đã chia (bảng tổng hợp)")
    p.add_argument("parts", metavar="PARTS", nargs="+",
                   help="các tệp phần đã nhập điểm, hoặc thư mục do `xltools split` tạo (có phan_cong.json)")
    p.add_argument("-o", "--out", required=True, metavar="OUT.xlsx",
                   help="tệp kết quả (có thể trùng WORKBOOK: bản cũ giữ lại thành TÊN.bak-THỜIGIAN.xlsx)")
    p.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    p.set_defaults(run=run)


def run(args) -> int:
    from ..council.merge import merge_files
    from ._common import print_json

    plan, written = merge_files(args.workbook, args.parts, args.out)
    if args.json:
        parts = [{"member": p.name, "file": str(p.path), "cells_typed": plan.typed.get(p.name, 0)} for p in plan.merged]
        print_json({"out": str(written or args.out), "written": written is not None, "cells_written": len(plan.writes),
                    "cells_entered": plan.entered, "parts": parts, "findings": [f.as_dict() for f in plan.findings]})
    else:
        print(plan.message(str(written or args.out)))
        if written is None:
            print("Không có gì mới: tệp không bị ghi lại.")
    return 1 if plan.findings else 0
