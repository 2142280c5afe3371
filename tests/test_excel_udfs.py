"""The CCHC_ worksheet functions agree with the core on the seed tables, in the shapes xlwings uses."""
import importlib
import io
import re
import sys
import types

import pytest
import xlwings

from xltools.core.checks import SEVERITY_LABEL, by_severity
from xltools.core.evaluate import evaluate
from xltools.core.scoring import lost_points
from xltools.excel import udfs
from xltools.excel.functions import NO_FINDINGS
from xltools.excel.tables import summary_columns
from xltools.excel.udfs import CCHC_BANGXEPHANG, CCHC_DIEMCANTHEM, CCHC_MATDIEM, CCHC_XEPHANG, CCHC_XEPLOAI
from xltools.importers.registry import load

SEEDS = ["phu_luc_backan_2024_so_huyen.txt", "bao_cao_118_backan_2023_huyen_xa.txt", "quyet_dinh_backan_2023_xa.txt"]


def f(value):
    return None if value is None else float(value)


def evaluations(data_dir):
    return [e for seed in SEEDS for e in evaluate(load(data_dir / seed))]


def in_table_order(e):
    by_unit = {id(r.unit): r for r in e.results}
    return [by_unit[id(u)] for u in e.table.units]


def column(values):
    return [[v] for v in values]


def test_decorators_are_no_ops_here():
    def g(x):
        return x
    assert xlwings.func(g) is g and xlwings.arg("x", ndim=2)(g) is g and xlwings.ret(expand="table")(g) is g


def test_class_rank_points_agree_with_core_on_seeds(data_dir):
    seen = 0
    for e in evaluations(data_dir):
        results = in_table_order(e)
        totals = column([f(r.total) for r in results])
        assert CCHC_XEPLOAI(totals, e.cset.id) == column([r.class_label for r in results])
        assert CCHC_XEPHANG(totals, totals, e.cset.id) == column([r.rank for r in results])
        assert CCHC_DIEMCANTHEM(totals, e.cset.id) == column([f(r.points_to_next) for r in results])
        assert CCHC_DIEMCANTHEM(totals, e.cset.id, True) == [[f(r.points_to_next), r.next_class] for r in results]
        bands = [[b.label, float(b.min), float(i)] for i, b in enumerate(e.cset.bands, start=1)]  # as on Cấu hình
        assert CCHC_XEPLOAI(totals, [["Xếp loại", "Điểm từ"]] + bands) == column([r.class_label for r in results])
        seen += len(results)
    assert seen > 40


def test_ranking_table_is_the_core_ranking(data_dir):
    for e in evaluations(data_dir):
        units = e.table.units
        by_unit = {id(r.unit): r for r in e.results}
        names = column([u.name for u in units])
        totals = [[f(by_unit[id(u)].appraised_total), f(by_unit[id(u)].total)] for u in units]
        expected = [[r.stt, r.unit.name, f(r.appraised_total), f(r.total), r.rank, r.class_label] for r in e.results]
        assert CCHC_BANGXEPHANG(names, totals, e.cset.id) == expected


def test_lost_criteria_from_a_detail_range(data_dir):
    (table, cset), = load(data_dir / "bieu_tu_danh_gia_bacgiang_2023_tinh.txt")
    unit = table.units[0]
    codes = column(list(unit.criteria))
    scores = [[f(s.self_score), f(s.appraised)] for s in unit.criteria.values()]
    expected = [[code, name, float(points)] for code, name, points in lost_points(unit, cset)]
    assert expected and CCHC_MATDIEM(codes, scores, cset.id) == expected
    text, = CCHC_MATDIEM(codes, scores, cset.id, True)[0]
    assert text.startswith(f"{expected[0][0]} {expected[0][1]} (-")


