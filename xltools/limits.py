"""How much of a spreadsheet the toolkit reads, checked before any reader (openpyxl, another engine) loads it.

A .xlsx file is a ZIP of XML parts: a file of a few kilobytes can declare a sheet of A1:XFD1048576, hold a
cell at its far corner, or unpack to gigabytes. `check_xlsx` streams the parts once, without loading
them, and refuses (LimitError, in Vietnamese, naming the file, the sheet and the limit) a file beyond
the limits below; otherwise it gives each sheet's used range (the last row and column that hold a
value), which the readers read instead of the range the file declares. It also names what a file
really is when it is not an Excel workbook (an OpenDocument file renamed, a file with XML entity
declarations such as a "billion laughs" bomb).
"""
from __future__ import annotations

import itertools
import os
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from .errors import UserError

MAX_ROWS = 100_000  # rows holding data, per sheet (a 600-unit criteria detail is about 50 000)
MAX_COLUMNS = 1_000  # columns holding data, per sheet (a summary sheet has fewer than 100)
MAX_CELLS = 2_000_000  # cells in the file, formatted blanks included (each costs memory once loaded)
MAX_MERGED = 100_000  # merged ranges per sheet
MAX_CELL_TEXT = 32_767  # characters in one cell: Excel's own limit
MAX_PART_BYTES = 200 * 1024 * 1024  # one XML part, unpacked (read whole once checked)

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


class LimitError(UserError, ValueError):
    """A file beyond what the toolkit reads, or not the kind of file its name says; the message says what to do."""


@dataclass(frozen=True)
class Extent:
    """The used range of a sheet: the last row and column holding a value (0, 0 for an empty sheet), and
    its merged ranges ("C6:C7")."""

    rows: int
    columns: int
    merged: tuple[str, ...] = ()


