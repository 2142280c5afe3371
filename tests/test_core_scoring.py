from decimal import Decimal as D

from xltools import catalog
from xltools.core.criteria import from_dict
from xltools.core.evaluate import evaluate
from xltools.core.numbers import to_decimal
from xltools.core.scoring import FieldScores, Unit, UnitsTable, district_rule_class, points_to_next, ranks, score_table

XA = catalog.get("backan-2023-xa")
HUYEN = catalog.get("backan-2024-huyen")


def unit(name, appraised, survey=None, district=None, n=7):
    """A unit whose appraised scores are `appraised` spread over the first fields."""
    fields = [FieldScores(appraised=D(0), survey=None if survey is None else D(0)) for _ in range(n)]
    for i, value in enumerate(appraised):
        fields[i].appraised = to_decimal(value)
    if survey is not None:
        fields[0].survey = to_decimal(survey)
    return Unit(name=name, fields=fields, district=district)


def test_ties_share_a_rank_and_the_next_skips():
    assert ranks([D(90), D(85), D(85), D(80), None]) == [1, 2, 2, 4, None]
    results = score_table(XA, [unit("A", [20]), unit("B", [21]), unit("C", [20]), unit("D", [19])])
    assert [(r.unit.name, r.rank, r.stt) for r in results] == [("B", 1, 1), ("A", 2, 2), ("C", 2, 3), ("D", 4, 4)]


def test_threshold_reached_after_rounding():
    # 34,3 + 29,9 + 15,8 is 79,99999999999999 in floats: it must be 80 and Tốt
    so = catalog.get("backan-2024-so")
    u = Unit("X", [FieldScores(appraised=to_decimal(v)) for v in (9, 8.5, 19.5, 5, 9.5, 14, 0)])
    u.fields[6].appraised = to_decimal(34.3 + 29.9 + 15.8 - 65.5)  # float noise, as Excel would pass it
    assert score_table(so, [u])[0].appraised_total == D("80.000")


def test_threshold_edges_at_three_decimals():
    so = catalog.get("backan-2024-so")

    def total_of(value):
        u = Unit("X", [FieldScores(appraised=D(value), survey=D(0))]
                 + [FieldScores(appraised=D(0), survey=D(0)) for _ in range(6)])
        return score_table(so, [u])[0]

    r = total_of("79.9995")  # rounds to 80,000 at 3 decimals: Tốt
    assert r.total == D("80.000") and r.class_label == "Tốt" and r.points_to_next is None
    r = total_of("79.9994")  # rounds to 79,999: Khá, 0,001 short
    assert r.total == D("79.999") and r.class_label == "Khá"
    assert r.points_to_next == D("0.001") and r.next_class == "Tốt"
    assert total_of("49.9995").class_label == "Trung bình"
    assert total_of("0").class_label == "Yếu"


def test_float_sum_34_3_29_9_15_8():
    units = [Unit("X", [FieldScores(appraised=to_decimal(v)) for v in (34.3, 29.9, 15.8, 0, 0, 0, 0)])]
    assert score_table(XA, units)[0].class_label == "Tốt"


def test_total_is_appraised_plus_survey_and_printed_total_within_tolerance_is_kept():
    u = unit("A", [12.5, 8], survey=2.3456)
    r = score_table(HUYEN, [u])[0]
    assert r.appraised_total == D("20.500") and r.survey_total == D("2.346") and r.total == D("22.846")


def test_district_rule():
    assert district_rule_class("Tốt", ["Tốt", "Tốt", "Khá"], HUYEN) == "Tốt"      # 2/3 exactly: keeps
    assert district_rule_class("Tốt", ["Tốt", "Khá", "Khá"], HUYEN) == "Khá"      # 1/3: one class lower
    assert district_rule_class("Khá", ["Tốt", "Trung bình", "Yếu"], HUYEN) == "Trung bình"
    assert district_rule_class("Khá", ["Xuất sắc", "Tốt", "Yếu"], HUYEN) == "Khá"  # higher counts
    assert district_rule_class("Yếu", ["Yếu"], HUYEN) == "Yếu"                     # nothing lower


def test_district_rule_through_evaluate():
    huyen = UnitsTable([unit("Huyện Ba Bể", [13, 8, 20, 5, 11, 10, 19], survey=2)], level="huyen")
    xa = UnitsTable([unit(f"Xã {i}", [21.5, 10.5, 25.5, 6.5, 6.5, 8, v], district="Huyện Ba Bể")
                     for i, v in enumerate([21.5, 0, 0])], level="xa")
    e_huyen, e_xa = evaluate([(huyen, HUYEN), (xa, XA)])
    assert [r.class_label for r in e_xa.results] == ["Tốt", "Khá", "Khá"]
    assert e_huyen.results[0].class_label == "Tốt" and e_huyen.results[0].class_after_rule == "Khá"
    assert not [f for f in e_huyen.findings if f.code == "district-rule-unavailable"]


