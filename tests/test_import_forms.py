"""Biểu tự đánh giá from .xlsx/.docx: criteria detail, field scores, unit name, appraised column."""
from decimal import Decimal as D

import pytest
from office_samples import seed_tables, write_docx, write_xlsx
from openpyxl import Workbook

from xltools.core.names import tidy
from xltools.core.numbers import clean
from xltools.importers.forms import unit_name
from xltools.importers.office import read_office
from xltools.importers.registry import read_tables

SEED = "bieu_tu_danh_gia_bacgiang_2023_tinh.txt"


@pytest.mark.parametrize("writer", [write_xlsx, write_docx])
def test_form_detail_matches_text_seed(tmp_path, data_dir, writer):
    path = writer(tmp_path / f"bieu.{writer.__name__[-4:]}", seed_tables(data_dir / SEED))
    [form] = read_office(path)
    [expected] = read_tables(data_dir / SEED)
    unit, want = form.units[0], expected.units[0]
    assert unit.name == "UBND tỉnh Bắc Giang" and form.level == "tinh" and form.has_reasons
    assert len(unit.criteria) == len(want.criteria) == 133
    assert {c: (s.self_score, tidy(s.reason)) for c, s in unit.criteria.items()} == \
        {c: (s.self_score, tidy(s.reason)) for c, s in want.criteria.items()}
    assert [f.self_score for f in unit.fields] == [D("9.5"), D("6"), D("12.9829"), D("6.4384"), D("5"), D("7.7493"),
                                             D("11.9673"), D("5.6111")] == [f.self_score for f in want.fields]
    assert unit.printed.self_total == D("65.249")


@pytest.mark.parametrize("header, swap", [
    ("STT\tNội dung tiêu chí\tĐiểm tối đa\tĐiểm TĐG\tTài liệu kiểm chứng", False),
    ("Mã số\tTiêu chí\tThang điểm\tĐiểm tự chấm\tGiải trình", False),
    ("TT\tNội dung\tĐiểm TĐG\tĐiểm tối đa\tGhi chú", True),  # the self score before the maximum
])
def test_a_text_form_in_other_words_reads_as_the_seed(tmp_path, data_dir, header, swap):
    """A .txt form is read by the header vocabulary, as .docx/.xlsx forms are: it was refused ("không có cột
    TÊN ĐƠN VỊ") unless its headers said 'Điểm chuẩn' or 'Tiêu chí thành phần'."""
    lines = (data_dir / SEED).read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("STT\t"))
    lines[at] = header
    if swap:
        lines = [line if i == at or line.count("\t") < 3 else "\t".join(
            (c := line.split("\t"))[:2] + [c[3], c[2]] + c[4:]) for i, line in enumerate(lines)]
    path = tmp_path / "bieu.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    [form], [seed] = read_tables(path), read_tables(data_dir / SEED)
    assert form.units[0].name == "UBND tỉnh Bắc Giang" and len(form.units[0].criteria) == 133
    assert {c: s.self_score for c, s in form.units[0].criteria.items()} == \
        {c: s.self_score for c, s in seed.units[0].criteria.items()}
    assert [f.self_score for f in form.units[0].fields] == [f.self_score for f in seed.units[0].fields]


