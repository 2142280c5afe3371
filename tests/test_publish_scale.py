"""Publishing grows with the units, not faster: the report and the appendix make each repeated paragraph and
table once with python-docx and copy it (docx_style.stamped), append blocks without scanning the body, and
the chart of a long list draws no text per unit. Counted, not timed: a loaded machine cannot fail them."""
from dataclasses import replace
from decimal import Decimal

import pytest

from xltools import catalog
from xltools.core.evaluate import evaluate
from xltools.core.scoring import FieldScores, Unit, UnitsTable
from xltools.publish.model import appendices


def communes(n: int):
    cset = replace(catalog.get("backan-2023-xa"), id="tuyenquang-2025-xa", province="Tuyên Quang", years=(2025,))
    units = [Unit(name=f"Xã Số {k + 1:04d}", where=f"dòng {k + 1}",
                  fields=[FieldScores(self_score=f.max, appraised=f.max - Decimal(k % 7) / 4, survey=f.survey_max)
                          for f in cset.fields]) for k in range(n)]
    table = UnitsTable(units=units, level="xa", source="xa.xlsx", sheet="Tổng hợp Xã", year=2025,
                       province="Tuyên Quang")
    return appendices(evaluate([(table, cset)]))


def schema_lookups(monkeypatch, write) -> int:
    """Calls of python-docx's search for where a child element goes (every property it sets, every block
    it appends to the body), while `write()` runs."""
    from docx.oxml.xmlchemy import BaseOxmlElement

    calls = []
    original = BaseOxmlElement.first_child_found_in

    def counted(self, *tagnames):
        calls.append(1)
        return original(self, *tagnames)

    monkeypatch.setattr(BaseOxmlElement, "first_child_found_in", counted)
    write()
    monkeypatch.undo()
    return len(calls)


@pytest.mark.parametrize("writer", ["report", "appendix"])
def test_python_docx_work_does_not_grow_with_the_units(tmp_path, monkeypatch, writer):
    from xltools.publish.appendix_docx import write_appendix_docx
    from xltools.publish.report_docx import write_report_docx

    write = write_report_docx if writer == "report" else write_appendix_docx
    small, large = communes(10), communes(60)
    few = schema_lookups(monkeypatch, lambda: write(small, tmp_path / "a.docx"))
    many = schema_lookups(monkeypatch, lambda: write(large, tmp_path / "b.docx"))
    assert many <= few * 1.1, (few, many)  # was ×5.5: each unit's cells, lines and tables made property by property


def test_a_long_chart_draws_no_text_per_unit(monkeypatch):
    from matplotlib.axes import Axes

    from xltools.publish.chart import MAX_LABELLED, totals_chart

    texts = []
    original = Axes.text
    monkeypatch.setattr(Axes, "text", lambda self, *a, **k: texts.append(1) or original(self, *a, **k))
    assert totals_chart(communes(MAX_LABELLED)[0])[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(texts) == MAX_LABELLED  # a readable list: each bar has its total
    texts.clear()
    assert totals_chart(communes(3 * MAX_LABELLED)[0])[:8] == b"\x89PNG\r\n\x1a\n"
    assert texts == []  # 180 names and totals would overlap: the bars stand by rank
