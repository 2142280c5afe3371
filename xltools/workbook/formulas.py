"""Excel formulas for the scoring rules, generated from the criteria set.

Each function mirrors one rule of xltools.core.scoring and takes its parameters (decimals, band
names, maximum, the 2/3 district rule) from the CriteriaSet, so the workbook and the core cannot
drift apart; tests evaluate these formulas in LibreOffice and compare with score_table.

Written for Excel 2010+ and LibreOffice alike (formulas as stored in .xlsx, without "="):
- only functions of Excel 2007 or older (ROUND, SUM, COUNT, COUNTA, COUNTBLANK, MIN, MAX, RANK, COUNTIFS,
  SUMPRODUCT, INDEX, MATCH, IFERROR, ISNA, ISTEXT, TRIM, UPPER, LEFT, LEN, EXACT, MOD), which must NOT carry an _xlfn.
  prefix; RANK.EQ would need _xlfn. and is avoided because RANK does the same (ties share a rank:
  1, 2, 2, 4);
- blanks stay blank: a total of nothing is "" (the core's None), never 0; SUM, COUNT and RANK
  skip "" so blank rows take no rank;
- ranks and classes are computed on ROUND()-ed totals: RANK compares exactly, and a raw sum like
  79.99999999999999 would rank below a typed 80;
- only complete units are ranked and classed (scoring.gaps): a hidden "gaps" cell per row says what
  is missing or invalid, the Kiểm tra column shows it, and the rank cell of such a unit shows
  INCOMPLETE, never a number.
"""
from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from ..core.checks import LABELS
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


# What the rank cell of an incomplete unit shows (contract: never a number; scoring.gaps says why).
INCOMPLETE = "chưa đủ điểm"


def ranked_total(total: str, gaps: str) -> str:
    """Tổng cộng of a complete unit (no gaps), else "": the column RANK ranks, so incomplete units
    take no rank and push no one down (scoring.score_table ranks complete units only). An error value pasted
    in a score cell (#N/A) makes the unit's total and gaps errors: "" here, else RANK over the column would be
    #N/A for every unit."""
    return f'IF(ISNUMBER({total}),IF(IFERROR({gaps}="",FALSE),{total},""),"")'


def rank(key: str, key_range: str, is_unit: str = "FALSE") -> str:
    """Descending, ties share a rank and the next is skipped (scoring.ranks), among the ranked totals
    (`ranked_total`); a unit that is not complete shows INCOMPLETE, a blank row nothing."""
    return f'IF(ISNUMBER({key}),RANK({key},{key_range},0),IF({is_unit},"{INCOMPLETE}",""))'


def is_unit(name: str, cells: list[str]) -> str:
    """A row is a unit when it has a name or anything typed in its score cells (as the reader reads it)."""
    if not cells:
        return f'{name}<>""'
    return f'OR({name}<>"",COUNTA({",".join(cells)})>0)'


def name_key(name: str) -> str:
    """How sheets match unit names: trailing, leading and double spaces and letter case do not matter
    (TRIM collapses inner spaces as names.tidy does; MATCH ignores case as names.exact_key)."""
    return f'UPPER(TRIM({name}))'


def class_of(value: str, labels: str, minima: str) -> str:
    """The band whose minimum is the highest one not above `value` (scoring.classify).

    Bands are listed highest first on Cấu hình: the number of minima <= value counts the bands
    reached, so the class is the (rows - count + 1)-th label; below every minimum (a penalty can
    do that) it is the lowest band. SUMPRODUCT, not COUNTIF(...,"<="&value): no number-to-text
    conversion that depends on the locale.
    """
    return (f'IF(ISNUMBER({value}),INDEX({labels},MIN(ROWS({minima}),'
            f'ROWS({minima})-SUMPRODUCT(--({minima}<={value}))+1)),"")')


def ranked_class(key: str, value: str, labels: str, minima: str) -> str:
    """The class of a ranked unit (`key` is its ranked total), "" for an incomplete one."""
    return f'IF(ISNUMBER({key}),{class_of(value, labels, minima)},"")'


def class_order(class_cell: str, labels: str, orders: str) -> str:
    """Thứ bậc of a class (its CLASS_ORDER position, smaller is better): what the district rule counts."""
    return f'IF({class_cell}="","",INDEX({orders},MATCH({class_cell},{labels},0)))'


# What the district rule cell shows while a commune of the district is not complete (the core: None).
RULE_PENDING = "chờ đủ điểm xã"


