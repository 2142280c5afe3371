"""Totals, rounding, rank, class, district rule: the one definition every adapter uses.

Every total is rounded to the set's decimals before it is ranked or classed (34,3 + 29,9 + 15,8
is exactly 80 here, never 79,99999999999999). Scores are Decimals from start to end.
"""
from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field as dc_field
from decimal import ROUND_CEILING, Decimal

from .criteria import CriteriaSet, Criterion, class_rank
from .names import name_key
from .numbers import quantize


@dataclass
class CellProblem:
    """A cell of a unit whose content cannot be taken as it stands: text where a score goes ("8,5" typed
    as text, "mười"), a date, or a number typed over a formula. The unit is incomplete until it is fixed.

    `what` is the score kind ("self", "appraised", "survey", "bonus", "penalty") or, for a formula
    typed over, the column's label ("Tổng cộng", "Xếp hạng"); `field` indexes the set's fields (None:
    a cell of the unit itself); `criterion` is the code when the cell is in the criteria detail."""

    kind: str  # TEXT, DATE, BOOL, OVER_FORMULA or OUTSIDE (a unit typed below the table's formula rows)
    what: str
    found: str  # the cell's content, as text
    cell: str = ""  # "Sheet!F12"
    field: int | None = None
    criterion: str = ""
    reason: str = ""  # why the text is no number, when the reader knows better than "not a number" ("1.055")

    @property
    def unreadable(self) -> bool:
        """A cell that holds no score (text, a date, true/false), read as blank; not a typed-over formula or a unit
        below the table."""
        return self.kind in (TEXT, DATE, BOOL)


TEXT, DATE, BOOL, OVER_FORMULA, OUTSIDE = "text", "date", "bool", "over-formula", "outside-table"


@dataclass(frozen=True)
class Gap:
    """Why a unit is not complete (Result.missing): a blank Thẩm định or ĐT XHH of a field, a score
    outside 0..max, a cell that holds no score, or no total at all."""

    kind: str  # MISSING_APPRAISED, MISSING_SURVEY, INVALID, NO_TOTAL
    field: str = ""  # the field's name ("" for the unit as a whole)
    cell: str = ""


MISSING_APPRAISED, MISSING_SURVEY, INVALID, NO_TOTAL = "appraised", "survey", "invalid", "total"


def _attribute(kind: str) -> str:
    return "self_score" if kind == "self" else kind


class ScoresByKind:
    """Scores addressed by the kind words that cells, findings and --json use ("self", "appraised",
    "survey"); the attribute of "self" is `self_score`."""

    def score(self, kind: str) -> Decimal | None:
        value: Decimal | None = getattr(self, _attribute(kind))
        return value

    def set_score(self, kind: str, value: Decimal | None) -> None:
        setattr(self, _attribute(kind), value)


@dataclass
class FieldScores(ScoresByKind):
    """One field (lĩnh vực) of one unit; None is a blank cell, never 0."""

    self_score: Decimal | None = None
    appraised: Decimal | None = None
    survey: Decimal | None = None
    reason: str | None = None  # giải trình / ghi chú thẩm định
    cells: dict[str, str] = dc_field(default_factory=dict)  # kind -> "Sheet!F12", for messages


@dataclass
class CriterionScore(ScoresByKind):
    """One criterion of a unit's detail (Biểu tự đánh giá / thẩm định)."""

    self_score: Decimal | None = None
    appraised: Decimal | None = None
    reason: str = ""  # Giải trình of the unit
    note: str = ""  # Ghi chú thẩm định


@dataclass
class Printed:
    """What a published table printed for a unit: kept to be checked, never trusted blindly."""

    stt: int | None = None
    self_total: Decimal | None = None
    appraised_total: Decimal | None = None
    survey_total: Decimal | None = None
    total: Decimal | None = None
    rank: int | None = None
    class_label: str | None = None
    class_after_rule: str | None = None


