"""The cells a council member types, keyed by what they mean (unit, field or criterion, kind) rather
than where they are: the master may be re-sorted (Tính lại xếp hạng) between the split and the merge,
so a cell is found again by its unit's name, as the workbook's own MATCH formulas find a unit.

Positions come from the layout contract (xltools.workbook.layout) and the Cấu hình sheet; values are
read by the workbook reader, which also refuses a workbook whose formulas were typed over.
"""
from __future__ import annotations

from dataclasses import dataclass, field as dc_field
from decimal import Decimal
from pathlib import Path

from ..core.criteria import CriteriaSet
from ..core.names import exact_key
from ..core.scoring import UnitsTable
from ..errors import ReadError
from ..workbook import layout as L
from ..workbook.reader import GridReader, load_grids

APPRAISED, NOTE, REASON = "appraised", "note", "reason"
KIND_LABEL = {APPRAISED: "Thẩm định", NOTE: "Ghi chú thẩm định", REASON: "Giải trình"}


@dataclass(frozen=True, order=True)
class Slot:
    """One typed cell. `item`: a field's number in the set (1-based) on the summary sheet, a criterion
    code on the detail sheet, or "" for the unit's own note (Ghi chú thẩm định of the summary row)."""

    level: str
    unit: str
    item: str
    kind: str

    def as_list(self) -> list[str]:
        return [self.level, self.unit, self.item, self.kind]


@dataclass
class SectionCells:
    section: L.Section
    year: int | None
    units: list[str]  # names in row order
    cells: dict[Slot, tuple[str, int, int]] = dc_field(default_factory=dict)  # every typed cell: (sheet, row, col)
    values: dict[Slot, object] = dc_field(default_factory=dict)  # the cells that are not empty

    @property
    def cset(self) -> CriteriaSet:
        return self.section.cset


@dataclass
class BookCells:
    source: str
    sections: list[SectionCells]
    tables: list[tuple[UnitsTable, CriteriaSet]]  # what the reader read (scores for the core)
    grids: dict[str, list[list]]
    typed: dict[str, list[list]] = dc_field(default_factory=dict)  # the cells as typed (formulas as text)

    def section(self, level: str) -> SectionCells | None:
        return next((s for s in self.sections if s.cset.level == level), None)

    @property
    def cells(self) -> dict[Slot, tuple[str, int, int]]:
        return {k: v for s in self.sections for k, v in s.cells.items()}

    @property
    def values(self) -> dict[Slot, object]:
        return {k: v for s in self.sections for k, v in s.values.items()}

    def where(self, slot: Slot) -> str:
        sheet, row, col = self.cells[slot]
        return L.where(sheet, col, row)


def read_file(path) -> BookCells:
    path = Path(path)
    return read_cells(path.name, *load(path))


def load(path: Path) -> tuple[dict, dict]:
    """The grids of a workbook file (workbook.reader.load_grids); a file that is no Excel workbook is a
    ReadError saying what it is and what to do."""
    if not path.is_file():
        raise ReadError(f"Không tìm thấy tệp '{path}'; hãy kiểm tra đường dẫn.")
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        old = " (tệp .xls: hãy mở bằng Excel và lưu lại dạng .xlsx, Excel Workbook)" if path.suffix.lower() == ".xls" else ""
        raise ReadError(f"{path.name}: không phải bảng tính Excel .xlsx hoặc .xlsm{old}; chia phần, hợp nhất và so "
                        "sánh dùng bảng tính thẩm định tạo bằng `xltools template`.")
    try:
        return load_grids(path)
    except ReadError:
        from ..importers.office_open import check_excel

        check_excel(path)  # a truncated or disguised file: the message `check` and `rank` give
        raise


