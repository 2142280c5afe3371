from decimal import Decimal as D

import pytest

from xltools import catalog
from xltools.core.criteria import CriteriaError

# DOMAIN.md: fields 1-7 self-assessed max (survey max)
MAXIMA = {
    "backan-2022-so": "13.5(2) 9(2) 18(2.5) 8(1) 8.5(2.5) 9.5(1.5) 20(2)",
    "backan-2022-huyen": "14(2.5) 8.5(2) 17(2.5) 7(1) 12(2.5) 10(1.5) 17.5(2)",
    "backan-2023-huyen": "14(2.5) 9(2) 19(2.5) 5(1) 11(2.5) 10(1.5) 18(2)",
    "backan-2024-so": "9(2) 8.5(2) 19.5(2.5) 5(1) 9.5(2.5) 14(1.5) 21(2)",
    "backan-2024-huyen": "13(2.5) 8(2) 20(2.5) 5(1) 11(2.5) 10(1.5) 19(2)",
    "backan-2023-xa": "21.5(0) 10.5(0) 25.5(0) 6.5(0) 6.5(0) 8(0) 21.5(0)",
}


def test_shipped_ids():
    assert set(catalog.shipped()) == set(MAXIMA) | {"bacgiang-2023-tinh"}


@pytest.mark.parametrize("set_id", sorted(MAXIMA))
def test_backan_maxima_match_domain(set_id):
    cset = catalog.get(set_id)
    got = [(f.max, f.survey_max) for f in cset.fields]
    want = [(D(x.split("(")[0]), D(x.split("(")[1].rstrip(")"))) for x in MAXIMA[set_id].split()]
    assert got == want
    assert cset.max_total == 100


def test_bands_by_year():
    assert catalog.get("backan-2022-so").band_labels()[0] == "Xuất sắc"
    assert catalog.get("backan-2022-so").bands[0].min == 90
    for set_id in ("backan-2023-huyen", "backan-2023-xa", "backan-2024-so", "backan-2024-huyen"):
        assert catalog.get(set_id).band_labels() == ["Tốt", "Khá", "Trung bình", "Yếu"]
    assert [b.min for b in catalog.get("backan-2024-so").bands] == [80, 70, 50, 0]


def test_district_rule_only_for_districts():
    assert {s.id for s in catalog.shipped().values() if s.district_rule} == {
        "backan-2022-huyen", "backan-2023-huyen", "backan-2024-huyen"}


def test_bacgiang_tree_is_complete():
    cset = catalog.get("bacgiang-2023-tinh")
    assert len(cset.fields) == 8 and cset.max_total == 100
    nodes = cset.criteria_by_code()
    assert nodes["1.3"].max == 2 and [c.code for c in nodes["1.3"].children] == ["1.3.1", "1.3.2"]
    assert nodes["2.4"].survey and all(c.survey for c in nodes["2.4"].children)
    assert nodes["8.1"].max == 10 and nodes["8.1"].survey
    assert not nodes["5.4"].children and nodes["5.4"].max == D("1.5")
    assert sum(f.survey_max for f in cset.fields) == 32
    assert [f.max for f in cset.fields] == [D("9.5"), 6, 13, D("6.5"), 6, 8, D("12.5"), D("6.5")]
    assert len(cset.leaves()) == 101


BASE = """
id: test
level: so
fields:
  - {name: A, max: 60, survey_max: 10}
  - {name: B, max: 30}
bands:
  - {label: Tốt, min: 80}
  - {label: Yếu, min: 0}
"""


def write(tmp_path, text):
    p = tmp_path / "bo.yaml"
    p.write_text(text, encoding="utf-8")
    return p


def test_valid_set_loads(tmp_path):
    cset = catalog.load_file(write(tmp_path, BASE))
    assert cset.max_total == 100 and cset.decimals == 3


def problems(tmp_path, text):
    with pytest.raises(CriteriaError) as info:
        catalog.load_file(write(tmp_path, text))
    assert "bo.yaml" in str(info.value)
    return str(info.value)


def test_bands_out_of_order_are_reported(tmp_path):
    msg = problems(tmp_path, BASE.replace("{label: Tốt, min: 80}", "{label: Tốt, min: 0}").replace(
        "{label: Yếu, min: 0}", "{label: Yếu, min: 50}"))
    assert "cao hơn" in msg and "bắt đầu từ 0" in msg


def test_total_must_match_fields(tmp_path):
    assert "tổng điểm tối đa các lĩnh vực là 100" in problems(tmp_path, BASE + "total: 90\n")


def test_children_must_sum_to_parent(tmp_path):
    tree = BASE.replace("{name: A, max: 60, survey_max: 10}", "{code: '1', name: A, max: 5}").replace(
        "{name: B, max: 30}", "{code: '2', name: B, max: 95}") + """
criteria:
  - code: "1"
    name: A
    max: 5
    children:
      - {code: "1.1", name: a, max: 2}
      - {code: "1.2", name: b, max: 2}
"""
    msg = problems(tmp_path, tree)
    assert "tiêu chí 1: điểm tối đa 5 nhưng tổng các tiêu chí con là 4" in msg


def test_bad_number_and_yaml_syntax(tmp_path):
    assert "fields[2] (B).max" in problems(tmp_path, BASE.replace("max: 30", "max: ba mươi"))
    assert "dòng" in problems(tmp_path, "id: [x\n")


def test_unknown_set_lists_the_shipped_ones():
    with pytest.raises(LookupError) as info:
        catalog.get("khong-co")
    assert "backan-2024-so" in str(info.value)
