"""Many units at once: one Biểu tự đánh giá per unit (.xlsx/.docx) in a folder -> one units table,
every file's problem listed without stopping; then the live appraisal workbook for them
(built by `xltools.workbook.builder`).
"""
from __future__ import annotations

import gc
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field as dc_field, fields as dc_fields
from operator import attrgetter
from pathlib import Path

from ..core.criteria import CriteriaSet
from ..core.names import unit_key
from ..core.numbers import format_vn_short
from ..core.scoring import CriterionScore, Unit, UnitsTable, in_range, sum_beyond
from ..errors import ReadError, UserError
from .forms import named_by_file
from .office import read_office

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
    warnings: list[str] = dc_field(default_factory=list)  # forms read whose own figures disagree (a printed total)


def form_files(folder: Path, skip: tuple[Path, ...] = ()) -> list[Path]:
    """Forms in a folder (not in sub-folders), skipping Office lock files '~$…' and the files in
    `skip` (the workbook being written, when it is kept in the same folder, and its backup)."""
    skipped = {p.resolve() for p in skip}
    return sorted(p for p in folder.iterdir()
                  if p.is_file() and p.suffix.lower() in FORM_SUFFIXES and not p.name.startswith(("~$", "."))
                  and p.resolve() not in skipped)


def unit_from_form(path: Path, cset: CriteriaSet) -> Unit:
    """The one unit of a form file, checked against the set (fields, criteria codes)."""
    return _form_unit(path, cset)[0]


def _form_unit(path: Path, cset: CriteriaSet) -> tuple[Unit, str]:
    """unit_from_form, and what its reader noted of the unit's name (taken from the file name), else ''."""
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
    return unit, next((n for n in forms[0].notes if n == named_by_file(path.name, unit.name)), "")


def _read_form(path: Path, cset: CriteriaSet) -> tuple[Unit | None, str]:
    """(unit, a warning or '') or (None, the reason it failed): never raises, so one file cannot stop a batch."""
    try:
        return _form_unit(path, cset)
    except UserError as exc:
        return None, str(exc)
    except Exception as exc:  # noqa: BLE001 (a strange file must not stop a batch of a thousand)
        return None, (f"{path.name}: lỗi không lường trước khi đọc tệp ({type(exc).__name__}: {exc}); "
                      "hãy gửi tệp này cho nhóm phát triển.")


def _read_all(files: list[Path], cset: CriteriaSet, workers: int):
    """(path, (unit, reason)) in file order; in `workers` processes when the batch is large enough."""
    if workers > 1 and len(files) >= PARALLEL_FROM:
        try:
            from concurrent.futures import ProcessPoolExecutor

            ProcessPoolExecutor(max_workers=1).shutdown()
        except (OSError, NotImplementedError):  # no process support here: read in this process
            pass
        else:
            yield from _read_in_processes(files, cset, workers)
            return
    for path in files:
        yield path, _read_form(path, cset)


_worker_set: CriteriaSet | None = None  # the set of a worker process's batch, sent once (not with each file)
CHUNK = 8  # at most this many files a task: one message each way for several forms (each costs the main process ~1 ms)
TASKS_PER_WORKER = 16  # at least (when there are files enough): the workers end close together


def _start_worker(cset: CriteriaSet) -> None:
    global _worker_set
    _worker_set = cset
    gc.freeze()  # what the worker inherits lives as long as it: the garbage collector need not walk it per form
    gc.set_threshold(20_000, 10, 10)  # a form makes tens of thousands of objects, freed with it (few cycles)
    # a unit's 100-odd CriterionScores sent as calls, not as attribute dicts: half the main process's unpickling
    from multiprocessing.reduction import ForkingPickler

    ForkingPickler.register(CriterionScore, _criterion_args)


_CRITERION_FIELDS = tuple(f.name for f in dc_fields(CriterionScore))
_criterion_values = attrgetter(*_CRITERION_FIELDS)


def _criterion_args(score: CriterionScore):
    if len(vars(score)) == len(_CRITERION_FIELDS):  # its fields only (set_score could have added another)
        return CriterionScore, _criterion_values(score)
    return score.__reduce_ex__(5)


def _read_in_worker(paths: list[Path]) -> list[tuple[Unit | None, str]]:
    assert _worker_set is not None
    return [_read_form(path, _worker_set) for path in paths]


