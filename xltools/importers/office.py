"""Official tables and self-assessment forms in Word (.docx) and Excel (.xlsx) files.

Each Word table and each Excel sheet becomes a grid of cell texts in the seeds' text convention
(a merged cell's text in its first cell, the others empty; bold as <b>…</b>; numbers as Vietnamese
text), so the header logic of the text readers (`text_tables.columns`, `document_tables`) reads
them too. What only a grid has is handled here: title rows above the table, a table that does not
start in column A, header rows beyond two, column-number rows, group rows inside the body, and
cells merged down several body rows.
"""
from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field as dc_field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from .. import catalog
from ..core.names import fold
from ..core.numbers import NumberError, clean, to_decimal
from ..core.scoring import UnitsTable
from ..errors import ReadError
from ..limits import LimitError, check_package, check_xlsx
from . import forms
from .text_documents import document_tables
from .text_tables import NOT_UNIT, TextTable, has_number, is_column_numbers, is_named_row, read_rows
from .vocabulary import role_of

MAX_COLUMNS = 300  # a sheet formatted to column XFD is not 16 384 columns of data


@dataclass
class Grid:
    """One Word table or Excel sheet as rows of cell text."""

    container: str  # "trang tính 'PL1'" or "bảng 2"
    rows: list[tuple[int, list[str]]]  # (row number, cells)
    ref: Callable[[int, int], str]  # (row number, column index) -> "ô F12"
    before: str = ""  # document text above the grid
    spans: dict[int, list[Span]] = dc_field(default_factory=dict)  # row -> the merged cells covering it


@dataclass
class Span:
    """A grid cell covered by a merged cell that starts elsewhere."""

    column: int
    where: str  # "ô gộp C5:C6"
    text: str  # the merged cell's text
    down: bool  # covered from the row above (same column), not from the left


# ---------------------------------------------------------------- opening files

_NOT_PACKAGE = ((b"\xd0\xcf\x11\xe0", "tệp định dạng cũ (Office 97–2003) hoặc tệp có mật khẩu"),
                (b"%PDF", "tệp PDF"), (b"<", "tệp HTML/XML (nhiều phần mềm xuất 'Excel' dạng HTML)"),
                (b"{\\rtf", "tệp RTF"))


def _check_package(path: Path, kind: str, save_as: str) -> None:
    """Office files are ZIP packages; name what the file is when it is not one."""
    try:
        with open(path, "rb") as f:
            head = f.read(8)
    except OSError as exc:
        raise ReadError(f"{path.name}: không mở được tệp ({exc.strerror}).") from exc
    if head.startswith(b"PK"):
        return
    if head.startswith(_OLE) and _is_encrypted(path):
        raise ReadError(f"{path.name}: tệp {kind} được đặt mật khẩu mở (tệp đã mã hóa), xltools không đọc được. Hãy mở "
                        f"tệp bằng {kind}, nhập mật khẩu, vào Tệp > Thông tin > Bảo vệ (File > Info > Protect) > Mã hóa "
                        "bằng mật khẩu (Encrypt with Password), xóa mật khẩu rồi lưu lại; hoặc lưu một bản sao không "
                        "mật khẩu để dùng với xltools.")
    if not head:
        what = "tệp rỗng, 0 byte"
    else:
        what = next((w for magic, w in _NOT_PACKAGE if head.lstrip().startswith(magic)), None)
        if what is None:
            what = "tệp văn bản thuần" if _is_text(path) else "tệp không rõ loại"
    raise ReadError(f"{path.name}: không phải tệp {kind} dù có đuôi '{path.suffix}' (đây là {what}); "
                    f"hãy mở tệp gốc và lưu lại dạng {save_as}.")


_OLE = b"\xd0\xcf\x11\xe0"


def _is_encrypted(path: Path) -> bool:
    """An Office 2007+ file with a password to open is an OLE container holding an 'EncryptionInfo' stream
    (the directory names it in UTF-16) instead of a ZIP package."""
    with open(path, "rb") as f:
        data = f.read(8 * 2**20)
    return "EncryptionInfo".encode("utf-16-le") in data


def _is_text(path: Path) -> bool:
    try:
        path.read_bytes()[:4096].decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def _broken(path: Path, kind: str, exc: Exception) -> ReadError:
    if isinstance(exc, zipfile.BadZipFile) or type(exc).__name__ == "PackageNotFoundError":
        reason = "gói ZIP của tệp bị cắt cụt hoặc hỏng"
    elif isinstance(exc, KeyError):
        reason = f"thiếu thành phần {exc} trong gói tệp"
    else:
        reason = f"{type(exc).__name__}: {exc}"
    return ReadError(f"{path.name}: tệp {kind} bị hỏng hoặc không trọn vẹn (có thể tải về hoặc sao chép chưa xong: "
                     f"{reason}); hãy mở lại bằng {kind} để sửa, hoặc xin lại tệp gốc.")


