"""Making a workbook again from an older one (`xltools template --units OLD.xlsx --with-appraised`, the way
to add units): the builder lays out names and scores again; this carries what it does not (each unit's Ghi
chú thẩm định, the merge's Hợp nhất and Nguồn điểm sheets, the office's Phân công sheet and any other sheet
of OLD) and then compares the new file with OLD (xltools diff), so whatever is still not in it is listed.
"""
from __future__ import annotations

from dataclasses import dataclass, field as dc_field
from pathlib import Path

from ..celltext import put
from ..core.names import exact_key
from ..errors import ReadError
from ..workbook import layout as L
from ..workbook.values import FORMULA
from .cells import NOTE, BookCells, Slot, read_file
from .manifest import DATA_SHEET, SHEET as ASSIGNMENT_SHEET

# Sheets never carried: a part's very hidden manifest (the new workbook is no part), the macros' findings
# (stale once the units change; Tính lại xếp hạng writes them again), xlwings' settings (excel.xlsm.CONF_SHEET,
# written again by --xlsm).
NOT_CARRIED = {DATA_SHEET, L.CHECKS_SHEET, "xlwings.conf"}


@dataclass
class Carried:
    notes: int = 0  # units whose Ghi chú thẩm định was written again
    sheets: list[str] = dc_field(default_factory=list)
    as_values: list[str] = dc_field(default_factory=list)  # carried sheets whose formulas became their values
    decision: str = ""  # OLD's decision line, written again (typed_decision)

    def message(self, source: str) -> str:
        said = [f"dòng '{self.decision}'"] if self.decision else []
        if self.notes:
            said.append(f"ghi chú thẩm định của {self.notes} đơn vị")
        if self.sheets:
            said.append("trang " + ", ".join(self.sheets))
        text = f"Đã chép từ {source}: " + "; ".join(said) + "." if said else ""
        if self.as_values:
            text += (f" Trang {', '.join(self.as_values)} có công thức: đã chép giá trị đang hiện (không chép công "
                     "thức), hãy xem lại.")
        return text


def old_workbook(units_file: str | None) -> BookCells | None:
    """The units file when it is an appraisal workbook made by xltools, else None."""
    if not units_file or Path(units_file).suffix.lower() not in (".xlsx", ".xlsm"):
        return None
    try:
        return read_file(units_file)
    except ReadError:
        return None  # a published table, a plain list: nothing of the council's to carry


def carry(old: BookCells, wb, with_appraised: bool) -> Carried:
    """Write into the new workbook `wb` (not saved yet) what the builder does not lay out again."""
    done = Carried()
    if not with_appraised:  # a new workbook for the same units: no appraisal, no history (not_carried says so)
        return done
    for section in old.sections:
        lay = section.section.summary
        if lay.sheet not in wb.sheetnames:
            continue
        ws = wb[lay.sheet]
        row_of = {exact_key(str(ws.cell(row=r, column=lay.name).value)): r
                  for r in range(lay.first_row, ws.max_row + 1) if ws.cell(row=r, column=lay.name).value}
        for unit in section.units:
            note = section.values.get(Slot(section.cset.level, unit, "", NOTE))
            row = row_of.get(exact_key(unit))
            if note and row and ws.cell(row=row, column=lay.note).value != note:
                put(ws.cell(row=row, column=lay.note), note)
                done.notes += 1
    skipped = NOT_CARRIED | ({ASSIGNMENT_SHEET} if DATA_SHEET in old.grids else set())  # a part's: not the office's
    for name, rows in old.grids.items():
        if name in wb.sheetnames or name in skipped:
            continue
        ws = wb.create_sheet(name)
        typed = old.typed.get(name) or []
        for r, line in enumerate(rows, start=1):
            for c, value in enumerate(line, start=1):
                if value is not None and value != "":
                    put(ws.cell(row=r, column=c), value)
        done.sheets.append(name)
        if any(v == FORMULA for line in typed for v in line):
            done.as_values.append(name)
    return done


def not_carried(old: BookCells, new_path: Path, with_appraised: bool, decision: str = "") -> list[str]:
    """What of OLD the new file does not hold, one line each (compared as `xltools diff` compares); the
    decision line too, unless `decision` was given for the new file."""
    from .diff import KIND_LABEL, diff, note_line

    try:
        new = read_file(new_path)
        d = diff(old, new)
    except ReadError as exc:
        return [f"không so sánh được với {old.source} để biết đã chép đủ chưa ({exc}); hãy chạy `xltools diff`."]
    out = [] if decision else _decision_lines(old, new)
    changes, notes = d.changes, d.notes
    if not with_appraised:  # said in one line: the option carries them
        changes = [c for c in changes if not (c.kind == "appraised" and c.new is None)]
        notes = [n for n in notes if n.new]
        scores, texts = len(d.changes) - len(changes), len(d.notes) - len(notes)
        if scores or texts:
            out.append(f"{scores} ô Thẩm định và {texts} ghi chú thẩm định, giải trình không được chép (thêm "
                       "--with-appraised để chép).")
    for c in changes:
        what = f"tiêu chí {c.criterion}, " if c.criterion else (f"{c.field}, " if c.field else "")
        out.append(f"{c.where} ({c.unit}, {what}{KIND_LABEL[c.kind]}): {old.source} ghi {_score(c.old)}, bảng mới "
                   f"ghi {_score(c.new)}.")
    out += [f"{where} ({unit}, {what}): {old.source} ghi {before}, bảng mới ghi {now}."
            for where, unit, what, before, now in map(note_line, notes)]
    out += [f"đơn vị {unit} ({sheet}) không có trong bảng mới." for sheet, unit in d.removed]
    out += [f"trang '{name}' không được chép." for name in d.sheets_removed if name not in NOT_CARRIED]
    return out


def typed_decision(old: BookCells) -> str:
    """The '(Kèm theo Quyết định số …)' line of OLD's first summary when someone filled it in (--decision)."""
    line = _cell(old.grids.get(old.sections[0].section.summary.sheet), L.TITLE_ROWS[-1]) if old.sections else None
    return str(line) if line and "……" not in str(line) else ""


def _decision_lines(old: BookCells, new: BookCells) -> list[str]:
    """The '(Kèm theo Quyết định số …)' line under each summary's title is typed with --decision: a new
    file that prints another one says so (the option writes it again)."""
    out = []
    row = L.TITLE_ROWS[-1]
    for section in old.sections:
        sheet = section.section.summary.sheet
        before, after = (_cell(book.grids.get(sheet), row) for book in (old, new))
        if sheet in new.grids and before and before != after and "……" not in str(before):  # "……": not filled in
            out.append(f"{sheet}!A{row}: {old.source} ghi '{before}', bảng mới ghi '{after}'; nếu cần, tạo lại với "
                       f"--decision \"{before}\".")
    return out


def _cell(rows: list[list] | None, row: int):
    return rows[row - 1][0] if rows and len(rows) >= row and rows[row - 1] else None


def _score(value) -> str:
    from ..core.numbers import format_vn_short

    return "(trống)" if value is None else format_vn_short(value)

