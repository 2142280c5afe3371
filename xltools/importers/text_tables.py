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

from ..core import rows
from ..core.names import fold, tidy
from ..core.numbers import NumberError, clean, parse_score
from ..core.rows import RowColumn, unit_of_row
from ..core.scoring import TEXT, CellProblem, HeaderMax, Unit, UnitsTable
from ..errors import ReadError
from .titles import detect_level, detect_province, detect_year
from .vocabulary import accepted, role_of


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
    text_cells: set[tuple[int, int]] = dc_field(default_factory=set)  # (line, column index): see Grid
    numbers_as_text: list[str] = dc_field(default_factory=list)  # those read as scores: "ô F12 '65,0'"
    groups: list[tuple[int, str]] = dc_field(default_factory=list)  # (line, "I. KHỐI SỞ, NGÀNH"): group headings in the body


_ROW_START = re.compile(r"^\s*(\d+(\.\d+)*|<b>\d+(\.\d+)*</b>)\s*$")
_OUTLINE_START = re.compile(r"^\s*(?:<b>)?(?:[IVXLC]+\.?|[a-zđ][.)])(?:</b>)?\s*$")


def is_outline_row(cells: list[str]) -> bool:
    """A row numbered 'I', 'II' or 'a)', 'b)' that holds scores: a field or a sub-criterion of a form numbered
    I / 1 / a) (never a unit of a summary table, where such a row is a group's subtotal)."""
    return bool(cells) and bool(_OUTLINE_START.match(cells[0])) and has_number(cells[1:])
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
    rows = list(rows)
    for k, (number, cells) in enumerate(rows):
        if current is not None and current.header and sum(1 for c in cells if c.strip()) <= 2:
            heading = group_heading([c for c in map(clean, cells) if c])
            if heading and _unit_follows(rows, k):  # 'II. KHỐI CƠ QUAN NGÀNH DỌC' between body rows
                current.groups.append((number, heading))
                continue
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
        if (current is None or not current.rows) and is_column_numbers([clean(c) for c in cells]):
            continue  # '(1) (2) (3)' under a header
        if current is None:
            current = TextTable(title=title[-8:], header=[], rows=[], line_numbers=[], index=len(tables))
        first = clean(cells[0])
        if (_ROW_START.match(cells[0]) or is_outline_row(cells)
                or (first == "" and current.rows and (is_footer_row(cells) or not wrapped
                                                      or _adds_a_number(current.rows[-1], cells)))
                or (names_first(current.header) and is_named_row(cells))):
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
        _collapse_header(t)
    return tables


_GROUP = re.compile(r"^([IVXLC]+|[A-Z])\.?$")
_HEADING = re.compile(r"^([IVXLC]+|[A-Z])\s*[.)]\s*\S")


def group_heading(filled: list[str]) -> str | None:
    """The heading of a group of units inside a table's body ('I | KHỐI SỞ, NGÀNH', 'I. KHỐI SỞ, NGÀNH' in one
    cell, 'KHỐI HUYỆN'), as the row writes it, or None; `filled`: the row's non-empty cells, cleaned."""
    if len(filled) == 2 and _GROUP.match(filled[0]) and not has_number(filled[1:]):
        return f"{filled[0].rstrip('.')}. {filled[1]}"
    if len(filled) == 1 and (_HEADING.match(filled[0]) or fold(filled[0]).startswith(("khoi ", "nhom "))):
        return filled[0]
    return None


def _unit_follows(rows: list[tuple[int, list[str]]], k: int) -> bool:
    """The next row that holds anything after row `k` is a numbered body row."""
    for _, cells in rows[k + 1:]:
        if any(c.strip() for c in cells):
            return bool(_ROW_START.match(cells[0].strip()))
    return False


_COLUMN_NUMBER = re.compile(r"^\(?(\d+)\)?$")
_MAXIMUM_ONLY = re.compile(r"^\(?\s*(?:tối đa\s*)?[\d.,]+\s*(?:điểm)?\s*\)?$", re.IGNORECASE)


def is_column_numbers(plain: list[str]) -> bool:
    """The row '(1) (2) (3) …' under a header (cells already cleaned)."""
    values = [c for c in plain if c]
    if len(values) < 3:
        return False
    numbers = []
    for value in values:  # most rows stop at their first cell
        m = _COLUMN_NUMBER.match(value)
        if m is None:
            return False
        numbers.append(int(m.group(1)))
    return numbers == list(range(numbers[0], numbers[0] + len(numbers)))


