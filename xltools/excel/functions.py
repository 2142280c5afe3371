"""The plain functions behind the CCHC_ worksheet functions (udfs.py only declares them to Excel).

Each takes cells as xlwings passes them (see cells.py) and returns a 2-D list; the rules (rounding,
rank, class, points to the next class, findings, lost points) are the core's, never restated here.
"""
from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from .. import catalog
from ..core.checks import SEVERITY_LABEL, by_severity
from ..core.criteria import Band, CriteriaSet
from ..core.evaluate import evaluate
from ..core.numbers import format_vn_short, quantize
from ..core.scoring import CriterionScore, Printed, Result, Unit, UnitsTable, lost_points, rank_among, score_table
from .cells import CellError, blank, column, flat, grid, out, score, text

DEFAULT_DECIMALS = 3
NO_FINDINGS = "Không có lỗi, cảnh báo hay ghi chú nào."
SET_HINT = ("hãy ghi mã bộ tiêu chí (ví dụ \"backan-2024-so\", xem `xltools sets`) hoặc chọn vùng bảng "
            "xếp loại 2 cột (mức xếp loại, điểm từ).")


# ---------------------------------------------------------------- criteria set or bands range

def criteria(spec, decimals=None) -> CriteriaSet:
    """A set id, or a bands range: label and lower bound (either order; a header row and an order
    column after the bound, as on Cấu hình, are allowed)."""
    if isinstance(spec, str) and spec.strip():
        cset = catalog.get(spec.strip())
    elif isinstance(spec, (list, tuple)):
        cset = bands_set(grid(spec))
    else:
        raise CellError("Thiếu bộ tiêu chí: " + SET_HINT)
    if not blank(decimals):
        cset = replace(cset, decimals=checked_decimals(decimals))
    return cset


def bands_set(rows: list[list]) -> CriteriaSet:
    """A criteria set holding only the bands of a range (a Cấu hình table); 3 decimals by default."""
    bands: list[Band] = []
    for i, row in enumerate(rows, start=1):
        cells = [c for c in row if not blank(c)]
        if not cells:
            continue
        numbers = [c for c in cells if isinstance(c, (int, float))]
        labels = [text(c) for c in cells if isinstance(c, str)]
        if not numbers or len(labels) != 1:  # the first number is the lower bound (an order column may follow)
            if not bands and not numbers:  # a header row
                continue
            raise CellError(f"Bảng xếp loại, dòng {i}: cần một tên mức và số điểm từ; " + SET_HINT)
        bands.append(Band(labels[0], score(numbers[0], f"bảng xếp loại, dòng {i}")))
    if not bands:
        raise CellError("Bảng xếp loại trống: " + SET_HINT)
    bands.sort(key=lambda b: b.min, reverse=True)
    if len({b.label for b in bands}) != len(bands) or len({b.min for b in bands}) != len(bands):
        raise CellError("Bảng xếp loại có mức hoặc điểm từ bị trùng; hãy sửa bảng xếp loại.")
    return CriteriaSet(id="bảng xếp loại", province="", level="", years=(), decision="", fields=(),
                       bands=tuple(bands))


# ---------------------------------------------------------------- totals through the core

def scores(values, what: str) -> list[Decimal | None]:
    return [score(v, f"{what}, ô thứ {i}") for i, v in enumerate(flat(values), start=1)]


def scored(totals: list[Decimal | None], cset: CriteriaSet, names: list[str] | None = None) -> list[Result]:
    """The core's results for bare totals, in rank order (ties keep the input order); unit.where
    holds each total's position in the input."""
    names = names or [""] * len(totals)
    units = [Unit(n, [], printed=Printed(total=t), where=str(i)) for i, (n, t) in enumerate(zip(names, totals))]
    return score_table(cset, units)


def in_input_order(results: list[Result]) -> list[Result]:
    return sorted(results, key=lambda r: int(r.unit.where))


def checked_decimals(value) -> int:
    places = score(value, "số chữ số thập phân")
    if places is None or places != places.to_integral_value() or not 0 <= places <= 6:
        raise CellError(f"Số chữ số thập phân phải là số nguyên từ 0 đến 6 (đang là {format_vn_short(places)}).")
    return int(places)


def decimals_of(spec) -> int:
    """Decimals to round totals to: a number, a set id's decimals, or 3 when blank."""
    if blank(spec):
        return DEFAULT_DECIMALS
    if isinstance(spec, str) and not spec.strip()[0].isdigit():
        return catalog.get(spec.strip()).decimals
    return checked_decimals(spec)


def by_cell(values, compute) -> list[list]:
    """`compute` over the flat cells of a range, returned in the range's shape."""
    rows = grid(values)
    results = iter(compute(flat(rows)))
    return [[out(next(results)) for _ in row] for row in rows]


# ---------------------------------------------------------------- the worksheet functions

def classes(totals, spec, decimals=None) -> list[list]:
    """Xếp loại of each total, rounded to the set's decimals first."""
    cset = criteria(spec, decimals)
    return by_cell(totals, lambda cells: [r.class_label for r in in_input_order(scored(scores(cells, "Tổng điểm"), cset))])


