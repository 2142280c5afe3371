"""The report (Báo cáo kết quả xếp hạng và phân loại Chỉ số CCHC) as Word, portrait A4, in the thể thức of
Nghị định 30/2020/NĐ-CP: the agency and Quốc hiệu/Tiêu ngữ block, số và ký hiệu, địa danh and date, the
trích yếu; per level the ranking, the count of units per class, a bar chart of totals, the change since last
year, and per unit the scores by field with the criteria where it lost points; then Nơi nhận and the
signature block. Headings stay with what follows; tables repeat their header rows on every page."""
from __future__ import annotations

import io
from pathlib import Path

from docx.shared import Mm

from .. import wording as W
from ..core.checks import describe_gaps
from ..core.numbers import format_vn
from ..files import write_safely
from .appendix_docx import add_grid
from .chart import totals_chart
from .docx_style import (
    CENTER,
    JUSTIFY,
    LEFT,
    cell_paragraph,
    keep_table_together,
    keep_with_next,
    new_document,
    new_table,
    page_numbers,
    paragraph,
    repeat_header,
    rule,
    run,
    stamped,
    usable_width_mm,
    write_cell,
)
from .draft import mark_docx
from .model import (
    Appendix,
    Change,
    ReportInfo,
    class_counts,
    field_lines,
    lost_by_field,
    points,
    signed,
    table_province,
    unscored_criteria,
)

SUMMARY_KEYS = ["stt", "name", "self_total", "appraised_total", "survey_total", "bonus", "penalty", "total",
                "percent", "rank", "class", "class_after_rule", "previous_total", "delta_total", "previous_rank",
                "delta_rank"]
TABLE_PT = 11
FIELD_WIDTHS_MM = {True: [61, 17, 20, 20, 24, 23], False: [85, 20, 30, 30]}  # with / without survey


def heading(doc, text: str, space_before: float = 6) -> None:
    stamped(doc, ("heading", bool(text), space_before), [text], lambda: keep_with_next(
        paragraph(doc, text, bold=True, align=JUSTIFY, space_before=space_before, space_after=3)))


def line(doc, text: str, italic: bool = False, keep: bool = False):
    def make():
        p = paragraph(doc, text, italic=italic, align=JUSTIFY, space_after=3)
        p.paragraph_format.first_line_indent = Mm(10)
        return keep_with_next(p, keep)

    return stamped(doc, ("line", bool(text), italic, keep), [text], make)


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
    ranked = sum(1 for x in appendix.results if x.rank is not None)  # units not yet appraised take no place
    total = f"Tổng cộng {'(tạm tính) ' if r.missing and r.total is not None else ''}{format_vn(r.total, d) or '…'} điểm"
    if r.missing:  # no rank, no class until the scores are all there: say what is missing
        text = f"{total}; chưa xếp hạng, xếp loại (chưa đủ điểm: {gaps_text(r, appendix)})"
    else:
        rank = f"xếp hạng {r.rank}/{ranked}" if r.rank is not None else "chưa xếp hạng"
        text = f"{total}; {rank}; xếp loại {r.class_label or '…'}"
    if r.class_after_rule:
        text += f" (sau quy tắc 2/3 số xã: {r.class_after_rule})"
    if appendix.changes:
        text += "; " + change_words(appendix.changes[index], d, f"năm {appendix.previous_year or 'trước'}")
    return text + "."


def field_table(doc, appendix: Appendix, index: int) -> None:
    survey = appendix.cset.has_survey
    heads = ["Lĩnh vực", "Điểm tối đa", "Tự chấm", "Thẩm định"] + (["Tối đa ĐT XHH", "ĐT XHH"] if survey else [])
    lines = field_lines(appendix.results[index], appendix.cset)
    rows = [[fl.label, fl.max, fl.self_score, fl.appraised] + ([fl.survey_max, fl.survey] if survey else [])
            for fl in lines]

    def make():
        table = new_table(doc, 1 + len(lines), FIELD_WIDTHS_MM[survey])
        for c, text in zip(table.rows[0].cells, heads):
            write_cell(c, text, bold=True, size=TABLE_PT)
        repeat_header(table.rows[0])
        keep_table_together(table)
        for row, values in zip(table.rows[1:], rows):
            total = values is rows[-1]
            for i, (c, text) in enumerate(zip(row.cells, values)):
                write_cell(c, text, bold=total or i == 3, size=TABLE_PT, align=LEFT if i == 0 else CENTER)
        return table

    # every unit's table has the same shape: one stamp per document (docx_style.stamped)
    stamped(doc, ("field table", survey, len(lines)), heads + [t for values in rows for t in values], make)


