"""`xltools split`: one workbook per council member, each the master itself (same sheets, layout and
formulas, so totals, ranks and classes move as the member types) with only the member's cells open.

Every input cell of the master that is not the member's is locked and greyed; the member's cells
keep the yellow of input cells. The legend of each summary sheet names the member and what they were
given; a "Phân công" sheet shows the whole assignment; the manifest (manifest.py) is in a very hidden
sheet of each part and in FOLDER/phan_cong.json.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from openpyxl.cell.cell import MergedCell
from openpyxl.formatting.formatting import ConditionalFormatting
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill, Protection

from ..celltext import put
from ..errors import UserError
from ..files import write_safely
from ..importers.office import open_excel
from ..workbook import builder, layout as L
from ..workbook.reader import LEGEND_MARK
from .cells import BookCells, other_scores, read_file
from .manifest import (
    BY_LABEL,
    DATA_SHEET,
    MANIFEST_FILE,
    SHEET,
    AssignmentError,
    Manifest,
    Member,
    assignment_from_sheet,
    chunks,
    fingerprint,
    parse_assignment,
)

LOCKED_FILL = PatternFill("solid", fgColor="D9D9D9")  # grey: another member's cell, or not the council's


@dataclass
class SplitResult:
    manifest: Manifest
    parts: list[Path]
    manifest_file: Path
    unassigned: list[str]  # fields (or units) nobody was given


def split(master, by: str, assign: str | None, outdir) -> SplitResult:
    """`assign` None: the assignment typed on the master's own "Phân công" sheet."""
    master, outdir = Path(master), Path(outdir)
    if by not in BY_LABEL:
        raise UserError(f"--by phải là field (theo lĩnh vực) hoặc unit (theo đơn vị), không phải '{by}'.")
    book = read_file(master)
    if assign is None:
        assign = assignment_from_sheet(book.grids)
        if assign is None:
            raise AssignmentError(f"{master.name} không có trang '{SHEET}': hãy ghi phân công (--assign \"TÊN=lĩnh vực; "
                                  f"…\"), hoặc tạo trang '{SHEET}' với cột A tên thành viên, cột B lĩnh vực được giao.")
    members = parse_assignment(assign, by, book)
    base = book.values
    inputs = {key: value for key, (value, _, _) in other_scores(book).items()}
    manifest = Manifest(by, members, fingerprint(book, master.name), base, inputs=inputs)
    if outdir.exists() and not outdir.is_dir():
        raise NotADirectoryError(20, "không phải thư mục", str(outdir))
    parts, styler = [], _Styler(open_excel(master), book, manifest)  # the master loaded once, restyled per member
    for member in members:
        mine = Manifest(by, members, manifest.fingerprint, base, member.name, inputs)
        styler.restyle(mine, member)
        _assignment_sheet(styler.wb, mine, member)
        parts.append(builder.save(styler.wb, outdir / member.file))  # atomic, an old part kept as a backup
    manifest_file = write_safely(outdir / MANIFEST_FILE,
                                 lambda tmp: tmp.write_text(manifest.to_json() + "\n", encoding="utf-8"))
    return SplitResult(manifest, parts, manifest_file, _unassigned(book, manifest))


