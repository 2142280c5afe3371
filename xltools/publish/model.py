"""Core evaluations as the official appendix (Phụ lục) and report tables: columns, header labels and
cell texts are made here once, so the .docx and .xlsx writers only lay them out.

A cell keeps both the value (Decimal/int/str, for Excel's real numbers) and the text a reader sees
("96,479": decimal comma at the set's decimals, xltools.core.numbers.format_vn).
"""
from __future__ import annotations

from dataclasses import dataclass, field as dc_field
from decimal import Decimal
from functools import cached_property

from .. import wording as W
from ..core.criteria import LEVELS, CriteriaSet
from ..core.evaluate import Evaluation
from ..core.names import NameIndex
from ..core.numbers import format_vn, format_vn_short, quantize
from ..core.scoring import Result, is_self_assessment, lost_points
from ..errors import ReadError

DOTS = W.DOTS

# Column kinds: how a value is shown and which Excel number format it gets.
TEXT, SCORE, INT, DELTA_SCORE, DELTA_INT = "text", "score", "int", "delta_score", "delta_int"


@dataclass(frozen=True)
class Column:
    key: str  # stable id: stt, name, f1.self, f1.appraised, f1.survey, self_total, ..., total, rank, class
    label: str  # second header row ("Tự chấm (9)"); the only label when group is ""
    group: str = ""  # first header row, merged over the columns that share it
    kind: str = TEXT
    bold: bool = False  # data cells in bold (Thẩm định and Tổng cộng, as the published tables)
    extra: bool = False  # not in the official layout (year over year): Excel output and report only


@dataclass(frozen=True)
class Cell:
    value: Decimal | int | str | None
    text: str


@dataclass
class DecisionInfo:
    """The "(Kèm theo Quyết định số …)" line; what is not given stays as dots, as in real drafts."""

    number: str | None = None
    date: str | None = None
    issuer: str | None = None


@dataclass
class ReportInfo:
    """The report's thể thức (Nghị định 30/2020/NĐ-CP): who issues and signs it. What is not given stays as
    dots in the draft, or takes the usual value (wording: Sở Nội vụ, Giám đốc, the province's name)."""

    parent: str | None = None  # cơ quan chủ quản: "UBND TỈNH BẮC KẠN"
    agency: str | None = None  # cơ quan ban hành: "SỞ NỘI VỤ"
    number: str | None = None  # "125" or "125/BC-SNV"
    place: str | None = None  # địa danh: "Bắc Kạn"
    date: str | None = None  # "20/12/2024"
    position: str | None = None  # quyền hạn, chức vụ: "KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC"
    signer: str | None = None  # "Nguyễn Văn A"
    recipients: list[str] = dc_field(default_factory=list)  # Nơi nhận

    FIELDS = ("parent", "agency", "number", "place", "date", "position", "signer", "recipients")

    @classmethod
    def from_mapping(cls, data: dict, source: str = "") -> ReportInfo:
        unknown = sorted(set(data) - set(cls.FIELDS))
        if unknown:
            raise ReadError(f"{source}: tệp thể thức báo cáo có khóa không biết: {', '.join(unknown)}; các khóa dùng được: "
                             f"{', '.join(cls.FIELDS)}.")
        values = {k: data[k] for k in cls.FIELDS if data.get(k) not in (None, "")}
        recipients = values.pop("recipients", [])
        if isinstance(recipients, str):
            recipients = [r for r in recipients.split(";")]
        return cls(**{k: str(v) for k, v in values.items()}, recipients=[str(r).strip() for r in recipients
                                                                          if str(r).strip()])

    def merged(self, other: ReportInfo) -> ReportInfo:
        """Fields of `other` where given, else ours (the command line over the config file)."""
        out = ReportInfo(**{k: getattr(other, k) or getattr(self, k) for k in self.FIELDS})
        return out


