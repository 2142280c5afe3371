"""Survey scores (ĐT XHH) per unit and field from .csv or .xlsx, matched to the units by name.

Two layouts: long (one row per unit and field: đơn vị, lĩnh vực, điểm) and wide (one row per unit,
one column per field). Names meet through `NameIndex` (the same unit first; else UBND, Sở, case and
diacritics folded); a name that matches no unit, or several, is listed for the user, never guessed.
"""
from __future__ import annotations

from dataclasses import dataclass, field as dc_field
from decimal import Decimal
from pathlib import Path

from ..core.criteria import CriteriaSet
from ..core.field_names import FieldMatcher
from ..core.names import NameIndex, fold, tidy
from ..core.numbers import NumberError, clean, decimals_shown, format_vn_short, parse_score
from ..core.scoring import UnitsTable, sum_beyond
from ..errors import ReadError

_UNIT = ("don vi", "ten don vi", "unit", "co quan", "ten co quan", "dia phuong", "ten")
_FIELD = ("linh vuc", "field", "ma linh vuc", "ten linh vuc")
_SCORE = ("diem", "score", "diem xhh", "dt xhh", "diem dt xhh", "diem dieu tra")
_TOTAL = ("tong", "tong cong", "tong diem", "tong diem xhh")  # checked against the fields' sum, never imported
_SKIP = ("stt", "tt", "ghi chu", *_TOTAL)


@dataclass
class SurveyImport:
    scores: dict[str, list[Decimal | None]]  # unit name as the table writes it -> survey score per field
    unmatched: list[str] = dc_field(default_factory=list)  # survey names no unit has, with their row
    ambiguous: list[str] = dc_field(default_factory=list)  # survey names several units share
    missing: list[str] = dc_field(default_factory=list)  # units the survey file has no row for
    approximate: list[str] = dc_field(default_factory=list)  # names matched loosely ('Xa Lung Cu' -> Xã Lũng Cú)


