"""Many units at once: one Biểu tự đánh giá per unit (.xlsx/.docx) in a folder -> one units table,
every file's problem listed without stopping; and the consolidated appraisal workbook.

The workbook is built by `xltools.workbook.builder.build_file([SectionInput(cset, units, year)], path)`
when that module is present; until then `write_summary_workbook` writes the official layout with openpyxl
(live ROUND/SUM totals, rank and class formulas, a detail sheet of every criterion).
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from dataclasses import dataclass, field as dc_field
from pathlib import Path
from typing import Callable

from ..core.criteria import CriteriaSet
from ..core.names import name_key
from ..core.numbers import format_vn_short
from ..core.scoring import Unit, UnitsTable
from .office import read_office
from .text_tables import ReadError

FORM_SUFFIXES = (".xlsx", ".xlsm", ".docx")
PARALLEL_FROM = 40  # below this many files, starting worker processes costs more than it saves


@dataclass
class Failure:
    file: str
    message: str


@dataclass
class BatchResult:
    table: UnitsTable
    files: int
    failures: list[Failure] = dc_field(default_factory=list)
    seconds: float = 0.0


def form_files(folder: Path, skip: tuple[Path, ...] = ()) -> list[Path]:
    """Forms in a folder (not in sub-folders), skipping Office lock files '~$…' and the files in
    `skip` (the workbook being written, when it is kept in the same folder, and its backup)."""
    skipped = {p.resolve() for p in skip}
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and p.suffix.lower() in FORM_SUFFIXES and not p.name.startswith(("~$", "."))
                  and p.resolve() not in skipped)


def unit_from_form(path: Path, cset: CriteriaSet) -> Unit:
    """The one unit of a form file, checked against the set (fields, criteria codes)."""
    forms = [t for t in read_office(path) if any(u.criteria for u in t.units)]
    if not forms:
        raise ReadError(f"{path.name}: không có Biểu tự đánh giá (bảng có cột STT, tiêu chí, Điểm chuẩn, "
                        "Điểm tự đánh giá).")
    if len(forms) > 1:
        raise ReadError(f"{path.name}: có {len(forms)} Biểu tự đánh giá ({', '.join(t.sheet for t in forms)}); "
                        "mỗi tệp chỉ chứa biểu của một đơn vị.")
    unit = forms[0].units[0]
    if len(unit.fields) != len(cset.fields):
        raise ReadError(f"{path.name}: biểu có {len(unit.fields)} lĩnh vực nhưng bộ tiêu chí {cset.id} có "
                        f"{len(cset.fields)}; hãy kiểm tra biểu hoặc chọn đúng bộ tiêu chí (--set).")
    if cset.criteria:
        known = cset.criteria_by_code()
        unknown = [code for code in unit.criteria if code not in known]
        if unknown:
            shown = ", ".join(unknown[:8]) + (" …" if len(unknown) > 8 else "")
            raise ReadError(f"{path.name}: các mã tiêu chí {shown} không có trong bộ tiêu chí {cset.id}; "
                            "biểu này có thể theo bộ tiêu chí khác.")
    return unit


def _read_form(path: Path, cset: CriteriaSet) -> tuple[Unit | None, str]:
    """(unit, '') or (None, the reason it failed): never raises, so one file cannot stop a batch."""
    try:
        return unit_from_form(path, cset), ""
    except ReadError as exc:
        return None, str(exc)
    except Exception as exc:  # noqa: BLE001 (a strange file must not stop a batch of a thousand)
        return None, (f"{path.name}: lỗi không lường trước khi đọc tệp ({type(exc).__name__}: {exc}); "
                      "hãy gửi tệp này cho nhóm phát triển.")


def _read_all(files: list[Path], cset: CriteriaSet, workers: int):
    """(path, (unit, reason)) in file order; in `workers` processes when the batch is large enough."""
    if workers > 1 and len(files) >= PARALLEL_FROM:
        from concurrent.futures import ProcessPoolExecutor

        try:
            pool = ProcessPoolExecutor(max_workers=workers)
        except (OSError, NotImplementedError):  # no process support here: read in this process
            pool = None
        if pool is not None:
            with pool:
                yield from zip(files, pool.map(_read_form, files, [cset] * len(files), chunksize=8))
            return
    for path in files:
        yield path, _read_form(path, cset)


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def consolidate(folder: str | Path, cset: CriteriaSet, progress: Callable[[int, int, str], None] | None = None,
                workers: int | None = None, skip: tuple[Path, ...] = ()) -> BatchResult:
    """Read every form of a folder; a file that fails is listed with its reason and skipped."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ReadError(f"Không tìm thấy thư mục '{folder}'; hãy kiểm tra đường dẫn.")
    files = form_files(folder, skip)
    if not files:
        raise ReadError(f"{folder}: không có tệp biểu nào (.xlsx, .docx) trong thư mục.")
    started = time.perf_counter()
    units: list[Unit] = []
    failures: list[Failure] = []
    first_file: dict[str, str] = {}
    for i, (path, (unit, reason)) in enumerate(_read_all(files, cset, workers or default_workers()), start=1):
        if progress:
            progress(i, len(files), path.name)
        if unit is None:
            failures.append(Failure(path.name, reason))
            continue
        key = name_key(unit.name)
        if key in first_file:
            failures.append(Failure(path.name, f"{path.name}: đơn vị '{unit.name}' trùng với tệp {first_file[key]}; "
                                               "mỗi đơn vị chỉ một biểu."))
            continue
        first_file[key] = path.name
        unit.where = path.name
        units.append(unit)
    table = UnitsTable(units=units, level=cset.level, title=cset.title, source=str(folder), sheet="Tổng hợp",
                       year=max(cset.years) if cset.years else None, province=cset.province, has_reasons=True,
                       field_names=[f.name for f in cset.fields])
    return BatchResult(table, len(files), failures, time.perf_counter() - started)


