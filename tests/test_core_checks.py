from decimal import Decimal as D

from xltools import catalog
from xltools.core.checks import check_table
from xltools.core.scoring import FieldScores, Printed, Unit, UnitsTable, score_table

SO = catalog.get("backan-2024-so")


def full(name, appraised=9, self_=9, survey=1, reason=None, **printed):
    fields = [FieldScores(self_score=D(self_), appraised=D(appraised), survey=D(survey), reason=reason)]
    fields += [FieldScores(self_score=D(0), appraised=D(0), survey=D("0.5")) for _ in range(6)]
    return Unit(name=name, fields=fields, printed=Printed(**printed), where=f"dòng {name}")


def codes(units, **kw):
    table = UnitsTable(units, **kw)
    return sorted((f.severity, f.code, f.unit) for f in check_table(SO, table, score_table(SO, units)))


def test_clean_table_has_no_findings():
    assert codes([full("Sở A"), full("Sở B", appraised=8, self_=8, survey=2)]) == []


def test_out_of_range_missing_and_duplicates():
    a = full("Sở A", appraised=10)        # field 1 max is 9
    b = full("Sở  a")                      # same unit, other spacing and case
    b.fields[2].appraised = None
    assert codes([a, b]) == sorted([
        ("error", "score-out-of-range", "Sở A"), ("info", "appraised-above-self", "Sở A"),
        ("error", "appraised-missing", "Sở  a"), ("error", "duplicate-unit", "Sở  a"),
        ("warning", "duplicate-survey-row", "Sở  a"),
    ])


def test_reason_required_only_when_the_table_has_reasons():
    units = [full("Sở A", appraised=7, survey=1), full("Sở B", appraised=6, reason="Thiếu báo cáo", survey=2)]
    assert codes(units) == []
    assert codes(units, has_reasons=True) == [("warning", "reason-missing", "Sở A")]


def test_printed_rank_class_order_and_stt():
    units = [full("Sở A", appraised=5, survey=1, stt=1, rank=1, class_label="Xuất sắc"),
             full("Sở B", appraised=9, survey=2, stt=3, rank=2, class_label="Khá")]
    got = codes(units)
    assert ("error", "rank-mismatch", "Sở A") in got and ("error", "rank-mismatch", "Sở B") in got
    assert ("error", "class-unknown", "Sở A") in got        # no Xuất sắc in the 2024 bands
    assert ("warning", "order-mismatch", "Sở B") in got     # higher total listed below
    assert ("warning", "stt-mismatch", "Sở B") in got


def test_printed_totals_beyond_tolerance():
    ok = full("Sở A", survey=1, survey_total=D("4.003"))        # 7 parts, 4,000: gap 0,003 is rounding
    bad = full("Sở B", survey=2, survey_total=D("5.004"))       # gap 0,004 > 7 x 0,0005
    found = codes([ok, bad])
    assert ("error", "total-mismatch", "Sở B") in found and ("error", "total-mismatch", "Sở A") not in found


def test_messages_say_what_to_do():
    units = [full("Sở A", appraised=10, self_=10)]
    f = check_table(SO, UnitsTable(units), score_table(SO, units))[0]
    assert "Sở A" in f.message and "Công tác chỉ đạo" in f.message and "hãy" in f.message


# ------------------------------------------------------------------ one precise finding per cell

