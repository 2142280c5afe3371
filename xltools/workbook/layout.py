"""The layout contract of the appraisal workbook: which sheet, row and column holds what.

Everything that reads or writes a workbook made by `xltools template` (the builder, the reader,
the macros, the publisher) asks this module instead of hard-coding cells.
Every position is a function of the criteria set: the number of fields, survey columns, detail,
bonus/penalty and the district rule all vary by set.

Workbook = one *section* per criteria set (at most one set per level), in level order
(tỉnh, sở, huyện, xã), plus one config sheet:

    "Tổng hợp <Cấp>"   summary in the official appendix layout (PHỤ LỤC I, II, ... in section order)
    "Chi tiết <Cấp>"   criteria detail, one long sheet, only for sets with a criteria tree
    "ĐT XHH <Cấp>"     survey scores to paste, only for sets with survey points
    "Cấu hình"         layout version, one row per section (sheet, set id, ...), the class bands
    "Kiểm tra"         findings sheet, written by the macros, not by the builder

Table sheets (summary and survey) share rows: title block rows 1-3, legend row 4, header rows 5-6,
data from row 7. Units are matched across sheets by their name (TÊN ĐƠN VỊ, exact text): the
summary finds a unit's survey row and detail block with one MATCH each (hidden helper columns), so
sorting the summary by whole rows never detaches a unit from its survey scores or detail.

Columns are 1-based integers; `col_letter` turns them into letters.
"""
from __future__ import annotations

from dataclasses import dataclass, field as dc_field
from functools import cache, cached_property, lru_cache

from .. import wording
from ..core import rows
from ..core.criteria import LEVELS, CriteriaSet, Criterion
from ..core.rows import RowColumn
from ..errors import UserError

LAYOUT_VERSION = "xltools-appraisal/1"

LEVEL_ORDER = ("tinh", "so", "huyen", "xa")
LEVEL_SHORT = {"tinh": "Tỉnh", "so": "Sở", "huyen": "Huyện", "xa": "Xã"}

CONFIG_SHEET = "Cấu hình"
CHECKS_SHEET = "Kiểm tra"  # written by the macros (excel/macros.py), not by the builder

# Rows shared by the summary and survey sheets.
TITLE_ROWS = (1, 2, 3)  # PHỤ LỤC …, XẾP HẠNG VÀ PHÂN LOẠI …, (Kèm theo Quyết định số …)
LEGEND_ROW = 4
HEADER_ROWS = (5, 6)  # merged field headers, then "Tự chấm (max) / Thẩm định (max) / ĐT XHH (max)"
FIRST_ROW = 7

# Detail sheet rows.
DETAIL_HEADER_ROW = 5
DETAIL_FIRST_ROW = 6

# Config sheet ("Cấu hình").
CONFIG_MARKER_CELL = "B2"  # holds LAYOUT_VERSION: how a reader recognises the workbook
CONFIG_SETS_HEADER_ROW = 4
CONFIG_SETS_FIRST_ROW = 5  # one row per section, at most len(LEVEL_ORDER) rows
CONFIG_SETS_COLUMNS = ("sheet", "set_id", "rows", "province", "level", "years", "decimals", "bands_basis",
                       "max_total", "district_rule", "detail_sheet", "survey_sheet", "set_data", "district_col")
CONFIG_SETS_HEADERS = ("Trang tổng hợp", "Mã bộ tiêu chí", "Số dòng", "Tỉnh", "Cấp", "Năm", "Số chữ số thập phân",
                       "Xếp loại theo", "Điểm tối đa", "Quy tắc 2/3 cấp xã", "Trang chi tiết", "Trang ĐT XHH",
                       "Dữ liệu bộ tiêu chí", "Cột huyện (cấp xã)")
# set_data: JSON of a set that is not shipped (setdata.py). district_col: "có"/"không" on the commune row, whether
# its summary has the Thuộc huyện column; blank in a workbook made before the column existed (it always had one).
CONFIG_BANDS_TITLE_ROW = 11
CONFIG_BANDS_HEADER_ROW = 12
CONFIG_BANDS_FIRST_ROW = 13
CONFIG_BANDS_WIDTH = 4  # label, min, order, blank spacer: one block per section, side by side

DEFAULT_SPARE_ROWS = 5
BLANK_ROWS = 10  # units in a template made without a list of units


