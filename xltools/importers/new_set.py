"""`xltools set new`: a criteria set file from a province's criteria table, or a totals-only set.

What the table does not say (class bands, decimals, province, level, years) comes from the user's
flags; what neither says is left clearly marked in the file and listed for review.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ..core.criteria import LEVELS, parse_bands
from ..core.names import fold
from .criteria_table import CriteriaTable, Node
from .draft_set import DEFAULT_BANDS, plain_number, write_set
from .titles import detect_level, detect_province, detect_years

LEVEL_TODO = f"CẦN ĐIỀN: một trong {', '.join(LEVELS)}"


@dataclass
class Answers:
    """What the user gave on the command line (None: not given)."""

    set_id: str
    province: str | None = None
    level: str | None = None
    years: list[int] | None = None
    decimals: int | None = None
    bands: str | None = None
    decision: str | None = None
    total: Decimal | None = None  # the maximum of a totals-only set


def parse_years(text: str) -> list[int]:
    """'2023-2025' or '2023,2024' or '2025'."""
    m = re.fullmatch(r"\s*(\d{4})\s*[-–]\s*(\d{4})\s*", text)
    if m:
        return list(range(int(m.group(1)), int(m.group(2)) + 1))
    return [int(y) for y in re.split(r"[,;\s]+", text.strip()) if y]


def _node(n: Node) -> dict:
    out: dict = {"code": n.code, "name": n.name, "max": plain_number(_max(n))}
    if n.survey and not n.children:
        out["survey"] = True
    if n.children:
        out["children"] = [_node(c) for c in n.children]
    return out


def _max(n: Node) -> Decimal | None:
    """A node's maximum: as printed, else the sum of its children's."""
    if n.max is not None or not n.children:
        return n.max
    parts = [_max(c) for c in n.children]
    return None if any(p is None for p in parts) else sum(parts, Decimal(0))


def _field(n: Node) -> dict:
    leaves = list(n.leaves())
    if any(leaf.max is None for leaf in leaves):
        own, survey = None, None
    else:
        own = sum((leaf.max for leaf in leaves if not leaf.survey), Decimal(0))
        survey = sum((leaf.max for leaf in leaves if leaf.survey), Decimal(0))
    return {"code": n.code, "name": n.name, "max": plain_number(own), "survey_max": plain_number(survey)}


def _common(answers: Answers, title: str, review: list[str]) -> dict:
    province = answers.province if answers.province is not None else detect_province(title)
    level = answers.level or detect_level(title)
    years = answers.years if answers.years is not None else detect_years(title)
    if not province:
        review.append("province: chưa biết tỉnh (thêm --province \"Tên tỉnh\").")
    if not level:
        review.append(f"level: chưa biết cấp ({LEVEL_TODO}; thêm --level).")
    if not years:
        review.append("years: chưa biết năm áp dụng (thêm --years 2025 hoặc --years 2023-2025).")
    decimals = answers.decimals
    if decimals is None:
        decimals = 3
        review.append("decimals: đặt mặc định 3 chữ số thập phân (thêm --decimals N nếu tỉnh làm tròn khác).")
    if answers.bands:
        bands = [{"label": b.label, "min": plain_number(b.min)} for b in parse_bands(answers.bands)]
    else:
        bands = DEFAULT_BANDS
        review.append("bands: đặt các mức mặc định Tốt ≥ 80, Khá ≥ 70, Trung bình ≥ 50, Yếu (thêm --bands "
                      "\"Xuất sắc:90;Tốt:80;Khá:70;Trung bình:50;Yếu:0\" theo quy định của tỉnh).")
    if not answers.decision:
        review.append("decision: chưa ghi quyết định ban hành bộ tiêu chí (thêm --decision \"Quyết định số …\").")
    return {"id": answers.set_id, "province": province or "", "level": level or LEVEL_TODO, "years": years,
            "decision": answers.decision or "", "decimals": decimals, "district_rule": level == "huyen",
            "bands_basis": "points", "bands": bands}


def set_from_table(table: CriteriaTable, answers: Answers) -> tuple[dict, list[str]]:
    """The set's data and the list of what to review."""
    review: list[str] = []
    data = _common(answers, table.title, review)
    fields = [_field(f) for f in table.fields]
    data["title"] = _title(table.title)
    data["fields"] = fields
    if all(f["max"] is not None for f in fields):
        total = sum((Decimal(str(f["max"])) + Decimal(str(f["survey_max"])) for f in fields), Decimal(0))
        data["total"] = plain_number(total)
        if table.total is not None and table.total != total:
            review.append(f"total: dòng Tổng cộng của bảng ghi {plain_number(table.total)} nhưng tổng điểm tối đa các "
                          f"lĩnh vực là {plain_number(total)}; hãy đối chiếu với bộ tiêu chí gốc.")
    if any(f.children for f in table.fields):
        data["criteria"] = [_node(f) for f in table.fields]
    data = _ordered(data)
    return data, review


def totals_only(answers: Answers) -> tuple[dict, list[str]]:
    """A set for tables of totals only (no fields): the printed totals are ranked and classed."""
    review: list[str] = []
    data = _common(answers, "", review)
    data["title"] = "Bảng chỉ có tổng điểm"
    data["fields"] = []
    if answers.total is not None:
        data["total"] = plain_number(answers.total)
    return _ordered(data), review


_ORDER = ("id", "province", "level", "years", "decision", "title", "decimals", "district_rule", "fields", "total",
          "bands_basis", "bands", "criteria")


def _ordered(data: dict) -> dict:
    return {k: data[k] for k in _ORDER if k in data}


def _title(text: str) -> str:
    """The line of the title that names the set ('Bộ tiêu chí …'), else the last line."""
    lines = [line for line in text.splitlines() if line.strip()]
    named = [line for line in lines if "tieu chi" in fold(line)]
    return (named or lines or [""])[0][:200]


def write_new_set(data: dict, review: list[str], path: str | Path, source: str) -> list[str]:
    """Write the set with its review list on top; returns the problems that keep it from validating."""
    lines = [f"# Bộ tiêu chí lập bằng `xltools set new` từ {source}; tệp dữ liệu YAML, sửa được.",
             "# Điểm tối đa của lĩnh vực: 'max' là phần tự chấm/thẩm định, 'survey_max' là phần điều tra XHH",
             "# (tiêu chí có 'survey: true'); 'bands' là các mức xếp loại, từ cao xuống thấp, 'min' tính cả bằng."]
    if review:
        lines.append("# CẦN XEM LẠI trước khi dùng:")
        lines += [f"#   - {r}" for r in review]
    return write_set(data, path, "\n".join(lines) + "\n")