def test_one_finding_per_invalid_cell_with_a_vietnamese_label():
    from xltools.core.scoring import OVER_FORMULA, TEXT, CellProblem

    a = full("Sở A")
    for i, s in enumerate(a.fields):
        s.cells = {kind: f"Tổng hợp Sở!{kind}{i}" for kind in ("self", "appraised", "survey")}
    a.fields[1].appraised = None          # "8,5" typed as text: no value, one problem
    a.problems.append(CellProblem(TEXT, "appraised", "8,5", "Tổng hợp Sở!G8", field=1))
    a.fields[2].appraised = D(-1)         # negative
    a.fields[3].self_score = D(12)              # above the maximum 5
    a.problems.append(CellProblem(TEXT, "survey", "mười", "ĐT XHH Sở!D9", field=4))
    a.fields[4].survey = None
    a.problems.append(CellProblem(OVER_FORMULA, "Tổng cộng", "99", "Tổng hợp Sở!AA8"))
    b = full("Sở B")
    units = [a, b]
    results = score_table(SO, units, expect_fields=True)
    found = check_table(SO, UnitsTable(units), results, expect_appraised=True)
    cells = [f.where for f in found if f.unit == "Sở A" and f.severity == "error"]
    assert len(cells) == len(set(cells)) == 5, found  # one finding per cell, none twice
    by_code = {f.code: f for f in found if f.unit == "Sở A"}
    text = next(f for f in found if f.where == "Tổng hợp Sở!G8")
    assert text.where == "Tổng hợp Sở!G8" and text.field == "Cải cách thể chế"
    assert "'8,5'" in text.message and "gõ lại 8,5" in text.message and text.label == "Ô điểm không phải số"
    assert text.text.startswith("Ô điểm không phải số: Sở A – Cải cách thể chế:")
    assert "'mười'" in [f for f in found if f.where == "ĐT XHH Sở!D9"][0].message
    assert not any(f.code in ("appraised-missing", "survey-missing") for f in found if f.unit == "Sở A")
    negative = [f for f in found if f.code == "score-out-of-range" and "âm" in f.message]
    assert len(negative) == 1 and negative[0].field == "Cải cách thủ tục hành chính"
    assert by_code["formula-overwritten"].where == "Tổng hợp Sở!AA8" and "'99'" in by_code["formula-overwritten"].message
    assert {r.unit.name: r.rank for r in results} == {"Sở A": None, "Sở B": 1}
    assert all(f.label and f.label != f.code for f in found)
    assert "label" in found[0].as_dict()


def test_a_blank_appraised_score_says_the_unit_is_not_ranked():
    a, b = full("Sở A"), full("Sở B")
    b.fields[1].appraised = None
    results = score_table(SO, [a, b], expect_fields=True)
    (f,) = [f for f in check_table(SO, UnitsTable([a, b]), results, expect_appraised=True)
            if f.unit == "Sở B" and f.code != "duplicate-survey-row"]
    assert f.code == "appraised-missing" and f.label == "Thiếu Thẩm định" and "chưa được xếp hạng" in f.message


def test_a_survey_name_that_matches_nothing_is_an_error():
    from xltools.core.scoring import StrayRow

    table = UnitsTable([full("Sở A")], sheet="Tổng hợp Sở", strays=[StrayRow("Sở Tư Phap", "ĐT XHH Sở", "ĐT XHH Sở!B9")])
    (f,) = check_table(SO, table, score_table(SO, table.units))
    assert (f.severity, f.code, f.where) == ("error", "name-unmatched", "ĐT XHH Sở!B9")
    assert "Sở Tư Phap" in f.message and "ĐT XHH Sở" in f.message


def test_a_printed_rank_for_an_incomplete_unit_is_flagged():
    a = full("Sở A", rank=1, class_label="Tốt")
    a.fields[2].appraised = None
    got = codes([a, full("Sở B")])
    assert ("warning", "ranked-incomplete", "Sở A") in got and ("error", "appraised-missing", "Sở A") in got


def test_same_name_in_another_kind_or_with_other_diacritics_is_another_unit():
    """Since the 2025 merger a province has 'Xã Tân Lập' beside 'Phường Tân Lập', 'Xã Yên Phù' beside 'Xã Yên
    Phú': two units (a note in case one is a typo); 'UBND xã Tân Lập' and 'xã  tân lập' are still one."""
    names = ["Xã Tân Lập", "Phường Tân Lập", "Xã Yên Phù", "Xã Yên Phú", "UBND xã  tân lập", "TP. Bắc Kạn",
             "Thành phố Bắc Kạn"]
    units = [full(name, survey=f"0.{i}") for i, name in enumerate(names, start=1)]  # no two alike survey rows
    assert [c for c in codes(units) if c[1] in ("duplicate-unit", "name-similar")] == sorted([
        ("info", "name-similar", "Phường Tân Lập"), ("info", "name-similar", "Xã Yên Phú"),
        ("error", "duplicate-unit", "UBND xã  tân lập"), ("error", "duplicate-unit", "Thành phố Bắc Kạn")])


