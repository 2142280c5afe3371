"""`xltools check FILE --set ID [--json]`: findings; exit 1 when there is an error."""
from __future__ import annotations

from ..core.checks import has_errors
from ._common import finding_rows, findings_json_pieces, print_findings, register_file_command


def register(sub) -> None:
    register_file_command(sub, "check", "kiểm tra bảng điểm, báo lỗi (thoát mã 1 khi có lỗi)", finding_rows,
                          print_findings, lambda evaluations: int(any(has_errors(e.findings) for e in evaluations)),
                          warn=False, json_of=findings_json_pieces)