def district_rule(name: str, class_cell: str, order_cell: str, commune_districts: str, commune_orders: str,
                  labels: str, cset: CriteriaSet) -> str:
    """Class after the district rule (scoring.district_rule_class): the district keeps its class when
    at least 2/3 of its communes are at the same level or higher, else it drops one band. The rule
    counts every commune of the district, so while one is not complete (no class) it waits
    (scoring.apply_district_rule): RULE_PENDING.

    Communes count by their district column (exact name, as COUNTIFS compares: case-insensitive)
    and their Thứ bậc ("" for an unclassed commune, so ">=0" counts the classed ones).
    """
    every = f'COUNTIFS({commune_districts},{name})'
    n = f'COUNTIFS({commune_districts},{name},{commune_orders},">=0")'
    same = f'COUNTIFS({commune_districts},{name},{commune_orders},"<="&{order_cell})'
    lower = f'INDEX({labels},MIN(ROWS({labels}),MATCH({class_cell},{labels},0)+1))'
    return (f'IF(OR({name}="",{class_cell}="",{every}=0),"",IF({n}<{every},"{RULE_PENDING}",'
            f'IF(3*{same}>=2*{n},{class_cell},{lower})))')


def match_row(name: str, names_range: str) -> str:
    """Position of a unit (by name, or by its name_key in a column of keys) in another sheet's column;
    "" when not there."""
    return f'IF({name}="","",IFERROR(MATCH({name},{names_range},0),""))'


def unmatched(key: str, keys_range: str) -> str:
    """1 when a row's name matches no name of the other sheet (by key), else 0."""
    return f'IF({key}="",0,IF(ISNA(MATCH({key},{keys_range},0)),1,0))'


def unmatched_same_row_first(key: str, same_row: str, keys_range: str) -> str:
    """`unmatched`, trying first the other sheet's key on the same row (`same_row`, a one-cell range of
    `keys_range`): when the sheets list the units in the same order that one MATCH of one cell settles it,
    instead of a MATCH that compares (case-insensitively, a costly string compare) every key above. Exact:
    a match in the one cell is a match in the range; without one, the whole range is searched as before."""
    return (f'IF({key}="",0,IF(ISNA(MATCH({key},{same_row},0)),'
            f'IF(ISNA(MATCH({key},{keys_range},0)),1,0),0))')


def keys_aligned(above: str | None, key: str = "", other_key: str = "") -> str:
    """TRUE while two key columns are, row by row, the same texts (EXACT: letter case counts) down to the
    row above: `above` is that row's flag and (`key`, `other_key`) its two keys; None on the first row.
    A key that is not a text (an error, a blank cell) ends the run, so a lookup relying on it falls back."""
    if above is None:
        return "TRUE"
    return f'IF({above},IF(AND(ISTEXT({key}),ISTEXT({other_key})),EXACT({key},{other_key}),FALSE),FALSE)'


def match_row_aligned(name: str, names_range: str, k: int, tail: str, aligned: str, position: str) -> str:
    """`match_row` of the k-th row's key in `names_range`, knowing `position` (its `match_row` in another
    column of keys) and `aligned` (TRUE when the k−1 keys above row k are the same texts in both columns,
    `keys_aligned`). Then the first match above row k is the same in both: when `position` is above k it is
    the answer; else there is none above k and only `tail` (the range from its k-th key down) is searched,
    which, when the sheets are in the same order, stops at its first key. Not aligned: `match_row`."""
    first = "" if k == 1 else f"{k - 1}+"
    return (f'IF({name}="","",IF({aligned},IF(AND(ISNUMBER({position}),{position}<{k}),{position},'
            f'IFERROR({first}MATCH({name},{tail},0),"")),IFERROR(MATCH({name},{names_range},0),"")))')


def cell_flags(cells: list[tuple[str, Decimal, str]], text_label: str, range_label: str) -> str:
    """One precise message per score cell (checks.py: score-not-number, score-out-of-range): text in a
    number cell (quoting it: "8,5" typed with the wrong decimal mark), a negative score, a score above
    the maximum. A text never compares as a number here (no false "out of range" for it)."""
    parts = []
    for c, top, label in cells:
        parts.append(
            f'IF(ISTEXT({c}),"{text_label}: {label} ghi \'"&{c}&"\', hãy gõ lại bằng số. ",'
            f'IF(ISNUMBER({c}),IF(OR({c}<0,{c}>{num(top)}),"{range_label}: {label} "'
            f'&IF({c}<0,"âm","vượt tối đa {_vn(top)}")&". ",""),""))')
    return "&".join(parts) if parts else '""'


