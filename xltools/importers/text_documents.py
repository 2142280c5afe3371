"""Whole documents in the seeds' text form: which tables they hold and what each one is.

- Phụ lục I/II (full summary tables) and the commune table of a decision;
- the report's survey table and result table of one level, merged into one units table, with the
  per-field scores of the district the report is about (its prose section 2.1 ... 2.7);
- the Biểu tự đánh giá (a criteria tree with maxima, self scores and giải trình).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from ..core.names import NameIndex, fold, name_key, tidy
from ..core.numbers import clean, parse_prose_number, parse_score
from ..core.scoring import CriterionScore, FieldScores, HeaderMax, Printed, Unit, UnitsTable
from ..errors import ReadError
from .criteria_table import criterion_codes
from .groups import by_group
from .text_tables import TextTable, cell_value, has_unlabelled_fields, read_text, units_table
from .titles import detect_district, detect_level, detect_province


@dataclass
class TreeRow:
    code: str
    name: str
    max: Decimal | None
    self_score: Decimal | None
    reason: str
    line: int

    @property
    def survey(self) -> bool:
        return "điều tra xã hội học" in self.reason.lower()


def document_year(text: str) -> int | None:
    m = re.search(r"(?:CCHC|cải cách hành chính)[^\n]*?năm\s+(20\d\d)", text, re.IGNORECASE)
    return int(m.group(1)) if m else None


def table_kind(table: TextTable) -> str:
    """What a table is, by its column headers: a criteria tree, a result table (totals, rank, class),
    a survey table, or a summary table. Only the kind of field columns whose headers name no kind
    is taken from the title ('Kết quả … điều tra XHH' above them): never the kind of a whole table."""
    head = fold(" ".join(" ".join(r) for r in table.header))
    title = fold(" ".join(table.title[-2:]))
    if "diem chuan" in head or "tieu chi thanh phan" in head:
        return "tree"
    if "ket qua tham dinh" in head and "tu cham" not in head:
        return "result"
    if ("dieu tra" in title or "xhh" in title or "xxh" in title) and has_unlabelled_fields(table):
        return "survey"
    return "summary"


def read_document(text: str, source: str, n_fields: int | None = None) -> list[UnitsTable]:
    """Every units table of a document, report tables of one level merged into one. A self-assessment form
    whose headers are other words than the seed's ('Điểm tối đa', 'Điểm TĐG') is read by the forms reader,
    by the header vocabulary, as in a .docx/.xlsx."""
    from . import forms  # forms builds on this module

    lines = text.splitlines()
    found = read_text(text)
    own = [t for t in found if table_kind(t) != "tree" and forms.is_form(t)]
    rest = [t for t in found if not any(t is f for f in own)]
    return document_tables(rest, text, source, lambda t: "\n".join(lines[: t.line_numbers[0]]), n_fields) \
        + [forms.form_table(t, source, text) for t in own]


def document_tables(found: list[TextTable], text: str, source: str, before_of: Callable[[TextTable], str],
                    n_fields: int | None = None) -> list[UnitsTable]:
    """What each table of a document is, as units tables; `text` is the whole document and
    `before_of(table)` the text above a table (the district a commune table belongs to is named there)."""
    if not found:  # a form alone: no need to search the whole text for its province
        return []
    province = detect_province(text)
    year = document_year(text)
    tables: list[UnitsTable] = []
    pending_survey: dict[str, UnitsTable] = {}
    for t in found:
        kind = table_kind(t)
        before = before_of(t)
        if kind == "tree":
            tables.append(self_assessment_table(t, source, province, year))
            continue
        level = detect_level(" ".join(t.title))
        district = detect_district(before) if level == "xa" else None
        ut = units_table(t, source, survey_fields=(kind == "survey"), district=district, n_fields=n_fields)
        ut.province = ut.province or province
        ut.year = ut.year or year
        if kind == "survey":
            pending_survey[level or ""] = ut
            continue
        if kind == "result" and (level or "") in pending_survey:
            _merge_survey(ut, pending_survey.pop(level or ""))
        tables.extend(by_group(ut, t))
    tables.extend(pending_survey.values())
    for ut in tables:
        if ut.level == "huyen":
            _merge_prose_detail(text, ut, source)
    return tables


def _merge_survey(result: UnitsTable, survey: UnitsTable) -> None:
    """Survey scores per field from the survey table into the result table's units (by name)."""
    units = {u.name: u for u in survey.units}
    index = NameIndex(list(units))
    for unit in result.units:
        found = index.one(unit.name)
        if found is None:
            continue
        s = units[found]
        unit.fields = [FieldScores(survey=f.survey) for f in s.fields]
        unit.printed.survey_total = s.printed.survey_total
    result.header_maxima.extend(survey.header_maxima)
    result.field_names = result.field_names or survey.field_names
    result.sheet = f"{survey.sheet} và {result.sheet}"


_FIELD_HEAD = re.compile(r"^\*\*2\.(\d+)\.\s*Lĩnh vực[^*]*:\*\*\s*Điểm tối đa:\s*\*\*([\d.,]+) điểm\*\*;"
                         r"\s*Điểm điều tra XHH:\s*\*\*([\d.,]+) điểm\*\*")
_FIELD_SCORES = re.compile(r"^Điểm tự đánh giá:\s*\*\*([\d.,]+)\*\*;\s*Điểm thẩm định:\s*\*\*([\d.,]+)\*\*;"
                           r"\s*Điểm điều tra XHH:\s*\*\*([\d.,]+)\*\*")