# ---------------------------------------------------------------- Excel

def _excel_text(cell) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "TRUE" if value else "FALSE"
    elif isinstance(value, (int, float, Decimal)):
        try:
            text = f"{to_decimal(value):f}".replace(".", ",")
        except NumberError:  # inf, 1e308: kept as written, and refused with its cell where a score is read
            text = str(value)
    elif isinstance(value, datetime):  # often a score Excel took for a date ('9.5' -> 09/05)
        text = f"{value:%d/%m/%Y}"
    elif isinstance(value, (date, time)):
        text = value.isoformat()
    else:
        text = " ".join(str(value).split())
    font = cell.font
    return f"<b>{text}</b>" if font is not None and font.b and text else text


def open_excel(path: Path, **options):
    """openpyxl's workbook of `path`; a file that is not one, or a damaged one, is a ReadError saying
    what the file is and what to do."""
    import openpyxl

    _check_package(path, "Excel", ".xlsx (Excel Workbook)")
    try:
        check_xlsx(path)  # within the limits, before openpyxl holds every cell in memory
        return openpyxl.load_workbook(path, **options)
    except LimitError:
        raise
    except Exception as exc:  # zipfile.BadZipFile, KeyError, lxml errors: all mean a damaged package
        raise _broken(path, "Excel", exc) from exc


def excel_grids(path: Path) -> list[Grid]:
    from openpyxl.utils import get_column_letter

    wb = open_excel(path, data_only=True)
    extents = check_xlsx(path)
    grids = []
    for ws in wb.worksheets:
        used = extents.get(ws.title)
        if ws.sheet_state != "visible" or used is None or not used.rows:
            continue
        width = min(used.columns, MAX_COLUMNS)  # the cells holding values, not the range the file declares
        rows = []
        for number, cells in enumerate(ws.iter_rows(min_row=1, max_row=used.rows, min_col=1, max_col=width), start=1):
            texts = [_excel_text(c) for c in cells]
            while texts and not texts[-1]:
                texts.pop()
            rows.append((number, texts))
        spans: dict[int, list[Span]] = {}
        for rng in ws.merged_cells.ranges:
            if rng.min_col > width:
                continue
            top = _excel_text(ws.cell(rng.min_row, rng.min_col))
            for r in range(rng.min_row, min(rng.max_row, used.rows) + 1):  # within the used range
                for c in range(rng.min_col, min(rng.max_col, width) + 1):
                    if (r, c) != (rng.min_row, rng.min_col):
                        spans.setdefault(r, []).append(Span(c - 1, f"ô gộp {rng.coord}", top, c == rng.min_col))
        grids.append(Grid(f"trang tính '{ws.title}'", rows,
                          lambda row, col: f"ô {get_column_letter(col + 1)}{row}", spans=spans))
    wb.close()
    return grids


# ---------------------------------------------------------------- Word

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
    import docx
    from docx.table import Table

    _check_package(path, "Word", ".docx (Word Document)")
    try:
        check_package(path, "Word", ".docx").close()  # an OpenDocument file renamed, an XML bomb
        document = docx.Document(str(path))
        blocks = list(document.iter_inner_content())
    except LimitError:
        raise
    except Exception as exc:
        raise _broken(path, "Word", exc) from exc
    grids, before = [], []
    for block in blocks:
        if not isinstance(block, Table):
            if block.text.strip():
                before.append(" ".join(block.text.split()))
            continue
        index = len(grids) + 1
        rows, spans, open_down = [(0, [line]) for line in before[-8:]], {}, {}
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
        grids.append(Grid(f"bảng {index}", rows, lambda row, col: f"ô thứ {col + 1}",
                          before="\n\n".join(before), spans=spans))
        before = []
    if not grids:
        raise ReadError(f"{path.name}: tệp Word không có bảng nào; bảng điểm (Phụ lục) hoặc Biểu tự đánh giá "
                        "phải là một bảng Word (Insert > Table), không phải chữ căn bằng dấu cách hay tab.")
    return grids


# ---------------------------------------------------------------- grid -> text tables

_ROW_NUMBER = re.compile(r"^\d+(\.\d+)*$")
_NUMBERED = re.compile(r"^\d+\.$")
_GROUP = re.compile(r"^([IVXLC]+|[A-Z])\.?$")


def _table_start(plain: list[str]) -> tuple[int, bool] | None:
    """Where a table's header starts among the first three cells (cells already cleaned), and whether
    it has an STT column: the 'STT' cell, else a unit-name header followed by a known column header
    (a Word table without STT reads like the same table in text)."""
    for i, c in enumerate(plain[:3]):
        if len(c) <= 8 and fold(c).replace(" ", "").strip(".") in ("stt", "tt", "sott"):
            return i, True
    for i, c in enumerate(plain[:3]):
        if role_of(c) == "name" and any(role_of(o) not in (None, "name", "field") for o in plain[i + 1:]):
            return next(j for j in range(i + 1) if role_of(plain[j])), False  # 'Xếp hạng' may come first
    return None