class ProgressBar:
    """A one-line bar on stderr when it is a terminal; a line every 10% otherwise (logs, CI)."""

    def __init__(self, stream=None, width: int = 30):
        self.stream = stream or sys.stderr
        self.width = width
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.last_decile = -1

    def __call__(self, done: int, total: int, name: str) -> None:
        if self.tty:
            filled = self.width * done // total
            self.stream.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] {done}/{total} {name[:40]:40}")
            if done == total:
                self.stream.write("\n")
            self.stream.flush()
            return
        decile = 10 * done // total
        if decile != self.last_decile:
            self.last_decile = decile
            self.stream.write(f"Đang đọc {done}/{total} tệp…\n")


# ---------------------------------------------------------------- writing the workbook

def write_workbook(cset: CriteriaSet, table: UnitsTable, path: str | Path) -> str:
    """The consolidated appraisal workbook; returns which writer made it ('builder' or 'summary')."""
    try:
        from ..workbook.builder import SectionInput, build_file
    except ImportError:  # the live workbook builder is not in this build yet
        write_summary_workbook(cset, table, path)
        return "summary"
    _backup(Path(path))
    build_file([SectionInput(cset, table.units, table.year)], path)
    return "builder"


def _class_formula(cell: str, cset: CriteriaSet) -> str:
    """Nested IF over the set's bands (highest first), on points or on the percentage of the maximum."""
    value = cell if cset.bands_basis == "points" else f"ROUND({cell}*100/{cset.max_total},{cset.decimals})"
    formula = f'"{cset.bands[-1].label}"'
    for band in reversed(cset.bands[:-1]):
        formula = f'IF({value}>={band.min},"{band.label}",{formula})'
    return formula


