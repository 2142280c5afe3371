"""The report (Báo cáo kết quả xếp hạng và phân loại Chỉ số CCHC) as Word, portrait A4: per level the
ranking, the count of units per class, a bar chart of totals, the change since last year, and per unit
the scores by field with the criteria where it lost points (where the criteria detail exists)."""
from __future__ import annotations

import io
from pathlib import Path

from docx.shared import Mm

from ..core.numbers import format_vn
from .appendix_docx import add_grid
from .chart import totals_chart
from .docx_style import (
    CENTER,
    JUSTIFY,
    LEFT,
    new_document,
    new_table,
    page_numbers,
    paragraph,
    usable_width_mm,
    write_cell,
)
from .files import write_safely
from .model import LEVEL_PHRASE, LEVEL_TITLE, Appendix, Change, class_counts, field_lines, lost_by_field, points, signed

SUMMARY_KEYS = ["stt", "name", "self_total", "appraised_total", "survey_total", "bonus", "penalty", "total",
                "percent", "rank", "class", "class_after_rule", "previous_total", "delta_total", "previous_rank",
                "delta_rank"]
TABLE_PT = 11
FIELD_WIDTHS_MM = {True: [61, 17, 20, 20, 24, 23], False: [85, 20, 30, 30]}  # with / without survey


def heading(doc, text: str, space_before: float = 6) -> None:
    paragraph(doc, text, bold=True, align=JUSTIFY, space_before=space_before, space_after=3)


def line(doc, text: str, italic: bool = False) -> None:
    p = paragraph(doc, text, italic=italic, align=JUSTIFY, space_after=3)
    p.paragraph_format.first_line_indent = Mm(10)


def change_words(change: Change | None, decimals: int, label: str) -> str:
    """'so với năm 2023: tăng 0,265 điểm, giữ nguyên hạng'."""
    if change is None:
        return f"không có kết quả {label}"
    parts = []
    if change.delta_total is not None:
        amount = format_vn(abs(change.delta_total), decimals)
        parts.append("giữ nguyên điểm" if change.delta_total == 0 else
                     f"{'tăng' if change.delta_total > 0 else 'giảm'} {amount} điểm")
    if change.delta_rank is not None:
        parts.append("giữ nguyên hạng" if change.delta_rank == 0 else
                     f"{'tăng' if change.delta_rank > 0 else 'giảm'} {abs(change.delta_rank)} bậc "
                     f"(hạng {change.previous_rank} {label})")
    return f"so với {label}: " + ", ".join(parts)


def unit_sentence(appendix: Appendix, index: int) -> str:
    r = appendix.results[index]
    d = appendix.cset.decimals
    text = (f"Tổng cộng {format_vn(r.total, d) or '…'} điểm; xếp hạng {r.rank or '…'}/{len(appendix.results)}; "
            f"xếp loại {r.class_label or '…'}")
    if r.class_after_rule:
        text += f" (sau quy tắc 2/3 số xã: {r.class_after_rule})"
    if appendix.changes:
        text += "; " + change_words(appendix.changes[index], d, f"năm {appendix.previous_year or 'trước'}")
    return text + "."


def field_table(doc, appendix: Appendix, index: int) -> None:
    survey = appendix.cset.has_survey
    heads = ["Lĩnh vực", "Điểm tối đa", "Tự chấm", "Thẩm định"] + (["Tối đa ĐT XHH", "ĐT XHH"] if survey else [])
    lines = field_lines(appendix.results[index], appendix.cset)
    table = new_table(doc, 1 + len(lines), FIELD_WIDTHS_MM[survey])
    for c, text in zip(table.rows[0].cells, heads):
        write_cell(c, text, bold=True, size=TABLE_PT)
    for row, fl in zip(table.rows[1:], lines):
        total = fl is lines[-1]
        values = [fl.label, fl.max, fl.self, fl.appraised] + ([fl.survey_max, fl.survey] if survey else [])
        for i, (c, text) in enumerate(zip(row.cells, values)):
            write_cell(c, text, bold=total or i == 3, size=TABLE_PT, align=LEFT if i == 0 else CENTER)


def lost_section(doc, appendix: Appendix, index: int) -> None:
    r = appendix.results[index]
    if not r.unit.criteria:
        return
    groups = lost_by_field(r, appendix.cset)
    if not groups:
        line(doc, "Không có tiêu chí mất điểm.")
    for group in groups:
        line(doc, f"{group.label} – các tiêu chí mất điểm ({points(group.total)} điểm):")
        for code, name, lost in group.items:
            line(doc, f"- {code}. {name}: -{points(lost)} điểm")