def test_shapes_as_xlwings_passes_them():
    # one cell arrives as a scalar, a row or column as a 1-D list, a block as 2-D; blanks as None
    assert CCHC_XEPLOAI(96.479, "backan-2024-so") == [["Tốt"]]
    assert CCHC_XEPLOAI([79.99999999999999, None, 69.9996], "backan-2024-so") == [["Tốt"], [None], ["Khá"]]
    assert CCHC_XEPLOAI([[90.0, 50.0], [None, 10.0]], "backan-2022-so") == [["Xuất sắc", "Trung bình"], [None, "Yếu"]]
    ranked = CCHC_XEPHANG([[90.0], [80.0], [90.0004], [None]], [[90.0], [80.0], [90.0004], [None]])
    assert ranked == [[1], [3], [1], [None]]  # rounded to 3 decimals first: 90,0004 ties with 90
    assert CCHC_XEPHANG([[85.0]], [[90.0], [80.0]], 2) == [[2]]  # a total outside the range still ranks
    table = CCHC_BANGXEPHANG(["A", "B", "C"], [[70.0], [90.0], [70.0]], "backan-2024-so")
    assert table == [[1, "B", 90.0, 1, "Tốt"], [2, "A", 70.0, 2, "Khá"], [3, "C", 70.0, 2, "Khá"]]
    for row in CCHC_DIEMCANTHEM([[75.0], [85.0]], "backan-2024-so"):
        assert all(v is None or type(v) is float for v in row)


def test_problems_come_back_as_vietnamese_text():
    message, = CCHC_XEPLOAI([[80.0], ["tám mươi"]], "backan-2024-so")[0]
    assert message.startswith("Lỗi:") and "không phải là số" in message
    assert "Không có bộ tiêu chí" in CCHC_XEPLOAI(80.0, "khong-co")[0][0]
    assert "Thiếu bộ tiêu chí" in CCHC_XEPLOAI(80.0, None)[0][0]
    assert "cây tiêu chí" in CCHC_MATDIEM(["1.1"], [5.0], "backan-2024-so")[0][0]
    assert "cùng số dòng" in CCHC_BANGXEPHANG(["A"], [[1.0], [2.0]], "backan-2024-so")[0][0]


VBA_RESERVED = {"and", "as", "call", "case", "const", "date", "dim", "do", "each", "else", "end", "error", "exit",
                "for", "function", "get", "if", "in", "is", "let", "like", "me", "mod", "name", "new", "next", "not",
                "nothing", "on", "open", "option", "optional", "or", "print", "range", "set", "static", "step", "stop",
                "string", "sub", "then", "to", "type", "until", "value", "wend", "while", "with", "xor"}


@pytest.fixture
def windows_udfs(monkeypatch):
    """The module decorated by xlwings' real Windows decorators (pywin32 stubbed out)."""
    stubs = {"pythoncom": {"CoInitialize": lambda: None}, "pywintypes": {"com_error": Exception},
             "win32com": {}, "win32com.client": {"Dispatch": lambda *a: None}}
    for name, attrs in stubs.items():
        module = types.ModuleType(name)
        module.__dict__.update(attrs)
        monkeypatch.setitem(sys.modules, name, module)
    monkeypatch.delitem(sys.modules, "xlwings.udfs", raising=False)
    win = importlib.import_module("xlwings.udfs")
    monkeypatch.setattr(xlwings, "func", win.xlfunc)
    monkeypatch.setattr(xlwings, "arg", win.xlarg)
    monkeypatch.setattr(xlwings, "ret", win.xlret)
    yield win, importlib.reload(udfs)
    monkeypatch.undo()
    sys.modules.pop("xlwings.udfs", None)
    importlib.reload(udfs)


def test_excel_import_of_the_functions(windows_udfs):
    win, module = windows_udfs
    vba = io.StringIO()
    win.generate_vba_wrapper("xltools.excel.udfs", module, vba, types.SimpleNamespace(Name="cchc.xlsm"))
    declared = re.findall(r"^Function (\w+)\((.*)\)$", vba.getvalue(), re.M)
    assert sorted(name for name, _ in declared) == sorted(u.__name__ for u in udfs.UDFS)
    for name, _params in declared:
        assert re.fullmatch(r"CCHC_[A-Z]+", name)
        info = getattr(module, name).__xlfunc__
        assert info["category"] == udfs.CATEGORY and len(info["ret"]["doc"]) <= 255 and "\n" not in info["ret"]["doc"]
        for arg in info["args"]:
            assert re.fullmatch(r"[a-z][a-z_]*", arg["name"]) and arg["name"] not in VBA_RESERVED
            assert not arg["doc"].startswith("Positional") and len(arg["doc"]) <= 255
    assert module.CCHC_XEPLOAI.__xlfunc__["args"][0]["options"] == {"ndim": 2}
    assert module.CCHC_XEPLOAI(96.479, "backan-2024-so") == [["Tốt"]]


