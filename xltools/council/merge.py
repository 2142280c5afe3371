"""`xltools merge`: every cell from the member who owns it, every conflict a finding, nothing overwritten
in silence.

Three-way, cell by cell, with the values at split time (the manifest's base):
- a member's cell equal to its value at split time is no entry (the member did not type it);
- an entry outside the member's assignment is a finding and is not taken;
- two owners who typed different values: a finding, the master keeps its value;
- the master changed since the split (someone typed there) and the member typed something else: a
  finding, the master keeps its value;
- otherwise the member's value is written, and the provenance sheet says who typed it.
The unit's note, when the split is by field, is shared: each member's note is added to it as
"Member: text", once (a second merge of the same parts adds nothing).

Parts are refused as a whole (exit 2, nothing written) when they cannot be read: a damaged file, a
workbook that is not a part, formulas typed over. A part of another template, year or split, a second
part of the same member and a missing part are findings (exit 1); the other parts are merged.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field as dc_field
from pathlib import Path

from ..celltext import put
from ..core.checks import ERROR, SEVERITY_LABEL, WARNING, Finding
from ..core.names import exact_key
from ..errors import ReadError, UserError
from ..workbook import layout as L
from ..workbook.values import FORMULA
from .cells import (
    APPRAISED,
    KIND_LABEL,
    SCORE_LABEL,
    BookCells,
    Slot,
    as_text,
    cell_value,
    describe,
    formulas_lost,
    load,
    other_scores,
    read_cells,
)
from .manifest import Manifest, Member, describe_template, fingerprint, part_manifest, read_manifest_file, template_of

MERGE_SHEET = "Hợp nhất"
PROVENANCE_SHEET = "Nguồn điểm"
MERGE_HEADER = ["Mức độ", "Mã", "Thành viên", "Tệp", "Đơn vị", "Lĩnh vực", "Ô", "Nội dung"]
PROVENANCE_HEADER = ["Trang", "Ô", "Đơn vị", "Lĩnh vực", "Mã", "Loại", "Giá trị", "Người nhập", "Tệp"]
NO_CONFLICT = "Không có xung đột: mọi ô được lấy từ thành viên được giao."
CONFLICTS = "xung đột cần xử lý"


@dataclass
class CouncilFinding(Finding):
    member: str = ""
    file: str = ""


@dataclass
class Part:
    path: Path
    manifest: Manifest
    cells: BookCells

    @property
    def member(self) -> Member | None:
        return self.manifest.member_named(self.manifest.member)

    @property
    def name(self) -> str:
        return self.manifest.member or ""


@dataclass
class MergePlan:
    writes: list[tuple[str, int, int, object]]  # (sheet, row, column, value) in the master
    sheets: dict[str, list[list]]  # Hợp nhất and Nguồn điểm, whole
    findings: list[CouncilFinding]
    merged: list[Part]
    entered: int  # cells the members typed (and that were taken)
    replaced: list[list] = dc_field(default_factory=list)  # cells that had a value at split time, now the member's
    typed: dict[str, int] = dc_field(default_factory=dict)  # member -> cells typed in their part (taken or not)

    def message(self, out: str) -> str:
        names = ", ".join(f"{p.name} ({p.path.name})" for p in self.merged) or "không phần nào"
        text = (f"Đã hợp nhất {names} vào {out}: {len(self.writes)} ô được ghi, {self.entered} ô do thành viên nhập "
                f"(trang {PROVENANCE_SHEET}).")
        blank = [f"{p.name} ({p.path.name})" for p in self.merged if not self.typed.get(p.name)]
        if blank:
            text += f" Lưu ý: phần của {', '.join(blank)} chưa có ô nào được nhập (còn như lúc chia)."
        if self.findings:
            text += f" Có {len(self.findings)} {CONFLICTS} (trang {MERGE_SHEET}):"
            text += "".join(f"\n  - {f.message}" for f in self.findings)
        else:
            text += " " + NO_CONFLICT
        if self.replaced:
            text += (f"\nCác ô đã có điểm lúc chia, nay lấy điểm thành viên sửa ({len(self.replaced)}, xem trang "
                     f"{MERGE_SHEET}):" + "".join(f"\n  - {r[0]} ({r[1]}, {r[2]}): {r[3]} → {r[4]} ({r[5]})"
                                                 for r in self.replaced))
        return text


# ---------------------------------------------------------------- reading the parts

def load_parts(paths: list[str | Path]) -> tuple[list[Part], Manifest | None, list[str], list[str]]:
    """The parts (a folder stands for the parts its phan_cong.json lists, and for any other workbook in it:
    a part sent again as 'so_noi_vu (1).xlsx'), the folder's manifest if one was given, the expected part files
    that are not there, and what was left aside (one line each: a workbook in the folder that is no part).
    Unusable parts given by name: one ReadError naming each file."""
    parts, problems, expected, absent, strays = [], [], None, [], []
    files: list[Path] = []
    others: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            expected = read_manifest_file(p)
            listed = [p / m.file for m in expected.members]
            files += [f for f in listed if f.is_file()]
            absent += [f.name for f in listed if not f.is_file()]
            others += [f for f in sorted(p.iterdir()) if f not in listed and _maybe_part(f)]
        else:
            files.append(p)
    for path in files:
        try:
            parts.append(load_part(path))
        except ReadError as exc:
            problems.append(str(exc))
    if problems:
        raise ReadError("Chưa hợp nhất gì (bảng tổng hợp giữ nguyên), vì có phần không dùng được:\n"
                        + "\n".join(f"  - {p}" for p in problems))
    for path in others:
        try:
            parts.append(load_part(path))
        except ReadError as exc:
            strays.append(f"{path.parent.name}/{path.name} không được dùng: {exc}")
    return parts, expected, absent, strays


def _maybe_part(path: Path) -> bool:
    """A workbook in a parts folder other than a backup (NAME.bak-TIME.xlsx) or Excel's lock file (~$NAME)."""
    return (path.is_file() and path.suffix.lower() in (".xlsx", ".xlsm") and not path.name.startswith("~$")
            and ".bak" not in path.stem)