@cache
def col_letter(col: int) -> str:
    """Column letters of a 1-based column number (1 -> A, 27 -> AA); here rather than openpyxl's, so that
    reading a workbook does not import openpyxl."""
    letters = ""
    while col > 0:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def ref(sheet: str, col: int, row: int, absolute: bool = False) -> str:
    """'Tổng hợp Huyện'!E7 (quoted sheet name, as formulas and messages write it)."""
    c = col_letter(col)
    cell = f"${c}${row}" if absolute else f"{c}{row}"
    return f"{quote_sheet(sheet)}!{cell}"


@lru_cache(maxsize=4096)  # the summary asks for the same ranges in each of its rows
def column_range(sheet: str, col: int, first: int, last: int) -> str:
    """'Tổng hợp Huyện'!$N$7:$N$40: a column of data rows, for RANK, MATCH, COUNTIFS, defined names."""
    c = col_letter(col)
    return f"{quote_sheet(sheet)}!${c}${first}:${c}${last}"


def quote_sheet(sheet: str) -> str:
    return "'" + sheet.replace("'", "''") + "'"


def where(sheet: str, col: int, row: int) -> str:
    """How messages cite a cell: Tổng hợp Huyện!E7 (no quotes: people read it)."""
    return f"{sheet}!{col_letter(col)}{row}"


def level_short(level: str) -> str:
    return LEVEL_SHORT.get(level, LEVELS.get(level, level).capitalize())


def summary_sheet(cset: CriteriaSet) -> str:
    return f"Tổng hợp {level_short(cset.level)}"


def detail_sheet(cset: CriteriaSet) -> str | None:
    return f"Chi tiết {level_short(cset.level)}" if cset.criteria else None


def survey_sheet(cset: CriteriaSet) -> str | None:
    return f"ĐT XHH {level_short(cset.level)}" if cset.has_survey else None


def name_suffix(cset: CriteriaSet) -> str:
    """Suffix of the defined names of a section: BandLabel_huyen, Total_huyen, ..."""
    return cset.level


shows_percent = wording.shows_percent  # 'Tỷ lệ (%)' where the maximum is not 100 (with 100 it equals the total)


# ---------------------------------------------------------------- summary sheet

@dataclass(frozen=True)
class FieldColumns:
    self_col: int
    appraised: int
    survey: int | None  # None where the field has no survey points

    def by_kind(self) -> dict[str, int]:
        """kind (self / appraised / survey, as `FieldScores.score` names them) -> column."""
        return {k: c for k, c in (("self", self.self_col), ("appraised", self.appraised), ("survey", self.survey)) if c}


class _DataRows:
    """The data rows of a summary or survey sheet (n_rows of them from FIRST_ROW), and their ranges."""

    sheet: str  # declared by the dataclasses that use it
    n_rows: int

    @property
    def first_row(self) -> int:
        return FIRST_ROW

    @property
    def last_row(self) -> int:
        return self.first_row + self.n_rows - 1

    @property
    def rows(self) -> range:
        return range(self.first_row, self.last_row + 1)

    def column_range(self, col: int) -> str:
        return column_range(self.sheet, col, self.first_row, self.last_row)


