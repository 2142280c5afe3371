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