def vn(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


# ---------------------------------------------------------------- the package

def check_package(path: Path, kind: str = "Excel", save_as: str = ".xlsx") -> zipfile.ZipFile:
    """The open ZIP of an Office file, after the checks every reader needs: an OpenDocument file renamed,
    XML entity declarations (Office never writes them; they are how "billion laughs" bombs work), parts
    that unpack beyond MAX_PART_BYTES. The caller closes it."""
    archive = zipfile.ZipFile(path)  # BadZipFile: the caller names a damaged package
    try:
        names = set(archive.namelist())
        if "mimetype" in names and "[Content_Types].xml" not in names:
            mimetype = archive.read("mimetype")[:100].decode("ascii", "replace")
            if "opendocument" in mimetype:
                what = "bảng tính OpenDocument (.ods)" if "spreadsheet" in mimetype else "tệp OpenDocument (.odt/.ods)"
                raise LimitError(f"{path.name}: đây là {what} của LibreOffice/OpenOffice bị đổi đuôi thành "
                                 f"'{path.suffix}'; hãy mở tệp bằng LibreOffice và chọn Lưu thành (Save As) kiểu "
                                 f"{kind} {save_as}.")
        for info in archive.infolist():
            if not info.filename.endswith((".xml", ".rels")):
                continue
            if info.file_size > MAX_PART_BYTES:
                raise LimitError(f"{path.name}: phần '{info.filename}' của tệp giải nén ra {vn(info.file_size // 2**20)} MB, "
                                 f"vượt giới hạn {vn(MAX_PART_BYTES // 2**20)} MB mà xltools đọc; tệp bình thường nhỏ hơn "
                                 "nhiều. Hãy mở bằng Excel, xóa các dòng, cột thừa rồi lưu lại, hoặc xin lại tệp gốc.")
            with archive.open(info) as part:
                head = part.read(2048)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise LimitError(f"{path.name}: phần '{info.filename}' chứa khai báo DOCTYPE/ENTITY, điều mà {kind} không "
                                 "bao giờ ghi ra; tệp đã bị sửa bằng công cụ khác, có thể để gây hại (bom XML làm treo "
                                 "máy). xltools không đọc tệp này; hãy xin lại tệp gốc từ người gửi.")
    except BaseException:
        archive.close()
        raise
    return archive


# ---------------------------------------------------------------- sheets

_cache: dict[tuple, dict[str, Extent]] = {}
_last_parts: dict[tuple, dict[str, bytes]] = {}  # the file checked last: its sheet parts, formula texts cut


def _file_key(path: Path) -> tuple:
    stat = path.stat()
    return str(path.resolve()), stat.st_size, stat.st_mtime_ns


def check_xlsx(path: str | os.PathLike) -> dict[str, Extent]:
    """Each sheet's used range, by sheet name; LimitError for a file beyond the limits. The result of a
    file is remembered while the file is unchanged (a command reads some files twice)."""
    path = Path(path)
    key = _file_key(path)
    if key not in _cache:
        with check_package(path) as archive:
            if len(_cache) > 16:
                _cache.clear()
            parts, extents = {}, {}
            for name, part in _sheet_parts(archive):
                parts[part] = cut_formula_texts(archive.read(part))
                extents[name] = scan_sheet(parts[part], path.name, name)
            _check_shared_strings(archive, path.name)
            _cache[key] = extents
        _last_parts.clear()
        _last_parts[key] = parts
    return _cache[key]


def checked_sheet_parts(path: str | os.PathLike) -> dict[str, bytes]:
    """{part name: XML, formula texts cut} of the sheets of `path` when it is the file check_xlsx read last
    and it is unchanged (the reader then unpacks nothing twice); else {}."""
    return _last_parts.get(_file_key(Path(path)), {})


def _sheet_parts(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, part name) of every worksheet, from xl/workbook.xml and its relationships."""
    try:
        workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError):
        return []  # not a workbook as Excel writes it: the reader says what is wrong
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_PKG_REL}Relationship")}
    parts = []
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"), "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        if part in archive.NameToInfo:
            parts.append((sheet.get("name", ""), part))
    return parts


def _is_number(text: str) -> bool:
    """What a number cell may hold, as openpyxl reads it (a float when it has '.', 'e' or 'E', else an int):
    'NaN' or 'inf' would stop openpyxl with no cell named."""
    try:
        (float if any(ch in text for ch in ".eE") else int)(text)
    except ValueError:
        return False
    return "n" not in text.lower()  # 'nan.0', 'inf.5' (float() takes 'nan' and 'inf' in any case)


def _too_much_text(source: str, where: str, length: int) -> LimitError:
    return LimitError(f"{source}: {where} chứa {vn(length)} ký tự, vượt giới hạn {vn(MAX_CELL_TEXT)} ký tự một ô (giới hạn "
                      "của chính Excel); tệp đã bị tạo bằng công cụ khác. Hãy rút gọn nội dung ô đó, hoặc xin lại tệp gốc.")


# One pass of regular expressions over a part's bytes: ten times faster than an XML parser, which matters
# because every file is checked before it is read. Namespace prefixes (<x:c>) are allowed, as Excel allows.
# A cell's content is written "unrolled" (runs of [^<], then a '<' that does not close the cell): the same
# match as the lazy (.*?)</c>, five times faster on the long formulas of a summary sheet.
_TOKEN = re.compile(rb"<(?:\w+:)?(row)\b([^>]*)>"
                    rb"|<(?:\w+:)?c\b((?: r=\"([A-Z]{1,3})([0-9]+)\")?([^>]*?))"
                    rb"(?:/>|>([^<]*(?:<(?!/(?:\w+:)?c>)[^<]*)*)</(?:\w+:)?c>)"
                    rb"|<(?:\w+:)?(mergeCell)\b[^>]*?\bref=\"([^\"]*)\"")
_PLAIN_NUMBER = re.compile(rb"-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")  # a number every reader takes
_ATTR_R = re.compile(rb"\br=\"([^\"]*)\"")
_ATTR_T = re.compile(rb"\bt=\"([^\"]*)\"")
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
_TAGS = re.compile(rb"<[^>]*>")
_SHARED = re.compile(rb"<(?:\w+:)?si\b[^>]*>(.*?)</(?:\w+:)?si>", re.S)


def _area(ref: str) -> int:
    """Cells in a range 'A1:C3' (1 for a single cell or a reference not understood)."""
    corners = [_REF.match(part) for part in ref.split(":")]
    if len(corners) != 2 or not all(corners):
        return 1
    (c1, r1), (c2, r2) = ((_column_number(m[1]), int(m[2])) for m in corners)
    return (abs(c2 - c1) + 1) * (abs(r2 - r1) + 1)


def _text_length(content: bytes) -> int:
    """The characters a cell's or shared string's XML shows (entities counted once)."""
    from html import unescape

    return len(unescape(_TAGS.sub(b"", content).decode("utf-8", "replace")))


_TEXT_AFTER_TAG = re.compile(rb"(?:^|>)\s*[^\s<]")


def _shows_text(content: bytes) -> bool:
    """Whether a cell's content has anything but blanks outside its tags (<v>7</v>, a formula's text)."""
    # the search finds a character right after a tag's end (or at the start) that begins no tag: such a
    # character is outside every tag; only when there is none are the tags taken out (<v></v>, '<' alone)
    return _TEXT_AFTER_TAG.search(content) is not None or bool(_TAGS.sub(b"", content).strip())


def _not_a_number(attrs: bytes, content: bytes) -> bytes | None:
    """The value of a number cell (no type, or t="n") that is not a number."""
    t = _ATTR_T.search(attrs) if b"t=" in attrs else None
    if not t or t[1] == b"n":
        value = _VALUE.search(content)
        if value and value[1] and not _PLAIN_NUMBER.fullmatch(value[1]) \
                and not _is_number(value[1].decode("ascii", "replace")):
            return value[1]
    return None


def too_many_merged(source: str, sheet: str) -> LimitError:
    return LimitError(f"{source}: trang '{sheet}' có quá nhiều ô gộp (merge: hơn {vn(MAX_MERGED)} vùng, hoặc các vùng "
                      f"gộp phủ hơn {vn(MAX_CELLS)} ô), vượt giới hạn mà xltools đọc; hãy bỏ gộp ô (Unmerge) ở các vùng "
                      "thừa rồi lưu lại.")


def too_many_cells(source: str) -> LimitError:
    return LimitError(f"{source}: tệp có hơn {vn(MAX_CELLS)} ô (kể cả ô trống đã định dạng), vượt giới hạn mà xltools "
                      "đọc; hãy xóa các dòng, cột thừa (chọn rồi Delete) và lưu lại, hoặc tách bảng thành nhiều tệp.")


def beyond_rows(source: str, sheet: str, row: int) -> LimitError:
    return LimitError(f"{source}: trang '{sheet}' có dữ liệu tới dòng {vn(row)}, vượt giới hạn {vn(MAX_ROWS)} dòng một "
                      "trang mà xltools đọc. Nếu đó là ô gõ nhầm ở cuối trang, hãy xóa các dòng thừa (Ctrl+End cho biết "
                      "ô cuối cùng) rồi lưu lại.")


def beyond_columns(source: str, sheet: str, col: int) -> LimitError:
    return LimitError(f"{source}: trang '{sheet}' có dữ liệu tới cột thứ {vn(col)}, vượt giới hạn {vn(MAX_COLUMNS)} cột "
                      "một trang mà xltools đọc. Nếu đó là ô gõ nhầm ở bên phải, hãy xóa các cột thừa (Ctrl+End cho "
                      "biết ô cuối cùng) rồi lưu lại.")


def scan_sheet(xml: bytes, source: str, sheet: str) -> Extent:
    """The used range of one sheet from its XML part (at most MAX_PART_BYTES, checked by check_package),
    and the limits checked on the way."""
    extent = _scan_plain(xml)
    return extent if extent is not None else _scan_tokens(xml, source, sheet)


def _scan_tokens(xml: bytes, source: str, sheet: str) -> Extent:
    """scan_sheet for any part: token by token, the first cell beyond a limit named."""
    last_row = last_col = cells = 0
    row_number = col_number = 0
    merged: list[str] = []
    columns: dict[str | bytes, int] = {}
    facts: dict[tuple[bytes, bytes], bytes | bool] = {}  # what a content says: a bad number, or whether it shows
    # findall gives plain tuples (no match objects): most tokens are blank cells and cost one test each
    for row_tag, row_attrs, cell_attrs, letters, digits, more_attrs, content, merge_tag, merge in _TOKEN.findall(xml):
        if row_tag:
            r = _ATTR_R.search(row_attrs)
            row_number = int(r[1]) if r and r[1].isdigit() else row_number + 1
            col_number = 0
            continue
        if merge_tag:
            merged.append(merge.decode("ascii", "replace"))
            cells += _area(merged[-1])  # openpyxl makes an object for every cell a merge covers
            if len(merged) > MAX_MERGED or cells > MAX_CELLS:
                raise too_many_merged(source, sheet)
            continue
        cells += 1
        if cells > MAX_CELLS:
            raise too_many_cells(source)
        if not content:  # a formatted blank (most cells of a template): no value, no position needed
            col_number += 1
            continue
        if letters:  # the usual <c r="B7" ...>, read by the token itself
            attrs, ref = more_attrs, None
            row = int(digits)
            col = columns.get(letters) or columns.setdefault(letters, _column_number(letters.decode()))
        else:
            attrs = cell_attrs
            r = _ATTR_R.search(attrs)
            found = _REF.match(r[1].decode("ascii", "replace")) if r else None
            ref = (found[1], found[2]) if found else None
            if ref:
                row = int(ref[1])
                col = columns.get(ref[0]) or columns.setdefault(ref[0], _column_number(ref[0]))
            else:
                row, col = row_number, col_number + 1
        col_number = col
        if len(content) > MAX_CELL_TEXT and _text_length(content) > MAX_CELL_TEXT:
            where = _where(sheet, (letters.decode(), digits.decode()) if letters else ref, row)
            raise _too_much_text(source, where, _text_length(content))
        fact = facts.get((attrs, content))  # the same few contents recur: numbers, an empty <v></v>
        if fact is None:
            fact = facts[attrs, content] = _not_a_number(attrs, content) or _shows_text(content)
        if fact.__class__ is bytes:
            raise LimitError(f"{source}: {_where(sheet, (letters.decode(), digits.decode()) if letters else ref, row)} là "
                             f"ô số nhưng ghi '{fact[:40].decode('utf-8', 'replace')}', không phải là số (Excel không ghi "
                             "như vậy; tệp đã bị sửa bằng công cụ khác). Hãy mở tệp, nhập lại ô đó rồi lưu, hoặc xin "
                             "lại tệp gốc.")
        if not fact:
            continue  # <v></v>: no value
        if row > MAX_ROWS:
            raise beyond_rows(source, sheet, row)
        if col > MAX_COLUMNS:
            raise beyond_columns(source, sheet, col)
        if row > last_row:
            last_row = row
        if col > last_col:
            last_col = col
    return Extent(last_row, last_col, tuple(merged))


# The usual part (every cell <c r="B7" ...>, no namespace prefix, within the limits) is scanned in bulk, in C:
# one split at the cells' start tags, then one look at each distinct rest of a cell (its other attributes,
# its content and what follows it up to the next cell: a few thousand in a 3 000-row sheet, where the loop
# above handles 100 000 tokens). Its answer is the loop's, or None (unsure, or a limit is reached: the loop
# then runs and names the first cell beyond it). Why the tokens are then the loop's: every "<c" that begins
# a tag begins one of the split's cells; no cell's attributes or content hold a "<c", a "<mergeCell" or an
# unclosed content; no row tag and no merge holds a "<"; so no token of the loop swallows another's start.
_CELL_START = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,9})"')
_OTHER_C = re.compile(rb"<c\w")  # "<col", "<cfRule": not a cell
_PREFIXED_TAG = re.compile(rb"<\w+:(?:row|c|mergeCell)\b|</\w+:c\b")
_ROW_SWALLOWS = re.compile(rb"<row\b[^>]*<")
_MERGE_START = re.compile(rb"<mergeCell\b")
_PLAIN_MERGE = re.compile(rb'<mergeCell\b[^<>]*?\bref="([^"<>]*)"')
# the rest of a cell holding a plain number, or a formula whose text was cut: it shows, whatever its type
_USUAL_SHOWN = re.compile(rb'[^<>]*(?<!/)>(?:<v>-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?</v>|<f>=</f><v></v>)</c>')
_SHOWN, _HIDDEN = 1, 0  # a cell whose content shows something / has a content that shows nothing


def _scan_plain(xml: bytes) -> Extent | None:
    """scan_sheet's answer for the usual part, computed in bulk; None when the loop must decide."""
    if (b":c" in xml or b":row" in xml or b":mergeCell" in xml) and _PREFIXED_TAG.search(xml) \
            or _ROW_SWALLOWS.search(xml):
        return None
    found = _CELL_START.split(xml)  # [before, letters, digits, rest of the cell, letters, digits, rest, ...]
    count = len(found) // 3
    if count != xml.count(b"<c") - len(_OTHER_C.findall(xml)):
        return None  # a cell start tag of another form
    merged = [ref.decode("ascii", "replace") for ref in _PLAIN_MERGE.findall(xml)]
    if len(merged) != len(_MERGE_START.findall(xml)) or len(merged) > MAX_MERGED \
            or count + sum(map(_area, merged)) > MAX_CELLS:
        return None
    rests = found[3::3]
    distinct = set(rests)
    kinds = dict.fromkeys(filter(_USUAL_SHOWN.match, distinct), _SHOWN)  # a number, a formula cut
    for rest in distinct.difference(kinds):
        kind = kinds[rest] = _kind(rest)
        if kind is None:
            return None
    shown = list(map(kinds.__getitem__, rests))
    try:
        last_row = max(map(int, set(itertools.compress(found[2::3], shown))), default=0)
    except ValueError:
        return None
    last_col = max(map(_column_number_bytes, set(itertools.compress(found[1::3], shown))), default=0)
    if last_row > MAX_ROWS or last_col > MAX_COLUMNS:
        return None
    return Extent(last_row, last_col, tuple(merged))


