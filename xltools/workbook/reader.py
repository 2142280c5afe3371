"""Read an appraisal workbook made by `xltools template` back into core UnitsTables.

Only the INPUT cells are read (names, districts, Tự chấm, Thẩm định, ĐT XHH, bonus/penalty,
notes, the detail's leaf criteria): totals, ranks and classes are formulas and the core
recomputes them. A score cell that holds text or a date, and a formula cell typed over, become
the unit's CellProblems (the core's findings, the unit incomplete), never an abort: the whole
table is read. Survey rows and detail blocks whose name matches no unit are the table's strays.
The criteria set of each summary sheet is the one named on "Cấu hình", with the class bands as
they are on that sheet now (an appraiser may have edited them).
"""
from __future__ import annotations

import dataclasses
import datetime
from bisect import bisect_right
from collections.abc import Iterator, Mapping
from decimal import Decimal
from pathlib import Path

from .. import catalog
from ..core.checks import RULE_CLASS_LABEL
from ..core.criteria import Band, CriteriaSet
from ..core.names import exact_key, tidy
from ..core.numbers import NumberError, to_decimal
from ..core.rows import RowColumn, unit_of_row
from ..core.scoring import (
    BOOL,
    DATE,
    OUTSIDE,
    OVER_FORMULA,
    TEXT,
    CellProblem,
    CriterionScore,
    StrayRow,
    Unit,
    UnitsTable,
    criteria_field_scores,
)
from ..errors import ReadError
from ..limits import MAX_ROWS, Extent, LimitError, check_xlsx
from . import layout as L, setdata
from .values import FORMULA, CannotScan, cell_position, first_rows, range_boundaries, read_cells, sheet_values

MAX_REPORTED = 20


def is_appraisal_workbook(path) -> bool:
    """True when the file has our config sheet with the layout marker."""
    row, col = cell_position(L.CONFIG_MARKER_CELL)
    try:
        rows = sheet_values(path, L.CONFIG_SHEET, row)
    except Exception:  # not a workbook, or a damaged one: the other readers say what it is
        return False
    value = rows[row - 1][col - 1] if rows and len(rows) >= row and len(rows[row - 1]) >= col else None
    return isinstance(value, str) and value.startswith(L.LAYOUT_VERSION.split("/")[0])


LEGEND_MARK = "Ô nền vàng:"  # the legend the builder puts on every summary sheet, ending "Bộ tiêu chí: ID."


def check_not_orphaned(path) -> None:
    """A workbook of ours whose Cấu hình sheet was deleted (or its marker edited) still carries the legend
    on its summary sheets: say so, rather than reading it as a hand-made table and failing on its columns."""
    try:
        sheets = first_rows(path, L.LEGEND_ROW)
    except Exception:
        return
    for title, rows in sheets.items():
        legend = rows[L.LEGEND_ROW - 1][0] if len(rows) >= L.LEGEND_ROW and rows[L.LEGEND_ROW - 1] else None
        if isinstance(legend, str) and legend.startswith(LEGEND_MARK) and "Bộ tiêu chí:" in legend:
            set_id = legend.rsplit("Bộ tiêu chí:", 1)[1].strip().rstrip(".")
            raise ReadError(
                f"{Path(path).name}: đây là bảng tính thẩm định của xltools (trang '{title}') nhưng trang "
                f"'{L.CONFIG_SHEET}' đã bị xóa hoặc sửa (ô {L.CONFIG_MARKER_CELL} phải ghi {L.LAYOUT_VERSION}); "
                f"hãy lấy lại bản sao lưu (TÊN.bak-THỜIGIAN.xlsx), hoặc chép trang '{L.CONFIG_SHEET}' từ một bảng mới tạo bằng "
                f"`xltools template --set {set_id}`.")


def read_workbook(path) -> list[UnitsTable]:
    return [table for table, _ in read_workbook_with_sets(path)]


def read_workbook_with_sets(path) -> list[tuple[UnitsTable, CriteriaSet]]:
    return grid_reader(path).read()