def load_part(path: Path) -> Part:
    grids, typed = load(path)
    manifest = part_manifest(grids, path.name)
    if manifest is None or manifest.member_named(manifest.member) is None:
        raise ReadError(f"{path.name}: không phải phần do `xltools split` tạo (không có trang dữ liệu phân công); "
                        "hãy gửi lại đúng tệp đã nhận.")
    try:
        cells = read_cells(path.name, grids, typed)
    except ReadError as exc:
        raise ReadError(f"phần của {manifest.member}: {exc}") from exc
    return Part(path, manifest, cells)


# ---------------------------------------------------------------- the merge

def merge(master: BookCells, parts: list[Part], expected: Manifest | None = None, absent: list[str] | None = None,
          strays: list[str] | None = None) -> MergePlan:
    typed_over = [(part, formulas_lost(master, part.cells)) for part in parts]
    if any(lost for _, lost in typed_over):
        raise ReadError("Chưa hợp nhất gì (bảng tổng hợp giữ nguyên), vì có phần bị gõ đè lên công thức (đã bỏ bảo vệ "
                        "trang tính):\n" + "\n".join(
                            f"  - {part.path.name} (phần của {part.name}): {', '.join(lost[:10])}"
                            + (f" và {len(lost) - 10} ô khác" if len(lost) > 10 else "")
                            + "; hãy yêu cầu thành viên lấy lại tệp đã nhận và nhập lại điểm." for part, lost in typed_over
                            if lost))
    findings: list[CouncilFinding] = []
    mine = template_of(fingerprint(master, master.source))
    reference = expected
    accepted: list[Part] = []
    for part in parts:
        m = part.manifest
        if template_of(m.fingerprint) != mine:
            findings.append(_finding(part, "part-foreign", f"{part.path.name} ({part.name}) là phần của một bảng khác "
                                     f"({describe_template(m.fingerprint)}), không phải của bảng tổng hợp này "
                                     f"({describe_template(fingerprint(master, ''))}); không lấy ô nào từ tệp này."))
            continue
        if reference is None:
            reference = m
        if m.split_id != reference.split_id:
            findings.append(_finding(part, "part-foreign", f"{part.path.name} ({part.name}) thuộc một lần chia khác "
                                     f"(bảng {m.fingerprint['master']}, phân công khác); không lấy ô nào từ tệp này."))
            continue
        if any(p.name == part.name for p in accepted):
            _duplicate(part, accepted, reference, findings)
            continue
        accepted.append(part)
    if not accepted:
        said = [f.message for f in findings] + (strays or []) or ["không có tệp phần nào."]
        raise ReadError("Chưa hợp nhất gì (không ghi tệp nào): không có phần nào của bảng tổng hợp "
                        f"{master.source}:\n" + "\n".join(f"  - {m}" for m in said)
                        + "\nHãy chọn đúng bảng tổng hợp đã chia và thư mục các phần của nó.")
    findings += [CouncilFinding(WARNING, "part-stray", "", "", m) for m in strays or []]
    if reference is not None:
        given = {p.path.name for p in parts} - {p.path.name for p in accepted}
        for member in reference.members:
            if not any(p.name == member.name for p in accepted):
                why = ("không có trong thư mục" if member.file in (absent or []) else
                       "đã đưa vào nhưng không dùng được (xem trên)" if member.file in given else
                       "chưa được đưa vào lệnh hợp nhất")
                findings.append(CouncilFinding(WARNING, "part-missing", "", "",
                                               f"Thiếu phần của {member.name} ({member.file}, "
                                               f"{member.assignment(reference.by)}): tệp {why}; các ô này giữ giá trị "
                                               "của bảng tổng hợp.", "", member.name, member.file))
    candidates: dict[Slot, list[tuple[Part, object]]] = defaultdict(list)
    notes: dict[Slot, list[tuple[Part, str]]] = defaultdict(list)
    counts: dict[str, int] = {}
    for part in accepted:
        skip = _unit_findings(part, reference, findings)
        findings += _other_edits(part, reference, skip)
        _formulas_typed(part, findings)
        counts[part.name] = 0
        for slot, value in _entries(part, reference, skip):
            counts[part.name] += 1
            if reference.shared(slot):
                notes[slot].append((part, value))
            elif reference.owns(part.member, slot, part.cells):
                candidates[slot].append((part, value))
            else:
                field, what = describe(slot, part.cells.section(slot.level).cset)
                findings.append(_finding(part, "outside-assignment",
                                         f"{part.name} đã nhập {part.cells.where(slot)} ({slot.unit}, {field}, {what}) "
                                         f"= {_shown(value)}, ngoài phần được giao ({part.member.assignment(reference.by)});"
                                         " không lấy giá trị này.", slot, part.cells.where(slot)))
    writes, provenance, replaced = [], {}, []
    order = {slot: i for i, slot in enumerate(master.cells)}
    gone: dict[tuple[str, str, str], tuple[Part, list[str]]] = {}  # (level, unit, member) -> the cells dropped
    for slot in sorted(candidates, key=lambda s: order.get(s, len(order))):
        entries = candidates[slot]
        if slot not in master.cells:
            _unit_gone(slot, entries, gone)
            continue
        values = list(dict.fromkeys(v for _, v in entries))
        field, what = describe(slot, master.section(slot.level).cset)
        where = master.where(slot)
        if len(values) > 1:
            typed = "; ".join(f"{p.name} ghi {_shown(v)}" for p, v in entries)
            findings.append(CouncilFinding(ERROR, "double-entry", slot.unit, field,
                                           f"{where} ({slot.unit}, {field}, {what}): {typed}; bảng tổng hợp giữ "
                                           f"{_shown(master.values.get(slot))}, hãy thống nhất rồi nhập tay.", where,
                                           ", ".join(p.name for p, _ in entries),
                                           ", ".join(p.path.name for p, _ in entries)))
            continue
        value, now, before = values[0], master.values.get(slot), reference.base.get(slot)
        if now != value and now != before:
            part = entries[0][0]
            findings.append(_finding(part, "master-changed",
                                     f"{where} ({slot.unit}, {field}, {what}): bảng tổng hợp đã sửa thành {_shown(now)} "
                                     f"sau khi chia (lúc chia là {_shown(before)}), {part.name} ghi {_shown(value)}; giữ "
                                     f"{_shown(now)}, hãy thống nhất rồi nhập tay.", slot, where))
            continue
        if now != value:
            writes.append((*master.cells[slot], cell_value(value)))
        if before is not None:  # listed on every merge of these parts, so a second merge changes nothing
            replaced.append([where, slot.unit, f"{field}, {what}" if field else what, _shown(before), _shown(value),
                             ", ".join(p.name for p, _ in entries)])
        provenance[slot] = ([p.name for p, _ in entries], [p.path.name for p, _ in entries], value)
    for slot in sorted(notes, key=lambda s: order.get(s, len(order))):
        noted = notes[slot]
        if slot not in master.cells:
            _unit_gone(slot, noted, gone)
            continue
        now = str(master.values.get(slot) or "")
        text: str = now
        for part, note in noted:
            piece = f"{part.name}: {note}"
            if piece not in text:
                text = f"{text}; {piece}" if text else piece
        if text != now:
            writes.append((*master.cells[slot], text))
        provenance[slot] = ([p.name for p, _ in noted], [p.path.name for p, _ in noted], text)
    findings += _gone_findings(gone, master, reference)
    sheets = {MERGE_SHEET: _merge_sheet(findings, accepted, provenance, replaced),
              PROVENANCE_SHEET: _provenance_sheet(master, provenance)}
    return MergePlan(writes, sheets, findings, accepted, len(provenance), replaced, counts)