def _collapse_header(table: TextTable) -> None:
    """Two header rows, as `columns` reads them: a row holding only maxima joins the row above;
    a group row above two levels lends its text to the cells below it that are empty."""
    header, lines = table.header, table.header_lines
    while len(header) > 2 and all(_MAXIMUM_ONLY.match(clean(c)) for c in header[-1] if clean(c)):
        last = header.pop()
        lines.pop()
        header[-1] = [f"{a} {b}".strip() for a, b in _zip_pad(header[-1], last)]
    if len(header) > 2:
        top = list(header[-2])
        for upper in reversed(header[:-2]):
            top = [a or b for a, b in _zip_pad(top, upper)]
        table.header = [top, header[-1]]
        table.header_lines = [lines[0], lines[-1]]


def _zip_pad(a: list[str], b: list[str]):
    n = max(len(a), len(b))
    return zip(a + [""] * (n - len(a)), b + [""] * (n - len(b)))


def names_first(header: list[list[str]]) -> bool:
    """A table without STT: its first header cell names the units, so its rows start with a name."""
    return bool(header) and bool(header[0]) and role_of(header[0][0]) in ("name", "district")


# Rows under the units (folded): their sum or mean, a note, the signatures; 'Cộng' alone ('Công an tỉnh' is a unit)
_NOT_UNIT = re.compile(r"^(?:tong cong|trung binh|binh quan|ghi chu|nguoi lap|thu truong|cong\W*$)")
_FOOTER = re.compile(_NOT_UNIT.pattern + r"|^(?:tong diem|tong so)")


def not_a_unit_name(name: str) -> bool:
    """Tổng cộng, Cộng, Trung bình, Ghi chú, Người lập biểu… (`name` cleaned)."""
    return _NOT_UNIT.match(fold(name)) is not None


def is_named_row(cells: list[str]) -> bool:
    """A body row that starts with the unit's name (a table without STT): a name, then a number;
    not a Tổng cộng / Trung bình / signature row."""
    first = clean(cells[0]) if cells else ""
    return bool(first) and not not_a_unit_name(first) and has_number(cells[1:])


def has_number(cells: list[str]) -> bool:
    for c in cells:
        try:
            if parse_score(c) is not None:
                return True
        except NumberError:
            continue
    return False


def is_footer_row(cells: list[str]) -> bool:
    """A row under the units with no STT: Tổng cộng, Tổng điểm, Trung bình, a note or the signatures. A form's
    total; never a unit of a summary table, nor the rest of the row above (a cell cut at a page end)."""
    return len(cells) > 1 and not clean(cells[0]) and _FOOTER.match(fold(clean(cells[1]))) is not None


def is_unit_row(cells: list[str]) -> bool:
    """A body row of a summary table that is a unit (not a group's subtotal, not a footer)."""
    return not is_outline_row(cells) and not is_footer_row(cells)


def _adds_a_number(row: list[str], cells: list[str]) -> bool:
    """`cells` would put a number after a number of `row`: a row of its own (a unit without STT), never the rest
    of `row` cut at a page end ('81,5' and '87' are not one score)."""
    return any(c and i < len(row) and row[i] and has_number([c]) and has_number([row[i]]) for i, c in enumerate(cells))


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
    role: str  # stt, name, field, total, rank, class, class_after_rule, district, ignore
    kind: str = ""  # self, appraised, survey, total ("" for a field column whose kind no header says)
    field_index: int | None = None
    max: Decimal | None = None
    label: str = ""  # the header text (for a field: the field's name)
    note: str = ""  # why an ignored column is ignored


_MAX_IN_HEADER = re.compile(r"\(\s*(?:tối đa\s*)?([\d.,]+)\s*(?:điểm)?\s*\)", re.IGNORECASE)
SCORE_KINDS = ("self", "appraised", "survey", "total")
RANK_CLASS = ("rank", "class", "class_after_rule")
UNKNOWN = "tiêu đề này chưa có trong danh mục tiêu đề (docs/headers.md)"
NO_KIND = ("cột điểm của lĩnh vực nhưng tiêu đề không nói là Tự chấm, Thẩm định hay ĐT XHH; "
           "bảng được xếp hạng theo cột tổng điểm")


def _header_max(label: str) -> Decimal | None:
    m = _MAX_IN_HEADER.search(label)
    if not m:
        return None
    try:
        return parse_score(m.group(1))
    except NumberError:
        return None


