"""Official tables and self-assessment forms in Word (.docx) and Excel (.xlsx) files -> units tables.

The steps live one per module: `office_open` (is it an Office package, and an intact one?),
`excel_grids` / `word_grids` (a sheet or a Word table as a grid of cell texts), `grid_tables`
(grid -> text tables: title rows, offsets, merged cells), then the text readers' header logic
(`text_documents.document_tables`) or the form reader (`forms`).
"""
from __future__ import annotations

from pathlib import Path

from .. import catalog
from ..core.scoring import UnitsTable
from ..errors import ReadError
from . import forms
from .excel_grids import MAX_COLUMNS, excel_grids, hidden_sheets_note
from .grid_tables import Grid, Span, grid_tables
from .office_open import open_excel, open_word
from .text_documents import document_tables
from .text_tables import TextTable
from .word_grids import word_grids

# Importable from here as before (council, excel and tests open workbooks through `office.open_excel`).
__all__ = ["MAX_COLUMNS", "Grid", "Span", "excel_grids", "grid_tables", "open_excel", "open_word", "read_office",
           "tables_from_grids", "word_grids"]


def read_office(path: str | Path) -> list[UnitsTable]:
    """Every units table in a .docx or .xlsx file (summary tables and self-assessment forms)."""
    path = Path(path)
    hidden: list[str] = []
    grids = word_grids(path) if path.suffix.lower() == ".docx" else excel_grids(path, hidden)
    return tables_from_grids(grids, path.name, hidden)


def tables_from_grids(grids: list[Grid], source: str, hidden: list[str] | None = None) -> list[UnitsTable]:
    text = "\n".join([g.before for g in grids] + [" ".join(plain) for g in grids for plain in g.plain])
    summaries: list[TextTable] = []
    before: dict[int, str] = {}
    out: list[UnitsTable] = []
    try:
        for g in grids:
            for t in grid_tables(g):
                if forms.is_form(t):
                    out.append(forms.form_table(t, source, text))
                    continue
                summaries.append(t)
                before[id(t)] = "\n\n".join([g.before, *t.title])
    except ReadError as exc:
        if str(exc).startswith(source):
            raise
        raise ReadError(f"{source}, {exc}") from exc
    out[:0] = document_tables(summaries, text, source, lambda t: before[id(t)])
    for table in out:
        if table.level is None:  # no title to go by: the level of the one set whose maxima the headers print
            match = catalog.match_maxima(table)
            table.level = match.level if match else None
    if not out:
        where = ", ".join(g.container for g in grids)
        raise ReadError(f"{source}: không tìm thấy bảng điểm nào ({where}); cần một bảng có cột STT và TÊN ĐƠN VỊ "
                        "(bảng tổng hợp, Phụ lục) hoặc Biểu tự đánh giá có cột STT, tiêu chí, Điểm chuẩn (tối đa), "
                        "Điểm tự đánh giá." + (f" Lưu ý: {hidden_sheets_note(hidden)}" if hidden else ""))
    return out