@dataclass
class Unit:
    name: str
    fields: list[FieldScores]
    district: str | None = None
    bonus: Decimal | None = None
    penalty: Decimal | None = None
    printed: Printed = dc_field(default_factory=Printed)
    where: str = ""  # where the unit's row is in its source, for messages
    criteria: dict[str, CriterionScore] = dc_field(default_factory=dict)
    problems: list[CellProblem] = dc_field(default_factory=list)  # cells that hold no usable score
    # the detail's input cells by criterion code, blank or not: code -> kind ("self", "appraised", "note") -> "Sheet!F12"
    criterion_cells: Mapping[str, Mapping[str, str]] = dc_field(default_factory=dict)


@dataclass
class HeaderMax:
    """A maximum printed in a table header, to compare with the set."""

    field_index: int | None  # None: the totals block
    kind: str  # "self", "appraised", "survey", "total"
    value: Decimal
    where: str = ""


@dataclass
class StrayRow:
    """A row of another sheet (ĐT XHH, detail) whose unit name matches no unit of the summary, or that has
    scores and no name at all, or a name an earlier row has: its scores count nowhere until the name is fixed."""

    name: str
    sheet: str
    where: str  # "ĐT XHH Sở!B9"
    twin: str = ""  # where a summary name that looks the same sits, when only invisible characters differ
    # a row or block with scores but no unit name (name ""), or a name already given to the row or block at `first`
    # (which the summary takes): its score cells that hold something ("Chi tiết Xã!F175")
    cells: tuple[str, ...] = ()
    first: str = ""


@dataclass
class UnitsTable:
    units: list[Unit]
    level: str | None = None
    title: str = ""
    source: str = ""  # file name
    sheet: str = ""  # sheet or appendix name
    year: int | None = None
    province: str = ""
    has_reasons: bool = False
    header_maxima: list[HeaderMax] = dc_field(default_factory=list)
    field_names: list[str] = dc_field(default_factory=list)  # as the document wrote them
    exact_names: bool = False  # a workbook: its formulas match names as exact text (names.exact_key)
    strays: list[StrayRow] = dc_field(default_factory=list)  # rows of other sheets that match no unit
    notes: list[str] = dc_field(default_factory=list)  # what the reader left out (columns not read), for the user
    remarks: list[tuple[str, str]] = dc_field(default_factory=list)  # (finding code, text): what the reader decided (fields, groups)
    numbers_as_text: list[str] = dc_field(default_factory=list)  # score cells a spreadsheet holds as text: "ô F12 '65,0'"


@dataclass
class Result:
    unit: Unit
    self_total: Decimal | None
    appraised_total: Decimal | None
    survey_total: Decimal | None
    total: Decimal | None
    percent: Decimal | None
    rank: int | None = None
    class_label: str | None = None
    class_after_rule: str | None = None
    points_to_next: Decimal | None = None
    next_class: str | None = None
    stt: int | None = None
    missing: list[Gap] = dc_field(default_factory=list)  # empty: complete, ranked and classed

    @property
    def complete(self) -> bool:
        return not self.missing


# ---------------------------------------------------------------- rules

def tolerance(addends: int, decimals: int) -> Decimal:
    """Rounding gap allowed between printed parts and a printed total: n x half a last unit."""
    return Decimal(addends) * Decimal("0.5") * Decimal(1).scaleb(-decimals)


def sum_beyond(parts: list[Decimal], printed: Decimal, decimals: int, addends: int | None = None) -> Decimal | None:
    """The parts' exact sum when a printed total is further from it than rounding explains (`addends` rounded
    parts, each half a last unit off; default: every part), else None."""
    exact = sum(parts, Decimal(0))
    return exact if abs(printed - exact) > tolerance(len(parts) if addends is None else addends, decimals) else None


def total_of(parts: list[Decimal | None], printed: Decimal | None, decimals: int) -> Decimal | None:
    """Sum of the present parts, rounded; a printed total within rounding tolerance is kept
    (it was computed from unrounded parts, so it is the more precise number)."""
    present = [p for p in parts if p is not None]
    if not present:
        return quantize(printed, decimals) if printed is not None else None
    exact = sum(present, Decimal(0))
    if printed is not None and abs(printed - exact) <= tolerance(len(present), decimals):
        return quantize(printed, decimals)
    return quantize(exact, decimals)


