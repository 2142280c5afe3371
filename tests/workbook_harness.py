"""Drive a generated appraisal workbook in LibreOffice the way an appraiser does, and read it back.

Shared by the live workbook tests and benchmarks/bench_workbook.py. Positions come from the layout
contract (xltools.workbook.layout), never from hard-coded cells.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from xltools.core.criteria import CriteriaSet, from_dict
from xltools.core.numbers import quantize, to_decimal
from xltools.core.scoring import CriterionScore, FieldScores, Unit, criteria_field_scores
from xltools.workbook import layout as L
from xltools.workbook.formulas import INCOMPLETE, RULE_PENDING


def cell(col: int, row: int) -> str:
    return f"{L.col_letter(col)}{row}"


def _random_score(rng: random.Random, top: Decimal, decimals: int) -> Decimal:
    step = Decimal(1).scaleb(-decimals)
    return Decimal(rng.randint(0, int(top / step))) * step


def make_units(cset: CriteriaSet, n: int, seed: int, prefix: str = "Đơn vị",
               districts: list[str] | None = None) -> list[Unit]:
    """Random units with the edge cases up front: 0 all maxima, 1 a tie with 0, 2 all zeros,
    3 one field (or leaf) not yet appraised, 4 nothing appraised (no total, no rank)."""
    rng = random.Random(seed)
    d = min(cset.decimals, 3)
    leaves = [leaf for leaf in cset.leaves() if not leaf.survey]
    units = []
    for i in range(n):
        name = f"{prefix} {i + 1:03d} – Phường Đức Xuân"
        fields, criteria = [], {}

        def pick(top: Decimal, decimals: int = d, i: int = i) -> Decimal:
            if i in (0, 1):
                return top
            if i == 2:
                return Decimal(0)
            return _random_score(rng, top, decimals)

        if cset.criteria:
            for j, leaf in enumerate(leaves):
                appraised = pick(leaf.max, 2)
                self_score = min(leaf.max, appraised + _random_score(rng, Decimal("0.5"), 2))
                if (i == 3 and j == 0) or i == 4:
                    appraised = None
                criteria[leaf.code] = CriterionScore(self_score=self_score, appraised=appraised)
        for k, f in enumerate(cset.fields):
            appraised = pick(f.max)
            self_score = min(f.max, appraised + _random_score(rng, Decimal(1), d))
            if (i == 3 and k == 0) or i == 4:
                appraised = None
            survey = pick(f.survey_max, 3) if f.survey_max else None
            fields.append(FieldScores(self_score=self_score, appraised=appraised, survey=survey))
        unit = Unit(name=name, fields=fields, criteria=criteria)
        if cset.criteria:
            selfs = criteria_field_scores(unit, cset, "self")
            appraised = criteria_field_scores(unit, cset, "appraised")
            for k, f in enumerate(cset.fields):
                if any(c.code == f.code for c in cset.criteria):
                    fields[k].self_score, fields[k].appraised = selfs[k], appraised[k]
        if cset.has_bonus:
            unit.bonus = pick(cset.bonus_max or Decimal(0)) if cset.bonus_max else None
            unit.penalty = _random_score(rng, cset.penalty_max, d) if cset.penalty_max and i > 4 else None
        if districts:
            unit.district = districts[i % len(districts)]
        units.append(unit)
    return units


def typed_workbook(path, set_id: str, units: int, seed: int, districts: int = 0):
    """An appraisal workbook as `xltools template` makes it, with `units` communes' random typed scores
    (`districts` > 0: spread over that many districts); for the macro tests and the benchmarks."""
    from xltools import catalog
    from xltools.workbook.builder import SectionInput, build_file

    cset = catalog.get(set_id)
    names = [f"Huyện {i}" for i in range(1, districts + 1)] or None
    build_file([SectionInput(cset, make_units(cset, units, seed=seed, prefix="Xã", districts=names))], path,
               with_appraised=True)
    return path


def type_units(doc, section: L.Section, units: list[Unit], with_appraised: bool = True) -> None:
    """Type names and scores cell by cell into blank rows. Survey rows and detail blocks are filled
    in reverse order, to prove the summary finds them by name."""
    lay = section.summary
    n = len(units)
    for i, unit in enumerate(units):
        row = lay.first_row + i
        doc.set_value(lay.sheet, cell(lay.name, row), unit.name)
        if lay.district and unit.district:
            doc.set_value(lay.sheet, cell(lay.district, row), unit.district)
        for k, (s, fc) in enumerate(zip(unit.fields, lay.fields)):
            if lay.field_from_detail(k):
                continue
            if s.self_score is not None:
                doc.set_value(lay.sheet, cell(fc.self_col, row), s.self_score)
            if with_appraised and s.appraised is not None:
                doc.set_value(lay.sheet, cell(fc.appraised, row), s.appraised)
        for col, value in ((lay.bonus, unit.bonus), (lay.penalty, unit.penalty)):
            if col and value is not None:
                doc.set_value(lay.sheet, cell(col, row), value)
        if section.survey:
            sl = section.survey
            srow = sl.first_row + (n - 1 - i)
            doc.set_value(sl.sheet, cell(sl.name, srow), unit.name)
            for k, col in sl.fields.items():
                if unit.fields[k].survey is not None:
                    doc.set_value(sl.sheet, cell(col, srow), unit.fields[k].survey)
        if section.detail:
            dl = section.detail
            start = dl.block_start(n - 1 - i)
            doc.set_value(dl.sheet, cell(dl.unit, start), unit.name)
            for code, score in unit.criteria.items():
                r = start + dl.offsets[code]
                if score.self_score is not None:
                    doc.set_value(dl.sheet, cell(dl.self_col, r), score.self_score)
                if with_appraised and score.appraised is not None:
                    doc.set_value(dl.sheet, cell(dl.appraised, r), score.appraised)


@dataclass
class Row:
    name: str
    self_total: float | str | None
    appraised_total: float | str | None
    survey_total: float | str | None
    total: float | str | None
    percent: float | str | None
    rank: float | str | None
    class_label: str | None
    class_after_rule: str | None
    check: str | None


def read_rows(doc, section: L.Section, n: int) -> list[Row]:
    lay = section.summary
    grid = doc.get_range(lay.sheet, f"A{lay.first_row}:{L.col_letter(lay.last_col)}{lay.first_row + n - 1}")
    pick = lambda row, col: row[col - 1] if col else None  # noqa: E731
    return [Row(pick(r, lay.name), pick(r, lay.self_total), pick(r, lay.appraised_total), pick(r, lay.survey_total),
                pick(r, lay.total), pick(r, lay.percent), pick(r, lay.rank), pick(r, lay.class_),
                pick(r, lay.class_after_rule), pick(r, lay.check)) for r in grid]


def as_decimal(value, decimals: int) -> Decimal | None:
    """A number read from Calc at the set's decimals; '' (a blank formula result) is None."""
    if value in (None, ""):
        return None
    assert isinstance(value, float), f"expected a number, got {value!r}"
    return quantize(to_decimal(value), decimals)