def _header_cells(table: TextTable) -> list[tuple[str, str]]:
    """(group, label) of each column: the top header cell (a merged group carries over the columns
    below it that have a label) and the cell of the second header row."""
    top = table.header[0] if table.header else []
    sub = table.header[1] if len(table.header) > 1 else []
    width = max([len(top), len(sub)] + [len(r) for r in table.rows])
    out, last = [], ""
    for i in range(width):
        own = clean(top[i]) if i < len(top) else ""
        label = clean(sub[i]) if i < len(sub) else ""
        last = own or (last if label else "")
        out.append((last, label))
    return out


def columns(table: TextTable, survey_fields: bool = False) -> list[Column]:
    """Describe each column by its header words (xltools/data/headers.yaml), from one or two header
    rows. Shapes: a field's name over its Tự chấm/Thẩm định/ĐT XHH columns, or a score kind over the
    fields; total/rank/class columns on their own or under a group. `survey_fields`: one-level field
    columns that name no kind hold survey scores (the report's survey table)."""
    cols: list[Column] = []
    fields: list[str] = []
    positions: dict[str, int] = {}

    def field(name: str, kind: str, cell: str) -> Column:
        if name not in fields:
            fields.append(name)
        # the maximum a field's name prints is its Tự chấm/Thẩm định maximum, never its ĐT XHH one
        inherited = _header_max(name) if kind != "survey" or cell == name else None
        return Column("field", kind=kind, field_index=fields.index(name), max=_header_max(cell) or inherited,
                      label=name)

    for group, label in _header_cells(table):
        g, sub = role_of(group), role_of(label)
        own = label or group
        if not own:
            cols.append(Column("ignore"))
        elif g in ("stt", "name", "district") and sub in (None, g):
            cols.append(Column(g, label=group))
        elif not label:  # a one-level column
            if g in SCORE_KINDS:
                cols.append(Column("total", kind=g, max=_header_max(group), label=group))
            elif g in RANK_CLASS:
                cols.append(Column(g, label=group))
            elif g == "field" or (g is None and _header_max(group) is not None):
                cols.append(field(group, "survey" if survey_fields else "", group))
            else:
                cols.append(Column("ignore", label=group, note=UNKNOWN))
        elif g == "rank_class":  # sub-headers other than rank/class/total are copies from the left
            position = positions.setdefault(group, 0)
            positions[group] += 1
            if sub in RANK_CLASS:
                cols.append(Column(sub, label=own))
            elif sub == "total":
                cols.append(Column("total", kind="total", max=_header_max(label), label=own))
            else:
                cols.append(Column(("rank", "class")[min(position, 1)], label=own))
        elif g in ("self", "appraised", "survey") and sub not in SCORE_KINDS + RANK_CLASS:
            cols.append(field(label, g, label))  # a score kind over the fields' columns
        elif g in ("total", "block", "self", "appraised", "survey", "rank", "class"):
            if sub in SCORE_KINDS:
                kind = g if sub == "total" and g in ("self", "appraised", "survey") else sub
                cols.append(Column("total", kind=kind, max=_header_max(label) or _header_max(group), label=own))
            elif sub in RANK_CLASS:
                cols.append(Column(sub, label=own))
            else:
                cols.append(Column("ignore", label=f"{group} / {label}", note=UNKNOWN))
        elif sub in ("self", "appraised", "survey"):  # a field's name over its score columns
            cols.append(field(group, sub, label))
        elif sub in RANK_CLASS:
            cols.append(Column(sub, label=own))
        else:
            cols.append(Column("ignore", label=f"{group} / {label}", note=UNKNOWN))
    return _settle(cols, survey_fields)


def _settle(cols: list[Column], survey_fields: bool) -> list[Column]:
    """Field columns whose kind no header says are not read (noted), except survey fields; then the
    bare total of a survey table is its survey total; a lone district column is the unit's name."""
    for c in cols:
        if c.role == "field" and not c.kind:
            c.role, c.note = "ignore", NO_KIND
    if survey_fields and any(c.role == "field" for c in cols):
        totals = [c for c in cols if c.role == "total"]
        if len(totals) == 1 and totals[0].kind == "total":
            totals[0].kind = "survey"
    if not any(c.role == "name" for c in cols):
        districts = [c for c in cols if c.role == "district"]
        if len(districts) == 1:
            districts[0].role = "name"
    used = sorted({c.field_index for c in cols if c.role == "field"})
    for c in cols:
        if c.role == "field":
            c.field_index = used.index(c.field_index)
    return cols


