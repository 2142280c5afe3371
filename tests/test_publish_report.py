"""The report re-read with python-docx: per unit and field the core's scores, the criteria where the unit
lost points (core lost_points), the count per class, the chart, and the change since last year."""
import re
from decimal import Decimal

import pytest
from publish_expect import REPORT_2023, SEED_2024, SELF_ASSESSMENT, docx_rows, evaluations, read_docx, report_tables

from xltools.core.numbers import format_vn, format_vn_short
from xltools.core.scoring import lost_points
from xltools.publish.model import Previous, appendices
from xltools.publish.report_docx import write_report_docx


@pytest.fixture(scope="module")
def seed_report(tmp_path_factory):
    evs = evaluations(SEED_2024)
    previous = Previous.from_evaluations(evaluations(REPORT_2023))
    path = write_report_docx(appendices(evs, previous=previous), tmp_path_factory.mktemp("report") / "bao_cao.docx")
    return evs, read_docx(path)


def test_per_unit_field_scores_are_the_core(seed_report):
    evs, doc = seed_report
    tables = iter(report_tables(doc))
    for e in evs:
        next(tables)  # the ranking table of the level
        d = e.cset.decimals
        for r in e.results:
            rows = docx_rows(next(tables))
            assert rows[0] == ["Lĩnh vực", "Điểm tối đa", "Tự chấm", "Thẩm định", "Tối đa ĐT XHH", "ĐT XHH"]
            for f, s, row in zip(e.cset.fields, r.unit.fields, rows[1:]):
                assert row == [f"{f.code}. {f.name}", format_vn_short(f.max), format_vn(s.self_score, d),
                               format_vn(s.appraised, d), format_vn_short(f.survey_max), format_vn(s.survey, d)]
            assert rows[-1] == ["Tổng điểm", format_vn_short(e.cset.self_max), format_vn(r.self_total, d),
                                format_vn(r.appraised_total, d), format_vn_short(e.cset.survey_max),
                                format_vn(r.survey_total, d)]
    assert next(tables, None) is None


def test_ranking_table_with_year_over_year(seed_report):
    evs, doc = seed_report
    so = docx_rows(report_tables(doc)[0])
    assert so[1][2:] == ["Tự chấm (86,5)", "Thẩm định (86,5)", "ĐT XHH (13,5)", "Tổng cộng (100)", "Xếp hạng",
                         "Xếp loại"]  # no sở table last year: no change columns
    for r, row in zip(evs[0].results, so[2:]):
        d = evs[0].cset.decimals
        assert row == [str(r.stt), r.unit.name] + [format_vn(v, d) for v in (
            r.self_total, r.appraised_total, r.survey_total, r.total)] + [str(r.rank), r.class_label]
    huyen = docx_rows(report_tables(doc)[1 + len(evs[0].results)])
    assert huyen[0][-1] == "So với năm 2023"
    assert huyen[2][1:] == ["Thành phố Bắc Kạn", "78,684", "74,897", "12,829", "87,726", "1", "Tốt", "87,461",
                            "+0,265", "1", "0"]
    assert huyen[-1][1:] == ["Huyện Chợ Đồn", "66,986", "61,647", "12,356", "74,003", "8", "Khá", "82,791",
                             "-8,788", "4", "-4"]


def test_sentences_counts_and_chart(seed_report):
    evs, doc = seed_report
    text = "\n".join(p.text for p in doc.paragraphs)
    assert doc.paragraphs[0].text == "BÁO CÁO"
    assert "Kết quả xếp hạng và phân loại Chỉ số cải cách hành chính các sở, ban, ngành; UBND các huyện" in text
    for e in evs:
        for band in e.cset.bands:
            count = sum(1 for r in e.results if r.class_label == band.label)
            share = format_vn(Decimal(100 * count) / len(e.results), 1)
            assert f"- Xếp loại {band.label}: {count} đơn vị ({share}%)." in text
    assert "- Xếp loại Tốt: 17 đơn vị (89,5%)." in text and "- Xếp loại Khá: 4 đơn vị (50,0%)." in text
    assert ("4.1. Văn phòng UBND tỉnh: Tổng cộng 96,479 điểm; xếp hạng 1/19; xếp loại Tốt." in text)
    assert ("Thành phố Bắc Kạn: Tổng cộng 87,726 điểm; xếp hạng 1/8; xếp loại Tốt; so với năm 2023: "
            "tăng 0,265 điểm, giữ nguyên hạng." in text)
    assert "Huyện Chợ Đồn: Tổng cộng 74,003 điểm; xếp hạng 8/8; xếp loại Khá; so với năm 2023: " \
           "giảm 8,788 điểm, giảm 4 bậc (hạng 4 năm 2023)." in text
    assert "- Tăng hạng: 3 đơn vị: Huyện Bạch Thông (+2), Huyện Na Rì (+2), Huyện Ba Bể (+2)." in text
    assert "- Giảm hạng: 3 đơn vị: Huyện Chợ Mới (-1), Huyện Pác Nặm (-1), Huyện Chợ Đồn (-4)." in text
    assert "- Giữ nguyên hạng: 2 đơn vị: Thành phố Bắc Kạn, Huyện Ngân Sơn." in text
    assert len(doc.inline_shapes) == 2  # one chart per level
    png = doc.inline_shapes[0]._inline.graphic.graphicData.pic.blipFill.blip.embed
    assert doc.part.related_parts[png].blob[:8] == b"\x89PNG\r\n\x1a\n"


