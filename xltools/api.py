"""xltools from Python, for analysts: the results of any file xltools reads, as plain rows or as pandas
DataFrames (pandas is imported only here, when a frame is asked for).

    >>> from xltools import api
    >>> frame = api.results_frame("bang_tham_dinh.xlsx")          # one row per unit, as `xltools rank --json`
    >>> frame.groupby("class").size()
    >>> api.findings_frame("phu_luc_2024.docx").query("severity == 'error'")

The columns are the keys of `xltools rank --json` and `xltools check --json` (docs/DEVELOPING.md), so a
notebook and a script that reads the JSON see the same names and the same numbers.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .commands._common import evaluate_file, finding_rows, rank_rows

if TYPE_CHECKING:
    import pandas as pd

FINDING_COLUMNS = ["severity", "code", "unit", "field", "message", "where", "set", "table"]  # of an empty frame


def results(path: str | Path, set_id: str | None = None) -> list[dict]:
    """The recomputed ranking of every table in the file, as `xltools rank --json` prints it."""
    return [row for e in evaluate_file(path, set_id) for row in rank_rows(e)]


def findings(path: str | Path, set_id: str | None = None) -> list[dict]:
    """The findings of every table in the file, as `xltools check --json` prints them."""
    return [row for e in evaluate_file(path, set_id) for row in finding_rows(e)]


def results_frame(path: str | Path, set_id: str | None = None) -> pd.DataFrame:
    """results() as a DataFrame: one row per unit in rank order within each table (column `table`);
    blank scores are NaN, rank is a nullable integer (a unit without a total has none)."""
    import pandas as pd

    frame = pd.DataFrame(results(path, set_id))
    for column in ("stt", "rank"):
        if column in frame:
            frame[column] = frame[column].astype("Int64")
    return frame


def findings_frame(path: str | Path, set_id: str | None = None) -> pd.DataFrame:
    """findings() as a DataFrame: severity, code, unit, field, message, where, set, table."""
    import pandas as pd

    rows = findings(path, set_id)
    return pd.DataFrame(rows) if rows else pd.DataFrame(columns=FINDING_COLUMNS)
