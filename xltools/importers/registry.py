"""One entry point for every file the toolkit reads: FILE -> units tables paired with their sets.

Readers register by file extension (text here; .xlsx and .docx readers add themselves), so the
CLI's `rank`, `check`, `template --units` and `publish` accept any format the toolkit reads.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .. import catalog
from ..core.criteria import LEVELS, CriteriaSet
from ..core.scoring import UnitsTable
from ..errors import ReadError

Reader = Callable[[Path], list[UnitsTable]]
READERS: dict[str, Reader] = {}


def register(extensions: tuple[str, ...], reader: Reader) -> None:
    for ext in extensions:
        READERS[ext.lower()] = reader


def _read_text(path: Path) -> list[UnitsTable]:
    from .text_documents import read_document

    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ReadError(f"{path.name}: không phải tệp văn bản UTF-8 ({exc.reason}); hãy lưu lại với mã UTF-8.") from exc
    return read_document(text, path.name)


register((".txt", ".md", ".tsv"), _read_text)


def _read_excel(path: Path) -> list[UnitsTable]:
    """An appraisal workbook made by `xltools template`, else an official table made by hand."""
    from ..workbook.reader import check_not_orphaned, is_appraisal_workbook, read_workbook

    if is_appraisal_workbook(path):
        return read_workbook(path)
    check_not_orphaned(path)
    from .office import read_office

    return read_office(path)


def _read_word(path: Path) -> list[UnitsTable]:
    from .office import read_office

    return read_office(path)


register((".xlsx", ".xlsm"), _read_excel)
register((".docx",), _read_word)


def read_tables(path: str | Path) -> list[UnitsTable]:
    path = Path(path)
    if not path.exists():
        raise ReadError(f"Không tìm thấy tệp '{path}'; hãy kiểm tra đường dẫn.")
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise ReadError(f"{path.name}: chưa đọc được loại tệp '{path.suffix}'; các loại đọc được: "
                        f"{', '.join(sorted(READERS))}.")
    tables = reader(path)
    if not tables:
        raise ReadError(f"{path.name}: không tìm thấy bảng điểm nào trong tệp (cần một bảng có cột STT, TÊN ĐƠN VỊ "
                        "và các cột điểm theo lĩnh vực); hãy kiểm tra đã chọn đúng tệp.")
    return tables


def pair_with_sets(tables: list[UnitsTable], set_id: str | None, source: str) -> list[tuple[UnitsTable, CriteriaSet]]:
    """Each table with its criteria set: the one named by --set (for tables of its level), or the
    shipped set for the table's province, level and year."""
    if set_id:
        cset = catalog.get(set_id)
        chosen = [t for t in tables if t.level in (None, cset.level)] if len(tables) > 1 else tables
        if not chosen:
            levels = ", ".join(sorted({LEVELS.get(t.level, str(t.level)) for t in tables}))
            raise ReadError(f"{source}: không có bảng cấp {cset.level_label} cho bộ tiêu chí {cset.id} "
                            f"(tệp có bảng cấp: {levels}).")
        return [(t, cset) for t in chosen]
    pairs = []
    for t in tables:
        cset = catalog.find(t.province, t.level, t.year) or catalog.match_maxima(t)
        if cset is None:
            raise ReadError(f"{source}, {t.sheet}: không tự chọn được bộ tiêu chí (tỉnh {t.province or '?'}, "
                            f"cấp {LEVELS.get(t.level, t.level or '?')}, năm {t.year or '?'}); "
                            "hãy chỉ rõ bằng --set (xem `xltools sets`), hoặc tạo bộ tiêu chí mới từ tiêu đề bảng: "
                            f"`xltools import {source} --write-set bo-tieu-chi.yaml`.")
        pairs.append((t, cset))
    return pairs


def load(path: str | Path, set_id: str | None = None) -> list[tuple[UnitsTable, CriteriaSet]]:
    """Tables with their sets. An appraisal workbook carries its own sets (bands edited on Cấu hình,
    a province's own .yaml set), so they win unless --set names another."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm") and path.is_file():
        from ..workbook.reader import is_appraisal_workbook, read_workbook_with_sets

        if is_appraisal_workbook(path):
            pairs = read_workbook_with_sets(path)
            return pairs if set_id is None else _same_level(pairs, catalog.get(set_id), path.name)
    return pair_with_sets(read_tables(path), set_id, path.name)


def _same_level(pairs, cset: CriteriaSet, source: str) -> list[tuple[UnitsTable, CriteriaSet]]:
    """--set on an appraisal workbook: its sheets of the set's level (their level is known for sure)."""
    chosen = [(t, cset) for t, _ in pairs if t.level == cset.level]
    if not chosen:
        sheets = ", ".join(f"'{t.sheet}' ({LEVELS.get(t.level, t.level)}, bộ {own.id})" for t, own in pairs)
        raise ReadError(f"{source}: không có trang cấp {cset.level_label} cho bộ tiêu chí {cset.id} (bảng tính có: "
                        f"{sheets}); hãy bỏ --set (bảng tính đã mang bộ tiêu chí của nó) hoặc chọn bộ cùng cấp.")
    return chosen
