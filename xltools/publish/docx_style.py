"""python-docx helpers shared by the appendix and the report: page, fonts, paragraphs, table cells.

Conventions of Nghị định 30/2020/NĐ-CP: A4, Times New Roman (set for every script, w:eastAsia
included, so Word never falls back to another face), margins top/bottom 20 mm, left 30 mm, right 15 mm.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from copy import deepcopy

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

FONT = "Times New Roman"
MARGINS_MM = {"top": 20, "bottom": 20, "left": 30, "right": 15}
A4_MM = (210, 297)
CENTER, LEFT, RIGHT, JUSTIFY = (WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT,
                                WD_ALIGN_PARAGRAPH.JUSTIFY)


def set_fonts(rpr_parent, name: str = FONT) -> None:
    """w:rFonts with ascii, hAnsi, eastAsia and cs all set (python-docx's font.name sets only two)."""
    rpr = rpr_parent.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)


def new_document(size_pt: float = 14) -> DocxDocument:
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.size = Pt(size_pt)
    set_fonts(normal.element)
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    fonts = defaults.find(f".//{qn('w:rFonts')}") if defaults is not None else None
    if fonts is not None:  # theme fonts of the default template would win over ours in some Word versions
        for attr in [a for a in fonts.attrib if a.lower().endswith("theme")]:
            del fonts.attrib[attr]
        for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(attr), FONT)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "vi-VN")
    normal.element.get_or_add_rPr().append(lang)
    fmt = normal.paragraph_format
    fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(0), 1.0
    page(doc.sections[0], landscape=False)
    return doc


def page(section, landscape: bool) -> None:
    short, long = Mm(A4_MM[0]), Mm(A4_MM[1])
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (long, short) if landscape else (short, long)
    for side, mm in MARGINS_MM.items():
        setattr(section, f"{side}_margin", Mm(mm))


def page_numbers(section, size_pt: float = 13) -> None:
    """Page number centred in the header from the second page on (Nghị định 30/2020/NĐ-CP)."""
    section.different_first_page_header_footer = True
    section.header.is_linked_to_previous = False
    p = section.header.paragraphs[0]
    p.alignment = CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    r = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    sz = OxmlElement("w:sz")
    sz.set(qn("w:val"), str(int(size_pt * 2)))
    rpr.append(sz)
    r.append(rpr)
    text = OxmlElement("w:t")
    text.text = "2"
    r.append(text)
    field.append(r)
    p._p.append(field)


def usable_width_mm(landscape: bool) -> float:
    return (A4_MM[1] if landscape else A4_MM[0]) - MARGINS_MM["left"] - MARGINS_MM["right"]


# ---------------------------------------------------------------- stamps

# A long report repeats the same paragraphs and tables thousands of times with other texts. python-docx makes
# each through dozens of schema lookups (where does w:b go among the children of w:rPr?), and appends each
# block to the body by searching the whole body for its section properties: a 3 000-unit report took minutes,
# growing faster than the units. So a block is made once by the ordinary code, kept without its texts, and
# copied (lxml deepcopy) with the texts put back in, run by run: the same XML, in constant time per block.

STAMPS = "_xltools_stamps"  # the document's stamps (an attribute of the python-docx Document)


def _stamps(doc) -> dict:
    stamps = getattr(doc, STAMPS, None)
    if stamps is None:
        stamps = {}
        setattr(doc, STAMPS, stamps)
    return stamps


def _runs(element) -> list:
    return list(element.iter(qn("w:r")))


PLACEHOLDER = "x"  # a stamp's runs keep a w:t, given each copy's text
NOT_PLAIN = re.compile(r"[\t\n\r]")  # python-docx writes these as w:tab, w:br


def fill_runs(runs, texts) -> None:
    """Put one text in each run of a copied stamp, as python-docx's Paragraph.add_run(text) writes it: no w:t
    for '', xml:space="preserve" when spaces lead or trail, tabs and breaks through python-docx itself."""
    for r, text in zip(runs, texts):
        t = r[-1]  # the placeholder's w:t
        text = nobreak(text)
        if not text:
            r.remove(t)
        elif NOT_PLAIN.search(text):
            r.text = text
        else:
            t.text = text
            if len(text.strip()) < len(text):
                t.set(qn("xml:space"), "preserve")


