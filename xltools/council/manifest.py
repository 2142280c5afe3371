"""Who owns what: the assignment of a split, the master's fingerprint, and the values at split time.

The manifest travels twice: in every part (a hidden sheet, so a part is self-contained: merge needs
nothing else) and as FOLDER/phan_cong.json next to the parts (so merge knows which parts to expect).
The values at split time make the merge three-way: a cell a member left as it was is not an entry;
a cell the master changed after the split is never overwritten without a finding.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field as dc_field
from decimal import Decimal
from pathlib import Path

from ..core.names import NameIndex, exact_key, fold
from ..errors import ReadError, UserError
from ..workbook import layout as L
from .cells import NOTE, BookCells, ScoreKey, Slot, as_text, field_index, from_text

FORMAT = "xltools-council/1"
SHEET = "Phân công"  # visible: who this part belongs to, and the whole assignment
DATA_SHEET = "Phân công (dữ liệu)"  # very hidden: the manifest as JSON, in chunks down column A
MANIFEST_FILE = "phan_cong.json"
CHUNK = 8000  # characters per cell (Excel's limit is 32 767)
BY_LABEL = {"field": "lĩnh vực", "unit": "đơn vị"}


class AssignmentError(UserError, ValueError):
    """The --assign text cannot be understood (Vietnamese message)."""


@dataclass
class Member:
    name: str
    file: str  # the part's file name: ASCII slug of the name
    fields: list[int] = dc_field(default_factory=list)  # 1-based field numbers (split by field)
    units: list[str] = dc_field(default_factory=list)  # unit names (split by unit)

    def assignment(self, by: str) -> str:
        if by == "field":
            return "lĩnh vực " + ", ".join(str(n) for n in self.fields)
        return "đơn vị " + "; ".join(self.units)


@dataclass
class Manifest:
    by: str  # "field" or "unit"
    members: list[Member]
    fingerprint: dict  # the master: layout version, file, and per section its sheet, set, year and units
    base: dict[Slot, object]  # every non-empty typed cell of the master at split time
    member: str | None = None  # in a part: whose part it is
    inputs: dict[ScoreKey, Decimal] | None = None  # the other scores at split time (cells.other_scores); None:
    # a part made before they were recorded

    @property
    def split_id(self) -> str:
        """Identifies one split: parts of two different splits are never merged together."""
        text = json.dumps([self.by, [m.__dict__ for m in self.members], self.fingerprint], ensure_ascii=False,
                          sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def member_named(self, name: str | None) -> Member | None:
        return next((m for m in self.members if m.name == name), None)

    def owns(self, member: Member, slot: Slot, book: BookCells) -> bool:
        """A member's cells: by unit, every cell of their units; by field, the cells of their fields and
        the unit's note (shared by everyone, see merge.py)."""
        if self.by == "unit":
            return exact_key(slot.unit) in {exact_key(u) for u in member.units}
        if not slot.item and slot.kind == NOTE:
            return True
        section = book.section(slot.level)
        k = field_index(slot, section.cset) if section else None
        return k is not None and k + 1 in member.fields

    def shared(self, slot: Slot) -> bool:
        """The unit's note when splitting by field: every member writes their reasons there."""
        return self.by == "field" and not slot.item and slot.kind == NOTE

    def units_at_split(self, level: str) -> list[str]:
        section = next((s for s in self.fingerprint["sections"] if s["level"] == level), None)
        return section["units"] if section else []

    # ------------------------------------------------------------ JSON

    def to_json(self) -> str:
        data = {"format": FORMAT, "by": self.by, "member": self.member,
                "members": [m.__dict__ for m in self.members], "fingerprint": self.fingerprint,
                "base": [[*slot.as_list(), as_text(value)] for slot, value in sorted(self.base.items())]}
        if self.inputs is not None:
            data["inputs"] = [[*key, as_text(value)] for key, value in sorted(self.inputs.items())]
        return json.dumps(data, ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str, source: str) -> Manifest:
        try:
            data = json.loads(text)
            if data.get("format") != FORMAT:
                raise ValueError(f"định dạng {data.get('format')!r}")
            base = {Slot(*row[:4]): from_text(row[3], row[4]) for row in data["base"]}
            inputs = {tuple(row[:4]): Decimal(row[4]) for row in data["inputs"]} if "inputs" in data else None
            return cls(data["by"], [Member(**m) for m in data["members"]], data["fingerprint"], base,
                       data.get("member"), inputs)
        except (ValueError, KeyError, TypeError, IndexError, ArithmeticError) as exc:
            raise ReadError(f"{source}: dữ liệu phân công bị hỏng ({exc}); hãy dùng lại tệp do `xltools split` tạo.") \
                from exc


def fingerprint(book: BookCells, master_name: str) -> dict:
    return {"layout": L.LAYOUT_VERSION, "master": master_name,
            "sections": [{"sheet": s.section.summary.sheet, "level": s.cset.level, "set": s.cset.id, "year": s.year,
                          "units": list(s.units)} for s in book.sections]}


def template_of(fp: dict) -> list[tuple]:
    return [(fp.get("layout"), s["set"], s["year"]) for s in fp["sections"]]


def describe_template(fp: dict) -> str:
    return "; ".join(f"bộ {s['set']}" + (f" năm {s['year']}" if s["year"] else "") for s in fp["sections"])


def part_manifest(grids: dict[str, list[list]], source: str) -> Manifest | None:
    """The manifest in a part's hidden sheet; None when the workbook is not a part."""
    rows = grids.get(DATA_SHEET)
    if rows is None:
        return None
    text = "".join(str(row[0]) for row in rows if row and row[0] is not None)
    return Manifest.from_json(text, source)


