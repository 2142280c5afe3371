"""Build the live appraisal workbook (openpyxl): the official appendix layout with formulas.

Positions come from layout.py, formulas from formulas.py; this module only places and styles them.
Files are reproducible: fixed document timestamps and fixed zip entry dates, so building twice
gives identical bytes.
"""
from __future__ import annotations

import datetime
import io
import os
import zipfile
from copy import copy
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Protection, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.writer.excel import ExcelWriter

from .. import catalog, wording
from ..celltext import Formula, put
from ..core.criteria import CriteriaSet, class_rank
from ..core.names import name_key
from ..core.numbers import format_vn_short
from ..core.scoring import Unit
from ..errors import UserError
from ..files import write_bytes
from . import formulas as F, layout as L, setdata

FONT = "Times New Roman"
FIXED_TIME = datetime.datetime(2025, 1, 1, 0, 0, 0)  # document properties: reproducible files
ZIP_TIME = (1980, 1, 1, 0, 0, 0)

INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")  # pale yellow: type here
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
BLOCK_FILL = PatternFill("solid", fgColor="DDEBF7")
SURVEY_FILL = PatternFill("solid", fgColor="EDEDED")
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)

# Conditional formats: what the appraiser must look at.
CF_TEXT = dict(fill=PatternFill("solid", bgColor="FF0000"), font=Font(color="FFFFFF", bold=True))
CF_RANGE = dict(fill=PatternFill("solid", bgColor="FFC7CE"), font=Font(color="9C0006", bold=True))
CF_ABOVE = dict(fill=PatternFill("solid", bgColor="F4B084"))
CF_DIFF = dict(fill=PatternFill("solid", bgColor="FCE4D6"))
CF_BLANK = dict(fill=PatternFill("solid", bgColor="E2EFDA"))

# Detail sheet: column widths, and the characters of Times New Roman 12 one line of them holds.
DETAIL_NAME_WIDTH = 70
DETAIL_NAME_CHARS = 105
DETAIL_TEXT_CHARS = 36  # Giải trình and Ghi chú columns (width 30)
DETAIL_UNIT_CHARS = 30
LINE_HEIGHT = 16.5


@dataclass
class SectionInput:
    """What a section is built from: the set, its units (None: blank rows) and the year shown."""

    cset: CriteriaSet
    units: list[Unit] | None = None
    year: int | None = None
    blank_rows: int = L.BLANK_ROWS  # numbered empty rows when there are no units


def default_year(cset: CriteriaSet) -> int | None:
    return cset.years[-1] if cset.years else None


# ---------------------------------------------------------------- styles

def _styles(wb: Workbook, decimals: set[int]) -> None:
    def add(name, **kw):
        kw.setdefault("font", Font(name=FONT, size=12))
        kw.setdefault("border", BORDER)
        wb.add_named_style(NamedStyle(name=name, **kw))

    unlocked, locked = Protection(locked=False), Protection(locked=True)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    left = Alignment(horizontal="left", vertical="center", wrap_text=True)
    add("xl_header", font=Font(name=FONT, size=11, bold=True), fill=HEADER_FILL, alignment=center, protection=locked)
    add("xl_in_text", fill=INPUT_FILL, alignment=left, protection=unlocked)
    add("xl_text", alignment=left, protection=locked)
    add("xl_center", alignment=center, protection=locked)
    add("xl_bold_text", font=Font(name=FONT, size=12, bold=True), alignment=left, protection=locked, fill=BLOCK_FILL)
    add("xl_flag", font=Font(name=FONT, size=11, color="C00000"), alignment=left, protection=locked)
    add("xl_survey_leaf", font=Font(name=FONT, size=11, italic=True), fill=SURVEY_FILL, alignment=left,
        protection=locked)
    for d in sorted(decimals):
        fmt = "0" if d == 0 else "0." + "0" * d
        right = Alignment(horizontal="right", vertical="center")
        add(f"xl_in_{d}", fill=INPUT_FILL, number_format=fmt, alignment=right, protection=unlocked)
        add(f"xl_calc_{d}", number_format=fmt, alignment=right, protection=locked)
        add(f"xl_total_{d}", font=Font(name=FONT, size=12, bold=True), number_format=fmt, alignment=right,
            protection=locked)
    for name, kw in (("xl_title", dict(size=14, bold=True)), ("xl_subtitle", dict(size=13, italic=True)),
                     ("xl_legend", dict(size=11, italic=True, color="595959"))):
        wb.add_named_style(NamedStyle(name=name, font=Font(name=FONT, **kw),
                                      alignment=Alignment(horizontal="center" if name != "xl_legend" else "left",
                                                          vertical="center", wrap_text=name != "xl_legend")))


def _put(ws, row: int, col: int, value, style: str):
    """Write a cell with a named style. The style's StyleArray is resolved once per workbook and
    copied: assigning `cell.style = name` looks the name up on every call, which dominated the
    build time of a 200-unit detail sheet."""
    cache = ws.parent.__dict__.setdefault("_xltools_styles", {})
    array = cache.get(style)
    if array is None:
        probe = ws.cell(row=row, column=col)
        probe.style = style
        array = cache[style] = copy(probe._style)
    cell = put(Cell(ws, row=row, column=col, style_array=copy(array)), value)  # a str that is not _f(…) is text
    ws._cells[(row, col)] = cell
    return cell


def _f(formula: str) -> Formula:
    return Formula("=" + formula)


def _cell(col: int, row: int, absolute_col: bool = False) -> str:
    c = L.col_letter(col)
    return f"${c}{row}" if absolute_col else f"{c}{row}"


def _dv(ws, sqref: str, maximum, what: str) -> None:
    """Decimal between 0 and the maximum (a number, or a relative cell reference like $D6)."""
    if isinstance(maximum, str):
        bound, m = maximum, "điểm tối đa"
    else:
        bound, m = F.num(maximum), format_vn_short(maximum)
    dv = DataValidation(type="decimal", operator="between", formula1="0", formula2=bound, allow_blank=True,
                        showErrorMessage=True, errorStyle="stop", errorTitle="Điểm không hợp lệ",
                        error=f"{what}: hãy nhập một số từ 0 đến {m}. Không nhập chữ; dấu thập phân theo cài đặt "
                              "của Excel trên máy (ví dụ 19,5 hoặc 19.5).")
    for part in sqref.split():
        dv.add(part)
    ws.add_data_validation(dv)


