"""`xltools rank FILE --set ID [--json]`: the recomputed ranking."""
from __future__ import annotations

from ._common import add_file_and_set, evaluate_file, print_json, print_ranking, rank_rows


def register(sub) -> None:
    p = sub.add_parser("rank", help="tính lại tổng điểm, xếp hạng, xếp loại")
    add_file_and_set(p)
    p.set_defaults(run=run)


def run(args) -> int:
    evaluations = evaluate_file(args.file, args.set_id)
    if args.json:
        print_json([row for e in evaluations for row in rank_rows(e)])
    else:
        for e in evaluations:
            print_ranking(e)
    return 0