def _prepared(grid: Grid) -> tuple[list[tuple[int, list[str]]], int]:
    """The grid's rows as `read_rows` expects them, and the column the table starts in: title rows
    as one line, the table from its STT column, column-number rows and group/total/signature rows
    dropped, merged-down text repeated."""
    out, offset, state, held, numbered = [], None, "title", [], True
    for number, raw in grid.rows:
        plain = [clean(c) for c in raw]
        start = _table_start(plain) if state != "header" else None
        if start is not None:
            if offset is None:
                offset, numbered = start
            out.extend(held)
            held, state = [], "header"
            out.append((number, raw[offset:]))
            continue
        if state == "title":
            out.append((number, [" ".join(c for c in plain if c)]))
            continue
        cells, plain = raw[offset:], plain[offset:]
        filled = [c for c in plain if c]
        if not filled or is_column_numbers(plain):
            continue
        first = plain[0]
        if _NUMBERED.match(first):  # "1." -> "1"
            first = cells[0] = first.rstrip(".")
        if _GROUP.match(first) and len(filled) <= 2:  # "I | KHỐI SỞ, NGÀNH"
            continue
        named = not numbered and is_named_row(plain)  # a row of a table without STT
        if state == "header" and not _ROW_NUMBER.match(first) and not named:
            out.append((number, cells))
            continue
        state = "body"
        if len(filled) == 1:  # a group heading inside the body, or the text after the table
            held.append((number, filled))
            continue
        if _ROW_NUMBER.match(first) or named or (not first and _unit_without_number(plain)):
            held = []
            out.append((number, _fill_merged_down(grid, number, cells, offset)))
    return out, offset or 0


def _unit_without_number(plain: list[str]) -> bool:
    """A body row with no STT: the form's TỔNG ĐIỂM row, or a unit someone forgot to number
    (not a Tổng cộng / Trung bình / signature row)."""
    name = fold(plain[1]) if len(plain) > 1 else ""
    return name.startswith("tong diem") or (has_number(plain[2:]) and not name.startswith(NOT_UNIT))


def _fill_merged_down(grid: Grid, number: int, cells: list[str], offset: int) -> list[str]:
    """A text merged down several rows (Xếp loại, Giải trình) belongs to each row; a score merged
    over several rows or columns belongs to none of them: an error."""
    cells = list(cells)
    for span in grid.spans.get(number, ()):
        i = span.column - offset
        if i < 0:
            continue
        if has_number([span.text]):
            across = ("nhiều dòng đơn vị; mỗi đơn vị phải có điểm riêng. Hãy bỏ gộp ô và nhập điểm cho từng dòng."
                      if span.down else "nhiều cột; mỗi cột điểm (Tự chấm, Thẩm định, ĐT XHH) cần một ô riêng. "
                                        "Hãy bỏ gộp ô và nhập điểm vào từng cột.")
            raise ReadError(f"{grid.container}, {span.where}: một ô điểm ({clean(span.text)}) được gộp (merge) qua "
                            f"{across}")
        if span.down:
            cells.extend([""] * (i + 1 - len(cells)))
            cells[i] = span.text
    return cells


def grid_tables(grid: Grid) -> list[TextTable]:
    prepared, offset = _prepared(grid)
    tables = read_rows(prepared, wrapped=False)
    for t in tables:
        t.container = grid.container
        t.cell_ref = lambda row, col, ref=grid.ref: ref(row, col + offset)
    return tables


# ---------------------------------------------------------------- whole files

def read_office(path: str | Path) -> list[UnitsTable]:
    """Every units table in a .docx or .xlsx file (summary tables and self-assessment forms)."""
    path = Path(path)
    grids = word_grids(path) if path.suffix.lower() == ".docx" else excel_grids(path)
    return tables_from_grids(grids, path.name)


def tables_from_grids(grids: list[Grid], source: str) -> list[UnitsTable]:
    text = "\n".join([g.before for g in grids] + [" ".join(map(clean, cells)) for g in grids for _, cells in g.rows])
    summaries, before, out = [], {}, []
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
    for t in out:
        if t.level is None:  # no title to go by: the level of the one set whose maxima the headers print
            match = catalog.match_maxima(t)
            t.level = match.level if match else None
    if not out:
        where = ", ".join(g.container for g in grids)
        raise ReadError(f"{source}: không tìm thấy bảng điểm nào ({where}); cần một bảng có cột STT và TÊN ĐƠN VỊ "
                        "(bảng tổng hợp, Phụ lục) hoặc Biểu tự đánh giá có cột STT, tiêu chí, Điểm chuẩn (tối đa), "
                        "Điểm tự đánh giá.")
    return out
