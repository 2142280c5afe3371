"""Core evaluations as the official appendix (Phụ lục) and report tables: columns, header labels and
cell texts are made here once, so the .docx and .xlsx writers only lay them out.

A cell keeps both the value (Decimal/int/str, for Excel's real numbers) and the text a reader sees
("96,479": decimal comma at the set's decimals, xltools.core.numbers.format_vn).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field as dc_field
from decimal import Decimal

from ..core.criteria import LEVELS, CriteriaSet
from ..core.evaluate import Evaluation
from ..core.names import name_key
from ..core.numbers import format_vn, format_vn_short, quantize
from ..core.scoring import Result, lost_points

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")

# How an appendix title names the units of a level (PHỤ LỤC I: "... CHỈ SỐ CCHC CÁC SỞ, NGÀNH NĂM 2024").
LEVEL_TITLE = {
    "tinh": "UBND TỈNH",
    "so": "CÁC SỞ, NGÀNH",
    "huyen": "CÁC HUYỆN, THÀNH PHỐ",
    "xa": "UBND CÁC XÃ, PHƯỜNG, THỊ TRẤN",
}

# How the report's title names them ("… Chỉ số cải cách hành chính các sở, ban, ngành năm 2024").
LEVEL_PHRASE = {
    "tinh": "UBND tỉnh",
    "so": "các sở, ban, ngành",
    "huyen": "UBND các huyện, thành phố",
    "xa": "UBND các xã, phường, thị trấn",
}

DOTS = "……"

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
    text = format_vn(abs(value), decimals) if decimals else str(abs(int(value)))
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


def decision_date_text(date: str | None) -> str:
    """'15/12/2024' or '2024-12-15' -> '15 tháng 12 năm 2024' (Nghị định 30: 0 before days < 10 and
    months 1, 2); other text is kept as given; nothing -> dots."""
    if not date:
        return f"{DOTS} tháng {DOTS} năm {DOTS}"
    m = re.fullmatch(r"\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*", date)
    iso = re.fullmatch(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*", date)
    if not (m or iso):
        return date.strip()
    day, month, year = (int(x) for x in (m.groups() if m else reversed(iso.groups())))
    day_text = f"{day:02d}" if day < 10 else str(day)
    month_text = f"{month:02d}" if month < 3 else str(month)
    return f"{day_text} tháng {month_text} năm {year}"


def default_issuer(e: Evaluation) -> str:
    """UBND of the district for a commune table of one district, else of the province."""
    districts = {u.district for u in e.table.units if u.district}
    if e.cset.level == "xa" and len(districts) == 1:
        return f"UBND {districts.pop()}"
    province = e.table.province or e.cset.province
    return f"UBND tỉnh {province}" if province else DOTS


def decision_line(info: DecisionInfo, e: Evaluation) -> str:
    number = (info.number or "").strip() or DOTS
    if "/" not in number:
        number = f"{number}/QĐ-UBND"
    issuer = (info.issuer or "").strip() or default_issuer(e)
    return f"(Kèm theo Quyết định số {number} ngày {decision_date_text(info.date)} của {issuer})"


def table_year(e: Evaluation) -> int | None:
    if e.table.year:
        return e.table.year
    return e.cset.years[0] if len(e.cset.years) == 1 else None


# ---------------------------------------------------------------- columns

def columns_for(e: Evaluation, previous_label: str | None = None) -> list[Column]:
    """The official layout of the set: per field Tự chấm/Thẩm định(/ĐT XHH), the totals block,
    Xếp hạng, Xếp loại (+ the district rule, + year over year as extra columns)."""
    cset = e.cset
    cols = [Column("stt", "STT"), Column("name", "TÊN ĐƠN VỊ")]
    survey = cset.has_survey
    for i, f in enumerate(cset.fields, start=1):
        mx, smx = format_vn_short(f.max), format_vn_short(f.survey_max)
        if survey:
            cols += [Column(f"f{i}.self", f"Tự chấm ({mx})", f.name, SCORE),
                     Column(f"f{i}.appraised", f"Thẩm định ({mx})", f.name, SCORE, bold=True),
                     Column(f"f{i}.survey", f"ĐT XHH ({smx})", f.name, SCORE)]
        else:
            group = f"{f.name} (Tối đa {mx} điểm)"
            cols += [Column(f"f{i}.self", "Tự chấm", group, SCORE),
                     Column(f"f{i}.appraised", "Thẩm định", group, SCORE, bold=True)]
    smax, vmax, total_max = (format_vn_short(x) for x in (cset.self_max, cset.survey_max, cset.max_total))
    if survey:
        totals, ranking = "Tổng điểm", "Xếp hạng, phân loại"
        cols += [Column("self_total", f"Tự chấm ({smax})", totals, SCORE),
                 Column("appraised_total", f"Thẩm định ({smax})", totals, SCORE, bold=True),
                 Column("survey_total", f"ĐT XHH ({vmax})", totals, SCORE)]
    else:
        totals, ranking = f"Tổng điểm (Tối đa {total_max} điểm)", "Kết quả xếp hạng và phân loại"
        cols += [Column("self_total", "Tự chấm", totals, SCORE),
                 Column("appraised_total", "Thẩm định", totals, SCORE, bold=True)]
    if cset.has_bonus:
        cols += [Column("bonus", f"Điểm thưởng ({format_vn_short(cset.bonus_max or 0)})", totals, SCORE),
                 Column("penalty", f"Điểm trừ ({format_vn_short(cset.penalty_max or 0)})", totals, SCORE)]
    if survey or cset.has_bonus:
        cols.append(Column("total", f"Tổng cộng ({total_max})", ranking, SCORE, bold=True))
    if cset.max_total != 100:
        cols.append(Column("percent", "Tỷ lệ (%)", ranking, SCORE))
    cols += [Column("rank", "Xếp hạng", ranking, INT), Column("class", "Xếp loại", ranking)]
    if cset.district_rule and any(r.class_after_rule for r in e.results):
        cols.append(Column("class_after_rule", "Xếp loại sau quy tắc 2/3 số xã", ranking))
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
        return getattr(r.unit.fields[int(index) - 1], kind)
    simple = {"stt": r.stt, "name": r.unit.name, "self_total": r.self_total, "appraised_total": r.appraised_total,
              "survey_total": r.survey_total, "bonus": r.unit.bonus, "penalty": r.unit.penalty, "total": r.total,
              "percent": r.percent, "rank": r.rank, "class": r.class_label, "class_after_rule": r.class_after_rule}
    if key in simple:
        return simple[key]
    return getattr(change, key) if change is not None else None


# ---------------------------------------------------------------- year over year

@dataclass
class Previous:
    """Last year's results of one file, by level and unit name key."""

    year: int | None
    by_level: dict[str, dict[str, Result]]

    @classmethod
    def from_evaluations(cls, evaluations: list[Evaluation]) -> Previous:
        by_level: dict[str, dict[str, Result]] = {}
        years = [table_year(e) for e in evaluations if table_year(e)]
        for e in evaluations:
            level = by_level.setdefault(e.cset.level, {})
            for r in e.results:
                level.setdefault(name_key(r.unit.name), r)
        return cls(max(years) if years else None, by_level)

    @property
    def label(self) -> str:
        return f"năm {self.year}" if self.year else "năm trước"

    def change(self, level: str, r: Result, decimals: int) -> Change | None:
        last = self.by_level.get(level, {}).get(name_key(r.unit.name))
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
        numeral = ROMAN[number] if number < len(ROMAN) else str(number + 1)
        prev_level = previous is not None and e.cset.level in previous.by_level
        prev_year = previous.year if prev_level else None
        cols = columns_for(e, previous.label if prev_level else None)
        changes = [previous.change(e.cset.level, r, e.cset.decimals) for r in e.results] if prev_level else []
        rows = []
        for i, r in enumerate(e.results):
            change = changes[i] if changes else None
            rows.append([cell(value_of(c.key, r, change), c.kind, e.cset.decimals) for c in cols])
        year = table_year(e)
        title = (f"XẾP HẠNG VÀ PHÂN LOẠI CHỈ SỐ CCHC {LEVEL_TITLE.get(e.cset.level, e.cset.level_label.upper())} "
                 f"NĂM {year or DOTS}")
        out.append(Appendix(numeral, f"PHỤ LỤC {numeral}", title, decision_line(info, e), year, e, cols, rows,
                            changes, prev_year))
    return out