@dataclass(frozen=True)
class Change:
    """Year over year for one unit; delta_rank > 0 means the unit moved up."""

    previous_total: Decimal | None
    previous_rank: int | None
    delta_total: Decimal | None
    delta_rank: int | None


@dataclass
class Appendix:
    numeral: str
    heading: str  # "PHỤ LỤC I"
    title: str  # "XẾP HẠNG VÀ PHÂN LOẠI CHỈ SỐ CCHC CÁC SỞ, NGÀNH NĂM 2024"
    decision_line: str  # "(Kèm theo Quyết định số …/QĐ-UBND ngày … của UBND tỉnh Bắc Kạn)"
    year: int | None
    evaluation: Evaluation
    columns: list[Column]
    rows: list[list[Cell]]  # one per result, in rank order, aligned with columns
    changes: list[Change | None] = dc_field(default_factory=list)  # aligned with rows; [] without --previous
    previous_year: int | None = None

    @property
    def cset(self) -> CriteriaSet:
        return self.evaluation.cset

    @property
    def results(self) -> list[Result]:
        return self.evaluation.results

    @cached_property
    def ranked(self) -> int:
        """Units that take a place (not yet appraised ones take none): counted once, not once per unit."""
        return sum(1 for r in self.results if r.rank is not None)

    def column_indexes(self, official_only: bool = False, keys: list[str] | None = None) -> list[int]:
        if keys is not None:
            present = {c.key: i for i, c in enumerate(self.columns)}
            return [present[k] for k in keys if k in present]
        return [i for i, c in enumerate(self.columns) if not (official_only and c.extra)]


# ---------------------------------------------------------------- formatting

def signed(value: Decimal | int | None, decimals: int = 0) -> str:
    """'+0,265', '-1', '0' (an unchanged rank or total has no sign)."""
    if value is None:
        return ""
    text = format_vn(abs(Decimal(value)), decimals) if decimals else str(abs(int(value)))
    return ("+" if value > 0 else "-" if value < 0 else "") + text


def cell(value, kind: str, decimals: int) -> Cell:
    if value is None:
        return Cell(None, "")
    if kind == SCORE:
        return Cell(value, format_vn(value, decimals))
    if kind == DELTA_SCORE:
        return Cell(value, signed(value, decimals))
    if kind == DELTA_INT:
        return Cell(value, signed(value))
    return Cell(value, str(value))


def points(value: Decimal) -> str:
    """'2' / '0,25': points as the report writes them ('-2 điểm')."""
    return format_vn_short(value)


def decision_line(info: DecisionInfo, e: Evaluation) -> str:
    return W.decision_line(e.cset, table_year(e), info.number, info.date, info.issuer,
                           districts=[u.district for u in e.table.units], province=table_province(e))


def table_year(e: Evaluation) -> int | None:
    """The year the documents print. A set is chosen for its province and years: a title that names another
    year is a typo or the wrong set (check's set-other-table; publish_state keeps the documents a draft), so
    the set's one year is printed; the title's year when the set names none, or several that include it;
    None (dots, a draft) when nothing says which."""
    years = e.cset.years
    if e.table.year and (not years or e.table.year in years):
        return e.table.year
    return years[0] if len(years) == 1 else None


def table_province(e: Evaluation) -> str | None:
    """The province the documents name: the set's (see table_year), else the one the title names."""
    return e.cset.province or e.table.province or None


# ---------------------------------------------------------------- columns

SCORE_KEYS = ("self", "appraised", "survey", "self_total", "appraised_total", "survey_total", "bonus", "penalty",
              "total", "percent")
BOLD_KEYS = ("appraised", "appraised_total", "total")  # Thẩm định and Tổng cộng, bold as the published tables