def _protect(ws, password: str | None) -> None:
    ws.protection.sheet = True
    if password:
        ws.protection.password = password
    # Let people resize, filter and select; everything else on locked cells stays refused.
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.autoFilter = False
    ws.protection.sort = False  # sorting the unlocked input cells (names, scores) stays possible


def _print_setup(ws, title_rows: str, last_col: int, last_row: int, freeze: str) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = title_rows
    ws.print_area = f"A1:{L.col_letter(last_col)}{last_row}"
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    ws.page_setup.blackAndWhite = True  # Excel prints no input fills or highlights: a clean official table
    ws.oddFooter.center.text = "Trang &P/&N"
    ws.oddFooter.center.size = 10
    ws.oddFooter.center.font = FONT
    ws.freeze_panes = freeze
    ws.sheet_view.zoomScale = 90


# ---------------------------------------------------------------- summary sheet

def _title_block(ws, section: L.Section, year: int | None, decision: str, last_col: int,
                 districts: list[str | None]) -> None:
    cset = section.cset
    kem_theo = decision or wording.decision_line(cset, year, districts=districts)
    for row, text, style in ((1, section.appendix, "xl_title"),
                             (2, wording.appendix_title(cset, year), "xl_title"),
                             (3, kem_theo, "xl_subtitle")):
        _put(ws, row, 1, text, style)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last_col)
    _put(ws, L.LEGEND_ROW, 1, "Ô nền vàng: nhập điểm (Thẩm định, Tự chấm, tên đơn vị, ghi chú). Các ô khác tự tính "
                              "bằng công thức. Cột Kiểm tra báo ô nhập chữ thay cho số, điểm ngoài khoảng, tên không "
                              f"khớp. Bộ tiêu chí: {cset.id}.", "xl_legend")
    ws.row_dimensions[2].height = 20
    ws.row_dimensions[3].height = 18


def _header(ws, row1: int, col: int, text: str, span: int = 1, sub: list[str] | None = None) -> None:
    """A header over `span` columns: merged over both header rows when there is no second row."""
    r2 = row1 + 1
    if sub:
        _put(ws, row1, col, text, "xl_header")
        for i in range(1, span):
            _put(ws, row1, col + i, None, "xl_header")
        if span > 1:
            ws.merge_cells(start_row=row1, start_column=col, end_row=row1, end_column=col + span - 1)
        for i, s in enumerate(sub):
            _put(ws, r2, col + i, s, "xl_header")
    else:
        _put(ws, row1, col, text, "xl_header")
        _put(ws, r2, col, None, "xl_header")
        ws.merge_cells(start_row=row1, start_column=col, end_row=r2, end_column=col)


def summary_label_columns(section: L.Section) -> list[tuple[wording.Label, int]]:
    """The official labels of the summary sheet (xltools.wording, as the appendix prints them) with their columns."""
    lay = section.summary
    labels = wording.table_labels(section.cset, district=bool(lay.district), class_after_rule=bool(lay.class_after_rule))
    cols = {"stt": lay.stt, "name": lay.name, "district": lay.district, "self_total": lay.self_total,
            "appraised_total": lay.appraised_total, "survey_total": lay.survey_total, "bonus": lay.bonus,
            "penalty": lay.penalty, "total": lay.total, "percent": lay.percent, "rank": lay.rank, "class": lay.class_,
            "class_after_rule": lay.class_after_rule}
    for i, fc in enumerate(lay.fields, start=1):
        cols.update({f"f{i}.self": fc.self, f"f{i}.appraised": fc.appraised, f"f{i}.survey": fc.survey})
    return [(label, cols[label.key]) for label in labels]


def _summary_headers(ws, section: L.Section) -> None:
    lay = section.summary
    r = L.HEADER_ROWS[0]
    placed = summary_label_columns(section)
    labels = [label for label, _ in placed]
    for group, first, last in wording.header_spans(labels):
        col = placed[first][1]
        assert [c for _, c in placed[first:last + 1]] == list(range(col, col + last - first + 1)), group
        if group:
            _header(ws, r, col, group, last - first + 1, [lab.label for lab in labels[first:last + 1]])
        else:
            _header(ws, r, col, labels[first].label)
    if not wording.shows_total(section.cset):  # the appraised total is the total: kept for formulas, hidden
        _header(ws, r, lay.total, wording.TOTAL_LABEL)
    _header(ws, r, lay.note, "Ghi chú thẩm định")
    _header(ws, r, lay.check, "Kiểm tra")
    _header(ws, r, lay.order, "Thứ bậc xếp loại")
    if lay.detail_row:
        _header(ws, r, lay.detail_row, "Dòng chi tiết")
    if lay.survey_row:
        _header(ws, r, lay.survey_row, "Dòng ĐT XHH")
    ws.row_dimensions[r].height = 60
    ws.row_dimensions[r + 1].height = 45