def read_cells(source: str, grids: dict, typed: dict | None = None) -> BookCells:
    """The typed cells of a workbook made by `xltools template`. Raises ReadError (Vietnamese, naming the
    file and the cells) for what the reader refuses: text in score cells, formulas typed over."""
    if L.CONFIG_SHEET not in grids:
        raise ReadError(f"{source}: không phải bảng tính thẩm định do xltools tạo (không có trang '{L.CONFIG_SHEET}'; "
                        f"các trang: {', '.join(grids) or 'không có'}). Chia phần, hợp nhất và so sánh dùng bảng tính "
                        "tạo bằng `xltools template` (hoặc bản đã hợp nhất của nó); một bảng phụ lục đã in thì kiểm "
                        "tra bằng `xltools check`, xếp hạng bằng `xltools rank`.")
    reader = GridReader(source, grids, typed)
    tables = reader.read()
    config = reader.config()
    layout = reader.layout()
    sections = []
    for section, (_, _, _, year) in zip(layout.sections, config):
        sections.append(_section_cells(reader, section, year))
    if reader.problems:  # a score cell holding text or a date: the council cannot tell what was meant
        shown = "\n".join(f"  - {p}" for p in reader.problems[:20])
        more = f"\n  … và {len(reader.problems) - 20} ô khác." if len(reader.problems) > 20 else ""
        raise ReadError(f"{source}: có ô điểm không phải là số, hãy nhập lại bằng số:\n{shown}{more}")
    return BookCells(source, sections, tables, grids, typed or {})


def formulas_lost(master: BookCells, other: BookCells) -> list[str]:
    """Cells that hold a formula in the master and something else in `other` (a number typed over a total or a
    rank once the protection was removed): every data row has the same formulas, so re-sorting the master does
    not matter."""
    lost = []
    for name, rows in master.typed.items():
        theirs = other.typed.get(name)
        if theirs is None:
            continue
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if isinstance(value, str) and value.startswith("="):
                    mine = theirs[r - 1][c - 1] if r <= len(theirs) and c <= len(theirs[r - 1]) else None
                    if not (isinstance(mine, str) and mine.startswith("=")) and not hasattr(mine, "text"):
                        lost.append(f"{L.where(name, c, r)} ({'trống' if mine is None else repr(mine)})")
    return lost


def _section_cells(reader: GridReader, section: L.Section, year) -> SectionCells:
    cset, lay = section.cset, section.summary
    level = cset.level
    out = SectionCells(section, year, [])
    ws = reader.sheet(lay.sheet)
    seen = set()

    def put(slot, sheet, row, col, value):
        out.cells[slot] = (sheet, row, col)
        if value is not None and value != "":
            out.values[slot] = value

    for row in range(lay.first_row, ws.max_row + 1):
        name = reader.text(ws, row, lay.name)
        if not name or exact_key(name) in seen:  # MATCH finds the first row of a name
            continue
        seen.add(exact_key(name))
        out.units.append(name)
        for k, fc in enumerate(lay.fields):
            if not lay.field_from_detail(k):
                put(Slot(level, name, str(k + 1), APPRAISED), lay.sheet, row, fc.appraised,
                    reader.number(ws, row, fc.appraised, f"{name}, {cset.fields[k].name}, Thẩm định"))
        put(Slot(level, name, "", NOTE), lay.sheet, row, lay.note, reader.text(ws, row, lay.note))
    if section.detail:
        _detail_cells(reader, section, seen, put)
    return out


def _detail_cells(reader: GridReader, section: L.Section, names: set[str], put) -> None:
    dl, level = section.detail, section.cset.level
    ws = reader.sheet(dl.sheet)
    leaves = [n for n in dl.nodes if not n.children and not n.survey]
    done = set()
    k = 0
    while dl.block_start(k) <= ws.max_row:
        start = dl.block_start(k)
        k += 1
        name = reader.text(ws, start, dl.unit)
        if not name or exact_key(name) not in names or exact_key(name) in done:
            continue
        done.add(exact_key(name))
        for node in leaves:
            row = start + dl.offsets[node.code]
            put(Slot(level, name, node.code, APPRAISED), dl.sheet, row, dl.appraised,
                reader.number(ws, row, dl.appraised, f"{name}, tiêu chí {node.code}, Thẩm định"))
            put(Slot(level, name, node.code, REASON), dl.sheet, row, dl.reason, reader.text(ws, row, dl.reason))
            put(Slot(level, name, node.code, NOTE), dl.sheet, row, dl.note, reader.text(ws, row, dl.note))


