"""The cells of an .xlsx file read straight from its XML: what openpyxl's `load_workbook(data_only=True)`
shows for each cell (value and bold), each sheet's merged ranges, in one pass and about ten times faster.

Importing a thousand self-assessment forms reads a thousand workbooks; openpyxl builds an object for
every cell, style and range of each, which costs most of the import. This reader follows openpyxl's
rules exactly (the same value types: int, float, str, bool; a merged range's covered cells blank; bold
from the cell's font) for the packages Excel, LibreOffice and openpyxl write. Whatever it does not
follow (a date cell, a cell without its address, a strict-OOXML or unusual package) raises NotPlain
and the caller reads the file with openpyxl, so every file reads as before. The package must have
passed `limits.check_xlsx` first (no entity declarations, parts within their size limit).
"""
from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from xml.etree import ElementTree
from xml.parsers import expat

from ..limits import checked_sheet_parts

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_C, _V, _IS, _T = f"{_NS}c", f"{_NS}v", f"{_NS}is", f"{_NS}t"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}Override"
_WORKBOOK_TYPES = {f"application/vnd.{kind}.main+xml" for kind in (
    "openxmlformats-officedocument.spreadsheetml.sheet", "openxmlformats-officedocument.spreadsheetml.template",
    "ms-excel.sheet.macroEnabled", "ms-excel.template.macroEnabled")}
_SHARED_STRINGS = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_WORKSHEET = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
_CHARTSHEET = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/chartsheet"
_CELL = re.compile(r"([A-Z]{1,3})(\d+)")
_RANGE = re.compile(r"([A-Z]{1,3})(\d+)(?::([A-Z]{1,3})(\d+))?")


class NotPlain(Exception):
    """The file uses something this reader does not follow: read it with openpyxl."""


@dataclass
class Sheet:
    """One worksheet: its title, whether it is visible, each cell holding a value as (value, bold), and its
    merged ranges (min_row, min_col, max_row, max_col) in the order openpyxl gives them."""

    title: str
    visible: bool
    cells: dict[tuple[int, int], tuple[object, bool]]
    merged: list[tuple[int, int, int, int]]


def read_sheets(path: Path) -> list[Sheet]:
    """Every worksheet of a checked .xlsx package, in workbook order; NotPlain when openpyxl must read it."""
    with zipfile.ZipFile(path) as archive:
        try:
            return _Package(archive, checked_sheet_parts(path)).sheets()
        except NotPlain:
            raise
        except Exception as exc:  # malformed XML, a missing part, a bad number: openpyxl says what is wrong
            raise NotPlain(f"{type(exc).__name__}: {exc}") from exc


