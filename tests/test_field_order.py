"""A table's field columns are matched to the set's fields by header name, not position: a province that
prints 'Cải cách TTHC | Chỉ đạo, điều hành | Thể chế' gets each score in its own field, a table whose headers
contradict each other is refused, and headers nobody can name are read by position with a warning."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from table_files import Table, write_docx, write_txt, write_xlsx

from xltools import catalog
from xltools.cli import main
from xltools.core.field_names import FieldMatcher, field_index
from xltools.importers.registry import load


def set_text(set_id: str, province: str, names: tuple[str, str, str]) -> str:
    """A 2025 commune set of three fields (maxima 40, 25, 35), as a province writes it in YAML."""
    fields = "".join(f'  - {{code: "{i}", name: "{name}", max: {top}}}\n'
                     for i, (name, top) in enumerate(zip(names, (40, 25, 35)), start=1))
    return (f"id: {set_id}\nprovince: {province}\nlevel: xa\nyears: [2025]\ndecimals: 2\ndistrict_rule: false\n"
            f"fields:\n{fields}total: 100\nbands_basis: points\n"
            "bands: [{label: 'Tốt', min: 80}, {label: 'Khá', min: 70}, {label: 'Yếu', min: 0}]\n")


SET = set_text("thainguyen-2025-xa", "Thái Nguyên",
               ("Công tác chỉ đạo, điều hành CCHC", "Cải cách thể chế", "Cải cách thủ tục hành chính"))
SCORES = [("Phường Phan Đình Phùng", (38, 22, 33)), ("Xã Đại Từ", (30, 20, 30)), ("Xã Tân Cương", (20, 15, 25))]
WRITERS = {"txt": write_txt, "docx": write_docx, "xlsx": write_xlsx}


def table(headers: list[str], order: list[int]) -> Table:
    """The set's three fields printed in `order` (indexes of the set's fields) under `headers`."""
    body = [[stt, name, *(scores[i] for i in order), sum(scores)] for stt, (name, scores) in enumerate(SCORES, 1)]
    return Table(["ỦY BAN NHÂN DÂN TỈNH THÁI NGUYÊN", "KẾT QUẢ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH CÁC XÃ, PHƯỜNG NĂM 2025"],
                 [["STT", "Tên đơn vị", "Điểm thẩm định", "", "", "Tổng điểm"], ["", "", *headers, ""]], body,
                 merges=[(0, 0, 1, 0), (0, 1, 1, 1), (0, 2, 0, 4), (0, 5, 1, 5)])


@pytest.fixture
def set_file(tmp_path) -> Path:
    path = tmp_path / "bo-tieu-chi.yaml"
    path.write_text(SET, encoding="utf-8")
    return path


def run(args, capsys):
    code = main([str(a) for a in args])
    out = capsys.readouterr()
    return code, out.out, out.err


def appraised(path: Path, set_file: Path) -> dict[str, list]:
    (t, _cset), = load(path, str(set_file))
    return {u.name: [f.appraised for f in u.fields] for u in t.units}


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_fields_in_another_order_and_abbreviated_are_read_by_name(tmp_path, capsys, set_file, fmt):
    moved = WRITERS[fmt](tmp_path / f"moved.{fmt}", table(["Cải cách TTHC", "Chỉ đạo, điều hành", "Thể chế"],
                                                          [2, 0, 1]))
    assert appraised(moved, set_file) == {name: list(scores) for name, scores in SCORES}
    code, out, _ = run(["check", moved, "--set", set_file, "--json"], capsys)
    findings = json.loads(out)
    assert code == 0 and [f["severity"] for f in findings if f["severity"] == "error"] == []
    note, = [f for f in findings if f["code"] == "fields-by-name"]
    assert note["severity"] == "info" and "cột 'Cải cách TTHC' là lĩnh vực 3. Cải cách thủ tục hành chính" in note["message"]


def test_the_set_order_needs_no_note(tmp_path, capsys, set_file):
    same = write_xlsx(tmp_path / "same.xlsx", table(["Công tác chỉ đạo, điều hành CCHC", "Cải cách thể chế",
                                                     "Cải cách thủ tục hành chính"], [0, 1, 2]))
    code, out, _ = run(["check", same, "--set", set_file, "--json"], capsys)
    assert code == 0 and [f["code"] for f in json.loads(out)] == []


def test_headers_that_contradict_their_position_are_refused(tmp_path, capsys, set_file):
    """Two headers name fields at other positions, the third names none: no reading is safe."""
    bad = write_xlsx(tmp_path / "bad.xlsx", table(["Cải cách TTHC", "Cột A", "Thể chế"], [2, 0, 1]))
    code, out, err = run(["rank", bad, "--set", set_file], capsys)
    assert code == 2 and out == ""
    assert "cột thứ 1 'Cải cách TTHC' là lĩnh vực 3" in err and "cột thứ 2 'Cột A' không khớp" in err
    assert "Cải cách thủ tục hành chính" in err  # the set's names, to rename the headers


def test_headers_nobody_can_name_are_read_by_position_with_a_warning(tmp_path, capsys, set_file):
    anon = write_xlsx(tmp_path / "anon.xlsx", table(["Tiêu chí A", "Tiêu chí B", "Tiêu chí C"], [0, 1, 2]))
    assert appraised(anon, set_file) == {name: list(scores) for name, scores in SCORES}
    code, out, _ = run(["check", anon, "--set", set_file, "--json"], capsys)
    warning, = [f for f in json.loads(out) if f["code"] == "fields-by-position"]
    assert warning["severity"] == "warning" and "'Tiêu chí B' là lĩnh vực 2. Cải cách thể chế" in warning["message"]
    code, _, err = run(["rank", anon, "--set", set_file], capsys)
    assert code == 0 and "Cảnh báo: không nhận ra lĩnh vực qua tên cột" in err
    # a guess never goes out as an official document
    code, out, err = run(["publish", anon, "--set", set_file, "-o", tmp_path / "pl"], capsys)
    assert code == 1 and "(DỰ THẢO)" in out and "Cột lĩnh vực đọc theo vị trí" in err


SET_2025 = set_text("laocai-2025-xa", "Lào Cai", ("Công tác chỉ đạo, điều hành", "Thể chế", "Chính quyền số"))


def test_a_2025_set_with_short_names_meets_the_usual_long_headers(tmp_path):
    """A 2025 set names its fields 'Thể chế', 'Chính quyền số'; the table still prints 'Cải cách thể chế', 'Xây
    dựng chính quyền điện tử, chính quyền số', 'Công tác chỉ đạo, điều hành CCHC', in another order: read by name
    (the words every field name is made of, 'cải cách', 'xây dựng', 'CCHC', count for nothing)."""
    path = tmp_path / "bo-2025.yaml"
    path.write_text(SET_2025, encoding="utf-8")
    headers = ["Xây dựng chính quyền điện tử, chính quyền số", "Cải cách thể chế", "Công tác chỉ đạo, điều hành CCHC"]
    moved = write_xlsx(tmp_path / "moved.xlsx", table(headers, [2, 1, 0]))
    assert appraised(moved, path) == {name: list(scores) for name, scores in SCORES}


@pytest.mark.parametrize("set_id", sorted(catalog.shipped()))
def test_every_shipped_field_is_named_by_its_name_short_name_and_code(set_id):
    cset = catalog.get(set_id)
    matcher = FieldMatcher(cset.fields)
    for i, f in enumerate(cset.fields):
        for label in (f.name, f.name.upper(), f.short or f.name, f.code, f"LV{f.code}", f"Lĩnh vực {f.code}"):
            assert matcher.index(label) == i, (label, matcher.index(label))


@pytest.mark.parametrize("label, index", [
    ("Chỉ đạo điều hành", 0), ("Cải cách TTHC", 2), ("TTHC", 2), ("Cải cách tổ chức bộ máy HC", 3),
    ("XD&PT CQĐT, CQS", 6), ("Thể chế", 1), ("Cải cách tài chính công (tối đa 14)", 5), ("III", 2),
    ("XÂY DỰNG VÀ PHÁT TRIỂN CHÍNH QUYỀN ĐIỆN, CHÍNH QUYỀN SỐ", 6),  # the 2023 form's typo ('ĐIỆN' without 'TỬ')
    ("Cải cách", None), ("Cải cách hành chính", None), ("Điểm", None), ("Tổng cộng", None),
    ("V. Công vụ", 4), ("VI. Tài chính", 5), ("Lĩnh vực thứ 5", 4), ("LV thứ 7", 6),  # numbered headers
    ("CĐ công vụ", 4), ("Cán bộ, công chức", 4), ("Cán bộ, công chức, viên chức", 4), ("CBCC", 4),
    ("can bo cong chuc", 4), ("Tổ chức bộ máy", 3),  # the civil servants are the civil-service field's
    # 'CĐ' alone (chỉ đạo? chế độ?) decides nothing
    ("Tiêu chí A", None), ("cai cach the che", 1)])  # 'chí' is not 'chỉ'; a header without diacritics
def test_abbreviated_headers_of_the_seeds(label, index):
    assert field_index(label, catalog.get("backan-2024-so")) == index


# A 2025 set whose field 2 is no longer 'Cải cách thể chế' (the tester's Tuyên Quang set): 'chế' is then only in
# 'chế độ công vụ', and a header 'Thể chế' shares that syllable, not a word.
SET_NO_INSTITUTIONS = set_text("tuyenquang-2025-xa", "Tuyên Quang", (
    "Công tác chỉ đạo, điều hành cải cách hành chính", "Xây dựng và tổ chức thi hành văn bản quy phạm pháp luật",
    "Cải cách chế độ công vụ"))


@pytest.mark.parametrize("label, index", [
    ("Thể chế", None), ("Cải cách thể chế", None), ("the che", None),  # a shared syllable names nothing
    ("Chế độ công vụ", 2), ("Cải cách chế độ công vụ", 2), ("Công vụ", 2), ("CĐCV", 2), ("Chỉ đạo, điều hành", 0),
    ("Văn bản QPPL", 1), ("Văn bản quy phạm pháp luật", 1), ("Thi hành văn bản", 1)])
def test_a_syllable_two_words_share_names_no_field(tmp_path, label, index):
    path = tmp_path / "bo.yaml"
    path.write_text(SET_NO_INSTITUTIONS, encoding="utf-8")
    assert field_index(label, catalog.get(str(path))) == index


def test_headers_in_the_set_order_with_one_unknown_are_read_by_position(tmp_path, capsys):
    """'Thể chế' in the position of field 2 was taken for field 3 (chế độ công vụ), and the whole correct table
    refused as 'cột thứ 2 … là lĩnh vực 3'; it names no field, so the table is read in its (the set's) order."""
    path = tmp_path / "bo.yaml"
    path.write_text(SET_NO_INSTITUTIONS, encoding="utf-8")
    same = write_docx(tmp_path / "dung_thu_tu.docx", table(["Chỉ đạo, điều hành", "Thể chế", "Chế độ công vụ"],
                                                           [0, 1, 2]))
    assert appraised(same, path) == {name: list(scores) for name, scores in SCORES}
    code, _, err = run(["rank", same, "--set", path], capsys)
    assert code == 0 and "không nhận ra lĩnh vực qua tên cột 'Thể chế'" in err, err
    assert "cột 'Thể chế' là lĩnh vực 2. Xây dựng và tổ chức thi hành văn bản quy phạm pháp luật" in err
