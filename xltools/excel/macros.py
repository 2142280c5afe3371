"""The workbook's button macros, one code path for Excel and for files.

Inside Excel a button runs  RunPython "import xltools.excel.macros as m; m.tinh_lai_xep_hang()"
(and the add-in's Run main runs `main()`): `book` is then the calling workbook through xlwings.
The CLI (`xltools macro`) and the tests pass an OpenpyxlBook.

Every macro computes everything first, then writes; a problem found while computing writes nothing
and says why in Vietnamese. Typed inputs are never edited: the only change to them is moving a
unit's whole row. Running a macro twice changes nothing more: only cells that differ are written,
and a file with nothing new is not saved again.

Decisions (see docs/excel.md):
- Rank, class and class-after-rule cells that hold formulas keep them (they compute the same
  thing, live); cells that hold values get the core's values. STT likewise.
- Rows move with cut-and-paste semantics (moves.py): a formula tied to a unit follows the unit.
- Units with equal totals keep their order; spare blank rows go to the end.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from openpyxl.utils.cell import get_column_letter

from ..core.checks import ERROR, INFO, SEVERITY_LABEL, WARNING, by_severity, no_units_message
from ..core.evaluate import Evaluation, evaluate
from ..core.names import unit_key
from ..core.numbers import format_vn_short, to_decimal
from ..errors import UserError
from ..workbook.layout import CHECKS_SHEET
from .book import Book, apply, area, finding_where, findings_look, is_formula
from .cells import blank, text
from .functions import NO_FINDINGS
from .moves import moved_formula, moved_where
from .tables import Rows, SurveyTarget, Table, read_rows, template, template_rows, units_table

# The Vietnamese label of a finding comes first; its stable code (what `check --json` calls "code") last.
CHECK_HEADER = ["Trang", "Mức độ", "Vấn đề", "Đơn vị", "Lĩnh vực", "Nội dung", "Ô", "Mã"]


class MacroError(UserError, ValueError):
    """Why a macro wrote nothing, for the appraiser."""


# ---------------------------------------------------------------- running, inside Excel or not

def _run(action, book: Book | None, **options) -> str:
    inside_excel = book is None
    if inside_excel:
        from .book_xlwings import XlwingsBook

        book = XlwingsBook()
    try:
        writes, sheets, message = action(book, **options)
        writes = [w for w in writes if book.read(w[0], area(w[1], w[2])) != w[2]]
        sheets = {name: rows for name, rows in sheets.items() if not holds(book, name, rows)}
        if writes or sheets:  # nothing new (a second run, Xuất phụ lục): the file is not even re-saved
            apply(book, writes)
            for name, rows in sheets.items():
                book.add_sheet(name)
                book.write(name, "A1", rows)
                if name == CHECKS_SHEET:
                    book.style_findings(name, findings_look(rows, CHECK_HEADER.index("Ô") + 1))
            book.save()
    except UserError as exc:
        error = exc if isinstance(exc, MacroError) else MacroError(f"Chưa ghi gì vào {book.name}: {exc}")
        if inside_excel:
            book.alert(f"Lỗi: {error}")
            return str(error)
        raise error from exc
    if inside_excel:
        book.alert(message)
    return message


def holds(book: Book, name: str, rows: list[list]) -> bool:
    """The sheet exists and holds exactly `rows` from A1 (nothing else)."""
    if not book.has_sheet(name):
        return False
    last_row, last_col = book.extent(name)
    width = max(len(r) for r in rows)
    if last_row > len(rows) or last_col > width:
        return False
    return book.read(name, area("A1", rows)) == [r + [None] * (width - len(r)) for r in rows]


def tinh_lai_xep_hang(book: Book | None = None) -> str:
    """Tính lại xếp hạng: rank order, STT, rank and class, district rule, the Kiểm tra sheet."""
    return _run(recompute, book)


def nhap_diem_xhh(book: Book | None = None, source: str | None = None) -> str:
    """Nhập điểm XHH: survey scores per unit and field from another workbook."""
    return _run(import_survey, book, source=source)


def xuat_phu_luc(book: Book | None = None, outdir: str | None = None) -> str:
    """Xuất phụ lục: the official appendix (.docx and .xlsx) next to the workbook, or in `outdir`."""
    return _run(export_appendix, book, outdir=outdir)


def chia_phan(book: Book | None = None, assign: str | None = None, by: str = "field", outdir: str | None = None) -> str:
    """Chia phần: one workbook per council member (xltools.council.split), in a folder next to the workbook."""
    return _run(split_parts, book, assign=assign, by=by, outdir=outdir)


def hop_nhat(book: Book | None = None, parts: list[str] | None = None) -> str:
    """Hợp nhất: the members' parts back into this workbook (xltools.council.merge), conflicts on "Hợp nhất"."""
    return _run(merge_parts, book, parts=parts)