@dataclass
class SummaryLayout(_DataRows):
    """Columns of one summary sheet. `n_rows` data rows from FIRST_ROW (units + spare rows).

    The one model of a summary row: which columns, in which order and with which words, is
    `wording.table_labels` (the published appendix, `publish.model.columns_for`, prints the same list);
    this class places them (`key_columns`), adds the inputs and hidden helpers, and gives the row readers
    their columns (`unit_columns`). The macros read it where it is placed (`excel.tables.Table`).
    """

    cset: CriteriaSet
    n_rows: int
    district_col: bool  # communes: the district they belong to
    rule_live: bool  # districts with the commune sheet in the same workbook: class after the 2/3 rule
    sheet: str = ""
    stt: int = 1
    name: int = 2
    district: int | None = None
    fields: list[FieldColumns] = dc_field(default_factory=list)
    self_total: int = 0
    appraised_total: int = 0
    survey_total: int | None = None
    bonus: int | None = None
    penalty: int | None = None
    total: int = 0
    percent: int | None = None
    rank: int = 0
    class_: int = 0
    class_after_rule: int | None = None
    note: int = 0  # Ghi chú thẩm định (input)
    check: int = 0  # Kiểm tra: visible flag for text in number cells, out-of-range values, unknown names
    # hidden helper columns
    order: int = 0  # Thứ bậc of the class (CLASS_ORDER position), read by the district rule
    detail_row: int | None = None  # the unit's block on the detail sheet (1-based: its row in the index)
    survey_row: int | None = None  # the unit's row on the survey sheet
    key: int = 0  # the name as sheets match it (UPPER(TRIM(name)))
    gaps: int = 0  # what keeps the unit from being ranked ("" when complete: scoring.gaps)
    ranked_total: int = 0  # Tổng cộng of a complete unit, else "": the column RANK ranks
    # TRUE while the survey sheet's keys above this row are the detail index's keys, row by row: then the
    # survey row is found from the detail block without searching the rows above (formulas.match_row_aligned)
    survey_aligned: int | None = None

    def __post_init__(self):
        cset = self.cset
        self.sheet = summary_sheet(cset)
        col = 3
        if self.district_col:
            self.district, col = col, col + 1
        for f in cset.fields:
            survey = col + 2 if f.survey_max > 0 else None
            self.fields.append(FieldColumns(col, col + 1, survey))
            col += 3 if survey else 2
        self.self_total, self.appraised_total, col = col, col + 1, col + 2
        if cset.has_survey:
            self.survey_total, col = col, col + 1
        if cset.has_bonus:
            self.bonus, self.penalty, col = col, col + 1, col + 2
        self.total, col = col, col + 1
        if shows_percent(cset):
            self.percent, col = col, col + 1
        self.rank, self.class_, col = col, col + 1, col + 2
        if self.rule_live:
            self.class_after_rule, col = col, col + 1
        self.note, self.check, col = col, col + 1, col + 2
        self.order, col = col, col + 1
        if cset.criteria:
            self.detail_row, col = col, col + 1
        if cset.has_survey:
            self.survey_row, col = col, col + 1
        self.key, self.gaps, self.ranked_total, col = col, col + 1, col + 2, col + 3
        if self.detail_row and self.survey_row:
            self.survey_aligned, col = col, col + 1
        self.last_col = col - 1

    @property
    def print_last_col(self) -> int:
        """The official appendix ends with Xếp loại (or the class after the district rule)."""
        return self.class_after_rule or self.class_

    @property
    def helper_cols(self) -> list[int]:
        return [c for c in (self.order, self.detail_row, self.survey_row, self.key, self.gaps, self.ranked_total,
                            self.survey_aligned) if c]

    def field_from_detail(self, index: int) -> bool:
        """Self and appraised of field `index` are formulas over the detail sheet (else inputs)."""
        return self.cset.fields[index].code in self._tree_codes

    @cached_property
    def _tree_codes(self) -> frozenset[str]:
        return frozenset(c.code for c in self.cset.criteria)


    def input_cols(self) -> list[int]:
        """Columns the appraiser types into (unlocked): name, district, scores not fed by formulas, notes."""
        cols = [self.name] + ([self.district] if self.district else [])
        for i, fc in enumerate(self.fields):
            if not self.field_from_detail(i):
                cols += [fc.self_col, fc.appraised]
        cols += [c for c in (self.bonus, self.penalty) if c]
        return cols + [self.note]

    def key_columns(self) -> dict[str, int]:
        """The column of each official label key (xltools.wording.table_labels: stt, name, district, f1.self,
        f1.appraised, f1.survey, …, self_total, …, total, percent, rank, class, class_after_rule) on this sheet."""
        cols = {"stt": self.stt, "name": self.name, "district": self.district, "self_total": self.self_total,
                "appraised_total": self.appraised_total, "survey_total": self.survey_total, "bonus": self.bonus,
                "penalty": self.penalty, "total": self.total, "percent": self.percent, "rank": self.rank,
                "class": self.class_, "class_after_rule": self.class_after_rule}
        for i, fc in enumerate(self.fields, start=1):
            cols.update({f"f{i}.self": fc.self_col, f"f{i}.appraised": fc.appraised, f"f{i}.survey": fc.survey})
        return {key: col for key, col in cols.items() if col}

    def total_columns(self) -> dict[str, int]:
        """kind (self / appraised / survey / total) -> the column of that total."""
        return {k: c for k, c in (("self", self.self_total), ("appraised", self.appraised_total),
                                  ("survey", self.survey_total), ("total", self.total)) if c}

    def unit_columns(self, inputs_only: bool = False) -> list[RowColumn]:
        """A unit's row for the shared row reader (core/rows.py), left to right: name, district, the scores,
        bonus/penalty; with the computed cells (totals, rank, class) unless `inputs_only` (the workbook's own
        reader: a formula agrees with the rules by design)."""
        cols = [RowColumn(self.name, rows.NAME)] + ([RowColumn(self.district, rows.DISTRICT)] if self.district else [])
        for i, fc in enumerate(self.fields):
            kinds = [] if inputs_only and self.field_from_detail(i) else [("self", fc.self_col), ("appraised", fc.appraised)]
            kinds += [("survey", fc.survey)] if fc.survey and not inputs_only else []
            cols += [RowColumn(col, rows.FIELD, kind, i) for kind, col in kinds]
        computed = [(self.self_total, rows.TOTAL, "self"), (self.appraised_total, rows.TOTAL, "appraised"),
                    (self.survey_total, rows.TOTAL, "survey"), (self.bonus, rows.BONUS, ""),
                    (self.penalty, rows.PENALTY, ""), (self.total, rows.TOTAL, "total"), (self.rank, rows.RANK, ""),
                    (self.class_, rows.CLASS, ""), (self.class_after_rule, rows.CLASS_AFTER_RULE, "")]
        inputs = (rows.BONUS, rows.PENALTY)
        return cols + [RowColumn(col, role, kind) for col, role, kind in computed
                       if col and (role in inputs or not inputs_only)]

    def number_input_cols(self) -> list[tuple[int, object]]:
        """(column, maximum) of the number cells typed on this sheet, for validation and checks."""
        out: list[tuple[int, object]] = []
        for i, (f, fc) in enumerate(zip(self.cset.fields, self.fields)):
            if not self.field_from_detail(i):
                out += [(fc.self_col, f.max), (fc.appraised, f.max)]
        if self.bonus:
            out += [(self.bonus, self.cset.bonus_max), (self.penalty, self.cset.penalty_max)]
        return out