def has_unlabelled_fields(table: TextTable) -> bool:
    """One-level field columns that name no score kind (a survey table, or per-field totals)."""
    return any(c.note == NO_KIND for c in columns(table))


def check_columns(table: TextTable, cols: list[Column], where: str) -> None:
    """A table is read only when it has a unit-name column and at least one score column."""
    seen = ", ".join(f"'{g}{' / ' + sub if sub else ''}'" for g, sub in _header_cells(table) if g or sub) or "không có"
    if not any(c.role == "name" for c in cols):
        raise ReadError(f"{where}: tiêu đề bảng không có cột 'TÊN ĐƠN VỊ' (các tiêu đề: {seen}); "
                        f"tiêu đề cột tên đơn vị được chấp nhận: {accepted(('name',))}.")
    if not any(c.kind and c.role in ("field", "total") for c in cols):
        raise ReadError(f"{where}: không nhận ra cột điểm nào (các tiêu đề: {seen}). Cần ít nhất một cột tổng điểm "
                        f"({accepted(('total',))}), hoặc cột điểm {accepted(('appraised', 'survey', 'self'))} "
                        "(riêng, hoặc dưới tên từng lĩnh vực). Xem danh mục tiêu đề ở docs/headers.md.")


_DECIMAL_POINT = re.compile(r"^\d+\.(\d{1,2}|\d{4,})$")  # 89.95, 8.5: a dot that cannot group thousands


def decimal_point_columns(table: TextTable, cols: list[Column]) -> set[int]:
    """Score columns printed with a decimal point: no number uses a comma and at least one shows the dot is
    decimal (89.95); then 96.479 in the same column is 96,479 too. A column whose only dotted numbers have
    three decimals (1.055) stays ambiguous and is refused cell by cell."""
    out = set()
    for i, c in enumerate(cols):
        if not c.kind or c.role not in ("field", "total"):
            continue
        texts = [clean(row[i]) for row in table.rows if i < len(row)]
        if any(_DECIMAL_POINT.match(t) for t in texts) and not any("," in t for t in texts):
            out.add(i)
    return out


def field_names(cols: list[Column]) -> list[str]:
    names: list[str] = []
    for c in cols:
        if c.role == "field" and c.field_index == len(names):
            names.append(_MAX_IN_HEADER.sub("", c.label).strip())
    return names


def cell_where(table: TextTable, where: str, line: int, index: int, label: str) -> str:
    """The row, the cell (when known) and the column of one body cell."""
    if not table.cell_ref:
        return f"{where}, cột '{label}'"
    ref = table.cell_ref(line, index)
    row = f"dòng {line}, "  # a Word cell names its row ('dòng 5, ô thứ 9'), which `where` already says
    return f"{where}, {ref.removeprefix(row) if where.endswith(row[:-2]) else ref} ({label})"


def cell_value(table: TextTable, cells: list[str], where: str, line: int, index: int, label: str):
    """The score in one body cell; a ReadError names the row, the cell (when known) and the column."""
    cell = cells[index] if index < len(cells) else ""
    try:
        value = parse_score(cell)
    except NumberError as exc:  # the cell's address is worded only when needed: most cells read
        raise ReadError(f"{cell_where(table, where, line, index, label)}: {exc}") from exc
    return _noted(table, line, index, cell, value)


def score_or_problem(table: TextTable, cells: list[str], where: str, line: int, index: int, label: str,
                     problems: list[CellProblem], field: int | None = None, kind: str = ""):
    """The score in one body cell of a unit's row; text that is no number is recorded in the unit's
    problems (one finding for `check`) and reads as blank, so the rest of the table is still read."""
    cell = cells[index] if index < len(cells) else ""
    try:
        value = parse_score(cell)
    except NumberError as exc:
        problems.append(CellProblem(TEXT, kind or label, exc.text, cell_where(table, where, line, index, label),
                                    field, reason=exc.reason))
        return None
    return _noted(table, line, index, cell, value)


def _noted(table: TextTable, line: int, index: int, cell: str, value):
    """A score read from a cell the spreadsheet holds as text is kept, and the cell noted for the user."""
    if value is not None and (line, index) in table.text_cells and table.cell_ref:
        table.numbers_as_text.append(f"{table.cell_ref(line, index)} '{clean(cell)}'")
    return value


