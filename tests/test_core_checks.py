from decimal import Decimal as D

from xltools import catalog
from xltools.core.checks import check_table
from xltools.core.scoring import FieldScores, Printed, Unit, UnitsTable, score_table

SO = catalog.get("backan-2024-so")


def full(name, appraised=9, self_=9, survey=1, reason=None, **printed):
    fields = [FieldScores(self=D(self_), appraised=D(appraised), survey=D(survey), reason=reason)]
    fields += [FieldScores(self=D(0), appraised=D(0), survey=D("0.5")) for _ in range(6)]
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