def _duplicate(part: Part, accepted: list[Part], reference: Manifest, findings: list) -> None:
    """A second file of one member (sent again, 'so_noi_vu (1).xlsx'): the one with entries is taken when the
    other has none; two that differ are a finding, the first is taken."""
    i, first = next((i, p) for i, p in enumerate(accepted) if p.name == part.name)
    mine, theirs = dict(_entries(part, reference, set())), dict(_entries(first, reference, set()))
    if mine == theirs:
        findings.append(CouncilFinding(WARNING, "part-duplicate", "", "", f"{part.path.name} và {first.path.name} "
                                       f"đều là phần của {part.name}, giống nhau; lấy {first.path.name}, hãy bỏ tệp "
                                       "thừa.", "", part.name, part.path.name))
    elif not theirs:
        accepted[i] = part
        findings.append(CouncilFinding(WARNING, "part-duplicate", "", "", f"{first.path.name} và {part.path.name} "
                                       f"đều là phần của {part.name}; {first.path.name} chưa có ô nào được nhập, lấy "
                                       f"{part.path.name} ({len(mine)} ô); hãy bỏ tệp thừa.", "", part.name,
                                       part.path.name))
    else:
        differ = sorted(k for k in mine.keys() | theirs.keys() if mine.get(k) != theirs.get(k))
        shown = "; ".join(f"{part.cells.where(k) if k in part.cells.cells else k.unit}: {_shown(theirs.get(k))} / "
                          f"{_shown(mine.get(k))}" for k in differ[:10]) + (f" và {len(differ) - 10} ô khác"
                                                                              if len(differ) > 10 else "")
        findings.append(_finding(part, "part-duplicate", f"{part.path.name}: {part.name} đã có phần {first.path.name}, "
                                 f"hai tệp khác nhau ở {len(differ)} ô ({first.path.name} / {part.path.name}: {shown}); "
                                 f"chỉ lấy {first.path.name}: hãy hỏi thành viên tệp nào đúng, bỏ tệp kia rồi hợp nhất "
                                 "lại."))


