"""A workbook file changed part by part: the Book of `xltools macro tinh-lai` and `nhap-xhh`.

openpyxl turns every part of a workbook into objects and writes them all back: a whole load and a whole
save, about what these two macros were measured against. They change values and formulas in known cells
and write one sheet of findings. Here the cells are read by the fast value reader (workbook/values.py:
calamine, and the sheets' XML for the formulas), and saving rewrites only the cells written, the findings
sheet and the lines of the package parts that list the sheets; every other part (styles in use,
validation, conditional formats, charts, defined names, protection, macros of an .xlsm) keeps its bytes.
As openpyxl does on saving, formulas lose the values last computed for them and the workbook asks to be
recomputed when opened (`fullCalcOnLoad`).

A package this does not follow (formulas shared between cells or over an array, a namespace prefix, a
sheet part it cannot find, …) raises `Unsupported` when opened: the caller then uses OpenpyxlBook.
"""
from __future__ import annotations

import io
import math
import re
import zipfile
from pathlib import Path

from ..celltext import ILLEGAL_CHARACTERS_RE, MAX_CELL_TEXT, Formula, is_formula
from ..workbook.values import FORMULA, column_number, read_cells, sheet_parts
from .book import LINK_COLOUR, Book, BookError, FindingsLook, _at, bounds, checked_path, plain, saved, shown

_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_WORKSHEET_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
_RELS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


class Unsupported(Exception):
    """A package this Book does not change in place (OpenpyxlBook does)."""


# A cell element: its address, its other attributes and its content (`<c r="B7" s="3"/>` has none); a row.
_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]+)"([^>]*?)(?:/>|>([^<]*(?:<(?!/c>)[^<]*)*)</c>)')
_ROW = re.compile(rb'<row r="([0-9]+)"([^>]*?)(?:/>|>([^<]*(?:<(?!/row>)[^<]*)*)</row>)')
_FORMULA_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]+)"[^>]*><f>([^<]*)</f>')
_CACHED = re.compile(rb'<c r="([A-Z]{1,3}[0-9]+)"([^>]*)><f>([^<]*)</f><v>([^<]+)</v></c>')
# a cell or row that does not start with its address, a formula with attributes (shared, array) or none
_ODD_TAG = re.compile(rb'<(?:c|row)(?:[\t\n\r/>]| (?!r="))|<f[\t\n\r /]')
_STYLE = re.compile(rb'\ss="([0-9]+)"')
_ENTITY = re.compile(r"&(#[0-9]+|#x[0-9a-fA-F]+|amp|lt|gt|quot|apos);")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