def classify(value: Decimal | None, cset: CriteriaSet) -> str | None:
    """The class (Xếp loại) of a rounded total, or of its percentage when the set bands on percent."""
    if value is None:
        return None
    for band in cset.bands:
        if value >= band.min:
            return band.label
    return cset.bands[-1].label if cset.bands else None


def band_basis_value(total: Decimal | None, percent: Decimal | None, cset: CriteriaSet) -> Decimal | None:
    return percent if cset.bands_basis == "percent" else total


def percent_of(total: Decimal | None, cset: CriteriaSet) -> Decimal | None:
    if total is None or not cset.max_total:
        return None
    return quantize(total * 100 / cset.max_total, cset.decimals)


def rank_among(pool: list[Decimal | None]) -> Callable[[Decimal | None], int | None]:
    """The rank of a total among the totals of `pool`: 1 + how many of them are greater, so equal totals
    share a rank and the next rank skips (1, 2, 2, 4). The pool is sorted once; each rank is a bisection."""
    ordered = sorted(t for t in pool if t is not None)
    return lambda total: None if total is None else 1 + len(ordered) - bisect_right(ordered, total)


def ranks(totals: list[Decimal | None]) -> list[int | None]:
    """Descending; equal totals share a rank and the next rank skips (1, 2, 2, 4)."""
    rank = rank_among(totals)
    return [rank(t) for t in totals]


def points_to_next(total: Decimal | None, cset: CriteriaSet) -> tuple[Decimal | None, str | None]:
    """Points a unit needs to reach the next class up, and that class; (None, None) at the top."""
    if total is None or not cset.bands:
        return None, None
    label = classify(band_basis_value(total, percent_of(total, cset), cset), cset)
    labels = cset.band_labels()
    if label is None or labels.index(label) == 0:  # no class (a set without a maximum), or the top one
        return None, None
    index = labels.index(label)
    upper = cset.bands[index - 1]
    threshold = upper.min
    if cset.bands_basis == "percent":
        # smallest total (at the set's decimals) whose rounded percentage reaches the band
        step = Decimal(1).scaleb(-cset.decimals)
        threshold = (upper.min * cset.max_total / 100).quantize(step, rounding=ROUND_CEILING)
        while percent_of(threshold, cset) < upper.min:  # type: ignore[operator]  # max_total > 0: a class
            threshold += step
        while threshold - step >= 0 and percent_of(threshold - step, cset) >= upper.min:  # type: ignore[operator]
            threshold -= step
    return quantize(max(threshold - total, Decimal(0)), cset.decimals), upper.label


def is_self_assessment(table: UnitsTable) -> bool:
    """One unit's self-assessment (Biểu tự đánh giá): self scores only, nothing appraised. It is shown as
    that unit's totals, never as a ranking of one."""
    if len(table.units) != 1:
        return False
    unit = table.units[0]
    return (any(f.self_score is not None for f in unit.fields) and all(f.appraised is None for f in unit.fields)
            and unit.printed.appraised_total is None and unit.printed.total is None)


@dataclass
class SelfSummary:
    """A self-assessment as far as it goes: the self total, its share of the maximum, and what the
    survey still has to bring (its points are missing until the survey is done)."""

    self_total: Decimal
    self_max: Decimal
    survey_max: Decimal
    survey_total: Decimal | None
    so_far: Decimal  # self + survey present, out of the set's maximum total
    percent: Decimal | None
    next_class: str | None
    points_to_next: Decimal | None


def self_summary(result: Result, cset: CriteriaSet) -> SelfSummary:
    assert result.self_total is not None  # a self-assessment has its self scores (is_self_assessment)
    so_far = quantize(result.self_total + (result.survey_total or 0), cset.decimals)
    need, label = points_to_next(so_far, cset)
    return SelfSummary(result.self_total, cset.self_max, cset.survey_max, result.survey_total, so_far,
                       percent_of(so_far, cset), label, need)


