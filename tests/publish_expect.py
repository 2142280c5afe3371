"""What the published documents must show, computed straight from the core (not from xltools.publish),
and small readers for the generated files; shared by tests/test_publish_*.py."""
from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

from xltools import catalog
from xltools.core.evaluate import evaluate
from xltools.core.numbers import format_vn
from xltools.core.scoring import FieldScores, Unit, UnitsTable
from xltools.importers.registry import load

DATA = Path(__file__).parent / "data"
SEED_2024 = catalog.sample_path()  # phu_luc_backan_2024_so_huyen.txt
REPORT_2023 = DATA / "bao_cao_118_backan_2023_huyen_xa.txt"
COMMUNES_2023 = DATA / "quyet_dinh_backan_2023_xa.txt"
SELF_ASSESSMENT = DATA / "bieu_tu_danh_gia_bacgiang_2023_tinh.txt"
ARTIFACTS = Path(__file__).parent / "artifacts"


def evaluations(path, set_id=None):
    return evaluate(load(path, set_id))


def core_values(r, cset, rule: bool = False) -> list:
    """One row of the official appendix as the core computes it, column by column."""
    row = [r.stt, r.unit.name]
    for s in r.unit.fields:
        row += [s.self_score, s.appraised] + ([s.survey] if cset.has_survey else [])
    row += [r.self_total, r.appraised_total] + ([r.survey_total, r.total] if cset.has_survey else [])
    row += [r.rank, r.class_label] + ([r.class_after_rule] if rule else [])
    return row


def as_text(value, decimals: int) -> str:
    if value is None:
        return ""
    return format_vn(value, decimals) if isinstance(value, Decimal) else str(value)


def core_texts(r, cset, rule: bool = False) -> list[str]:
    return [as_text(v, cset.decimals) for v in core_values(r, cset, rule)]


def has_rule(e) -> bool:
    return e.cset.district_rule and any(r.class_after_rule for r in e.results)


def read_docx(path):
    """A .docx as python-docx reads it, with the non-breaking minus (U+2011, kept with its number when a line
    wraps) read back as '-', so texts compare with the core's formatting."""
    from docx import Document
    from docx.oxml.ns import qn

    doc = Document(str(path))
    for t in doc.element.body.iter(qn("w:t")):
        if t.text and "\u2011" in t.text:
            t.text = t.text.replace("\u2011", "-")
    return doc


def report_tables(doc):
    """The report's tables between the header block (agency, Quốc hiệu) and the signature block."""
    return doc.tables[1:-1]


def docx_rows(table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


def synthetic(n_units: int = 60, seed: int = 5):
    """A long sở table (backan-2024-so) with deterministic scores, for page breaks."""
    cset = catalog.get("backan-2024-so")
    rng = random.Random(seed)
    units = []
    for i in range(1, n_units + 1):
        fields = []
        for f in cset.fields:
            self_ = Decimal(rng.randint(int(f.max * 600), int(f.max * 1000))) / 1000
            appraised = max(Decimal(0), self_ - Decimal(rng.randint(0, 1500)) / 1000)
            survey = Decimal(rng.randint(int(f.survey_max * 700), int(f.survey_max * 1000))) / 1000
            fields.append(FieldScores(self_score=self_, appraised=appraised, survey=survey))
        units.append(Unit(name=f"Sở thử nghiệm số {i:02d}", fields=fields, where=f"dòng {i}"))
    table = UnitsTable(units=units, level="so", source="thu_nghiem.txt", sheet="Phụ lục I", year=2024,
                       province="Bắc Kạn")
    return evaluate([(table, cset)])