def lost_lines(doc) -> list[tuple[str, str, str]]:
    found = []
    for p in doc.paragraphs:
        m = re.fullmatch(r"- ([\d.]+)\. (.*): -([\d,]+) điểm", p.text)
        if m:
            found.append(m.groups())
    return found


def test_lost_points_from_the_criteria_detail(tmp_path):
    evs = evaluations(SELF_ASSESSMENT)
    unit, cset = evs[0].results[0].unit, evs[0].cset
    leaf = next(c for c in cset.leaves() if not c.survey and unit.criteria[c.code].self_score == c.max)
    unit.criteria[leaf.code].appraised = leaf.max - Decimal("0.75")  # the appraisers cut one criterion
    doc = read_docx(write_report_docx(appendices(evs), tmp_path / "bc.docx"))
    expected = [(code, name, format_vn_short(lost)) for code, name, lost in lost_points(unit, cset)]
    assert lost_lines(doc) == expected and (leaf.code, leaf.name, "0,75") in expected
    text = [p.text for p in doc.paragraphs]
    for f in cset.fields:
        mine = [lost for code, _, lost in lost_points(unit, cset) if code.split(".")[0] == f.code]
        if mine:
            total = format_vn_short(sum(mine, Decimal(0)))
            assert f"Lĩnh vực {f.code}. {f.name} – các tiêu chí mất điểm ({total} điểm):" in text
    assert "Chưa có tổng điểm để vẽ biểu đồ." in text  # a self-assessment has no Tổng cộng yet


def test_no_detail_no_lost_list(seed_report):
    _, doc = seed_report
    assert lost_lines(doc) == [] and "Không có tiêu chí mất điểm." not in [p.text for p in doc.paragraphs]


def test_totals_only_rows_and_district_rule(tmp_path):
    """The 2023 report's tables: districts with survey scores per field (TP Bắc Kạn also self and appraised,
    from its prose), communes with totals only (no field table)."""
    evs = evaluations(REPORT_2023)
    doc = read_docx(write_report_docx(appendices(evs), tmp_path / "bc.docx"))
    assert len(report_tables(doc)) == 1 + 8 + 1  # huyện ranking, 8 districts' fields, xã ranking
    assert docx_rows(report_tables(doc)[1])[-1] == ["Tổng điểm", "86", "79,380", "75,390", "14", "12,071"]
    assert docx_rows(report_tables(doc)[2])[1] == ["1. Công tác chỉ đạo, điều hành CCHC", "14", "", "", "2,5", "2,063"]
    text = [p.text for p in doc.paragraphs]
    assert "4.1. TP Bắc Kạn: Tổng cộng 87,461 điểm; xếp hạng 1/8; xếp loại Tốt (sau quy tắc 2/3 số xã: Tốt)." in text
    assert docx_rows(report_tables(doc)[0])[1][-1] == "Xếp loại sau quy tắc 2/3 số xã"