def test_empty_table():
    assert score_table(HUYEN, []) == []
    (e,) = evaluate([(UnitsTable([]), HUYEN)])
    assert [f.code for f in e.findings] == ["empty-table"]


def test_level_without_districts():
    (e,) = evaluate([(UnitsTable([unit("Sở A", [9, 8.5])]), catalog.get("backan-2024-so"))])
    assert e.results[0].class_after_rule is None
    assert not [f for f in e.findings if f.code.startswith("district")]


SMALL = from_dict({
    "id": "tinh-50", "level": "tinh", "decimals": 2, "bands_basis": "percent",
    "fields": [{"name": "A", "max": 30}, {"name": "B", "max": 15, "survey_max": 5}],
    "bands": [{"label": "Xuất sắc", "min": 90}, {"label": "Tốt", "min": 80}, {"label": "Yếu", "min": 0}],
})


def test_set_whose_maximum_is_not_100():
    assert SMALL.max_total == 50
    u = Unit("X", [FieldScores(appraised=D(30)), FieldScores(appraised=D("9.4"), survey=D(5))])
    r = score_table(SMALL, [u])[0]
    assert r.total == D("44.40") and r.percent == D("88.80") and r.class_label == "Tốt"
    assert r.points_to_next == D("0.60") and r.next_class == "Xuất sắc"  # 45 points is 90 %
    assert points_to_next(D("45.00"), SMALL) == (None, None)


def test_blank_is_not_zero_for_totals():
    u = Unit("X", [FieldScores(), FieldScores()])
    r = score_table(SMALL, [u])[0]
    assert r.total is None and r.rank is None and r.class_label is None


BONUS = from_dict({
    "id": "hn-2025", "level": "so", "decimals": 2, "bonus_penalty": {"bonus_max": 3, "penalty_max": 5},
    "fields": [{"name": "A", "max": 80, "survey_max": 20}],
    "bands": [{"label": "Tốt", "min": 80}, {"label": "Khá", "min": 0}],
})


def test_bonus_and_penalty_enter_the_total():
    u = Unit("X", [FieldScores(appraised=D(70), survey=D("8.5"))], bonus=D(2), penalty=D("0.5"))
    r = score_table(BONUS, [u])[0]
    assert r.total == D("80.00") and r.class_label == "Tốt"
    (e,) = evaluate([(UnitsTable([Unit("Y", [FieldScores(appraised=D(1), survey=D(1))], bonus=D(4))]), BONUS)])
    assert [f.code for f in e.findings] == ["score-out-of-range"]  # bonus above its maximum of 3


def test_district_names_match_loosely_in_documents_and_exactly_in_workbooks():
    """A report writes 'TP Bắc Kạn' for the district of 'Thành phố Bắc Kạn' communes: the same unit.
    A workbook's formulas count communes by the exact district text (any case), so the core does too
    there, and says which communes the rule leaves out."""
    full_marks = [21.5, 10.5, 25.5, 6.5, 6.5, 8, 21.5]

    def tables(exact):
        huyen = UnitsTable([unit("Huyện Ngân Sơn", [13, 8, 20, 5, 11, 10, 19], survey=2)], level="huyen",
                           exact_names=exact)
        xa = UnitsTable([unit("Xã A", full_marks, district="huyện ngân sơn"),
                         unit("Xã B", full_marks, district="Ngân Sơn"),
                         unit("Xã C", [0], district="Huyện Ngân Sơn")], level="xa", exact_names=exact)
        return evaluate([(huyen, HUYEN), (xa, XA)])

    e_huyen, e_xa = tables(exact=False)  # 2 of 3 communes Tốt: keeps Tốt
    assert e_huyen.results[0].class_after_rule == "Tốt"
    assert not [f for f in e_xa.findings if f.code == "district-unknown"]
    e_huyen, e_xa = tables(exact=True)   # 'Ngân Sơn' is not counted, as in the workbook: 1 of 2, Khá
    assert e_huyen.results[0].class_after_rule == "Khá"
    (f,) = [f for f in e_xa.findings if f.code == "district-unknown"]
    assert f.unit == "Xã B" and f.severity == "warning" and "Huyện Ngân Sơn" in f.message


# ------------------------------------------------------------------ complete units only are ranked

SO = catalog.get("backan-2024-so")


def so_unit(name, appraised=5, survey=1):
    """A field at most `appraised` (the maxima differ), survey 1 everywhere."""
    return Unit(name, [FieldScores(self_score=min(D(appraised), f.max), appraised=min(D(appraised), f.max), survey=D(survey))
                       for f in SO.fields])


