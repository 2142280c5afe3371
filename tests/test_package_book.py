"""`xltools macro tinh-lai` / `nhap-xhh` change the workbook package part by part (excel/package_book.py): the
same cells, styles and sheets as the openpyxl Book writes, every part they do not touch byte for byte as it
was, a file LibreOffice opens and computes alike; and any package it does not follow goes to openpyxl."""
from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from workbook_harness import typed_workbook

from xltools.cli import main
from xltools.excel import macros
from xltools.excel.book import OpenpyxlBook
from xltools.excel.package_book import PackageBook, Unsupported, open_book

SO = "Tổng hợp Sở"


def workbook(path: Path, set_id: str, units: int, districts: int = 0) -> Path:
    return typed_workbook(path, set_id, units, seed=3, districts=districts)


def survey(path: Path, units: int) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["STT", "Tên đơn vị", "LV1", "LV2", "LV3", "LV4", "LV5", "LV6", "LV7"])
    for i in range(units + 3):  # three names no workbook holds
        name = f"Xã {i + 1:03d} – Phường Đức Xuân" if i < units else f"Phường lạ {i}"  # as typed_workbook names them
        ws.append([i + 1, name, 1.5, 1.25, 2, 0.75, 2.125, 1, 1.5])
    wb.save(path)
    return path


def look(path: Path) -> dict:
    """Everything a person sees or a formula uses, sheet by sheet, as openpyxl reads it."""
    wb = load_workbook(path)
    out: dict = {"sheets": wb.sheetnames, "names": sorted((n, str(d.value)) for n, d in wb.defined_names.items()),
                 "calc": (wb.calculation.fullCalcOnLoad,)}
    for ws in wb.worksheets:
        cells = {c.coordinate: (c.value, c.number_format, repr(c.font), repr(c.fill), repr(c.border), repr(c.alignment),
                                repr(c.protection))
                 for row in ws.iter_rows() for c in row if c.value is not None or c.has_style}
        out[ws.title] = dict(
            cells=cells, merged=sorted(str(r) for r in ws.merged_cells.ranges),
            validation=[repr(d) for d in ws.data_validations.dataValidation],
            conditional=[(str(k.sqref), [repr(r) for r in v]) for k, v in ws.conditional_formatting._cf_rules.items()],
            widths={k: d.width for k, d in ws.column_dimensions.items()}, freeze=ws.freeze_panes,
            protection=repr(ws.protection), charts=len(ws._charts), print_area=ws.print_area)
    return out


def differences(a: dict, b: dict) -> list:
    found = []
    for key in a.keys() | b.keys():
        if isinstance(a.get(key), dict) and isinstance(b.get(key), dict):
            for part in a[key].keys() | b[key].keys():
                x, y = a[key].get(part), b[key].get(part)
                if part == "cells" and x != y:
                    found += [(key, ref, x.get(ref), y.get(ref)) for ref in sorted(x.keys() | y.keys())
                              if x.get(ref) != y.get(ref)][:5]
                elif x != y:
                    found.append((key, part, x, y))
        elif a.get(key) != b.get(key):
            found.append((key, a.get(key), b.get(key)))
    return found


def run_both(source: Path, tmp_path: Path, macro: str, *extra: str) -> tuple[Path, Path]:
    """The macro run on two copies of `source`: through openpyxl, and through the CLI (the package Book)."""
    by_openpyxl, by_cli = tmp_path / f"openpyxl{source.suffix}", tmp_path / f"cli{source.suffix}"
    shutil.copyfile(source, by_openpyxl)
    shutil.copyfile(source, by_cli)
    assert isinstance(open_book(by_cli), PackageBook)
    if macro == "tinh-lai":
        macros.tinh_lai_xep_hang(OpenpyxlBook(by_openpyxl))
    else:
        macros.nhap_diem_xhh(OpenpyxlBook(by_openpyxl), source=extra[1])
    expected = 1 if macro == "nhap-xhh" else 0  # the survey file below holds three names no workbook has: said, exit 1
    assert main(["macro", macro, *extra, str(by_cli)]) == expected
    return by_openpyxl, by_cli


CASES = [("so", "backan-2024-so", 25, 0), ("xa", "backan-2023-xa", 30, 4), ("detail", "bacgiang-2023-tinh", 12, 0)]


