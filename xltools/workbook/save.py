"""Reproducible .xlsx files: fixed document timestamps and fixed zip entry dates, so building twice
gives identical bytes. Written through xltools.files (lock, one temporary file, backup, os.replace)."""
from __future__ import annotations

import datetime
import io
import os
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter

from ..files import write_bytes

FIXED_TIME = datetime.datetime(2025, 1, 1, 0, 0, 0)  # document properties: reproducible files
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


class _FixedTimeZip(zipfile.ZipFile):
    """Zip entries dated 1980-01-01, so the same workbook gives the same bytes."""

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if not isinstance(zinfo_or_arcname, zipfile.ZipInfo):
            zinfo_or_arcname = zipfile.ZipInfo(zinfo_or_arcname, date_time=ZIP_TIME)
            zinfo_or_arcname.compress_type = zipfile.ZIP_DEFLATED
            zinfo_or_arcname.external_attr = 0o600 << 16
        super().writestr(zinfo_or_arcname, data, compress_type,
                         self.compresslevel if compresslevel is None else compresslevel)

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        """openpyxl writes worksheets through a temporary file: take its bytes, not its mtime."""
        with open(filename, "rb") as handle:
            self.writestr(arcname or os.path.basename(filename), handle.read())


def workbook_bytes(wb: Workbook) -> bytes:
    """The workbook's file content, reproducibly (fixed timestamps; openpyxl's save would stamp the
    current time)."""
    buffer = io.BytesIO()
    # compresslevel 1: a third of the time of the default for a few percent more bytes
    archive = _FixedTimeZip(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True, compresslevel=1)
    wb.properties.modified = wb.properties.modified or FIXED_TIME
    ExcelWriter(wb, archive).save()
    return buffer.getvalue()


def save(wb: Workbook, path) -> Path:
    """Write reproducibly, through xltools.files (lock, temporary file, backup of an existing file)."""
    return write_bytes(path, workbook_bytes(wb))
