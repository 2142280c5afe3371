"""`xltools diff OLD NEW`: every changed score between two versions of a workbook, who typed it when the
provenance sheet of NEW knows, and what it moved: total, rank and class of every unit, computed by the
core for both versions (a unit whose scores did not change may still move in rank).

For the council's minutes and for the replies to units' requests for re-examination (phúc tra).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field as dc_field
from decimal import Decimal
from pathlib import Path

from ..celltext import put
from ..core.evaluate import evaluate
from ..core.names import exact_key
from ..core.numbers import format_vn, format_vn_short, to_decimal
from ..core.scoring import Unit
from ..errors import ReadError, UserError
from ..wording import RULE_HEAD
from ..workbook import layout as L
from .cells import APPRAISED, KIND_LABEL as CELL_KIND, NOTE, REASON, SCORE_LABEL, BookCells, Slot, read_file
from .manifest import DATA_SHEET
from .merge import PROVENANCE_SHEET

PLUMBING = {DATA_SHEET, "xlwings.conf"}  # sheets no one reads: a part's manifest, xlwings' settings (excel.xlsm)
KIND_LABEL = SCORE_LABEL


@dataclass
class ScoreChange:
    sheet: str  # the summary sheet of the unit's level
    unit: str
    field: str
    criterion: str  # the criterion code for detail scores, else ""
    kind: str  # self, appraised, survey, bonus, penalty
    old: Decimal | None
    new: Decimal | None
    where: str  # the cell in NEW (or in OLD for a unit NEW no longer has)
    who: str  # who typed it, from NEW's provenance sheet ("" when unknown)

    def as_dict(self) -> dict:
        return dict(asdict(self), old=_num(self.old), new=_num(self.new), kind_label=KIND_LABEL[self.kind])


@dataclass
class NoteChange:
    """A Ghi chú thẩm định or Giải trình that differs: text an appraiser typed, which no score shows."""

    sheet: str  # the summary sheet of the unit's level
    unit: str
    criterion: str  # the criterion code on the detail sheet, "" for the unit's note on the summary
    kind: str  # "note" (Ghi chú thẩm định) or "reason" (Giải trình)
    old: str
    new: str
    where: str  # the cell in NEW (or in OLD when NEW has none)

    def as_dict(self) -> dict:
        return dict(asdict(self), kind_label=CELL_KIND[self.kind])


@dataclass
class Movement:
    sheet: str
    unit: str
    old_total: Decimal | None
    new_total: Decimal | None
    old_rank: int | None
    new_rank: int | None
    old_class: str | None
    new_class: str | None
    old_class_after_rule: str | None = None
    new_class_after_rule: str | None = None

    def as_dict(self) -> dict:
        return dict(asdict(self), old_total=_num(self.old_total), new_total=_num(self.new_total))


@dataclass
class Diff:
    old: str
    new: str
    changes: list[ScoreChange]
    movements: list[Movement]
    added: list[tuple[str, str]]  # (sheet, unit) only in NEW
    removed: list[tuple[str, str]]  # (sheet, unit) only in OLD
    decimals: dict[str, int]  # per sheet, for printing totals
    notes: list[NoteChange] = dc_field(default_factory=list)
    sheets_removed: list[str] = dc_field(default_factory=list)  # sheets of OLD that NEW does not have
    sheets_added: list[str] = dc_field(default_factory=list)

    def as_dict(self) -> dict:
        return {"old": self.old, "new": self.new, "changes": [c.as_dict() for c in self.changes],
                "movements": [m.as_dict() for m in self.movements],
                "units_added": [{"sheet": s, "unit": u} for s, u in self.added],
                "units_removed": [{"sheet": s, "unit": u} for s, u in self.removed],
                "notes_changed": [n.as_dict() for n in self.notes],
                "sheets_removed": self.sheets_removed, "sheets_added": self.sheets_added}

    @property
    def same(self) -> bool:
        return not (self.changes or self.movements or self.added or self.removed or self.notes
                    or self.sheets_removed or self.sheets_added)


def _num(value):
    return None if value is None else float(value)


# ---------------------------------------------------------------- computing

def diff_files(old, new) -> Diff:
    return diff(read_file(old), read_file(new))


def diff(old: BookCells, new: BookCells) -> Diff:
    pairs = [(o, n) for o in old.tables for n in new.tables if o[1].level == n[1].level]
    if not pairs:
        raise ReadError(f"{old.source} và {new.source} không có bảng cùng cấp để so sánh (bộ tiêu chí khác nhau); hãy "
                        "chọn hai phiên bản của cùng một bảng tính.")
    who = _provenance(new)
    changes, movements, added, removed, decimals = [], [], [], [], {}
    old_eval = {e.cset.level: e for e in evaluate(old.tables)}
    new_eval = {e.cset.level: e for e in evaluate(new.tables)}
    for (old_table, _), (new_table, cset) in pairs:
        level, sheet = cset.level, new_table.sheet
        decimals[sheet] = cset.decimals
        olds = {exact_key(u.name): u for u in old_table.units if u.name}
        news = {exact_key(u.name): u for u in new_table.units if u.name}
        section = new.section(level)
        for key, unit in news.items():
            if key not in olds:
                added.append((sheet, unit.name))
                continue
            changes += _unit_changes(olds[key], unit, cset, sheet, section, new, who)
        removed += [(sheet, u.name) for k, u in olds.items() if k not in news]
        before = {exact_key(r.unit.name): r for r in old_eval[level].results}
        for r in new_eval[level].results:
            b = before.get(exact_key(r.unit.name))
            if b is None:
                continue
            m = Movement(sheet, r.unit.name, b.total, r.total, b.rank, r.rank, b.class_label, r.class_label,
                         b.class_after_rule, r.class_after_rule)
            if (m.old_total, m.old_rank, m.old_class, m.old_class_after_rule) != \
                    (m.new_total, m.new_rank, m.new_class, m.new_class_after_rule):
                movements.append(m)
    sheets = [[n for n in a.grids if n not in b.grids and n not in PLUMBING] for a, b in ((old, new), (new, old))]
    return Diff(old.source, new.source, changes, movements, added, removed, decimals, note_changes(old, new), *sheets)


def note_changes(old: BookCells, new: BookCells) -> list[NoteChange]:
    """The notes and reasons that differ, for the units both versions have (matched by name)."""
    def key(slot: Slot) -> tuple[str, str, str, str]:
        return slot.level, exact_key(slot.unit), slot.item, slot.kind

    def texts(book: BookCells) -> dict[tuple, str]:
        return {key(s): str(v) for s, v in book.values.items() if s.kind in (NOTE, REASON)}

    before, after = texts(old), texts(new)
    cells = {key(s): s for s in new.cells}  # where the text is, or should be, in NEW
    out = []
    for slot in old.cells:
        k = key(slot)
        if k in cells and slot.kind in (NOTE, REASON) and before.get(k, "") != after.get(k, ""):
            cell = cells[k]
            section = new.section(cell.level)
            out.append(NoteChange(section.section.summary.sheet if section else "", cell.unit, cell.item, cell.kind,
                                  before.get(k, ""), after.get(k, ""), new.where(cell)))
    return out


def _unit_changes(old: Unit, new: Unit, cset, sheet: str, section, book: BookCells, who: dict) -> list[ScoreChange]:
    out = []
    lay = section.section.summary if section else None
    for k, (f, a, b) in enumerate(zip(cset.fields, old.fields, new.fields)):
        from_detail = lay is not None and lay.field_from_detail(k)
        for kind in ("self", "appraised", "survey"):
            if from_detail and kind != "survey":
                continue  # the criteria's changes are listed instead
            before, after = a.score(kind), b.score(kind)
            if before != after:
                out.append(ScoreChange(sheet, new.name, f.name, "", kind, before, after, b.cells.get(kind, new.where),
                                       _who(who, new.name, str(k + 1), kind, after)))
    for kind in ("bonus", "penalty"):
        before, after = getattr(old, kind), getattr(new, kind)
        if before != after:
            out.append(ScoreChange(sheet, new.name, "", "", kind, before, after, new.where, ""))
    if cset.criteria:
        field_of = {node.code: f.name for top in cset.criteria for f in cset.fields if f.code == top.code
                    for node in top.walk()}
        for leaf in cset.leaves():
            was, now = old.criteria.get(leaf.code), new.criteria.get(leaf.code)
            for kind in ("self", "appraised"):
                before, after = (c.score(kind) if c else None for c in (was, now))
                if before != after:
                    out.append(ScoreChange(sheet, new.name, field_of.get(leaf.code, ""), leaf.code, kind, before, after,
                                           _detail_where(book, cset.level, new.name, leaf.code, kind),
                                           _who(who, new.name, leaf.code, kind, after)))
    return out


def _detail_where(book: BookCells, level: str, unit: str, code: str, kind: str) -> str:
    section = book.section(level)
    cell = section.cells.get(Slot(level, unit, code, APPRAISED)) if section else None
    if cell is None:
        return ""
    sheet, row, col = cell
    dl = section.section.detail
    return L.where(sheet, dl.self_col if kind == "self" else col, row)


def _provenance(book: BookCells) -> dict[tuple[str, str, str], tuple[str, Decimal | None]]:
    """(unit key, field number or criterion code, kind) -> (who typed it, the value they typed), from the
    Nguồn điểm sheet. A cell changed since (typed by hand in the master) is nobody's."""
    out = {}
    kinds = {label: kind for kind, label in CELL_KIND.items()}
    for row in (book.grids.get(PROVENANCE_SHEET) or [])[2:]:
        row = list(row) + [None] * 9
        if row[2] and kinds.get(row[5]) == APPRAISED and row[7]:
            value = to_decimal(row[6]) if isinstance(row[6], (int, float)) else None
            out[(exact_key(str(row[2])), str(row[4] or ""), "appraised")] = (str(row[7]), value)
    return out


