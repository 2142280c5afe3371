"""Build .xlsx/.docx files in the official shapes from the seeds' text tables (for the import tests
and the benchmark): title rows, merged group headers, STT/TÊN ĐƠN VỊ merged down two rows, bold
appraised values, numbers as '9,000'-style text in some columns and as numbers in others."""
from __future__ import annotations

import re
from pathlib import Path

from xltools.core.numbers import NumberError, clean, parse_score
from xltools.importers.text_tables import TextTable, read_text

BOLD = re.compile(r"^<b>(.*)</b>$")


def seed_tables(path: Path) -> list[TextTable]:
    return read_text(Path(path).read_text(encoding="utf-8"))


def header_merges(table: TextTable) -> list[tuple[int, int, int, int]]:
    """(row, first col, last row, last col), 0-based within the header: a group over its sub-columns,
    or a single label over an empty cell below it."""
    top = table.header[0]
    sub = table.header[1] if len(table.header) > 1 else []
    width = max(len(top), len(sub), *(len(r) for r in table.rows))
    top = top + [""] * (width - len(top))
    sub = sub + [""] * (width - len(sub))
    merges = []
    i = 0
    while i < width:
        if not top[i]:
            i += 1
            continue
        j = i
        while j + 1 < width and not top[j + 1] and sub[j + 1]:
            j += 1
        if j > i:
            merges.append((0, i, 0, j))
        elif len(table.header) > 1 and not sub[i]:
            merges.append((0, i, 1, i))
        i = j + 1
    return merges


def cell_value(text: str, column: int, as_numbers: bool):
    """(value, bold): every other score column as numbers, the rest as the document's text ('9,000')."""
    plain = clean(text)
    if as_numbers and column >= 2 and column % 2 == 0:
        try:
            value = parse_score(plain)
        except NumberError:
            value = None
        if value is not None:
            return float(value), bool(BOLD.match(text))
    return plain, bool(BOLD.match(text))


def write_xlsx(path: Path, tables: list[TextTable], sheet_names=None, as_numbers=True, extra_title=None) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    for k, table in enumerate(tables):
        ws = wb.create_sheet((sheet_names or [])[k] if sheet_names else f"Bảng {k + 1}")
        width = max(len(r) for r in table.header + table.rows)
        row = 1
        for line in (extra_title or []) + table.title:
            ws.cell(row, 1, line).font = Font(bold=True)
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
            row += 1
        row += 1  # an empty row between title and table, as people leave one
        head = row
        for cells in table.header:
            for c, text in enumerate(cells):
                if clean(text):
                    ws.cell(row, c + 1, clean(text)).font = Font(bold=True)
            row += 1
        for r0, c0, r1, c1 in header_merges(table):
            ws.merge_cells(start_row=head + r0, start_column=c0 + 1, end_row=head + r1, end_column=c1 + 1)
        for cells in table.rows:
            for c, text in enumerate(cells):
                value, bold = cell_value(text, c, as_numbers)
                if value != "":
                    cell = ws.cell(row, c + 1, value)
                    if bold:
                        cell.font = Font(bold=True)
            row += 1
    wb.save(path)
    return path


def write_docx(path: Path, tables: list[TextTable], extra_title=None) -> Path:
    import docx

    document = docx.Document()
    for table in tables:
        for line in (extra_title or []) + table.title:
            document.add_paragraph().add_run(line).bold = True
        width = max(len(r) for r in table.header + table.rows)
        grid = document.add_table(rows=len(table.header) + len(table.rows), cols=width)
        rows = grid.rows
        for r, cells in enumerate(table.header + table.rows):
            row_cells = rows[r].cells  # one call per row: grid.cell() walks the whole table each time
            for c, text in enumerate(cells):
                if clean(text):
                    row_cells[c].paragraphs[0].add_run(clean(text)).bold = r < len(table.header) or bool(BOLD.match(text))
        for r0, c0, r1, c1 in header_merges(table):
            text = clean(table.header[r0][c0])
            merged = grid.cell(r0, c0).merge(grid.cell(r1, c1))
            for p in merged.paragraphs[1:]:
                p._p.getparent().remove(p._p)
            merged.paragraphs[0].text = ""
            merged.paragraphs[0].add_run(text).bold = True
        document.add_paragraph("")
    document.save(path)
    return path


def write_forms(folder: Path, count: int, seed_text: Path, kinds=("xlsx",)) -> list[Path]:
    """`count` Biểu tự đánh giá from the seed's criteria tree, one unit each ('Đơn vị: Sở số N')."""
    tree = next(t for t in seed_tables(seed_text) if "Điểm chuẩn" in " ".join(t.header[0]))
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(1, count + 1):
        kind = kinds[i % len(kinds)]
        title = [f"Đơn vị: Sở số {i}"]
        path = folder / f"bieu_{i:04d}.{kind}"
        if kind == "xlsx":
            write_xlsx(path, [tree], extra_title=title, as_numbers=bool(i % 2))
        else:
            write_docx(path, [tree], extra_title=title)
        paths.append(path)
    return paths
