"""A criteria table (bộ tiêu chí) as provinces publish it, read into a criteria set's data.

The table has a code column (STT, Mã: '1', '1.2', '1.2.3'; or fields as 'I', 'II' with criteria
'1', '2' under each, and sub-criteria 'a)', 'b)'), a name column (Lĩnh vực / Tiêu chí / Tiêu chí
thành phần), a maximum (Điểm tối đa, Điểm chuẩn) and a way to tell survey-assessed criteria: a
column (Phương thức đánh giá, ĐT XHH: a mark or a number) or the words 'điều tra xã hội học' in the
row. Columns are found by the 'criteria' words of xltools/data/headers.yaml, in .txt, .docx, .xlsx.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field as dc_field
from decimal import Decimal
from pathlib import Path

from ..core.names import fold, tidy
from ..core.numbers import NumberError, clean, parse_score
from ..errors import ReadError
from .text_tables import is_column_numbers
from .vocabulary import accepted, role_of

_ROMAN = re.compile(r"^([IVXLC]+)[.)]?$")
_DOTTED = re.compile(r"^(\d+(?:\.\d+)*)[.)]?$")
_LETTER = re.compile(r"^([a-zđ])[.)]$|^([a-zđ])$")
_CODE_IN_NAME = re.compile(r"^(\d+(?:\.\d+)*|[IVXLC]+)[.)]\s+(.+)$")
_SURVEY_WORDS = ("dieu tra xa hoi hoc", "xhh", "dieu tra xhh", "dt xhh")
_MARKS = ("x", "v", "co", "\u2713", "\u2714", "*")
ACRONYMS = {"cchc", "tthc", "ubnd", "hđnd", "xhh", "cqđt", "cqs", "qppl", "vbqppl", "kt-xh", "cntt", "đvhc", "cqcm",
            "ttđt", "iso", "par", "index"}


_EXCEL_NUMBER = re.compile(r"^\d+,\d+$")


class Numbering:
    """The codes of a criteria tree (1, 1.1, 1.1.1) from the numbers a table prints in its STT column, row by row:
    '1', '1.2' as they are; fields numbered 'I', 'II' with '1', '2' under each (-> '1.1', '1.2'); 'a)', 'b)' under
    the last numbered row. The criteria set (`set new`) and the self-assessment forms read alike, so a form numbered
    I / 1 / a) meets the set made from a table numbered the same way."""

    def __init__(self):
        self.fields = 0
        self.roman = False
        self.numbered: str | None = None  # the last numbered row: the parent of 'a)', 'b)'
        self.letters: dict[str, int] = {}

    def code(self, raw: str) -> str | None:
        """The row's code, or None for a number not understood."""
        if _EXCEL_NUMBER.match(raw):  # 1.1 typed in Excel is the number 1,1 (shown with the Vietnamese comma)
            raw = raw.replace(",", ".")
        if _ROMAN.match(raw) and (self.roman or not self.fields):
            self.roman = True
            self.fields += 1
            self.numbered = str(self.fields)
            return self.numbered
        m = _DOTTED.match(raw)
        if m:
            code = f"{self.fields}.{m.group(1)}" if self.roman else m.group(1)
            if "." not in code:
                self.fields += 1
            self.numbered = code
            return code
        if _LETTER.match(raw.lower()) and self.numbered is not None:
            self.letters[self.numbered] = self.letters.get(self.numbered, 0) + 1
            return f"{self.numbered}.{self.letters[self.numbered]}"
        return None


def criterion_codes(raws: list[str]) -> list[str]:
    """Each row's code as a set writes it (a blank stays blank, a number not understood stays as printed)."""
    numbering = Numbering()
    return [(numbering.code(raw) or raw) if raw else "" for raw in raws]


@dataclass
class Node:
    code: str
    name: str
    max: Decimal | None
    survey: bool
    where: str
    children: list[Node] = dc_field(default_factory=list)

    def leaves(self):
        if not self.children:
            yield self
        for c in self.children:
            yield from c.leaves()


@dataclass
class CriteriaTable:
    title: str  # the text above the table (for province, level, years)
    fields: list[Node]
    total: Decimal | None  # a printed Tổng cộng row
    source: str