def test_names_are_found_as_the_same_unit_first_then_loosely():
    from xltools.core.names import NameIndex, unit_key

    assert unit_key("UBND TP. Bắc Kạn") == unit_key("thành phố  Bắc Kạn") == "thành phố bắc kạn"
    assert unit_key("Xã Tân Lập") != unit_key("Phường Tân Lập") and unit_key("Yên Phù") != unit_key("Yên Phú")
    known = NameIndex(["Xã Tân Lập", "Phường Tân Lập", "Xã Yên Phù", "Xã Yên Phú", "Sở Tư pháp"])
    assert known.find("Phường Tân Lập") == ["Phường Tân Lập"] and known.one("UBND xã Tân Lập") == "Xã Tân Lập"
    assert known.find("Tân Lập") == ["Xã Tân Lập", "Phường Tân Lập"] and known.one("Tân Lập") is None  # ambiguous
    assert known.find("Yen Phu") == ["Xã Yên Phù", "Xã Yên Phú"] and known.one("Xã Yên Phù") == "Xã Yên Phù"
    assert known.one("So Tu phap") == "Sở Tư pháp" and known.find("Sở Nội vụ") == []


def test_printed_classes_in_other_case_or_with_loai_are_the_bands_classes():
    from xltools.core.checks import class_key

    assert class_key("TỐT") == class_key("Loại tốt") == class_key("Xếp loại  Tốt") == class_key("Tốt") == "tốt"
    assert class_key("Kha") != class_key("Khá")  # diacritics count
    ok, wrong = full("Sở A"), full("Sở B", appraised=8, self_=8, survey=2)
    classed = {r.unit.name: r.class_label for r in score_table(SO, [ok, wrong])}
    ok.printed.class_label = classed["Sở A"].upper()
    other = next(label for label in SO.band_labels() if label != classed["Sở B"])
    wrong.printed.class_label = f"Loại {other.lower()}"
    found = [c for c in codes([ok, wrong]) if c[1].startswith("class")]
    assert found == [("error", "class-mismatch", "Sở B")]  # a known class, wrongly printed: not an unknown one


def test_a_set_of_another_year_or_province_is_a_warning():
    def other(**where):
        units = [full("Sở A")]
        return [c for c in check_table(SO, UnitsTable(units, **where), score_table(SO, units))
                if c.code == "set-other-table"]

    assert other(province="Bắc Kạn", year=2024) == [] and other() == []
    [year] = other(province="Bắc Kạn", year=2025)
    assert year.severity == "warning" and "năm 2025 (bộ tiêu chí cho năm 2024)" in year.message
    [province] = other(province="Thái Nguyên", year=2024)
    assert "tỉnh Thái Nguyên (bộ tiêu chí của tỉnh Bắc Kạn)" in province.message
    [level] = other(province="Bắc Kạn", year=2024, level="xa")  # a commune table read with the sở set
    assert "cấp UBND xã, phường, thị trấn (bộ tiêu chí cấp sở, ban, ngành)" in level.message
    assert other(province="Bắc Kạn", year=2024, level="so") == []


def test_every_finding_code_has_a_vietnamese_label():
    """Users read the label ('Tổng sai'), not the code: a code the source emits without a label would print
    'total-missing [total-missing]'."""
    import re
    from pathlib import Path

    from xltools.core.checks import LABELS

    source = "\n".join(p.read_text(encoding="utf-8") for p in (Path(__file__).parents[1] / "xltools").rglob("*.py"))
    emitted = set(re.findall(r'(?:Finding\((?:ERROR|WARNING|INFO), |_add\(out, (?:ERROR|WARNING|INFO), |'
                             r'_finding\(part, |remarks\.append\(\()"([a-z0-9-]+)"', source))
    emitted |= set(re.findall(r'^[A-Z_]+ = "([a-z]+(?:-[a-z]+)+)"$', source, re.MULTILINE))  # codes kept in constants
    assert len(emitted) > 30 and sorted(c for c in emitted if c not in LABELS) == []