def lost_section(doc, appendix: Appendix, index: int) -> None:
    r = appendix.results[index]
    if not r.unit.criteria:
        return
    groups = lost_by_field(r, appendix.evaluation)
    unscored = unscored_criteria(r, appendix.evaluation)
    if r.missing or unscored:  # never 'no criterion lost points' on scores that are not all there
        line(doc, f"Đơn vị chưa đủ điểm ({gaps_text(r, appendix)}): "
                  + ("các tiêu chí mất điểm dưới đây chưa đầy đủ." if groups else
                     "chưa xác định được các tiêu chí mất điểm."), italic=True, keep=bool(groups or unscored))
    elif not groups:
        line(doc, "Không có tiêu chí mất điểm.")
    if unscored:
        line(doc, "Tiêu chí chưa có điểm Thẩm định đọc được (chưa tính điểm mất): "
                  + "; ".join(f"{code}. {name}" for code, name in unscored) + ".", keep=bool(groups))
    for group in groups:
        line(doc, f"{group.label} – các tiêu chí mất điểm ({points(group.total)} điểm):", keep=True)
        for code, name, lost in group.items:
            line(doc, f"- {code}. {name}: -{points(lost)} điểm")


def gaps_text(r, appendix: Appendix) -> str:
    """'ô điểm sai: Cải cách TTHC' (core describe_gaps); for criteria alone, what the unit still lacks."""
    return describe_gaps(r, len(appendix.cset.fields)) or "còn tiêu chí chưa có điểm Thẩm định"


def incomplete_notice(doc, appendix: Appendix) -> None:
    """A report built on incomplete data says so on its face: which units, why, and what is counted."""
    waiting = [r for r in appendix.results if r.missing]
    if not waiting:
        return
    n, complete = len(appendix.results), len(appendix.results) - len(waiting)
    units = "; ".join(f"{r.unit.name} ({gaps_text(r, appendix)})" for r in waiting)
    line(doc, f"Lưu ý: số liệu chưa đầy đủ. {len(waiting)}/{n} đơn vị chưa đủ điểm nên chưa được xếp hạng, xếp loại: "
              f"{units}. Thứ hạng, số đơn vị theo xếp loại và tỷ lệ dưới đây chỉ tính {complete} đơn vị đủ điểm; "
              "tổng điểm của các đơn vị chưa đủ điểm là tạm tính.", italic=True)


def counts_section(doc, appendix: Appendix) -> None:
    waiting = [r.unit.name for r in appendix.results if r.missing]
    n = len(appendix.results) - len(waiting)  # shares of the units that have a class
    rule = any(r.class_after_rule for r in appendix.results)
    for label, count in class_counts(appendix.evaluation):
        share = format_vn(100 * count / n, 1) if n else "0"
        line(doc, f"- Xếp loại {label}: {count} đơn vị ({share}%).")
    if waiting:
        line(doc, f"- Chưa xếp loại (chưa đủ điểm): {len(waiting)} đơn vị: {', '.join(waiting)}; tỷ lệ trên tính "
                  f"trên {n} đơn vị đủ điểm.")
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
    heading(doc, W.level_heading(roman, appendix.cset, appendix.year), space_before=12)
    incomplete_notice(doc, appendix)
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
        paragraph(doc, align=CENTER).add_run().add_picture(io.BytesIO(png), width=Mm(155))
    if appendix.changes:
        number += 1
        heading(doc, f"{number}. So với năm {appendix.previous_year or 'trước'}")
        changes_section(doc, appendix)
    number += 1
    heading(doc, f"{number}. Kết quả từng đơn vị")
    for index, r in enumerate(appendix.results):
        unit_heading(doc, f"{number}.{index + 1}. {r.unit.name}: ", unit_sentence(appendix, index))
        if any(v is not None for f in r.unit.fields for v in (f.self_score, f.appraised, f.survey)):
            field_table(doc, appendix, index)  # a table of totals only has no field scores
        lost_section(doc, appendix, index)


def unit_heading(doc, head: str, sentence: str) -> None:
    """'4.1. Văn phòng UBND tỉnh: ' in bold, then the unit's sentence, kept with its table."""
    def make():
        p = keep_with_next(paragraph(doc, align=JUSTIFY, space_before=6, space_after=3))
        run(p, head, bold=True)
        run(p, sentence)
        return p

    stamped(doc, ("unit heading",), [head, sentence], make)


HEADER_WIDTHS_MM = (68, 97)  # agency | Quốc hiệu and Tiêu ngữ (usable width 165 mm)
SIGNATURE_WIDTHS_MM = (80, 85)  # Nơi nhận | quyền hạn, chức vụ and signer