def grid_reader(path) -> GridReader:
    """The reader over a file's cells: what they show and what they hold (formulas as text)."""
    path = Path(path)
    grids, typed = load_grids(path)
    merged = {name: extent.merged for name, extent in check_xlsx(path).items()}  # remembered: no second scan
    return GridReader(path.name, grids, typed, merged)


def load_grids(path) -> tuple[dict[str, list[list]], dict[str, list[list]]]:
    """({sheet: rows of values}, {sheet: rows of cells as typed}) of a file; in `typed` a formula cell
    holds values.FORMULA ("="), not its text, which no reader needs."""
    path = Path(path)
    # Values: input cells are constants either way; a formula an appraiser typed into an input cell reads
    # as the value Excel/LibreOffice last computed for it. Typed: formula cells marked, to tell a formula
    # cell from a number typed over it. Both from one read of the file (values.py).
    try:
        used = check_xlsx(path)  # within the limits; each sheet's range of real cells, not the one it declares
        cells = read_cells(path)
        grids, typed = cells.values, cells.typed
    except LimitError:
        raise
    except CannotScan:
        grids, typed = _openpyxl_grids(path, used)
    except Exception as exc:
        raise ReadError(f"{path.name}: không mở được bảng tính ({type(exc).__name__}: {exc}).") from exc
    return _within(grids, used), _within(typed, used)


def _within(grids: dict[str, list[list]], used: dict[str, Extent]) -> dict[str, list[list]]:
    """Each sheet's rows within its used range (none for a sheet the limits check did not find)."""
    out = {}
    for name, rows in grids.items():
        extent = used.get(name)
        out[name] = [row[:extent.columns] for row in rows[:extent.rows]] if extent else []
    return out


def _openpyxl_grids(path: Path, used: dict[str, Extent]) -> tuple[dict, dict]:
    """The values and the typed cells through openpyxl (twice as slow): for packages values.py does not scan."""
    from openpyxl import load_workbook

    out = []
    for data_only in (True, False):
        try:
            wb = load_workbook(path, read_only=True, data_only=data_only)
        except Exception as exc:
            raise ReadError(f"{path.name}: không mở được bảng tính ({type(exc).__name__}: {exc}).") from exc
        try:
            out.append({name: _grid(wb[name], used.get(name)) for name in wb.sheetnames})
        except Exception as exc:  # a sheet's XML openpyxl cannot parse (an undeclared prefix, a cut-off part)
            raise ReadError(f"{path.name}: không đọc được nội dung bảng tính ({type(exc).__name__}: {exc}); tệp có "
                            "thể bị hỏng: hãy mở bằng Excel rồi lưu lại (File > Save As, kiểu .xlsx).") from exc
        finally:
            wb.close()
    return out[0], out[1]


def _grid(ws, used: Extent | None) -> list[list]:
    """The sheet's values as rows of cells (1-based access through _Sheet), within its used range."""
    if used is None or not used.rows:
        return []
    return [list(row) for row in ws.iter_rows(max_row=used.rows, max_col=used.columns, values_only=True)]


class _Sheet:
    def __init__(self, name: str, rows: list[list]):
        self.name = name
        self.rows = rows

    @property
    def max_row(self) -> int:
        return len(self.rows)

    def value(self, row: int, col: int):
        if row > len(self.rows) or col > len(self.rows[row - 1]):
            return None
        return self.rows[row - 1][col - 1]


def _is_formula(value) -> bool:
    return isinstance(value, str) and value.startswith("=")


def _typed_text(value) -> str:
    """What was typed, alike from a file (99) and from Excel or openpyxl (99.0)."""
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        try:
            return f"{to_decimal(value).normalize():f}"
        except NumberError:
            return str(value)
    return str(value)