def _other_edits(part: Part, reference: Manifest, skip: set[str]) -> list[CouncilFinding]:
    """Tự chấm, ĐT XHH, bonus or penalty a member changed in their part (its protection removed): never taken,
    each named. Parts made before the split recorded these scores are not checked."""
    if reference.inputs is None:
        return []
    now = other_scores(part.cells)
    out = []
    for key in list(now) + [k for k in reference.inputs if k not in now]:
        level, unit_key, item, kind = key
        value, where, name = now.get(key, (None, "", unit_key))
        before = reference.inputs.get(key)
        if unit_key in skip or value == before:
            continue
        section = part.cells.section(level)
        field = describe(Slot(level, name, item, APPRAISED), section.cset)[0] if section and item else ""
        what = f"tiêu chí {item}, " if item and not item.isdigit() else ""
        out.append(CouncilFinding(WARNING, "outside-assignment", name, field,
                                  f"{where} ({name}, {field + ', ' if field else ''}{what}{SCORE_LABEL[kind]}): "
                                  f"{part.name} đã sửa {_shown(before)} → {_shown(value)} trong {part.path.name}; "
                                  "không được nhận vì ngoài phần phân công (thành viên chỉ nhập Thẩm định "
                                  f"{part.member.assignment(reference.by) if part.member else ''}). Nếu cần sửa, hãy "
                                  "sửa trong bảng tổng hợp.", where, part.name, part.path.name))
    return out