def listed(label: str, items: list[tuple[str, str]]) -> str:
    """'label: A, B. ' naming each item whose condition holds; "" when none does. Without TEXTJOIN
    (Excel 2007): the items are joined as "A, B, " between two marks, then the marks are replaced,
    so the long list of conditions is written once (a formula holds at most 8192 characters)."""
    if not items:
        return '""'
    joined = "&".join(f'IF({cond},"{name}, ","")' for cond, name in items)
    return f'SUBSTITUTE(SUBSTITUTE(SUBSTITUTE("[["&{joined}&"]]","[[]]",""),", ]]",". "),"[[","{label}: ")'


def _vn(value) -> str:
    """A maximum as the messages print it: 8,5."""
    return num(value).replace(".", ",")


def fetch(position: str, column_range: str) -> str:
    """The cell at `position` of another sheet's column, "" when the position is unknown or the cell
    is blank (INDEX of a blank cell would read as 0)."""
    item = f"INDEX({column_range},{position})"
    return f'IF({position}="","",IF({item}="","",{item}))'


def fetch_result(position: str, column_range: str) -> str:
    """`fetch` from a column of formulas that give "" rather than a blank (the detail's hidden index):
    INDEX of such a cell is already "", so it is read once."""
    return f'IF({position}="","",INDEX({column_range},{position}))'


def reference(cell: str) -> str:
    """The value of a formula cell that gives "" rather than being blank (a parent sum): read as it is."""
    return cell


def value_or_blank(cell: str) -> str:
    """The cell's value, "" when it is blank (a reference to a blank cell would read as 0)."""
    return f'IF({cell}="","",{cell})'


def sum_children(cells: list[str]) -> str:
    """A parent criterion (or the unit's total): the sum of the cells (single cells or ranges), blank while
    none holds a number (scoring.criteria_field_scores sums the present leaves). IF(COUNT(…),…): a count
    is true when it is not 0 (one comparison less in 12 000 cells)."""
    args = ",".join(cells)
    return f'IF(COUNT({args}),SUM({args}),"")'


def sum_present(cells: list[str], probe: str) -> str:
    """`sum_children` that skips the count when `probe`, one of the cells, holds a number (then the count is
    not 0): exact in every case (a blank, a text or an error in `probe` falls back to the count), and a typed
    block is summed without reading its cells twice."""
    return f'IF(ISNUMBER({probe}),SUM({",".join(cells)}),{sum_children(cells)})'


def count_blank(ranges: list[str]) -> str:
    """How many cells of the ranges are blank or hold "" (the detail's scored leaves without Thẩm định):
    COUNTBLANK walks a range; a comparison per cell (A1="") made LibreOffice read each cell's format."""
    return "+".join(f"COUNTBLANK({r})" for r in ranges) if ranges else "0"


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



def nth_position_decoded(j: int, keys: str, n_rows: int) -> str:
    """`nth_position` for keys made by `rank_key` (`n_rows` as there): a key is an integer (the rank, or
    n_rows+1) plus its own position/(n_rows+1), so the j-th smallest key says its position in its fraction,
    and no MATCH has to look for it. Exact: the keys are distinct (positions differ, and two integers differ
    by 1 > any difference of fractions), so the first key equal to the j-th smallest is the one it names; the
    fraction is at least 1/(n_rows+1) from an integer, far beyond any rounding; an error (a name cell holding
    one) comes out of SMALL as it did."""
    return f'IF({j}>COUNT({keys}),"",ROUND(MOD(SMALL({keys},{j}),1)*{n_rows + 1},0))'


def ranking_stt(position: str, j: int) -> str:
    """The j-th row's STT on the live ranking, "" past the units."""
    return f'IF({position}="","",{j})'


def ranking_rank(position: str, ranks: str, mark: str) -> str:
    """The rank of the unit at `position` of the summary's rank column; `mark` for an incomplete unit."""
    item = f"INDEX({ranks},{position})"
    return f'IF({position}="","",IF(ISNUMBER({item}),{item},"{mark}"))'


# ---------------------------------------------------------------- Kiểm tra columns (the core's checks, by formula)

def check_text(*parts: str) -> str:
    """A Kiểm tra cell: its messages one after the other, spaces trimmed."""
    return f"TRIM({'&'.join(parts)})"


# What a summary's Kiểm tra says when its messages are an error: an error value (#N/A…) in one of the unit's scores.
SCORE_ERROR = f"{LABELS['score-not-number']}: có ô điểm mang giá trị lỗi (như #N/A, #VALUE!), hãy xóa rồi gõ lại bằng số."