def _column(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


@lru_cache(maxsize=65536)  # the same addresses sheet after sheet
def _address(ref: str) -> tuple[int, int] | None:
    """'B7' -> (7, 2), the (row, column) of a cell; None for anything else."""
    m = _CELL.fullmatch(ref)
    return (int(m[2]), _column(m[1])) if m else None


def _number(text: str) -> int | float:
    """openpyxl's reading of a number cell: a float when the text has '.', 'e' or 'E', else an int."""
    return float(text) if "." in text or "e" in text or "E" in text else int(text)


def _text(node: ElementTree.Element) -> str:
    """A string item's text as openpyxl shows it: its plain <t>, then the <t> of its runs (<r>); phonetic
    runs (<rPh>) left out."""
    if len(node) == 1 and node[0].tag == _T:  # the usual item: one <t>
        return node[0].text or ""
    plain = node.findall(_T)
    if len(plain) > 1:
        raise NotPlain("several <t> in one string")
    parts = [plain[0].text or ""] if plain else []
    parts += [t.text for r in node.findall(f"{_NS}r") for t in r.findall(_T)[-1:] if t.text is not None]
    return "".join(parts)


@lru_cache(maxsize=16)  # forms made from one template share their styles part
def _style_flags(xml: bytes) -> tuple[tuple[bool, ...], frozenset[int]]:
    """Per cell style (the index a cell's s="…" names): whether its font is bold; and the styles whose
    number format shows a date or time (openpyxl turns those numbers into dates: not followed here)."""
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

    root = ElementTree.fromstring(xml)
    fonts = root.find(f"{_NS}fonts")
    xfs = root.find(f"{_NS}cellXfs")
    if fonts is None or xfs is None or not len(xfs):
        raise NotPlain("no fonts or cell styles")
    font_bold = []
    for font in fonts.findall(f"{_NS}font"):
        b = font.find(f"{_NS}b")
        # openpyxl's Bool: <b/> is bold; val "0", "false", "f" or "" is not; any other text is
        font_bold.append(b is not None and b.get("val", "true") not in ("false", "f", "0", ""))
    custom = {int(f.get("numFmtId", "")): f.get("formatCode") for f in root.iter(f"{_NS}numFmt")}
    bold, dates = [], set()
    for i, xf in enumerate(xfs.findall(f"{_NS}xf")):
        bold.append(font_bold[int(xf.get("fontId", 0))])
        number_format = int(xf.get("numFmtId", 0))
        if is_date_format(custom[number_format] if number_format in custom else BUILTIN_FORMATS.get(number_format)):
            dates.add(i)
    return tuple(bold), frozenset(dates)


# The sheetData of a sheet as Excel, LibreOffice and openpyxl write it: rows of cells, each <c r= s= t=> with an
# optional <f>, <v> and <is><t>, nothing else, no space between elements. `_scan` reads such a sheet with two
# regular expressions and expat (which checks the XML and decodes its texts in C): half the time of building an
# element tree. Any other layout is read by `_Package._parsed_sheet`.
_MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_ROOT = re.compile(rb'(?:<\?xml version="1\.0"(?: encoding="[Uu][Tt][Ff]-8")?(?: standalone="(?:yes|no)")?\?>'
                   rb'(?:\r?\n)?)?<worksheet xmlns="' + _MAIN + rb'"[^<>]*>')
_CELL_PARTS = (rb'<c r="([A-Z]{1,3}[0-9]+)"(?: s="([0-9]+)")?(?: t="([a-zA-Z]+)")?(?:/>|>(?:<f(?: [^<>]*)?(?:/>|>([^<]*)</f>))?'
               rb'(?:<v>([^<]*)</v>|<v/>)?(?:(<is>)(?:<t(?: xml:space="preserve")?>([^<]*)</t>|<t/>)</is>|(<is/>))?</c>)')
_ROW_TAGS = rb'<row(?: [^<>]*)?(?:/>|>)|</row>'
_SHEET_DATA = re.compile(b"(?:" + _ROW_TAGS + b"|" + re.sub(rb"\((?!\?)", b"(?:", _CELL_PARTS) + b")*+")
_SHEET_CELLS = re.compile(b"(?:" + _ROW_TAGS + b")*" + _CELL_PARTS)  # a cell, and the row tags before it
_MERGE_CELL = re.compile(rb'<mergeCell ref="([A-Z]{1,3}[0-9]+(?::[A-Z]{1,3}[0-9]+)?)"/>')
_ANY_MERGE_CELL = re.compile(rb"<mergeCell[\s/>]")
_TEXT_AFTER_TAG = re.compile(rb">[^<]")
_OPEN_TAG = re.compile(rb"<[^/][^<>]*(?<!/)>")
_NAMESPACE = re.compile(rb"xmlns(?::([^\s=]*))?\s*=\s*(\"[^\"]*\"|'[^']*')")  # and any such text


@lru_cache(maxsize=65536)
def _address_bytes(ref: bytes) -> tuple[int, int]:
    """_address of a ref the expressions above matched ('B7' as bytes)."""
    return (int(ref.lstrip(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ")), _column(ref.rstrip(b"0123456789").decode("ascii")))


def _scan(xml: bytes) -> tuple[list[tuple[tuple[int, int], int, str, str | None]], list[str]] | None:
    """((address, style, type, text) of each cell in order, the merged ranges' refs) of a sheet laid out as
    described above, with the texts as ElementTree gives them: an inline string's <t> text ('' for an empty
    one; None without <is>), other cells' <v> text; None for any other layout, or XML expat refuses."""
    root = _ROOT.match(xml)
    start, end = xml.find(b"<sheetData>"), xml.rfind(b"</sheetData>")
    if root is None or start < 0 or end < start or b"<!" in xml or b"<?" in xml[root.end():]:
        return None  # a doctype, comment, CDATA section or processing instruction: the long way
    head, body, tail = xml[root.end():start], xml[start + 11:end], xml[end + 12:]
    declared = _NAMESPACE.findall(xml)  # (prefix, value) of each xmlns attribute
    if xml.count(_MAIN) != 1 or [p for p, _ in declared].count(b"") != 1 or any(b"&" in v for _, v in declared):
        return None  # the main namespace is the default one, declared once: unprefixed names are its, no other's
    if (head[:1] not in (b"", b"<") or _TEXT_AFTER_TAG.search(head) or b"<mergeCell" in head or b"<sheetData" in tail
            or len(_OPEN_TAG.findall(head)) != head.count(b"</") or not _SHEET_DATA.fullmatch(body)):
        return None  # text before the cells, sheetData not the root's child, or a cell this reader does not know
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.buffer_size = max(len(xml), 1)  # each text node in one piece,
    ends: list[str] = []
    parser.EndElementHandler = ends.append  # handed over at its end tag (pyexpat flushes its buffer in a handler)
    texts: list[str] = []
    parser.CharacterDataHandler = texts.append
    try:
        parser.Parse(xml, True)
    except expat.ExpatError:
        return None  # the long way says what is wrong
    try:
        cells, k = _scanned_cells(body, texts)
    except IndexError:
        return None  # fewer texts than the expressions saw
    merges = _MERGE_CELL.findall(tail)
    if (len(merges) != len(_ANY_MERGE_CELL.findall(tail))
            or len(_TEXT_AFTER_TAG.findall(xml[end + 11:].rstrip())) != len(texts) - k):
        return None  # a merged range written otherwise, or the texts not where the expressions saw them
    return cells, [m.decode("ascii") for m in merges]


def _scanned_cells(body: bytes, texts: list[str]) -> tuple[list[tuple[tuple[int, int], int, str, str | None]], int]:
    """`_scan`'s cells of a sheetData's content, and how many of `texts` (its text nodes, then the rest of
    the sheet's) are theirs: a <f>, <v> or <t> with text holds the next one."""
    cells: list[tuple[tuple[int, int], int, str, str | None]] = []
    append = cells.append
    k = 0
    for ref, style, kind, formula, v, inline, t, empty in _SHEET_CELLS.findall(body):
        if formula:
            k += 1
        text: str | None = None
        if v:
            text = texts[k]
            k += 1
        if kind == b"inlineStr":
            text = "" if inline or empty else None
            if t:
                text = texts[k]
                k += 1
        elif t:
            k += 1
        append((_address_bytes(ref), int(style) if style else 0, _KIND.get(kind) or kind.decode("ascii"), text))
    return cells, k


_KIND = {b"": "n", b"n": "n", b"s": "s", b"str": "str", b"inlineStr": "inlineStr", b"b": "b", b"e": "e"}


class _Package:
    def __init__(self, archive: zipfile.ZipFile, unpacked: dict[str, bytes]):
        self.archive = archive
        self.unpacked = unpacked  # the sheet parts the limits check has just unpacked (`limits.checked_sheet_parts`)
        types = ElementTree.fromstring(archive.read("[Content_Types].xml"))
        overrides = [(o.get("PartName", ""), o.get("ContentType")) for o in types.iter(_TYPES)]
        workbooks = [name for name, kind in overrides if kind in _WORKBOOK_TYPES]
        if workbooks != ["/xl/workbook.xml"]:
            raise NotPlain("workbook part not at xl/workbook.xml")
        strings = next((name for name, kind in overrides if kind == _SHARED_STRINGS), None)
        self.strings = self._strings(strings[1:]) if strings else []
        self.bold, self.dates = self._styles()

    def _strings(self, part: str) -> list[str]:
        root = ElementTree.fromstring(self.archive.read(part))
        return [_text(si).replace("x005F_", "") for si in root.iter(f"{_NS}si")]

    def _styles(self) -> tuple[tuple[bool, ...], frozenset[int]]:
        xml = self.archive.read("xl/styles.xml")
        return _style_flags(xml) if len(xml) <= 2**16 else _style_flags.__wrapped__(xml)  # keeps no large part

    def sheets(self) -> list[Sheet]:
        workbook = ElementTree.fromstring(self.archive.read("xl/workbook.xml"))
        if workbook.tag != f"{_NS}workbook":
            raise NotPlain("not a transitional workbook")
        rels = ElementTree.fromstring(self.archive.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): (r.get("Type"), r.get("Target", "")) for r in rels.iter(_RELS)}
        out, titles = [], set()
        for sheet in workbook.findall(f"{_NS}sheets/{_NS}sheet"):
            kind, target = targets[sheet.get(_REL_ID)]
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            if kind == _CHARTSHEET or part not in self.archive.NameToInfo:
                continue  # openpyxl's worksheets leave these out too
            title = sheet.get("name", "")
            if kind != _WORKSHEET or title in titles or not title or re.search(r"[\\*?:/\[\]]", title):
                raise NotPlain("a sheet openpyxl would rename or refuse")
            state = sheet.get("state", "visible")
            if state not in ("visible", "hidden", "veryHidden"):
                raise NotPlain("a sheet state openpyxl refuses")
            titles.add(title)
            out.append(self._sheet(part, title, state == "visible"))
        return out

    def _sheet(self, part: str, title: str, visible: bool) -> Sheet:
        xml = self.unpacked.get(part)
        if xml is None or b"<f" in xml:  # a cut formula text might hide XML that must stop this reader
            xml = self.archive.read(part)
        scanned = _scan(xml)
        if scanned is None:  # not laid out as Excel, LibreOffice and openpyxl write sheets: the element tree
            return self._parsed_sheet(xml, title, visible)
        cells: dict[tuple[int, int], tuple[object, bool]] = {}
        for at, style, kind, text in scanned[0]:
            value = text if kind == "inlineStr" else self._value(kind, style, text) if text else None
            bold = self.bold[style]  # an unknown style stops openpyxl: NotPlain here
            if value is None:
                cells.pop(at, None)
            else:
                cells[at] = (value, bold)
        return Sheet(title, visible, cells, _merged(cells, scanned[1]))

    def _value(self, kind: str, style: int, text: str) -> object:
        """A cell's value from the text of its <v> (not empty), by its type t="…"."""
        if kind == "n":
            if style in self.dates:
                raise NotPlain("a date cell")
            return _number(text)
        if kind == "s":
            return self.strings[int(text)]
        if kind == "b":
            return bool(int(text))
        if kind == "d":
            raise NotPlain("an ISO date cell")
        return text  # "str" (a formula's text), "e" (an error value such as #N/A): the text as written

    def _parsed_sheet(self, xml: bytes, title: str, visible: bool) -> Sheet:
        """The sheet read through ElementTree: any layout of the XML (the long way `_scan` must agree with)."""
        root = ElementTree.fromstring(xml)
        data = root.find(f"{_NS}sheetData")
        cells: dict[tuple[int, int], tuple[object, bool]] = {}
        for c in data.iter(_C) if data is not None else ():
            at = _address(c.get("r") or "")
            if at is None:
                raise NotPlain("a cell without its address")
            style = int(c.get("s", 0))  # s="" stops openpyxl: NotPlain here
            kind = c.get("t", "n")
            value: object = None
            if kind == "inlineStr":
                inline = c.find(_IS)
                if inline is None:
                    value = None
                elif len(inline) == 1 and inline[0].tag == _T:  # the usual item, as _text reads it
                    value = inline[0].text or ""
                else:
                    value = _text(inline)
            elif text := c.findtext(_V):
                value = self._value(kind, style, text)
            bold = self.bold[style]  # an unknown style stops openpyxl: NotPlain here
            if value is None:
                cells.pop(at, None)  # shows nothing, as an absent cell (a later one wins)
            else:
                cells[at] = (value, bold)
        return Sheet(title, visible, cells, _merged(cells, [merge.get("ref") or "" for merge in root.iter(f"{_NS}mergeCell")]))


def _merged(cells: dict[tuple[int, int], tuple[object, bool]], refs: list[str]) -> list[tuple[int, int, int, int]]:
    """The merged ranges of `refs` as openpyxl orders them; the cells they cover, but their top-left one, taken
    out of `cells`."""
    merged = []
    for ref in refs:
        m = _RANGE.fullmatch(ref)
        if m is None:
            raise NotPlain("a merged range not understood")
        r1, c1 = int(m[2]), _column(m[1])
        r2, c2 = (int(m[4]), _column(m[3])) if m[3] else (r1, c1)
        if r1 > r2 or c1 > c2:
            raise NotPlain("a reversed merged range")
        merged.append((r1, c1, r2, c2))
        # openpyxl keeps the top-left cell of a merged range only (the range or the cells, whichever is fewer)
        inside = ((r, col) for r in range(r1, r2 + 1) for col in range(c1, c2 + 1)) \
            if (r2 - r1 + 1) * (c2 - c1 + 1) <= len(cells) else \
            [(r, col) for r, col in cells if r1 <= r <= r2 and c1 <= col <= c2]
        for at in inside:
            if at != (r1, c1):
                cells.pop(at, None)
    # openpyxl's MultiCellRange keeps the ranges in a set filled from a set of objects hashed as these
    # tuples: filling the same way gives its order (a merged score's error names the same range first)
    return list(set(r for r in set(merged)))