# ---------------------------------------------------------------- rows of any format

def raw_tables(path: Path) -> list[tuple[str, list[tuple[str, list[str]]]]]:
    """(container, [(where, cells)]) of each table-like block of a file; lines of one cell are titles."""
    suffix = path.suffix.lower()
    if suffix in (".txt", ".md", ".tsv"):
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise ReadError(f"{path.name}: không phải tệp văn bản UTF-8; hãy lưu lại với mã UTF-8.") from exc
        rows = [(f"dòng {n}", [c.strip() for c in line.split("\t")]) for n, line in enumerate(text.splitlines(), 1)]
        return [("", rows)]
    from .excel_grids import excel_grids
    from .word_grids import word_grids

    if suffix == ".docx":
        grids = word_grids(path)
    elif suffix in (".xlsx", ".xlsm"):
        grids = excel_grids(path)
    else:
        raise ReadError(f"{path.name}: chưa đọc được loại tệp '{path.suffix}'; bảng tiêu chí cần là .docx, .xlsx "
                        "hoặc .txt.")
    out = []
    for g in grids:
        before = [(g.container, [line]) for line in g.before.split("\n\n") if line]
        rows = [(f"{g.container}, dòng {n}" if n else g.container, cells) for n, cells in g.rows]
        out.append((g.container, before + rows))
    return out


def _header(rows: list[tuple[str, list[str]]]) -> tuple[int, int, dict[str, int]] | None:
    """(first row of the header, first row after it, roles): the header row (or two rows: a group over its
    sub-columns, 'Điểm' over 'Tối đa' | 'Điều tra XHH') holding a name and a maximum column."""
    for i, (_, cells) in enumerate(rows):
        below = rows[i + 1][1] if i + 1 < len(rows) else []
        one, two = _roles(cells), _roles(_combined(cells, below))
        if _complete(one) and _complete(two) and _sub_header(cells, below):
            return i, i + 2, two
        if _complete(one):
            return i, i + 1, one
        if _complete(two) and not _complete(_roles(below)):  # else the header starts below (a title above it)
            return i, i + 2, two
    return None


def _roles(labels: list[str]) -> dict[str, int]:
    """The first column of each role the labels name."""
    roles: dict[str, int] = {}
    for col, label in enumerate(labels):
        role = role_of(label, "criteria")
        if role and role not in roles:
            roles[role] = col
    return roles


def _complete(roles: dict[str, int]) -> bool:
    return "name" in roles and "max" in roles


def _sub_header(top: list[str], below: list[str]) -> bool:
    """The row below a header row is the second row of the header: no number in it, and each cell blank, the one
    above it (a cell merged down) or a label of its own (the sub-columns of a group merged across)."""
    own = [clean(b) for a, b in zip(top, below) if clean(b) and clean(b) != clean(a)]
    return bool(own) and not any(re.search(r"\d", b) for b in own)


def _combined(top: list[str], below: list[str]) -> list[str]:
    n = max(len(top), len(below))
    top, below = top + [""] * (n - len(top)), below + [""] * (n - len(below))
    out, group = [], ""
    for a, b in zip(top, below):
        group = clean(a) or (group if clean(b) else "")
        out.append(clean(b) if role_of(clean(b), "criteria") else f"{group} {clean(b)}".strip())
    return out


def read_criteria(path: str | Path) -> CriteriaTable:
    path = Path(path)
    if not path.exists():
        raise ReadError(f"Không tìm thấy tệp '{path}'; hãy kiểm tra đường dẫn.")
    for _container, rows in raw_tables(path):
        found = _header(rows)
        if found is None:
            continue
        head, start, roles = found
        title = "\n".join(clean(" ".join(c for c in cells if c)) for _, cells in rows[: head])
        fields, total = _tree(rows[start:], roles, path.name)
        if fields:
            return CriteriaTable(title, fields, total, path.name)
    raise ReadError(f"{path.name}: không thấy bảng tiêu chí: cần một dòng tiêu đề có cột tên tiêu chí "
                    f"({accepted(('name',), 'criteria')}) và cột điểm tối đa ({accepted(('max',), 'criteria')}); "
                    f"cột mã/STT ({accepted(('stt',), 'criteria')}) và cột đánh dấu tiêu chí điều tra XHH "
                    f"({accepted(('survey',), 'criteria')}) nếu có.")