def as_rank(value) -> int | None:
    """A rank read from Calc; an incomplete unit's marker (formulas.INCOMPLETE, never a number) is None."""
    if value in (None, "", INCOMPLETE):
        return None
    assert isinstance(value, float) and value.is_integer(), f"expected a rank, got {value!r}"
    return int(value)


def as_label(value) -> str | None:
    """A class read from Calc; blank, or the district rule waiting for its communes (RULE_PENDING), is None."""
    return None if value in (None, "", RULE_PENDING) else value


def odd_set():
    """5 fields, maximum 155 with the bonus (not 100), survey on some fields only, bonus and penalty, bands on the
    percentage with Xuất sắc, 2 decimals: nothing in the workbook may assume Bắc Kạn's shape."""
    return from_dict({
        "id": "thu-nghiem-2025-tinh", "province": "Thử Nghiệm", "level": "tinh", "years": [2025], "decimals": 2,
        "fields": [{"name": "Lĩnh vực A", "max": 40, "survey_max": 10}, {"name": "Lĩnh vực B", "max": 25},
                   {"name": "Lĩnh vực C", "max": 30.5, "survey_max": 4.5}, {"name": "Lĩnh vực D", "max": 20},
                   {"name": "Lĩnh vực E", "max": 20}],
        "bands_basis": "percent", "bonus_penalty": {"bonus_max": 5, "penalty_max": 10},
        "bands": [{"label": "Xuất sắc", "min": 90}, {"label": "Tốt", "min": 80}, {"label": "Khá", "min": 70},
                  {"label": "Trung bình", "min": 50}, {"label": "Yếu", "min": 0}],
    }, "thu-nghiem")