# ---------------------------------------------------------------- survey sheet

@dataclass
class SurveyLayout(_DataRows):
    """Survey sheet: STT, Tên đơn vị, one column per field with survey points, total, Kiểm tra."""

    cset: CriteriaSet
    n_rows: int
    sheet: str = ""
    stt: int = 1
    name: int = 2
    fields: dict[int, int] = dc_field(default_factory=dict)  # field index -> column
    total: int = 0
    check: int = 0
    key: int = 0  # hidden: the name as sheets match it
    unmatched: int = 0  # hidden: 1 when the name matches no unit of the summary

    def __post_init__(self):
        self.sheet = survey_sheet(self.cset)
        col = 3
        for i, f in enumerate(self.cset.fields):
            if f.survey_max > 0:
                self.fields[i], col = col, col + 1
        self.total, self.check = col, col + 1
        self.key, self.unmatched = col + 2, col + 3
        self.last_col = self.unmatched

    @property
    def helper_cols(self) -> list[int]:
        return [self.key, self.unmatched]




# ---------------------------------------------------------------- detail sheet

@dataclass(frozen=True)
class IndexColumns:
    """A top criterion's columns in the detail sheet's hidden index."""

    self_col: int
    appraised: int
    blank_leaves: int  # its scored leaves without Thẩm định (scoring._leaves_missing)


