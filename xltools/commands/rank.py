"""`xltools rank FILE --set ID [--json]`: the recomputed ranking."""
from __future__ import annotations

from ._common import print_ranking, rank_rows, register_file_command


def register(sub) -> None:
    register_file_command(sub, "rank", "tính lại tổng điểm, xếp hạng, xếp loại", rank_rows, print_ranking)