def unit_check_text(*parts: str) -> str:
    """The summary's Kiểm tra cell (`check_text`), which names an error value in the unit's scores instead of
    showing #N/A itself."""
    return f'IFERROR({check_text(*parts)},"{SCORE_ERROR}")'


def score_flags(cells: list[tuple[str, Decimal, str]]) -> str:
    """cell_flags with the core's labels (score-not-number, score-out-of-range)."""
    return cell_flags(cells, LABELS["score-not-number"], LABELS["score-out-of-range"])


def appraised_blank(cell: str, position: str | None = None, blank_leaves: str = "") -> str:
    """A field without Thẩm định: its cell is blank, or (a field summed from the detail sheet, the unit's
    block at `position` of the detail index) one of its scored leaves is (scoring._leaves_missing)."""
    blank = f'{cell}=""'
    if position is None:
        return blank
    leaves = f'IF({position}="",FALSE,INDEX({blank_leaves},{position})>0)'
    return f"OR({blank},{leaves})"


def appraised_missing(items: list[tuple[str, str]]) -> str:
    """'Thiếu điểm thẩm định: A, B. ' for the fields (condition, name) without Thẩm định."""
    return listed(LABELS["appraised-missing"], items)


def survey_gaps(position: str, blanks: list[tuple[str, str]], checks: str, sheet: str) -> str:
    """The ĐT XHH a unit still lacks: its name not found on the survey sheet, the fields (condition,
    name) without a survey score, and a pointer to the survey sheet's Kiểm tra when its row has a flag."""
    label = LABELS["survey-missing"]
    return (f'IF({position}="","{label}: không thấy tên đơn vị trên trang {sheet}. ",'
            f'{listed(label, blanks)}&IF(INDEX({checks},{position})<>"",'
            f'"Xem cột Kiểm tra trang {sheet}. ",""))')


def detail_pointer(block: str, checks: str, block_size: int, sheet: str) -> str:
    """A pointer to the detail sheet's Kiểm tra when the unit's block there (1-based, `block_size` rows
    each, `checks` the column from the first block's first row) has a flag."""
    return (f'IF({block}="","",IF(INDEX({checks},({block}-1)*{block_size}+1)<>"",'
            f'"Xem cột Kiểm tra trang {sheet}. ",""))')


def unit_gaps(unit: str, parts: list[str]) -> str:
    """What keeps a unit from being ranked (the parts joined); "" on a row that holds no unit."""
    return f'IF({unit},{"&".join(parts)},"")'


def district_unknown(district: str, district_names: str, sheet: str) -> tuple[str, str]:
    """(condition, message): a commune's district is not a name of the district sheet (the 2/3 rule
    would silently leave the commune out)."""
    return (f'AND({district}<>"",COUNTIFS({district_names},{district})=0)',
            f"{LABELS['district-unknown']}: tên huyện không có trên trang {sheet}, hãy gõ đúng như trang đó.")


def detail_missing(name: str, position: str, sheet: str) -> tuple[str, str]:
    """(condition, message): a named unit has no block on the detail sheet."""
    return f'AND({name}<>"",{position}="")', f"Không thấy tên đơn vị trên trang {sheet}."


def survey_unmatched_count(flags: str, sheet: str) -> str:
    """Above the summary's Kiểm tra column: how many names of the survey sheet match no unit."""
    return (f'IF(SUM({flags})=0,"","{LABELS["name-unmatched"]}: "&SUM({flags})&" tên trên trang {sheet} '
            f'không khớp đơn vị nào của trang này; xem cột Kiểm tra trang {sheet}.")')


def survey_stray(unmatched_cell: str, summary_sheet: str) -> str:
    """A survey row whose name matches no unit of the summary: its scores count nowhere."""
    return (f'IF({unmatched_cell}=1,"{LABELS["name-unmatched"]}: không có đơn vị này trên trang '
            f'{summary_sheet}, điểm của dòng không được tính; hãy gõ tên giống cột TÊN ĐƠN VỊ trang đó.","")')


def count_numbers(refs: list[str]) -> str:
    """How many cells of the ranges hold a number (COUNT takes at most MAX_ARGS ranges at a time)."""
    return "+".join(_each("COUNT", refs)) or "0"


def count_blank_unless(ranges: list[str], none_blank: str) -> str:
    """`count_blank`, or 0 without walking the ranges when `none_blank` holds (a condition that proves no cell
    of them blank, e.g. every one holds a number)."""
    return f"IF({none_blank},0,{count_blank(ranges)})"