def write_summary_workbook(cset: CriteriaSet, table: UnitsTable, path: str | Path) -> None:
    """Sheet 'Tổng hợp' in the official layout (self scores filled, Thẩm định for the appraisers to
    type, live totals, rank and class) and sheet 'Chi tiết' (every criterion of every unit)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter as col

    path = Path(path)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Tổng hợp")
    bold, center = Font(bold=True), Alignment(horizontal="center", vertical="center", wrap_text=True)

    def styled(value, b=True):
        c = WriteOnlyCell(ws, value)
        if b:
            c.font, c.alignment = bold, center
        return c

    kinds = [("self", "Tự chấm"), ("appraised", "Thẩm định")] + ([("survey", "ĐT XHH")] if cset.has_survey else [])
    k = len(kinds)
    width = 2 + k * len(cset.fields) + k + 1 + 2
    year = max(cset.years) if cset.years else ""
    whose = "CẤP" if cset.level == "tinh" else "CÁC"
    ws.append([styled(f"BẢNG TỔNG HỢP ĐIỂM CHỈ SỐ CCHC {whose} {cset.level_label.upper()} NĂM {year}")])
    ws.append([styled(f"(Tổng hợp từ {len(table.units)} Biểu tự đánh giá; bộ tiêu chí {cset.id}, tỉnh {cset.province})",
                      False)])
    ws.append([])
    top = ["STT", "TÊN ĐƠN VỊ"]
    sub = ["", ""]
    for f in cset.fields:
        top += [f.name] + [""] * (k - 1)
        sub += [f"{label} ({format_vn_short(f.survey_max if kind == 'survey' else f.max)})" for kind, label in kinds]
    top += ["Tổng điểm"] + [""] * k + ["Xếp hạng, phân loại", ""]
    sub += [f"{label} ({format_vn_short(cset.survey_max if kind == 'survey' else cset.self_max)})"
            for kind, label in kinds] + [f"Tổng cộng ({format_vn_short(cset.max_total)})", "Xếp hạng", "Xếp loại"]
    ws.append([styled(v) for v in top])
    ws.append([styled(v) for v in sub])
    merges = [f"A1:{col(width)}1", f"A2:{col(width)}2", "A4:A5", "B4:B5"]
    for i in range(len(cset.fields) + 1):
        first = 3 + i * k
        last = first + k - (1 if i < len(cset.fields) else 0)
        merges.append(f"{col(first)}4:{col(last)}4")
    merges.append(f"{col(width - 1)}4:{col(width)}4")
    first_row, last_row = 6, 5 + len(table.units)
    tot = 3 + k * len(cset.fields)  # first totals column
    total_col, d = col(tot + k), cset.decimals
    for n, unit in enumerate(table.units):
        r = first_row + n
        row = [n + 1, unit.name]
        for f in unit.fields:
            row += [_number(getattr(f, kind)) for kind, _ in kinds]
        for j, (kind, _) in enumerate(kinds):
            cells = ",".join(f"{col(3 + i * k + j)}{r}" for i in range(len(cset.fields)))
            row.append(f'=IF(COUNT({cells})=0,"",ROUND(SUM({cells}),{d}))')
        survey = f"+N({col(tot + 2)}{r})" if cset.has_survey else ""
        row.append(f'=IF({col(tot + 1)}{r}="","",ROUND({col(tot + 1)}{r}{survey},{d}))')
        row.append(f'=IF({total_col}{r}="","",RANK({total_col}{r},${total_col}${first_row}:${total_col}${last_row}))')
        row.append(f'=IF({total_col}{r}="","",{_class_formula(f"{total_col}{r}", cset)})')
        ws.append(row)
    for m in merges:
        ws.merged_cells.add(m)
    ws.freeze_panes = "C6"
    _detail_sheet(wb.create_sheet("Chi tiết"), cset, table)
    _save(wb, path)


def _number(value):
    return None if value is None else float(value)


def _detail_sheet(ws, cset: CriteriaSet, table: UnitsTable) -> None:
    names = {c.code: c for c in (node for top in cset.criteria for node in top.walk())}
    ws.append(["Đơn vị", "Mã", "Lĩnh vực/Tiêu chí/Tiêu chí thành phần", "Điểm tối đa", "Điểm tự đánh giá",
               "Giải trình", "Điểm thẩm định", "Ghi chú thẩm định"])
    for unit in table.units:
        for code, score in unit.criteria.items():
            node = names.get(code)
            ws.append([unit.name, code, node.name if node else "", _number(node.max) if node else None,
                       _number(score.self), score.reason or None, _number(score.appraised), score.note or None])


def _save(wb, path: Path) -> None:
    """Write beside the target then replace it; an existing file is kept as NAME.bak.xlsx first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=path.suffix, dir=path.parent)
    os.close(fd)
    try:
        wb.save(tmp)
        _backup(path)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def backup_path(path: Path) -> Path:
    return path.with_name(f"{path.stem}.bak{path.suffix}")


def _backup(path: Path) -> None:
    """An existing output is kept as NAME.bak.xlsx (the previous backup is replaced)."""
    if path.exists():
        os.replace(path, backup_path(path))