def columns_for(e: Evaluation, previous_label: str | None = None) -> list[Column]:
    """The official layout of the set (xltools.wording.table_labels: the workbook prints the same), plus the
    year over year columns as extra columns."""
    # The 2/3-rule column prints whenever the rule applies (as the workbook shows it), also while it waits
    # for incomplete communes (district-rule-pending: blank cells, the draft lists why).
    rule = e.cset.district_rule and (any(r.class_after_rule for r in e.results)
                                     or any(f.code == "district-rule-pending" for f in e.findings))
    printed = tuple(k for k in W.TOTALS_ONLY_PART if any(getattr(r, k) is not None for r in e.results))
    cols = []
    for label in W.table_labels(e.cset, class_after_rule=rule, printed_parts=printed):
        tail = label.key.split(".")[-1]
        kind = SCORE if tail in SCORE_KEYS else INT if tail == "rank" else TEXT
        cols.append(Column(label.key, label.label, label.group, kind, bold=tail in BOLD_KEYS))
    if previous_label:
        group = f"So với {previous_label}"
        cols += [Column("previous_total", f"Tổng cộng {previous_label}", group, SCORE, extra=True),
                 Column("delta_total", "Tăng (+), giảm (-) điểm", group, DELTA_SCORE, extra=True),
                 Column("previous_rank", f"Xếp hạng {previous_label}", group, INT, extra=True),
                 Column("delta_rank", "Tăng (+), giảm (-) bậc", group, DELTA_INT, extra=True)]
    return cols


def value_of(key: str, r: Result, change: Change | None):
    if key.startswith("f"):
        index, kind = key[1:].split(".")
        return r.unit.fields[int(index) - 1].score(kind)
    simple = {"stt": r.stt, "name": r.unit.name, "self_total": r.self_total, "appraised_total": r.appraised_total,
              "survey_total": r.survey_total, "bonus": r.unit.bonus, "penalty": r.unit.penalty, "total": r.total,
              "percent": r.percent, "rank": r.rank, "class": r.class_label, "class_after_rule": r.class_after_rule}
    if key in simple:
        return simple[key]
    return getattr(change, key) if change is not None else None


# ---------------------------------------------------------------- year over year

@dataclass
class Previous:
    """Last year's results of one file, by level and unit name (found as `NameIndex` finds names: 'Phường
    Tân Lập' is not last year's 'Xã Tân Lập')."""

    year: int | None
    by_level: dict[str, dict[str, Result]]

    def __post_init__(self) -> None:
        self._names = {level: NameIndex(list(results)) for level, results in self.by_level.items()}

    @classmethod
    def from_evaluations(cls, evaluations: list[Evaluation]) -> Previous:
        by_level: dict[str, dict[str, Result]] = {}
        years = [y for y in (e.table.year or table_year(e) for e in evaluations) if y]  # last year's own title
        for e in evaluations:
            level = by_level.setdefault(e.cset.level, {})
            for r in e.results:
                level.setdefault(r.unit.name, r)
        return cls(max(years) if years else None, by_level)

    @property
    def label(self) -> str:
        return f"năm {self.year}" if self.year else "năm trước"

    def level_for(self, level: str) -> str | None:
        """The group of last year's results a table of `level` is compared with: its own level, else the tables
        whose title names no level (a table of totals needs no set: its units are found by name); None: none."""
        if level in self.by_level:
            return level
        return "" if "" in self.by_level else None

    def change(self, level: str, r: Result, decimals: int) -> Change | None:
        names = self._names.get(level)
        found = names.one(r.unit.name) if names else None
        last = self.by_level[level].get(found) if found else None
        if last is None:
            return None
        delta_total = (quantize(r.total - last.total, decimals)
                       if r.total is not None and last.total is not None else None)
        delta_rank = last.rank - r.rank if r.rank is not None and last.rank is not None else None
        return Change(last.total, last.rank, delta_total, delta_rank)


# ---------------------------------------------------------------- appendices

def level_order(e: Evaluation) -> int:
    levels = list(LEVELS)
    return levels.index(e.cset.level) if e.cset.level in levels else len(levels)