class GridReader:
    """The reader over cell grids ({sheet: rows of values}), for files and for callers that already hold
    the values, e.g. the macros inside Excel: GridReader(name, grids).read() / .config()."""
    def __init__(self, source: str, grids: dict[str, list[list]], typed: dict[str, list[list]] | None = None,
                 merged: dict[str, tuple[str, ...]] | None = None):
        self.source = source
        self.sheets = {name: _Sheet(name, rows) for name, rows in grids.items()}
        # the same cells with formulas as their text, when the caller has them: a number typed over a
        # formula cell (a total, the rank) is then reported
        self.typed = {name: _Sheet(name, rows) for name, rows in (typed or {}).items()}
        self.problems: list[str] = []
        self.commune_districts: bool | None = None  # Cấu hình: the commune summary lists districts (config())
        self._config: list[tuple[str, CriteriaSet, int, int | None]] | None = None
        # merged ranges of several cells ("C6:C7"), as (left, top, right, bottom, ref) per sheet
        self.merged = {name: [(*range_boundaries(ref), ref) for ref in refs if ":" in ref]
                       for name, refs in (merged or {}).items()}
        self._last_merged_row = {name: max(box[3] for box in boxes) for name, boxes in self.merged.items() if boxes}
        self._merged_by_column: dict[tuple[str, int], tuple[list, list]] = {}
        self._merged_reported: set[tuple[str, str]] = set()
        self._numbers: dict[tuple[type, int | float], Decimal] = {}  # the few distinct scores, each converted once
        self._cell_prefix: dict[tuple[str, int], str] = {}  # "Tổng hợp Xã!F" of a sheet's column
        self._computed: dict[str, list[tuple[int | None, str, int | None]]] = {}  # check_formulas' columns

    def sheet(self, name: str) -> _Sheet:
        if name not in self.sheets:
            raise ReadError(f"{self.source}: thiếu trang '{name}' mà trang {L.CONFIG_SHEET} nhắc tới (các trang hiện "
                            f"có: {', '.join(self.sheets)}); nếu đã đổi tên trang, hãy đổi lại đúng tên '{name}', "
                            "hoặc dùng lại tệp mẫu do xltools tạo.")
        return self.sheets[name]

    # -------------------------------------------------------- numbers and text

    def merged_at(self, sheet: str, row: int, col: int) -> str | None:
        """The merged range covering the cell, if any (indexed per column on first use: bisect by top row)."""
        if row > self._last_merged_row.get(sheet, 0):  # below every merge (a table's rows under its merged title)
            return None
        merged = self.merged[sheet]
        key = (sheet, col)
        if key not in self._merged_by_column:
            boxes = sorted((top, bottom, ref) for left, top, right, bottom, ref in merged if left <= col <= right)
            self._merged_by_column[key] = (boxes, [b[0] for b in boxes])
        boxes, tops = self._merged_by_column[key]
        i = bisect_right(tops, row) - 1
        return boxes[i][2] if i >= 0 and boxes[i][1] >= row else None

    def read_score(self, sheet: _Sheet, row: int, col: int) -> tuple[Decimal | None, tuple[str, str, str] | None]:
        """(score, None), or (None, (kind, what the cell holds, why)) for a cell that holds no score."""
        merged = self.merged_at(sheet.name, row, col)
        if merged:  # its value is in the first cell only: which unit and field would it count for?
            if (sheet.name, merged) in self._merged_reported:
                return None, None
            self._merged_reported.add((sheet.name, merged))
            return None, (TEXT, f"ô gộp {sheet.name}!{merged}", "ô điểm nằm trong vùng ô gộp; mỗi ô điểm phải là một "
                          "ô riêng. Hãy bỏ gộp ô (Unmerge) rồi nhập điểm vào từng ô")
        value = sheet.value(row, col)  # values as shown: a str starting with "=" is a text ('=1+1), not a formula
        if value is None:
            return None, None
        kind = value.__class__
        if (kind is float or kind is int) and value:  # a score: the same few recur (0 and -0.0, equal, read apart)
            number = self._numbers.get((kind, value))
            if number is None:
                try:
                    number = self._numbers[kind, value] = to_decimal(value)
                except NumberError as exc:  # NaN, infinity, 1e308: whatever core/numbers refuses is a finding
                    return None, (TEXT, exc.text, exc.reason)
            return number, None
        if isinstance(value, bool):
            return None, (BOOL, "TRUE" if value else "FALSE", "")
        if isinstance(value, (int, float, Decimal)):
            try:
                return to_decimal(value), None
            except NumberError as exc:  # NaN, infinity, 1e308: whatever core/numbers refuses is a finding
                return None, (TEXT, exc.text, exc.reason)
        if isinstance(value, (datetime.date, datetime.time)):
            shown = f"{value:%d/%m/%Y}" if isinstance(value, datetime.date) else f"{value:%H:%M}"
            return None, (DATE, shown, "")
        text = str(value).strip()
        if text == "":
            return None, None
        return None, (TEXT, text if len(text) <= 40 else f"{text[:20]}…({len(text)} ký tự)", "")

    def where(self, sheet: str, col: int, row: int) -> str:
        """L.where(sheet, col, row), its "Sheet!F" part built once per column (every score cell is cited)."""
        prefix = self._cell_prefix.get((sheet, col))
        if prefix is None:
            prefix = self._cell_prefix[sheet, col] = L.where(sheet, col, 0)[:-1]
        return f"{prefix}{row}"

    def score(self, problems: list[CellProblem], sheet: _Sheet, row: int, col: int, kind: str,
              field: int | None = None, criterion: str = "") -> Decimal | None:
        """A unit's score cell; what it holds when it is no score goes to `problems` (the unit's)."""
        value, bad = self.read_score(sheet, row, col)
        if bad:
            problems.append(CellProblem(bad[0], kind, bad[1], L.where(sheet.name, col, row), field, criterion,
                                        reason=bad[2]))
        return value

    def number(self, sheet: _Sheet, row: int, col: int, what: str) -> Decimal | None:
        """A number outside the units (the bands on Cấu hình): a problem there stops the reading."""
        value, bad = self.read_score(sheet, row, col)
        if bad:
            why = bad[2] or "không phải là số; hãy nhập lại bằng số"
            self.problems.append(f"{L.where(sheet.name, col, row)} ({what}): '{bad[1]}' {why}.")
        return value

    @staticmethod
    def text(sheet: _Sheet, row: int, col: int | None) -> str:
        return tidy(GridReader.raw(sheet, row, col))

    @staticmethod
    def raw(sheet: _Sheet, row: int, col: int | None) -> str:
        """The cell's text as Excel's formulas see it (for names: see names.exact_key)."""
        value = None if col is None else sheet.value(row, col)
        return "" if value is None else str(value)

    # -------------------------------------------------------- config

    def config(self) -> list[tuple[str, CriteriaSet, int, int | None]]:
        """(summary sheet, set with the bands on the sheet, data rows, year) per section; read once (the layout, the
        reading and the council ask for it: a band typed wrong is one problem, not one per asking)."""
        if self._config is None:
            self._config = self._read_config()
        return self._config

    def _read_config(self) -> list[tuple[str, CriteriaSet, int, int | None]]:
        cfg = self.sheet(L.CONFIG_SHEET)
        col = {key: i for i, key in enumerate(L.CONFIG_SETS_COLUMNS, start=1)}
        out = []
        row = L.CONFIG_SETS_FIRST_ROW
        while cfg.value(row, col["sheet"]):
            index = row - L.CONFIG_SETS_FIRST_ROW
            sheet = str(cfg.value(row, col["sheet"]))
            set_id = str(cfg.value(row, col["set_id"]) or "")
            cset = self.criteria_set(set_id, cfg.value(row, col["set_data"]), row, col)
            cset = self.bands(cfg, index, cset)
            rows = self.row_count(cfg.value(row, col["rows"]), f"{L.CONFIG_SHEET}!{L.col_letter(col['rows'])}{row}")
            year = cfg.value(row, col["years"])
            if cset.level == "xa":  # blank in a workbook made before the column: communes had a district then
                self.commune_districts = self.text(cfg, row, col["district_col"]) != "không"
            out.append((sheet, cset, rows, int(year) if isinstance(year, (int, float)) and 0 < year < 10_000 else None))
            row += 1
        if not out:
            raise ReadError(f"{self.source}: trang {L.CONFIG_SHEET} không ghi bộ tiêu chí nào.")
        return out

    def layout(self) -> L.WorkbookLayout:
        """Where the builder put everything, from what Cấu hình records."""
        config = self.config()
        return L.workbook_layout([(cset, rows) for _, cset, rows, _ in config], self.commune_districts)

    def row_count(self, value, where: str) -> int:
        """The number of unit rows a section has: a whole number from 1 to MAX_ROWS, checked before any
        layout is sized by it (1e9 typed there would allocate gigabytes; -5 would read no unit at all)."""
        if value is None:
            return 0
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value == value \
                and 1 <= value <= MAX_ROWS and value == int(value):
            return int(value)
        raise ReadError(f"{self.source}, {where}: số dòng đơn vị '{value}' không hợp lệ (phải là số nguyên từ 1 đến "
                        f"{MAX_ROWS:,}); ô này do xltools ghi, đừng sửa. Hãy ghi lại số dòng như lúc tạo bảng, hoặc "
                        "lấy lại bản sao lưu.".replace(",", "."))

    def criteria_set(self, set_id: str, data, row: int, col: dict) -> CriteriaSet:
        """The set's own data saved in the workbook (written only for sets that are not shipped as
        they are), else the shipped set with that id."""
        if isinstance(data, str) and data.strip():
            where = f"{self.source}, {L.CONFIG_SHEET}!{L.col_letter(col['set_data'])}{row}"
            try:
                return setdata.loads(data, where)
            except ValueError as exc:  # bad JSON, or a set that does not hold together
                raise ReadError(f"{where}: dữ liệu bộ tiêu chí {set_id} bị hỏng ({exc}).") from exc
        try:
            return catalog.get(set_id)
        except LookupError as exc:
            raise ReadError(f"{self.source}, {L.CONFIG_SHEET}!{L.col_letter(col['set_id'])}{row}: {exc}") from exc

    def bands(self, cfg: _Sheet, index: int, cset: CriteriaSet) -> CriteriaSet:
        """The set with the bands typed on Cấu hình (the formulas class by them)."""
        col = 1 + index * L.CONFIG_BANDS_WIDTH
        bands = []
        for i in range(len(cset.bands)):
            row = L.CONFIG_BANDS_FIRST_ROW + i
            label = self.text(cfg, row, col)
            minimum = self.number(cfg, row, col + 1, "mức điểm xếp loại")
            if not label or minimum is None:
                return cset
            if not 0 <= minimum <= cset.max_total:
                self.problems.append(f"{L.where(L.CONFIG_SHEET, col + 1, row)} (mức điểm xếp loại {label}): {minimum} nằm "
                                     f"ngoài khoảng 0 đến {cset.max_total} điểm của bộ {cset.id}; hãy sửa lại.")
                return cset
            bands.append(Band(label, minimum))
        if any(not a.min > b.min for a, b in zip(bands, bands[1:])):
            self.problems.append(f"{L.CONFIG_SHEET}: các mức xếp loại của {cset.id} phải xếp từ cao xuống thấp.")
            return cset
        return dataclasses.replace(cset, bands=tuple(bands))

    # -------------------------------------------------------- sections

    def read(self) -> list[tuple[UnitsTable, CriteriaSet]]:
        config = self.config()
        lay = self.layout()
        out = []
        for section, (sheet, cset, _, year) in zip(lay.sections, config):
            if section.summary.sheet != sheet:
                raise ReadError(f"{self.source}: trang {L.CONFIG_SHEET} ghi trang '{sheet}' nhưng bộ {cset.id} "
                                f"dùng trang '{section.summary.sheet}'; hãy dùng lại tệp mẫu do xltools tạo.")
            out.append((self.section(section, year), cset))
        if self.problems:
            shown = "\n".join(f"  - {p}" for p in self.problems[:MAX_REPORTED])
            more = len(self.problems) - MAX_REPORTED
            tail = f"\n  … và {more} ô khác." if more > 0 else ""
            raise ReadError(f"{self.source}: có ô cần sửa trên trang {L.CONFIG_SHEET}:\n{shown}{tail}")
        return out

    def section(self, section: L.Section, year: int | None) -> UnitsTable:
        cset, lay = section.cset, section.summary
        ws = self.sheet(lay.sheet)
        self.uncounted_rows: list[StrayRow] = []  # survey rows, detail blocks with scores but no name or a name again
        survey = self.survey_rows(section.survey) if section.survey else {}
        detail = self.detail_blocks(section.detail) if section.detail else {}
        units = []
        keys: dict[str, str] = {}  # the units' names as Excel compares them -> the name's cell
        columns = lay.unit_columns(inputs_only=True)
        for row in range(lay.first_row, ws.max_row + 1):
            unit = self.unit(section, ws, row, survey, detail, columns)
            if unit is None:
                continue
            keys.setdefault(_key(self.raw(ws, row, lay.name)), L.where(lay.sheet, lay.name, row))
            if row > lay.last_row:  # typed below the rows the formulas cover: not a unit of the workbook's ranking
                unit.problems.append(CellProblem(OUTSIDE, f"dòng {lay.first_row}–{lay.last_row}", f"dòng {row}",
                                                 L.where(lay.sheet, lay.name, row)))
            units.append(unit)
        title = " ".join(self.text(ws, r, 1) for r in L.TITLE_ROWS).strip()
        looks = {tidy(k): where for k, where in keys.items()}  # what a reader of the sheet sees
        strays = [StrayRow(name, sheet, where, looks.get(tidy(key), "")) for rows in (survey, detail)
                  for key, (name, sheet, where, *_) in rows.items() if key not in keys] + self.uncounted_rows
        return UnitsTable(units=units, level=cset.level, exact_names=True, title=title, source=self.source, sheet=lay.sheet,
                          year=year if year is not None else (cset.years[0] if cset.years else None),
                          province=cset.province, has_reasons=True,
                          field_names=[f.name for f in cset.fields], strays=strays)

    def unit(self, section, ws, row, survey, detail, columns: list[RowColumn]) -> Unit | None:
        lay = section.summary
        unit = unit_of_row(columns, _SheetRow(self, ws, row), len(lay.fields),
                           L.where(lay.sheet, lay.name, row))
        if unit is None:
            return None
        unit.problems += self.check_formulas(lay, row)
        note = self.text(ws, row, lay.note)
        note_cell = L.where(lay.sheet, lay.note, row)
        for i, s in enumerate(unit.fields):
            if not lay.field_from_detail(i):
                s.reason = note or None
                s.cells["reason"] = note_cell
        fields = unit.fields
        key = _key(self.raw(ws, row, lay.name))
        if section.survey and key in survey:
            _, _, _, scores, survey_problems = survey[key]
            for i, (value, cell) in scores.items():
                fields[i].survey = value
                fields[i].cells["survey"] = cell
            unit.problems += survey_problems
        if section.detail and key in detail:
            _, _, _, start, criteria, detail_problems, cells = detail[key]  # cells: a _BlockCells
            self.fill_from_detail(section, unit, start, criteria)
            unit.criterion_cells = cells
            unit.problems += detail_problems
        return unit

    def check_formulas(self, lay: L.SummaryLayout, row: int) -> list[CellProblem]:
        """The computed cells of a unit's row still hold their formulas: a number typed over one shows in
        Excel instead of what the formula computes, and no longer follows the scores."""
        typed = self.typed.get(lay.sheet)
        if typed is None:
            return []
        computed = self._computed.get(lay.sheet)
        if computed is None:  # the same columns on every row: listed once per sheet
            # a field summed from the detail sheet: its Tự chấm and Thẩm định cells are formulas too (the reader
            # takes the detail's scores, so a number typed there would show in Excel but count nowhere else)
            computed = self._computed[lay.sheet] = [
                (col, label, i) for i, fc in enumerate(lay.fields) if lay.field_from_detail(i)
                for col, label in ((fc.self_col, "Tự chấm"), (fc.appraised, "Thẩm định"))] + [
                (fc.survey, "ĐT XHH", i) for i, fc in enumerate(lay.fields) if fc.survey] + [
                (lay.self_total, "Tổng tự chấm", None), (lay.appraised_total, "Tổng thẩm định", None),
                (lay.survey_total, "Tổng ĐT XHH", None), (lay.total, "Tổng cộng", None), (lay.rank, "Xếp hạng", None),
                (lay.class_, "Xếp loại", None), (lay.class_after_rule, RULE_CLASS_LABEL, None)]
        out = []
        line = typed.rows[row - 1] if row <= len(typed.rows) else []  # (typed.value without a call per cell)
        for col, label, field in computed:
            value = line[col - 1] if col and col <= len(line) else None
            if value is None or value is FORMULA:  # blank, or values.py's formula mark (the usual)
                continue
            if not isinstance(value, (int, float, Decimal, str, datetime.date, datetime.time)) or _is_formula(value) \
                    or (isinstance(value, str) and not value.strip()):
                continue  # a formula (text or openpyxl's array formula object), or blank
            out.append(CellProblem(OVER_FORMULA, label, _typed_text(value), L.where(lay.sheet, col, row), field))
        return out

    # -------------------------------------------------------- survey and detail

    def survey_rows(self, lay: L.SurveyLayout) -> dict[str, tuple]:
        """key -> (name, sheet, cell of the name, {field: (score, cell)}, cell problems), first row of a name."""
        ws = self.sheet(lay.sheet)
        out: dict[str, tuple] = {}
        for row in range(lay.first_row, ws.max_row + 1):
            name, key = self.text(ws, row, lay.name), _key(self.raw(ws, row, lay.name))
            if not name or key in out:  # MATCH in the summary takes the first row too: a second one counts for nobody
                self.uncounted(ws, lay.name, row, [(row, col) for col in lay.fields.values()], name,
                               out[key][2] if name else "")
                continue
            problems: list[CellProblem] = []
            scores = {i: (self.score(problems, ws, row, col, "survey", i), L.where(lay.sheet, col, row))
                      for i, col in lay.fields.items()}
            out[key] = (name, lay.sheet, L.where(lay.sheet, lay.name, row), scores, problems)
        return out

    def detail_blocks(self, lay: L.DetailLayout) -> dict[str, tuple]:
        """key -> (name, sheet, cell of the name, first row, {code: CriterionScore}, cell problems,
        {code: {kind: input cell}})."""
        ws = self.sheet(lay.sheet)
        out: dict[str, tuple] = {}
        k = 0
        leaves = [lay.offsets[node.code] for node in lay.nodes if not node.children and not node.survey]
        columns = {kind: L.where(lay.sheet, col, 0)[:-1]  # "Chi tiết Xã!F": a leaf's cells, for its findings
                   for kind, col in (("self", lay.self_col), ("appraised", lay.appraised), ("note", lay.note))}
        while lay.block_start(k) <= ws.max_row:
            start = lay.block_start(k)
            k += 1
            name, key = self.text(ws, start, lay.unit), _key(self.raw(ws, start, lay.unit))
            if not name or key in out:
                self.uncounted(ws, lay.unit, start, [(start + offset, col) for offset in leaves
                                                     for col in (lay.self_col, lay.appraised)], name,
                               out[key][2] if name else "")
                continue
            criteria = {}
            problems: list[CellProblem] = []
            tops = {node.code: i for i, node in enumerate(lay.cset.fields)}
            for node in lay.nodes:
                row = start + lay.offsets[node.code]
                code = ws.value(row, lay.code)
                if str(code).strip() != node.code:
                    raise ReadError(f"{self.source}, {L.where(lay.sheet, lay.code, row)}: cần mã tiêu chí {node.code} "
                                    f"nhưng ô ghi '{code}'; các khối tiêu chí đã bị chèn hoặc xóa dòng, "
                                    "hãy dùng lại tệp mẫu do xltools tạo.")
                if node.children or node.survey:
                    continue
                field = tops.get(node.code.split(".")[0])
                criteria[node.code] = CriterionScore(
                    self_score=self.score(problems, ws, row, lay.self_col, "self", field, node.code),
                    appraised=self.score(problems, ws, row, lay.appraised, "appraised", field, node.code),
                    reason=self.text(ws, row, lay.reason), note=self.text(ws, row, lay.note))
            out[key] = (name, lay.sheet, L.where(lay.sheet, lay.unit, start), start, criteria, problems,
                        _BlockCells(columns, lay.offsets, start))
        return out

    def uncounted(self, ws: _Sheet, name_col: int, row: int, cells: list[tuple[int, int]], name: str,
                  first: str) -> None:
        """A survey row or detail block whose scores count for no unit, when its score cells hold something:
        its name cell is blank (`name` ""), or its name's `first` row or block is the one the summary takes.
        A stray, never dropped without a word."""
        typed = [self.where(ws.name, col, r) for r, col in cells
                 if ws.value(r, col) is not None and str(ws.value(r, col)).strip()]
        if typed:
            self.uncounted_rows.append(StrayRow(name, ws.name, L.where(ws.name, name_col, row), cells=tuple(typed),
                                                first=first))

    def fill_from_detail(self, section, unit: Unit, start: int, criteria: dict) -> None:
        cset, lay, dl = section.cset, section.summary, section.detail
        unit.criteria = {code: score for code, score in criteria.items()
                         if score.self_score is not None or score.appraised is not None or score.reason or score.note}
        selfs = criteria_field_scores(unit, cset, "self")
        appraised = criteria_field_scores(unit, cset, "appraised")
        by_code = cset.criteria_by_code()
        for i, (f, s) in enumerate(zip(cset.fields, unit.fields)):
            if not lay.field_from_detail(i):
                continue
            s.self_score, s.appraised = selfs[i], appraised[i]
            row = start + dl.offsets[f.code]
            s.cells = {"self": L.where(dl.sheet, dl.self_col, row), "appraised": L.where(dl.sheet, dl.appraised, row),
                       **{k: v for k, v in s.cells.items() if k == "survey"}}
            notes = [f"{code}: {c.note}" for code, c in criteria.items()
                     if c.note and code.split(".")[0] == f.code and code in by_code]
            s.reason = "; ".join(notes) or None