def _entries(part: Part, reference: Manifest, skip: set[str]):
    """(slot, value) of every cell the member typed: different from the split's value, or a shared note."""
    for slot in part.cells.cells:
        if exact_key(slot.unit) in skip:
            continue
        value = part.cells.values.get(slot)
        if reference.shared(slot):
            if value:
                yield slot, value
        elif value != reference.base.get(slot):
            yield slot, value


def _unit_findings(part: Part, reference: Manifest, findings: list) -> set[str]:
    """Units added, renamed or removed in a part (its names are locked): one finding each; their cells
    are not taken. Returns the keys of the units to skip."""
    skip = set()
    for section in part.cells.sections:
        level = section.cset.level
        before = reference.units_at_split(level)
        before_keys = {exact_key(u) for u in before}
        now_keys = {exact_key(u) for u in section.units}
        lay = section.section.summary
        for i, name in enumerate(section.units):
            if exact_key(name) in before_keys:
                continue
            skip.add(exact_key(name))
            sheet, row, _ = section.cells[Slot(level, name, "", "note")]
            where = L.where(sheet, lay.name, row)
            old = before[i] if i < len(before) and exact_key(before[i]) not in now_keys else None
            dropped = _row_entries(part, section, name, old, reference)
            if old:
                skip.add(exact_key(old))
                findings.append(_finding(part, "unit-renamed", f"{where}: {part.name} đã đổi tên đơn vị '{old}' thành "
                                         f"'{name}'; không lấy điểm của dòng này, hãy dùng đúng tên như bảng tổng hợp."
                                         + dropped, None, where, unit=old))
            else:
                findings.append(_finding(part, "unit-added", f"{where}: {part.name} đã thêm đơn vị '{name}' không có lúc "
                                         "chia; không lấy điểm của dòng này, hãy thêm đơn vị vào bảng tổng hợp rồi "
                                         "chia lại." + dropped, None, where, unit=name))
        for name in before:
            if exact_key(name) not in now_keys and exact_key(name) not in skip:
                skip.add(exact_key(name))
                findings.append(_finding(part, "unit-removed", f"{part.name} đã xóa đơn vị '{name}' khỏi phần của mình; "
                                         "các ô của đơn vị này giữ giá trị của bảng tổng hợp.", None, "", unit=name))
    return skip


def _row_entries(part: Part, section, name: str, old: str | None, reference: Manifest) -> str:
    """The cells typed for a unit whose row is not taken (renamed or added in the part), to be typed by hand."""
    cells = []
    for slot, value in section.values.items():
        if slot.unit == name and (reference.shared(slot) or
                                  value != reference.base.get(Slot(slot.level, old or name, slot.item, slot.kind))):
            cells.append(f"{part.cells.where(slot)} ({describe(slot, section.cset)[1]}) = {_shown(value)}")
    return f" Các ô đã nhập ở dòng này trong {part.path.name} ({len(cells)}): {'; '.join(cells)}." if cells else ""


def _formulas_typed(part: Part, findings: list) -> None:
    """A formula typed into an input cell: a file saved without its result (not by Excel) holds no value
    to take, so the cell would be dropped unseen."""
    for slot, (sheet, row, col) in part.cells.cells.items():
        rows = part.cells.typed.get(sheet) or []
        mark = rows[row - 1][col - 1] if row <= len(rows) and col <= len(rows[row - 1]) else None
        if mark == FORMULA and part.cells.values.get(slot) in (None, ""):
            section = part.cells.section(slot.level)
            field, what = describe(slot, section.cset) if section else ("", KIND_LABEL[slot.kind])
            findings.append(_finding(part, "formula-typed", f"{part.cells.where(slot)} ({slot.unit}, "
                                     f"{field + ', ' if field else ''}{what}): {part.name} đã gõ một công thức, tệp không "
                                     "lưu kết quả của nó; không lấy ô này, hãy nhập giá trị (số hoặc chữ, không bắt đầu "
                                     "bằng '=') rồi gửi lại.", slot, part.cells.where(slot)))


