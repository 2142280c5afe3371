"""The rows of a CSV file as Excel saves it ('CSV UTF-8': commas, or semicolons where the comma is the decimal
mark; quoted '85,5'; a byte-order mark), for the survey importer and the table reader alike."""
from __future__ import annotations

import csv
from pathlib import Path

from ..errors import ReadError


def csv_rows(path: Path) -> list[list[str]]:
    """Each row's cells; a file in another encoding is refused with how to save it."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ReadError(f"{path.name}: không phải tệp CSV mã UTF-8; trong Excel hãy lưu bằng "
                        "'CSV UTF-8 (Comma delimited)'.") from None
    lines = text.splitlines()
    return list(csv.reader(lines, delimiter=_delimiter(lines[:50])))


def _delimiter(lines: list[str]) -> str:
    """The separator that cuts the most rows into the same number of cells. csv.Sniffer picks ',' in a file that
    Vietnamese Excel saved with ';' as soon as one text holds a comma ('Tên cơ quan, đơn vị', '93,08' unquoted)."""
    def regularity(delimiter: str) -> tuple[int, int]:
        widths = [len(row) for row in csv.reader(lines, delimiter=delimiter) if len(row) > 1]
        if not widths:
            return (0, 0)
        usual = max(set(widths), key=widths.count)
        return (widths.count(usual), usual)

    return max((";", "\t", ","), key=regularity)