def _kind(rest: bytes) -> int | None:
    """_SHOWN or _HIDDEN (a blank cell too) for the rest of a cell after its r="..." (its other attributes,
    its content, what follows it up to the next cell); None for a cell the loop must see."""
    end = rest.find(b">")
    if end < 0 or b"<" in rest[:end]:
        return None
    if rest[end - 1:end] == b"/":  # <c r="B7" s="3"/>
        return _HIDDEN
    close = rest.find(b"</c>", end)
    if close < 0:
        return None  # the loop's content runs on into the next cells
    content = rest[end + 1:close]
    if not content:
        return _HIDDEN
    if len(content) > MAX_CELL_TEXT or b"<mergeCell" in content:
        return None
    fact = _not_a_number(rest[:end], content) or _shows_text(content)
    return None if fact.__class__ is bytes else _SHOWN if fact else _HIDDEN


def _column_number_bytes(letters: bytes) -> int:
    return _column_number(letters.decode())


# ---------------------------------------------------------------- formula texts

_BLANK = b" \t\n\r\x0b\x0c"
_NOT_REFERENCE_MARK = bytes(b for b in range(256) if b not in b"&;<")


def cut_formula_texts(xml: bytes) -> bytes:
    """A sheet part with the text of its formulas (<c ...><f ...>TEXT</f>, how Excel and LibreOffice write
    one) cut to "=". No reader needs a formula's text, only to know the cell holds one, and on a summary
    sheet the texts are most of the part (9 KB a row): the limits scan, the formula scan and calamine (which
    skips a text token by token) read the cut part several times faster, with the same answers. So a text
    is cut only where that is sure:
    - the part is UTF-8 and every "&" in it is closed by ";" before another "&" or "<" (calamine's XML
      parser refuses a part otherwise, and must still refuse it);
    - the <f> is the first child of a cell's start tag, before any mergeCell (whose ref="..." a damaged part
      could stretch over it); its text has no "<" or ">" and starts with no blank (the cell still shows
      something; no tag changes);
    - the cell, from the last </c> before the formula to the next one, is within MAX_CELL_TEXT bytes (a
      cell the text-length limit refuses keeps all its text);
    - no cell start tag is inside a <v> or an <is>, whose text calamine gathers, tags inside and all
      (else nothing is cut)."""
    if b"<f" not in xml:  # no formula (a form of typed values): a quick test spares the search below
        return xml
    stop = xml.find(b"mergeCell")
    found = _formula_texts(xml, len(xml) if stop < 0 else stop)
    first = next(found, None)
    if first is None or not _plain_references(xml):
        return xml
    find, rfind = xml.find, xml.rfind
    pieces: list[bytes] = []
    kept = 0
    for text in itertools.chain((first,), found):
        end = find(b"<", text)
        if end > text and xml[text] not in _BLANK and xml.startswith(b"</f>", end) and find(b">", text, end) < 0:
            before, after = rfind(b"</c>", 0, text), find(b"</c>", end)
            if (after if after >= 0 else len(xml)) - (before + 4 if before >= 0 else 0) <= MAX_CELL_TEXT:
                pieces += (xml[kept:text], b"=")
                kept = end
    if not pieces:
        return xml
    pieces.append(xml[kept:])
    cut = b"".join(pieces)
    if _TAG_IN_VALUE.search(cut) or _CELL_IN_STRING.search(cut) or _PREFIXED_TEXT.search(cut):
        return xml  # a cell inside a <v> or an <is>; a prefixed <x:v> or <x:is>, not looked into
    return cut