class _BlockCells(Mapping[str, Mapping[str, str]]):
    """A detail block's input cells, code -> kind -> "Chi tiết Xã!F113", for the findings that name them: worked
    out when asked (a few per unit), not for every leaf of every block."""

    def __init__(self, columns: dict[str, str], offsets: Mapping[str, int], start: int):
        self.columns, self.offsets, self.start = columns, offsets, start

    def __getitem__(self, code: str) -> Mapping[str, str]:
        row = self.start + self.offsets[code]
        return {kind: f"{prefix}{row}" for kind, prefix in self.columns.items()}

    def __iter__(self) -> Iterator[str]:
        return iter(self.offsets)

    def __len__(self) -> int:
        return len(self.offsets)


class _SheetRow:
    """One row of a summary sheet as the shared row reader asks it (core/rows.py): inputs only, the
    computed cells are formulas (check_formulas names a number typed over one)."""

    def __init__(self, reader: GridReader, ws: _Sheet, row: int):
        self.reader, self.ws, self.row = reader, ws, row
        self.problems: list[CellProblem] = []
        # the row's cells when no merged range reaches it (nearly every unit's row): a score read there is
        # the number its value was read as before, when it was (GridReader.read_score, `_numbers`)
        self.plain = ws.rows[row - 1] if row > reader._last_merged_row.get(ws.name, 0) and row <= len(ws.rows) else None

    def text(self, col: int) -> str:
        return self.reader.text(self.ws, self.row, col)

    def score(self, col: int, kind: str, field: int | None) -> Decimal | None:
        if self.plain is not None and col <= len(self.plain):
            value = self.plain[col - 1]
            number = self.reader._numbers.get((value.__class__, value)) if value.__class__ in _NUMBER_TYPES else None
            if number is not None:
                return number
        return self.reader.score(self.problems, self.ws, self.row, col, kind, field)

    def cell(self, col: int) -> str:
        prefix = self.reader._cell_prefix.get((self.ws.name, col))
        return f"{prefix}{self.row}" if prefix is not None else self.reader.where(self.ws.name, col, self.row)

    def printed_score(self, col: int, kind: str) -> Decimal | None:
        return None  # not an input: a formula

    def printed_int(self, col: int) -> int | None:
        return None

    def printed_text(self, col: int) -> str | None:
        return None

_key = exact_key  # how the workbook's MATCH formulas compare names
_NUMBER_TYPES = (float, int)  # exactly: a bool is no score

