"""Tables in text extracted from the published Word/PDF documents (tab-separated, <b> for bold).

A document holds title lines, then tables whose header takes one or two rows (merged cells show
as empty cells), then body rows. `read_text` finds the tables; `units_table` turns a summary table
(Phụ lục, commune table, survey table, result table) into a UnitsTable the core can score.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field as dc_field
from decimal import Decimal

from ..core.names import fold, tidy
from ..core.numbers import NumberError, clean, parse_score
from ..core.scoring import FieldScores, HeaderMax, Unit, UnitsTable
from ..errors import ReadError


@dataclass
class TextTable:
    title: list[str]  # the non-table lines above it, nearest last
    header: list[list[str]]
    rows: list[list[str]]  # body cells with markup kept
    line_numbers: list[int]  # 1-based source line of each body row
    index: int = 0
    container: str = ""  # where the table sits when not in running text: "trang tính 'PL1'", "bảng 2"
    cell_ref: Callable[[int, int], str] | None = None  # (line, column index) -> "ô F12", when known
    header_lines: list[int] = dc_field(default_factory=list)


_ROW_START = re.compile(r"^\s*(\d+(\.\d+)*|<b>\d+(\.\d+)*</b>)\s*$")
_TITLE_MARK = re.compile(r"[*#]+")


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.rstrip("\n").split("\t")]


def read_text(text: str) -> list[TextTable]:
    """Split a document into tables. Lines starting with a tab continue the previous row
    (a cell that wrapped across a page); separator lines ('--\\t---') are skipped."""
    def numbered():
        for number, raw in enumerate(text.splitlines(), start=1):
            line = raw.rstrip()
            yield number, (_cells(line) if "\t" in line else [line])
    return read_rows(numbered())


def read_rows(rows: Iterable[tuple[int, list[str]]], wrapped: bool = True) -> list[TextTable]:
    """Tables from numbered rows of cells; a row of fewer than two cells is a title line.
    `wrapped`: a row with an empty first cell continues the previous row (text cut at a page end)."""
    tables: list[TextTable] = []
    title: list[str] = []
    current: TextTable | None = None
    for number, cells in rows:
        if len(cells) < 2:
            line = cells[0].strip() if cells else ""
            if line and current is not None and current.rows:
                tables.append(current)
                current = None
                title = []
            if line:
                title.append(_TITLE_MARK.sub("", line).strip())
            continue
        cells = [c.strip() for c in cells]
        if all(re.fullmatch(r"-*", c) for c in cells):
            continue
        if current is None:
            current = TextTable(title=title[-8:], header=[], rows=[], line_numbers=[], index=len(tables))
        first = clean(cells[0])
        if _ROW_START.match(cells[0]) or (first == "" and current.rows and (_is_total_row(cells) or not wrapped)):
            current.rows.append(cells)
            current.line_numbers.append(number)
        elif first == "" and current.rows:
            _continue_row(current.rows[-1], cells)
        else:
            current.header.append(cells)
            current.header_lines.append(number)
    if current is not None and current.rows:
        tables.append(current)
    for i, t in enumerate(tables):
        t.index = i
    return tables


def _is_total_row(cells: list[str]) -> bool:
    return len(cells) > 1 and fold(clean(cells[1])).startswith("tong diem")


def _continue_row(row: list[str], cells: list[str]) -> None:
    for i, c in enumerate(cells):
        if not c:
            continue
        if i < len(row):
            row[i] = f"{row[i]} {c}".strip()
        else:
            row.append(c)


# ---------------------------------------------------------------- summary tables

@dataclass
class Column:
    role: str  # stt, name, field, total, rank, class, class_after_rule, district, reason, ignore
    kind: str = ""  # self, appraised, survey, total
    field_index: int | None = None
    max: Decimal | None = None
    label: str = ""


_MAX_IN_HEADER = re.compile(r"\(\s*(?:tối đa\s*)?([\d.,]+)\s*(?:điểm)?\s*\)", re.IGNORECASE)


def _kind(label: str) -> str | None:
    f = fold(label).replace(" ", "")
    if f.startswith("tucham") or "tudanhgia" in f:
        return "self"
    if f.startswith("thamdinh") or f.startswith("diem") and "thamdinh" in f:
        return "appraised"
    if "xhh" in f or "xxh" in f or "dieutra" in f:
        return "survey"
    if f.startswith("tongcong") or f == "diem":
        return "total"
    return None


def _header_max(label: str) -> Decimal | None:
    m = _MAX_IN_HEADER.search(label)
    if not m:
        return None
    try:
        return parse_score(m.group(1))
    except NumberError:
        return None


def columns(table: TextTable, survey_only: bool = False) -> list[Column]:
    """Describe each column from one or two header rows (a merged group above its sub-columns)."""
    top = table.header[0] if table.header else []
    sub = table.header[1] if len(table.header) > 1 else []
    width = max([len(top), len(sub)] + [len(r) for r in table.rows])
    groups, last = [], ""
    for i in range(width):
        cell = clean(top[i]) if i < len(top) else ""
        last = cell or last
        groups.append(last)
    cols: list[Column] = []
    field_groups: list[str] = []
    group_positions: dict[str, int] = {}
    for i in range(width):
        group = groups[i]
        label = clean(sub[i]) if i < len(sub) else ""
        g = fold(group)
        own = label or group
        if g in ("stt", "tt", "s t t"):
            cols.append(Column("stt", label=group))
        elif g.startswith("ten don vi") or g in ("don vi", "ten don vi"):
            cols.append(Column("name", label=group))
        elif g.startswith("tong diem"):
            kind = _kind(label) if label else ("survey" if survey_only else "total")
            cols.append(Column("total", kind=kind or "total", max=_header_max(label) or _header_max(group),
                               label=own))
        elif "xep hang" in g or "ket qua" in g or "xep loai" in g or "phan loai" in g:
            position = group_positions.setdefault(group, 0)
            group_positions[group] += 1
            lf = fold(label or group)  # a lone "Xếp loại" column names itself
            if "xep hang" in lf:
                role = "rank"
            elif "sau" in lf and ("quy tac" in lf or "cap xa" in lf):
                role = "class_after_rule"
            elif "xep loai" in lf or "phan loai" in lf:
                role = "class"
            elif lf == "diem" or lf.startswith("tong"):
                cols.append(Column("total", kind="total", label=own))
                continue
            else:  # a sub-header copied from the left ('Tự chấm', 'Thẩm định'): go by position
                role = ("rank", "class")[min(position, 1)]
            cols.append(Column(role, label=own))
        elif g in ("huyen", "don vi cap huyen", "thuoc huyen", "huyen, thanh pho"):
            cols.append(Column("district", label=group))
        elif not group:
            cols.append(Column("ignore"))
        else:
            if group not in field_groups:
                field_groups.append(group)
            kind = "survey" if survey_only else (_kind(label) if label else None)
            cols.append(Column("field", kind=kind or "", field_index=field_groups.index(group),
                               max=_header_max(label) or _header_max(group), label=group))
    return cols


def field_names(cols: list[Column]) -> list[str]:
    names: list[str] = []
    for c in cols:
        if c.role == "field" and c.field_index == len(names):
            names.append(_MAX_IN_HEADER.sub("", c.label).strip())
    return names


def _value(cell: str, where: str):
    try:
        return parse_score(cell)
    except NumberError as exc:
        raise ReadError(f"{where}: {exc}") from exc


def cell_value(table: TextTable, cells: list[str], where: str, line: int, index: int, label: str):
    """The score in one body cell; a ReadError names the row, the cell (when known) and the column."""
    cell = cells[index] if index < len(cells) else ""
    ref = f", {table.cell_ref(line, index)} ({label})" if table.cell_ref else f", cột '{label}'"
    return _value(cell, f"{where}{ref}")


def units_table(table: TextTable, source: str, survey_only: bool = False, district: str | None = None,
                n_fields: int | None = None) -> UnitsTable:
    """A summary table as units; printed totals, ranks and classes are kept to be checked."""
    cols = columns(table, survey_only)
    names = field_names(cols)
    count = n_fields or len(names)
    label = table_label(table)
    units: list[Unit] = []
    header_maxima = []
    for c in cols:
        if c.max is not None and c.kind:
            header_maxima.append(HeaderMax(c.field_index if c.role == "field" else None,
                                           c.kind, c.max, f"{source}, {label}, tiêu đề cột '{c.label}'"))
    for row, line in zip(table.rows, table.line_numbers):
        where = f"{source}, {label}, dòng {line}"
        fields = [FieldScores() for _ in range(count)]
        unit = Unit(name="", fields=fields, district=district, where=where)
        p = unit.printed
        for i, c in enumerate(cols):
            cell = row[i] if i < len(row) else ""
            text = clean(cell)
            if c.role == "stt":
                p.stt = int(text) if text.isdigit() else None
            elif c.role == "name":
                unit.name = tidy(text)
            elif c.role == "district":
                unit.district = tidy(text) or district
            elif c.role == "field" and c.kind:
                if c.field_index >= count:
                    raise ReadError(f"{where}: bảng có nhiều lĩnh vực hơn bộ tiêu chí ({count}).")
                target = fields[c.field_index]
                setattr(target, c.kind, cell_value(table, row, where, line, i, c.label))
                if table.cell_ref:
                    target.cells[c.kind] = ", ".join(x for x in (source, table.container, table.cell_ref(line, i)) if x)
            elif c.role == "total":
                setattr(p, "total" if c.kind == "total" else f"{c.kind}_total",
                        cell_value(table, row, where, line, i, c.label))
            elif c.role == "rank":
                p.rank = int(text) if text.isdigit() else None
            elif c.role == "class":
                p.class_label = text or None
            elif c.role == "class_after_rule":
                p.class_after_rule = text or None
        units.append(unit)
    title = " ".join(table.title)
    return UnitsTable(units=units, level=detect_level(title), title=title, source=source, sheet=label,
                      year=detect_year(" ".join(table.title[-3:])), province=detect_province(title),
                      header_maxima=header_maxima, field_names=names)


def table_label(table: TextTable) -> str:
    """'Phụ lục I', with the sheet or Word table it sits in when there is one."""
    for line in reversed(table.title):
        m = re.search(r"PHỤ LỤC\s+[IVX]+", line, re.IGNORECASE)
        if m:
            label = m.group(0).upper().replace("PHỤ LỤC", "Phụ lục")
            return f"{label} ({table.container})" if table.container else label
    return table.container or f"bảng {table.index + 1}"


# ---------------------------------------------------------------- what a title says

def detect_level(title: str) -> str | None:
    f = fold(title)
    last = None
    for level, marks in (("so", ("so, nganh", "so, ban, nganh", "cac so")),
                         ("xa", ("xa, phuong", "cap xa", "cac xa")),
                         ("huyen", ("huyen, thanh pho", "cap huyen", "cac huyen")),
                         ("tinh", ("chi so cai cach hanh chinh tinh", "chi so cchc tinh", "cap tinh"))):
        positions = [f.rfind(m) for m in marks if m in f]
        if positions and (last is None or max(positions) > last[1]):
            last = (level, max(positions))
    return last[0] if last else None


def detect_year(title: str) -> int | None:
    years = re.findall(r"năm\s+(20\d\d)", title, re.IGNORECASE)
    return int(years[-1]) if years else None


def detect_province(text: str) -> str:
    m = re.search(r"tỉnh\s+([A-ZĐ][\wÀ-ỹ]*(?:\s+[A-ZĐ][\wÀ-ỹ]*)?)", text)
    if m:
        return m.group(1)
    m = re.search(r"TỈNH\s+([A-ZĐÀ-Ỹ]+(?:\s+[A-ZĐÀ-Ỹ]+)?)", text)
    return m.group(1).title() if m else ""


_DISTRICT = re.compile(r"(?:Ủy ban nhân dân|UBND|Phòng Nội vụ)\s+(thành phố|huyện|thị xã)\s+((?:[A-ZĐ][\wÀ-ỹ]*\s?){1,3})",
                       re.IGNORECASE)


def detect_district(text: str) -> str | None:
    """'... của Ủy ban nhân dân Thành phố Bắc Kạn)' -> 'Thành phố Bắc Kạn'."""
    for m in _DISTRICT.finditer(text):
        words = [w.capitalize() if w.isupper() else w for w in m.group(2).split() if w[0].isupper()]
        if words:
            return f"{m.group(1).capitalize()} {' '.join(words)}"
    return None
