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
                if kind == "n":
                    if style in self.dates:
                        raise NotPlain("a date cell")
                    value = _number(text)
                elif kind == "s":
                    value = self.strings[int(text)]
                elif kind == "b":
                    value = bool(int(text))
                elif kind == "d":
                    raise NotPlain("an ISO date cell")
                else:  # "str" (a formula's text), "e" (an error value such as #N/A): the text as written
                    value = text
            bold = self.bold[style]  # an unknown style stops openpyxl: NotPlain here
            if value is None:
                cells.pop(at, None)  # shows nothing, as an absent cell (a later one wins)
            else:
                cells[at] = (value, bold)
        merged = []
        for merge in root.iter(f"{_NS}mergeCell"):
            m = _RANGE.fullmatch(merge.get("ref") or "")
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
        return Sheet(title, visible, cells, list(set(r for r in set(merged))))
