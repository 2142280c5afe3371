"""`xltools publish`: options, output files, backups, errors as messages; the model's small rules."""
import pytest
from docx import Document
from openpyxl import load_workbook
from publish_expect import REPORT_2023, SEED_2024
from test_cli import run as run_cli

from xltools.cli import main
from xltools.files import backups
from xltools.publish import pdf
from xltools.publish.model import DecisionInfo, signed
from xltools.wording import date_text as decision_date_text


def run(capsys, *argv):
    return run_cli(capsys, *[str(a) for a in argv])


def test_publish_writes_appendix_and_report(capsys, tmp_path):
    code, out, err = run(capsys, "publish", SEED_2024, "-o", tmp_path, "--report", "--decision-number", "12/QĐ-UBND",
                         "--decision-date", "2024-12-31", "--issuer", "UBND tỉnh Bắc Kạn", "--previous", REPORT_2023)
    assert code == 1 and "DỰ THẢO" in err, err  # the published seed has real errors (docs/publish.md): a draft
    stem = SEED_2024.stem
    names = [f"{stem}_phu_luc.docx", f"{stem}_phu_luc.xlsx", f"{stem}_bao_cao.docx"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(names)
    assert all(f"Đã ghi {tmp_path / n}" in out for n in names)
    doc = Document(str(tmp_path / names[0]))
    assert doc.paragraphs[2].text == "(Kèm theo Quyết định số 12/QĐ-UBND ngày 31 tháng 12 năm 2024 của UBND tỉnh Bắc Kạn)"
    ws = load_workbook(tmp_path / names[1])["Phụ lục II"]
    assert "So với năm 2023" in [c.value for c in ws[5]]


def test_existing_output_is_kept_as_backup(capsys, tmp_path):
    target = tmp_path / f"{SEED_2024.stem}_phu_luc.docx"
    target.write_bytes(b"ban cua nguoi dung")
    assert run(capsys, "publish", SEED_2024, "-o", tmp_path)[0] == 1  # written, as a draft
    assert [p.read_bytes() for p in backups(target)] == [b"ban cua nguoi dung"]
    assert Document(str(target)).paragraphs[0].text == "PHỤ LỤC I"
    assert not [p for p in tmp_path.iterdir() if ".tmp" in p.name]


def test_a_pdf_of_the_docx_just_replaced_is_set_aside(capsys, tmp_path):
    """Re-published without --pdf: last run's PDF would sit next to the new docx, showing old figures to sign."""
    assert run(capsys, "publish", SEED_2024, "-o", tmp_path)[0] == 1
    docx = tmp_path / f"{SEED_2024.stem}_phu_luc.docx"
    old_pdf = docx.with_suffix(".pdf")
    old_pdf.write_bytes(b"%PDF ban cu")
    other = tmp_path / "cong_van.pdf"  # a PDF of no docx written here is none of publish's business
    other.write_bytes(b"%PDF khac")
    same = docx.read_bytes()  # within the same second the docx comes out byte for byte the same: its PDF still holds
    code, _, err = run(capsys, "publish", SEED_2024, "-o", tmp_path)
    if docx.read_bytes() == same:
        assert old_pdf.read_bytes() == b"%PDF ban cu" and not backups(old_pdf)
        # another docx for sure (a busy machine may cross a second above and set the PDF aside already)
        code, _, err = run(capsys, "publish", SEED_2024, "-o", tmp_path, "--decision-number", "9/QĐ-UBND")
    assert code == 1 and not old_pdf.exists() and other.read_bytes() == b"%PDF khac"
    [kept] = backups(old_pdf)
    assert kept.read_bytes() == b"%PDF ban cu" and f"đã đổi tên thành {kept.name}" in err, err


def test_vietnamese_option_names(capsys, tmp_path):
    code, _, err = run(capsys, "publish", SEED_2024, "-o", tmp_path, "--so-quyet-dinh", "7", "--ngay-quyet-dinh",
                       "1/2/2025", "--co-quan", "UBND tỉnh Bắc Kạn", "--nam-truoc", REPORT_2023)
    assert code == 1, err  # a draft: the seed has errors
    line = Document(str(tmp_path / f"{SEED_2024.stem}_phu_luc.docx")).paragraphs[2].text
    assert line == "(Kèm theo Quyết định số 7/QĐ-UBND ngày 01 tháng 02 năm 2025 của UBND tỉnh Bắc Kạn)"


def test_set_option_picks_one_level(capsys, tmp_path):
    assert run(capsys, "publish", SEED_2024, "--set", "backan-2024-huyen", "-o", tmp_path)[0] == 1  # draft
    doc = Document(str(tmp_path / f"{SEED_2024.stem}_phu_luc.docx"))
    assert len(doc.tables) == 1 and doc.paragraphs[1].text.endswith("CÁC HUYỆN, THÀNH PHỐ NĂM 2024")


def test_pdf_without_libreoffice_is_a_message(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(pdf, "available", lambda: False)
    code, _, err = run(capsys, "publish", SEED_2024, "-o", tmp_path, "--pdf")
    assert code == 2 and "LibreOffice" in err and "Traceback" not in err
    assert (tmp_path / f"{SEED_2024.stem}_phu_luc.docx").exists()  # the other files are written


@pytest.mark.parametrize("argv, message", [
    (["publish", "khong-co.txt"], "Không tìm thấy tệp"),
    (["publish", str(SEED_2024), "--previous", "khong-co.txt"], "Tệp năm trước (--previous): Không tìm thấy tệp"),
    (["publish", str(SEED_2024), "--set", "khong-co"], "Không có bộ tiêu chí"),
])
def test_errors_are_messages(capsys, tmp_path, argv, message):
    code, _, err = run(capsys, *argv, "-o", tmp_path)
    assert code == 2 and message in err and "Traceback" not in err


@pytest.mark.parametrize("given, text", [
    (None, "…… tháng …… năm ……"),
    ("5/1/2025", "05 tháng 01 năm 2025"),
    ("15/3/2025", "15 tháng 3 năm 2025"),
    ("2024-12-20", "20 tháng 12 năm 2024"),
    ("cuối tháng 12", "cuối tháng 12"),
])
def test_decision_dates(given, text):
    assert decision_date_text(given) == text


def test_signed_changes():
    from decimal import Decimal
    assert [signed(Decimal("0.265"), 3), signed(Decimal("-8.788"), 3), signed(Decimal(0), 3)] == [
        "+0,265", "-8,788", "0,000"]
    assert [signed(2), signed(-4), signed(0), signed(None)] == ["+2", "-4", "0", ""]
    assert DecisionInfo().number is None


def test_unit_missing_last_year_gets_blank_change():
    from publish_expect import evaluations

    from xltools.core.names import unit_key
    from xltools.publish.model import Previous, appendices

    last_year = Previous.from_evaluations(evaluations(REPORT_2023)).by_level
    last_year["huyen"] = {n: r for n, r in last_year["huyen"].items() if unit_key(n) != unit_key("Huyện Ba Bể")}
    previous = Previous(2023, last_year)
    huyen = appendices(evaluations(SEED_2024), previous=previous)[1]
    row = next(row for row in huyen.rows if row[1].text == "Huyện Ba Bể")
    assert [c.text for c in row[-4:]] == ["", "", "", ""]
    assert sum(c is None for c in huyen.changes) == 1


def test_last_year_is_found_by_the_same_unit_not_a_namesake():
    """'Phường Tân Lập' is compared with last year's 'Phường Tân Lập', never with 'Xã Tân Lập'."""
    from decimal import Decimal as D

    from xltools.core.scoring import Result, Unit
    from xltools.publish.model import Previous

    def result(name, total, rank):
        return Result(Unit(name, []), None, None, None, D(total), None, rank=rank)

    previous = Previous(2024, {"xa": {"Xã Tân Lập": result("Xã Tân Lập", "80", 2),
                                      "Phường Tân Lập": result("Phường Tân Lập", "90", 1),
                                      "Xã Yên Phù": result("Xã Yên Phù", "70", 3)}})
    change = previous.change("xa", result("UBND phường Tân Lập", "85", 1), 2)
    assert (change.previous_total, change.previous_rank, change.delta_total) == (D("90"), 1, D("-5.00"))
    assert previous.change("xa", result("Yên Phù", "75", 3), 2).previous_total == D("70")  # the only one alike
    # names that differ from last year's only by a tone mark or by xã/phường are other communes: no pair
    assert previous.change("xa", result("Xã Yên Phú", "75", 3), 2) is None
    assert previous.change("xa", result("Phường Yên Phù", "75", 3), 2) is None
    assert previous.change("xa", result("XA YEN PHU", "75", 3), 2).previous_total == D("70")  # no marks: may be it


@pytest.mark.parametrize("option", ["--decision-date", "--report-date"])
def test_a_date_not_on_the_calendar_is_refused_before_anything_is_written(tmp_path, capsys, option):
    with pytest.raises(SystemExit) as stop:
        main(["publish", str(SEED_2024), "-o", str(tmp_path / "out"), option, "31/2/2026"])
    assert stop.value.code == 2 and "'31/2/2026' không có trên lịch" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_last_years_totals_without_a_level_or_year_in_the_title_are_used_or_the_reason_is_said(tmp_path, capsys):
    # QA finding 4: a table of totals whose title names no year (nor level) was left out without a word
    from publish_expect import evaluations

    so = next(e for e in evaluations(SEED_2024) if e.cset.level == "so")
    names = [r.unit.name for r in so.results[:3]]
    rows = "".join(f"{i};{name};{80 - i},5;{i}\n" for i, name in enumerate(names, start=1))
    last_year = tmp_path / "nam_truoc.csv"
    last_year.write_text("STT;Tên đơn vị;Tổng điểm;Xếp hạng\n" + rows, encoding="utf-8")
    code, _, err = run(capsys, "publish", SEED_2024, "-o", tmp_path / "a", "--previous", last_year)
    assert code == 1 and "không ghi cấp, năm" in err and "So với năm trước" in err, err  # (the seed is a draft)
    ws = load_workbook(tmp_path / "a" / f"{SEED_2024.stem}_phu_luc.xlsx")["Phụ lục I"]
    assert "So với năm trước" in [c.value for c in ws[5]]
    assert "Tổng cộng năm trước" in [c.value for c in ws[6]]
    # a previous file of another level: said, with what to add
    other = tmp_path / "xa.csv"
    other.write_text("XẾP HẠNG CHỈ SỐ CCHC CÁC XÃ NĂM 2023\nSTT;Tên đơn vị;Tổng điểm;Xếp hạng\n1;Xã Một;80;1\n",
                     encoding="utf-8")
    code, _, err = run(capsys, "publish", SEED_2024, "-o", tmp_path / "b", "--previous", other)
    assert "không dùng được tệp năm trước xa.csv" in err and "--previous-set" in err, err