def _unit_gone(slot: Slot, entries: list, gone: dict) -> None:
    """A unit of the split the master no longer has: every member's cell for it is kept aside, to be listed."""
    for part, value in entries:
        cells = gone.setdefault((slot.level, slot.unit, part.name), (part, []))[1]
        section = part.cells.section(slot.level)
        what = describe(slot, section.cset)[1] if section else KIND_LABEL[slot.kind]
        cells.append(f"{part.cells.where(slot)} ({what}) = {_shown(value)}")


def _gone_findings(gone: dict, master: BookCells, reference: Manifest | None) -> list[CouncilFinding]:
    """One finding per member and unit the master no longer has, listing each cell and value not taken,
    and naming the master's units that were not there at the split (the unit's new name, perhaps)."""
    out = []
    for (level, unit, _), (part, cells) in gone.items():
        section = master.section(level)
        at_split = {exact_key(u) for u in reference.units_at_split(level)} if reference else set()
        new = [u for u in (section.units if section else []) if exact_key(u) not in at_split]
        hint = (f"; bảng tổng hợp có đơn vị không có lúc chia: {', '.join(repr(u) for u in new)}, nếu đó là tên mới "
                "thì nhập các điểm này vào dòng của nó" if new else "")
        out.append(_finding(part, "unit-not-in-master",
                            f"Bảng tổng hợp không còn đơn vị '{unit}' (có lúc chia; đã bị đổi tên hoặc xóa sau khi "
                            f"chia): {len(cells)} ô {part.name} đã nhập cho đơn vị này trong {part.path.name} không được "
                            f"ghi vào bảng tổng hợp: {'; '.join(cells)}. Hãy nhập tay các điểm này{hint}.", None, "", unit=unit))
    return out


def _finding(part: Part, code: str, message: str, slot: Slot | None = None, where: str = "",
             unit: str = "") -> CouncilFinding:
    field = ""
    if slot is not None:
        section = part.cells.section(slot.level)
        field = describe(slot, section.cset)[0] if section else ""
        unit = slot.unit
    return CouncilFinding(ERROR, code, unit, field, message, where, part.name, part.path.name)


def _shown(value) -> str:
    if value is None or value == "":
        return "(trống)"
    return as_text(value).replace(".", ",") if not isinstance(value, str) else f"'{value}'"


# ---------------------------------------------------------------- the two sheets

def _merge_sheet(findings: list[CouncilFinding], merged: list[Part], provenance: dict, replaced: list) -> list[list]:
    rows: list[list] = [["KẾT QUẢ HỢP NHẤT CÁC PHẦN THẨM ĐỊNH"], MERGE_HEADER]
    rows += [[SEVERITY_LABEL[f.severity], f.code, f.member, f.file, f.unit, f.field, f.where, f.message]
             for f in findings]
    if not findings:
        rows.append([None] * 7 + [NO_CONFLICT])
    rows += [[], ["Phần đã hợp nhất", None, "Thành viên", "Tệp", "Số ô đã nhập"]]
    for part in merged:
        count = sum(1 for names, _, _ in provenance.values() if part.name in names)
        rows.append([None, None, part.name, part.path.name, count])
    if replaced:
        rows += [[], ["Ô đã có điểm lúc chia, nay lấy điểm thành viên sửa"],
                 ["Ô", "Đơn vị", "Nội dung", "Lúc chia", "Thành viên ghi", "Thành viên"], *replaced]
    return _tidy(rows, len(MERGE_HEADER))