@dataclass
class DetailLayout:
    """One long detail sheet: a block per unit, each a header row then every criterion in tree order.

    Why one long sheet and not a sheet per unit: 200 units would make 200 sheets (Excel caps a
    sheet name at 31 characters, unit names are longer), and every summary row would need its own
    cross-sheet references. One sheet prints as one document, and a summary row finds its block
    with a single MATCH on the unit name in column A of the block's header row, so sorting the
    summary never mixes up units. Only the header row carries the name: repeating it on each of
    the ~27 000 criterion rows of a 200-unit workbook cost a third of the build time.

    Beside the blocks, hidden, an index with one row per block (from DETAIL_FIRST_ROW): the unit's name
    as sheets match it, and for each top criterion its Tự chấm, Thẩm định and number of scored leaves
    without Thẩm định. The summary matches and reads those ~200 rows, not the whole sheet: a lookup
    over ~27 000 rows made LibreOffice revisit every formula of the sheet for each summary column.
    """

    cset: CriteriaSet
    n_units: int
    sheet: str = ""
    unit: int = 1  # A: unit name, typed in the block's header row only
    code: int = 2
    name: int = 3
    max: int = 4
    self_col: int = 5
    appraised: int = 6
    reason: int = 7  # Giải trình (of the unit)
    note: int = 8  # Ghi chú thẩm định
    check: int = 9
    last_col: int = 9  # the last visible column
    key: int = 10  # hidden index: the unit's name as sheets match it; then IndexColumns per top criterion

    def __post_init__(self):
        self.sheet = detail_sheet(self.cset)

    @cached_property
    def index(self) -> dict[str, IndexColumns]:
        """The hidden index's columns of each top criterion (by code), after `key`."""
        first = self.key + 1
        return {top.code: IndexColumns(first + 3 * i, first + 3 * i + 1, first + 3 * i + 2)
                for i, top in enumerate(self.cset.criteria)}

    @property
    def numbers(self) -> int:
        """Hidden, after the index: in each block's header row, how many of the block's typed cells (the scored
        leaves' Tự chấm and Thẩm định) hold a number. All of them: the block's Kiểm tra finds no text and the
        index counts no blank leaf without reading the cells again."""
        return self.key + 3 * len(self.cset.criteria) + 1

    @property
    def index_last_col(self) -> int:
        """The last hidden column (the index, then `numbers`)."""
        return self.numbers

    def index_row(self, k: int) -> int:
        """The index row of the k-th (0-based) block."""
        return DETAIL_FIRST_ROW + k

    def index_range(self, col: int) -> str:
        """A column of the index, one row per block: what the summary matches (the key) and reads."""
        return column_range(self.sheet, col, DETAIL_FIRST_ROW, self.index_row(self.n_units - 1))

    @cached_property
    def nodes(self) -> list[Criterion]:
        return [node for top in self.cset.criteria for node in top.walk()]

    @cached_property
    def offsets(self) -> dict[str, int]:
        """Row offset of each criterion code from its block's header row."""
        return {node.code: i for i, node in enumerate(self.nodes, start=1)}

    @property
    def block_size(self) -> int:
        return 1 + len(self.nodes)

    def block_start(self, k: int) -> int:
        """Header row of the k-th (0-based) unit block."""
        return DETAIL_FIRST_ROW + k * self.block_size

    @property
    def last_row(self) -> int:
        return self.block_start(self.n_units) - 1

    def unit_range(self) -> str:
        return self.column_range(self.unit)

    def column_range(self, col: int) -> str:
        return column_range(self.sheet, col, DETAIL_FIRST_ROW, self.last_row)


# ---------------------------------------------------------------- ranking sheet

RANKING_TITLE_ROWS = (1, 2)  # BẢNG XẾP HẠNG …, how the sheet works
RANKING_HEADER_ROWS = (3, 4)
RANKING_FIRST_ROW = 5


def ranking_sheet(cset: CriteriaSet) -> str:
    return f"Xếp hạng {level_short(cset.level)}"


@dataclass
class RankingLayout(_DataRows):
    """The live ranking: the summary's units already in rank order, by formulas (no macro).

    Hidden helper columns: `key` holds, for the summary's i-th data row, its rank plus i/(n+1) (ties
    keep the summary's order; a unit without a rank gets n+1, after every ranked unit; a row without
    a name gets ""); `position` holds, for the j-th line of the ranking, which summary row is the
    j-th smallest key. The visible columns read that row of the summary with INDEX."""

    cset: CriteriaSet
    n_rows: int  # as many lines as the summary has data rows
    summary: SummaryLayout
    sheet: str = ""
    stt: int = 1
    name: int = 2
    columns: dict[str, int] = dc_field(default_factory=dict)  # summary key -> column here
    key: int = 0
    position: int = 0

    def __post_init__(self):
        self.sheet = ranking_sheet(self.cset)
        s = self.summary
        col = 3
        for key in ("appraised_total", "survey_total", "bonus", "penalty", "total", "percent", "rank", "class_",
                    "class_after_rule"):
            if getattr(s, key) and not (key == "total" and not wording.shows_total(self.cset)):
                self.columns[key], col = col, col + 1
        self.last_col = col - 1
        self.key, self.position = col, col + 1

    @property
    def first_row(self) -> int:
        return RANKING_FIRST_ROW