class _TextRow:
    """One body row of a text table as the shared row reader asks it (core/rows.py)."""

    def __init__(self, table: TextTable, cols: list[Column], cells: list[str], where: str, line: int, source: str):
        self.table, self.cols, self.cells, self.where, self.line, self.source = table, cols, cells, where, line, source
        self.problems: list[CellProblem] = []

    def clean(self, index: int) -> str:
        return clean(self.cells[index] if index < len(self.cells) else "")

    def text(self, index: int) -> str:
        return tidy(self.clean(index))

    def score(self, index: int, kind: str, field: int | None) -> Decimal | None:
        return score_or_problem(self.table, self.cells, self.where, self.line, index, self.cols[index].label,
                                self.problems, field, kind)

    def printed_score(self, index: int, kind: str) -> Decimal | None:
        return score_or_problem(self.table, self.cells, self.where, self.line, index, self.cols[index].label,
                                self.problems)

    def printed_int(self, index: int) -> int | None:
        text = self.clean(index)
        return int(text) if text.isdigit() else None

    def printed_text(self, index: int) -> str | None:
        return self.clean(index) or None

    def cell(self, index: int) -> str:
        if not self.table.cell_ref:
            return ""
        return ", ".join(x for x in (self.source, self.table.container, self.table.cell_ref(self.line, index)) if x)


def row_columns(cols: list[Column]) -> list[RowColumn]:
    """The columns a unit's row is read from (the shared row reader's model), left to right."""
    out = []
    for i, c in enumerate(cols):
        if c.role == "field" and c.kind:
            out.append(RowColumn(i, rows.FIELD, c.kind, c.field_index))
        elif c.role == "total":
            out.append(RowColumn(i, rows.TOTAL, c.kind))
        elif c.role in ("stt", "name", "district", "rank", "class", "class_after_rule"):
            out.append(RowColumn(i, c.role))
    return out


def units_table(table: TextTable, source: str, survey_fields: bool = False, district: str | None = None,
                n_fields: int | None = None) -> UnitsTable:
    """A summary table as units; printed totals, ranks and classes are kept to be checked. A table
    without a unit-name column or any score column is refused; each column not read is noted."""
    cols = columns(table, survey_fields)
    names = field_names(cols)
    count = n_fields or len(names)
    label = table_label(table)
    lines = "–".join(str(n) for n in table.header_lines[:2])
    check_columns(table, cols, f"{source}, {label}" + (f", dòng {lines}" if lines else ""))
    notes = [f"{label}: cột {i + 1} '{c.label}' không được dùng để tính: {c.note}."
             for i, c in enumerate(cols) if c.role == "ignore" and c.label]
    units: list[Unit] = []
    header_maxima = []
    for c in cols:
        if c.max is not None and c.kind:
            header_maxima.append(HeaderMax(c.field_index if c.role == "field" else None,
                                           c.kind, c.max, f"{source}, {label}, tiêu đề cột '{c.label}'"))
    dotted = decimal_point_columns(table, cols)
    read = row_columns(cols)
    too_many = any(c.role == rows.FIELD and c.field is not None and c.field >= count for c in read)
    for row, line in zip(table.rows, table.line_numbers):
        row = [c.replace(".", ",") if i in dotted else c for i, c in enumerate(row)]
        where = f"{source}, {label}, dòng {line}"
        if is_footer_row(row):
            continue  # Tổng cộng, Trung bình: the units' sum or mean, not a unit
        if is_outline_row(row):
            notes.append(f"{label}, dòng {line}: dòng đánh số '{clean(row[0])}' không phải một đơn vị (đơn vị đánh "
                         "số 1, 2, 3…): không được tính.")
            continue
        if too_many:
            raise ReadError(f"{where}: bảng có nhiều lĩnh vực hơn bộ tiêu chí ({count}).")
        unit = unit_of_row(read, _TextRow(table, cols, row, where, line, source), count, where, district,
                           skip_blank=False)
        assert unit is not None  # skip_blank=False: every body row is a unit
        units.append(unit)
    title = " ".join(table.title)
    return UnitsTable(units=units, level=detect_level(title), title=title, source=source, sheet=label,
                      year=detect_year(" ".join(table.title[-3:])), province=detect_province(title),
                      header_maxima=header_maxima, field_names=names, notes=notes,
                      numbers_as_text=table.numbers_as_text)


def table_label(table: TextTable) -> str:
    """'Phụ lục I', with the sheet or Word table it sits in when there is one."""
    for line in reversed(table.title):
        m = re.search(r"PHỤ LỤC\s+[IVX]+", line, re.IGNORECASE)
        if m:
            label = m.group(0).upper().replace("PHỤ LỤC", "Phụ lục")
            return f"{label} ({table.container})" if table.container else label
    return table.container or f"bảng {table.index + 1}"