def test_a_two_tier_province_reports_as_its_sở_nội_vụ(tmp_path):
    """Communes of Tuyên Quang in 2025 (no district any more): the report is the Sở Nội vụ's under the
    province's UBND, the appendix is the province's decision, nothing says thị trấn, Phòng Nội vụ or '……'."""
    from dataclasses import replace
    from decimal import Decimal

    from xltools import catalog
    from xltools.core.evaluate import evaluate
    from xltools.core.scoring import FieldScores, Unit, UnitsTable
    from xltools.publish.model import DecisionInfo

    cset = replace(catalog.get("backan-2023-xa"), id="tuyenquang-2025-xa", province="Tuyên Quang", years=(2025,))
    units = [Unit(name=name, fields=[FieldScores(self_score=f.max, appraised=f.max - Decimal(k), survey=None)
                                     for f in cset.fields], where=f"dòng {k + 1}")
             for k, name in enumerate(["Xã Lũng Cú", "Phường Minh Xuân", "Xã Đồng Văn"])]
    table = UnitsTable(units=units, level="xa", source="xa.xlsx", sheet="Tổng hợp Xã", year=2025, province="Tuyên Quang")
    items = appendices(evaluate([(table, cset)]), DecisionInfo())
    assert items[0].decision_line.endswith("năm 2025 của UBND tỉnh Tuyên Quang)")
    doc = read_docx(write_report_docx(items, tmp_path / "bc.docx"))
    text = " ".join(" ".join(p.text for p in doc.paragraphs).split() + [
        cell.text for t in doc.tables for row in t.rows for cell in row.cells])
    for wanted in ("SỞ NỘI VỤ", "/BC-SNV", "xã, phường, đặc khu năm 2025"):
        assert wanted in text, wanted
    for unwanted in ("PHÒNG NỘI VỤ", "thị trấn", "TRƯỞNG PHÒNG"):
        assert unwanted not in text, unwanted


def communes_table(year=2025, province="Tuyên Quang", set_years=(2025,)):
    """Three communes scored with a Tuyên Quang set of `set_years`, under a title naming `year`, `province`."""
    from dataclasses import replace

    from xltools import catalog
    from xltools.core.scoring import FieldScores, Unit, UnitsTable

    cset = replace(catalog.get("backan-2023-xa"), id="tuyenquang-2025-xa", province="Tuyên Quang", years=set_years)
    units = [Unit(name=name, fields=[FieldScores(self_score=f.max, appraised=f.max - Decimal(k), survey=f.survey_max)
                                     for f in cset.fields], where=f"dòng {k + 1}")
             for k, name in enumerate(["Xã Lũng Cú", "Phường Minh Xuân", "Xã Đồng Văn"])]
    return UnitsTable(units=units, level="xa", source="xa.xlsx", sheet="Tổng hợp Xã", year=year,
                      province=province), cset


def incomplete_table(tmp_path):
    """Three communes of 2025, the third with a field not yet appraised: the report of a table in progress."""
    table, cset = communes_table()
    table.units[2].fields[1].appraised = None
    return table, cset


def test_a_report_on_incomplete_data_says_so(tmp_path):
    """Shares of the classes are of the units that have one; the units still waiting are named with why,
    at the top of the level and in the counts; their total is said to be provisional."""
    from xltools.core.evaluate import evaluate

    table, cset = incomplete_table(tmp_path)
    e = evaluate([(table, cset)])[0]
    assert [r.rank for r in e.results][-1] is None
    doc = read_docx(write_report_docx(appendices([e]), tmp_path / "bc.docx"))
    text = [p.text for p in doc.paragraphs]
    field = cset.fields[1].name
    notice = next(t for t in text if t.startswith("Lưu ý: số liệu chưa đầy đủ."))
    assert "1/3 đơn vị chưa đủ điểm" in notice and f"Xã Đồng Văn (thiếu Thẩm định: {field})" in notice
    assert "chỉ tính 2 đơn vị đủ điểm" in notice
    shares = [t for t in text if t.startswith("- Xếp loại ")]
    assert sum(int(re.search(r": (\d+) đơn vị", t).group(1)) for t in shares) == 2
    assert all(t.endswith(("(0,0%).", "(50,0%).", "(100,0%).")) for t in shares), shares
    assert "- Chưa xếp loại (chưa đủ điểm): 1 đơn vị: Xã Đồng Văn; tỷ lệ trên tính trên 2 đơn vị đủ điểm." in text
    assert any(t.startswith("4.3. Xã Đồng Văn: Tổng cộng (tạm tính) ") and
               t.endswith(f"chưa xếp hạng, xếp loại (chưa đủ điểm: thiếu Thẩm định: {field}).") for t in text), text