def test_identical_survey_rows_are_found_when_some_fields_have_no_survey_part(data_dir):
    """Gia Lai 2025: fields 3–5 have no ĐT XHH; two communes with the same ĐT XHH in the three fields that have one
    are the copied row the check looks for (it skipped every row with a blank anywhere)."""
    from xltools.core.evaluate import evaluate

    cset = catalog.load_file(data_dir / "gialai_xa_2025_survey_field.yaml")

    def unit(name, surveys):
        it = iter(surveys)
        return Unit(name, [FieldScores(self_score=f.max, appraised=f.max,
                                       survey=next(it) if f.survey_max > 0 else None) for f in cset.fields])
    table = UnitsTable(units=[unit("Phường Quy Nhơn", [D("1.8"), D("4.25"), D("6.123")]),
                              unit("Xã Ia Grai", [D("1.9"), D("4.5"), D("8.5")]),
                              unit("Xã Chư Sê", [D("1.8"), D("4.25"), D("6.123")])])
    (e,) = evaluate([(table, cset)])
    assert [(f.unit, f.code) for f in e.findings if f.code == "duplicate-survey-row"] == [
        ("Xã Chư Sê", "duplicate-survey-row")]


def test_printed_totals_outside_the_sets_maxima_are_errors():
    # a table of Thẩm định + ĐT XHH + Tổng cộng without field scores (QA finding 1): the set's maxima are 86,5 and 13,5
    def row(name, appraised, survey, total):
        return Unit(name=name, fields=[FieldScores() for _ in SO.fields], where=f"dòng {name}",
                    printed=Printed(appraised_total=D(appraised), survey_total=D(survey), total=D(total)))

    units = [row("Sở A", 80, 14, 94), row("Sở B", 87, 3, 90), row("Sở C", 70, 12, 82), row("Sở D", "-1", 1, 0)]
    found = [f for f in check_table(SO, UnitsTable(units), score_table(SO, units)) if f.code == "score-out-of-range"]
    assert [(f.unit, f.field, f.severity) for f in found] == [
        ("Sở A", "Tổng điểm ĐT XHH", "error"), ("Sở B", "Tổng điểm thẩm định", "error"),
        ("Sở D", "Tổng điểm thẩm định", "error")]  # Tổng cộng 94 > … is no second error for the same part
    assert "Sở A" in found[0].message and "14" in found[0].message and "13,5" in found[0].message \
        and "hãy" in found[0].message and found[0].where == "dòng Sở A"
    assert "âm" in found[2].message


def test_a_total_over_the_maximum_its_header_prints_is_an_error_without_a_set():
    from xltools.core.criteria import totals_only_set
    from xltools.core.scoring import HeaderMax

    cset = totals_only_set(2)  # no set: no maximum but the header's
    units = [Unit(name=name, fields=[], printed=Printed(total=D(t)), where=name) for name, t in
             (("Sở A", 120), ("Sở B", 103), ("Sở C", "-5"))]
    table = UnitsTable(units, header_maxima=[HeaderMax(None, "total", D(105), "tiêu đề cột 'Tổng điểm (Tối đa 105)'")])
    found = [f for f in check_table(cset, table, score_table(cset, units)) if f.code == "score-out-of-range"]
    assert [f.unit for f in found] == ["Sở A", "Sở C"]
    assert "120" in found[0].message and "105 ghi ở tiêu đề cột" in found[0].message
    table.header_maxima = []  # nothing says the maximum: only a negative total is out of range
    found = [f for f in check_table(cset, table, score_table(cset, units)) if f.code == "score-out-of-range"]
    assert [f.unit for f in found] == ["Sở C"] and "khoảng" not in found[0].message
