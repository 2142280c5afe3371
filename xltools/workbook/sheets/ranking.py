"""The live ranking sheet (layout.RankingLayout): every unit of the summary in rank order, by formulas,
and a bar chart of the totals."""
from __future__ import annotations

from openpyxl.styles import Alignment

from ... import wording
from .. import formulas as F, layout as L
from ..styles import CF_INCOMPLETE
from .common import a1, cf, f, header, merge, print_setup, put
from .printview import hide_row, prompt, spare_rows


def write(ws, section: L.Section, year) -> None:
    """The live ranking (layout.RankingLayout): every unit of the summary in rank order, by formulas, and a
    bar chart of the totals; it follows every score typed on the summary, without macros."""
    cset, lay, s = section.cset, section.ranking, section.summary
    d = cset.decimals
    cols = {"stt": lay.stt, "name": lay.name, **{("class" if k == "class_" else k): c for k, c in lay.columns.items()}}
    put(ws, 1, 1, f"BẢNG {wording.appendix_title(cset, year)}", "xl_title")
    merge(ws, start_row=1, start_column=1, end_row=1, end_column=lay.last_col)
    about = (f"Tự sắp xếp theo thứ hạng mỗi khi nhập điểm trên trang {s.sheet} (không cần macro); bằng điểm thì cùng "
             f"hạng. Đơn vị chưa đủ điểm thẩm định xếp cuối bảng, ghi \"{wording.INCOMPLETE}\". Không nhập vào trang này.")
    put(ws, 2, 1, about, "xl_legend")
    hide_row(ws, 2)  # on screen the table's input message says it
    ws.cell(2, 1).alignment = Alignment(horizontal="left", vertical="center", wrap_text=True)
    merge(ws, start_row=2, start_column=1, end_row=2, end_column=lay.last_col)
    ws.row_dimensions[2].height = 30
    labels = [lab for lab in wording.table_labels(cset, class_after_rule=bool(s.class_after_rule))
              if lab.key in cols]
    top = L.RANKING_HEADER_ROWS[0]
    for group, first, last in wording.header_spans(labels):
        if group:
            header(ws, top, cols[labels[first].key], group, last - first + 1,
                   [lab.label for lab in labels[first:last + 1]])
        else:
            header(ws, top, cols[labels[first].key], labels[first].label)
    header(ws, top, lay.key, "Khóa sắp xếp")
    header(ws, top, lay.position, "Dòng trên trang tổng hợp")
    ws.row_dimensions[top].height = 45
    ws.row_dimensions[top + 1].height = 32
    keys = lay.column_range(lay.key)
    for j, row in enumerate(lay.rows, start=1):
        summary_row = s.first_row + j - 1
        put(ws, row, lay.key, f(F.rank_key(L.ref(s.sheet, s.name, summary_row), L.ref(s.sheet, s.rank, summary_row),
                                           j, lay.n_rows)), "xl_center")
        put(ws, row, lay.position, f(F.nth_position_decoded(j, keys, lay.n_rows)), "xl_center")
        pos = a1(lay.position, row, absolute_col=True)
        put(ws, row, lay.stt, f(F.ranking_stt(pos, j)), "xl_center")
        put(ws, row, lay.name, f(F.fetch(pos, s.column_range(s.name))), "xl_text")
        for key, col in lay.columns.items():
            source = s.column_range(getattr(s, key))
            if key == "rank":
                put(ws, row, col, f(F.ranking_rank(pos, source, wording.INCOMPLETE)), "xl_center")
            elif key in ("class_", "class_after_rule"):
                put(ws, row, col, f(F.fetch_result(pos, source)), "xl_center")
            else:  # bonus and penalty are typed (a blank cell); the others are formulas that give ""
                fetch = F.fetch if key in ("bonus", "penalty") else F.fetch_result
                put(ws, row, col, f(fetch(pos, source)), f"xl_total_{d}" if key == "total" else f"xl_calc_{d}")
    rank_cell = a1(lay.columns["rank"], lay.first_row, absolute_col=True)
    table = f"A{lay.first_row}:{L.col_letter(lay.last_col)}{lay.last_row}"
    cf(ws, table, F.cf_equals(rank_cell, wording.INCOMPLETE), **CF_INCOMPLETE)
    spare_rows(ws, lay.first_row, lay.last_row, lay.last_col, lay.name, [])  # a line is drawn once it holds a unit
    prompt(ws, table, "Bảng xếp hạng", about)
    widths = {lay.stt: 5, lay.name: 40}
    for col in range(1, lay.position + 1):
        ws.column_dimensions[L.col_letter(col)].width = widths.get(col, 11)
    for col in (lay.key, lay.position):
        ws.column_dimensions[L.col_letter(col)].hidden = True
    _chart(ws, section)
    print_setup(ws, f"{top}:{top + 1}", lay.last_col, lay.last_row, a1(lay.name + 1, lay.first_row))
    ws.page_setup.orientation = "portrait"


def _chart(ws, section: L.Section) -> None:
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