def append_block(doc, element) -> None:
    """Append a paragraph or table at the end of the body, before its last section properties (w:sectPr is
    the body's last child): python-docx finds them by scanning every child, once per block."""
    body = doc.element.body
    try:
        last = body[-1]  # lxml finds the last child from the end, without walking the others (len() would)
    except IndexError:
        last = None
    if last is not None and last.tag == qn("w:sectPr"):
        last.addprevious(element)
    else:
        body.append(element)


def stamped(doc, key: tuple, texts: list[str], make):
    """The block `make()` makes with `texts` (its runs in document order, one text each, '' where a cell
    is left empty): made the first time for `key` and kept as a blank stamp, copied with `texts` after."""
    stamps = _stamps(doc)
    blank = stamps.get(key)
    if blank is None:
        block = make()
        copy_ = deepcopy(block._element)
        runs = _runs(copy_)
        for r in runs:
            r.text = PLACEHOLDER  # python-docx's setter: the run keeps its properties, holds one w:t
        stamps[key] = copy_ if len(runs) == len(texts) else False  # False: not one run per text, always made
        return block
    if blank is False:
        return make()
    element = deepcopy(blank)
    fill_runs(_runs(element), texts)
    append_block(doc, element)
    return (Paragraph if element.tag == qn("w:p") else Table)(element, doc._body)


def paragraph(container, text: str = "", bold: bool = False, italic: bool = False, size: float | None = None,
              align=None, space_after: float = 0, space_before: float = 0):
    if isinstance(container, DocxDocument):
        key = ("paragraph", bool(text), bold, italic, size, align, space_after, space_before)
        return stamped(container, key, [text], lambda: _paragraph(container, text, bold, italic, size, align,
                                                                    space_after, space_before))
    return _paragraph(container, text, bold, italic, size, align, space_after, space_before)


def _paragraph(container, text: str, bold: bool, italic: bool, size: float | None, align, space_after: float,
               space_before: float):
    p = container.add_paragraph()
    if text:
        run(p, text, bold=bold, italic=italic, size=size)
    if align is not None:
        p.alignment = align
    p.paragraph_format.space_after = Pt(space_after)
    p.paragraph_format.space_before = Pt(space_before)
    return p


NB_HYPHEN = "\u2011"  # non-breaking hyphen: a minus sign that never wraps away from its number
MINUS_BEFORE_DIGIT = re.compile(r"(?<![\w])-(?=\d)")


def nobreak(text: str) -> str:
    """'-0,0616' -> '‑0,0616' (U+2011): Word and LibreOffice may break a line after '-', never after U+2011."""
    return MINUS_BEFORE_DIGIT.sub(NB_HYPHEN, text)


def run(p, text: str, bold: bool = False, italic: bool = False, size: float | None = None):
    r = p.add_run(nobreak(text))
    r.bold = bold or None
    r.italic = italic or None
    if size:
        r.font.size = Pt(size)
    return r


# ---------------------------------------------------------------- tables

# Children of w:trPr and w:tblPr must come in schema order (Word rejects files that break it).
TR_PR_AFTER = {"w:cantSplit": ("w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden"),
               "w:tblHeader": ("w:tblCellSpacing", "w:jc", "w:hidden")}
TBL_PR_AFTER_CELL_MAR = ("w:tblLook", "w:tblCaption", "w:tblDescription")
TWIPS_PER_MM = 56.7


def _row_flag(row, tag: str) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    if tr_pr.find(qn(tag)) is None:
        element = OxmlElement(tag)
        element.set(qn("w:val"), "true")
        tr_pr.insert_element_before(element, *TR_PR_AFTER[tag])


def repeat_header(row) -> None:
    """w:tblHeader: Word and LibreOffice repeat this row at the top of every page."""
    _row_flag(row, "w:tblHeader")


def keep_row_together(row) -> None:
    _row_flag(row, "w:cantSplit")