def so_sanh(book: Book | None = None, old: str | None = None) -> str:
    """So sánh: what changed since an older version of this workbook (xltools.council.diff), on "So sánh"."""
    return _run(compare, book, old=old)


def main() -> None:
    """The xlwings add-in's Run main button."""
    tinh_lai_xep_hang()


# ---------------------------------------------------------------- Tính lại xếp hạng

def evaluate_book(book: Book, tables: list[Table] | None = None) -> tuple[list[Rows], list[Evaluation]]:
    """Each table's rows and the core's evaluation of them (all tables together: the district rule)."""
    rows = template_rows(book) if tables is None else [read_rows(book, t) for t in tables]
    if not rows:
        raise MacroError(f"Không tìm thấy bảng tổng hợp nào trong {book.name}; hãy dùng bảng tính tạo bằng "
                         "`xltools template`.")
    return rows, evaluate([(units_table(r), r.table.cset) for r in rows], expect_appraised=True)


def rank_order(rows: Rows, e: Evaluation) -> list[int]:
    """The table's rows (sheet row numbers) in their new order: units by rank, then spare rows."""
    units = [rows.row_of(r.unit) for r in e.results if rows.holds(r.unit)]
    spare = [rows.table.first_row + i for i, u in enumerate(rows.units) if u is None]
    return units + spare


def recompute(book: Book, tables: list[Table] | None = None):
    rows_list, first = evaluate_book(book, tables)
    if not any(e.results for e in first):  # a fresh template: nothing to sort, say what to do
        raise MacroError(no_units_message(book.name, [e.table.sheet for e in first]))
    orders = [rank_order(rows, e) for rows, e in zip(rows_list, first)]
    moves = {rows.table.sheet: {old: rows.table.first_row + i for i, old in enumerate(order)}
             for rows, order in zip(rows_list, orders)}

    def moved(formula, home):
        for target, rows_map in moves.items():
            formula = moved_formula(formula, home, target, rows_map)
        return formula

    second = as_sorted(rows_list, first, moves)
    writes = [(rows.table.sheet, f"A{rows.table.first_row}", sorted_block(rows, order, e, moved))
              for rows, order, e in zip(rows_list, orders, second)]
    writes += formulas_elsewhere(book, rows_list, moved)
    findings = [(e.table.sheet, f) for e in second for f in by_severity(e.findings)]  # as `check` lists them
    counts = {s: sum(1 for _, f in findings if f.severity == s) for s in (ERROR, WARNING, INFO)}
    units = sum(len(e.results) for e in second)
    waiting = sum(1 for e in second for r in e.results if r.rank is None)
    message = (f"Đã tính lại xếp hạng {units} đơn vị ({', '.join(r.table.sheet for r in rows_list)})"
               + (f"; {waiting}/{units} đơn vị chưa đủ điểm nên chưa được xếp hạng, xếp loại (cột Kiểm tra nói "
                  "thiếu gì)" if waiting else "") + ". "
               f"Kiểm tra: {counts[ERROR]} lỗi, {counts[WARNING]} cảnh báo, {counts[INFO]} ghi chú "
               f"(xem trang {CHECKS_SHEET}).")
    return writes, {CHECKS_SHEET: check_sheet(findings)}, message


SURVEY_UNMATCHED = "Không tìm thấy đơn vị trong bảng tính"  # rows of the survey file matched by no unit


def as_sorted(rows_list: list[Rows], first: list[Evaluation], moves: dict) -> list[Evaluation]:
    """The evaluation of the tables as they will be: sorted, renumbered, ranked and classed by the core,
    so that the checks cite the cells where things will be."""
    pairs = []
    for rows, e in zip(rows_list, first):
        rows_map = moves[rows.table.sheet]
        units = [r.unit for r in e.results]
        for u in units:
            u.where = moved_where(u.where, rows.table.sheet, rows_map)
            for f in u.fields:
                f.cells = {k: moved_where(v, rows.table.sheet, rows_map) for k, v in f.cells.items()}
            u.problems = [replace(p, cell=moved_where(p.cell, rows.table.sheet, rows_map)) for p in u.problems]
            u.printed = replace(u.printed, stt=None, rank=None, class_label=None, class_after_rule=None)
        pairs.append((replace(e.table, units=units), e.cset))
    return evaluate(pairs, expect_appraised=True)


