"""The ĐT XHH sheet: survey scores pasted by unit name, matched to the summary by formula."""
from __future__ import annotations

from ...core.numbers import format_vn_short
from ...core.scoring import Unit
from .. import formulas as F, layout as L
from ..styles import CF_RANGE, CF_TEXT
from .common import a1, cf, header, merge, name_width, num, print_setup, put, table_rows, validate_score
from .printview import hide_row, prompt, spare_rows


def write(ws, section: L.Section, units: list[Unit | None], year) -> None:
    cset, lay = section.cset, section.survey
    last = lay.check  # the last visible column
    put(ws, 1, 1, f"ĐIỂM ĐIỀU TRA XÃ HỘI HỌC – {cset.level_label.upper()}{f' NĂM {year}' if year else ''}",
        "xl_title")
    merge(ws, start_row=1, start_column=1, end_row=1, end_column=last)
    put(ws, 2, 1, f"Bộ tiêu chí {cset.id}", "xl_subtitle")
    merge(ws, start_row=2, start_column=1, end_row=2, end_column=last)
    legend = (f"Dán điểm ĐT XHH vào các ô nền vàng (Dán đặc biệt > Giá trị). Tên đơn vị phải giống cột TÊN ĐƠN VỊ "
              f"trên trang {section.summary.sheet} (chữ hoa, chữ thường và khoảng trắng thừa không quan trọng); thứ tự "
              "dòng không quan trọng.")
    put(ws, L.LEGEND_ROW, 1, legend, "xl_legend")
    hide_row(ws, L.LEGEND_ROW)  # on screen the name cells' input message says it
    r = L.HEADER_ROWS[0]
    header(ws, r, lay.stt, "STT")
    header(ws, r, lay.name, "TÊN ĐƠN VỊ")
    for k, col in lay.fields.items():
        fd = cset.fields[k]
        header(ws, r, col, fd.name, 1, [f"ĐT XHH ({format_vn_short(fd.survey_max)})"])
    header(ws, r, lay.total, "Tổng", 1, [f"ĐT XHH ({format_vn_short(cset.survey_max)})"])
    header(ws, r, lay.check, "Kiểm tra")
    header(ws, r, lay.key, "Tên để so khớp")
    header(ws, r, lay.unmatched, "Tên không khớp")
    ws.row_dimensions[r].height = 60
    table_rows(ws, lay.rows, _row_formulas(section), lambda i: _row_values(section, units[i] if i < len(units) else None,
                                                                          i + 1 if i < len(units) else None))
    for k, col in lay.fields.items():
        fd = cset.fields[k]
        sqref = f"{L.col_letter(col)}{lay.first_row}:{L.col_letter(col)}{lay.last_row}"
        validate_score(ws, sqref, fd.survey_max, f"ĐT XHH – {fd.name} (tối đa {format_vn_short(fd.survey_max)} điểm)")
        first = a1(col, lay.first_row)
        cf(ws, sqref, F.cf_text(first), **CF_TEXT)
        cf(ws, sqref, F.cf_out_of_range(first, F.num(fd.survey_max)), **CF_RANGE)
    rows = f"{L.col_letter(lay.name)}{lay.first_row}:{L.col_letter(lay.name)}{lay.last_row}"
    prompt(ws, rows, "Tên đơn vị", legend)
    spare_rows(ws, lay.first_row + len(units), lay.last_row, last, lay.name, [lay.name, *lay.fields.values()])
    widths = {lay.stt: 5, lay.name: name_width(units), lay.check: 30}
    for col in range(1, last + 1):
        ws.column_dimensions[L.col_letter(col)].width = widths.get(col, 11)
    for col in lay.helper_cols:
        ws.column_dimensions[L.col_letter(col)].hidden = True
    print_setup(ws, f"{L.HEADER_ROWS[0]}:{L.HEADER_ROWS[1]}", last, lay.last_row, a1(3, lay.first_row))


def _row_values(section: L.Section, unit: Unit | None, number: int | None) -> list[tuple[int, object, str]]:
    """(column, value, style) of a row's typed cells (number, name, survey scores), by column."""
    lay = section.survey
    out: list[tuple[int, object, str]] = [(lay.stt, number, "xl_center"),
                                          (lay.name, unit.name if unit else None, "xl_in_text")]
    for k, col in lay.fields.items():
        scores = unit.fields[k] if unit and k < len(unit.fields) else None
        out.append((col, num(scores and scores.survey), f"xl_in_{section.cset.decimals}"))
    return sorted(out, key=lambda item: item[0])


def _row_formulas(section: L.Section):
    """row -> (column, formula without "=", style) of a row's formula cells (common.table_rows)."""
    cset, lay, summary = section.cset, section.survey, section.summary

    def formulas(row) -> list[tuple[int, str, str]]:
        cells = [(a1(col, row), cset.fields[k].survey_max) for k, col in lay.fields.items()]
        flags = F.score_flags([(c, top, f"{cset.fields[k].label} – ĐT XHH") for (c, top), k in zip(cells, lay.fields)])
        return [(lay.total, F.rounded_sum([c for c, _ in cells], cset), f"xl_total_{cset.decimals}"),
                (lay.key, F.name_key(a1(lay.name, row)), "xl_center"),
                (lay.unmatched, _unmatched(section, row), "xl_center"),
                (lay.check, F.check_text(flags, F.survey_stray(a1(lay.unmatched, row), summary.sheet)), "xl_flag")]
    return formulas


def _unmatched(section: L.Section, row: int) -> str:
    """The row's `unmatched` flag, trying the summary's key on the same row first (the usual order)."""
    lay, summary = section.survey, section.summary
    keys = summary.column_range(summary.key)
    if (lay.first_row, lay.last_row) != (summary.first_row, summary.last_row):  # no "same row" (never so today)
        return F.unmatched(a1(lay.key, row), keys)
    same_row = L.column_range(summary.sheet, summary.key, row, row)
    return F.unmatched_same_row_first(a1(lay.key, row), same_row, keys)
