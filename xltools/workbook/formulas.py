"""Excel formulas for the scoring rules, generated from the criteria set.

Each function mirrors one rule of xltools.core.scoring and takes its parameters (decimals, band
names, maximum, the 2/3 district rule) from the CriteriaSet, so the workbook and the core cannot
drift apart; tests evaluate these formulas in LibreOffice and compare with score_table.

Written for Excel 2010+ and LibreOffice alike (formulas as stored in .xlsx, without "="):
- only functions of Excel 2007 or older (ROUND, SUM, COUNT, RANK, COUNTIFS, SUMPRODUCT, INDEX,
  MATCH, IFERROR), which must NOT carry an _xlfn. prefix; RANK.EQ would need _xlfn. and is
  avoided because RANK does the same (ties share a rank: 1, 2, 2, 4);
- blanks stay blank: a total of nothing is "" (the core's None), never 0; SUM, COUNT and RANK
  skip "" so blank rows take no rank;
- ranks and classes are computed on ROUND()-ed totals: RANK compares exactly, and a raw sum like
  79.99999999999999 would rank below a typed 80.
"""
from __future__ import annotations

from decimal import Decimal

from ..core.criteria import CriteriaSet


def num(value: Decimal | int | float) -> str:
    """A constant as a formula writes it: 19.5, 100."""
    d = Decimal(str(value)).normalize()
    return f"{d:f}"


def rounded_sum(cells: list[str], cset: CriteriaSet) -> str:
    """Self/appraised/survey total: ROUND(SUM(parts), decimals); blank when no part is a number
    (scoring.total_of without a printed total)."""
    args = ",".join(cells)
    return f'IF(COUNT({args})=0,"",ROUND(SUM({args}),{cset.decimals}))'


def grand_total(appraised: str, survey: str | None, bonus: str | None, penalty: str | None,
                cset: CriteriaSet) -> str:
    """Tổng cộng = appraised + survey (+ bonus − penalty), rounded; blank while nothing is appraised
    (scoring.unit_totals). N() reads a blank or "" penalty as 0 without #VALUE!."""
    added = ",".join(c for c in (appraised, survey, bonus) if c)
    minus = f"-N({penalty})" if penalty else ""
    return f'IF(COUNT({appraised})=0,"",ROUND(SUM({added}){minus},{cset.decimals}))'


def percent(total: str, cset: CriteriaSet) -> str:
    """The index as a percentage of the set's maximum (scoring.percent_of)."""
    return f'IF(ISNUMBER({total}),ROUND({total}*100/{num(cset.max_total)},{cset.decimals}),"")'


def rank(total: str, total_range: str) -> str:
    """Descending, ties share a rank and the next is skipped (scoring.ranks)."""
    return f'IF(ISNUMBER({total}),RANK({total},{total_range},0),"")'


def class_of(value: str, labels: str, minima: str) -> str:
    """The band whose minimum is the highest one not above `value` (scoring.classify).

    Bands are listed highest first on Cấu hình: the number of minima <= value counts the bands
    reached, so the class is the (rows - count + 1)-th label; below every minimum (a penalty can
    do that) it is the lowest band. SUMPRODUCT, not COUNTIF(...,"<="&value): no number-to-text
    conversion that depends on the locale.
    """
    return (f'IF(ISNUMBER({value}),INDEX({labels},MIN(ROWS({minima}),'
            f'ROWS({minima})-SUMPRODUCT(--({minima}<={value}))+1)),"")')


def class_order(class_cell: str, labels: str, orders: str) -> str:
    """Thứ bậc of a class (its CLASS_ORDER position, smaller is better): what the district rule counts."""
    return f'IF({class_cell}="","",INDEX({orders},MATCH({class_cell},{labels},0)))'


def district_rule(name: str, class_cell: str, order_cell: str, commune_districts: str, commune_orders: str,
                  labels: str, cset: CriteriaSet) -> str:
    """Class after the district rule (scoring.district_rule_class): the district keeps its class when
    at least 2/3 of its classed communes are at the same level or higher, else it drops one band.

    Communes count by their district column (exact name, as COUNTIFS compares: case-insensitive)
    and their Thứ bậc ("" for an unclassed commune, so ">=0" counts the classed ones).
    """
    n = f'COUNTIFS({commune_districts},{name},{commune_orders},">=0")'
    same = f'COUNTIFS({commune_districts},{name},{commune_orders},"<="&{order_cell})'
    lower = f'INDEX({labels},MIN(ROWS({labels}),MATCH({class_cell},{labels},0)+1))'
    return (f'IF(OR({name}="",{class_cell}="",{n}=0),"",'
            f'IF(3*{same}>=2*{n},{class_cell},{lower}))')


def match_row(name: str, names_range: str) -> str:
    """Position of a unit (by name) in another sheet's name column; "" when not there."""
    return f'IF({name}="","",IFERROR(MATCH({name},{names_range},0),""))'


def fetch(position: str, column_range: str, offset: int = 0) -> str:
    """The cell at `position` (+offset) of another sheet's column, "" when the position is unknown
    or the cell is blank (INDEX of a blank cell would read as 0)."""
    at = f"{position}+{offset}" if offset else position
    item = f"INDEX({column_range},{at})"
    return f'IF({position}="","",IF({item}="","",{item}))'


def sum_children(cells: list[str]) -> str:
    """A parent criterion: the sum of its children, blank while none is scored
    (scoring.criteria_field_scores sums the present leaves)."""
    args = ",".join(cells)
    return f'IF(COUNT({args})=0,"",SUM({args}))'


def text_count(cells: list[str]) -> str:
    """Number cells holding text ('19,5' typed where Excel expects 19.5): constants only."""
    args = ",".join(cells)
    return f"(COUNTA({args})-COUNT({args}))"


def out_of_range_count(cells_max: list[tuple[str, Decimal]]) -> str:
    """Number cells outside 0..max (text compares above any number, so it is caught here too)."""
    return "(" + "+".join(f"({c}<0)+({c}>{num(m)})" for c, m in cells_max) + ")"


def messages(parts: list[tuple[str, str]]) -> str:
    """Concatenated flags: each (condition, message) adds its message when the condition holds."""
    if not parts:
        return '""'
    return "&".join(f'IF({cond},"{msg} ","")' for cond, msg in parts)


def rank_key(name: str, rank_cell: str, index: int, n_rows: int) -> str:
    """Sort key of the summary's index-th data row (1-based) for the live ranking: its rank plus
    index/(n_rows+1), so ties keep the summary's order; a named unit without a numeric rank (incomplete)
    gets n_rows+1, after every ranked unit; an empty row "" (SMALL skips text)."""
    after = n_rows + 1
    return (f'IF({name}="","",IF(ISNUMBER({rank_cell}),{rank_cell},{after})+{index}/{after})')


def nth_position(j: int, keys: str) -> str:
    """Which summary row (1-based position in `keys`) holds the j-th smallest key; "" past the units."""
    return f'IF({j}>COUNT({keys}),"",MATCH(SMALL({keys},{j}),{keys},0))'