def _summary(ws, section: L.Section, units: list[Unit | None], year, decision, communes: L.Section | None,
             district_names: dict[str, str], with_appraised: bool, districts: L.Section | None = None) -> None:
    """One summary sheet. `district_names` maps name_key -> the district's name as its own sheet
    writes it, so a commune's district matches it exactly (COUNTIFS compares text). `districts`: on the
    commune sheet of a workbook where the district rule is live, the district sheet, so the Kiểm tra column
    flags a district typed differently from its own sheet (the rule would silently leave the commune out)."""
    cset, lay = section.cset, section.summary
    d = cset.decimals
    _title_block(ws, section, year, decision, lay.print_last_col, [u.district for u in units if u])
    _summary_headers(ws, section)
    names = {s: section.defined_name(s) for s in L.BAND_NAMES}
    total_range = lay.column_range(lay.total)
    name_width = _name_width(units)
    for i, row in enumerate(lay.rows):
        unit = units[i] if i < len(units) else None
        c = lambda col, row=row: _cell(col, row)  # noqa: E731
        if unit and len(unit.name) > name_width:  # wrapped: Excel and Calc keep the default height
            ws.row_dimensions[row].height = LINE_HEIGHT * -(-len(unit.name) // int(name_width))
        _put(ws, row, lay.stt, i + 1 if i < len(units) else None, "xl_center")
        _put(ws, row, lay.name, unit.name if unit else None, "xl_in_text")
        if lay.district:
            district = unit.district if unit else None
            if district and district_names:
                district = district_names.get(name_key(district), district)
            _put(ws, row, lay.district, district, "xl_in_text")
        name = _cell(lay.name, row, absolute_col=True)
        for k, (f, fc) in enumerate(zip(cset.fields, lay.fields)):
            scores = unit.fields[k] if unit and k < len(unit.fields) else None
            if lay.field_from_detail(k):
                dl = section.detail
                pos = _cell(lay.detail_row, row, absolute_col=True)
                _put(ws, row, fc.self, _f(F.fetch(pos, dl.column_range(dl.self), dl.offsets[f.code])), f"xl_calc_{d}")
                _put(ws, row, fc.appraised, _f(F.fetch(pos, dl.column_range(dl.appraised), dl.offsets[f.code])),
                     f"xl_calc_{d}")
            else:
                _put(ws, row, fc.self, _num(scores and scores.self), f"xl_in_{d}")
                _put(ws, row, fc.appraised, _num(scores and scores.appraised) if with_appraised else None,
                     f"xl_in_{d}")
            if fc.survey:
                sl = section.survey
                pos = _cell(lay.survey_row, row, absolute_col=True)
                col_range = sl.column_range(sl.fields[k])
                _put(ws, row, fc.survey, _f(F.fetch(pos, col_range)), f"xl_calc_{d}")
        _put(ws, row, lay.self_total, _f(F.rounded_sum([c(fc.self) for fc in lay.fields], cset)), f"xl_total_{d}")
        _put(ws, row, lay.appraised_total, _f(F.rounded_sum([c(fc.appraised) for fc in lay.fields], cset)),
             f"xl_total_{d}")
        if lay.survey_total:
            _put(ws, row, lay.survey_total,
                 _f(F.rounded_sum([c(fc.survey) for fc in lay.fields if fc.survey], cset)), f"xl_total_{d}")
        if lay.bonus:
            _put(ws, row, lay.bonus, _num(unit and unit.bonus), f"xl_in_{d}")
            _put(ws, row, lay.penalty, _num(unit and unit.penalty), f"xl_in_{d}")
        _put(ws, row, lay.total, _f(F.grand_total(c(lay.appraised_total), lay.survey_total and c(lay.survey_total),
                                                  lay.bonus and c(lay.bonus), lay.penalty and c(lay.penalty), cset)),
             f"xl_total_{d}")
        basis = c(lay.total)
        if lay.percent:
            _put(ws, row, lay.percent, _f(F.percent(c(lay.total), cset)), f"xl_total_{d}")
            if cset.bands_basis == "percent":
                basis = c(lay.percent)
        _put(ws, row, lay.rank, _f(F.rank(c(lay.total), total_range)), "xl_center")
        _put(ws, row, lay.class_, _f(F.class_of(basis, names["BandLabel"], names["BandMin"])), "xl_center")
        _put(ws, row, lay.order, _f(F.class_order(c(lay.class_), names["BandLabel"], names["BandOrder"])), "xl_center")
        if lay.class_after_rule:
            cl = communes.summary
            _put(ws, row, lay.class_after_rule,
                 _f(F.district_rule(name, c(lay.class_), c(lay.order), cl.column_range(cl.district),
                                    cl.column_range(cl.order), names["BandLabel"], cset)), "xl_center")
        reasons = [f.reason for k, f in enumerate(unit.fields) if f.reason and not lay.field_from_detail(k)] \
            if unit and with_appraised else []
        _put(ws, row, lay.note, "; ".join(dict.fromkeys(reasons)) or None, "xl_in_text")
        if lay.detail_row:
            _put(ws, row, lay.detail_row, _f(F.match_row(name, section.detail.unit_range())), "xl_center")
        if lay.survey_row:
            sl = section.survey
            _put(ws, row, lay.survey_row, _f(F.match_row(name, sl.column_range(sl.name))), "xl_center")
        _put(ws, row, lay.check, _f(_summary_check(section, row, districts)), "xl_flag")
    _summary_formats(ws, section)
    widths = {lay.stt: 5, lay.name: name_width, lay.total: 10, lay.rank: 8, lay.class_: 11,
              lay.note: 30, lay.check: 30}
    if lay.district:
        widths[lay.district] = 18
    if lay.class_after_rule:
        widths[lay.class_after_rule] = 13
    for col in range(1, lay.last_col + 1):
        ws.column_dimensions[L.col_letter(col)].width = widths.get(col, 9.5)
    for col in lay.helper_cols + ([] if wording.shows_total(cset) else [lay.total]):
        ws.column_dimensions[L.col_letter(col)].hidden = True
    freeze = _cell((lay.district or lay.name) + 1, lay.first_row)
    _print_setup(ws, f"{L.HEADER_ROWS[0]}:{L.HEADER_ROWS[1]}", lay.print_last_col, lay.last_row, freeze)
    # filter buttons on the second header row (by class, by district…); allowed under protection
    ws.auto_filter.ref = f"A{L.HEADER_ROWS[1]}:{L.col_letter(lay.check)}{lay.last_row}"


def _num(value):
    if value is None:
        return None
    return float(value) if not isinstance(value, int) else value


def _name_width(units) -> float:
    longest = max((len(u.name) for u in units if u), default=20)
    return min(max(24, longest * 1.05 + 2), 48)


def _summary_check(section: L.Section, row: int, districts: L.Section | None = None) -> str:
    lay = section.summary
    cells = [(_cell(col, row), maximum) for col, maximum in lay.number_input_cols()]
    parts = []
    if cells:
        parts.append((f"{F.text_count([c for c, _ in cells])}>0", "Có ô điểm nhập chữ thay cho số."))
        parts.append((f"{F.out_of_range_count(cells)}>0", "Có điểm ngoài khoảng 0 đến điểm tối đa."))
    if lay.district and districts:
        district, dl = _cell(lay.district, row), districts.summary
        parts.append((f'AND({district}<>"",COUNTIFS({dl.column_range(dl.name)},{district})=0)',
                      f"Tên huyện không có trên trang {dl.sheet}: hãy gõ đúng như trang đó."))
    name = _cell(lay.name, row)
    if lay.survey_row:
        sl = section.survey
        pos = _cell(lay.survey_row, row)
        check_range = sl.column_range(sl.check)
        parts.append((f'AND({name}<>"",{pos}="")', f"Không thấy tên đơn vị trên trang {sl.sheet}."))
        parts.append((f'IF({pos}="",FALSE,INDEX({check_range},{pos})<>"")', f"Xem cột Kiểm tra trang {sl.sheet}."))
    if lay.detail_row:
        dl = section.detail
        pos = _cell(lay.detail_row, row)
        parts.append((f'AND({name}<>"",{pos}="")', f"Không thấy tên đơn vị trên trang {dl.sheet}."))
        parts.append((f'IF({pos}="",FALSE,INDEX({dl.column_range(dl.check)},{pos})<>"")',
                      f"Xem cột Kiểm tra trang {dl.sheet}."))
    return f"TRIM({F.messages(parts)})"


def _cf(ws, sqref: str, formula: str, stop: bool = True, **style) -> None:
    ws.conditional_formatting.add(sqref, FormulaRule(formula=[formula], stopIfTrue=stop, **style))


def _summary_formats(ws, section: L.Section) -> None:
    """Validation per field maximum; highlights: text, out of range, appraised above/≠ self, blanks."""
    cset, lay = section.cset, section.summary
    r1, r2 = lay.first_row, lay.last_row
    col_rng = lambda col: f"{L.col_letter(col)}{r1}:{L.col_letter(col)}{r2}"  # noqa: E731
    for k, (f, fc) in enumerate(zip(cset.fields, lay.fields)):
        if lay.field_from_detail(k):
            continue
        sqref = f"{col_rng(fc.self)} {col_rng(fc.appraised)}"
        _dv(ws, sqref, f.max, f"{f.name} (tối đa {format_vn_short(f.max)} điểm)")
        first = _cell(fc.self, r1)
        _cf(ws, sqref, f"ISTEXT({first})", **CF_TEXT)
        _cf(ws, sqref, f"AND(ISNUMBER({first}),OR({first}<0,{first}>{F.num(f.max)}))", **CF_RANGE)
    for col, top, what in ((lay.bonus, cset.bonus_max, "Điểm thưởng"), (lay.penalty, cset.penalty_max, "Điểm trừ")):
        if col and top is not None:
            _dv(ws, col_rng(col), top, what)
    appraised = " ".join(col_rng(fc.appraised) for fc in lay.fields)
    a, s = _cell(lay.fields[0].appraised, r1), _cell(lay.fields[0].self, r1)
    _cf(ws, appraised, f"AND(ISNUMBER({a}),ISNUMBER({s}),{a}>{s})", **CF_ABOVE)
    _cf(ws, appraised, f"AND(ISNUMBER({a}),ISNUMBER({s}),{a}<>{s})", **CF_DIFF)
    inputs = " ".join(col_rng(col) for col, _ in lay.number_input_cols())
    if inputs:
        first = L.col_letter(lay.number_input_cols()[0][0])
        _cf(ws, inputs, f'AND(${L.col_letter(lay.name)}{r1}<>"",ISBLANK({first}{r1}))', **CF_BLANK)
    # the note is due where Thẩm định differs from Tự chấm (core check "reason-missing")
    differs = [f"AND(ISNUMBER({_cell(fc.appraised, r1)}),ISNUMBER({_cell(fc.self, r1)}),"
               f"{_cell(fc.appraised, r1)}<>{_cell(fc.self, r1)})"
               for k, fc in enumerate(lay.fields) if not lay.field_from_detail(k)]
    if differs:
        _cf(ws, col_rng(lay.note), f"AND(ISBLANK({_cell(lay.note, r1)}),OR({','.join(differs)}))", **CF_DIFF)


# ---------------------------------------------------------------- survey sheet

def _survey(ws, section: L.Section, units: list[Unit | None], year) -> None:
    cset, lay = section.cset, section.survey
    d = cset.decimals
    last = lay.last_col
    _put(ws, 1, 1, f"ĐIỂM ĐIỀU TRA XÃ HỘI HỌC – {cset.level_label.upper()}{f' NĂM {year}' if year else ''}",
         "xl_title")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last)
    _put(ws, 2, 1, f"Bộ tiêu chí {cset.id}", "xl_subtitle")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=last)
    _put(ws, L.LEGEND_ROW, 1, "Dán điểm ĐT XHH vào các ô nền vàng (Dán đặc biệt > Giá trị). Tên đơn vị phải giống "
                              f"hệt cột TÊN ĐƠN VỊ trên trang {section.summary.sheet}; thứ tự dòng không quan trọng.",
         "xl_legend")
    r = L.HEADER_ROWS[0]
    _header(ws, r, lay.stt, "STT")
    _header(ws, r, lay.name, "TÊN ĐƠN VỊ")
    for k, col in lay.fields.items():
        f = cset.fields[k]
        _header(ws, r, col, f.name, 1, [f"ĐT XHH ({format_vn_short(f.survey_max)})"])
    _header(ws, r, lay.total, "Tổng", 1, [f"ĐT XHH ({format_vn_short(cset.survey_max)})"])
    _header(ws, r, lay.check, "Kiểm tra")
    ws.row_dimensions[r].height = 60
    for i, row in enumerate(lay.rows):
        unit = units[i] if i < len(units) else None
        _put(ws, row, lay.stt, i + 1 if i < len(units) else None, "xl_center")
        _put(ws, row, lay.name, unit.name if unit else None, "xl_in_text")
        cells = []
        for k, col in lay.fields.items():
            scores = unit.fields[k] if unit and k < len(unit.fields) else None
            _put(ws, row, col, _num(scores and scores.survey), f"xl_in_{d}")
            cells.append((_cell(col, row), cset.fields[k].survey_max))
        _put(ws, row, lay.total, _f(F.rounded_sum([c for c, _ in cells], cset)), f"xl_total_{d}")
        parts = [(f"{F.text_count([c for c, _ in cells])}>0", "Có ô điểm nhập chữ thay cho số."),
                 (f"{F.out_of_range_count(cells)}>0", "Có điểm ngoài khoảng 0 đến điểm tối đa.")]
        _put(ws, row, lay.check, _f(f"TRIM({F.messages(parts)})"), "xl_flag")
    for k, col in lay.fields.items():
        f = cset.fields[k]
        sqref = f"{L.col_letter(col)}{lay.first_row}:{L.col_letter(col)}{lay.last_row}"
        _dv(ws, sqref, f.survey_max, f"ĐT XHH – {f.name} (tối đa {format_vn_short(f.survey_max)} điểm)")
        first = _cell(col, lay.first_row)
        _cf(ws, sqref, f"ISTEXT({first})", **CF_TEXT)
        _cf(ws, sqref, f"AND(ISNUMBER({first}),OR({first}<0,{first}>{F.num(f.survey_max)}))", **CF_RANGE)
    widths = {lay.stt: 5, lay.name: _name_width(units), lay.check: 30}
    for col in range(1, last + 1):
        ws.column_dimensions[L.col_letter(col)].width = widths.get(col, 11)
    _print_setup(ws, f"{L.HEADER_ROWS[0]}:{L.HEADER_ROWS[1]}", last, lay.last_row, _cell(3, lay.first_row))


