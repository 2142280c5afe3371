"""Totals, rounding, rank, class, district rule: the one definition every adapter uses.

Every total is rounded to the set's decimals before it is ranked or classed (34,3 + 29,9 + 15,8
is exactly 80 here, never 79,99999999999999). Scores are Decimals from start to end.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field as dc_field
from decimal import ROUND_CEILING, Decimal

from .criteria import CriteriaSet, class_rank
from .names import name_key
from .numbers import quantize


@dataclass
class FieldScores:
    """One field (lĩnh vực) of one unit; None is a blank cell, never 0."""

    self: Decimal | None = None
    appraised: Decimal | None = None
    survey: Decimal | None = None
    reason: str | None = None  # giải trình / ghi chú thẩm định
    cells: dict[str, str] = dc_field(default_factory=dict)  # kind -> "Sheet!F12", for messages


@dataclass
class CriterionScore:
    """One criterion of a unit's detail (Biểu tự đánh giá / thẩm định)."""

    self: Decimal | None = None
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


@dataclass
class HeaderMax:
    """A maximum printed in a table header, to compare with the set."""

    field_index: int | None  # None: the totals block
    kind: str  # "self", "appraised", "survey", "total"
    value: Decimal
    where: str = ""


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
    notes: list[str] = dc_field(default_factory=list)  # what the reader left out (columns not read), for the user


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


# ---------------------------------------------------------------- rules

def tolerance(addends: int, decimals: int) -> Decimal:
    """Rounding gap allowed between printed parts and a printed total: n x half a last unit."""
    return Decimal(addends) * Decimal("0.5") * Decimal(1).scaleb(-decimals)


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


def ranks(totals: list[Decimal | None]) -> list[int | None]:
    """Descending; equal totals share a rank and the next rank skips (1, 2, 2, 4)."""
    present = [t for t in totals if t is not None]
    return [None if t is None else 1 + sum(1 for o in present if o > t) for t in totals]


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


def unit_totals(unit: Unit, cset: CriteriaSet) -> tuple[Decimal | None, Decimal | None, Decimal | None, Decimal | None]:
    """(self, appraised, survey, Tổng cộng) for one unit, rounded to the set's decimals."""
    d = cset.decimals
    p = unit.printed
    self_total = total_of([f.self for f in unit.fields], p.self_total, d)
    appraised = total_of([f.appraised for f in unit.fields], p.appraised_total, d)
    has_survey = cset.has_survey or cset.totals_only  # a totals-only set reads a printed survey total
    survey = total_of([f.survey for f in unit.fields], p.survey_total, d) if has_survey else None
    if appraised is None:
        total = quantize(p.total, d) if p.total is not None else None
    else:
        parts = [appraised, survey, unit.bonus, -unit.penalty if unit.penalty is not None else None]
        total = total_of(parts, p.total, d)
    return self_total, appraised, survey, total


def score_table(cset: CriteriaSet, units: list[Unit]) -> list[Result]:
    """Results in rank order (ties keep the input order); stt is the position in that order."""
    results = []
    for unit in units:
        self_total, appraised, survey, total = unit_totals(unit, cset)
        percent = percent_of(total, cset)
        label = classify(band_basis_value(total, percent, cset), cset)
        if not cset.bands:  # no bands to class by: the printed class is kept, reported as not checked
            label = unit.printed.class_label
        need, next_label = points_to_next(total, cset)
        results.append(Result(unit, self_total, appraised, survey, total, percent,
                              class_label=label, points_to_next=need, next_class=next_label))
    for result, rank in zip(results, ranks([r.total for r in results])):
        result.rank = rank
    order = sorted(range(len(results)), key=lambda i: (results[i].rank is None, results[i].rank or 0, i))
    ordered = [results[i] for i in order]
    for stt, result in enumerate(ordered, start=1):
        result.stt = stt
    return ordered


def district_rule_class(district_class: str, commune_classes: list[str], cset: CriteriaSet) -> str:
    """Keep the class if at least 2/3 of the communes are classed the same or higher, else one lower."""
    same_or_higher = sum(1 for c in commune_classes if class_rank(c, cset) <= class_rank(district_class, cset))
    if 3 * same_or_higher >= 2 * len(commune_classes):
        return district_class
    labels = cset.band_labels()
    index = labels.index(district_class) if district_class in labels else len(labels) - 1
    return labels[min(index + 1, len(labels) - 1)]


def apply_district_rule(districts: list[Result], communes: list[Result], cset: CriteriaSet,
                        key: Callable[[str], str] = name_key) -> list[Result]:
    """Fill class_after_rule for each district that has communes in `communes`, matching a commune's
    district to a district's name by `key` (name_key for documents, exact_key for a workbook)."""
    by_district: dict[str, list[str]] = {}
    for c in communes:
        if c.unit.district and c.class_label:
            by_district.setdefault(key(c.unit.district), []).append(c.class_label)
    for d in districts:
        classes = by_district.get(key(d.unit.name))
        d.class_after_rule = (district_rule_class(d.class_label, classes, cset)
                              if classes and d.class_label else None)
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
        value = score.appraised if score.appraised is not None else score.self
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
        values = [getattr(unit.criteria.get(leaf.code) or CriterionScore(), which)
                  for leaf in top.walk() if not leaf.children and not leaf.survey]
        present = [v for v in values if v is not None]
        out.append(sum(present, Decimal(0)) if present else None)
    return out