def sorted_block(rows: Rows, order: list[int], e: Evaluation, moved) -> list[list]:
    """The table's rows in rank order: whole rows moved; STT, rank, class written where they are values."""
    t = rows.table.layout
    block = []
    results = iter(e.results)
    next_stt = len(e.results) + 1  # numbered blank rows (a template made without units) follow the units
    for old in order:
        source = rows.contents[old - rows.table.first_row]
        new = [moved(c, rows.table.sheet) for c in source]
        if rows.units[old - rows.table.first_row] is not None:
            r = next(results)
            for column, value in ((t.stt, r.stt), (t.rank, r.rank), (t.class_, r.class_label),
                                  (t.class_after_rule, r.class_after_rule)):
                if column and not is_formula(source[column - 1]):
                    new[column - 1] = value
        elif t.stt and not blank(source[t.stt - 1]) and not is_formula(source[t.stt - 1]):
            new[t.stt - 1], next_stt = next_stt, next_stt + 1
        block.append(new)
    return block


def formulas_elsewhere(book: Book, rows_list: list[Rows], moved) -> list:
    """Formulas outside the moved blocks that point into a moved row, made to follow it (a note on another
    sheet about one unit stays about that unit); the sheets that read the rows by position are left alone."""
    blocks = {r.table.sheet: (r.table.first_row, r.table.last_row, r.table.layout.last_col) for r in rows_list}
    by_position = {sheet for r in rows_list for sheet in r.by_position}
    writes = []
    for sheet in book.sheet_names():
        if sheet == CHECKS_SHEET or sheet in by_position:
            continue
        last_row, last_col = book.extent(sheet)
        for i, row in enumerate(book.read(sheet, f"A1:{get_column_letter(last_col)}{last_row}"), start=1):
            for j, content in enumerate(row, start=1):
                inside = sheet in blocks and blocks[sheet][0] <= i <= blocks[sheet][1] and j <= blocks[sheet][2]
                if is_formula(content) and not inside and (new := moved(content, sheet)) != content:
                    writes.append((sheet, f"{get_column_letter(j)}{i}", [[new]]))
    return writes


def check_sheet(findings) -> list[list]:
    """The Kiểm tra sheet's cells. An empty text is None: a cell cannot hold "" apart from empty (openpyxl
    and Excel read it back as None), and `holds` must find the sheet unchanged on a second run."""
    rows = [["KẾT QUẢ KIỂM TRA BẢNG TỔNG HỢP"], CHECK_HEADER]
    rows += [[sheet, SEVERITY_LABEL[f.severity], f.label, f.unit, f.field, f.message, finding_where(f.where), f.code]
             for sheet, f in findings]
    if not findings:
        rows.append([None, None, None, None, None, NO_FINDINGS, None, None])
    return [[None if v == "" else v for v in row] + [None] * (len(CHECK_HEADER) - len(row)) for row in rows]


# ---------------------------------------------------------------- Nhập điểm XHH

def survey_targets(book: Book, tables: list[Table] | None = None) -> list[SurveyTarget]:
    """The survey sheets of a template; or, for tables given directly, their own ĐT XHH columns."""
    if tables is None:
        return [SurveyTarget(s.survey.sheet, cset, s.survey.name, s.survey.first_row, s.survey.last_row,
                             dict(s.survey.fields), [u.name for u in table.units if u.name])
                for s, (table, cset) in zip(*template(book)) if s.survey]
    return [SurveyTarget(t.sheet, t.cset, t.layout.name, t.first_row, t.last_row,
                         {i: fc.survey for i, fc in enumerate(t.layout.fields) if fc.survey})
            for t in tables if any(fc.survey for fc in t.layout.fields)]