def unit_totals(unit: Unit, cset: CriteriaSet) -> tuple[Decimal | None, Decimal | None, Decimal | None, Decimal | None]:
    """(self, appraised, survey, Tổng cộng) for one unit, rounded to the set's decimals."""
    d = cset.decimals
    p = unit.printed
    self_total = total_of([f.self_score for f in unit.fields], p.self_total, d)
    appraised = total_of([f.appraised for f in unit.fields], p.appraised_total, d)
    has_survey = cset.has_survey or cset.totals_only  # a totals-only set reads a printed survey total
    survey = total_of([f.survey for f in unit.fields], p.survey_total, d) if has_survey else None
    if appraised is None:
        total = quantize(p.total, d) if p.total is not None else None
    else:
        parts = [appraised, survey, unit.bonus, -unit.penalty if unit.penalty is not None else None]
        total = total_of(parts, p.total, d)
    return self_total, appraised, survey, total


def in_range(value: Decimal, top: Decimal | None) -> bool:
    return top is None or 0 <= value <= top


def gaps(unit: Unit, cset: CriteriaSet, total: Decimal | None, expect_fields: bool | None = None,
         field_kinds: frozenset[str] = frozenset()) -> list[Gap]:
    """What keeps a unit from being ranked and classed; empty when it is complete.

    A unit is complete when every field has its Thẩm định (every scored leaf of the detail, where the
    unit has one) and, where the field has survey points, its ĐT XHH, and no cell of the unit holds
    text or a date where a score goes. `expect_fields` (an appraisal workbook, as `check_table`'s
    expect_appraised): every unit needs all its field scores, and a score outside 0..max keeps it
    out too until it is retyped. A published document may print totals instead of field scores:
    there a kind whose fields are all blank is covered by its printed total (or by Tổng cộng, except ĐT XHH
    when other rows print it per field: `field_kinds`), a score outside 0..max is reported (checks.py) but
    does not unrank what the document ranked.
    """
    names = [f.name for f in cset.fields]
    bad = {(p.field, p.what) for p in unit.problems}
    out = [Gap(INVALID, names[p.field] if p.field is not None and p.field < len(names) else p.what, p.cell)
           for p in unit.problems]
    strict = bool(expect_fields)
    p = unit.printed
    fields = list(zip(cset.fields, unit.fields))
    appraised_printed = not strict and (p.appraised_total is not None or p.total is not None) \
        and all(s.appraised is None for _, s in fields)
    survey_printed = not strict and (p.survey_total is not None or (
        p.total is not None and "survey" not in field_kinds and all(s.survey is None for _, s in fields)))
    if not strict and not fields or not strict and appraised_printed and survey_printed and not unit.criteria:
        return out + ([Gap(NO_TOTAL, "", unit.where)] if total is None else [])
    leaves_missing = _leaves_missing(unit, cset)
    overflow = leaves_out_of_range(unit, cset) if strict else []
    overflowing = overflowed_fields(overflow)
    for i, (f, s) in enumerate(fields):
        # a field scored by the survey alone (max 0: 'Tác động đến người dân…') has nothing to appraise
        if f.max > 0 and (s.appraised is None or f.code in leaves_missing) and (i, "appraised") not in bad \
                and not appraised_printed:
            blank = leaves_missing.get(f.code)  # the detail's first blank input cell, not the field's formula row
            cell = blank and unit.criterion_cells.get(blank[0].code, {}).get("appraised")
            out.append(Gap(MISSING_APPRAISED, f.name, cell or s.cells.get("appraised", "")))
        if cset.has_survey and f.survey_max > 0 and s.survey is None and (i, "survey") not in bad \
                and not survey_printed:
            out.append(Gap(MISSING_SURVEY, f.name, s.cells.get("survey", "")))
        if strict:
            for kind, value, top in (("self", s.self_score, f.max), ("appraised", s.appraised, f.max),
                                     ("survey", s.survey, f.survey_max)):
                if value is not None and not in_range(value, top) and (f.code, kind) not in overflowing:
                    out.append(Gap(INVALID, f.name, s.cells.get(kind, "")))
    # the workbook's detail block: a leaf outside 0..its maximum, as its Kiểm tra, at the leaf's cell (its field's
    # total, over the field's maximum because of it, is no second gap)
    field_names = {f.code: f.name for f in cset.fields}
    for root, leaf, kind, _ in overflow:
        out.append(Gap(INVALID, field_names.get(root.code, root.name), unit.criterion_cells.get(leaf.code, {}).get(kind, "")))
    if strict:
        for extra, limit, label in ((unit.bonus, cset.bonus_max, "Điểm thưởng"),
                                    (unit.penalty, cset.penalty_max, "Điểm trừ")):
            if extra is not None and not in_range(extra, limit):
                out.append(Gap(INVALID, label))
    if not out and total is None:
        out.append(Gap(NO_TOTAL, "", unit.where))
    return out