def summary_row(unit, cset, n):
    """A unit as a row of the summary sheet (the positions KIEMTRA reads), values as Excel hands them."""
    t = summary_columns(cset, n).layout
    p = unit.printed
    row = [None] * t.last_col
    for column, value in ((t.stt, p.stt), (t.name, unit.name), (t.district, unit.district), (t.rank, p.rank),
                          (t.class_, p.class_label)):
        if column:
            row[column - 1] = float(value) if isinstance(value, int) else value
    for s, fc in zip(unit.fields, t.fields):
        for kind, column in fc.by_kind().items():
            row[column - 1] = f(s.score(kind))
    for kind, column in t.total_columns().items():
        row[column - 1] = f(getattr(p, "total" if kind == "total" else f"{kind}_total"))
    return row


ABOUT_THE_FILE = {"header-max-mismatch", "district-rule-unavailable", "district-rule-pending"}  # headers, other tables: not in the range


def test_findings_agree_with_core_on_seeds(data_dir):
    checked = 0
    for e in (e for seed in SEEDS for e in evaluate(load(data_dir / seed), expect_appraised=True)):
        if not any(s.appraised is not None for u in e.table.units for s in u.fields):
            continue  # a table of totals only: no field columns to hand over
        n = len(e.table.units)
        lines = udfs.CCHC_KIEMTRA([summary_row(u, e.cset, n) for u in e.table.units], e.cset.id)
        expected = [f"[{SEVERITY_LABEL[x.severity]}] {x.text}" for x in by_severity(e.findings)
                    if x.code not in ABOUT_THE_FILE]  # errors first, as `check` and the Kiểm tra sheet list them
        assert [line.split(" (dòng ")[0] for line, in lines] == (expected or [NO_FINDINGS])
        checked += 1
    assert checked >= 3


def test_findings_name_the_row_of_the_range():
    rows = [[1.0, "Sở A"] + [5.0, 9.9, 1.0] * 7, [2.0, "Sở B"] + [5.0, None, 1.0] * 7]
    lines = [line for line, in udfs.CCHC_KIEMTRA(rows, "backan-2024-so")]
    assert any("ngoài khoảng" in x and "dòng 1, cột 7 của vùng" in x for x in lines)  # 9,9 > 8,5 (field 2)
    assert any("chưa có điểm Thẩm định" in x and "dòng 2, cột 4" in x for x in lines)
    assert "cần ít nhất" in udfs.CCHC_KIEMTRA([[1.0, "Sở A", 5.0]], "backan-2024-so")[0][0]


def test_findings_of_a_text_cell_are_one_line_like_the_live_column():
    """"8,5" typed as text in a range handed to CCHC_KIEMTRA is one finding (the label first, the cell,
    how to retype), never also "missing" or "out of range"; the unit is then not complete."""
    rows = [[1.0, "Sở A"] + [5.0, 5.0, 1.0] * 7, [2.0, "Sở B"] + [5.0, 5.0, 1.0] * 7]
    rows[0][3] = "8,5"  # field 1, Thẩm định
    lines = [line for line, in udfs.CCHC_KIEMTRA(rows, "backan-2024-so")]
    about = [x for x in lines if "dòng 1, cột 4 của vùng" in x]
    assert len(about) == 1 and about[0].startswith("[LỖI] Ô điểm không phải số: Sở A") and "gõ lại 8,5" in about[0]
    assert not any("Sở A" in x and ("ngoài khoảng" in x or "Thiếu Thẩm định" in x) for x in lines)