def chunks(text: str) -> list[str]:
    return [text[i:i + CHUNK] for i in range(0, len(text), CHUNK)] or [""]


def read_manifest_file(folder: Path) -> Manifest:
    path = folder / MANIFEST_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ReadError(f"Thư mục {folder} không có tệp {MANIFEST_FILE} (do `xltools split` tạo); hãy ghi tên từng "
                        "tệp phần thay cho thư mục.") from exc
    return Manifest.from_json(text, path.name)


# ---------------------------------------------------------------- --assign "NAME=…; NAME=…"

def slug(name: str) -> str:
    """ASCII file name of a member: 'Sở Tư pháp' -> 'so_tu_phap'."""
    return re.sub(r"[^0-9a-z]+", "_", fold(name)).strip("_") or "thanh_vien"


def assignment_from_sheet(grids: dict[str, list[list]]) -> str | None:
    """The assignment the office typed on the workbook's own "Phân công" sheet (column A the member, column
    B the fields or units), as --assign text; None without such a sheet."""
    rows = grids.get(SHEET)
    if rows is None:
        return None
    pairs = [(str(r[0]).strip(), str(r[1]).strip()) for r in rows if len(r) > 1 and r[0] and r[1] is not None]
    return "; ".join(f"{a}={_listing(b)}" for a, b in pairs if a.casefold() not in ("thành viên", "phần của"))


def _listing(value: str) -> str:
    """A number typed in Excel reads back as 2.0; a list of fields is text ('1, 3-5')."""
    return value[:-2] if value.endswith(".0") and value[:-2].isdigit() else value


def parse_assignment(text: str, by: str, book: BookCells) -> list[Member]:
    """'Tư pháp=2; Tài chính=Cải cách tài chính công; Nội vụ=1,3-5,7' (fields by number or name), or by
    unit 'Tổ 1=Sở Y tế, Sở Tài chính; Tổ 2=…' (names as on the summary sheet)."""
    members: list[Member] = []
    for part in [p.strip() for p in re.split(r"[;\n]", text or "") if p.strip()]:
        if "=" not in part:
            raise AssignmentError(f"Phân công '{part}' thiếu dấu '=': hãy viết TÊN=danh sách, ví dụ "
                                  + ("\"Tư pháp=2; Tài chính=6\"." if by == "field" else "\"Tổ 1=Sở Y tế, Sở Xây dựng\"."))
        name, items = (s.strip() for s in part.split("=", 1))
        if not name or not items:
            raise AssignmentError(f"Phân công '{part}': thiếu tên thành viên hoặc danh sách được giao.")
        member = Member(name, slug(name) + ".xlsx")
        if by == "field":
            member.fields = _fields(items, book, name)
        else:
            member.units = _units(items, book, name)
        members.append(member)
    if not members:
        raise AssignmentError("Chưa có phân công: hãy ghi --assign \"TÊN=lĩnh vực; TÊN=lĩnh vực\", ví dụ "
                              "--assign \"Tư pháp=2; Tài chính=6; Nội vụ=1,3,4,5,7\".")
    files = [m.file for m in members]
    for f in files:
        if files.count(f) > 1:
            same = [m.name for m in members if m.file == f]
            raise AssignmentError(f"Các thành viên {' và '.join(same)} trùng tên tệp {f}; hãy đặt tên khác nhau.")
    return members


def _fields(items: str, book: BookCells, member: str) -> list[int]:
    fields = book.sections[0].cset.fields
    count = max(len(s.cset.fields) for s in book.sections)
    numbers: list[int] = []
    for item in [i.strip() for i in items.split(",") if i.strip()]:
        if re.fullmatch(r"\d+\s*-\s*\d+", item):
            a, b = (int(x) for x in item.split("-"))
            found = list(range(a, b + 1))
        elif item.isdigit():
            found = [int(item)]
        else:
            found = [i + 1 for s in book.sections for i, f in enumerate(s.cset.fields)
                     if fold(item) in (fold(f.name), fold(f.short or f.name)) or fold(item) == fold(f.code)]
            if not found:  # a part of the name, when it names one field only
                found = sorted({i + 1 for s in book.sections for i, f in enumerate(s.cset.fields)
                                if fold(item) in fold(f.name)})
                if len(found) != 1:
                    found = []
        bad = [n for n in found if not 1 <= n <= count]
        if not found or bad:
            listing = "; ".join(f"{i + 1}. {f.name}" for i, f in enumerate(fields))
            raise AssignmentError(f"Phân công của {member}: không hiểu lĩnh vực '{item}'. Các lĩnh vực của bộ "
                                  f"{book.sections[0].cset.id}: {listing}.")
        numbers += [n for n in found if n not in numbers]
    return sorted(numbers)


def _units(items: str, book: BookCells, member: str) -> list[str]:
    """Unit names may hold commas ('Sở Văn hóa, Thể thao và Du lịch'): pieces are joined back while they
    make a known name."""
    known = NameIndex([u for s in book.sections for u in s.units])
    pieces = [p.strip() for p in items.split(",")]
    out, i = [], 0
    while i < len(pieces):
        for j in range(len(pieces), i, -1):
            name = known.one(", ".join(pieces[i:j]))
            if name:
                out.append(name)
                i = j
                break
        else:
            several = known.find(pieces[i])
            if len(several) > 1:
                raise AssignmentError(f"Phân công của {member}: '{pieces[i]}' có thể là {', '.join(several)}; hãy ghi "
                                      "đủ tên như cột TÊN ĐƠN VỊ.")
            raise AssignmentError(f"Phân công của {member}: không có đơn vị '{pieces[i]}' trên bảng tổng hợp; hãy ghi "
                                  "tên như cột TÊN ĐƠN VỊ.")
    return out
