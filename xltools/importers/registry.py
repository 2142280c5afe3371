"""One entry point for every file the toolkit reads: FILE -> units tables paired with their sets.

Readers register by file extension (text here; .xlsx and .docx readers add themselves), so the
CLI's `rank`, `check`, `template --units` and `publish` accept any format the toolkit reads.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from .. import catalog
from ..core.criteria import LEVELS, CriteriaSet, parse_bands, totals_only_set
from ..core.numbers import decimals_shown
from ..core.scoring import UnitsTable
from ..errors import ReadError
from .field_columns import in_set_order

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


def _read_csv(path: Path) -> list[UnitsTable]:
    """A table saved as CSV: its rows as the text reader's lines (cells joined by tabs)."""
    from .csv_rows import csv_rows
    from .text_documents import read_document

    lines = ["\t".join(" ".join(c.split()) for c in row).rstrip("\t") for row in csv_rows(path)]
    return read_document("\n".join(lines), path.name)


register((".csv",), _read_csv)


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
    if path.is_dir():
        raise ReadError(f"'{path.name}' là một thư mục, không phải một tệp bảng điểm; hãy chỉ một tệp ("
                        f"{', '.join(sorted(READERS))}), hoặc gộp các Biểu tự đánh giá trong thư mục bằng "
                        f"`xltools import {path.name} --set MÃ -o bang.xlsx`.")
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise ReadError(f"{path.name}: chưa đọc được loại tệp '{path.suffix}'; các loại đọc được: "
                        f"{', '.join(sorted(READERS))}.")
    tables = reader(path)
    if not tables:
        raise ReadError(f"{path.name}: không tìm thấy bảng điểm nào trong tệp (cần một bảng có cột STT, TÊN ĐƠN VỊ "
                        "và các cột điểm theo lĩnh vực); hãy kiểm tra đã chọn đúng tệp.")
    return tables


@dataclass(frozen=True)
class Options:
    """What the user said about the tables on the command line: a set, class bands, decimals."""

    set_id: str | None = None
    bands: str | None = None  # "Xuất sắc:90;Tốt:80;…"
    decimals: int | None = None


def pair_with_sets(tables: list[UnitsTable], set_id: str | None, source: str,
                   options: Options | None = None) -> list[tuple[UnitsTable, CriteriaSet]]:
    """Each table with its criteria set: the one named by --set (for tables of its level), or the
    shipped set for the table's province, level and year; a table of totals only that no set fits
    is ranked by its totals. --bands and --decimals replace the set's own."""
    options = options or Options(set_id)
    bands = parse_bands(options.bands) if options.bands else None
    if set_id:
        cset = catalog.get(set_id)
        chosen = [t for t in tables if t.level in (None, cset.level)] if len(tables) > 1 else tables
        if not chosen:
            levels = ", ".join(sorted({LEVELS.get(t.level, str(t.level)) for t in tables}))
            raise ReadError(f"{source}: không có bảng cấp {cset.level_label} cho bộ tiêu chí {cset.id} "
                            f"(tệp có bảng cấp: {levels}).")
        pairs = [(t, cset) for t in chosen]
    else:
        pairs = [(t, _found_set(t, source, options, bands)) for t in tables]
    for t, cset in pairs:
        in_set_order(t, cset, source)
    return [(t, _adjusted(cset, bands, options.decimals)) for t, cset in pairs]


def _found_set(t: UnitsTable, source: str, options: Options, bands) -> CriteriaSet:
    cset = catalog.for_table(t)
    if cset is not None:
        return cset
    if not t.field_names:  # totals only: rank by the printed totals
        return totals_only_set(options.decimals if options.decimals is not None else printed_decimals(t),
                               bands or (), t.province, t.level or "", (t.year,) if t.year else ())
    raise ReadError(f"{source}, {t.sheet}: không tự chọn được bộ tiêu chí. Tiêu đề bảng cho biết: "
                    f"{describe(t)}; bảng có {len(t.field_names)} lĩnh vực. Hãy chỉ rõ bằng --set MÃ (xem "
                    "`xltools sets`) hoặc --set tệp.yaml; bộ tiêu chí của tỉnh mình lập bằng `xltools set new "
                    "BỘ_TIÊU_CHÍ.docx -o bo-tieu-chi.yaml` (xem docs/bo-tieu-chi-cua-tinh-toi.md), hoặc nháp từ "
                    f"tiêu đề bảng: `xltools import {source} --write-set bo-tieu-chi.yaml`.")


def describe(t: UnitsTable) -> str:
    """'tỉnh Bắc Kạn, cấp sở, ban, ngành, năm 2024' with '?' for what the title does not say."""
    return (f"tỉnh {t.province or '? (không thấy tên tỉnh)'}, cấp {LEVELS.get(t.level, t.level or '? (không rõ)')}, "
            f"năm {t.year or '? (không thấy năm)'}")


def _adjusted(cset: CriteriaSet, bands, decimals: int | None) -> CriteriaSet:
    changes = {}
    if bands is not None:
        changes["bands"] = bands
    if decimals is not None:
        changes["decimals"] = decimals
    return replace(cset, **changes) if changes else cset


def printed_decimals(t: UnitsTable) -> int:
    """The precision the table prints its totals at (89,95 -> 2); 3 when it prints none."""
    values = [v for u in t.units for v in (u.printed.total, u.printed.appraised_total, u.printed.survey_total)
              if v is not None]
    return max((decimals_shown(v) for v in values), default=3)


def load(path: str | Path, set_id: str | None = None, options: Options | None = None
         ) -> list[tuple[UnitsTable, CriteriaSet]]:
    """Tables with their sets. An appraisal workbook carries its own sets (bands edited on Cấu hình,
    a province's own .yaml set), so they win unless --set names another."""
    path = Path(path)
    options = options or Options(set_id)
    if path.suffix.lower() in (".xlsx", ".xlsm") and path.is_file():
        from ..workbook.reader import is_appraisal_workbook, read_workbook_with_sets

        if is_appraisal_workbook(path):
            pairs = read_workbook_with_sets(path)
            pairs = pairs if set_id is None else _same_level(pairs, catalog.get(set_id), path.name)
            bands = parse_bands(options.bands) if options.bands else None
            return [(t, _adjusted(cset, bands, options.decimals)) for t, cset in pairs]
    return pair_with_sets(read_tables(path), set_id, path.name, options)


def _same_level(pairs, cset: CriteriaSet, source: str) -> list[tuple[UnitsTable, CriteriaSet]]:
    """--set on an appraisal workbook: its sheets of the set's level (their level is known for sure)."""
    chosen = [(t, cset) for t, _ in pairs if t.level == cset.level]
    if not chosen:
        sheets = ", ".join(f"'{t.sheet}' ({LEVELS.get(t.level, t.level)}, bộ {own.id})" for t, own in pairs)
        raise ReadError(f"{source}: không có trang cấp {cset.level_label} cho bộ tiêu chí {cset.id} (bảng tính có: "
                        f"{sheets}); hãy bỏ --set (bảng tính đã mang bộ tiêu chí của nó) hoặc chọn bộ cùng cấp.")
    return chosen
