"""Write one table as .txt (the seeds' tab form), .docx (python-docx) and .xlsx (openpyxl), with the
same title lines, header rows, merged header cells and body, to test that every format reads alike."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Table:
    title: list[str]
    header: list[list[str]]  # one or two rows; a merged cell's text in its first cell, "" in the others
    rows: list[list[object]]  # str or numbers (numbers go into .xlsx as numbers)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # header (row, col, last row, last col)


def _text(value) -> str:
    return value if isinstance(value, str) else f"{value}".replace(".", ",")


def write_txt(path: Path, t: Table) -> Path:
    lines = list(t.title) + [""] + ["\t".join(r) for r in t.header] + ["\t".join(map(_text, r)) for r in t.rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_docx(path: Path, t: Table) -> Path:
    import docx

    d = docx.Document()
    for line in t.title:
        d.add_paragraph(line)
    width = max(len(r) for r in t.header + t.rows)
    table = d.add_table(rows=len(t.header) + len(t.rows), cols=width)
    for r, cells in enumerate(t.header + t.rows):
        for c, value in enumerate(cells):
            if value != "":
                table.cell(r, c).text = _text(value)
    for r0, c0, r1, c1 in t.merges:
        table.cell(r0, c0).merge(table.cell(r1, c1))
    d.save(str(path))
    return path


def write_xlsx(path: Path, t: Table, first_row: int = 1) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    row = first_row
    for line in t.title:
        ws.cell(row, 1, line)
        row += 1
    row += 1
    head = row
    for cells in t.header + t.rows:
        for c, value in enumerate(cells):
            if value != "":
                ws.cell(row, c + 1, value)
        row += 1
    for r0, c0, r1, c1 in t.merges:
        ws.merge_cells(start_row=head + r0, start_column=c0 + 1, end_row=head + r1, end_column=c1 + 1)
    wb.save(path)
    return path


def write_all(folder: Path, name: str, t: Table) -> list[Path]:
    return [write_txt(folder / f"{name}.txt", t), write_docx(folder / f"{name}.docx", t),
            write_xlsx(folder / f"{name}.xlsx", t)]