def _who(who: dict, unit: str, item: str, kind: str, value) -> str:
    name, typed = who.get((exact_key(unit), item, kind), ("", None))
    return name if typed == value else ""


# ---------------------------------------------------------------- showing

def change_line(c: ScoreChange) -> list[str]:
    what = f"tiêu chí {c.criterion}, " if c.criterion else ""
    return [c.where, c.unit, c.field, what + KIND_LABEL[c.kind], _score(c.old), _score(c.new), c.who]


def movement_line(m: Movement, decimals: int) -> list[str]:
    def pair(a, b, show=str):
        return f"{show(a) if a is not None else '–'} → {show(b) if b is not None else '–'}" if a != b else \
            (show(a) if a is not None else "–")
    line = [m.sheet, m.unit, pair(m.old_total, m.new_total, lambda v: format_vn(v, decimals)),
            pair(m.old_rank, m.new_rank), pair(m.old_class, m.new_class)]
    if m.old_class_after_rule or m.new_class_after_rule:
        line.append(pair(m.old_class_after_rule, m.new_class_after_rule))
    return line


def note_line(n: NoteChange) -> list[str]:
    what = (f"tiêu chí {n.criterion}, " if n.criterion else "") + CELL_KIND[n.kind]
    return [n.where, n.unit, what, _text(n.old), _text(n.new)]