def rank_in(totals, pool, spec=None) -> list[list]:
    """Xếp hạng of each total among the totals of `pool`: rounded first, equal totals share a rank."""
    d = decimals_of(spec)
    rank = rank_among([None if t is None else quantize(t, d) for t in scores(pool, "Vùng xếp hạng")])
    # a total outside the pool ranks as if it were added to it: the greater totals are the same
    return by_cell(totals, lambda cells: [None if t is None else rank(quantize(t, d))
                                          for t in scores(cells, "Tổng điểm")])


def points_needed(totals, spec, with_class=False) -> list[list]:
    """Points each total needs to reach the next class up (blank at the top class); with_class adds
    a second column with that class."""
    cset = criteria(spec)
    results = in_input_order(scored(scores(totals, "Tổng điểm"), cset))
    if with_class:
        return [[out(r.points_to_next), r.next_class] for r in results]
    return by_cell(totals, lambda cells: [r.points_to_next for r in results])


def ranking_table(names, totals, spec) -> list[list]:
    """The ranking sorted as one array: STT, name, the total columns as given, rank, class.
    The last column of `totals` is the one ranked (Tổng cộng)."""
    cset = criteria(spec)
    name_cells = [text(n) for n in flat(names)]
    rows = grid(totals)
    if len(rows) != len(name_cells):
        raise CellError(f"Vùng tên đơn vị có {len(name_cells)} ô nhưng vùng tổng điểm có {len(rows)} dòng; "
                        "hãy chọn hai vùng cùng số dòng.")
    kept = [i for i, (n, row) in enumerate(zip(name_cells, rows)) if n or any(not blank(c) for c in row)]
    keys = [score(rows[i][-1], f"Tổng cộng của {name_cells[i] or f'dòng {i + 1}'}") for i in kept]
    table = []
    for r in scored(keys, cset, [name_cells[i] for i in kept]):
        source = rows[kept[int(r.unit.where)]]
        table.append([r.stt, r.unit.name, *(out(score(c, r.unit.name)) for c in source[:-1]), out(r.total),
                      r.rank, r.class_label])
    return table or [[None]]


def lost_criteria(codes, values, set_id, as_text=False) -> list[list]:
    """The leaf criteria where a unit lost points, from a detail range: codes in one column, the
    scores beside them (Tự chấm, Thẩm định: the last filled one counts, as in the core)."""
    cset = criteria(set_id)
    if not cset.criteria:
        raise CellError(f"Bộ tiêu chí {cset.id} không có cây tiêu chí; hãy chọn bộ có danh mục tiêu chí.")
    code_cells = [text(c) for c in flat(codes)]
    rows = grid(values)
    if len(rows) != len(code_cells):
        raise CellError(f"Vùng mã tiêu chí có {len(code_cells)} ô nhưng vùng điểm có {len(rows)} dòng; "
                        "hãy chọn hai vùng cùng số dòng.")
    unit = Unit("", [])
    for code, row in zip(code_cells, rows):
        if code:
            parts = [score(c, f"tiêu chí {code}") for c in row[-2:]]
            unit.criteria[code] = CriterionScore(self_score=parts[0], appraised=parts[-1] if len(parts) > 1 else None)
    lost = lost_points(unit, cset)
    if as_text:
        return [["; ".join(f"{code} {name} (-{format_vn_short(points)})" for code, name, points in lost)
                 or "Không mất điểm"]]
    return [[code, name, out(points)] for code, name, points in lost] or [[None, None, None]]


def finding_text(finding) -> str:
    where = f" ({finding.where})" if finding.where else ""
    return f"[{SEVERITY_LABEL[finding.severity]}] {finding.text}{where}"


def table_findings(rows, set_id) -> list[list]:
    """The findings for rows of a summary sheet as `xltools template` lays it out, one per line; the
    range starts at the STT column and may stop after the field columns."""
    from .tables import summary_columns, unit_of

    cset = criteria(set_id)
    cells = grid(rows)
    table = summary_columns(cset, len(cells))
    width = max((len(r) for r in cells), default=0)
    needed = max(c for fc in table.layout.fields for c in (fc.self_col, fc.appraised, fc.survey) if c)
    if width < needed:
        raise CellError(f"Vùng có {width} cột nhưng bộ tiêu chí {cset.id} cần ít nhất {needed} cột (STT, Tên đơn vị, "
                        "rồi từng lĩnh vực); hãy chọn vùng bắt đầu từ cột STT.")
    padded = [list(r) + [None] * (table.layout.last_col - len(r)) for r in cells]
    table.columns = [c for c in table.columns if c.col <= width]  # columns the range does not reach are not read
    units = [u for i, r in enumerate(padded, start=1) if (u := unit_of(table, i, r, r)) is not None]
    (e,) = evaluate([(UnitsTable(units, level=cset.level), cset)], expect_appraised=True)
    # one range cannot hold the communes: notes on the district rule are noise here
    findings = [f for f in by_severity(e.findings) if f.code not in ("district-rule-unavailable", "district-rule-pending")]
    return column([finding_text(f) for f in findings] or [NO_FINDINGS])
