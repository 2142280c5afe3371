"""A criteria set drafted from a table's headers, for the user to review when no shipped set fits:
field names and maxima as the headers print them, default class bands, marked for review."""
from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import cast

import yaml

from ..core.criteria import CriteriaError, from_dict
from ..core.names import fold
from ..core.scoring import UnitsTable
from ..files import write_safely

DEFAULT_BANDS = [{"label": "Tốt", "min": 80}, {"label": "Khá", "min": 70}, {"label": "Trung bình", "min": 50},
                 {"label": "Yếu", "min": 0}]
EXCELLENT = {"label": "Xuất sắc", "min": 90}  # the usual top band where a province has one


def bands_seen(table: UnitsTable) -> list[dict]:
    """The usual bands, with Xuất sắc on top when the table prints that class."""
    printed = {u.printed.class_label for u in table.units} | {u.printed.class_after_rule for u in table.units}
    return [EXCELLENT, *DEFAULT_BANDS] if "Xuất sắc" in printed else DEFAULT_BANDS


def plain_number(value: Decimal | None):
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _decimals(table: UnitsTable) -> int:
    exponents = [-cast(int, v.as_tuple().exponent) for u in table.units for f in u.fields
                 for v in (f.self_score, f.appraised, f.survey) if v is not None]
    return max(exponents, default=3) or 3


def draft(table: UnitsTable) -> dict:
    maxima = {(h.field_index, h.kind): h.value for h in table.header_maxima}
    fields = []
    for i, name in enumerate(table.field_names):
        top = maxima.get((i, "self")) or maxima.get((i, "appraised"))
        surveyed = any(len(u.fields) > i and u.fields[i].survey is not None for u in table.units)
        # a field with ĐT XHH scores but no printed maximum: left blank for the user, never 0 (0 would drop them)
        survey_max = maxima.get((i, "survey"), None if surveyed else Decimal(0))
        fields.append({"code": str(i + 1), "name": name, "max": plain_number(top),
                       "survey_max": plain_number(survey_max)})
    slug = "-".join(x for x in (re.sub(r"[^a-z0-9]+", "", fold(table.province)), str(table.year or ""),
                                table.level or "") if x) or "bo-tieu-chi-moi"
    data = {"id": slug, "province": table.province, "level": table.level, "years": [table.year] if table.year else [],
            "decision": "", "title": table.title[:200], "decimals": _decimals(table),
            "district_rule": table.level == "huyen", "fields": fields}
    if all(f["max"] is not None and f["survey_max"] is not None for f in fields):
        data["total"] = plain_number(sum((Decimal(str(f["max"])) + Decimal(str(f["survey_max"])) for f in fields),
                                   Decimal(0)))
    data.update({"bands_basis": "points", "bands": bands_seen(table)})
    return data


def write_draft(table: UnitsTable, path: str | Path) -> list[str]:
    """Write the draft set; returns what the user must still fill in or check (empty when it validates)."""
    data = draft(table)
    header = ("# Bộ tiêu chí NHÁP, lập tự động từ tiêu đề bảng của " f"{table.source} ({table.sheet}).\n"
              "# HÃY XEM LẠI trước khi dùng: tên và điểm tối đa từng lĩnh vực, level (so/huyen/xa/tinh/bo), years,\n"
              "# decision (quyết định ban hành bộ tiêu chí), decimals, district_rule và các mức xếp loại (bands).\n")
    return write_set(data, path, header)


def write_set(data: dict, path: str | Path, header: str) -> list[str]:
    """Write a set file (a set being edited is kept as .bak); returns its problems (empty when it validates)."""
    text = header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120)
    write_safely(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    try:
        from_dict(data, str(path))
    except CriteriaError as exc:
        return exc.problems
    return []