def import_survey(book: Book, source: str | None, targets: list[SurveyTarget] | None = None):
    from ..importers.survey import read_survey  # the survey importer: long or wide files, names by NameIndex

    if not source:
        raise MacroError("Hãy chọn tệp kết quả điều tra xã hội học (ĐT XHH) để nhập.")
    if Path(source).is_dir():
        raise MacroError(f"'{source}' là một thư mục; hãy chọn tệp điểm ĐT XHH (.xlsx hoặc .csv).")
    if not Path(source).is_file():
        raise MacroError(f"Không tìm thấy tệp điểm ĐT XHH '{source}'; hãy kiểm tra đường dẫn.")
    targets = survey_targets(book) if targets is None else targets
    if not targets:
        raise MacroError(f"Bộ tiêu chí của {book.name} không có điểm ĐT XHH; không có gì để nhập.")
    writes: list[tuple[str, str, list[list]]] = []
    problems, imported, waiting, unmatched, blanks, approximate = [], 0, [], None, [], []
    for target in targets:
        cells = book.values(target.sheet, f"A{target.first_row}:{get_column_letter(target.width)}{target.last_row}")
        rows = {text(row[target.name - 1]): target.first_row + i for i, row in enumerate(cells)
                if not blank(row[target.name - 1])}
        free = iter(target.first_row + i for i, row in enumerate(cells) if blank(row[target.name - 1]))
        on_sheet = {unit_key(n) for n in rows}
        survey = read_survey(source, target.cset, list(rows) + [u for u in target.units if unit_key(u) not in on_sheet])
        for name, scores in survey.scores.items():
            row = rows.get(name)
            if row is None:  # typed on the summary, not yet on the survey sheet: the first blank row
                row = next(free, None)
                if row is None:
                    problems.append(f"Trang {target.sheet} không còn dòng trống cho {name}.")
                    continue
                writes.append((target.sheet, f"{get_column_letter(target.name)}{row}", [[name]]))
            writes += [(target.sheet, f"{get_column_letter(col)}{row}", [[float(scores[i])]])
                       for i, col in target.fields.items() if scores[i] is not None]
            # a blank in the file: the survey file is the source, so an old score is not kept beside new ones
            old = cells[row - target.first_row] if row - target.first_row < len(cells) else []
            for i, col in target.fields.items():
                if scores[i] is None:
                    before = old[col - 1] if col - 1 < len(old) else None
                    blanks.append(f"{name} – {target.cset.fields[i].label}"
                                  + ("" if blank(before) else f" (đã xóa điểm cũ {_shown(before)})"))
                    if not blank(before):
                        writes.append((target.sheet, f"{get_column_letter(col)}{row}", [[None]]))
        imported += len(survey.scores)
        waiting += survey.missing
        approximate += survey.approximate
        theirs = set(survey.unmatched + survey.ambiguous)
        unmatched = theirs if unmatched is None else unmatched & theirs  # matched by no sheet at all
    if problems:
        raise MacroError("Chưa nhập điểm nào, vì:\n- " + "\n- ".join(problems[:20])
                         + ("\n- …" if len(problems) > 20 else ""))
    if not imported:  # nothing matched: not a success (the file is another province's, or its names differ)
        raise MacroError("Chưa nhập điểm nào: không đơn vị nào trong tệp khớp tên đơn vị của bảng tính"
                         + (" (" + "; ".join(sorted(unmatched)[:10]) + ")" if unmatched else "")
                         + "; hãy sửa tên trong tệp cho giống cột TÊN ĐƠN VỊ rồi nhập lại.")
    message = f"Đã nhập điểm ĐT XHH cho {imported} đơn vị."
    if approximate:
        message += "\nGhép tên gần đúng (hãy soát lại): " + "; ".join(approximate) + "."
    if unmatched:
        message += f"\n{SURVEY_UNMATCHED} (hãy nhập tay hoặc sửa tên): " + "; ".join(sorted(unmatched)) + "."
    if waiting:
        message += "\nĐơn vị chưa có điểm ĐT XHH trong tệp: " + "; ".join(waiting) + "."
    if blanks:
        message += ("\nTệp để trống điểm ĐT XHH (đơn vị chưa đủ điểm, chưa xếp hạng cho tới khi nhập): "
                    + "; ".join(blanks) + ".")
    return writes, {}, message


