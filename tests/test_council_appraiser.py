"""The council commands as a new appraiser uses them: their own set (Tuyên Quang, communes only, 2025,
criteria detail with survey leaves), their own list of communes, members who rename, re-send, type outside
their part, and files that are not what they seem. Nothing typed may vanish without a line saying so."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from xltools.cli import main
from xltools.council.cells import APPRAISED, NOTE, Slot, read_file
from xltools.council.merge import MERGE_SHEET, PROVENANCE_SHEET

SET = Path(__file__).parent / "data" / "council_tuyenquang_2025_xa.yaml"
UNITS = ["Xã Lũng Cú", "Phường Hà Giang 1", "Xã Đồng Văn", "Xã Mèo Vạc", "Phường Minh Xuân", "Xã Yên Sơn"]
ASSIGN = "Sở Tư pháp=2; Sở Tài chính=Cải cách tài chính công; Sở Nội vụ=1,3-4; Sở KH&CN=chính quyền số"
FILES = {"so_tu_phap.xlsx": ["2.1", "2.2"], "so_tai_chinh.xlsx": ["5.1"], "so_noi_vu.xlsx": ["1.1", "1.2", "3.1", "4.1"],
         "so_kh_cn.xlsx": ["6.1", "6.2"]}
SELF = {"1.1": 6, "1.2": 5, "2.1": 10, "2.2": 10.5, "3.1": 9, "4.1": 8, "4.2": 5, "5.1": 10, "6.1": 15, "6.2": 7}


def typed(path: Path, cells: dict[tuple[str, str], object], column: str = "appraised") -> None:
    """Type into the detail sheet of `path`: {(unit, criterion): value}, in the Thẩm định column or (column
    "self", sheet protection removed first, as a member who wants to) in Tự chấm."""
    book = read_file(path)
    wb = load_workbook(path)
    for (unit, code), value in cells.items():
        sheet, row, col = book.cells[Slot("xa", unit, code, APPRAISED)]
        if column == "self":
            wb[sheet].protection.sheet = False
            col = book.sections[0].section.detail.self_col
        wb[sheet].cell(row=row, column=col).value = value
    wb.save(path)


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """The office's workbook (Tự chấm typed, Thẩm định blank) and its split among four members, who then
    type their criteria: made once, tests work on copies."""
    root = tmp_path_factory.mktemp("tq")
    names = root / "donvi.txt"
    names.write_text("\n".join(UNITS) + "\n", encoding="utf-8")
    master = root / "so_2025.xlsx"
    assert main(["template", "--set", str(SET), "--units", str(names), "-o", str(master)]) == 0
    typed(master, {(u, code): v for u in UNITS for code, v in SELF.items()}, "self")
    assert main(["split", str(master), "--assign", ASSIGN, "-o", str(root / "pc")]) == 0
    shutil.copytree(root / "pc", root / "blank")  # the parts as the members received them
    for file, codes in FILES.items():
        typed(root / "pc" / file, {(u, code): SELF[code] - (i % 3) for i, u in enumerate(UNITS) for code in codes})
    return master, root / "pc"


@pytest.fixture
def master(made, tmp_path):
    return Path(shutil.copy(made[0], tmp_path / made[0].name))


@pytest.fixture
def parts(made, tmp_path):
    return Path(shutil.copytree(made[1], tmp_path / "pc"))


def run(capsys, *args) -> tuple[int, str]:
    capsys.readouterr()
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out + out.err


# ------------------------------------------------------------------ a unit renamed in the master

def renamed(path: Path, old: str, new: str) -> None:
    """The unit's name changed on every sheet (protection removed)."""
    wb = load_workbook(path)
    for ws in wb.worksheets:
        ws.protection.sheet = False
        for line in ws.iter_rows():
            for cell in line:
                if cell.value == old:
                    cell.value = new
    wb.save(path)


