"""A criteria set as JSON text, so a workbook made from a set the user keeps in their own .yaml file
can be read back without that file (the shipped sets are found by id in the catalog instead)."""
from __future__ import annotations

import json
from decimal import Decimal

from ..core.criteria import CriteriaSet, Criterion, from_dict

MAX_CELL_TEXT = 32767  # Excel's limit for the text of one cell


def _num(value: Decimal | None):
    return None if value is None else format(value.normalize(), "f")


def _criterion(c: Criterion) -> dict:
    data = {"code": c.code, "name": c.name, "max": _num(c.max)}
    if c.survey:
        data["survey"] = True
    if c.children:
        data["children"] = [_criterion(k) for k in c.children]
    return data


def to_dict(cset: CriteriaSet) -> dict:
    """The plain data criteria.from_dict reads (numbers as text, so nothing is lost to floats)."""
    data = {"id": cset.id, "province": cset.province, "level": cset.level, "years": list(cset.years),
            "decision": cset.decision, "title": cset.title, "decimals": cset.decimals,
            "bands_basis": cset.bands_basis, "district_rule": cset.district_rule,
            "fields": [{"code": f.code, "name": f.name, "short": f.short, "max": _num(f.max),
                        "survey_max": _num(f.survey_max)} for f in cset.fields],
            "bands": [{"label": b.label, "min": _num(b.min)} for b in cset.bands]}
    if cset.has_bonus:
        data["bonus_penalty"] = {k: _num(v) for k, v in (("bonus_max", cset.bonus_max),
                                                        ("penalty_max", cset.penalty_max)) if v is not None}
    if cset.criteria:
        data["criteria"] = [_criterion(c) for c in cset.criteria]
    return data


def dumps(cset: CriteriaSet) -> str | None:
    """JSON of the set, or None when it does not fit in one cell."""
    text = json.dumps(to_dict(cset), ensure_ascii=False, separators=(",", ":"))
    return text if len(text) <= MAX_CELL_TEXT else None


def loads(text: str, source: str) -> CriteriaSet:
    return from_dict(json.loads(text), source)