def header_spans(columns: list[Column]) -> list[tuple[str, int, int]]:
    """(group label, first, last) for runs of columns sharing a group; ('', i, i) for single columns,
    whose label spans both header rows."""
    spans: list[tuple[str, int, int]] = []
    for i, c in enumerate(columns):
        if c.group and spans and spans[-1][0] == c.group and spans[-1][2] == i - 1:
            spans[-1] = (c.group, spans[-1][1], i)
        else:
            spans.append((c.group, i, i))
    return spans


# ---------------------------------------------------------------- report pieces

@dataclass(frozen=True)
class FieldLine:
    label: str
    max: str
    self: str
    appraised: str
    survey: str
    survey_max: str


def field_lines(r: Result, cset: CriteriaSet) -> list[FieldLine]:
    """Per field and in total: maximum, Tự chấm, Thẩm định, ĐT XHH (with its maximum)."""
    d = cset.decimals
    lines = [FieldLine(f"{f.code}. {f.name}", format_vn_short(f.max), format_vn(s.self, d), format_vn(s.appraised, d),
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


def lost_by_field(r: Result, cset: CriteriaSet) -> list[LostField]:
    """The criteria where the unit lost points (core lost_points), grouped by field."""
    items = lost_points(r.unit, cset)
    out = []
    for f in cset.fields:
        mine = [it for it in items if it[0].split(".")[0] == f.code]
        if mine:
            out.append(LostField(f"Lĩnh vực {f.code}. {f.name}", sum((it[2] for it in mine), Decimal(0)), mine))
    return out


def class_counts(e: Evaluation, after_rule: bool = False) -> list[tuple[str, int]]:
    """Units per class, for every class of the set (0 included), best first."""
    labels = [(r.class_after_rule if after_rule else None) or r.class_label for r in e.results]
    return [(b.label, labels.count(b.label)) for b in e.cset.bands]
