"""`xltools check FILE --set ID [--json]`: findings; exit 1 when there is an error."""
from __future__ import annotations

from ..core.checks import has_errors
from ._common import add_file_and_set, evaluate_file, finding_rows, print_findings, print_json


def register(sub) -> None:
    p = sub.add_parser("check", help="kiểm tra bảng điểm, báo lỗi (thoát mã 1 khi có lỗi)")
    add_file_and_set(p)
    p.set_defaults(run=run)


def run(args) -> int:
    evaluations = evaluate_file(args.file, args.set_id)
    if args.json:
        print_json([row for e in evaluations for row in finding_rows(e)])
    else:
        for e in evaluations:
            print_findings(e)
    return 1 if any(has_errors(e.findings) for e in evaluations) else 0