def new_table(container, rows: int, widths_mm: Sequence[float], cell_margin_mm: float = 0.8, borders: bool = True):
    """A table of fixed column widths (w:tblLayout fixed), centred, with narrow cell margins; bordered
    (Table Grid) unless `borders` is False (the header and signature blocks of a document)."""
    table = container.add_table(rows=rows, cols=len(widths_mm))
    table.style = "Table Grid" if borders else None
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    tbl_pr = table._tbl.tblPr
    tbl_w = tbl_pr.find(qn("w:tblW"))
    if tbl_w is not None:
        tbl_w.set(qn("w:type"), "dxa")
        tbl_w.set(qn("w:w"), str(sum(int(mm * TWIPS_PER_MM) for mm in widths_mm)))
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        m = OxmlElement(f"w:{side}")
        m.set(qn("w:w"), str(int(cell_margin_mm * TWIPS_PER_MM)))
        m.set(qn("w:type"), "dxa")
        margins.append(m)
    tbl_pr.insert_element_before(margins, *TBL_PR_AFTER_CELL_MAR)
    for column, mm in zip(table.columns, widths_mm):
        column.width = Mm(mm)
    for row in table.rows:
        for c, mm in zip(row.cells, widths_mm):
            c.width = Mm(mm)
    return table


def add_rows(table, texts: list[list[str]], style) -> None:
    """Rows that differ only in their texts, one per list of `texts` (a text per cell): the table's last row,
    given empty cells by `style(row)`, is the stamp; it is copied once per row, then removed."""
    row = table.rows[-1]
    style(row)
    blank = row._tr
    for r in _runs(blank):
        r.text = PLACEHOLDER
    for values in texts:
        tr = deepcopy(blank)
        fill_runs(_runs(tr), values)
        blank.addprevious(tr)
    blank.getparent().remove(blank)


def write_cell(c, text: str, bold: bool = False, size: float | None = None, align=CENTER, italic: bool = False):
    """Replace a cell's text with one run; centred vertically."""
    p = c.paragraphs[0]
    for r in list(p.runs):
        r._r.getparent().remove(r._r)
    run(p, text, bold=bold, italic=italic, size=size)
    if size:
        mark_size(p, size)
    p.alignment = align
    c.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def mark_size(p, size: float) -> None:
    """The paragraph mark's font size: an empty cell is as tall as a line of the table's text, not of the
    document's 14 pt (blank cells made the appendix rows two to three times taller)."""
    p_pr = p._p.get_or_add_pPr()
    rpr = p_pr.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        p_pr.insert_element_before(rpr, "w:sectPr", "w:pPrChange")
    for tag in ("w:sz", "w:szCs"):
        element = rpr.find(qn(tag))
        if element is None:
            element = OxmlElement(tag)
            rpr.append(element)
        element.set(qn("w:val"), str(int(round(size * 2))))


def keep_with_next(p, keep: bool = True):
    """The paragraph stays on the page of the next one (a heading never ends a page)."""
    p.paragraph_format.keep_with_next = keep
    return p


def keep_table_together(table) -> None:
    """Every row but the last kept with the next, no row split: a small table moves whole to the next page."""
    for row in table.rows:
        keep_row_together(row)
    for row in table.rows[:-1]:
        for c in row.cells:
            for p in c.paragraphs:
                keep_with_next(p)


def rule(container, width_mm: float, box_mm: float, space_after: float = 0, space_before: float = 2):
    """A short centred horizontal line (Nghị định 30: under the agency name, the motto and the trích yếu):
    an empty paragraph with a top border, indented to `width_mm` inside a box of `box_mm`."""
    p = container.add_paragraph()
    fmt = p.paragraph_format
    indent = Mm(max((box_mm - width_mm) / 2, 0))
    fmt.left_indent = fmt.right_indent = indent
    fmt.space_before, fmt.space_after = Pt(space_before), Pt(space_after)
    fmt.line_spacing = Pt(4)  # exact: the line, not a text line
    p_pr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        top.set(qn(key), value)
    borders.append(top)
    p_pr.insert_element_before(borders, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
                               "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
                               "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
                               "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment",
                               "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr",
                               "w:pPrChange")
    return p


def cell_paragraph(c, text: str = "", bold: bool = False, italic: bool = False, size: float | None = None,
                   align=CENTER, first: bool = False):
    """A paragraph in a cell: its first (empty) one when `first`, else a new one."""
    p = c.paragraphs[0] if first else c.add_paragraph()
    if text:
        run(p, text, bold=bold, italic=italic, size=size)
    p.alignment = align
    p.paragraph_format.space_before = p.paragraph_format.space_after = Pt(0)
    return p
