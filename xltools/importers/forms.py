"""Biểu tự đánh giá (self-assessment forms) in .xlsx/.docx: STT / criterion / maximum / self score /
giải trình, and a Thẩm định column where the form has one, as a one-unit UnitsTable whose `criteria`
holds a CriterionScore per code (the text reader's `self_assessment_table` does the rest).
"""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from ..core.names import as_written, fold, tidy
from ..core.numbers import clean
from ..core.scoring import UnitsTable
from .text_documents import document_year, form_rows, self_assessment_table
from .text_tables import TextTable, cell_value
from .titles import detect_level, detect_province
from .vocabulary import role_of

CANONICAL = ("stt", "name", "max", "self", "reason")
CANONICAL_HEADER = ["STT", "Lĩnh vực/Tiêu chí/Tiêu chí thành phần", "Điểm chuẩn", "Điểm tự đánh giá", "Giải trình"]


def _role(label: str) -> str | None:
    """The role of a form's header cell, from the 'criteria' words of xltools/data/headers.yaml."""
    return role_of(label, "criteria")


def form_columns(table: TextTable) -> dict[str, int]:
    """Role -> column index, from one or two header rows ('Điểm' over 'Chuẩn', 'Tự đánh giá' counts too)."""
    top = table.header[0] if table.header else []
    sub = table.header[1] if len(table.header) > 1 else []
    width = max((len(r) for r in table.header + table.rows), default=0)
    roles: dict[str, int] = {}
    group = ""
    for i in range(width):
        own = clean(top[i]) if i < len(top) else ""
        group = own or group
        below = clean(sub[i]) if i < len(sub) else ""
        role = (_role(below) or _role(f"{group} {below}")) if below else _role(own)
        if role and role not in roles:
            roles[role] = i
    return roles


def is_form(table: TextTable) -> bool:
    header = fold(" ".join(clean(c) for row in table.header for c in row))
    return "ten don vi" not in header and {"stt", "name", "max", "self"} <= set(form_columns(table))


_UNIT_LINE = re.compile(r"^(?:tên\s+)?(?:đơn vị|cơ quan|địa phương)[^:]{0,20}:\s*(.+)$", re.IGNORECASE)
_UNIT_OF = re.compile(r"(?:\b(?:của|CỦA)|\s[-–])\s+((?:UBND|ỦY BAN NHÂN DÂN|Ủy ban nhân dân|SỞ|Sở|BAN|Ban|THANH TRA|Thanh tra|"
                      r"VĂN PHÒNG|Văn phòng)\b.+?)(?:\s+(?:năm|NĂM)\s+20\d\d|\)|$)")


_PROVINCE_AFTER = re.compile(r",?\s+tỉnh\s+\S.*$", re.IGNORECASE)  # '… tỉnh Tuyên Quang' (not 'Thanh tra tỉnh')


def unit_name(title: list[str]) -> str | None:
    """'Đơn vị: Sở Tư pháp', 'BIỂU TỰ ĐÁNH GIÁ … CỦA SỞ TƯ PHÁP' or '… 2025 - THANH TRA TỈNH' (not the 'Kèm theo …
    của' line), as the appendices write it: without the province after it, not in capitals ('SỞ Y TẾ TỈNH TUYÊN
    QUANG' -> 'Sở Y tế'), so that it meets the same unit's name in the survey file and the other forms."""
    for line in title:
        m = _UNIT_LINE.match(line.strip())
        if m:
            return _as_unit(m.group(1))
    for line in title:
        if "kèm theo" in line.lower():
            continue
        m = _UNIT_OF.search(line)
        if m:
            return _as_unit(m.group(1))
    return None


def named_by_file(source: str, name: str) -> str:
    """The note of a form whose title names no unit: its file name stands for the unit's name."""
    return (f"{Path(source).name}: tiêu đề biểu không ghi tên đơn vị ('Đơn vị: …' hoặc '… của Sở …'), nên tạm lấy tên "
            f"tệp '{name}' làm tên đơn vị; hãy sửa tên đó trên bảng tính (ở mọi trang) cho đúng tên đơn vị.")


def _as_unit(text: str) -> str:
    return as_written(_PROVINCE_AFTER.sub("", tidy(text))) or tidy(text)


def form_table(table: TextTable, source: str, text: str) -> UnitsTable:
    """One unit: the field self scores (top rows), the criteria detail, and appraised scores if present."""
    roles = form_columns(table)
    index = [roles.get(r) for r in CANONICAL]
    rows = [[row[i] if i is not None and i < len(row) else "" for i in index] for row in table.rows]
    ref = table.cell_ref
    canonical_of: dict[int | None, list[int]] = {}  # the table's column -> the canonical columns it fills
    for i, c in enumerate(index):
        canonical_of.setdefault(c, []).append(i)
    canon = replace(table, header=[CANONICAL_HEADER], rows=rows,
                    cell_ref=(lambda line, i: ref(line, index[i])) if ref else None,
                    text_cells={(line, i) for line, col in table.text_cells for i in canonical_of.get(col, ())},
                    numbers_as_text=[])
    title = " ".join(table.title)
    ut = self_assessment_table(canon, source, detect_province(title) or detect_province(text),
                               document_year(text))
    unit = ut.units[0]
    named = unit_name(table.title)
    if named:
        unit.name = named
    elif detect_level(title) not in (None, "tinh") or not ut.province:
        unit.name = Path(source).stem
        ut.notes.append(named_by_file(source, unit.name))
    ut.level = detect_level(title)
    if "appraised" in roles:
        _appraised(table, roles, source, ut)
    ut.numbers_as_text = canon.numbers_as_text + table.numbers_as_text
    return ut


def _appraised(table: TextTable, roles: dict[str, int], source: str, ut: UnitsTable) -> None:
    unit = ut.units[0]
    tops = iter(unit.fields)
    for row, line, code in form_rows(table, roles["stt"], roles["name"]):
        where = ", ".join(x for x in (source, table.container, f"dòng {line}") if x)
        value = cell_value(table, row, where, line, roles["appraised"], "Điểm thẩm định")
        if code in unit.criteria:
            unit.criteria[code].appraised = value
            if "." not in code:
                next(tops).appraised = value
        elif not code:
            unit.printed.appraised_total = value