def test_no_claim_of_no_lost_points_on_unreadable_scores(tmp_path):
    """A criterion whose Thẩm định cell holds no number (a text '8,5') is not a criterion without loss: the unit
    is said incomplete, the criterion named, never 'Không có tiêu chí mất điểm'."""
    from xltools.core.evaluate import evaluate

    evs = evaluations(SELF_ASSESSMENT)
    table, cset = evs[0].table, evs[0].cset
    table.units = table.units[:1]
    unit = table.units[0]
    leaves = [c for c in cset.leaves() if not c.survey and c.code in unit.criteria]
    for leaf in leaves:
        unit.criteria[leaf.code].self_score = unit.criteria[leaf.code].appraised = leaf.max
    unit.criteria[leaves[0].code].appraised = None  # the unreadable cell
    for f in unit.fields:
        f.appraised = f.self_score  # an appraisal, not a self-assessment
    e = evaluate([(table, cset)])[0]
    doc = read_docx(write_report_docx(appendices([e]), tmp_path / "bc.docx"))
    text = [p.text for p in doc.paragraphs]
    assert "Không có tiêu chí mất điểm." not in text
    assert any(t.startswith("Đơn vị chưa đủ điểm (") for t in text), text
    assert f"Tiêu chí chưa có điểm Thẩm định đọc được (chưa tính điểm mất): {leaves[0].code}. {leaves[0].name}." in text
    unit.criteria[leaves[0].code].appraised = leaves[0].max  # all read: nothing lost, and the report says it
    e = evaluate([(table, cset)])[0]
    text = [p.text for p in read_docx(write_report_docx(appendices([e]), tmp_path / "bc2.docx")).paragraphs]
    assert "Tiêu chí chưa có điểm Thẩm định đọc được" not in " ".join(text)


def test_the_chosen_set_names_the_year_and_province_a_contradicting_title_is_said(tmp_path):
    """A hand-typed title saying 2024 and another province, published with a 2025 set of Tuyên Quang: the
    documents print the set's year and province (2025 has no thị trấn, the province's UBND decides), stay a
    draft, and the appraiser is told what the title says and what was printed."""
    from xltools.core.evaluate import evaluate
    from xltools.publish.draft import publish_state
    from xltools.publish.model import DecisionInfo

    table, cset = communes_table(year=2024, province="Lâm Đồng")
    evs = evaluate([(table, cset)])
    items = appendices(evs, DecisionInfo())
    assert items[0].title.endswith("UBND CÁC XÃ, PHƯỜNG, ĐẶC KHU NĂM 2025")
    assert items[0].decision_line.endswith("năm 2025 của UBND tỉnh Tuyên Quang)")
    state = publish_state(evs, "xa.xlsx")
    assert state.draft and [f.code for f in state.errors] == ["set-printed"]
    assert "tiêu đề bảng ghi năm 2024 và tỉnh Lâm Đồng, nhưng văn bản ghi năm 2025, tỉnh Tuyên Quang" in \
        state.message("xa.xlsx")
    doc = read_docx(write_report_docx(items, tmp_path / "bc.docx"))
    text = " ".join(p.text for p in doc.paragraphs)
    assert "UBND TỈNH TUYÊN QUANG" in " ".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    assert "thị trấn" not in text and "đặc khu năm 2025" in text and "Lâm Đồng" not in text


def test_a_title_naming_another_level_than_the_set_is_a_draft():
    """A table titled for the districts, published with a communes set: the documents would print the communes'
    heading over it; someone must say which is right."""
    from xltools.core.evaluate import evaluate
    from xltools.publish.draft import publish_state

    table, cset = communes_table()
    table.level = "huyen"
    state = publish_state(evaluate([(table, cset)]), "xa.xlsx")
    assert state.draft and [f.code for f in state.errors] == ["set-printed"]
    assert "tiêu đề bảng ghi cấp UBND huyện, thành phố, nhưng văn bản ghi cấp UBND xã" in state.message("xa.xlsx")


def test_a_title_that_agrees_with_the_set_is_official_an_unknown_year_is_a_draft():
    from xltools.core.evaluate import evaluate
    from xltools.publish.draft import publish_state

    assert not publish_state(evaluate([communes_table()]), "xa.xlsx").draft
    assert not publish_state(evaluate([communes_table(year=None, province=None)]), "xa.xlsx").draft  # the set's
    evs = evaluate([communes_table(year=None, set_years=(2024, 2025))])
    items = appendices(evs)
    assert items[0].title.endswith("NĂM ……")
    state = publish_state(evs, "xa.xlsx")
    assert [f.code for f in state.errors] == ["year-unknown"] and "chưa rõ năm" in state.message("xa.xlsx")
