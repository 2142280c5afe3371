"""xltools.api: the rows of `rank --json` / `check --json` for Python, and the same as pandas DataFrames."""
from __future__ import annotations

import json
import math

import pandas as pd

from xltools import api, catalog
from xltools.cli import main

SEED = catalog.sample_path()  # phu_luc_backan_2024_so_huyen.txt


def cli_json(capsys, *argv) -> list[dict]:
    main([*argv, "--json"])
    return json.loads(capsys.readouterr().out)


def test_results_are_what_rank_json_prints(capsys):
    assert api.results(SEED) == cli_json(capsys, "rank", str(SEED))
    assert api.findings(SEED) == cli_json(capsys, "check", str(SEED))


def test_the_frames_hold_the_same_rows_with_column_types_for_analysis(capsys):
    rows = cli_json(capsys, "rank", str(SEED))
    frame = api.results_frame(SEED)
    assert list(frame.columns) == list(dict.fromkeys(key for row in rows for key in row))  # sở rows have no
    # class_after_rule: the column is blank for them
    assert len(frame) == len(rows)
    assert str(frame["rank"].dtype) == "Int64" and frame["total"].dtype == float
    for row, (_, got) in zip(rows, frame.iterrows()):
        for key, value in row.items():
            if value is None:
                assert got[key] is None or got[key] is pd.NA or (isinstance(got[key], float) and math.isnan(got[key]))
            else:
                assert got[key] == value, key
    by_table = frame.groupby("table")["name"].count().to_dict()
    assert by_table == {t: sum(1 for r in rows if r["table"] == t) for t in by_table}


def test_findings_frame_has_its_columns_even_when_empty(monkeypatch, capsys):
    assert len(api.findings_frame(SEED)) == len(cli_json(capsys, "check", str(SEED)))
    monkeypatch.setattr(api, "findings", lambda path, set_id=None: [])
    empty = api.findings_frame(SEED)
    assert empty.empty and list(empty.columns) == ["severity", "code", "unit", "field", "message", "where", "set",
                                                   "table"]
    assert empty.query("severity == 'error'").empty  # an analyst's filter works on a clean table too