class PackageBook(Book):
    """A workbook file: nothing reaches the disk before save(); save() writes the new package through
    xltools.files (a backup NAME.bak-TIME.EXT of the previous version, then an atomic replace)."""

    def __init__(self, path):
        self.path = checked_path(path)
        self.name = self.path.name
        from ..errors import ReadError
        from ..importers.office_open import check_excel

        try:
            check_excel(self.path)  # the same limits and messages as every reader
        except ReadError as exc:
            raise BookError(str(exc)) from exc
        data = self.path.read_bytes()
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                self._infos = archive.infolist()
                self._parts = {info.filename: archive.read(info) for info in self._infos}
                self._sheet_part = sheet_parts(archive)
            cells = read_cells(self.path)
        except Exception as exc:  # noqa: BLE001 (anything it cannot read: openpyxl reads it, or says what is wrong)
            raise Unsupported(f"{type(exc).__name__}: {exc}") from exc
        self._names = _sheet_names(self._parts[_book_part(self._parts)].decode())
        if self._names != list(self._sheet_part) or set(self._names) != set(cells.values):
            raise Unsupported("sheets without a part, or chart sheets")
        styles = self._parts.get("xl/styles.xml", b"")
        if not (re.search(rb"<fonts count=\"[0-9]+\"", styles) and re.search(rb"<cellXfs count=\"[0-9]+\"", styles)):
            raise Unsupported("styles this Book does not extend")
        self._values = cells.values  # what the cells show
        self._typed: dict[str, list[list]] = {}  # what they hold: formulas as Formula
        for name in self._names:
            xml = self._parts[self._sheet_part[name]]
            if not _plain_sheet(xml):
                raise Unsupported(f"{name}: shared or array formulas, a namespace prefix, cells or rows without address")
            self._typed[name] = _typed(xml, cells.typed[name], name)
        del cells
        self._written: dict[str, dict[tuple[int, int], object]] = {}  # sheet -> (row, col) -> value
        self._new: dict[str, FindingsLook | None] = {}  # sheets written whole by this Book (and their look)

    # ---------------------------------------------------------------- reading

    def sheet_names(self):
        return list(self._names)

    def has_sheet(self, name):
        return name in self._typed

    def read(self, sheet, ref):
        self.require(sheet)
        top, left, bottom, right = bounds(ref)
        grid, width = self._typed[sheet], right - left + 1
        lines = [grid[r - 1][left - 1:right] if r <= len(grid) else [] for r in range(top, bottom + 1)]
        return [line + [None] * (width - len(line)) if len(line) < width else line for line in lines]

    def values(self, sheet, ref):
        return shown(self.read(sheet, ref), self._values.get(sheet, []), ref)

    def extent(self, sheet):
        self.require(sheet)
        used = [(r, c) for r, row in enumerate(self._typed[sheet], start=1)
                for c, v in enumerate(row, start=1) if v is not None]
        return max((r for r, _ in used), default=1), max((c for _, c in used), default=1)

    def merged(self):
        return {name: tuple(m.decode() for m in re.findall(rb'<mergeCell ref="([^"]+)"', self._parts[part]))
                if name not in self._new else () for name, part in self._sheet_part.items()}

    # ---------------------------------------------------------------- writing

    def write(self, sheet, top_left, rows):
        self.require(sheet)
        top, left, _, _ = bounds(top_left)
        typed, shown = self._typed[sheet], self._values.setdefault(sheet, [])
        written = self._written.setdefault(sheet, {})
        for row, values in enumerate(rows, start=top):
            kept = [_kept(v) for v in values]  # raises Unsupported for a kind of value it does not write
            written.update(zip([(row, col) for col in range(left, left + len(kept))], kept))
            _place(typed, row, left, kept)
            _place(shown, row, left, [None if is_formula(v) else v for v in kept])

    def add_sheet(self, name):
        """A sheet this Book writes whole on saving (an existing one loses its cells, as the macros want)."""
        if name not in self._names:
            self._names.append(name)
        self._typed[name], self._values[name], self._written[name] = [], [], {}
        self._new[name] = None

    def style_findings(self, sheet, look):
        if sheet in self._new:
            self._new[sheet] = look

    def save(self):
        data = self._package()
        saved(self, lambda tmp: Path(tmp).write_bytes(data))

    def _package(self) -> bytes:
        parts = dict(self._parts)
        order = [info.filename for info in self._infos]
        book = _book_part(parts)
        styles = _Styles(parts["xl/styles.xml"])
        for name in self._names:
            if name in self._new:
                continue
            xml = parts[self._sheet_part[name]]
            if self._written.get(name):
                xml = _patched(xml, self._written[name])
            parts[self._sheet_part[name]] = _without_cached_values(xml)
        for name, look in self._new.items():
            xml = _findings_sheet(self._written.get(name, {}), look, styles)
            if name in self._sheet_part:
                parts[self._sheet_part[name]] = xml
            else:
                part = _add_sheet_part(parts, book, name)
                parts[part] = xml
                order.append(part)
        parts["xl/styles.xml"] = styles.xml()
        parts[book] = _recomputed_on_load(parts[book])
        _drop_calc_chain(parts, book)
        out = io.BytesIO()
        stamps = {info.filename: info.date_time for info in self._infos}
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in order:
                if name in parts:  # a fresh entry: nothing of the old one's header (flags, zip64 sizes) carried over
                    archive.writestr(zipfile.ZipInfo(name, stamps.get(name, (1980, 1, 1, 0, 0, 0))), parts[name],
                                     compress_type=zipfile.ZIP_DEFLATED)
        return out.getvalue()