def test_other_column_order_with_appraised_and_evidence(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.title = "Biểu"
    rows = [["BIỂU TỰ ĐÁNH GIÁ CHỈ SỐ CCHC NĂM 2024"], ["Đơn vị:", "Sở  Tư pháp"], [],
            ["TT", "Nội dung tiêu chí", "Điểm", None, "Tài liệu kiểm chứng", "Giải trình", "Điểm thẩm định"],
            [None, None, "Tối đa", "Tự chấm", None, None, None],
            ["1.", "Công tác chỉ đạo", 2, 1.5, "KH số 1", None, 1.25],
            ["1.1", "Kế hoạch CCHC", 1, "1,0", "KH số 1", "Đủ", 1],
            ["1.2", "Báo cáo", 1, "0,5", None, "Thiếu 1 báo cáo", "0,25"],
            ["2", "Cải cách thể chế", 1, 1, None, None, 1],
            [None, "Tổng điểm", 3, "2,5", None, None, "2,25"]]
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row, start=1):
            if v is not None:
                ws.cell(r, c, v)
    ws.merge_cells("C4:D4")
    wb.save(tmp_path / "stp.xlsx")
    [form] = read_office(tmp_path / "stp.xlsx")
    unit = form.units[0]
    assert unit.name == "Sở Tư pháp"
    assert [(f.self_score, f.appraised) for f in unit.fields] == [(D("1.5"), D("1.25")), (D(1), D(1))]
    assert {c: (s.self_score, s.appraised, s.reason) for c, s in unit.criteria.items()} == {
        "1": (D("1.5"), D("1.25"), ""), "1.1": (D("1.0"), D(1), "Đủ"), "1.2": (D("0.5"), D("0.25"), "Thiếu 1 báo cáo"),
        "2": (D(1), D(1), "")}
    assert (unit.printed.self_total, unit.printed.appraised_total) == (D("2.5"), D("2.25"))


def test_form_score_error_names_the_cell(tmp_path, data_dir):
    [tree] = seed_tables(data_dir / SEED)
    tree.rows[3][3] = "1.055"
    path = write_xlsx(tmp_path / "bieu.xlsx", [tree], as_numbers=False)
    with pytest.raises(ValueError) as err:
        read_office(path)
    row = len(tree.title) + 1 + len(tree.header) + 4
    assert f"bieu.xlsx, trang tính 'Bảng 1', dòng {row}, ô D{row} (Điểm tự đánh giá): '1.055'" in str(err.value)


@pytest.mark.parametrize("title, name", [
    (["BIỂU TỰ ĐÁNH GIÁ", "Tên đơn vị: UBND huyện Ba Bể"], "UBND huyện Ba Bể"),
    (["BIỂU TỰ ĐÁNH GIÁ CHỈ SỐ CCHC CỦA SỞ TƯ PHÁP NĂM 2024"], "Sở Tư pháp"),
    (["BIỂU TỰ ĐÁNH GIÁ", "(Kèm theo Báo cáo số 12/BC-UBND của UBND tỉnh Bắc Kạn)"], None),
])
def test_unit_name_from_title(title, name):
    assert unit_name(title) == name


def test_form_without_a_name_takes_the_file_name(tmp_path, data_dir):
    [tree] = seed_tables(data_dir / SEED)
    tree.title = ["BIỂU TỰ ĐÁNH GIÁ CHỈ SỐ CCHC CÁC SỞ, NGÀNH NĂM 2023"]
    [form] = read_office(write_xlsx(tmp_path / "So Xay dung.xlsx", [tree]))
    assert form.units[0].name == "So Xay dung" and clean(form.sheet) == "Biểu tự đánh giá"


ROMAN_FORM = [["STT", "Nội dung tiêu chí", "Điểm tối đa", "Điểm tự đánh giá", "Giải trình"],
              ["I", "Công tác chỉ đạo, điều hành", "8", "6,5", ""],
              ["1", "Kế hoạch CCHC", "3", "3", "Ban hành đúng hạn"],
              ["2", "Kiểm tra CCHC", "5", "3,5", ""],
              ["a)", "Kiểm tra theo kế hoạch", "3", "2", ""],
              ["b)", "Xử lý sau kiểm tra", "2", "1,5", "Còn 1 việc"],
              ["II", "Cải cách thủ tục hành chính", "4", "4", ""],
              ["1", "Công khai TTHC", "4", "4", ""],
              ["", "Tổng cộng", "12", "10,5", ""],
              ["", "Người lập biểu", "", "Thủ trưởng đơn vị", ""]]  # the total as 'Tổng cộng'; the signatures


