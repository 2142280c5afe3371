"""Survey scores (ĐT XHH) from another workbook, for the Nhập điểm XHH macro.

A minimal reader until the survey importer (xltools.importers.survey) lands: on each sheet, a row
is a unit when it has a name (the first text cell that is not a header word) followed by one score
per field with survey points, in the set's field order, optionally then the total. Names are matched
with name_key, so "UBND huyện Ba Bể" meets "Huyện Ba Bể".
"""
from __future__ import annotations

from dataclasses import dataclass, field as dc_field
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.cell import get_column_letter

from ..core.criteria import CriteriaSet
from ..core.names import fold, name_key, tidy
from ..core.numbers import NumberError, format_vn_short, parse_score

HEADER_WORDS = ("stt", "ten don vi", "don vi", "tong", "linh vuc", "diem", "phu luc", "ket qua")


@dataclass
class SurveyRow:
    name: str
    scores: list[Decimal]  # the numbers after the name, in order
    where: str
    bad: list[str]  # cells after the name that are not numbers

    def problems(self, cset: CriteriaSet, indexes: list[int]) -> list[str]:
        """What stops this row from being imported for the fields `indexes` (those with survey points)."""
        if self.bad:
            return self.bad
        if len(self.scores) not in (len(indexes), len(indexes) + 1):
            return [f"{self.where} ({self.name}): có {len(self.scores)} điểm, cần {len(indexes)} (mỗi lĩnh vực có "
                    "điểm ĐT XHH một điểm, theo thứ tự lĩnh vực, có thể thêm cột tổng)."]
        out = []
        for i, value in zip(indexes, self.scores):
            top = cset.fields[i].survey_max
            if not 0 <= value <= top:
                out.append(f"{self.where} ({self.name}), {cset.fields[i].label}: điểm {format_vn_short(value)} nằm "
                           f"ngoài khoảng 0 đến {format_vn_short(top)}.")
        return out


@dataclass
class SurveyTarget:
    """Where a workbook keeps the survey scores it counts: one row per unit, a column per field."""

    sheet: str
    cset: CriteriaSet
    name: int
    first: int
    last: int
    fields: dict[int, int]  # field index -> column
    units: list[str] = dc_field(default_factory=list)  # names on the summary, for rows still missing here

    @property
    def width(self) -> int:
        return max([self.name, *self.fields.values()])


def read_survey(path: str | Path) -> list[SurveyRow]:
    """The unit rows of a survey workbook, every sheet."""
    path = Path(path)
    try:
        wb = load_workbook(path, data_only=True, read_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise ValueError(f"Không mở được tệp điểm ĐT XHH '{path.name}' ({exc}); hãy chọn tệp .xlsx hoặc .xlsm.") from exc
    rows = []
    for ws in wb.worksheets:
        for r, cells in enumerate(ws.iter_rows(values_only=True), start=1):
            found = _unit_row(list(cells), f"{path.name}, trang {ws.title}", r)
            if found:
                rows.append(found)
    wb.close()
    return rows


def _unit_row(cells, where, r) -> SurveyRow | None:
    start = next((i for i, c in enumerate(cells) if isinstance(c, str) and c.strip() and not _is_number_text(c)), None)
    if start is None or fold(cells[start]).startswith(HEADER_WORDS):
        return None
    scores, bad = [], []
    for j, cell in enumerate(cells[start + 1:], start=start + 2):
        try:
            value = parse_score(cell)
        except NumberError as exc:
            bad.append(f"{where}, ô {get_column_letter(j)}{r}: {exc}")
            continue
        if value is not None:
            scores.append(value)
    if not scores and not bad:
        return None  # a title or a note
    return SurveyRow(tidy(cells[start]), scores, f"{where}, dòng {r}", bad)


def _is_number_text(text: str) -> bool:
    try:
        return parse_score(text) is not None
    except NumberError:
        return False


def match(rows: list[SurveyRow], names: dict[str, int]) -> tuple[dict[int, SurveyRow], list[str]]:
    """Survey rows by the target row of the unit they name (name_key), and the units named twice."""
    matched, twice = {}, []
    for row in rows:
        target = names.get(name_key(row.name))
        if target is not None:
            if target in matched:
                twice.append(f"{row.where}: đơn vị {row.name} có hai dòng trong tệp ĐT XHH "
                             f"({matched[target].where}); hãy giữ một dòng.")
            matched[target] = row
    return matched, twice