def _kept(value):
    """A value as a cell keeps it (celltext.put): text without the characters a file cannot hold, at most
    MAX_CELL_TEXT long; a Formula, a number, True/False or None as they are. Anything else (a date, a
    Decimal) raises Unsupported: the caller runs the macro again with OpenpyxlBook, which writes them."""
    kind = type(value)
    if value is None or kind is int or (kind is float and math.isfinite(value)):
        return value
    if is_formula(value):
        if not 1 < len(value) <= MAX_CELL_TEXT or ILLEGAL_CHARACTERS_RE.search(value):
            raise Unsupported("a formula openpyxl checks")
        return value
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_CELL_TEXT] or None
    if value is None or type(value) in (bool, int, float):
        if type(value) is float and value != value or value in (float("inf"), float("-inf")):
            raise Unsupported("a number a file cannot hold")
        return value
    raise Unsupported(f"a value of type {type(value).__name__}")


def _place(grid: list[list], row: int, left: int, values: list) -> None:
    """`values` into `grid` (rows of a sheet from A1) from (row, left) on."""
    while len(grid) < row:
        grid.append([])
    line, end = grid[row - 1], left - 1 + len(values)
    if len(line) < end:
        line.extend([None] * (end - len(line)))
    line[left - 1:end] = values


def _plain_sheet(xml: bytes) -> bool:
    """A sheet whose cells and rows all start with their address, without shared or array formulas (an <f>
    with attributes), without a namespace prefix, and whose cached formula values _without_cached_values
    finds."""
    return (xml.count(b"<sheetData") == 1 and b":sheetData" not in xml and b':c r="' not in xml
            and b':row r="' not in xml and not _ODD_TAG.search(xml)
            and (not (cached := len(re.findall(rb"</f><v>[^<]", xml))) or cached == len(_CACHED.findall(xml))))


def _texts(raw: list[bytes]) -> list[str]:
    """The character data of many elements (&amp; &#272; …), by one run of the XML parser."""
    if not any(b"&" in r for r in raw):
        return [r.decode() for r in raw]
    try:  # lxml (python-docx's, loaded by openpyxl too) parses this 3 times as fast as ElementTree
        from lxml.etree import fromstring
    except ImportError:  # pragma: no cover
        from xml.etree.ElementTree import fromstring
    root = fromstring(b"<x>" + b"".join(b"<f>" + r + b"</f>" for r in raw) + b"</x>")
    return [f.text or "" for f in root]


def _unescaped(text: str) -> str:
    """XML character data as text (&amp; &#272; …)."""
    def one(m: re.Match) -> str:
        name = m[1]
        if name[0] == "#":
            return chr(int(name[2:], 16) if name[1] in "xX" else int(name[1:]))
        return _NAMED[name]
    return _ENTITY.sub(one, text) if "&" in text else text


def _typed(xml: bytes, typed: list[list], sheet: str) -> list[list]:
    """The value reader's grid (formula cells marked FORMULA) with the formulas' text in those cells."""
    found = _FORMULA_CELL.findall(xml)
    texts = _texts([text for _, _, text in found])
    grid = [[plain(v) for v in row] for row in typed]
    marks = sum(row.count(FORMULA) for row in typed)
    for (letters, row, _), text in zip(found, texts):
        col = _column(letters)
        if _at(grid, int(row), col) != FORMULA:
            raise Unsupported(f"{sheet}: formulas this Book does not read")
        grid[int(row) - 1][col - 1] = Formula("=" + text)
    if marks != len(found):
        raise Unsupported(f"{sheet}: formulas this Book does not read")
    return grid


_COLUMNS: dict[bytes, int] = {}


def _column(letters: bytes) -> int:
    if letters not in _COLUMNS:
        _COLUMNS[letters] = column_number(letters.decode())
    return _COLUMNS[letters]


# ---------------------------------------------------------------- the XML written

_KEEP_SPACES = re.compile(r"^\s|\s$|\s\s|[\t\n\r]")  # what an XML reader would change without xml:space


def _escape(text: str) -> str:
    if "&" in text or "<" in text or ">" in text or "\r" in text:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    return text


def _cell(ref: str, style: str, value) -> str:
    """One <c> element holding `value` (None: the cell keeps its style only); `style` is ' s="N"' or ""."""
    kind = type(value)
    if value is None:
        return f'<c r="{ref}"{style}/>' if style else ""
    if kind is float or kind is int:
        return f'<c r="{ref}"{style} t="n"><v>{value!r}</v></c>'
    if is_formula(value):
        return f'<c r="{ref}"{style}><f>{_escape(value[1:])}</f><v></v></c>'
    if kind is bool:
        return f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>'
    space = ' xml:space="preserve"' if _KEEP_SPACES.search(value) else ""
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{space}>{_escape(value)}</t></is></c>'