# ---------------------------------------------------------------- the workbook

@dataclass
class Section:
    """One criteria set in the workbook: its summary, and its detail and survey sheets when it has them."""

    index: int  # 0-based position: PHỤ LỤC I, II, ...
    cset: CriteriaSet
    summary: SummaryLayout
    detail: DetailLayout | None
    survey: SurveyLayout | None
    ranking: RankingLayout | None = None

    @property
    def appendix(self) -> str:
        return wording.appendix_heading(self.index)

    @property
    def suffix(self) -> str:
        return name_suffix(self.cset)

    # Defined names (workbook scope) of this section: the bands on Cấu hình, the summary columns.
    def defined_name(self, what: str) -> str:
        return f"{what}_{self.suffix}"

    @property
    def bands_col(self) -> int:
        return 1 + self.index * CONFIG_BANDS_WIDTH

    def bands_range(self, offset: int) -> str:
        """'Cấu hình'!$A$13:$A$17: labels (offset 0), minima (1) or order (2) of the bands."""
        return column_range(CONFIG_SHEET, self.bands_col + offset, CONFIG_BANDS_FIRST_ROW,
                            CONFIG_BANDS_FIRST_ROW + len(self.cset.bands) - 1)

    @property
    def config_row(self) -> int:
        return CONFIG_SETS_FIRST_ROW + self.index


# Names each section defines: the bands (Cấu hình) and the summary's data columns (for UDFs, macros).
BAND_NAMES = ("BandLabel", "BandMin", "BandOrder")
COLUMN_NAMES = {"Units": "name", "Total": "total", "Rank": "rank", "Class": "class_"}


@dataclass
class WorkbookLayout:
    sections: list[Section]

    def section(self, level: str) -> Section | None:
        return next((s for s in self.sections if s.cset.level == level), None)


def district_column(cset: CriteriaSet, beside_districts: bool = False) -> bool:
    """Whether a summary lists each unit's district (Thuộc huyện, thành phố): communes before the 2025 reform,
    or communes beside a district sheet (the 2/3 rule reads it). Since 1 July 2025 a province has no
    districts: a commune set of 2025 or later has no such column."""
    return cset.level == "xa" and (beside_districts or not wording.two_tier(cset))


def workbook_layout(csets_rows: list[tuple[CriteriaSet, int]], commune_districts: bool | None = None) -> WorkbookLayout:
    """Layout for sets with their number of data rows (the builder gives units + spare rows; the
    reader gives the count stored on Cấu hình).

    One set per level; sections follow LEVEL_ORDER. The district rule is live when a district set
    with the rule and a commune set are in the same workbook. `commune_districts`: whether the commune
    summary has the district column, as Cấu hình records it (the reader); None: as `district_column` decides
    (the builder)."""
    levels = [c.level for c, _ in csets_rows]
    if len(set(levels)) != len(levels):
        raise UserError("Mỗi cấp chỉ có một bộ tiêu chí trong một bảng tính; hãy tạo tệp riêng cho từng bộ.")
    ordered = sorted(csets_rows, key=lambda cu: LEVEL_ORDER.index(cu[0].level)
                     if cu[0].level in LEVEL_ORDER else len(LEVEL_ORDER))
    has_communes = "xa" in levels
    sections = []
    for index, (cset, n_rows) in enumerate(ordered):
        districts = district_column(cset, "huyen" in levels) if commune_districts is None else commune_districts
        summary = SummaryLayout(cset, n_rows, district_col=cset.level == "xa" and districts,
                                rule_live=cset.district_rule and cset.level == "huyen" and has_communes)
        detail = DetailLayout(cset, n_rows) if cset.criteria else None
        survey = SurveyLayout(cset, n_rows) if cset.has_survey else None
        sections.append(Section(index, cset, summary, detail, survey, RankingLayout(cset, n_rows, summary)))
    return WorkbookLayout(sections)