@pytest.mark.parametrize("name,set_id,units,districts", CASES, ids=[c[0] for c in CASES])
def test_tinh_lai_writes_what_the_openpyxl_book_writes(tmp_path, name, set_id, units, districts):
    source = workbook(tmp_path / "bang.xlsx", set_id, units, districts)
    by_openpyxl, by_cli = run_both(source, tmp_path, "tinh-lai")
    assert differences(look(by_openpyxl), look(by_cli)) == []
    assert "Kiểm tra" in load_workbook(by_cli).sheetnames
    # a second run, with the findings sheet there and a unit changed, still writes the same
    for path in (by_openpyxl, by_cli):
        wb = load_workbook(path)
        ws = wb.worksheets[0]
        ws["B7"], ws["D8"] = "Xã đổi tên", 999
        wb.save(path)
    macros.tinh_lai_xep_hang(OpenpyxlBook(by_openpyxl))
    assert isinstance(open_book(by_cli), PackageBook)
    assert main(["macro", "tinh-lai", str(by_cli)]) == 0
    assert differences(look(by_openpyxl), look(by_cli)) == []


def test_nhap_xhh_writes_what_the_openpyxl_book_writes(tmp_path):
    source = workbook(tmp_path / "bang.xlsx", "backan-2024-so", 20)
    wb = load_workbook(source)
    wb["ĐT XHH Sở"]["B9"] = None  # a name still missing on the survey sheet: written into the first blank row
    wb.save(source)
    by_openpyxl, by_cli = run_both(source, tmp_path, "nhap-xhh", "--from", str(survey(tmp_path / "xhh.xlsx", 20)))
    assert differences(look(by_openpyxl), look(by_cli)) == []


def parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def outside_cells(xml: bytes) -> bytes:
    return re.sub(rb"<sheetData>.*</sheetData>|<dimension [^>]*/>", b"", xml, flags=re.S)


def test_what_the_macro_does_not_touch_keeps_its_bytes(tmp_path):
    source = workbook(tmp_path / "bang.xlsx", "backan-2024-so", 25)
    path = shutil.copyfile(source, tmp_path / "cli.xlsx")
    assert main(["macro", "tinh-lai", str(path)]) == 0
    before, after = parts(source), parts(path)
    listing = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml"}
    new = set(after) - set(before)
    assert len(new) == 1 and new.pop().startswith("xl/worksheets/sheet")  # the findings sheet
    changed = {name for name in before if before[name] != after[name]}
    sheets = changed - listing - {"xl/styles.xml"}  # the summary's rows moved (and formulas that follow a unit)
    assert "xl/worksheets/sheet1.xml" in sheets and listing | {"xl/styles.xml"} <= changed
    for name in sheets:  # drawings, charts, theme, the other sheets: not one byte changed
        assert re.fullmatch(r"xl/worksheets/sheet[0-9]+\.xml", name), name
        assert outside_cells(after[name]) == outside_cells(before[name])
    for name in listing:  # one line more for the new sheet, nothing else
        assert re.sub(rb"<(?:sheet|Relationship|Override)\b[^>]*sheet[0-9]+\.xml\"[^>]*/>|<sheet [^>]*Ki[^>]*/>", b"",
                      after[name]).replace(b' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
                                           b'relationships"', b"") == \
            re.sub(rb"<(?:sheet|Relationship|Override)\b[^>]*sheet[0-9]+\.xml\"[^>]*/>|<sheet [^>]*Ki[^>]*/>", b"",
                   before[name]).replace(b' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
                                         b'relationships"', b""), name
    old_styles, new_styles = before["xl/styles.xml"], after["xl/styles.xml"]
    for tag in (b"fonts", b"cellXfs"):  # the styles in use are all there, in place; the new ones come after
        old = re.search(rb"<%s count=\"[0-9]+\">(.*?)</%s>" % (tag, tag), old_styles, re.S)[1]
        assert re.search(rb"<%s count=\"[0-9]+\">(.*?)</%s>" % (tag, tag), new_styles, re.S)[1].startswith(old)
    assert re.sub(rb"<(fonts|cellXfs) count=\"[0-9]+\">.*?</\1>", b"", old_styles, flags=re.S) == \
        re.sub(rb"<(fonts|cellXfs) count=\"[0-9]+\">.*?</\1>", b"", new_styles, flags=re.S)


def test_libreoffice_opens_the_result_and_computes_what_it_computes_from_the_openpyxl_one(tmp_path, calc):
    source = workbook(tmp_path / "bang.xlsx", "backan-2023-xa", 30, districts=4)
    by_openpyxl, by_cli = run_both(source, tmp_path, "tinh-lai")
    shown = []
    for path in (by_openpyxl, by_cli):
        with calc.open(path) as doc:
            doc.recalc()
            assert doc.errors() == []
            shown.append({name: doc.get_range(name, "A1:AZ60") for name in doc.sheet_names()})
    assert shown[0] == shown[1]
    assert any(isinstance(v, float) and v > 0 for row in shown[1][load_workbook(by_cli).sheetnames[0]] for v in row)


