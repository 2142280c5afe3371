"""Word (.docx) -> grids: each table as rows of cell text (bold marked <b>…</b>) with the paragraphs
above it, and the merged cells that cover other cells. The one place that reads python-docx's
private table XML (`Table._tbl`: rows, grid spans, vertical merges)."""
from __future__ import annotations

from pathlib import Path

from ..errors import ReadError
from .grid_tables import Grid, Span
from .office_open import broken, open_word


def _word_text(tc) -> str:
    from docx.oxml.ns import qn

    parts, all_bold = [], True
    for p in tc.iter(qn("w:p")):
        words = []
        for r in p.iter(qn("w:r")):
            text = "".join(t.text or "" for t in r.iter(qn("w:t")))
            if not text.strip():
                continue
            words.append(text)
            rpr = r.find(qn("w:rPr"))
            b = rpr.find(qn("w:b")) if rpr is not None else None
            all_bold = all_bold and b is not None and b.get(qn("w:val")) not in ("0", "false")
        if words:
            parts.append("".join(words))
    text = " ".join(" ".join(parts).split())
    return f"<b>{text}</b>" if text and all_bold else text


def word_grids(path: Path) -> list[Grid]:
    from docx.table import Table

    document = open_word(path)
    try:
        blocks = list(document.iter_inner_content())
    except Exception as exc:
        raise broken(path, "Word", exc) from exc
    grids: list[Grid] = []
    before: list[str] = []
    for block in blocks:
        if not isinstance(block, Table):
            if block.text.strip():
                before.append(" ".join(block.text.split()))
            continue
        index = len(grids) + 1
        rows = [(0, [line]) for line in before[-8:]]
        spans: dict[int, list[Span]] = {}
        open_down: dict[int, tuple[int, str]] = {}
        for number, tr in enumerate(block._tbl.tr_lst, start=1):
            cells = [""] * tr.grid_before
            for tc in tr.tc_lst:
                col, text, width = len(cells), _word_text(tc), tc.grid_span
                covered = spans.setdefault(number, [])
                if tc.vMerge == "continue":
                    top_row, text = open_down.get(col, (number, ""))
                    where = f"ô gộp dòng {top_row}–{number}, ô thứ {col + 1}"
                    covered.append(Span(col, where, text, True))
                    text = ""
                elif tc.vMerge == "restart":
                    open_down[col] = (number, text)
                where = f"ô gộp dòng {number}, ô thứ {col + 1}–{col + width}"
                covered.extend(Span(c, where, text, False) for c in range(col + 1, col + width))
                cells.extend([text] + [""] * (width - 1))
            rows.append((number, cells))
        grids.append(Grid(f"bảng {index}", rows, lambda row, col: f"dòng {row}, ô thứ {col + 1}",
                          before="\n\n".join(before), spans=spans))
        before = []
    if not grids:
        raise ReadError(f"{path.name}: tệp Word không có bảng nào; bảng điểm (Phụ lục) hoặc Biểu tự đánh giá "
                        "phải là một bảng Word (Insert > Table), không phải chữ căn bằng dấu cách hay tab.")
    return grids