def _rows(path: Path) -> tuple[list[tuple[int, list[str]]], str]:
    """(row number, cell texts) and how a row is named in messages."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from .excel_grids import excel_grids

        grids = excel_grids(path)  # never empty: a workbook with nothing to read is refused there
        # the sheet with the units' column (a cover sheet or notes may come first)
        grid = next((g for g in grids if any(fold(clean(c)) in _UNIT for _, cells in g.rows for c in cells)), grids[0])
        return grid.rows, grid.container
    if suffix in (".csv", ".txt", ".tsv"):
        from .csv_rows import csv_rows

        return list(enumerate(csv_rows(path), start=1)), ""
    raise ReadError(f"{path.name}: điểm điều tra XHH đọc được từ tệp .csv hoặc .xlsx, không đọc được '{path.suffix}'.")


def _header(rows, source) -> tuple[int, list[str]]:
    for i, (_number, cells) in enumerate(rows):
        if any(fold(clean(c)) in _UNIT for c in cells):
            return i, [fold(clean(c)) for c in cells]
    raise ReadError(f"{source}: không thấy dòng tiêu đề có cột 'Đơn vị' (hoặc 'Tên đơn vị'); tệp điểm điều tra XHH "
                    "cần các cột: Đơn vị, Lĩnh vực, Điểm — hoặc Đơn vị và một cột cho mỗi lĩnh vực.")


def read_survey(path: str | Path, cset: CriteriaSet, unit_names: list[str]) -> SurveyImport:
    """Survey scores for the named units; raises ReadError listing every unreadable cell."""
    path = Path(path)
    rows, container = _rows(path)
    source = ", ".join(x for x in (path.name, container) if x)
    start, head = _header(rows, source)
    unit_col = next(i for i, h in enumerate(head) if h in _UNIT)
    field_col = next((i for i, h in enumerate(head) if h in _FIELD), None)
    score_col = next((i for i, h in enumerate(head) if h in _SCORE), None)
    header_cells = rows[start][1]
    matcher = FieldMatcher(cset.fields)
    total_col = None
    if field_col is not None and score_col is not None:
        columns = None
    else:
        columns = {}
        unknown = []
        for i, label in enumerate(header_cells):
            if fold(clean(label)) in _TOTAL and total_col is None:
                total_col = i
            if i == unit_col or not clean(label) or fold(clean(label)) in _SKIP:
                continue
            index = matcher.index(label)
            if index is None:
                unknown.append(f"'{clean(label)}'")
            else:
                columns[i] = index
        if unknown or not columns:
            names = ", ".join(f"{f.code}. {f.name}" for f in cset.fields)
            shown = ", ".join(unknown) or "(không có cột điểm)"
            raise ReadError(f"{source}, dòng {rows[start][0]}: không nhận ra lĩnh vực của cột {shown}; "
                            f"hãy đặt tên cột là mã hoặc tên lĩnh vực của bộ tiêu chí {cset.id} ({names}), "
                            "hoặc dùng ba cột Đơn vị, Lĩnh vực, Điểm.")
    known = NameIndex(unit_names)
    result = SurveyImport(scores={})
    problems: list[str] = []
    unnamed = False  # a row's field named no field of the set
    seen: dict[tuple[str, int], int] = {}
    for number, cells in rows[start + 1:]:
        cells = cells + [""] * (len(header_cells) - len(cells))
        name = tidy(clean(cells[unit_col])) if unit_col < len(cells) else ""
        if not name or fold(name).startswith(("tong", "trung binh")):
            continue
        where = f"{source}, dòng {number}"
        matches = known.find(name)
        if len(matches) != 1:
            near = known.near(name)
            why = (f": trùng với {', '.join(matches)}" if matches else
                   f": gần giống {', '.join(near)} nhưng khác dấu hoặc khác loại xã/phường, không ghép" if near else "")
            (result.ambiguous if matches else result.unmatched).append(f"{name} ({where}{why})")
            continue
        unit = matches[0]
        if not known.same(name):
            result.approximate.append(f"'{name}' ({where}) → {unit}")
        if columns is None:
            index = matcher.index(cells[field_col])
            if index is None:  # never guessed: its score would go into another field's cell
                problems.append(f"{where}: lĩnh vực '{clean(cells[field_col])}' không có trong bộ tiêu chí {cset.id}"
                                + _near(matcher, cells[field_col]) + ".")
                unnamed = True
                continue
            pairs = [(index, score_col)]
        else:
            pairs = [(index, col) for col, index in columns.items()]
        scores = result.scores.setdefault(unit, [None] * len(cset.fields))
        row: dict[int, Decimal | None] = {}  # this row's scores (a repeated row's are not kept, its total is its own)
        for index, col in pairs:
            try:
                value = row[index] = parse_score(cells[col])
            except NumberError as exc:
                problems.append(f"{where}, cột '{clean(header_cells[col])}': {exc}")
                continue
            top = cset.fields[index].survey_max
            if value is not None and not 0 <= value <= top:  # said with the other problems: one run shows them all
                problems.append(f"{where}, cột '{clean(header_cells[col])}': {unit}, {cset.fields[index].label}: điểm "
                                f"ĐT XHH {format_vn_short(value)} nằm ngoài khoảng 0 đến {format_vn_short(top)}.")
            if (unit, index) in seen and value is not None:
                problems.append(f"{where}: {unit} đã có điểm lĩnh vực {cset.fields[index].code} ở dòng "
                                f"{seen[(unit, index)]}; hãy giữ một dòng.")
                continue
            seen[(unit, index)] = number
            scores[index] = value
        if total_col is not None and len(row) == len(pairs):
            beyond = any(v is not None and v > cset.fields[i].survey_max for i, v in row.items())
            if not beyond:  # a score above its maximum is named by its own error; the total would blame the sum
                problems += _total_disagrees(cells[total_col], list(row.values()), where, header_cells[total_col])
    if problems:
        raise ReadError("Không đọc được điểm điều tra XHH:\n"
                        + "\n".join(f"  - {p}" for p in problems[:20])
                        + (f"\n  … và {len(problems) - 20} lỗi khác." if len(problems) > 20 else "")
                        + (f"\nHãy ghi cột Lĩnh vực bằng mã (1, LV1) hoặc tên lĩnh vực của bộ tiêu chí {cset.id}: "
                           + "; ".join(f"{f.code}. {f.name}" for f in cset.fields) + "." if unnamed else ""))
    result.missing = [n for n in unit_names if n not in result.scores]
    return result


def _near(matcher: FieldMatcher, label: str) -> str:
    near = matcher.near(label)
    if not near:
        return ""
    return " (không rõ là lĩnh vực nào: " + " hay ".join(f"{matcher.fields[i].code}. {matcher.fields[i].name}"
                                                        for i in near) + ")"


def _total_disagrees(cell: str, scores: list[Decimal | None], where: str, label: str) -> list[str]:
    """A row whose printed total is not the sum of its fields has a wrong cell somewhere: which one, the user knows."""
    try:
        total = parse_score(cell)
    except NumberError as exc:
        return [f"{where}, cột '{clean(label)}': {exc}"]
    present = [s for s in scores if s is not None]
    if total is None or len(present) < len(scores):
        return []
    summed = sum_beyond(present, total, decimals_shown(total), addends=1)  # the total rounded as printed
    if summed is None:
        return []
    return [f"{where}: cột '{clean(label)}' ghi {format_vn_short(total)} nhưng các lĩnh vực cộng lại "
            f"{format_vn_short(summed)} ({' + '.join(format_vn_short(s) for s in scores)}); hãy sửa ô sai rồi nhập lại."]


def apply_survey(table: UnitsTable, survey: SurveyImport) -> int:
    """Put the survey scores into the table's units; returns how many units received scores."""
    count = 0
    for unit in table.units:
        scores = survey.scores.get(unit.name)
        if scores is None:
            continue
        for f, value in zip(unit.fields, scores):
            if value is not None:
                f.survey = value
        count += 1
    return count