_LETTERS: dict[int, str] = {}


def _letters(col: int) -> str:
    if col not in _LETTERS:
        letters, n = "", col
        while n:
            n, rest = divmod(n - 1, 26)
            letters = chr(65 + rest) + letters
        _LETTERS[col] = letters
    return _LETTERS[col]


def _patched(xml: bytes, written: dict[tuple[int, int], object]) -> bytes:
    """The sheet with the written cells replaced (their style kept), added where they were not."""
    by_row: dict[int, dict[int, object]] = {}
    for (row, col), value in written.items():
        by_row.setdefault(row, {})[col] = value
    start = xml.index(b"<sheetData")
    if xml.startswith(b"<sheetData/>", start):
        xml = xml[:start] + b"<sheetData></sheetData>" + xml[start + len(b"<sheetData/>"):]
    begin = xml.index(b">", start) + 1
    end = xml.index(b"</sheetData>", begin)
    out, at = [], begin
    for m in _ROW.finditer(xml, begin, end):
        row = int(m[1])
        for new in sorted(r for r in by_row if r < row):
            out.append(xml[at:m.start()] + _row(new, b"", b"", by_row.pop(new)))
            at = m.start()
        if row in by_row:
            out.append(xml[at:m.start()] + _row(row, m[2], m[3] or b"", by_row.pop(row)))
            at = m.end()
    out.append(xml[at:end])
    out += [_row(row, b"", b"", cells) for row, cells in sorted(by_row.items())]
    body = b"".join(out)
    xml = xml[:begin] + body + xml[end:]
    return _dimension(xml, written)


def _row(row: int, attributes: bytes, content: bytes, cells: dict[int, object]) -> bytes:
    """A row element with `cells` (column -> value) written over or among the cells it holds."""
    if b"spans" in attributes:
        attributes = re.sub(rb'\sspans="[^"]*"', b"", attributes)  # a hint only, no longer true
    new, k, at, out = sorted(cells), 0, 0, []
    for m in _CELL.finditer(content):
        col = _column(m[1])
        while k < len(new) and new[k] <= col:
            out.append(content[at:m.start()])
            at = m.start()
            style = ""
            if new[k] == col:
                found = _STYLE.search(m[3])
                style, at = (found[0].decode() if found else ""), m.end()
            out.append(_cell(f"{_letters(new[k])}{row}", style, cells[new[k]]).encode())
            k += 1
        if k == len(new):
            break
    out.append(content[at:])
    out += [_cell(f"{_letters(c)}{row}", "", cells[c]).encode() for c in new[k:]]
    return b'<row r="%d"%s>%s</row>' % (row, attributes, b"".join(out))


def _dimension(xml: bytes, written) -> bytes:
    m = re.search(rb'<dimension ref="([A-Z]+[0-9]+)(?::([A-Z]+[0-9]+))?"\s*/>', xml)
    if not m or not written:
        return xml
    top, left, bottom, right = bounds(m[1].decode() + (":" + m[2].decode() if m[2] else ""))
    rows, cols = [r for r, _ in written], [c for _, c in written]
    top, left = min(top, *rows), min(left, *cols)
    bottom, right = max(bottom, *rows), max(right, *cols)
    ref = f"{_letters(left)}{top}:{_letters(right)}{bottom}".encode()
    return xml[:m.start()] + b'<dimension ref="' + ref + b'"/>' + xml[m.end():]


def _without_cached_values(xml: bytes) -> bytes:
    """Formulas without the values last computed for them, as openpyxl saves them: they are computed again
    when the file is opened, and no reader takes an old value for a new one."""
    if not re.search(rb"</f><v>[^<]", xml):
        return xml
    return _CACHED.sub(lambda m: b'<c r="%s"%s><f>%s</f><v></v></c>' % (
        m[1], re.sub(rb'\st="[a-z]+"', b"", m[2]), m[3]), xml)


