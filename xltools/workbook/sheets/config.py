"""The Cấu hình sheet (what xltools reads back: the layout version, each section's set, its class
bands) and the workbook's defined names over it and the summary columns."""
from __future__ import annotations

from openpyxl.workbook.defined_name import DefinedName

from ... import catalog
from ...core.criteria import LEVELS, class_rank
from .. import layout as L, setdata
from .common import merge, num, print_setup, put


def write(ws, layout: L.WorkbookLayout, years: dict[str, int | None]) -> None:
    put(ws, 1, 1, "CẤU HÌNH BẢNG THẨM ĐỊNH CHỈ SỐ CCHC", "xl_title")
    merge(ws, 1, 1, 1, 8)
    put(ws, 2, 1, "Định dạng", "xl_text")
    put(ws, 2, 2, L.LAYOUT_VERSION, "xl_text")
    ws.row_dimensions[2].hidden = True  # how xltools recognises the file: not for people to read
    put(ws, 3, 1, "Không sửa bảng bộ tiêu chí dưới đây (xltools đọc nó). Có thể sửa mức điểm xếp loại ở các ô "
                  "nền vàng: mọi trang tổng hợp xếp loại lại ngay. Các mức phải xếp từ cao xuống thấp, mức thấp "
                  "nhất từ 0.", "xl_legend")
    for i, text in enumerate(L.CONFIG_SETS_HEADERS, start=1):
        put(ws, L.CONFIG_SETS_HEADER_ROW, i, text, "xl_header")
    for s in layout.sections:
        c = s.cset
        values = {"sheet": s.summary.sheet, "set_id": c.id, "rows": s.summary.n_rows, "province": c.province,
                  "level": LEVELS.get(c.level, c.level), "years": years.get(c.level), "decimals": c.decimals,
                  "bands_basis": "phần trăm" if c.bands_basis == "percent" else "điểm",
                  "max_total": float(c.max_total), "district_rule": "có" if c.district_rule else "không",
                  "detail_sheet": s.detail.sheet if s.detail else None,
                  "survey_sheet": s.survey.sheet if s.survey else None,
                  "set_data": None if catalog.shipped().get(c.id) == c else setdata.dumps(c),
                  "district_col": None if c.level != "xa" else "có" if s.summary.district else "không"}
        for i, key in enumerate(L.CONFIG_SETS_COLUMNS, start=1):
            put(ws, s.config_row, i, values[key], "xl_text")
        col = s.bands_col
        put(ws, L.CONFIG_BANDS_TITLE_ROW, col, f"Xếp loại – {s.summary.sheet}", "xl_bold_text")
        merge(ws, start_row=L.CONFIG_BANDS_TITLE_ROW, start_column=col,
                       end_row=L.CONFIG_BANDS_TITLE_ROW, end_column=col + 2)
        unit = "Từ (%)" if c.bands_basis == "percent" else "Từ (điểm)"
        for j, text in enumerate(("Mức", unit, "Thứ bậc")):
            put(ws, L.CONFIG_BANDS_HEADER_ROW, col + j, text, "xl_header")
        for j, band in enumerate(c.bands):
            row = L.CONFIG_BANDS_FIRST_ROW + j
            put(ws, row, col, band.label, "xl_in_text")
            put(ws, row, col + 1, num(band.min), f"xl_in_{c.decimals}")
            put(ws, row, col + 2, class_rank(band.label, c), "xl_center")
        for j in range(3):
            ws.column_dimensions[L.col_letter(col + j)].width = (14, 11, 9)[j]
    for i in range(1, len(L.CONFIG_SETS_HEADERS) + 1):
        letter = L.col_letter(i)
        ws.column_dimensions[letter].width = max(ws.column_dimensions[letter].width or 0, 16)
    ws.row_dimensions[L.CONFIG_SETS_HEADER_ROW].height = 32
    last_band_row = L.CONFIG_BANDS_FIRST_ROW + max(len(s.cset.bands) for s in layout.sections) - 1
    print_setup(ws, f"{L.CONFIG_SETS_HEADER_ROW}:{L.CONFIG_SETS_HEADER_ROW}", L.CONFIG_SETS_COLUMNS.index("set_data"),
                last_band_row, None)


def defined_names(wb, layout: L.WorkbookLayout) -> None:
    """Each section's band table (BandLabel, BandMin, BandOrder) and summary columns by name."""
    for s in layout.sections:
        for offset, what in enumerate(L.BAND_NAMES):
            name = s.defined_name(what)
            wb.defined_names[name] = DefinedName(name, attr_text=s.bands_range(offset))
        for what, attr in L.COLUMN_NAMES.items():
            name = s.defined_name(what)
            wb.defined_names[name] = DefinedName(name, attr_text=s.summary.column_range(getattr(s.summary, attr)))