class _Styler:
    """The master's workbook made into one member's part after another: the cells open in the master (and
    the member cells created on the way) are set for each member in turn, so the file is read only once."""

    def __init__(self, wb, book: BookCells, manifest: Manifest):
        self.wb, self.book = wb, book
        self.open: dict[str, set[tuple[int, int]]] = {}
        self.grey_rule: dict[str, ConditionalFormatting] = {}
        locked = Protection(locked=True)
        for ws in wb.worksheets:
            self.open[ws.title] = {(c.row, c.column) for c in ws._cells.values()
                                   if not isinstance(c, MergedCell) and not c.protection.locked}
            for dim in ws.column_dimensions.values():  # Giải trình / Ghi chú columns are open by column style
                if dim.protection is not None and not dim.protection.locked:
                    dim.protection, dim.fill = locked, LOCKED_FILL
            for rules in ws.conditional_formatting._cf_rules.values():  # room for the grey rule, first
                for rule in rules:
                    rule.priority = (rule.priority or 0) + 1
            ws.protection.sheet = True
        for slot, (sheet, row, col) in book.cells.items():
            if manifest.shared(slot):  # each member writes their own reasons; merge joins them by name
                wb[sheet].cell(row=row, column=col).value = None

    def restyle(self, manifest: Manifest, member: Member) -> None:
        """Open the member's cells, lock and grey every other input cell, name the member on each summary."""
        book, wb = self.book, self.wb
        mine: dict[str, set[tuple[int, int]]] = {}
        for slot, (sheet, row, col) in book.cells.items():
            if manifest.owns(member, slot, book):
                mine.setdefault(sheet, set()).add((row, col))
        locked, unlocked = Protection(locked=True), Protection(locked=False)
        for name, cells in self.open.items():
            ws, theirs = wb[name], mine.get(name, set())
            greyed = []
            for row, col in cells - theirs:
                cell = ws.cell(row=row, column=col)
                cell.protection, cell.fill = locked, LOCKED_FILL
                greyed.append((col, row))
            for row, col in theirs:
                cell = ws.cell(row=row, column=col)
                cell.protection, cell.fill = unlocked, builder.INPUT_FILL
            cells |= theirs  # created for this member: set again for the next one
            self._grey_first(ws, greyed)
        for s in book.sections:
            ws = wb[s.section.summary.sheet]
            ws.cell(row=L.LEGEND_ROW, column=1).value = (
                f"{LEGEND_MARK} phần của {member.name} ({member.assignment(manifest.by)}): chỉ nhập ở ô nền vàng; ô "
                f"nền xám là phần của thành viên khác, đã khóa. Gửi lại tệp này cho bộ phận tổng hợp. Bộ tiêu chí: "
                f"{s.cset.id}.")
            ws.row_dimensions[L.LEGEND_ROW].hidden = False  # hidden for print in the master; a member reads it

    def _grey_first(self, ws, cells: list[tuple[int, int]]) -> None:
        """The template's highlights (a blank score of a named unit is green) would colour another member's
        cells: a first rule, stopping the others, keeps them grey."""
        previous = self.grey_rule.pop(ws.title, None)
        if previous is not None:
            ws.conditional_formatting._cf_rules.pop(previous, None)
        if not cells:
            return
        runs, cells = [], sorted(cells)
        start = prev = cells[0]
        for col, row in cells[1:] + [(0, 0)]:
            if (col, row) != (prev[0], prev[1] + 1):
                runs.append(f"{L.col_letter(start[0])}{start[1]}:{L.col_letter(prev[0])}{prev[1]}")
                start = (col, row)
            prev = (col, row)
        rule = FormulaRule(formula=["TRUE"], stopIfTrue=True, fill=PatternFill("solid", bgColor=LOCKED_FILL.fgColor.rgb))
        rule.priority = 1
        self.grey_rule[ws.title] = ConditionalFormatting(" ".join(runs))
        ws.conditional_formatting.add(self.grey_rule[ws.title], rule)


def _assignment_sheet(wb, manifest: Manifest, member: Member) -> None:
    for name in (SHEET, DATA_SHEET):  # the office's own assignment sheet, or the previous member's
        if name in wb.sheetnames:
            del wb[name]
    ws = wb.create_sheet(SHEET)
    fp = manifest.fingerprint
    rows = [["PHÂN CÔNG THẨM ĐỊNH"],
            ["Phần của", member.name],
            ["Được giao", member.assignment(manifest.by)],
            ["Bảng tổng hợp", fp["master"]],
            ["Chia theo", BY_LABEL[manifest.by]],
            [],
            ["Thành viên", "Được giao", "Tệp"]]
    rows += [[m.name, m.assignment(manifest.by), m.file] for m in manifest.members]
    rows += [[], ["Chỉ nhập điểm Thẩm định (và ghi chú, giải trình) ở các ô nền vàng. Không đổi tên đơn vị, không "
                  "thêm dòng, không bỏ bảo vệ trang tính: bộ phận tổng hợp ghép các phần bằng `xltools merge`."]]
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values, start=1):
            put(ws.cell(row=r, column=c), value).font = Font(name=builder.FONT, size=12, bold=r in (1, 7) or c == 1)
    ws.cell(row=len(rows), column=1).alignment = Alignment(wrap_text=False)
    for letter, width in (("A", 28), ("B", 60), ("C", 24)):
        ws.column_dimensions[letter].width = width
    ws.protection.sheet = True
    data = wb.create_sheet(DATA_SHEET)
    for r, text in enumerate(chunks(manifest.to_json()), start=1):
        put(data.cell(row=r, column=1), text)
    data.sheet_state = "veryHidden"
    data.protection.sheet = True
    wb.active = 0


def _unassigned(book: BookCells, manifest: Manifest) -> list[str]:
    if manifest.by == "unit":
        units = {u for m in manifest.members for u in m.units}
        return [u for s in book.sections for u in s.units if u not in units]
    given = {n for m in manifest.members for n in m.fields}
    count = max(len(s.cset.fields) for s in book.sections)
    fields = book.sections[0].cset.fields
    return [f"{n}. {fields[n - 1].name}" if n <= len(fields) else str(n) for n in range(1, count + 1)
            if n not in given]