class _Styles:
    """styles.xml with the few fonts and cell formats the findings sheet needs, added when first asked."""

    def __init__(self, xml: bytes):
        self._xml = xml
        self._fonts: list[bytes] = []
        self._xfs: list[bytes] = []
        self._ids: dict[tuple, int] = {}
        self._font_count = int(re.search(rb'<fonts count="([0-9]+)"', xml)[1])
        self._xf_count = int(re.search(rb'<cellXfs count="([0-9]+)"', xml)[1])

    def xf(self, font: bytes | None, wrapped: bool) -> int:
        key = (font, wrapped)
        if key not in self._ids:
            font_id = 0
            if font is not None:
                font_id = self._font_count + len(self._fonts)
                self._fonts.append(font)
            xml = b'<xf numFmtId="0" fontId="%d" fillId="0" borderId="0" xfId="0"%s%s' % (
                font_id, b' applyFont="1"' if font is not None else b"", b' applyAlignment="1"' if wrapped else b"")
            xml += b'><alignment vertical="top" wrapText="1"/></xf>' if wrapped else b"/>"
            self._ids[key] = self._xf_count + len(self._xfs)
            self._xfs.append(xml)
        return self._ids[key]

    def xml(self) -> bytes:
        xml = self._xml
        if self._fonts:
            xml = _appended(xml, b"fonts", self._font_count + len(self._fonts), b"".join(self._fonts))
        if self._xfs:
            xml = _appended(xml, b"cellXfs", self._xf_count + len(self._xfs), b"".join(self._xfs))
        return xml


def _appended(xml: bytes, tag: bytes, count: int, items: bytes) -> bytes:
    xml = re.sub(rb'<%s count="[0-9]+"' % tag, b'<%s count="%d"' % (tag, count), xml, count=1)
    end = xml.index(b"</%s>" % tag)
    return xml[:end] + items + xml[end:]


_TITLE_FONT = b'<font><b val="1"/><sz val="13"/></font>'
_BOLD_FONT = b'<font><b val="1"/></font>'
_LINK_FONT = b'<font><color rgb="00%s"/><u val="single"/></font>' % LINK_COLOUR.encode()


def _findings_sheet(cells: dict[tuple[int, int], object], look: FindingsLook | None, styles: _Styles) -> bytes:
    """A whole sheet of the written cells; with `look`, styled as OpenpyxlBook.style_findings styles one."""
    last_row = max((r for (r, c), v in cells.items() if v is not None), default=0)
    style: dict[tuple[int, int], int] = {}
    head = ""
    if look is not None:
        style[1, 1] = styles.xf(_TITLE_FONT, False)
        for col in range(1, look.columns + 1):
            style[look.header_row, col] = styles.xf(_BOLD_FONT, False)
        last_row = max(last_row, look.last_row)
        for r in range(look.first_row, last_row + 1):
            for col in range(1, look.columns + 1):
                style[r, col] = styles.xf(None, True)
            style[r, look.where_col] = styles.xf(_LINK_FONT if r in look.link_rows else None, True)
        top = f"A{look.first_row}"
        head = (f'<sheetViews><sheetView workbookViewId="0"><pane ySplit="{look.first_row - 1}" topLeftCell="{top}" '
                f'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="{top}" '
                f'sqref="{top}"/></sheetView></sheetViews><sheetFormatPr baseColWidth="8" defaultRowHeight="15"/>'
                "<cols>" + "".join(f'<col min="{c}" max="{c}" width="{w:g}" customWidth="1"/>'
                                   for c, w in enumerate(look.widths, start=1)) + "</cols>")
    rows: dict[int, dict[int, object]] = {}
    for (r, c) in {*cells, *style}:
        rows.setdefault(r, {})[c] = cells.get((r, c))
    body = []
    for r in sorted(rows):
        line = "".join(_cell(f"{_letters(c)}{r}", f' s="{style[r, c]}"' if (r, c) in style else "", rows[r][c])
                       for c in sorted(rows[r]))
        body.append(f'<row r="{r}">{line}</row>')
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="{_RELS_NS}">'
            f"{head}<sheetData>{''.join(body)}</sheetData>"
            '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/></worksheet>'
            ).encode()


# ---------------------------------------------------------------- the package's list of sheets

