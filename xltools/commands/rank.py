"""`xltools rank FILE --set ID [--json]`: the recomputed ranking; exit 1 when a unit is left unranked, a unit's
name is on two rows or a score is outside 0..max."""
from __future__ import annotations

from ._common import print_ranking, rank_rows, register_file_command


def _partial(evaluations) -> int:
    """1 when some unit could not be ranked (scores missing), a unit's name is on two rows (the scores of one of
    them count nowhere) or a score is outside 0..max: the ranking is printed, but it is not the whole table's."""
    return 1 if any(r.rank is None for e in evaluations for r in e.results) \
        or any(e.findings for e in evaluations) else 0  # the errors print_rank_errors printed


def register(sub) -> None:
    register_file_command(sub, "rank", "tính lại tổng điểm, xếp hạng, xếp loại (thoát mã 1 khi còn đơn vị chưa đủ "
                          "điểm, chưa xếp hạng, tên đơn vị trùng, hoặc điểm ngoài khoảng)", rank_rows,
                          lambda e, args: print_ranking(e), exit_code=_partial)