def test_an_incomplete_unit_keeps_its_running_totals_but_no_rank_or_class():
    a, b, c, d = so_unit("A", 8), so_unit("B", 7), so_unit("C", 6), so_unit("D", 5)
    b.fields[1].appraised = None                      # one field not appraised yet
    results = score_table(SO, [a, b, c, d], expect_fields=True)
    by = {r.unit.name: r for r in results}
    assert by["B"].appraised_total == D(40) and by["B"].total == D(47)  # the running totals are shown
    assert by["B"].rank is None and by["B"].class_label is None and by["B"].points_to_next is None
    assert [(g.kind, g.field) for g in by["B"].missing] == [("appraised", "Cải cách thể chế")]
    assert not by["B"].complete and by["A"].complete
    # the others are ranked among themselves; the incomplete unit comes last
    assert [(r.unit.name, r.rank, r.stt) for r in results] == [("A", 1, 1), ("C", 2, 2), ("D", 3, 3), ("B", None, 4)]


def test_survey_scores_are_part_of_complete():
    a, b = so_unit("A"), so_unit("B")
    for f in b.fields:
        f.survey = None
    by = {r.unit.name: r for r in score_table(SO, [a, b], expect_fields=True)}
    assert by["B"].rank is None and {g.kind for g in by["B"].missing} == {"survey"}
    assert len(by["B"].missing) == len(SO.fields)
    assert by["A"].rank == 1


def test_a_cell_that_holds_text_makes_the_unit_incomplete():
    from xltools.core.scoring import TEXT, CellProblem

    a, b = so_unit("A"), so_unit("B", 6)
    b.fields[2].appraised = None
    b.problems.append(CellProblem(TEXT, "appraised", "8,5", "Tổng hợp Sở!J8", field=2))
    by = {r.unit.name: r for r in score_table(SO, [a, b], expect_fields=True)}
    assert by["B"].rank is None and [(g.kind, g.field, g.cell) for g in by["B"].missing] == [
        ("invalid", "Cải cách thủ tục hành chính", "Tổng hợp Sở!J8")]  # not also "appraised missing"
    assert by["A"].rank == 1


def test_out_of_range_unranks_in_a_workbook_but_not_in_a_published_document():
    a, b = so_unit("A"), so_unit("B")
    b.fields[0].appraised = D(12)  # maximum 9
    assert {r.unit.name: r.rank for r in score_table(SO, [a, b], expect_fields=True)} == {"A": 1, "B": None}
    assert {r.unit.name: r.rank for r in score_table(SO, [a, b])} == {"A": 2, "B": 1}  # reported, not unranked


def test_a_row_of_totals_only_is_complete_with_its_total():
    from xltools.core.scoring import Printed

    rows = [Unit("A", [FieldScores() for _ in SO.fields], printed=Printed(total=D(90))),
            Unit("B", [FieldScores() for _ in SO.fields], printed=Printed(total=D(80)))]
    assert [r.rank for r in score_table(SO, rows)] == [1, 2]


def test_the_district_rule_waits_for_every_commune():
    """An incomplete commune has no class: the 2/3 rule cannot count it, so the district's class after the
    rule stays empty and a warning names the communes it waits for."""
    full_marks = [21.5, 10.5, 25.5, 6.5, 6.5, 8, 21.5]
    huyen = UnitsTable([unit("Huyện Ngân Sơn", [13, 8, 20, 5, 11, 10, 19], survey=2)], level="huyen")
    for f in huyen.units[0].fields:
        f.survey = f.survey if f.survey is not None else D(0)
    communes = [unit(f"Xã {i}", full_marks, district="Huyện Ngân Sơn") for i in range(3)]
    communes[2].fields[3].appraised = None
    evaluations = evaluate([(huyen, HUYEN), (UnitsTable(communes, level="xa"), XA)])
    (district,) = evaluations[0].results
    assert district.class_label == "Tốt" and district.class_after_rule is None
    pending = [f for f in evaluations[0].findings if f.code == "district-rule-pending"]
    assert len(pending) == 1 and "Xã 2" in pending[0].message and "1/3" in pending[0].message
    assert not any(f.code == "district-rule-unavailable" for f in evaluations[0].findings)
    communes[2].fields[3].appraised = D("6.5")
    evaluations = evaluate([(huyen, HUYEN), (UnitsTable(communes, level="xa"), XA)])
    assert evaluations[0].results[0].class_after_rule == "Tốt"


def test_a_field_without_an_appraised_part_needs_no_thẩm_định(data_dir):
    """A field scored by the survey alone (max 0, survey_max 10) keeps no unit from being ranked."""
    from xltools.core.scoring import gaps

    cset = catalog.load_file(data_dir / "gialai_xa_2025_survey_field.yaml")
    fields = [FieldScores(self_score=f.max, appraised=f.max, survey=f.survey_max) for f in cset.fields]
    fields[-1] = FieldScores(survey=cset.fields[-1].survey_max)  # nothing typed where nothing can be
    assert gaps(Unit(name="Xã Ia Grai", fields=fields), cset, D(100), expect_fields=True) == []
    fields[0] = FieldScores(self_score=D(10), survey=D(2))  # a field with an appraised part still needs it
    assert [g.field for g in gaps(Unit(name="Xã Ia Grai", fields=fields), cset, D(90), expect_fields=True)] == [
        cset.fields[0].name]
