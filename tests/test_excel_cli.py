"""`xltools macro …` on files."""
from excel_helpers import summary_workbook

from xltools.cli import main


def test_macro_on_a_workbook_not_made_by_template(tmp_path, data_dir, capsys):
    path = tmp_path / "khac.xlsx"
    summary_workbook(path, data_dir / "phu_luc_backan_2024_so_huyen.txt")
    before = path.read_bytes()
    for argv in (["tinh-lai"], ["nhap-xhh", "--from", str(path)], ["xuat-phu-luc", "-o", str(tmp_path)]):
        assert main(["macro", *argv, str(path)]) == 2
        err = capsys.readouterr().err
        assert err.startswith("Lỗi:") and ("xltools template" in err or "chưa có" in err)
    assert path.read_bytes() == before


def test_missing_file(tmp_path, capsys):
    assert main(["macro", "tinh-lai", str(tmp_path / "khong-co.xlsx")]) == 2
    assert "Không tìm thấy tệp" in capsys.readouterr().err


def test_survey_rows_that_match_no_unit_and_units_not_ranked_are_said(tmp_path, capsys):
    """`nhap-xhh` writes what matched and exits 1 when rows of the file went nowhere (was 0); `tinh-lai` says how
    many units are still unranked (was 'Đã tính lại xếp hạng 19 đơn vị' with none ranked)."""
    from openpyxl import Workbook

    from xltools import catalog
    from xltools.workbook.reader import read_workbook

    path = tmp_path / "bang.xlsx"
    assert main(["template", "--set", "backan-2024-so", "-o", str(path)]) == 0
    names = [u.name for u in read_workbook(path)[0].units]
    survey = Workbook()
    survey.active.append(["STT", "Tên đơn vị", *[f"LV{f.code}" for f in catalog.get("backan-2024-so").fields]])
    for i, name in enumerate([*names[:2], "Sở Không Có"], start=1):
        survey.active.append([i, name, 1, 1, 1, 1, 1, 1, 1])
    survey.save(tmp_path / "xhh.xlsx")
    capsys.readouterr()
    assert main(["macro", "nhap-xhh", "--from", str(tmp_path / "xhh.xlsx"), str(path)]) == 1
    out = capsys.readouterr().out
    assert "Đã nhập điểm ĐT XHH cho 2 đơn vị." in out and "Sở Không Có" in out
    assert main(["macro", "tinh-lai", str(path)]) == 0
    assert f"; {len(names)}/{len(names)} đơn vị chưa đủ điểm nên chưa được xếp hạng" in capsys.readouterr().out
