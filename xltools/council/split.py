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
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill, Protection

from ..celltext import put
from ..errors import UserError
from ..files import write_safely
from ..importers.office import open_excel
from ..workbook import builder, layout as L
from ..workbook.reader import LEGEND_MARK
from .cells import BookCells, read_file
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
    manifest = Manifest(by, members, fingerprint(book, master.name), base)
    if outdir.exists() and not outdir.is_dir():
        raise NotADirectoryError(20, "không phải thư mục", str(outdir))
    parts = []
    for member in members:
        wb = open_excel(master)
        mine = Manifest(by, members, manifest.fingerprint, base, member.name)
        _restyle(wb, book, mine, member)
        _assignment_sheet(wb, mine, member)
        parts.append(builder.save(wb, outdir / member.file))  # atomic, an old part kept as a backup
    manifest_file = write_safely(outdir / MANIFEST_FILE,
                                 lambda tmp: tmp.write_text(manifest.to_json() + "\n", encoding="utf-8"))
    return SplitResult(manifest, parts, manifest_file, _unassigned(book, manifest))


def _restyle(wb, book: BookCells, manifest: Manifest, member: Member) -> None:
    """Open the member's cells, lock and grey every other input cell, name the member on each summary."""
    mine = {cell for slot, cell in book.cells.items() if manifest.owns(member, slot, book)}
    locked = Protection(locked=True)
    for ws in wb.worksheets:
        greyed = []
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell, MergedCell) or cell.protection.locked:
                    continue
                if (ws.title, cell.row, cell.column) not in mine:
                    cell.protection, cell.fill = locked, LOCKED_FILL
                    greyed.append((cell.column, cell.row))
        _grey_first(ws, greyed)
        for dim in ws.column_dimensions.values():  # Giải trình / Ghi chú columns are open by column style
            if dim.protection is not None and not dim.protection.locked:
                dim.protection, dim.fill = locked, LOCKED_FILL
        ws.protection.sheet = True
    for sheet, row, col in mine:
        cell = wb[sheet].cell(row=row, column=col)
        cell.protection, cell.fill = Protection(locked=False), builder.INPUT_FILL
    for slot, (sheet, row, col) in book.cells.items():
        if manifest.shared(slot):  # each member writes their own reasons; merge joins them by name
            wb[sheet].cell(row=row, column=col).value = None
    for s in book.sections:
        ws = wb[s.section.summary.sheet]
        ws.cell(row=L.LEGEND_ROW, column=1).value = (
            f"{LEGEND_MARK} phần của {member.name} ({member.assignment(manifest.by)}): chỉ nhập ở ô nền vàng; ô nền "
            f"xám là phần của thành viên khác, đã khóa. Gửi lại tệp này cho bộ phận tổng hợp. Bộ tiêu chí: {s.cset.id}.")


def _grey_first(ws, cells: list[tuple[int, int]]) -> None:
    """The template's highlights (a blank score of a named unit is green) would colour another member's cells:
    a first rule, stopping the others, keeps them grey."""
    if not cells:
        return
    runs, cells = [], sorted(cells)
    start = prev = cells[0]
    for col, row in cells[1:] + [(0, 0)]:
        if (col, row) != (prev[0], prev[1] + 1):
            runs.append(f"{L.col_letter(start[0])}{start[1]}:{L.col_letter(prev[0])}{prev[1]}")
            start = (col, row)
        prev = (col, row)
    for rules in ws.conditional_formatting._cf_rules.values():
        for rule in rules:
            rule.priority = (rule.priority or 0) + 1
    rule = FormulaRule(formula=["TRUE"], stopIfTrue=True, fill=PatternFill("solid", bgColor=LOCKED_FILL.fgColor.rgb))
    rule.priority = 1
    ws.conditional_formatting.add(" ".join(runs), rule)


def _assignment_sheet(wb, manifest: Manifest, member: Member) -> None:
    if SHEET in wb.sheetnames:  # the office's own assignment sheet in the master: each part shows its own
        del wb[SHEET]
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