def _provenance_sheet(master: BookCells, provenance: dict) -> list[list]:
    """Who typed each cell: this merge's entries, and the earlier merges' for the cells not typed now."""
    def key(sheet, unit, code, kind_label):
        return (sheet, exact_key(unit), code, kind_label)

    rows: dict[tuple, list] = {}
    for old in (master.grids.get(PROVENANCE_SHEET) or [])[2:]:
        old = list(old) + [None] * (len(PROVENANCE_HEADER) - len(old))
        if old[0] and old[2]:
            rows[key(old[0], str(old[2]), str(old[4] or ""), old[5])] = old[:len(PROVENANCE_HEADER)]
    placed = {}
    for slot, (sheet, _, _) in master.cells.items():
        k = key(sheet, slot.unit, slot.item, KIND_LABEL[slot.kind])
        if slot in provenance:
            names, files, value = provenance[slot]
            field = describe(slot, master.section(slot.level).cset)[0]
            rows[k] = [sheet, None, slot.unit, field or None, slot.item or None, KIND_LABEL[slot.kind],
                       cell_value(value), ", ".join(names), ", ".join(files)]
        if k in rows:
            rows[k][1] = master.where(slot)  # where the cell is now (the master may have been re-sorted)
            placed[k] = rows.pop(k)
    body = list(placed.values()) + list(rows.values())
    return _tidy([["NGUỒN ĐIỂM: AI ĐÃ NHẬP TỪNG Ô (theo các lần hợp nhất)"], PROVENANCE_HEADER] + body,
                 len(PROVENANCE_HEADER))


def _tidy(rows: list[list], width: int) -> list[list]:
    """Rows of one width; an empty text is None (a cell cannot hold '' apart from empty)."""
    return [[None if v == "" else v for v in row] + [None] * (width - len(row)) for row in rows]


def holds(grids: dict[str, list[list]], name: str, rows: list[list]) -> bool:
    """The sheet exists and holds exactly `rows` from A1 (nothing else)."""
    if name not in grids:
        return False
    def trim(table):
        out = [list(r) for r in table]
        for r in out:
            while r and r[-1] is None:
                r.pop()
        while out and not out[-1]:
            out.pop()
        return out
    return trim(grids[name]) == trim(rows)


def changes(plan: MergePlan, master: BookCells) -> bool:
    return bool(plan.writes) or not all(holds(master.grids, n, rows) for n, rows in plan.sheets.items())


# ---------------------------------------------------------------- files (the CLI); the macro uses a Book

def merge_files(master, parts: list, out) -> tuple[MergePlan, Path | None]:
    """Merge the parts into a copy of `master` written to `out` (atomic, the old `out` kept as a backup).
    Returns the plan and the file written (None when `out` is the master and nothing changes)."""
    from ..files import locked
    from ..importers.office import open_excel
    from ..workbook import builder
    from .cells import read_file

    master, out = Path(master), Path(out)
    if out.suffix.lower() not in (".xlsx", ".xlsm"):
        raise UserError(f"Tệp kết quả hợp nhất phải có đuôi .xlsx (đang là '{out.name}'); hãy ghi -o TÊN.xlsx.")
    with locked(master):  # another command on the master waits (merging into the master itself, say)
        book = read_file(master)
        plan = merge(book, *load_parts(parts))
        if out.exists() and out.resolve() == master.resolve() and not changes(plan, book):
            return plan, None
        wb = open_excel(master, keep_vba=master.suffix.lower() == out.suffix.lower() == ".xlsm")
        apply_to_workbook(wb, plan)
        return plan, builder.save(wb, out)  # atomic, the old `out` kept as a backup


def apply_to_workbook(wb, plan: MergePlan) -> None:
    for sheet, row, col, value in plan.writes:
        put(wb[sheet].cell(row=row, column=col), value)  # a name beginning with '=' stays a name
    for name, rows in plan.sheets.items():
        if name in wb.sheetnames:
            ws = wb[name]
            for line in ws.iter_rows():
                for cell in line:
                    cell.value = None
        else:
            ws = wb.create_sheet(name)
            widths = {MERGE_SHEET: (10, 18, 16, 18, 28, 28, 18, 90), PROVENANCE_SHEET: (16, 18, 30, 30, 8, 18, 10, 20, 20)}
            for i, width in enumerate(widths[name], start=1):
                ws.column_dimensions[L.col_letter(i)].width = width
        for r, line in enumerate(rows, start=1):
            for c, value in enumerate(line, start=1):
                if value is not None:
                    put(ws.cell(row=r, column=c), value)