def counts_section(doc, appendix: Appendix) -> None:
    n = len(appendix.results)
    rule = any(r.class_after_rule for r in appendix.results)
    for label, count in class_counts(appendix.evaluation):
        share = format_vn(100 * count / n, 1) if n else "0"
        line(doc, f"- Xếp loại {label}: {count} đơn vị ({share}%).")
    if rule:
        after = "; ".join(f"{label}: {count}" for label, count in class_counts(appendix.evaluation, after_rule=True))
        line(doc, f"Sau khi áp dụng quy tắc 2/3 số xã trực thuộc: {after} đơn vị "
                  "(đơn vị chưa có kết quả cấp xã giữ xếp loại theo điểm).")


def changes_section(doc, appendix: Appendix) -> None:
    label = f"năm {appendix.previous_year or 'trước'}"
    pairs = list(zip(appendix.results, appendix.changes))
    groups = [("Tăng hạng", [(r, c) for r, c in pairs if c and c.delta_rank is not None and c.delta_rank > 0]),
              ("Giảm hạng", [(r, c) for r, c in pairs if c and c.delta_rank is not None and c.delta_rank < 0]),
              ("Giữ nguyên hạng", [(r, c) for r, c in pairs if c and c.delta_rank == 0])]
    for title, members in groups:
        names = ", ".join(r.unit.name + (f" ({signed(c.delta_rank)})" if c.delta_rank else "") for r, c in members)
        line(doc, f"- {title}: {len(members)} đơn vị" + (f": {names}." if members else "."))
    missing = [r.unit.name for r, c in pairs if c is None]
    if missing:
        line(doc, f"- Không có kết quả {label}: {', '.join(missing)}.")


def level_part(doc, appendix: Appendix, roman: str) -> None:
    level = LEVEL_TITLE.get(appendix.cset.level, appendix.cset.level_label.upper())
    heading(doc, f"{roman}. KẾT QUẢ CHỈ SỐ CCHC {level} NĂM {appendix.year or '…'}", space_before=12)
    number = 1
    heading(doc, f"{number}. Kết quả xếp hạng và phân loại")
    add_grid(doc, appendix, appendix.column_indexes(keys=SUMMARY_KEYS), usable_width_mm(landscape=False))
    line(doc, f"(Điểm từng lĩnh vực của các đơn vị tại Phụ lục {appendix.numeral}.)", italic=True)
    number += 1
    heading(doc, f"{number}. Số đơn vị theo xếp loại")
    counts_section(doc, appendix)
    number += 1
    heading(doc, f"{number}. Biểu đồ tổng điểm")
    png = totals_chart(appendix)
    if png is None:
        line(doc, "Chưa có tổng điểm để vẽ biểu đồ.")
    else:
        paragraph(doc, align=CENTER).add_run().add_picture(io.BytesIO(png), width=Mm(160))
    if appendix.changes:
        number += 1
        heading(doc, f"{number}. So với năm {appendix.previous_year or 'trước'}")
        changes_section(doc, appendix)
    number += 1
    heading(doc, f"{number}. Kết quả từng đơn vị")
    for index, r in enumerate(appendix.results):
        p = paragraph(doc, align=JUSTIFY, space_before=6, space_after=3)
        p.add_run(f"{number}.{index + 1}. {r.unit.name}: ").bold = True
        p.add_run(unit_sentence(appendix, index))
        if any(v is not None for f in r.unit.fields for v in (f.self, f.appraised, f.survey)):
            field_table(doc, appendix, index)  # a table of totals only has no field scores
        lost_section(doc, appendix, index)


def build(items: list[Appendix]):
    doc = new_document()
    page_numbers(doc.sections[0])
    years = sorted({a.year for a in items if a.year})
    levels = "; ".join(dict.fromkeys(LEVEL_PHRASE.get(a.cset.level, a.cset.level_label) for a in items))
    paragraph(doc, "BÁO CÁO", bold=True, align=CENTER)
    paragraph(doc, f"Kết quả xếp hạng và phân loại Chỉ số cải cách hành chính {levels} "
                   f"năm {', '.join(map(str, years)) or '…'}", bold=True, align=CENTER, space_after=12)
    decisions = dict.fromkeys(a.cset.decision for a in items if a.cset.decision)
    for decision in decisions:
        line(doc, f"Bộ tiêu chí xác định Chỉ số CCHC: {decision}.")
    for appendix in items:
        level_part(doc, appendix, appendix.numeral)
    return doc


def write_report_docx(items: list[Appendix], path: str | Path) -> Path:
    doc = build(items)
    return write_safely(path, lambda tmp: doc.save(str(tmp)))
