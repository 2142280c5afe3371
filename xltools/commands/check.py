"""`xltools check FILE --set ID [--json] [--all]`: findings; exit 1 when there is an error."""
from __future__ import annotations

from pathlib import Path

from ..core.checks import has_errors
from ._common import PER_CODE, finding_rows, findings_json_pieces, print_findings, register_file_command


def _show(e, args) -> None:
    print_findings(e, None if args.all else PER_CODE, Path(args.file).name)


def register(sub) -> None:
    parser = register_file_command(sub, "check", "kiểm tra bảng điểm, báo lỗi (thoát mã 1 khi có lỗi)", finding_rows,
                                   _show, lambda evaluations: int(any(has_errors(e.findings) for e in evaluations)),
                                   warn=False, json_of=findings_json_pieces)
    parser.add_argument("--all", action="store_true",
                        help=f"in mọi dòng (mặc định: mỗi loại vấn đề in {PER_CODE} dòng đầu, còn lại chỉ đếm; "
                             "--json luôn có đủ)")