def _text(value: str) -> str:
    return f"'{value}'" if value else "(trống)"


CHANGE_HEADER = ["Ô", "Đơn vị", "Lĩnh vực", "Điểm", "Cũ", "Mới", "Người nhập"]
NOTE_HEADER = ["Ô", "Đơn vị", "Nội dung", "Cũ", "Mới"]
NOTES_TITLE = "III. GHI CHÚ, GIẢI TRÌNH THAY ĐỔI"
MOVEMENT_HEADER = ["Trang", "Đơn vị", "Tổng cộng", "Xếp hạng", "Xếp loại", RULE_HEAD]


def _score(value) -> str:
    return "(trống)" if value is None else format_vn_short(value)


def text_report(d: Diff) -> str:
    lines = [f"So sánh {d.old} → {d.new}", f"\nĐiểm thay đổi: {len(d.changes)}"]
    for c in d.changes:
        where, unit, field, what, old, new, who = change_line(c)
        lines.append(f"  {where} – {unit} – {field + ', ' if field else ''}{what}: {old} → {new}"
                     + (f" (do {who} nhập)" if who else ""))
    lines.append(f"\nThay đổi tổng điểm, xếp hạng, xếp loại: {len(d.movements)}")
    for m in d.movements:
        line = movement_line(m, d.decimals.get(m.sheet, 3))
        lines.append(f"  {line[1]} ({line[0]}): tổng {line[2]}; hạng {line[3]}; {line[4]}"
                     + (f"; sau quy tắc 2/3: {line[5]}" if len(line) > 5 else ""))
    for label, units in (("Đơn vị mới", d.added), ("Đơn vị không còn", d.removed)):
        if units:
            lines.append(f"\n{label}: " + "; ".join(f"{u} ({s})" for s, u in units))
    if d.notes:
        lines.append(f"\nGhi chú, giải trình thay đổi: {len(d.notes)}")
        lines += [f"  {where} – {unit} – {what}: {old} → {new}" for where, unit, what, old, new in map(note_line, d.notes)]
    if d.sheets_removed:
        lines.append(f"\nTrang chỉ có ở {d.old} (không còn ở {d.new}): " + ", ".join(d.sheets_removed))
    if d.sheets_added:
        lines.append(f"\nTrang mới ở {d.new}: " + ", ".join(d.sheets_added))
    if not d.changes and not d.movements and not d.added and not d.removed:
        lines.append("\nHai phiên bản có cùng điểm số." if d.same else
                     "\nHai phiên bản có cùng điểm số, nhưng khác nhau ở ghi chú hoặc các trang (xem trên).")
    return "\n".join(lines)


