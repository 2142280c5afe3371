"""Build the live appraisal workbook (openpyxl): the official appendix layout with formulas.

Positions come from layout.py, formulas from formulas.py, the look from styles.py; each sheet has
its writer in workbook/sheets/, and save.py writes the file reproducibly. This module says what a
workbook is made of and in which order.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from ..core.criteria import CriteriaSet
from ..core.names import name_key
from ..core.scoring import Unit
from ..errors import UserError
from . import layout as L
from .cells import create_sheet, cycle_collector_paused
from .save import FIXED_TIME, save, workbook_bytes
from .sheets import config, detail, ranking, summary, survey
from .sheets.common import LINE_HEIGHT, protect
from .styles import FONT, INPUT_FILL, add_named_styles

# Names other modules import from here (council, excel, tests, benchmarks).
__all__ = ["FONT", "INPUT_FILL", "LINE_HEIGHT", "SectionInput", "build", "build_file", "default_year", "save",
           "workbook_bytes"]


@dataclass
class SectionInput:
    """What a section is built from: the set, its units (None: blank rows) and the year shown."""

    cset: CriteriaSet
    units: list[Unit] | None = None
    year: int | None = None
    blank_rows: int = L.BLANK_ROWS  # numbered empty rows when there are no units

    def rows(self) -> list[Unit | None]:
        """One entry per data row: the units, or `blank_rows` Nones."""
        return list(self.units) if self.units else [None] * self.blank_rows


def default_year(cset: CriteriaSet) -> int | None:
    return cset.years[-1] if cset.years else None


@cycle_collector_paused
def build(inputs: list[SectionInput], password: str | None = None, spare_rows: int = L.DEFAULT_SPARE_ROWS,
          decision: str = "", with_appraised: bool = False) -> Workbook:
    """The openpyxl Workbook for the given sets (one per level) and their units.

    Units give names, districts, Tự chấm, ĐT XHH and detail; Thẩm định is left for the appraisers
    unless `with_appraised` (demos, tests). A set without units gets BLANK_ROWS blank rows."""
    unit_lists = {i.cset.level: i.rows() for i in inputs}
    layout = L.workbook_layout([(i.cset, len(unit_lists[i.cset.level]) + spare_rows) for i in inputs])
    years = {i.cset.level: i.year or default_year(i.cset) for i in inputs}
    wb = Workbook()
    wb.remove(wb.active)
    add_named_styles(wb, {s.cset.decimals for s in layout.sections} | {max(s.cset.decimals, 2) for s in layout.sections})
    communes = layout.section("xa")
    districts = layout.section("huyen")
    district_names = {name_key(u.name): u.name for u in unit_lists.get("huyen", []) if u}
    for s in layout.sections:
        units = unit_lists[s.cset.level]
        ws = create_sheet(wb, s.summary.sheet)
        rule_live = districts is not None and districts.summary.rule_live
        summary.write(ws, s, units, years[s.cset.level], decision, communes if s.summary.rule_live else None,
                      district_names if s.cset.level == "xa" else {}, with_appraised,
                      districts if s.cset.level == "xa" and rule_live else None)
        if s.ranking:
            ranking.write(create_sheet(wb, s.ranking.sheet), s, years[s.cset.level])
        if s.survey:
            survey.write(create_sheet(wb, s.survey.sheet), s, units, years[s.cset.level])
        if s.detail:
            detail.write(create_sheet(wb, s.detail.sheet), s, units, years[s.cset.level], with_appraised)
    config.write(create_sheet(wb, L.CONFIG_SHEET), layout, years)
    config.defined_names(wb, layout)
    if communes is not None and districts is not None:
        _district_choice(wb, communes, districts)
    for ws in wb.worksheets:
        protect(ws, password)
    wb.properties.creator = "xltools"
    wb.properties.lastModifiedBy = "xltools"
    wb.properties.title = "Bảng thẩm định Chỉ số CCHC"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.calculation.fullCalcOnLoad = True  # no cached results: Excel computes on opening
    return wb


def _district_choice(wb: Workbook, communes: L.Section, districts: L.Section) -> None:
    """A commune's district is picked from the district sheet's names (the 2/3 rule matches them exactly)."""
    cl = communes.summary
    dv = DataValidation(type="list", formula1=districts.defined_name("Units"), allow_blank=True,
                        showErrorMessage=True, errorStyle="warning", errorTitle="Tên huyện",
                        error=f"Tên huyện nên chọn từ danh sách trên trang {districts.summary.sheet} để áp dụng "
                              "quy tắc 2/3 cấp xã.")
    dv.add(f"{L.col_letter(cl.district)}{cl.first_row}:{L.col_letter(cl.district)}{cl.last_row}")
    wb[cl.sheet].add_data_validation(dv)


def build_file(inputs: list[SectionInput], path, **options) -> Path:
    """The workbook written to `path`; an existing file there (an appraiser's typed scores, perhaps)
    is kept as a backup NAME.bak-TIME.xlsx (xltools.files)."""
    if Path(path).suffix.lower() != ".xlsx":
        raise UserError(f"Bảng tính thẩm định phải có đuôi .xlsx (đang là '{Path(path).name}'); hãy ghi -o TÊN.xlsx "
                         "(bảng có macro: --xlsm -o TÊN.xlsm).")
    return save(build(inputs, **options), path)