def _each(function: str, refs: list[str]) -> list[str]:
    """`function` over the ranges, MAX_ARGS at a time (Excel takes 255 arguments)."""
    return [f"{function}({','.join(refs[i:i + MAX_ARGS])})" for i in range(0, len(refs), MAX_ARGS)]


def detail_block_flags(leaves: list[str], leaves_by_max: Sequence[tuple[Decimal | float, list[str]]],
                       numbers: str, n_cells: int) -> list[tuple[str, str]]:
    """(condition, message) of a detail block's Kiểm tra: a score typed as text, a score outside 0 to
    its criterion's maximum. `leaves`: the block's typed cells (ranges of scored leaf rows, Tự chấm and Thẩm
    định, `n_cells` cells); `leaves_by_max`: the same cells grouped by their criterion's maximum; `numbers`: the
    cell holding `count_numbers(leaves)`.

    Plain counts over the typed cells only, no SUMPRODUCT (array formulas over every block were most of a
    full recalculation) and no parent sum (LibreOffice reads a formula cell in a range slower than a value):
    - not a number: COUNTA − COUNT of the typed cells (a text, a space, TRUE, an error typed there), counted
      only when not every cell holds a number (COUNTA cannot then exceed COUNT: a typed block reads its cells
      once less);
    - below 0: MIN; above the maximum: for each maximum, MAX of the cells that have it. MIN and MAX skip
      texts and blanks; a cell holding an error is already "not a number" (IFERROR keeps the message
      instead of the error).
    At most MAX_ARGS ranges per function (Excel takes 255 arguments).
    """
    over = ",".join(f"{m}>{num(top)}" for top, refs in leaves_by_max for m in _each("MAX", refs))
    lowest = _each("MIN", leaves)
    lowest_all = lowest[0] if len(lowest) == 1 else f"MIN({','.join(lowest)})"
    return [(f"IF({numbers}={n_cells},FALSE,({'+'.join(_each('COUNTA', leaves))})>{numbers})",
             f"{LABELS['score-not-number']}: có ô điểm nhập chữ thay cho số, hãy gõ lại bằng số."),
            (f"IFERROR(OR({lowest_all}<0{',' + over if over else ''}),FALSE)",
             f"{LABELS['score-out-of-range']}: có điểm ngoài khoảng 0 đến điểm tối đa.")]


MAX_ARGS = 200  # Excel takes at most 255 arguments per function


# ---------------------------------------------------------------- conditional formats (relative to a range's first cell)

def cf_text(first: str) -> str:
    return f"ISTEXT({first})"


def cf_text_typed(first: str) -> str:
    """Text other than "" (a formula's blank is not a typing error)."""
    return f'AND(ISTEXT({first}),{first}<>"")'


def cf_out_of_range(first: str, top: str) -> str:
    """A number below 0 or above `top` (a constant from num(), or a column reference like $D6)."""
    return f"AND(ISNUMBER({first}),OR({first}<0,{first}>{top}))"


def _scores_compare(appraised: str, self_score: str, op: str) -> str:
    """Both cells hold numbers and Thẩm định `op` Tự chấm."""
    return f"AND(ISNUMBER({appraised}),ISNUMBER({self_score}),{appraised}{op}{self_score})"


def cf_above(appraised: str, self_score: str) -> str:
    """Thẩm định above Tự chấm."""
    return _scores_compare(appraised, self_score, ">")


def cf_differs(appraised: str, self_score: str) -> str:
    """Thẩm định different from Tự chấm."""
    return _scores_compare(appraised, self_score, "<>")


def cf_blank(name: str, first: str) -> str:
    """A score still blank on a named unit's row."""
    return f'AND({name}<>"",ISBLANK({first}))'


def cf_note_due(note: str, pairs: list[tuple[str, str]]) -> str:
    """The note is blank although a Thẩm định differs from its Tự chấm (the core's reason-missing);
    `pairs` are (appraised, self) cells."""
    return f"AND(ISBLANK({note}),OR({','.join(cf_differs(a, s) for a, s in pairs)}))"


def cf_unlocked(cell: str) -> str:
    """The row's cell is unlocked: a criterion the appraiser types."""
    return f'CELL("protect",{cell})=0'


def cf_named(name: str) -> str:
    """The row holds a unit: its name cell is not blank (a formula's "" is blank)."""
    return f'{name}<>""'


def cf_equals(cell: str, text: str) -> str:
    return f'{cell}="{text}"'