def test_an_xlsm_keeps_its_macros_byte_for_byte(tmp_path):
    source = tmp_path / "bang.xlsm"
    assert main(["template", "--set", "backan-2024-so", "--with-appraised", "--xlsm", "-o", str(source)]) == 0
    by_openpyxl, by_cli = run_both(source, tmp_path, "tinh-lai")
    before, after = parts(source), parts(by_cli)
    vba = [name for name in before if name.endswith("vbaProject.bin")]
    assert vba and all(after[name] == before[name] for name in vba)
    assert differences(look(by_openpyxl), look(by_cli)) == []


# ---------------------------------------------------------------- what a spreadsheet program saved

def excel_saved(path: Path) -> Path:
    """The workbook as Excel saves one: computed values cached in the formula cells, a calculation chain,
    calcPr without fullCalcOnLoad."""
    items = parts(path)
    sheet = items["xl/worksheets/sheet1.xml"]
    sheet = re.sub(rb'<c r="([A-Z]+[0-9]+)"( s="[0-9]+")?><f>([^<]*)</f><v></v></c>',
                   rb'<c r="\1"\2 t="str"><f>\3</f><v>old</v></c>', sheet)
    items["xl/worksheets/sheet1.xml"] = sheet
    items["xl/calcChain.xml"] = (b'<calcChain xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                                 b'<c r="E7" i="1"/></calcChain>')
    items["xl/_rels/workbook.xml.rels"] = items["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/calcChain" Target="calcChain.xml"/></Relationships>')
    items["[Content_Types].xml"] = items["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/calcChain.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.spreadsheetml.calcChain+xml"/></Types>')
    items["xl/workbook.xml"] = re.sub(rb"<calcPr[^>]*/>", b'<calcPr calcId="191029"/>', items["xl/workbook.xml"])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in items.items():
            z.writestr(name, data)
    return path


def test_a_file_excel_saved_loses_its_old_values_and_its_calculation_chain(tmp_path):
    path = excel_saved(workbook(tmp_path / "bang.xlsx", "backan-2024-so", 10))
    assert b"<v>old</v>" in parts(path)["xl/worksheets/sheet1.xml"]
    assert isinstance(open_book(path), PackageBook)
    assert main(["macro", "tinh-lai", str(path)]) == 0
    after = parts(path)
    assert "xl/calcChain.xml" not in after
    assert b"calcChain" not in after["xl/_rels/workbook.xml.rels"] + after["[Content_Types].xml"]
    assert not any(b"<v>old</v>" in data for data in after.values())
    assert b'fullCalcOnLoad="1"' in after["xl/workbook.xml"]
    assert load_workbook(path)[SO]["E7"].value.startswith("=")


# ---------------------------------------------------------------- packages it does not follow

def test_shared_formulas_go_to_openpyxl(tmp_path):
    path = workbook(tmp_path / "bang.xlsx", "backan-2024-so", 10)
    items = parts(path)
    items["xl/worksheets/sheet1.xml"] = items["xl/worksheets/sheet1.xml"].replace(
        b"<f>", b'<f t="shared" ref="E7:E7" si="0">', 1)
    with zipfile.ZipFile(path, "w") as z:
        for name, data in items.items():
            z.writestr(name, data)
    with pytest.raises(Unsupported):
        PackageBook(path)
    assert isinstance(open_book(path), OpenpyxlBook)
    assert main(["macro", "tinh-lai", str(path)]) == 0


def test_a_value_it_does_not_write_sends_the_macro_to_openpyxl(tmp_path):
    """A date typed in a unit's row moves with the row: the package Book does not write dates, so the CLI runs
    the macro again through openpyxl (nothing was saved by the first attempt) and the result is openpyxl's."""
    import datetime

    source = workbook(tmp_path / "bang.xlsx", "backan-2024-so", 12)
    wb = load_workbook(source)
    ws = wb[SO]
    notes = next(c.column for c in ws[6] if c.value is None and c.column > 2)  # a column of the block with no header
    ws.cell(9, notes).value = datetime.datetime(2024, 5, 1)
    wb.save(source)
    book = PackageBook(source)
    with pytest.raises(Unsupported):
        macros.tinh_lai_xep_hang(book)
    by_openpyxl, by_cli = run_both(source, tmp_path, "tinh-lai")
    assert differences(look(by_openpyxl), look(by_cli)) == []