# a formula that may be cut: <f ...>, the first child of a cell's start tag; its text follows the match
_FORMULA = re.compile(rb"<c [^<>]*[^/<>]><f(?: [^<>]*[^/<>])?>")


def _formula_texts(xml: bytes, limit: int) -> Iterator[int]:
    """Where the text of each formula that may be cut begins: the end of each match of _FORMULA in
    xml[:limit], in order, found by bytes.find (a regular expression walks the 27 MB of formula text of a
    national summary sheet byte by byte; find skips it). A match holds one "><f", where the cell's start
    tag ends; the tag begins at the last "<" before it (no "<" inside a tag); so matches never overlap."""
    find, rfind = xml.find, xml.rfind
    at = find(b"><f", 0, limit)
    while at >= 0:
        after = xml[at + 3:at + 4]
        if after == b">":
            text = at + 4
        elif after == b" ":  # <f t="shared" ...>: attributes, no "<", not ending in "/"
            text = find(b">", at + 4, limit) + 1
            if text <= at + 5 or xml[text - 2] == 47 or find(b"<", at + 4, text) >= 0:  # 47: "/"
                text = -1
        else:
            text = -1
        if 0 < text <= limit:
            start = rfind(b"<", 0, at)  # the cell's start tag: "<c ", something, not ending in "/"
            if start >= 0 and xml.startswith(b"<c ", start) and at > start + 3 and xml[at - 1] != 47 \
                    and find(b">", start + 3, at) < 0:
                yield text
        at = find(b"><f", at + 1, limit)