def write_report(d: Diff, path) -> Path:
    from ..files import write_safely

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".docx", ".xlsx"):
        raise UserError(f"Báo cáo so sánh ghi ra .docx hoặc .xlsx (đang là '{path.name}').")
    save = _save_docx if suffix == ".docx" else _save_xlsx
    return write_safely(path, lambda tmp: save(d, tmp))


def _tables(d: Diff) -> list[tuple[str, list[str], list[list[str]]]]:
    width = len(MOVEMENT_HEADER) if any(m.old_class_after_rule or m.new_class_after_rule for m in d.movements) else 5
    moves = [(movement_line(m, d.decimals.get(m.sheet, 3)) + [""])[:width] for m in d.movements]
    tables = [("I. CÁC ĐIỂM THAY ĐỔI", CHANGE_HEADER, [change_line(c) for c in d.changes]),
              ("II. THAY ĐỔI TỔNG ĐIỂM, XẾP HẠNG, XẾP LOẠI", MOVEMENT_HEADER[:width], moves)]
    if d.notes:
        tables.append((NOTES_TITLE, NOTE_HEADER, [note_line(n) for n in d.notes]))
    return tables


TITLE = "BÁO CÁO THAY ĐỔI ĐIỂM THẨM ĐỊNH CHỈ SỐ CCHC"


def _save_docx(d: Diff, path: Path) -> None:
    from ..publish import docx_style as S

    doc = S.new_document(13)
    S.page(doc.sections[0], landscape=True)
    S.paragraph(doc, TITLE, bold=True, align=S.CENTER)
    S.paragraph(doc, f"(So sánh {d.old} với {d.new})", italic=True, align=S.CENTER, space_after=6)
    width = S.usable_width_mm(True)
    for title, header, rows in _tables(d):
        S.paragraph(doc, title, bold=True, space_before=6, space_after=3)
        if not rows:
            S.paragraph(doc, "Không có.", italic=True)
            continue
        weights = ([1.7, 2.2, 2.2, 1.4, 0.8, 0.8, 1.2] if header is CHANGE_HEADER else
                   [1.7, 2.2, 1.8, 3, 3] if header is NOTE_HEADER else [1.2, 2.6, 1.8, 1, 1.4, 1.4])
        weights = weights[:len(header)]
        table = S.new_table(doc, len(rows) + 1, [width * w / sum(weights) for w in weights])
        for c, text in zip(table.rows[0].cells, header):
            S.write_cell(c, text, bold=True, size=12)
        S.repeat_header(table.rows[0])
        for row, values in zip(table.rows[1:], rows):
            for c, text in zip(row.cells, values):
                S.write_cell(c, text, size=12, align=S.LEFT if text and not text[0].isdigit() else S.CENTER)
    for label, units in (("Đơn vị mới", d.added), ("Đơn vị không còn", d.removed)):
        if units:
            S.paragraph(doc, f"{label}: " + "; ".join(f"{u} ({s})" for s, u in units), space_before=6)
    if d.sheets_removed:
        S.paragraph(doc, f"Trang chỉ có ở {d.old}: " + ", ".join(d.sheets_removed), space_before=6)
    doc.save(str(path))


def _save_xlsx(d: Diff, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    for (title, header, rows), name in zip(_tables(d), ("Điểm thay đổi", "Xếp hạng thay đổi", "Ghi chú thay đổi")):
        ws = wb.create_sheet(name)
        for r, line in enumerate([[title], header, *rows], start=1):
            for c, value in enumerate(line, start=1):
                put(ws.cell(row=r, column=c), value)
        for cell in ws[1] + ws[2]:
            cell.font = Font(bold=True)
        for i in range(1, len(header) + 1):
            ws.column_dimensions[L.col_letter(i)].width = 18 if i > 2 else 26
    wb.save(str(path))