def test_a_unit_renamed_in_the_master_lists_every_members_cells(master, parts, tmp_path, capsys):
    renamed(master, "Xã Đồng Văn", "Xã Đồng Văn mới")
    code, out = run(capsys, "merge", master, parts, "-o", tmp_path / "m.xlsx")
    assert code == 1
    part_cells = read_file(parts / "so_noi_vu.xlsx")
    for file, codes in FILES.items():
        member = {"so_tu_phap.xlsx": "Sở Tư pháp", "so_tai_chinh.xlsx": "Sở Tài chính", "so_noi_vu.xlsx": "Sở Nội vụ",
                  "so_kh_cn.xlsx": "Sở KH&CN"}[file]
        line = next(line for line in out.splitlines() if f"{len(codes)} ô {member} đã nhập" in line)
        assert "'Xã Đồng Văn'" in line and file in line and "'Xã Đồng Văn mới'" in line
        for code in codes:
            assert f"tiêu chí {code}, Thẩm định" in line
    where = part_cells.where(Slot("xa", "Xã Đồng Văn", "3.1", APPRAISED))
    assert f"{where} (tiêu chí 3.1, Thẩm định) = 7" in out  # the third unit: 9 - 2


# ------------------------------------------------------------------ files that are not what they seem

def _phu_luc(path: Path) -> Path:
    """An appendix as `publish` writes it: a table, no Cấu hình sheet."""
    wb = Workbook()
    wb.active.title = "Phụ lục I"
    wb.active.append(["STT", "TÊN ĐƠN VỊ", "Tổng cộng"])
    wb.active.append([1, "Xã Lũng Cú", 92.5])
    wb.save(path)
    return path


