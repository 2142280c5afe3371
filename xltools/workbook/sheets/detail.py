"""The detail sheet: one block per unit, every criterion of the set's tree, parents summed by formula,
field totals carried to the summary."""
from __future__ import annotations

from dataclasses import dataclass

from ...celltext import Formula
from ...core.scoring import Unit
from .. import formulas as F, layout as L
from ..blocks import Block, Shape
from ..cells import number_cell, place_all, place_block, set_height, style_array, styled
from ..styles import CF_ABOVE, CF_DIFF, CF_INPUT, CF_RANGE, CF_TEXT, text_column_style
from .common import LINE_HEIGHT, a1, cf, f, merge, num, print_setup, put, validate_score

# Column widths, and the characters of Times New Roman 12 one line of them holds.
NAME_WIDTH = 70
NAME_CHARS = 105
TEXT_CHARS = 36  # Giải trình and Ghi chú columns (width 30)
UNIT_CHARS = 30


def write(ws, section: L.Section, units: list[Unit | None], year, with_appraised: bool) -> None:
    cset, lay = section.cset, section.detail
    d = max(cset.decimals, 2)
    put(ws, 1, 1, f"CHI TIẾT CHẤM ĐIỂM THEO TIÊU CHÍ – {cset.level_label.upper()}{f' NĂM {year}' if year else ''}",
        "xl_title")
    merge(ws, start_row=1, start_column=1, end_row=1, end_column=lay.last_col)
    put(ws, 2, 1, f"Bộ tiêu chí {cset.id}", "xl_subtitle")
    merge(ws, start_row=2, start_column=1, end_row=2, end_column=lay.last_col)
    put(ws, 3, 1, "Mỗi đơn vị một khối: gõ tên đơn vị ở dòng đầu khối (cột A, giống hệt trang "
                  f"{section.summary.sheet}), rồi nhập Tự chấm, Thẩm định, Giải trình, Ghi chú ở các ô nền vàng. "
                  "Tiêu chí cha tự cộng các tiêu chí con; tổng lĩnh vực tự chuyển sang trang tổng hợp.", "xl_legend")
    headers = {lay.unit: "Đơn vị", lay.code: "Mã", lay.name: "Tiêu chí", lay.max: "Điểm tối đa",
               lay.self_col: "Tự chấm", lay.appraised: "Thẩm định", lay.reason: "Giải trình",
               lay.note: "Ghi chú thẩm định", lay.check: "Kiểm tra"}
    for col, text in headers.items():
        put(ws, L.DETAIL_HEADER_ROW, col, text, "xl_header")
    ws.row_dimensions[L.DETAIL_HEADER_ROW].height = 32
    tops = [lay.offsets[t.code] for t in cset.criteria]
    plan = _plan(lay)
    leaf_runs = _leaf_runs(plan)
    tops_leaves = [(t.code, [lay.offsets[n.code] for n in t.walk() if not n.children and not n.survey])
                   for t in cset.criteria]
    # what is the same in every block, worked out once: cells as put stores them
    same = lambda value, style: styled(ws, value, style)  # noqa: E731
    total, score_cell = f"xl_total_{d}", number_cell(ws, f"xl_in_{d}")
    head = [(lay.code, same(None, "xl_bold_text")),
            (lay.name, same("Tổng điểm của đơn vị (gõ tên đơn vị ở cột A)", "xl_bold_text")),
            (lay.max, same(float(cset.max_total), total))]
    head_end = [(lay.reason, same(None, "xl_bold_text")), (lay.note, same(None, "xl_bold_text"))]
    labels = [[(node.offset, lay.code, same(node.code, "xl_text")), (node.offset, lay.name, same(node.label, "xl_text")),
               (node.offset, lay.max, same(node.max, f"xl_calc_{d}"))] for node in plan]
    survey = [(col, same(None, "xl_survey_leaf")) for col in (lay.self_col, lay.appraised)]
    survey += [(lay.reason, same("Đánh giá qua điều tra xã hội học", "xl_survey_leaf")),
               (lay.note, same(None, "xl_survey_leaf"))]
    no_sum = [(col, same(None, total)) for col in (lay.self_col, lay.appraised)]
    fixed = [(0, col, cell) for col, cell in head + head_end]  # (offset, column, cell): in every block
    for node, cells in zip(plan, labels):
        fixed += cells
        if node.kids is None and node.survey:
            fixed += [(node.offset, col, cell) for col, cell in survey]
        elif node.kids == []:  # a parent with nothing scored below it (a parent's sum is a block formula)
            fixed += [(node.offset, col, cell) for col, cell in no_sum]
    leaves = [(node.offset, node.code) for node in plan if node.kids is None and not node.survey]
    tall = {node.offset: node.label_lines for node in plan if node.label_lines > 1}  # labels over one line
    offsets = {node.code: node.offset for node in plan}
    blank_score = score_cell(None)
    block_formulas = _block_formulas(lay, plan, tops, leaf_runs, tops_leaves)
    # each template as the triple `put` stores (checked once: its text is what every block's formula holds
    # but for row numbers)
    last_rows = tuple(range(lay.block_start(max(lay.n_units - 1, 0)), lay.block_start(max(lay.n_units - 1, 0)) + lay.block_size))
    for _, _, template, style in block_formulas:
        styled(ws, Formula(template.format(*last_rows)), style)  # raises for a formula put would not write as is
    formulas = [(offset, col, str(template), style_array(ws, style)) for offset, col, template, style in block_formulas]
    # a block (blocks.py): the cells above, the block's formulas, and its own cells: the unit's name, then
    # Tự chấm, Thẩm định, Giải trình, Ghi chú of each scored leaf
    shape = Shape(lay.block_size, fixed, [formula for formula in formulas if formula[0] >= 0],
                  [(0, lay.unit)] + [(o, col) for o, _ in leaves for col in (lay.self_col, lay.appraised, lay.reason,
                                                                              lay.note)])
    index_formulas = [formula for formula in formulas if formula[0] < 0]  # in the index row, beside the blocks
    unscored = (blank_score, blank_score, None, None)
    cells_of: dict[tuple, tuple] = {}  # (type, score as the unit holds it) -> its cell (num once per value)

    def score_of(value) -> tuple:
        if not value:  # None, or a zero: 0.0 and -0.0 are different cells
            return blank_score if value is None else score_cell(num(value))
        cell = cells_of.get((type(value), value))
        if cell is None:
            cell = cells_of[(type(value), value)] = score_cell(num(value))
        return cell
    for k in range(lay.n_units):
        unit = units[k] if k < len(units) else None
        h = lay.block_start(k)
        if unit and len(unit.name) > UNIT_CHARS:
            set_height(ws, h, LINE_HEIGHT * -(-len(unit.name) // UNIT_CHARS))
        block_rows, index_row = tuple(range(h, h + lay.block_size)), lay.index_row(k)  # what templates take
        place_all(ws, [((index_row, col), (template.format(*block_rows), "f", array))
                       for _, col, template, array in index_formulas])
        scores = unit.criteria if unit else {}
        # Excel and Calc do not fit wrapped rows on opening: the row is as tall as its longest text
        lines = dict(tall)
        for code, score in scores.items():
            offset = offsets.get(code)
            if offset is not None:
                longest = max(-(-len(score.reason or "") // TEXT_CHARS),
                              -(-len((with_appraised and score.note) or "") // TEXT_CHARS))
                if longest > lines.get(offset, 1):
                    lines[offset] = longest
        for offset in sorted(lines):
            set_height(ws, h + offset, LINE_HEIGHT * lines[offset])
        values = [same(unit.name if unit else None, "xl_in_text")]
        for _, code in leaves:
            score = scores.get(code)
            if score is None:
                values += unscored
                continue
            # Giải trình / Ghi chú: a cell only when there is text; the empty ones take the columns' input
            # style (unlocked, yellow)
            note = score.note if with_appraised else None
            values += (score_of(score.self_score), score_of(score.appraised if with_appraised else None),
                       same(score.reason, "xl_in_text") if score.reason else None,
                       same(note, "xl_in_text") if note else None)
        place_block(ws, Block(h, shape, tuple(values)))
        # (no empty styled cells in the check column: 200 units make 27 000 criterion rows)
    r1, r2 = L.DETAIL_FIRST_ROW, lay.last_row
    sqref = f"{a1(lay.self_col, r1)}:{a1(lay.appraised, r2)}"
    mx = f"${L.col_letter(lay.max)}{r1}"
    validate_score(ws, sqref, mx, "Điểm tiêu chí (tối đa ở cột Điểm tối đa)")
    corner = a1(lay.self_col, r1)
    cf(ws, sqref, F.cf_text_typed(corner), **CF_TEXT)
    cf(ws, sqref, F.cf_out_of_range(corner, mx), **CF_RANGE)
    a, s = a1(lay.appraised, r1), a1(lay.self_col, r1)
    appr = f"{a1(lay.appraised, r1)}:{a1(lay.appraised, r2)}"
    cf(ws, appr, F.cf_above(a, s), **CF_ABOVE)
    cf(ws, appr, F.cf_differs(a, s), **CF_DIFF)
    widths = {lay.unit: UNIT_CHARS, lay.code: 8, lay.name: NAME_WIDTH, lay.max: 9, lay.self_col: 10, lay.appraised: 10,
              lay.reason: 30, lay.note: 30, lay.check: 28}
    for col, w in widths.items():
        ws.column_dimensions[L.col_letter(col)].width = w
    ws.column_dimensions.group(L.col_letter(lay.key), L.col_letter(lay.index_last_col), outline_level=0, hidden=True)
    for col in (lay.reason, lay.note):
        text_column_style(ws.column_dimensions[L.col_letter(col)])
    # the input colour only where a criterion is typed (its Tự chấm cell is unlocked), not down the whole column
    text_cols = f"{a1(lay.reason, r1)}:{a1(lay.note, r2)}"
    cf(ws, text_cols, F.cf_unlocked(f"${L.col_letter(lay.self_col)}{r1}"), stop=False, **CF_INPUT)
    print_setup(ws, f"{L.DETAIL_HEADER_ROW}:{L.DETAIL_HEADER_ROW}", lay.last_col, r2, a1(lay.max, L.DETAIL_FIRST_ROW))


class _BlockRow(int):
    """The row `offset` (the int) rows below a block's first row, as a formula template writes it: "{offset}"."""

    def __add__(self, rows: int) -> _BlockRow:  # type: ignore[override]
        return _BlockRow(int(self) + rows)

    def __str__(self) -> str:
        return f"{{{int(self)}}}"

    def __format__(self, spec: str) -> str:
        return str(self)


def _block_formulas(lay: L.DetailLayout, plan: list[_Row], tops: list[int], leaf_runs,
                    tops_leaves: list[tuple[str, list[int]]]):
    """(row offset in the block, or -1 for the block's row of the hidden index; column; formula template;
    style) of the formulas every block has but the parent sums: written with `_BlockRow`s, so a block's
    formula is the template formatted with the rows of its offsets (no cell address worked out 200 times)."""
    total = f"xl_total_{max(lay.cset.decimals, 2)}"
    h = _BlockRow(0)
    out: list[tuple[int, int, str, str]] = []
    summed = {node.offset for node in plan if node.kids}  # rows whose score cells are parent sums ("" when blank)
    probe = next((o for o in tops if o in summed), tops[0])  # a top criterion that has a sum
    for col in (lay.self_col, lay.appraised):
        out.append((0, col, f(F.sum_present([a1(col, h + o) for o in tops], a1(col, h + probe))), total))
    # a parent criterion: the sum of the scored leaves below it (ranges: no parent read again); its first leaf
    # typed spares the count
    for node in plan:
        if node.kids:
            out += [(node.offset, col, f(F.sum_present([_span(col, h + a, h + b) for a, b in node.leaf_runs],
                                                       a1(col, h + node.leaf_runs[0][0]))), total)
                    for col in (lay.self_col, lay.appraised)]
    cells = lambda runs: [f"{a1(lay.self_col, h + a)}:{a1(lay.appraised, h + b)}" for a, b in runs]  # noqa: E731
    every = _runs(sorted(o for _, runs in leaf_runs for a, b in runs for o in range(a, b + 1)))
    by_max = [(top, cells(runs)) for top, runs in leaf_runs]
    # how many typed cells hold a number, once per block: when all do, the Kiểm tra and the blank-leaf counts
    # below need not read them again
    numbers, n_cells = a1(lay.numbers, h), 2 * sum(b - a + 1 for a, b in every)
    all_numbers = f"{numbers}={n_cells}"
    out.append((0, lay.numbers, f(F.count_numbers(cells(every))), "xl_center"))
    out.append((0, lay.check, f(F.check_text(F.messages(F.detail_block_flags(cells(every), by_max, numbers, n_cells)))),
                "xl_flag"))
    # the block's row of the hidden index: its name key, and each top criterion's Tự chấm, Thẩm định and
    # scored leaves still without Thẩm định (scoring._leaves_missing)
    out.append((-1, lay.key, f(F.name_key(a1(lay.unit, h))), "xl_center"))
    for code, leaves in tops_leaves:
        cols, top = lay.index[code], h + lay.offsets[code]
        copy = F.reference if lay.offsets[code] in summed else F.value_or_blank
        out.append((-1, cols.self_col, f(copy(a1(lay.self_col, top))), "xl_center"))
        out.append((-1, cols.appraised, f(copy(a1(lay.appraised, top))), "xl_center"))
        blanks = [_span(lay.appraised, h + a, h + b) for a, b in _runs(sorted(leaves))]
        out.append((-1, cols.blank_leaves, f(F.count_blank_unless(blanks, all_numbers)), "xl_center"))
    return out


def _span(col: int, first: _BlockRow, last: _BlockRow) -> str:
    """The cells of `col` from row `first` to `last`: E8, or E8:E12."""
    return a1(col, first) if first == last else f"{a1(col, first)}:{a1(col, last)}"


@dataclass(frozen=True)
class _Row:
    """What a criterion's row holds in every block (worked out once, not once per unit)."""

    offset: int  # rows below the block's first row
    code: str
    label: str  # indented by depth
    label_lines: int
    max: float
    survey: bool
    kids: list[int] | None  # a parent: the offsets of its scored children; None: a leaf
    leaf_runs: list[tuple[int, int]]  # a parent: its scored leaves, as runs of consecutive offsets (first, last)


def _plan(lay: L.DetailLayout) -> list[_Row]:
    rows = []
    for node in lay.nodes:
        label = ("   " * node.depth) + node.name
        kids = [lay.offsets[c.code] for c in node.children if _scored(c)] if node.children else None
        leaves = sorted(lay.offsets[n.code] for n in node.walk() if not n.children and not n.survey)
        rows.append(_Row(lay.offsets[node.code], node.code, label, -(-len(label) // NAME_CHARS), float(node.max),
                         node.survey, kids, _runs(leaves) if node.children else []))
    return rows


def _leaf_runs(plan: list[_Row]) -> list[tuple[float, list[tuple[int, int]]]]:
    """The typed (scored leaf) rows grouped by their maximum, each group as runs of consecutive offsets
    (first, last): what the Kiểm tra compares with each maximum."""
    by_max: dict[float, list[int]] = {}
    for row in plan:
        if row.kids is None and not row.survey:
            by_max.setdefault(row.max, []).append(row.offset)
    return [(top, _runs(offsets)) for top, offsets in by_max.items()]


def _runs(offsets: list[int]) -> list[tuple[int, int]]:
    """Increasing offsets as runs of consecutive ones (first, last)."""
    runs: list[tuple[int, int]] = []
    for o in offsets:
        if runs and runs[-1][1] == o - 1:
            runs[-1] = (runs[-1][0], o)
        else:
            runs.append((o, o))
    return runs


def _scored(node) -> bool:
    """A criterion with at least one self-assessed leaf (survey-only branches add nothing)."""
    return any(not n.children and not n.survey for n in node.walk())