def _leaves_missing(unit: Unit, cset: CriteriaSet) -> dict[str, list[Criterion]]:
    """The fields whose detail (when the unit has one) still has scored leaves without Thẩm định: field code ->
    those leaves, in the set's order."""
    if not unit.criteria and not unit.criterion_cells:
        return {}
    out: dict[str, list[Criterion]] = {}
    for top in cset.criteria:
        blank = blank_leaves(unit, top)
        if blank:
            out[top.code] = blank
    return out


def blank_leaves(unit: Unit, top: Criterion) -> list[Criterion]:
    """The scored leaves under a criterion of the set whose Thẩm định is blank in the unit's detail."""
    return [leaf for leaf in top.walk() if not leaf.children and not leaf.survey
            and (unit.criteria.get(leaf.code) or CriterionScore()).appraised is None]


def overflowed_fields(overflow: list[tuple[Criterion, Criterion, str, Decimal]]) -> set[tuple[str, str]]:
    """(field code, kind) of the fields over their maximum because a leaf of theirs is (`leaves_out_of_range`): the
    leaf's cell is the one to fix, the field's total is no second problem."""
    return {(root.code, kind) for root, _, kind, _ in overflow}


def leaves_out_of_range(unit: Unit, cset: CriteriaSet) -> list[tuple[Criterion, Criterion, str, Decimal]]:
    """(top criterion, leaf, kind, value) of each leaf score of the unit's detail outside 0..the leaf's maximum."""
    out: list[tuple[Criterion, Criterion, str, Decimal]] = []
    for root in cset.criteria:
        for leaf in root.walk():
            score = unit.criteria.get(leaf.code)
            if leaf.children or score is None:
                continue
            out += [(root, leaf, kind, value) for kind, value in (("self", score.self_score), ("appraised", score.appraised))
                    if value is not None and not in_range(value, leaf.max)]
    return out


def score_table(cset: CriteriaSet, units: list[Unit], expect_fields: bool | None = None) -> list[Result]:
    """Results in rank order (ties keep the input order); stt is the position in that order.

    Only complete units (`gaps`) are ranked and classed, among themselves; an incomplete unit keeps
    its running totals, with rank, class and points to the next class None, and `missing` saying why.
    Incomplete units come after the ranked ones, in input order."""
    results = []
    parts = [k for k in _PARTS if any(getattr(u.printed, k) is not None for u in units)] if cset.totals_only else []
    # ĐT XHH printed per field on other rows: a row with none of them lacks its survey (Thẩm định is not asked
    # the same: a report gives one unit's per-field Thẩm định in prose and only the totals of the others)
    field_kinds = frozenset(["survey"] if any(s.survey is not None for u in units for s in u.fields) else [])
    for unit in units:
        self_total, appraised, survey, total = unit_totals(unit, cset)
        percent = percent_of(total, cset)
        result = Result(unit, self_total, appraised, survey, total, percent,
                        missing=gaps(unit, cset, total, expect_fields, field_kinds) + blank_parts(unit, parts))
        if result.complete:
            result.class_label = classify(band_basis_value(total, percent, cset), cset)
            if not cset.bands:  # no bands to class by: the printed class is kept, reported as not checked
                result.class_label = unit.printed.class_label
            result.points_to_next, result.next_class = points_to_next(total, cset)
        results.append(result)
    for result, rank in zip(results, ranks([r.total if r.complete else None for r in results])):
        result.rank = rank
    order = sorted(range(len(results)), key=lambda i: (results[i].rank is None, results[i].rank or 0, i))
    ordered = [results[i] for i in order]
    for stt, result in enumerate(ordered, start=1):
        result.stt = stt
    return ordered


