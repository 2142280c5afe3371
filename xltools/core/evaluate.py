"""Score and check the tables of one file together, so the district rule sees the communes."""
from __future__ import annotations

from dataclasses import dataclass

from ..errors import UserError
from .checks import Finding, check_table, district_rule_notes, reader_notes, unknown_districts
from .criteria import CriteriaSet
from .names import exact_key, name_key
from .scoring import FieldScores, Result, UnitsTable, apply_district_rule, score_table


@dataclass
class Evaluation:
    table: UnitsTable
    cset: CriteriaSet
    results: list[Result]
    findings: list[Finding]


def fit_fields(table: UnitsTable, cset: CriteriaSet) -> None:
    """Give every unit one FieldScores per field of the set (tables of totals only have none)."""
    n = len(cset.fields)
    for unit in table.units:
        if len(unit.fields) > n:
            raise UserError(f"{unit.where}: bảng có {len(unit.fields)} lĩnh vực nhưng bộ tiêu chí {cset.id} có {n}; "
                             "hãy chọn đúng bộ tiêu chí (--set).")
        unit.fields = unit.fields + [FieldScores() for _ in range(n - len(unit.fields))]


def evaluate(pairs: list[tuple[UnitsTable, CriteriaSet]], expect_appraised: bool | None = None,
             findings: bool = True) -> list[Evaluation]:
    """`expect_appraised`: every unit is being appraised (a workbook) and needs all its field scores to be
    complete (scoring.gaps); None: True for an appraisal workbook (exact_names), else each row as it is.
    `findings=False`: the results only, each Evaluation's findings left empty (`rank` prints none of them,
    and on a national table they cost as much as the scoring)."""
    evaluations = []
    for table, cset in pairs:
        fit_fields(table, cset)
        expect = expect_appraised if expect_appraised is not None else (True if table.exact_names else None)
        evaluations.append(Evaluation(table, cset, score_table(cset, table.units, expect), []))
    # A workbook's formulas match a commune's district by exact text; the core must count the same way.
    key = exact_key if any(table.exact_names for table, _ in pairs) else name_key
    communes = [r for e in evaluations if e.cset.level == "xa" for r in e.results]
    districts = [r for e in evaluations if e.cset.level == "huyen" and e.cset.district_rule for r in e.results]
    for e in evaluations:
        if e.cset.district_rule and e.cset.level == "huyen":
            apply_district_rule(e.results, communes, e.cset, key)
        if not findings:
            continue
        expect = expect_appraised if expect_appraised is not None else (True if e.table.exact_names else None)
        e.findings = check_table(e.cset, e.table, e.results, expect) + reader_notes(e.table)
        if e.cset.district_rule and e.cset.level == "huyen":
            e.findings += district_rule_notes(e.cset, e.results, communes, key)
        if e.cset.level == "xa" and districts:
            e.findings += unknown_districts(e.results, [d.unit.name for d in districts], key)
    return evaluations