SCORE_LABEL = {"self": "Tự chấm", "appraised": "Thẩm định", "survey": "ĐT XHH", "bonus": "Điểm thưởng",
               "penalty": "Điểm trừ"}
ScoreKey = tuple[str, str, str, str]  # (level, unit key, field number or criterion code, kind)


def other_scores(book: BookCells) -> dict[ScoreKey, tuple[Decimal, str, str]]:
    """The scores no council member types (Tự chấm, ĐT XHH, bonus, penalty) that are not blank: (value, cell,
    unit name) by (level, unit key, field number or criterion code, kind). Recorded at split time, so the
    merge can name a member who changed one after removing the sheet's protection."""
    out: dict[ScoreKey, tuple[Decimal, str, str]] = {}

    def add(level, name, item, kind, value, where) -> None:
        if value is not None:
            out[(level, exact_key(name), item, kind)] = (value, where, name)

    for table, cset in book.tables:
        section = book.section(cset.level)
        if section is None:
            continue
        lay, dl, level = section.section.summary, section.section.detail, cset.level
        for unit in table.units:
            for k, f in enumerate(unit.fields):
                for kind in ("self", "survey"):
                    if kind == "survey" or not lay.field_from_detail(k):  # else the criteria's Tự chấm count
                        add(level, unit.name, str(k + 1), kind, f.score(kind), f.cells.get(kind, unit.where))
            for code, c in unit.criteria.items():
                cell = section.cells.get(Slot(level, unit.name, code, APPRAISED))
                where = L.where(cell[0], dl.self_col, cell[1]) if cell and dl else unit.where
                add(level, unit.name, code, "self", c.self_score, where)
            add(level, unit.name, "", "bonus", unit.bonus, unit.where)
            add(level, unit.name, "", "penalty", unit.penalty, unit.where)
    return out


# ---------------------------------------------------------------- what a slot is about

def field_index(slot: Slot, cset: CriteriaSet) -> int | None:
    """The 0-based field of the set a cell belongs to (None: the unit's own note)."""
    if not slot.item:
        return None
    if "." not in slot.item and slot.item.isdigit():
        return int(slot.item) - 1
    return field_of_criterion(cset).get(slot.item)


_FIELD_OF: dict[int, tuple[CriteriaSet, dict[str, int]]] = {}


def field_of_criterion(cset: CriteriaSet) -> dict[str, int]:
    """Criterion code -> its field's index, computed once per set object (a 200-unit detail sheet asks 40 000
    times; hashing the frozen set would cost as much as computing)."""
    known = _FIELD_OF.get(id(cset))
    if known is None or known[0] is not cset:
        codes = {f.code: i for i, f in enumerate(cset.fields)}
        known = _FIELD_OF[id(cset)] = (cset, {node.code: codes[top.code] for top in cset.criteria if top.code in codes
                                              for node in top.walk()})
    return known[1]


def describe(slot: Slot, cset: CriteriaSet) -> tuple[str, str]:
    """(field name, what the cell is) for messages: ('Cải cách thể chế', 'Thẩm định') or
    ('Cải cách thể chế', 'tiêu chí 2.1.3, Ghi chú thẩm định')."""
    k = field_index(slot, cset)
    field = cset.fields[k].name if k is not None and 0 <= k < len(cset.fields) else ""
    what = KIND_LABEL[slot.kind]
    if slot.item and not slot.item.isdigit():
        what = f"tiêu chí {slot.item}, {what}"
    return field, what


def as_text(value) -> str:
    """A cell value as it is written in manifests and messages (numbers without trailing zeros)."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return text
    return str(value)


def from_text(kind: str, text: str | None):
    """The value of a cell of `kind` written by as_text."""
    if text is None or text == "":
        return None
    return Decimal(text) if kind == APPRAISED else text


def cell_value(value):
    """What to write into the workbook for a value: numbers as Excel numbers."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value
