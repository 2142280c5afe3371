"""Drafts look like drafts: a table that still has errors is published with "DỰ THẢO" on every page.

`publish_state(evaluations)` decides, once, for the CLI (`xltools publish`) and the macro (Xuất phụ lục):
no appraised score at all → NothingAppraised (nothing to publish); errors left → a draft, with the
errors listed (unit, field, cell); none → the official documents, unmarked. The writers call
`mark_docx` / `mark_sheet` when the state is a draft, so the mark does not depend on their layout.
"""
from __future__ import annotations

from dataclasses import dataclass, field as dc_field

from ..core.checks import ERROR, WARNING, Finding
from ..core.criteria import LEVELS
from ..core.names import fold
from ..errors import UserError

DRAFT_MARK = "DỰ THẢO"
DRAFT_NOTE = "DỰ THẢO – bảng điểm còn lỗi, chưa dùng để trình ký"
MARK_RGB = "C00000"  # dark red, legible in black-and-white print as dark grey
SHOWN = 30  # errors listed on the terminal; the rest are counted (all are in `xltools check`)


class NothingAppraised(UserError, ValueError):
    """No unit has an appraised score: there is nothing to publish yet (exit 2 in the CLI)."""


@dataclass
class PublishState:
    errors: list[Finding] = dc_field(default_factory=list)  # what makes the documents a draft

    @property
    def draft(self) -> bool:
        return bool(self.errors)

    def error_lines(self, source: str) -> list[str]:
        """The errors as lines a person can act on: unit, field, cell, what is wrong."""
        lines = [f"  - {e.label}: {e.message}" + (f" ({e.where})" if e.where and e.where not in e.message else "")
                 for e in self.errors[:SHOWN]]
        if len(self.errors) > SHOWN:
            lines.append(f"  … và {len(self.errors) - SHOWN} lỗi khác: xem `xltools check {source}`.")
        return lines

    def message(self, source: str) -> str:
        """What the appraiser is told when the documents are a draft."""
        return "\n".join([f"{DRAFT_MARK}: {source} còn {len(self.errors)} lỗi, nên các văn bản được ghi với dấu "
                          f"\"{DRAFT_MARK}\" trên mọi trang. Sửa các lỗi sau rồi xuất lại để có bản chính thức:",
                          *self.error_lines(source)])


def publish_state(evaluations, source: str) -> PublishState:
    """Refuse a table with no appraisal at all; otherwise the errors that make the documents a draft."""
    results = [r for e in evaluations for r in e.results]
    if not any(r.appraised_total is not None or r.total is not None for r in results):
        raise NothingAppraised(f"{source}: chưa có điểm Thẩm định nào ({len(results)} đơn vị, chưa đơn vị nào được "
                               "thẩm định), nên chưa có gì để xuất phụ lục; hãy nhập điểm Thẩm định trước.")
    return PublishState([f for e in evaluations for f in e.findings + year_doubts(e)
                         if f.severity == ERROR or f.code in UNCHECKED])


# Not errors for `check`, but an official document would print what nobody checked: the classes of a table
# of totals without bands (publish --bands, or a criteria set, checks them), field columns whose headers name
# no field of the set (read by position), a title naming another province or year than the set (the documents
# print the set's: someone must say which is right), a year nobody names.
UNCHECKED = ("class-not-checked", "fields-by-position", "set-printed", "year-unknown")


def year_doubts(e) -> list[Finding]:
    """What the documents will print where the title and the set disagree (year, province, level), or where no
    year is known."""
    from .model import table_province, table_year

    year, province = table_year(e), table_province(e)
    if year is None:
        return [Finding(WARNING, "year-unknown", "", "", "chưa rõ năm của kết quả (tiêu đề bảng không ghi năm"
                        + (f", bộ tiêu chí {e.cset.id} dùng cho các năm {', '.join(map(str, e.cset.years))}"
                           if e.cset.years else "") + "), nên văn bản để trống năm (……); hãy ghi năm vào tiêu đề "
                        "bảng, hoặc chọn bộ tiêu chí của năm đó (--set).", e.table.sheet, label="Chưa rõ năm")]
    said = []
    if e.table.year and e.table.year != year:
        said.append(f"năm {e.table.year}")
    if e.table.province and province and fold(e.table.province) != fold(province):
        said.append(f"tỉnh {e.table.province}")
    other_level = bool(e.cset.id and e.table.level and e.cset.level and e.table.level != e.cset.level
                       and not e.table.exact_names)  # as check's set-other-table
    if other_level:
        said.append(f"cấp {LEVELS.get(e.table.level, e.table.level)}")
    if not said:
        return []
    return [Finding(WARNING, "set-printed", "", "", f"tiêu đề bảng ghi {' và '.join(said)}, nhưng văn bản ghi "
                    + (f"cấp {e.cset.level_label}, " if other_level else "")
                    + f"năm {year}{f', tỉnh {province}' if province else ''} theo bộ tiêu chí {e.cset.id}; nếu tiêu "
                    "đề đúng, hãy chọn bộ tiêu chí của cấp, năm, tỉnh đó (--set); nếu tiêu đề gõ nhầm, hãy sửa tiêu "
                    "đề.", e.table.sheet, label="Văn bản ghi theo bộ tiêu chí")]


# ---------------------------------------------------------------- marks

def mark_docx(doc) -> None:
    """DỰ THẢO at the top of every page: in the header of every section, first-page header included."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt, RGBColor

    for section in doc.sections:
        headers = [section.header]
        if section.different_first_page_header_footer:
            headers.append(section.first_page_header)
        for header in headers:
            header.is_linked_to_previous = False  # a section of its own: the mark never depends on another
            first = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
            p = first.insert_paragraph_before() if first.text or first.runs else first
            p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            run = p.add_run(DRAFT_NOTE)
            run.bold = True
            run.font.size = Pt(13)
            run.font.color.rgb = RGBColor.from_string(MARK_RGB)


def mark_sheet(ws, row: int, width: int) -> None:
    """DỰ THẢO on a printed sheet: in the page header of every page, and in a merged cell on row `row`
    (a row the layout leaves blank above the table), red on the screen."""
    from openpyxl.styles import Alignment, Font

    for header in (ws.oddHeader, ws.firstHeader, ws.evenHeader):
        header.right.text = DRAFT_NOTE
        header.right.font = "Times New Roman,Bold"
        header.right.color = MARK_RGB
    if width > 1:
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    cell = ws.cell(row=row, column=1, value=DRAFT_NOTE)
    cell.font = Font(name="Times New Roman", size=14, bold=True, color=MARK_RGB)
    cell.alignment = Alignment(horizontal="center", vertical="center")
    ws.sheet_properties.tabColor = MARK_RGB