def appendices(evaluations: list[Evaluation], info: DecisionInfo | None = None,
               previous: Previous | None = None) -> list[Appendix]:
    """One appendix per table, numbered I, II, … in level order (tỉnh, sở, huyện, xã)."""
    info = info or DecisionInfo()
    out = []
    for number, e in enumerate(sorted(evaluations, key=level_order)):
        numeral = W.numeral(number)
        level = previous.level_for(e.cset.level) if previous is not None else None
        prev_year = previous.year if previous is not None and level is not None else None
        cols = columns_for(e, previous.label if previous is not None and level is not None else None)
        changes = ([previous.change(level, r, e.cset.decimals) for r in e.results]
                   if previous is not None and level is not None else [])
        rows = []
        for i, r in enumerate(e.results):
            change = changes[i] if changes else None
            rows.append([cell(value_of(c.key, r, change), c.kind, e.cset.decimals) for c in cols])
        year = table_year(e)
        out.append(Appendix(numeral, W.appendix_heading(number), W.appendix_title(e.cset, year),
                            decision_line(info, e), year, e, cols, rows,
                            changes, prev_year))
    return out


header_spans = W.header_spans


# ---------------------------------------------------------------- report pieces

@dataclass(frozen=True)
class FieldLine:
    label: str
    max: str
    self_score: str
    appraised: str
    survey: str
    survey_max: str


def field_lines(r: Result, cset: CriteriaSet) -> list[FieldLine]:
    """Per field and in total: maximum, Tự chấm, Thẩm định, ĐT XHH (with its maximum)."""
    d = cset.decimals
    lines = [FieldLine(f"{f.code}. {f.name}", format_vn_short(f.max), format_vn(s.self_score, d), format_vn(s.appraised, d),
                       format_vn(s.survey, d), format_vn_short(f.survey_max))
             for f, s in zip(cset.fields, r.unit.fields)]
    lines.append(FieldLine("Tổng điểm", format_vn_short(cset.self_max), format_vn(r.self_total, d),
                           format_vn(r.appraised_total, d), format_vn(r.survey_total, d),
                           format_vn_short(cset.survey_max)))
    return lines


@dataclass(frozen=True)
class LostField:
    label: str  # "Lĩnh vực 3. Cải cách thủ tục hành chính"
    total: Decimal
    items: list[tuple[str, str, Decimal]]  # (code, name, points lost)


def unscored_criteria(r: Result, e: Evaluation) -> list[tuple[str, str]]:
    """(code, name) of the criteria of an appraisal with no readable Thẩm định (blank, or a cell that holds
    no number): what they cost is unknown, so they are not 'no loss' (core lost_points would take the Tự chấm
    score in their place, as it should for a self-assessment)."""
    cset = e.cset
    if is_self_assessment(e.table):
        return []
    return [(leaf.code, leaf.name) for leaf in cset.leaves()
            if not leaf.survey and leaf.code in r.unit.criteria and r.unit.criteria[leaf.code].appraised is None]


def lost_by_field(r: Result, e: Evaluation) -> list[LostField]:
    """The criteria where the unit lost points (core lost_points), grouped by field; a criterion with no
    readable Thẩm định is left out (unscored_criteria)."""
    cset = e.cset
    unknown = {code for code, _ in unscored_criteria(r, e)}
    items = [it for it in lost_points(r.unit, cset) if it[0] not in unknown]
    out = []
    for f in cset.fields:
        mine = [it for it in items if it[0].split(".")[0] == f.code]
        if mine:
            out.append(LostField(f"Lĩnh vực {f.code}. {f.name}", sum((it[2] for it in mine), Decimal(0)), mine))
    return out


def class_counts(e: Evaluation, after_rule: bool = False) -> list[tuple[str, int]]:
    """Units per class, for every class of the set (0 included), best first; an incomplete unit has none."""
    labels = [(r.class_after_rule if after_rule else None) or r.class_label for r in e.results if r.complete]
    return [(b.label, labels.count(b.label)) for b in e.cset.bands]
