"""A table whose body is cut into groups ('I. KHỐI CƠ QUAN CHUYÊN MÔN', 'II. KHỐI CƠ QUAN NGÀNH DỌC').

Some provinces rank each group on its own (its ranks start again at 1), others rank the whole table as one
list under the headings. The printed ranks say which: ranks that start again at 1 in every group make each
group a table of its own (ranked, classed and checked alone); otherwise the table stays one list, and a note
says so, so that nobody reads a false "rank wrong" as the province's mistake without knowing why.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import replace

from ..core.scoring import Unit, UnitsTable
from .text_tables import TextTable, is_unit_row

RANKED_BY_GROUP = "ranked-by-group"
ONE_LIST = "groups-one-list"


def by_group(ut: UnitsTable, t: TextTable) -> list[UnitsTable]:
    """`ut` (read from `t`, one unit per body row) as one table per group when its ranks restart in each."""
    lines = [line for line, row in zip(t.line_numbers, t.rows) if is_unit_row(row)]
    if len(t.groups) < 2 or len(ut.units) != len(lines):
        return [ut]
    starts = [line for line, _ in t.groups]
    members: list[list[Unit]] = [[] for _ in t.groups]
    before: list[Unit] = []
    for unit, line in zip(ut.units, lines):
        k = bisect_right(starts, line) - 1
        (members[k] if k >= 0 else before).append(unit)
    groups = [(name, units) for (_, name), units in zip(t.groups, members) if units]
    restart = not before and len(groups) >= 2 and all(_ranked_alone(units) for _, units in groups)
    if not restart:
        names = "; ".join(name for name, _ in groups)
        ut.remarks.append((ONE_LIST, f"bảng chia {len(groups)} khối ({names}) nhưng thứ hạng in trên bảng không bắt "
                                     "đầu lại từ 1 ở mỗi khối: đã xếp hạng chung một danh sách. Nếu tỉnh xếp hạng "
                                     "riêng từng khối, thứ hạng của mỗi khối phải bắt đầu từ 1."))
        return [ut]
    return [replace(ut, units=units, sheet=f"{ut.sheet} – {name}",
                    header_maxima=[replace(h) for h in ut.header_maxima], field_names=list(ut.field_names),
                    notes=ut.notes if i == 0 else [], numbers_as_text=ut.numbers_as_text if i == 0 else [],
                    strays=[], remarks=[(RANKED_BY_GROUP, f"thứ hạng in trên bảng bắt đầu lại từ 1 ở mỗi khối: khối "
                                                          f"'{name}' được xếp hạng, xếp loại riêng ({len(units)} "
                                                          "đơn vị).")])
            for i, (name, units) in enumerate(groups)]


def _ranked_alone(units: list[Unit]) -> bool:
    """The group's printed ranks are a ranking of the group itself: they start at 1 and none is beyond its size
    (a one-list table tied at the top of two groups prints 1, 3, 4 | 1, 5)."""
    ranks = [u.printed.rank for u in units if u.printed.rank is not None]
    return bool(ranks) and min(ranks) == 1 and max(ranks) <= len(units)