_PARTS = {"appraised_total": MISSING_APPRAISED, "survey_total": MISSING_SURVEY}  # the parts of Tổng cộng


def blank_parts(unit: Unit, parts: list[str]) -> list[Gap]:
    """A table of totals that prints Thẩm định and ĐT XHH columns: a unit with one of them and the other
    blank is not complete (its Tổng cộng would be the sum of one part)."""
    values = {k: getattr(unit.printed, k) for k in parts}
    if len(values) < 2 or all(v is None for v in values.values()):
        return []
    return [Gap(_PARTS[k], "", unit.where) for k, v in values.items() if v is None]


def district_rule_class(district_class: str, commune_classes: list[str], cset: CriteriaSet) -> str:
    """Keep the class if at least 2/3 of the communes are classed the same or higher, else one lower."""
    same_or_higher = sum(1 for c in commune_classes if class_rank(c, cset) <= class_rank(district_class, cset))
    if 3 * same_or_higher >= 2 * len(commune_classes):
        return district_class
    labels = cset.band_labels()
    index = labels.index(district_class) if district_class in labels else len(labels) - 1
    return labels[min(index + 1, len(labels) - 1)]


def communes_of(district: Result, communes: list[Result], key: Callable[[str], str] = name_key) -> list[Result]:
    """The communes whose district column names this district (by `key`)."""
    name = key(district.unit.name)
    return [c for c in communes if c.unit.district and key(c.unit.district) == name]


def apply_district_rule(districts: list[Result], communes: list[Result], cset: CriteriaSet,
                        key: Callable[[str], str] = name_key) -> list[Result]:
    """Fill class_after_rule for each district that has communes in `communes`, matching a commune's
    district to a district's name by `key` (name_key for documents, exact_key for a workbook).

    The rule counts every commune of the district, so it waits for all of them: while one of them is
    incomplete (not classed), or the district itself is, class_after_rule stays None
    (checks.district_rule_notes says which communes it waits for)."""
    for d in districts:
        classes = [c.class_label for c in communes_of(d, communes, key)]
        classed = [c for c in classes if c]
        d.class_after_rule = (district_rule_class(d.class_label, classed, cset)
                              if classes and d.class_label and len(classed) == len(classes) else None)
    return districts


def lost_points(unit: Unit, cset: CriteriaSet) -> list[tuple[str, str, Decimal]]:
    """The leaf criteria where a unit lost points: (code, name, points lost), from its detail.

    Points lost are max minus the appraised score (or the self score where nothing is appraised);
    survey-scored criteria are not lost points of the unit.
    """
    lost = []
    for leaf in cset.leaves():
        if leaf.survey:
            continue
        score = unit.criteria.get(leaf.code)
        if score is None:
            continue
        value = score.appraised if score.appraised is not None else score.self_score
        if value is not None and value < leaf.max:
            lost.append((leaf.code, leaf.name, leaf.max - value))
    return lost


def criteria_field_scores(unit: Unit, cset: CriteriaSet, which: str) -> list[Decimal | None]:
    """Field totals rolled up from the leaf criteria of the detail ('self' or 'appraised')."""
    out: list[Decimal | None] = []
    for f in cset.fields:
        top = next((c for c in cset.criteria if c.code == f.code), None)
        if top is None:
            out.append(None)
            continue
        values = [(unit.criteria.get(leaf.code) or CriterionScore()).score(which)
                  for leaf in top.walk() if not leaf.children and not leaf.survey]
        present = [v for v in values if v is not None]
        out.append(sum(present, Decimal(0)) if present else None)
    return out