def _book_part(parts: dict[str, bytes]) -> str:
    m = re.search(rb'Type="[^"]*/officeDocument"[^>]*Target="/?([^"]+)"|Target="/?([^"]+)"[^>]*Type="[^"]*/officeDocument"',
                  parts["_rels/.rels"])
    return (m[1] or m[2]).decode() if m else "xl/workbook.xml"


def _sheet_names(book_xml: str) -> list[str]:
    return [_unescaped(n) for n in re.findall(r'<sheet\b[^>]*?\sname="([^"]*)"', book_xml)]


def _rels_part(part: str) -> str:
    folder, _, name = part.rpartition("/")
    return f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"


def _add_sheet_part(parts: dict[str, bytes], book: str, name: str) -> str:
    """A new sheet part named in the workbook, its relationships and the content types; returns its name."""
    n = 1
    while f"xl/worksheets/sheet{n}.xml" in parts:
        n += 1
    part = f"xl/worksheets/sheet{n}.xml"
    rels = _rels_part(book)
    ids = {int(i) for i in re.findall(rb'Id="rId([0-9]+)"', parts[rels])}
    rel_id = f"rId{max(ids, default=0) + 1}"
    parts[rels] = parts[rels].replace(b"</Relationships>", (
        f'<Relationship Type="{_WORKSHEET_REL}" Target="/{part}" Id="{rel_id}"/></Relationships>').encode())
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(b"</Types>", (
        f'<Override PartName="/{part}" ContentType="{_WORKSHEET}"/></Types>').encode())
    xml = parts[book]
    sheet_id = max((int(i) for i in re.findall(rb'<sheet\b[^>]*?\ssheetId="([0-9]+)"', xml)), default=0) + 1
    prefix = re.search(rb'xmlns:([A-Za-z_][\w.-]*)="' + _RELS_NS.encode() + b'"', xml)
    declared = b"" if prefix and xml.find(b"xmlns:" + prefix[1], 0, xml.find(b"<sheets")) >= 0 else \
        b' xmlns:r="' + _RELS_NS.encode() + b'"'
    p = prefix[1] if declared == b"" else b"r"
    sheet = b'<sheet%s name="%s" sheetId="%d" %s:id="%s"/>' % (
        declared, _escape(name).replace('"', "&quot;").encode(), sheet_id, p, rel_id.encode())
    parts[book] = xml.replace(b"</sheets>", sheet + b"</sheets>", 1)
    return part


def _recomputed_on_load(xml: bytes) -> bytes:
    """The workbook asks a spreadsheet program to recompute every formula when opened (openpyxl's calcPr)."""
    m = re.search(rb"<calcPr\b[^>]*?/?>", xml)
    if m:
        if b"fullCalcOnLoad=" in m[0]:
            return xml[:m.start()] + re.sub(rb'fullCalcOnLoad="[^"]*"', b'fullCalcOnLoad="1"', m[0]) + xml[m.end():]
        return xml[:m.start()] + b'<calcPr fullCalcOnLoad="1"' + m[0][len(b"<calcPr"):] + xml[m.end():]
    ends = [m.end() for m in re.finditer(rb"</sheets>|</functionGroups>|<functionGroups[^>]*/>|</externalReferences>"
                                         rb"|</definedNames>", xml)]
    at = max(ends)
    return xml[:at] + b'<calcPr calcId="124519" fullCalcOnLoad="1"/>' + xml[at:]


def _drop_calc_chain(parts: dict[str, bytes], book: str) -> None:
    """The list of formula cells in calculation order no longer matches once formulas move: dropped, as
    openpyxl drops it (a spreadsheet program makes it again)."""
    if "xl/calcChain.xml" not in parts:
        return
    del parts["xl/calcChain.xml"]
    rels = _rels_part(book)
    parts[rels] = re.sub(rb"<Relationship\b[^>]*/calcChain\"[^>]*/>|<Relationship\b[^>]*calcChain.xml\"[^>]*/>", b"",
                         parts[rels])
    parts["[Content_Types].xml"] = re.sub(rb'<Override PartName="/xl/calcChain.xml"[^>]*/>', b"",
                                          parts["[Content_Types].xml"])


def open_book(path) -> Book:
    """The fastest Book for a file: this one, or OpenpyxlBook for a package this one does not follow."""
    from .book import OpenpyxlBook

    try:
        return PackageBook(path)
    except Unsupported:
        return OpenpyxlBook(path)