def _merge_prose_detail(text: str, table: UnitsTable, source: str) -> None:
    """The report's sections 2.1 ... 2.7 give one district's self/appraised/survey per field."""
    district = detect_district(text)
    unit = next((u for u in table.units if district and name_key(u.name) == name_key(district)), None)
    if unit is None:
        return
    field, found = None, {}
    for number, line in enumerate(text.splitlines(), start=1):
        m = _FIELD_HEAD.match(line.strip())
        if m:
            field = int(m.group(1)) - 1
            where = f"{source}, mục 2.{field + 1}, dòng {number}"
            table.header_maxima.append(HeaderMax(field, "self", parse_score(m.group(2)), where))
            table.header_maxima.append(HeaderMax(field, "survey", parse_score(m.group(3)), where))
            continue
        m = _FIELD_SCORES.match(line.strip())
        if m and field is not None:
            found[field] = [parse_score(x) for x in m.groups()]
    if not found:
        return
    n = max(len(unit.fields), max(found) + 1)
    fields = unit.fields + [FieldScores() for _ in range(n - len(unit.fields))]
    for i, (self_, appraised, survey) in found.items():
        if fields[i].survey is not None and fields[i].survey != survey:
            raise ReadError(f"{source}: mục 2.{i + 1} ghi ĐT XHH {survey} khác bảng điều tra ({fields[i].survey}).")
        fields[i] = FieldScores(self_score=self_, appraised=appraised, survey=survey)
    unit.fields = fields


# ---------------------------------------------------------------- Biểu tự đánh giá

TREE_VALUE_COLUMNS = ((2, "Điểm chuẩn"), (3, "Điểm tự đánh giá"))


def is_total_name(name: str) -> bool:
    """The name of a form's total row (Tổng điểm, Tổng cộng, Cộng), not of a note or the signatures under it."""
    return fold(clean(name)).startswith(("tong", "cong"))


def form_rows(table: TextTable, stt: int, name: int) -> Iterator[tuple[list[str], int, str]]:
    """(cells, line, criterion code) of a form's rows ('' for its total row); the notes and signatures under it,
    which have no code either, left out. `stt`, `name`: the code and name columns."""
    def cell(cells: list[str], i: int) -> str:
        return cells[i] if i < len(cells) else ""
    codes = criterion_codes([clean(cell(cells, stt)) for cells in table.rows])
    for cells, line, code in zip(table.rows, table.line_numbers, codes):
        if code or is_total_name(cell(cells, name)):
            yield cells, line, code


def tree_rows(table: TextTable, source: str) -> tuple[list[TreeRow], TreeRow | None]:
    rows, total = [], None
    place = ", ".join(x for x in (source, table.container) if x)
    for cells, line, code in form_rows(table, 0, 1):
        cells = cells + [""] * (5 - len(cells))
        name = tidy(clean(cells[1]))
        where = f"{place}, dòng {line}" if place else f"dòng {line}"
        mx, sc = (cell_value(table, cells, where, line, i, label) for i, label in TREE_VALUE_COLUMNS)
        row = TreeRow(code, name, mx, sc, tidy(clean(cells[4])), line)
        if code == "":
            total = row
        else:
            rows.append(row)
    return rows, total


def self_assessment_table(table: TextTable, source: str, province: str, year: int | None) -> UnitsTable:
    """A self-assessment form as a one-unit table: field self scores and the criteria detail."""
    rows, total = tree_rows(table, source)
    tops = [r for r in rows if "." not in r.code]
    unit = Unit(name=f"UBND tỉnh {province}" if province else "Đơn vị tự đánh giá",
                fields=[FieldScores(self_score=r.self_score) for r in tops],
                where=", ".join(x for x in (source, table.container, f"dòng {table.line_numbers[0]}") if x),
                criteria={r.code: CriterionScore(self_score=r.self_score, reason=r.reason) for r in rows})
    if total is not None:
        unit.printed = Printed(self_total=total.self_score)
    maxima = [HeaderMax(None, "total", total.max, f"{source}, dòng {total.line}")] if total and total.max else []
    title = " ".join(table.title)
    return UnitsTable(units=[unit], level=detect_level(title) or "tinh", title=title, source=source,
                      sheet="Biểu tự đánh giá", year=year, province=province, has_reasons=True,
                      header_maxima=maxima, field_names=[r.name for r in tops])


def lost_items(text: str) -> dict[int, list[tuple[str, Decimal]]]:
    """The report's 'Các tiêu chí mất điểm' lists, by field index: (criterion, points lost)."""
    out: dict[int, list[tuple[str, Decimal]]] = {}
    field, listing = None, False
    for line in text.splitlines():
        s = line.strip()
        m = _FIELD_HEAD.match(s)
        if m:
            field, listing = int(m.group(1)) - 1, False
            continue
        if s.startswith("Các tiêu chí mất điểm"):
            listing = True
            continue
        if listing and field is not None and s.startswith("- "):
            m = re.match(r"^- (.*?):\s*-\s*([\d.,]+)\s*điểm;?$", s)
            if m:
                out.setdefault(field, []).append((m.group(1).strip(), parse_prose_number(m.group(2))))
        elif listing and s and not s.startswith("- "):
            listing = False
    return out