# ---------------------------------------------------------------- rows -> tree

def _cell(cells: list[str], roles: dict[str, int], role: str) -> str:
    i = roles.get(role)
    return clean(cells[i]) if i is not None and i < len(cells) else ""


def _number(text: str, where: str) -> Decimal | None:
    try:
        return parse_score(text)
    except NumberError as exc:
        raise ReadError(f"{where}: điểm tối đa {exc}") from exc


def _is_survey(cells: list[str], roles: dict[str, int], name: str) -> bool:
    mark = _cell(cells, roles, "survey")
    texts = [fold(t) for t in (mark, name, _cell(cells, roles, "reason"))]
    if any(w in t for t in texts for w in _SURVEY_WORDS):
        return True
    if fold(mark) in _MARKS:
        return True
    try:
        value = parse_score(mark)
    except NumberError:
        return False
    return value is not None and value > 0


def sentence_case(name: str) -> str:
    """'CÔNG TÁC CHỈ ĐẠO, ĐIỀU HÀNH CCHC' -> 'Công tác chỉ đạo, điều hành CCHC' (acronyms kept)."""
    if not name.isupper():
        return name
    words = [w if w.lower().strip(",.;:()") in ACRONYMS else w.lower() for w in name.split()]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


def _tree(rows, roles: dict[str, int], source: str) -> tuple[list[Node], Decimal | None]:
    fields: list[Node] = []
    stack: list[Node] = []  # the current path from a field down
    numbering = Numbering()
    seen: dict[str, str] = {}  # code -> the row that has it
    total = None
    for where, cells in rows:
        filled = [clean(c) for c in cells if clean(c)]
        if all(re.fullmatch(r"-+", c) for c in filled) or is_column_numbers(filled):
            continue
        if len(filled) < 2:
            if stack and len(filled) == 1 and len(cells) > 1:  # a wrapped name continues the row above
                stack[-1].name = tidy(f"{stack[-1].name} {clean(filled[0])}")
            continue
        raw = _cell(cells, roles, "stt")
        name = tidy(_cell(cells, roles, "name"))
        if not raw:
            m = _CODE_IN_NAME.match(name)
            if m:
                raw, name = m.group(1), m.group(2)
        limit = _number(_cell(cells, roles, "max"), f"{source}, {where}")
        if not raw:
            if fold(name).startswith(("tong", "cong")):
                total = limit
            elif stack and limit is None:
                stack[-1].name = tidy(f"{stack[-1].name} {name}")
            continue
        node = Node("", sentence_case(name), limit, _is_survey(cells, roles, name), f"{source}, {where}")
        code = numbering.code(raw)
        if code is None:
            raise ReadError(f"{source}, {where}: không đọc được mã tiêu chí '{raw}'; dùng 1, 1.1, 1.1.1 (hoặc I, II "
                            "cho lĩnh vực, a), b) cho tiêu chí thành phần).")
        if code in seen:
            excel = (" Mã gõ trong Excel là số: Excel lưu 1.10 thành 1,1 (trùng với 1.1); hãy định dạng cột mã là Văn "
                     "bản (Text) rồi gõ lại mã.") if _EXCEL_NUMBER.match(raw) else ""
            raise ReadError(f"{source}, {where}: mã tiêu chí '{code}' trùng với mã ở {seen[code]}; mỗi tiêu chí một mã."
                            + excel)
        seen[code] = where
        node.code = code
        if "." not in code:
            fields.append(node)
            stack = [node]
            continue
        parent = next((n for n in reversed(stack) if n.code == code.rsplit(".", 1)[0]), None)
        if parent is None:
            raise ReadError(f"{source}, {where}: tiêu chí '{raw}' không có tiêu chí cha "
                            f"'{code.rsplit('.', 1)[0]}' ở phía trên; hãy kiểm tra mã tiêu chí.")
        parent.children.append(node)
        stack = stack[: stack.index(parent) + 1] + [node]
    return fields, total