# ---------------------------------------------------------------- detail sheet

def _detail(ws, section: L.Section, units: list[Unit | None], year, with_appraised: bool) -> None:
    cset, lay = section.cset, section.detail
    d = max(cset.decimals, 2)
    _put(ws, 1, 1, f"CHI TIẾT CHẤM ĐIỂM THEO TIÊU CHÍ – {cset.level_label.upper()}{f' NĂM {year}' if year else ''}",
         "xl_title")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=lay.last_col)
    _put(ws, 2, 1, f"Bộ tiêu chí {cset.id}", "xl_subtitle")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=lay.last_col)
    _put(ws, 3, 1, "Mỗi đơn vị một khối: gõ tên đơn vị ở dòng đầu khối (cột A, giống hệt trang "
                   f"{section.summary.sheet}), rồi nhập Tự chấm, Thẩm định, Giải trình, Ghi chú ở các ô nền vàng. "
                   "Tiêu chí cha tự cộng các tiêu chí con; tổng lĩnh vực tự chuyển sang trang tổng hợp.", "xl_legend")
    headers = {lay.unit: "Đơn vị", lay.code: "Mã", lay.name: "Tiêu chí", lay.max: "Điểm tối đa",
               lay.self: "Tự chấm", lay.appraised: "Thẩm định", lay.reason: "Giải trình",
               lay.note: "Ghi chú thẩm định", lay.check: "Kiểm tra"}
    for col, text in headers.items():
        _put(ws, L.DETAIL_HEADER_ROW, col, text, "xl_header")
    ws.row_dimensions[L.DETAIL_HEADER_ROW].height = 32
    tops = [lay.offsets[t.code] for t in cset.criteria]
    for k in range(lay.n_units):
        unit = units[k] if k < len(units) else None
        h = lay.block_start(k)
        _put(ws, h, lay.unit, unit.name if unit else None, "xl_in_text")
        if unit and len(unit.name) > DETAIL_UNIT_CHARS:
            ws.row_dimensions[h].height = LINE_HEIGHT * -(-len(unit.name) // DETAIL_UNIT_CHARS)
        _put(ws, h, lay.code, None, "xl_bold_text")
        _put(ws, h, lay.name, "Tổng điểm của đơn vị (gõ tên đơn vị ở cột A)", "xl_bold_text")
        _put(ws, h, lay.max, float(cset.max_total), f"xl_total_{d}")
        for col in (lay.self, lay.appraised):
            _put(ws, h, col, _f(F.sum_children([_cell(col, h + o) for o in tops])), f"xl_total_{d}")
        _put(ws, h, lay.reason, None, "xl_bold_text")
        _put(ws, h, lay.note, None, "xl_bold_text")
        first, last = h + 1, h + len(lay.nodes)
        block = f"{_cell(lay.self, first)}:{_cell(lay.appraised, last)}"
        self_rng, appr_rng, max_rng = (f"{_cell(c, first)}:{_cell(c, last)}" for c in (lay.self, lay.appraised, lay.max))
        parts = [(f'SUMPRODUCT(ISTEXT({block})*({block}<>""))>0', "Có ô điểm nhập chữ thay cho số."),
                 (f"SUMPRODUCT(ISNUMBER({self_rng})*(({self_rng}>{max_rng})+({self_rng}<0)))"
                  f"+SUMPRODUCT(ISNUMBER({appr_rng})*(({appr_rng}>{max_rng})+({appr_rng}<0)))>0",
                  "Có điểm ngoài khoảng 0 đến điểm tối đa.")]
        _put(ws, h, lay.check, _f(f"TRIM({F.messages(parts)})"), "xl_flag")
        scores = unit.criteria if unit else {}
        for node in lay.nodes:
            row = h + lay.offsets[node.code]
            _put(ws, row, lay.code, node.code, "xl_text")
            label = ("   " * node.depth) + node.name
            _put(ws, row, lay.name, label, "xl_text")
            score = scores.get(node.code)
            # Excel and Calc do not fit wrapped rows on opening: the row is as tall as its longest text
            lines = max(-(-len(label) // DETAIL_NAME_CHARS),
                        -(-len((score and score.reason) or "") // DETAIL_TEXT_CHARS),
                        -(-len((with_appraised and score and score.note) or "") // DETAIL_TEXT_CHARS))
            if lines > 1:
                ws.row_dimensions[row].height = LINE_HEIGHT * lines
            _put(ws, row, lay.max, float(node.max), f"xl_calc_{d}")
            if node.children:
                kids = [lay.offsets[c.code] + h for c in node.children if _scored(c)]
                for col in (lay.self, lay.appraised):
                    _put(ws, row, col, _f(F.sum_children([_cell(col, r) for r in kids])) if kids else None,
                         f"xl_total_{d}")
            elif node.survey:
                for col in (lay.self, lay.appraised):
                    _put(ws, row, col, None, "xl_survey_leaf")
                _put(ws, row, lay.reason, "Đánh giá qua điều tra xã hội học", "xl_survey_leaf")
                _put(ws, row, lay.note, None, "xl_survey_leaf")
            else:
                _put(ws, row, lay.self, _num(score and score.self), f"xl_in_{d}")
                _put(ws, row, lay.appraised, _num(score and score.appraised) if with_appraised else None,
                     f"xl_in_{d}")
                # Giải trình / Ghi chú: written only when there is text; the empty ones take the
                # columns' input style (unlocked, yellow), which keeps a 200-unit build under 3 s
                for col, text in ((lay.reason, score and score.reason), (lay.note, with_appraised and score and score.note)):
                    if text:
                        _put(ws, row, col, text, "xl_in_text")
            # (no empty styled cells in the check column: 200 units make 27 000 criterion rows)
    r1, r2 = L.DETAIL_FIRST_ROW, lay.last_row
    sqref = f"{_cell(lay.self, r1)}:{_cell(lay.appraised, r2)}"
    _dv(ws, sqref, f"${L.col_letter(lay.max)}{r1}", "Điểm tiêu chí (tối đa ở cột Điểm tối đa)")
    first = _cell(lay.self, r1)
    _cf(ws, sqref, f'AND(ISTEXT({first}),{first}<>"")', **CF_TEXT)
    mx = f"${L.col_letter(lay.max)}{r1}"
    _cf(ws, sqref, f"AND(ISNUMBER({first}),OR({first}<0,{first}>{mx}))", **CF_RANGE)
    a, s = _cell(lay.appraised, r1), _cell(lay.self, r1)
    appr = f"{_cell(lay.appraised, r1)}:{_cell(lay.appraised, r2)}"
    _cf(ws, appr, f"AND(ISNUMBER({a}),ISNUMBER({s}),{a}>{s})", **CF_ABOVE)
    _cf(ws, appr, f"AND(ISNUMBER({a}),ISNUMBER({s}),{a}<>{s})", **CF_DIFF)
    widths = {lay.unit: DETAIL_UNIT_CHARS, lay.code: 8, lay.name: DETAIL_NAME_WIDTH, lay.max: 9, lay.self: 10, lay.appraised: 10,
              lay.reason: 30, lay.note: 30, lay.check: 28}
    for col, w in widths.items():
        ws.column_dimensions[L.col_letter(col)].width = w
    for col in (lay.reason, lay.note):
        dim = ws.column_dimensions[L.col_letter(col)]
        dim.border, dim.protection = BORDER, Protection(locked=False)
        dim.font, dim.alignment = Font(name=FONT, size=12), Alignment(horizontal="left", vertical="center",
                                                                      wrap_text=True)
    # the input colour only where a criterion is typed (its Tự chấm cell is unlocked), not down the whole column
    text_cols = f"{_cell(lay.reason, r1)}:{_cell(lay.note, r2)}"
    _cf(ws, text_cols, f'CELL("protect",${L.col_letter(lay.self)}{r1})=0', stop=False,
        fill=PatternFill("solid", bgColor=INPUT_FILL.fgColor.rgb))
    _print_setup(ws, f"{L.DETAIL_HEADER_ROW}:{L.DETAIL_HEADER_ROW}", lay.last_col, r2,
                 _cell(lay.max, L.DETAIL_FIRST_ROW))


def _scored(node) -> bool:
    """A criterion with at least one self-assessed leaf (survey-only branches add nothing)."""
    return any(not n.children and not n.survey for n in node.walk())


# ---------------------------------------------------------------- ranking sheet

RANKING_KEYS = ("stt", "name", "appraised_total", "survey_total", "bonus", "penalty", "total", "percent", "rank",
                "class", "class_after_rule")
INCOMPLETE_FONT = Font(name=FONT, size=12, italic=True, color="7F7F7F")


def _ranking(ws, section: L.Section, year) -> None:
    """The live ranking (layout.RankingLayout): every unit of the summary in rank order, by formulas, and a
    bar chart of the totals; it follows every score typed on the summary, without macros."""
    cset, lay, s = section.cset, section.ranking, section.summary
    d = cset.decimals
    cols = {"stt": lay.stt, "name": lay.name, **{("class" if k == "class_" else k): c for k, c in lay.columns.items()}}
    _put(ws, 1, 1, f"BẢNG {wording.appendix_title(cset, year)}", "xl_title")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=lay.last_col)
    _put(ws, 2, 1, f"Tự sắp xếp theo thứ hạng mỗi khi nhập điểm trên trang {s.sheet} (không cần macro); bằng điểm "
                   f"thì cùng hạng. Đơn vị chưa đủ điểm thẩm định xếp cuối bảng, ghi \"{wording.INCOMPLETE}\". "
                   "Không nhập vào trang này.", "xl_legend")
    ws.cell(2, 1).alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=lay.last_col)
    ws.row_dimensions[2].height = 30
    labels = [lab for lab in wording.table_labels(cset, class_after_rule=bool(s.class_after_rule))
              if lab.key in cols]
    top = L.RANKING_HEADER_ROWS[0]
    for group, first, last in wording.header_spans(labels):
        if group:
            _header(ws, top, cols[labels[first].key], group, last - first + 1,
                    [lab.label for lab in labels[first:last + 1]])
        else:
            _header(ws, top, cols[labels[first].key], labels[first].label)
    _header(ws, top, lay.key, "Khóa sắp xếp")
    _header(ws, top, lay.position, "Dòng trên trang tổng hợp")
    ws.row_dimensions[top].height = 45
    ws.row_dimensions[top + 1].height = 32
    keys = lay.column_range(lay.key)
    for j, row in enumerate(lay.rows, start=1):
        summary_row = s.first_row + j - 1
        _put(ws, row, lay.key, _f(F.rank_key(L.ref(s.sheet, s.name, summary_row), L.ref(s.sheet, s.rank, summary_row),
                                             j, lay.n_rows)), "xl_center")
        _put(ws, row, lay.position, _f(F.nth_position(j, keys)), "xl_center")
        pos = _cell(lay.position, row, absolute_col=True)
        _put(ws, row, lay.stt, _f(f'IF({pos}="","",{j})'), "xl_center")
        _put(ws, row, lay.name, _f(F.fetch(pos, s.column_range(s.name))), "xl_text")
        for key, col in lay.columns.items():
            source = s.column_range(getattr(s, key))
            if key == "rank":
                item = f"INDEX({source},{pos})"
                formula = f'IF({pos}="","",IF(ISNUMBER({item}),{item},"{wording.INCOMPLETE}"))'
                _put(ws, row, col, _f(formula), "xl_center")
            elif key in ("class_", "class_after_rule"):
                _put(ws, row, col, _f(F.fetch(pos, source)), "xl_center")
            else:
                _put(ws, row, col, _f(F.fetch(pos, source)), f"xl_total_{d}" if key == "total" else f"xl_calc_{d}")
    rank_cell = _cell(lay.columns["rank"], lay.first_row, absolute_col=True)
    _cf(ws, f"A{lay.first_row}:{L.col_letter(lay.last_col)}{lay.last_row}", f'{rank_cell}="{wording.INCOMPLETE}"',
        font=INCOMPLETE_FONT)
    widths = {lay.stt: 5, lay.name: 40}
    for col in range(1, lay.position + 1):
        ws.column_dimensions[L.col_letter(col)].width = widths.get(col, 11)
    for col in (lay.key, lay.position):
        ws.column_dimensions[L.col_letter(col)].hidden = True
    _ranking_chart(ws, section)
    _print_setup(ws, f"{top}:{top + 1}", lay.last_col, lay.last_row, _cell(lay.name + 1, lay.first_row))
    ws.page_setup.orientation = "portrait"


def _ranking_chart(ws, section: L.Section) -> None:
    """Horizontal bars of Tổng cộng in rank order (best on top), beside the ranking table."""
    from openpyxl.chart import BarChart, Reference
    from openpyxl.chart.label import DataLabelList

    lay = section.ranking
    chart = BarChart()
    chart.type = "bar"
    chart.title = f"Tổng cộng – {section.summary.sheet}"
    chart.legend = None
    total = lay.columns.get("total") or lay.columns["appraised_total"]  # without survey and bonus they are one
    chart.add_data(Reference(ws, min_col=total, min_row=lay.first_row, max_row=lay.last_row))
    chart.set_categories(Reference(ws, min_col=lay.name, min_row=lay.first_row, max_row=lay.last_row))
    chart.x_axis.scaling.orientation = "maxMin"  # rank 1 at the top
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.y_axis.majorGridlines = None
    chart.dataLabels = DataLabelList()
    chart.dataLabels.showVal = True
    chart.height = max(8.0, 0.55 * lay.n_rows)
    chart.width = 18
    ws.add_chart(chart, f"{L.col_letter(lay.position + 2)}{L.RANKING_HEADER_ROWS[0]}")


# ---------------------------------------------------------------- config sheet

def _config(ws, layout: L.WorkbookLayout, years: dict[str, int | None]) -> None:
    _put(ws, 1, 1, "CẤU HÌNH BẢNG THẨM ĐỊNH CHỈ SỐ CCHC", "xl_title")
    ws.merge_cells("A1:H1")
    _put(ws, 2, 1, "Định dạng", "xl_text")
    _put(ws, 2, 2, L.LAYOUT_VERSION, "xl_text")
    _put(ws, 3, 1, "Không sửa bảng bộ tiêu chí dưới đây (xltools đọc nó). Có thể sửa mức điểm xếp loại ở các ô "
                   "nền vàng: mọi trang tổng hợp xếp loại lại ngay. Các mức phải xếp từ cao xuống thấp, mức thấp "
                   "nhất từ 0.", "xl_legend")
    for i, text in enumerate(L.CONFIG_SETS_HEADERS, start=1):
        _put(ws, L.CONFIG_SETS_HEADER_ROW, i, text, "xl_header")
    for s in layout.sections:
        c = s.cset
        values = {"sheet": s.summary.sheet, "set_id": c.id, "rows": s.summary.n_rows, "province": c.province,
                  "level": c.level, "years": years.get(c.level), "decimals": c.decimals,
                  "bands_basis": "phần trăm" if c.bands_basis == "percent" else "điểm",
                  "max_total": float(c.max_total), "district_rule": "có" if c.district_rule else "không",
                  "detail_sheet": s.detail.sheet if s.detail else None,
                  "survey_sheet": s.survey.sheet if s.survey else None,
                  "set_data": None if catalog.shipped().get(c.id) == c else setdata.dumps(c)}
        for i, key in enumerate(L.CONFIG_SETS_COLUMNS, start=1):
            _put(ws, s.config_row, i, values[key], "xl_text")
        col = s.bands_col
        _put(ws, L.CONFIG_BANDS_TITLE_ROW, col, f"Xếp loại – {s.summary.sheet}", "xl_bold_text")
        ws.merge_cells(start_row=L.CONFIG_BANDS_TITLE_ROW, start_column=col,
                       end_row=L.CONFIG_BANDS_TITLE_ROW, end_column=col + 2)
        unit = "Từ (%)" if c.bands_basis == "percent" else "Từ (điểm)"
        for j, text in enumerate(("Mức", unit, "Thứ bậc")):
            _put(ws, L.CONFIG_BANDS_HEADER_ROW, col + j, text, "xl_header")
        for j, band in enumerate(c.bands):
            row = L.CONFIG_BANDS_FIRST_ROW + j
            _put(ws, row, col, band.label, "xl_in_text")
            _put(ws, row, col + 1, _num(band.min), f"xl_in_{c.decimals}")
            _put(ws, row, col + 2, class_rank(band.label, c), "xl_center")
        for j in range(3):
            ws.column_dimensions[L.col_letter(col + j)].width = (14, 11, 9)[j]
    for i in range(1, len(L.CONFIG_SETS_HEADERS) + 1):
        letter = L.col_letter(i)
        ws.column_dimensions[letter].width = max(ws.column_dimensions[letter].width or 0, 16)
    ws.row_dimensions[L.CONFIG_SETS_HEADER_ROW].height = 32
    last_band_row = L.CONFIG_BANDS_FIRST_ROW + max(len(s.cset.bands) for s in layout.sections) - 1
    _print_setup(ws, f"{L.CONFIG_SETS_HEADER_ROW}:{L.CONFIG_SETS_HEADER_ROW}", len(L.CONFIG_SETS_HEADERS) - 1,
                 last_band_row, None)


def _defined_names(wb, layout: L.WorkbookLayout) -> None:
    for s in layout.sections:
        for offset, what in enumerate(L.BAND_NAMES):
            name = s.defined_name(what)
            wb.defined_names[name] = DefinedName(name, attr_text=s.bands_range(offset))
        for what, attr in L.COLUMN_NAMES.items():
            name = s.defined_name(what)
            wb.defined_names[name] = DefinedName(name, attr_text=s.summary.column_range(getattr(s.summary, attr)))


# ---------------------------------------------------------------- the workbook

def build(inputs: list[SectionInput], password: str | None = None, spare_rows: int = L.DEFAULT_SPARE_ROWS,
          decision: str = "", with_appraised: bool = False) -> Workbook:
    """The openpyxl Workbook for the given sets (one per level) and their units.

    Units give names, districts, Tự chấm, ĐT XHH and detail; Thẩm định is left for the appraisers
    unless `with_appraised` (demos, tests). A set without units gets BLANK_ROWS blank rows."""
    unit_lists = {i.cset.level: (i.units if i.units else [None] * i.blank_rows) for i in inputs}
    layout = L.workbook_layout([(i.cset, len(unit_lists[i.cset.level]) + spare_rows) for i in inputs])
    years = {i.cset.level: i.year or default_year(i.cset) for i in inputs}
    wb = Workbook()
    wb.remove(wb.active)
    _styles(wb, {s.cset.decimals for s in layout.sections} | {max(s.cset.decimals, 2) for s in layout.sections})
    communes = layout.section("xa")
    districts = layout.section("huyen")
    district_names = {name_key(u.name): u.name for u in unit_lists.get("huyen", []) if u}
    for s in layout.sections:
        units = unit_lists[s.cset.level]
        ws = wb.create_sheet(s.summary.sheet)
        rule_live = districts is not None and districts.summary.rule_live
        _summary(ws, s, units, years[s.cset.level], decision, communes if s.summary.rule_live else None,
                 district_names if s.cset.level == "xa" else {}, with_appraised,
                 districts if s.cset.level == "xa" and rule_live else None)
        if s.ranking:
            _ranking(wb.create_sheet(s.ranking.sheet), s, years[s.cset.level])
        if s.survey:
            _survey(wb.create_sheet(s.survey.sheet), s, units, years[s.cset.level])
        if s.detail:
            _detail(wb.create_sheet(s.detail.sheet), s, units, years[s.cset.level], with_appraised)
    _config(wb.create_sheet(L.CONFIG_SHEET), layout, years)
    _defined_names(wb, layout)
    if communes is not None and districts is not None:
        cl = communes.summary
        dv = DataValidation(type="list", formula1=districts.defined_name("Units"), allow_blank=True,
                            showErrorMessage=True, errorStyle="warning", errorTitle="Tên huyện",
                            error=f"Tên huyện nên chọn từ danh sách trên trang {districts.summary.sheet} để áp dụng "
                                  "quy tắc 2/3 cấp xã.")
        dv.add(f"{L.col_letter(cl.district)}{cl.first_row}:{L.col_letter(cl.district)}{cl.last_row}")
        wb[cl.sheet].add_data_validation(dv)
    for ws in wb.worksheets:
        _protect(ws, password)
    wb.properties.creator = "xltools"
    wb.properties.lastModifiedBy = "xltools"
    wb.properties.title = "Bảng thẩm định Chỉ số CCHC"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.calculation.fullCalcOnLoad = True  # no cached results: Excel computes on opening
    return wb


class _FixedTimeZip(zipfile.ZipFile):
    """Zip entries dated 1980-01-01, so the same workbook gives the same bytes."""

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo_or_arcname = zipfile.ZipInfo(zinfo_or_arcname, date_time=ZIP_TIME)
            zinfo_or_arcname.compress_type = zipfile.ZIP_DEFLATED
            zinfo_or_arcname.external_attr = 0o600 << 16
        super().writestr(zinfo_or_arcname, data, compress_type,
                         self.compresslevel if compresslevel is None else compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        """openpyxl writes worksheets through a temporary file: take its bytes, not its mtime."""
        with open(filename, "rb") as handle:
            self.writestr(arcname or os.path.basename(filename), handle.read())


def workbook_bytes(wb: Workbook) -> bytes:
    """The workbook's file content, reproducibly (fixed timestamps; openpyxl's save would stamp the
    current time)."""
    buffer = io.BytesIO()
    # compresslevel 1: a third of the time of the default for a few percent more bytes
    archive = _FixedTimeZip(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True, compresslevel=1)
    wb.properties.modified = wb.properties.modified or FIXED_TIME
    ExcelWriter(wb, archive).save()
    return buffer.getvalue()


def save(wb: Workbook, path) -> Path:
    """Write reproducibly, through xltools.files (lock, temporary file, backup of an existing file)."""
    return write_bytes(path, workbook_bytes(wb))


def build_file(inputs: list[SectionInput], path, **options) -> Path:
    """The workbook written to `path`; an existing file there (an appraiser's typed scores, perhaps)
    is kept as a backup NAME.bak-TIME.xlsx (xltools.files)."""
    if Path(path).suffix.lower() != ".xlsx":
        raise UserError(f"Bảng tính thẩm định phải có đuôi .xlsx (đang là '{Path(path).name}'); hãy ghi -o TÊN.xlsx "
                         "(bảng có macro: --xlsm -o TÊN.xlsm).")
    return save(build(inputs, **options), path)

