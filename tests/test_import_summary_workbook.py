"""The consolidated workbook written without the live builder (`batch.write_summary_workbook`):
its totals, ranks and classes, computed by LibreOffice Calc, equal the core's."""
import os
from decimal import Decimal as D

import pytest
from openpyxl.utils import get_column_letter

from xltools import catalog
from xltools.core.scoring import FieldScores, Unit, UnitsTable, score_table
from xltools.engine import libreoffice as lo
from xltools.importers.batch import write_summary_workbook
from xltools.importers.registry import read_tables

REQUIRED = os.environ.get("XLTOOLS_REQUIRE_LIBREOFFICE") == "1"
pytestmark = pytest.mark.skipif(not lo.available() and not REQUIRED,
                                reason=f"LibreOffice không có sẵn: {lo.unavailable_reason()}")


@pytest.fixture(scope="module")
def calc():
    with lo.CalcSession() as session:
        yield session


def computed(calc, path, cset, count):
    """(name, total, rank, class) per row as Calc computes them."""
    k = 3 if cset.has_survey else 2
    total = 3 + k * len(cset.fields) + k  # 1-based column of Tổng cộng
    letters = [get_column_letter(total + i) for i in range(3)]
    with calc.open(path) as doc:
        doc.recalc()
        assert doc.errors() == []
        return [(doc.get("Tổng hợp", f"B{r}"), *(doc.get("Tổng hợp", f"{c}{r}") for c in letters))
                for r in range(6, 6 + count)]


def expected(cset, units):
    by_name = {r.unit.name: r for r in score_table(cset, units)}
    return [(u.name, float(by_name[u.name].total), by_name[u.name].rank, by_name[u.name].class_label) for u in units]


def test_published_ranking_recomputed_by_calc(calc, tmp_path, data_dir):
    cset = catalog.get("backan-2024-so")
    table = read_tables(data_dir / "phu_luc_backan_2024_so_huyen.txt")[0]
    units = [Unit(u.name, u.fields, criteria=u.criteria) for u in table.units]  # printed totals dropped
    path = tmp_path / "th.xlsx"
    write_summary_workbook(cset, UnitsTable(units), path)
    got = computed(calc, path, cset, len(units))
    assert got == expected(cset, units)
    assert got[0] == ("Văn phòng UBND tỉnh", 96.479, 1, "Tốt") and got[-1][3] == "Khá"


def test_percent_bands_and_blank_rows(calc, tmp_path):
    cset = catalog.get("bacgiang-2023-tinh")  # classes on the percentage, Xuất sắc from 90
    units = [Unit(f"Đơn vị {share}", [FieldScores(self=f.max, appraised=f.max * D(share), survey=f.survey_max * D(share))
                                     for f in cset.fields]) for share in ("0.95", "0.85", "0.7", "0.5", "0.3")]
    path = tmp_path / "pct.xlsx"
    write_summary_workbook(cset, UnitsTable(units + [Unit("Chưa thẩm định", [FieldScores(self=D(1))] * 8)]), path)
    got = computed(calc, path, cset, len(units) + 1)
    assert got[:-1] == expected(cset, units)
    assert [g[3] for g in got] == ["Xuất sắc", "Tốt", "Khá", "Trung bình", "Yếu", ""]
    assert got[-1][1:] == ("", "", "")