# a <v> with a tag inside; a cell start tag inside an <is> (unless another <is> starts first, which keeps
# the search linear: the last <is> before such a cell is found instead)
_TAG_IN_VALUE = re.compile(rb"<v\b[^<]*<(?!/v>)")
_CELL_IN_STRING = re.compile(rb"<is\b[^<]*(?:<(?!/is>|is\b|c\b)[^<]*)*<c\b")
_PREFIXED_TEXT = re.compile(rb":(?:v|is)[\s>]")


def _plain_references(xml: bytes) -> bool:
    """Whether the part is UTF-8 and its references (&amp;, &#7842;) are all closed: what calamine's XML
    parser checks in every text, a formula's too."""
    head = xml[:200].lower()
    if b"encoding=" in head and b"utf-8" not in head:
        return False
    if not xml.isascii():
        try:
            xml.decode("utf-8")
        except UnicodeDecodeError:
            return False
    marks = xml.translate(None, _NOT_REFERENCE_MARK)  # only the "&", ";" and "<" of the part, in order
    return b"&&" not in marks and b"&<" not in marks and not marks.endswith(b"&")


def _where(sheet: str, ref: tuple[str, str] | None, row: int) -> str:
    return f"trang '{sheet}', ô {ref[0].upper()}{ref[1]}" if ref else f"trang '{sheet}', dòng {row}"


def _check_shared_strings(archive: zipfile.ZipFile, source: str) -> None:
    if "xl/sharedStrings.xml" not in archive.NameToInfo:
        return
    for m in _SHARED.finditer(archive.read("xl/sharedStrings.xml")):
        if len(m[1]) > MAX_CELL_TEXT and (length := _text_length(m[1])) > MAX_CELL_TEXT:
            raise _too_much_text(source, "một ô chữ", length)