@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_a_form_numbered_by_roman_fields_reads_as_its_set_does(tmp_path, fmt):
    """Fields 'I', 'II' with criteria '1', '2' under each and 'a)', 'b)' below (how many provinces number their
    tables, and what `set new` reads as 1, 1.1, 1.2, 1.2.1): the form's codes are the set's, two fields, not five."""
    title = ["UBND TỈNH GIA LAI", "BIỂU TỰ ĐÁNH GIÁ CHỈ SỐ CCHC NĂM 2025", "Đơn vị: UBND xã Ia Grai"]
    path = tmp_path / f"bieu.{fmt}"
    if fmt == "xlsx":
        wb = Workbook()
        for row in [[t] for t in title] + [[]] + ROMAN_FORM:
            wb.active.append(row)
        wb.save(path)
        [form] = read_office(path)
    else:
        import docx

        d = docx.Document()
        for t in title:
            d.add_paragraph(t)
        table = d.add_table(rows=0, cols=5)
        for row in ROMAN_FORM:
            for cell, text in zip(table.add_row().cells, row):
                cell.text = text
        d.save(path)
        [form] = read_office(path)
    unit = form.units[0]
    assert unit.name == "UBND xã Ia Grai"
    assert [f.self_score for f in unit.fields] == [D("6.5"), D(4)]
    assert {c: s.self_score for c, s in unit.criteria.items()} == {
        "1": D("6.5"), "1.1": D(3), "1.2": D("3.5"), "1.2.1": D(2), "1.2.2": D("1.5"), "2": D(4), "2.1": D(4)}
    assert unit.criteria["1.2.2"].reason == "Còn 1 việc" and unit.printed.self_total == D("10.5")


def _form_file(path, rows: list[list[str]], title: list[str]):
    """A form of `rows` (header first) under `title`, as .xlsx (texts as typed) or .docx."""
    if path.suffix == ".xlsx":
        wb = Workbook()
        for row in [[t] for t in title] + [[]] + rows:
            wb.active.append(row)
        wb.save(path)
    else:
        import docx

        d = docx.Document()
        for t in title:
            d.add_paragraph(t)
        table = d.add_table(rows=0, cols=len(rows[0]))
        for row in rows:
            for cell, text in zip(table.add_row().cells, row):
                cell.text = text
        d.save(path)
    return path


@pytest.mark.parametrize("order", [
    (3, 4, 0, 1, 2),  # 'Điểm tự đánh giá', 'Giải trình' before the code: the first two columns were dropped
    (0, 3, 1, 2, 4),  # the self score between the code and the criterion: 'không tìm thấy bảng điểm nào'
    (1, 0, 2, 4, 3)])  # the criterion before the code
@pytest.mark.parametrize("fmt", ["xlsx", "docx"])
def test_a_form_with_its_columns_in_any_order_reads_as_in_the_usual_order(tmp_path, fmt, order):
    """docs/import.md: 'Thứ tự cột tùy ý'. The columns are assigned by their headers, and a cell is still named
    where it is in the file."""
    title = ["BIỂU TỰ ĐÁNH GIÁ CHỈ SỐ CCHC NĂM 2025", "Đơn vị: UBND xã Ia Grai"]
    usual = read_office(_form_file(tmp_path / f"usual.{fmt}", ROMAN_FORM, title))[0].units[0]
    moved = [[row[i] for i in order] for row in ROMAN_FORM]
    moved[0][order.index(0)] = "Mã tiêu chí"  # the tester's wording (not 'STT')
    unit = read_office(_form_file(tmp_path / f"moved.{fmt}", moved, title))[0].units[0]
    assert unit.name == usual.name == "UBND xã Ia Grai"
    assert [f.self_score for f in unit.fields] == [f.self_score for f in usual.fields] == [D("6.5"), D(4)]
    assert {c: (s.self_score, s.reason) for c, s in unit.criteria.items()} == \
        {c: (s.self_score, s.reason) for c, s in usual.criteria.items()}
    assert unit.printed.self_total == D("10.5")
    if fmt == "xlsx":  # a score that cannot be read is named by its own cell
        moved[3][order.index(3)] = "1.055"
        with pytest.raises(ValueError) as err:
            read_office(_form_file(tmp_path / "bad.xlsx", moved, title))
        column = "ABCDE"[order.index(3)]
        assert f"dòng 7, ô {column}7 (Điểm tự đánh giá): '1.055'" in str(err.value), str(err.value)