def _shown(value) -> str:
    """A cell's value as a person reads it: 1,928 for a number, the text otherwise."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return format_vn_short(to_decimal(value))
    return text(value)


# ---------------------------------------------------------------- Xuất phụ lục

def export_appendix(book: Book, outdir: str | None = None, tables: list[Table] | None = None):
    """Writes the appendix files itself (they are new files, never the workbook): nothing for _run to write."""
    from ..publish.draft import publish_state
    from ..publish.model import appendices
    from ..publish.outputs import write_appendix

    folder = Path(outdir) if outdir else _saved(book, "xuất phụ lục (phụ lục được ghi cạnh bảng tính)").parent
    _, evaluations = evaluate_book(book, tables)
    state = publish_state(evaluations, book.name)  # the same rule as `xltools publish`: refused, draft or official
    items = appendices(evaluations)
    written = write_appendix(items, book.path, folder, draft=state.draft)
    message = "Đã ghi phụ lục: " + "; ".join(str(p) for p in written) + "."
    return [], {}, f"{state.message(book.name)}\n{message}" if state.draft else message


# ---------------------------------------------------------------- the council: Chia phần, Hợp nhất, So sánh

def parts_folder(path: Path) -> Path:
    """Where Chia phần puts the parts and Hợp nhất looks for them: a folder next to the workbook."""
    return path.parent / f"{path.stem}_phan_cong"


def book_cells(book: Book):
    """The council's view of the workbook (xltools.council.cells) from what the Book's cells show and hold."""
    from ..council.cells import read_cells

    grids, typed = {}, {}
    for name in book.sheet_names():
        last_row, last_col = book.extent(name)
        ref = f"A1:{get_column_letter(last_col)}{last_row}"
        grids[name], typed[name] = book.values(name, ref), book.read(name, ref)
    return read_cells(book.name, grids, typed)


def _saved(book: Book, what: str) -> Path:
    """The workbook's file, absolute (a path relative to the current folder is fine); a workbook never saved
    (Excel's "Book1") or saved in the cloud has none."""
    if "://" in str(book.path) or not book.path.is_file():
        raise MacroError(f"Hãy lưu {book.name} vào một thư mục trên máy trước khi {what}.")
    return book.path.resolve()


def split_parts(book: Book, assign: str | None, by: str = "field", outdir: str | None = None):
    """Splits the file as saved (the parts are new files; the workbook itself is not written)."""
    from ..council.split import split

    path = _saved(book, "chia phần")
    result = split(path, by, assign, outdir or parts_folder(path))  # assign None: the "Phân công" sheet
    lines = [f"{m.name}: {m.assignment(by)} -> {p.name}" for m, p in zip(result.manifest.members, result.parts)]
    message = f"Đã chia {book.name} thành {len(result.parts)} phần trong {result.manifest_file.parent}:\n" + "\n".join(lines)
    if result.unassigned:
        message += "\nChưa giao cho ai: " + "; ".join(result.unassigned) + "."
    return [], {}, message


def merge_parts(book: Book, parts: list[str] | None = None):
    from ..council.merge import load_parts, merge

    path = _saved(book, "hợp nhất")
    sources: list[str | Path] = [*parts] if parts else [parts_folder(path)]
    plan = merge(book_cells(book), *load_parts(sources))
    writes = [(sheet, f"{get_column_letter(col)}{row}", [[value]]) for sheet, row, col, value in plan.writes]
    return writes, plan.sheets, plan.message(book.name)


COMPARE_SHEET = "So sánh"


def compare(book: Book, old: str | None):
    from ..council.cells import read_file
    from ..council.diff import (
        CHANGE_HEADER,
        MOVEMENT_HEADER,
        NOTE_HEADER,
        NOTES_TITLE,
        change_line,
        diff,
        movement_line,
        note_line,
    )

    if not old:
        raise MacroError("Hãy chọn phiên bản cũ của bảng tính để so sánh.")
    d = diff(read_file(old), book_cells(book))
    rows = [[f"SO SÁNH VỚI {Path(old).name}"], ["I. CÁC ĐIỂM THAY ĐỔI"], CHANGE_HEADER]
    rows += [change_line(c) for c in d.changes] or [["Không có."]]
    rows += [[], ["II. THAY ĐỔI TỔNG ĐIỂM, XẾP HẠNG, XẾP LOẠI"], MOVEMENT_HEADER]
    rows += [movement_line(m, d.decimals.get(m.sheet, 3)) for m in d.movements] or [["Không có."]]
    if d.notes:
        rows += [[], [NOTES_TITLE], NOTE_HEADER, *map(note_line, d.notes)]
    width = max(len(r) for r in rows)
    rows = [[None if v == "" else v for v in r] + [None] * (width - len(r)) for r in rows]
    message = (f"So với {Path(old).name}: {len(d.changes)} điểm thay đổi, {len(d.movements)} đơn vị thay đổi tổng điểm, "
               f"xếp hạng hoặc xếp loại, {len(d.notes)} ghi chú, giải trình thay đổi (xem trang {COMPARE_SHEET}).")
    return [], {COMPARE_SHEET: rows}, message