def _read_in_processes(files: list[Path], cset: CriteriaSet, workers: int):
    """As _read_all, in worker processes, a few files a task. A worker that dies (out of memory on a hostile
    file, killed) breaks the pool: the files that may have been in reading then are read again one at a time,
    so one that breaks it again is the file that killed it: it is reported, and the rest go on in a new pool."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    import openpyxl  # noqa: F401  (each worker imports it for the number formats, ~0.3 s: forked, they inherit it)

    pending: list[Path] = list(files)
    suspects: list[Path] = []
    while pending or suspects:
        alone = bool(suspects)
        batch = suspects if alone else pending
        size = 1 if alone else max(1, min(CHUNK, len(batch) // (TASKS_PER_WORKER * workers)))
        chunks = [batch[i:i + size] for i in range(0, len(batch), size)]
        with ProcessPoolExecutor(max_workers=1 if alone else workers, initializer=_start_worker,
                                 initargs=(cset,)) as pool:
            futures = [pool.submit(_read_in_worker, chunk) for chunk in chunks]
            for i, (chunk, future) in enumerate(zip(chunks, futures)):
                try:
                    results = future.result()
                except BrokenProcessPool:
                    start = i * size
                    if alone:
                        path = chunk[0]
                        yield path, (None, f"{path.name}: tiến trình đọc tệp này bị dừng đột ngột (hết bộ nhớ, hoặc bị "
                                           "tắt); tệp có thể quá lớn hoặc bị hỏng. Hãy mở tệp kiểm tra, hoặc gửi tệp "
                                           "cho nhóm phát triển.")
                        suspects = batch[start + 1:]
                    else:  # the tasks in the workers' hands then: this one and the next few
                        end = start + (workers + 1) * size
                        suspects, pending = batch[start:end], batch[end:]
                    break
                yield from zip(chunk, results)
            else:
                if alone:
                    suspects = []
                else:
                    pending = []


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
    warnings: list[str] = []
    first_file: dict[str, str] = {}
    for i, (path, (unit, reason)) in enumerate(_read_all(files, cset, workers or default_workers()), start=1):
        if progress:
            progress(i, len(files), path.name)
        if unit is None:
            failures.append(Failure(path.name, reason))
            continue
        if reason:  # read, with a warning (its name taken from the file name)
            warnings.append(reason)
        key = unit_key(unit.name)  # one unit: 'UBND xã A' and 'Xã A'; 'Phường A' is another
        if key in first_file:
            failures.append(Failure(path.name, f"{path.name}: đơn vị '{unit.name}' trùng với tệp {first_file[key]}; "
                                               "mỗi đơn vị chỉ một biểu."))
            continue
        first_file[key] = path.name
        unit.where = path.name
        units.append(unit)
        warnings += (_total_disagrees(unit, cset, path.name) + _out_of_range(unit, cset, path.name)
                     + _left_blank(unit, cset, path.name))
    table = UnitsTable(units=units, level=cset.level, title=cset.title, source=str(folder), sheet="Tổng hợp",
                       year=max(cset.years) if cset.years else None, province=cset.province, has_reasons=True,
                       field_names=[f.name for f in cset.fields])
    return BatchResult(table, len(files), failures, time.perf_counter() - started, warnings)


def _total_disagrees(unit: Unit, cset: CriteriaSet, name: str) -> list[str]:
    """A form whose printed Tổng cộng is not the sum of its fields: the workbook takes the fields (its formulas
    add them up), so the unit's own total changes; the user hears of it (`xltools check FORM` gives details)."""
    printed, parts = unit.printed.self_total, [f.self_score for f in unit.fields if f.self_score is not None]
    if printed is None or len(parts) < len(unit.fields):
        return []
    summed = sum_beyond(parts, printed, cset.decimals)
    if summed is None:
        return []
    return [f"{name}: {unit.name} – biểu ghi Tổng cộng tự chấm {format_vn_short(printed)} nhưng các lĩnh vực cộng lại "
            f"{format_vn_short(summed)}; bảng tổng hợp lấy điểm từng lĩnh vực ({format_vn_short(summed)}). Hãy hỏi lại "
            f"đơn vị (xem `xltools check {name}`)."]


def _out_of_range(unit: Unit, cset: CriteriaSet, name: str) -> list[str]:
    """The form's self scores outside 0..their maximum (a criterion, or a field): the workbook keeps them as typed,
    and flags them until the unit retypes them; the user hears of it now, not at the first `check`."""
    over = []
    for leaf in cset.leaves():
        score = unit.criteria.get(leaf.code)
        if score is not None and score.self_score is not None and not in_range(score.self_score, leaf.max):
            over.append(f"tiêu chí {leaf.code}: {format_vn_short(score.self_score)} (tối đa {format_vn_short(leaf.max)})")
    for f, s in zip(cset.fields, unit.fields):
        if s.self_score is not None and not in_range(s.self_score, f.max):
            over.append(f"lĩnh vực {f.label}: {format_vn_short(s.self_score)} (tối đa {format_vn_short(f.max)})")
    if not over:
        return []
    return [f"{name}: {unit.name} – điểm tự chấm ngoài khoảng 0 đến điểm tối đa: {'; '.join(over)}. Bảng tổng hợp giữ "
            f"nguyên điểm đơn vị ghi và đánh dấu ô đó; hãy hỏi lại đơn vị (xem `xltools check {name}`)."]


def _left_blank(unit: Unit, cset: CriteriaSet, name: str) -> list[str]:
    """A half-filled form: the criteria it scores itself (not the survey's) that it leaves blank, or its blank
    fields when the set has no criteria. The workbook keeps them blank and its Tự chấm totals add up the rest,
    which looks like a complete but low score: the user hears of it now."""
    if cset.criteria:
        blank = [leaf.code for leaf in cset.leaves() if not leaf.survey
                 and (unit.criteria.get(leaf.code) is None or unit.criteria[leaf.code].self_score is None)]
        what = "tiêu chí"
    else:
        blank = [f.code for f, s in zip(cset.fields, unit.fields) if s.self_score is None]
        what = "lĩnh vực"
    if not blank:
        return []
    shown = ", ".join(blank[:15]) + (f" … (và {len(blank) - 15} {what} khác)" if len(blank) > 15 else "")
    return [f"{name}: biểu của {unit.name} để trống điểm tự chấm ở {len(blank)} {what}: {shown}. Bảng tổng hợp để trống "
            f"các ô đó và tổng tự chấm chỉ cộng phần đã chấm; hãy hỏi lại đơn vị."]


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

def write_workbook(cset: CriteriaSet, table: UnitsTable, path: str | Path) -> Path:
    """The live appraisal workbook (xltools.workbook.builder) for the consolidated units: Tự chấm,
    ĐT XHH and the criteria detail filled, Thẩm định left to the appraisers. An existing file is
    kept as a backup NAME.bak-TIME.xlsx first (xltools.files)."""
    from ..workbook.builder import SectionInput, build_file

    return build_file([SectionInput(cset, table.units, table.year)], path)