def test_files_that_are_no_appraisal_workbook_are_named_in_vietnamese(master, parts, tmp_path, capsys):
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(master.read_bytes()[: master.stat().st_size // 2])  # a download cut short
    docx = tmp_path / "bien_ban.docx"
    shutil.copy(master, docx)  # a zip all the same
    old = tmp_path / "so_2024.xls"
    old.write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 600)
    appendix = _phu_luc(tmp_path / "so_2025_phu_luc.xlsx")
    broken = "cut.xlsx: tệp Excel bị hỏng hoặc không trọn vẹn"
    for args, expected in [(["merge", cut, parts, "-o", tmp_path / "m.xlsx"], broken),
                           (["merge", master, cut, "-o", tmp_path / "m.xlsx"], broken),
                           (["split", cut, "--assign", "A=1", "-o", tmp_path / "p"], broken),
                           (["diff", cut, master], broken),
                           (["diff", master, docx], "bien_ban.docx: không phải bảng tính Excel .xlsx hoặc .xlsm"),
                           (["diff", old, master], "lưu lại dạng .xlsx"),
                           (["diff", master, appendix], "so_2025_phu_luc.xlsx: không phải bảng tính thẩm định do "
                                                        "xltools tạo (không có trang 'Cấu hình'")]:
        code, out = run(capsys, *args)
        assert code == 2 and expected in out, (args, out)
        assert "BadZipFile" not in out and "CalamineError" not in out and "nhắc tới" not in out
    assert not (tmp_path / "m.xlsx").exists() and not (tmp_path / "p").exists()


# ------------------------------------------------------------------ the macros, run from the file's folder

def test_the_council_macros_take_a_path_relative_to_the_current_folder(master, monkeypatch, capsys):
    monkeypatch.chdir(master.parent)
    code, out = run(capsys, "macro", "chia-phan", master.name, "--assign", ASSIGN)
    assert code == 0 and (master.parent / "so_2025_phan_cong" / "so_noi_vu.xlsx").is_file(), out
    typed(master.parent / "so_2025_phan_cong" / "so_tu_phap.xlsx", {("Xã Yên Sơn", "2.1"): 8})
    code, out = run(capsys, "macro", "hop-nhat", f"./{master.name}")
    assert code == 0 and "Hãy lưu" not in out, out
    assert read_file(master).values[Slot("xa", "Xã Yên Sơn", "2.1", APPRAISED)] == 8
    code, out = run(capsys, "macro", "xuat-phu-luc", master.name)  # a draft: most scores are still blank
    assert "Hãy lưu" not in out and (master.parent / "so_2025_phu_luc.xlsx").is_file(), out


def test_a_workbook_never_saved_is_still_refused(master):
    """Excel's new "Book1" has no folder: the parts would have nowhere to go."""
    from xltools.excel.macros import MacroError, merge_parts, split_parts

    class Unsaved:
        path, name = Path("Book1"), "Book1"

    for macro in (split_parts, merge_parts):
        with pytest.raises(MacroError, match="Hãy lưu Book1 vào một thư mục"):
            macro(Unsaved(), None)  # type: ignore[arg-type]


# ------------------------------------------------------------------ making the workbook again to add units

def _noted(path: Path, notes: dict[str, str]) -> None:
    """A member types the unit's Ghi chú thẩm định on the summary of their part."""
    book = read_file(path)
    wb = load_workbook(path)
    for unit, text in notes.items():
        sheet, row, col = book.cells[Slot("xa", unit, "", NOTE)]
        wb[sheet].cell(row=row, column=col).value = text
        wb[sheet].cell(row=row, column=col).data_type = "s"
    wb.save(path)


@pytest.fixture
def merged(master, parts, tmp_path, capsys):
    """The council's merged workbook: notes on the summary, the Hợp nhất and Nguồn điểm sheets."""
    _noted(parts / "so_kh_cn.xlsx", {"Xã Lũng Cú": "6.1: chưa tích hợp Cổng DVC, trừ 1 điểm",
                                     "Xã Đồng Văn": "-3,25 điểm 6.1: tỷ lệ hồ sơ trực tuyến thấp"})
    _noted(parts / "so_noi_vu.xlsx", {"Xã Mèo Vạc": "=1+1 là chữ, không phải công thức"})
    out = tmp_path / "so_2025_hop_nhat.xlsx"
    code, text = run(capsys, "merge", master, parts, "-o", out)
    assert code == 0, text
    return out


def test_making_the_workbook_again_keeps_the_notes_and_the_merge_history(merged, tmp_path, capsys):
    again = tmp_path / "so_2025_them_don_vi.xlsx"
    code, out = run(capsys, "template", "--set", SET, "--units", merged, "--with-appraised", "--spare-rows", 10,
                    "-o", again)
    assert code == 0 and "CẢNH BÁO" not in out, out
    assert "ghi chú thẩm định của 3 đơn vị" in out and "Hợp nhất, Nguồn điểm" in out
    before, after = read_file(merged), read_file(again)
    notes = {s.unit: v for s, v in before.values.items() if s.kind == NOTE and not s.item}
    assert notes == {s.unit: v for s, v in after.values.items() if s.kind == NOTE and not s.item}
    assert notes["Xã Mèo Vạc"] == "Sở Nội vụ: =1+1 là chữ, không phải công thức"
    assert before.values == after.values
    for sheet in (MERGE_SHEET, PROVENANCE_SHEET):
        assert after.grids[sheet] == before.grids[sheet]
    code, out = run(capsys, "diff", merged, again)
    assert code == 0 and "Hai phiên bản có cùng điểm số." in out, out


def test_without_the_appraised_scores_what_is_not_carried_is_listed(merged, tmp_path, capsys):
    fresh = tmp_path / "so_2026.xlsx"
    code, out = run(capsys, "template", "--set", SET, "--units", merged, "-o", fresh)
    assert code == 0
    typed_cells = sum(len(codes) for codes in FILES.values()) * len(UNITS)
    assert (f"CẢNH BÁO: so_2026.xlsx chưa có mọi thứ của so_2025_hop_nhat.xlsx:\n  - {typed_cells} ô Thẩm định và 3 "
            "ghi chú thẩm định, giải trình không được chép (thêm --with-appraised để chép).") in out
    assert "trang 'Hợp nhất' không được chép." in out and "trang 'Nguồn điểm' không được chép." in out


def test_diff_reports_notes_and_sheets_that_differ(merged, master, capsys):
    import json

    code, out = run(capsys, "diff", merged, master, "--json")
    data = json.loads(out)
    assert code == 0 and data["changes"]  # the scores typed by the council
    notes = {(n["unit"], n["kind_label"], n["old"], n["new"]) for n in data["notes_changed"]}
    assert ("Xã Lũng Cú", "Ghi chú thẩm định", "Sở KH&CN: 6.1: chưa tích hợp Cổng DVC, trừ 1 điểm", "") in notes
    assert len(notes) == 3 and data["sheets_removed"] == [MERGE_SHEET, PROVENANCE_SHEET]
    # the same scores, other notes: never "the same"
    only_notes = master.parent / "notes_only.xlsx"
    shutil.copy(merged, only_notes)
    _noted(only_notes, {"Xã Yên Sơn": "ghi chú mới"})
    code, out = run(capsys, "diff", merged, only_notes)
    assert "Xã Yên Sơn – Ghi chú thẩm định: (trống) → 'ghi chú mới'" in out
    assert "Hai phiên bản có cùng điểm số, nhưng khác nhau ở ghi chú" in out


# ------------------------------------------------------------------ parts sent twice, parts of another workbook

def test_a_part_sent_again_under_another_name_is_seen(made, parts, master, tmp_path, capsys):
    """The member's typed part comes back as 'so_noi_vu (1).xlsx'; the blank one received is still there."""
    (parts / "so_noi_vu.xlsx").rename(parts / "so_noi_vu (1).xlsx")
    shutil.copy(made[0].parent / "blank" / "so_noi_vu.xlsx", parts / "so_noi_vu.xlsx")
    out = tmp_path / "m.xlsx"
    code, text = run(capsys, "merge", master, parts, "-o", out)
    assert code == 1 and "Không có xung đột" not in text
    assert ("so_noi_vu.xlsx và so_noi_vu (1).xlsx đều là phần của Sở Nội vụ; so_noi_vu.xlsx chưa có ô nào được "
            "nhập, lấy so_noi_vu (1).xlsx (24 ô)") in text
    assert read_file(out).values[Slot("xa", "Xã Yên Sơn", "3.1", APPRAISED)] == 7  # Nội vụ's scores are in
    # both typed, differently: the first is taken, the difference is an error naming the cells
    typed(parts / "so_noi_vu.xlsx", {("Xã Yên Sơn", "3.1"): 8})
    code, text = run(capsys, "merge", master, parts, "-o", out)
    assert code == 1 and "hai tệp khác nhau ở 24 ô" in text and "(trống) / 7" in text


def test_a_members_part_with_nothing_typed_is_named(made, parts, master, tmp_path, capsys):
    shutil.copy(made[0].parent / "blank" / "so_tai_chinh.xlsx", parts / "so_tai_chinh.xlsx")
    code, text = run(capsys, "merge", master, parts, "-o", tmp_path / "m.xlsx")
    assert code == 0 and "Lưu ý: phần của Sở Tài chính (so_tai_chinh.xlsx) chưa có ô nào được nhập" in text
    import json

    code, text = run(capsys, "merge", master, parts, "-o", tmp_path / "m.xlsx", "--json")
    typed_cells = {p["member"]: p["cells_typed"] for p in json.loads(text)["parts"]}
    assert typed_cells == {"Sở Tư pháp": 12, "Sở Tài chính": 0, "Sở Nội vụ": 24, "Sở KH&CN": 12}


@pytest.mark.parametrize("sheet_cell, value, said", [
    (("Chi tiết Xã", "self", ("Xã Lũng Cú", "6.1")), 10, "(Xã Lũng Cú, Xây dựng chính quyền số, tiêu chí 6.1, "
                                                         "Tự chấm): Sở KH&CN đã sửa 15 → 10 trong so_kh_cn.xlsx"),
    (("ĐT XHH Xã", "survey", ("Xã Lũng Cú", "6")), 1, "(Xã Lũng Cú, Xây dựng chính quyền số, ĐT XHH): Sở KH&CN "
                                                       "đã sửa (trống) → 1 trong so_kh_cn.xlsx")], ids=["self", "survey"])
def test_a_member_who_changes_tu_cham_or_dt_xhh_is_named(master, parts, tmp_path, capsys, sheet_cell, value, said):
    part = parts / "so_kh_cn.xlsx"
    _, kind, (unit, item) = sheet_cell
    if kind == "self":
        typed(part, {(unit, item): value}, "self")
    else:
        book = read_file(part)
        table = book.tables[0][0]
        where = next(u for u in table.units if u.name == unit).fields[int(item) - 1].cells.get("survey")
        sheet, ref = where.split("!") if where else ("ĐT XHH Xã", None)
        wb = load_workbook(part)
        wb[sheet].protection.sheet = False
        wb[sheet][ref].value = value
        wb.save(part)
    out = tmp_path / "m.xlsx"
    code, text = run(capsys, "merge", master, parts, "-o", out)
    line = next(line for line in text.splitlines() if "ngoài phần phân công" in line)
    assert code == 1 and said in line and "không được nhận vì ngoài phần phân công" in line, text
    from xltools.council.cells import other_scores
    assert other_scores(read_file(out)) == other_scores(read_file(master))  # not taken


def test_parts_of_another_workbook_only_write_nothing(parts, tmp_path, capsys):
    other = tmp_path / "so_2024.xlsx"
    assert main(["template", "--set", "backan-2024-so", "-o", str(other)]) == 0
    out = tmp_path / "m.xlsx"
    code, text = run(capsys, "merge", other, parts, "-o", out)
    assert code == 2 and not out.exists()
    assert "Chưa hợp nhất gì (không ghi tệp nào): không có phần nào của bảng tổng hợp so_2024.xlsx" in text
    assert "chưa được đưa vào" not in text and text.count("là phần của một bảng khác (bộ tq năm 2025)") == 4


def test_a_row_renamed_in_a_part_lists_its_cells(master, parts, tmp_path, capsys):
    part = parts / "so_kh_cn.xlsx"
    renamed(part, "Xã Mèo Vạc", "Xã Mèo Vạc 2")  # the member removed the protection first
    code, text = run(capsys, "merge", master, parts, "-o", tmp_path / "m.xlsx")
    line = next(line for line in text.splitlines() if "đã đổi tên đơn vị 'Xã Mèo Vạc'" in line)
    where = read_file(part).where(Slot("xa", "Xã Mèo Vạc 2", "6.1", APPRAISED))
    assert code == 1 and f"Các ô đã nhập ở dòng này trong so_kh_cn.xlsx (2): {where} (tiêu chí 6.1, Thẩm định) = 15" \
        in line, line


def test_a_formula_typed_in_a_note_is_named(master, parts, tmp_path, capsys):
    """openpyxl (and other tools) save a formula without its result: the note would be empty, unseen."""
    book = read_file(parts / "so_noi_vu.xlsx")
    sheet, row, col = book.cells[Slot("xa", "Xã Đồng Văn", "", NOTE)]
    wb = load_workbook(parts / "so_noi_vu.xlsx")
    wb[sheet].cell(row=row, column=col).value = '=HYPERLINK("http://x","bấm")'
    wb.save(parts / "so_noi_vu.xlsx")
    code, text = run(capsys, "merge", master, parts, "-o", tmp_path / "m.xlsx")
    assert code == 1 and (f"{book.where(Slot('xa', 'Xã Đồng Văn', '', NOTE))} (Xã Đồng Văn, Ghi chú thẩm định): Sở Nội "
                          "vụ đã gõ một công thức") in text, text


def test_making_the_workbook_again_keeps_the_decision_line(tmp_path, capsys):
    names = tmp_path / "donvi.txt"
    names.write_text("\n".join(UNITS) + "\n", encoding="utf-8")
    line = "(Kèm theo Quyết định số 12/QĐ-UBND ngày 05/3/2025 của UBND tỉnh Tuyên Quang)"
    first, again = tmp_path / "so_2025.xlsx", tmp_path / "so_2025_moi.xlsx"
    assert main(["template", "--set", str(SET), "--units", str(names), "--decision", line, "-o", str(first)]) == 0
    code, out = run(capsys, "template", "--set", SET, "--units", first, "--with-appraised", "-o", again)
    assert code == 0 and f"dòng '{line}'" in out and "CẢNH BÁO" not in out, out
    sheet = read_file(again).sections[0].section.summary.sheet
    assert load_workbook(again)[sheet]["A3"].value == line


def test_a_part_made_again_into_a_workbook_is_no_part(parts, tmp_path, capsys):
    """A member's part given to --units: its assignment sheets are the member's, not the office's to split by."""
    out = tmp_path / "tu_phan.xlsx"
    code, text = run(capsys, "template", "--set", SET, "--units", parts / "so_kh_cn.xlsx", "--with-appraised", "-o", out)
    assert code == 0 and "trang 'Phân công' không được chép." in text
    assert load_workbook(out).sheetnames == load_workbook(made_fresh(tmp_path)).sheetnames


def made_fresh(tmp_path: Path) -> Path:
    names = tmp_path / "donvi.txt"
    names.write_text("\n".join(UNITS) + "\n", encoding="utf-8")
    assert main(["template", "--set", str(SET), "--units", str(names), "-o", str(tmp_path / "fresh.xlsx")]) == 0
    return tmp_path / "fresh.xlsx"
