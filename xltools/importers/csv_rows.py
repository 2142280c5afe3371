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
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return list(csv.reader(text.splitlines(), dialect))