def filled(info: ReportInfo | None, items: list[Appendix]) -> ReportInfo:
    """The given fields, the usual values for the others (wording), dots where nothing is known."""
    info = info or ReportInfo()
    provinces = [table_province(a.evaluation) for a in items]
    province = next((p for p in provinces if p), None)
    levels = [a.cset.level for a in items]
    two_tier = all(W.two_tier(a.cset, a.year) for a in items)
    agency = (info.agency or W.default_agency(levels, two_tier)).upper()
    communes = [a for a in items if a.cset.level == "xa"]
    if info.parent:
        parent = info.parent
    elif communes and set(levels) == {"xa"}:
        parent = W.issuing_authority(communes[0].cset, [u.district for u in communes[0].evaluation.table.units],
                                     province, communes[0].year)
    else:
        parent = W.province_authority(province)
    return ReportInfo(parent=parent.upper(), agency=agency, number=info.number,
                      place=info.place or province, date=info.date,
                      position=(info.position or W.default_position(agency)).upper(),
                      signer=info.signer or W.SIGNER_DOTS,
                      recipients=info.recipients or W.default_recipients(province))


def header_block(doc, info: ReportInfo) -> None:
    """Nghị định 30, Phụ lục I: cơ quan chủ quản / cơ quan ban hành / số và ký hiệu on the left; Quốc hiệu,
    Tiêu ngữ and địa danh, ngày tháng on the right; no borders."""
    table = new_table(doc, 1, list(HEADER_WIDTHS_MM), borders=False)
    left, right = table.rows[0].cells
    cell_paragraph(left, info.parent, size=13, first=True)
    cell_paragraph(left, info.agency, bold=True, size=13)
    rule(left, 22, HEADER_WIDTHS_MM[0], space_after=4)
    cell_paragraph(left, W.report_number(info.number, info.agency), size=13)
    cell_paragraph(right, W.NATION, bold=True, size=12.5, first=True)
    cell_paragraph(right, W.MOTTO, bold=True, size=13.5)
    rule(right, 58, HEADER_WIDTHS_MM[1], space_after=4)
    cell_paragraph(right, W.place_date(info.place, info.date), italic=True, size=14)


def signature_block(doc, info: ReportInfo) -> None:
    """Nơi nhận (left, 12 and 11 pt) and quyền hạn, chức vụ, the signer's name (right), kept on one page."""
    table = new_table(doc, 1, list(SIGNATURE_WIDTHS_MM), borders=False)
    keep_table_together(table)
    left, right = table.rows[0].cells
    cell_paragraph(left, "Nơi nhận:", bold=True, italic=True, size=12, align=LEFT, first=True)
    for i, name in enumerate(info.recipients):
        end = "." if i == len(info.recipients) - 1 else ";"
        cell_paragraph(left, f"- {name.rstrip(';.')}{end}", size=11, align=LEFT)
    lines = info.position.split("\n")
    for i, text in enumerate(lines):
        cell_paragraph(right, text.strip(), bold=True, size=14, first=i == 0)
    for _ in range(4):  # room for the signature and the seal
        cell_paragraph(right, "", size=14)
    cell_paragraph(right, info.signer, bold=True, size=14)


def build(items: list[Appendix], info: ReportInfo | None = None):
    info = filled(info, items)
    doc = new_document()
    page_numbers(doc.sections[0])
    header_block(doc, info)
    years = sorted({a.year for a in items if a.year})
    keep_with_next(paragraph(doc, W.REPORT, bold=True, align=CENTER, space_before=12))
    keep_with_next(paragraph(doc, W.report_title([W.level_phrase(a.cset, a.year) for a in items], years), bold=True,
                             align=CENTER))
    rule(doc, 40, usable_width_mm(landscape=False), space_after=10)
    decisions = dict.fromkeys(a.cset.decision for a in items if a.cset.decision)
    for decision in decisions:
        line(doc, f"Bộ tiêu chí xác định Chỉ số CCHC: {decision}.")
    for appendix in items:
        level_part(doc, appendix, appendix.numeral)
    keep_with_next(paragraph(doc, space_before=6))
    signature_block(doc, info)
    return doc


def write_report_docx(items: list[Appendix], path: str | Path, info: ReportInfo | None = None,
                      draft: bool = False) -> Path:
    """`draft`: the table still has errors; every page is marked DỰ THẢO (publish/draft.py)."""
    doc = build(items, info)
    if draft:
        mark_docx(doc)
    return write_safely(path, lambda tmp: doc.save(str(tmp)))
