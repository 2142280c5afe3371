"""The files published for one source (the CLI's `publish` and the workbook's Xuất phụ lục write
the same ones): their names next to each other, and the writing of the appendix in both formats."""
from __future__ import annotations

from pathlib import Path

from .appendix_docx import write_appendix_docx
from .appendix_xlsx import write_appendix_xlsx
from .model import Appendix, ReportInfo
from .report_docx import write_report_docx


def output_names(source: Path, out: Path) -> dict[str, Path]:
    stem = source.stem
    return {"docx": out / f"{stem}_phu_luc.docx", "xlsx": out / f"{stem}_phu_luc.xlsx",
            "report": out / f"{stem}_bao_cao.docx"}


def write_appendix(items: list[Appendix], source: Path, out: Path, report: bool = False,
                   report_info: ReportInfo | None = None, draft: bool = False) -> list[Path]:
    """The appendix as .docx and .xlsx in `out`, named after `source`; with `report`, the report too (its
    issuer and signer from `report_info`); `draft`: the table still has errors, every page is marked
    DỰ THẢO (publish/draft.py)."""
    names = output_names(source, out)
    written = [write_appendix_docx(items, names["docx"], draft), write_appendix_xlsx(items, names["xlsx"], draft)]
    if report:
        written.append(write_report_docx(items, names["report"], report_info, draft))
    return written
