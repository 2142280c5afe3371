"""PDF through LibreOffice (xltools.engine.libreoffice.convert), when it is installed."""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from ..errors import UserError
from ..files import write_safely


class PdfUnavailable(UserError, RuntimeError):
    """LibreOffice is not installed: the .docx is written, the .pdf is not."""


def available() -> bool:
    from ..engine.libreoffice import find_soffice

    return find_soffice() is not None


def to_pdf(source: str | Path, target: str | Path | None = None) -> Path:
    """Convert a .docx/.xlsx to PDF next to it (or to `target`); converts in a temporary folder, then
    moves the result in place, keeping an existing file as a backup."""
    from ..engine.libreoffice import convert

    source = Path(source)
    target = Path(target) if target else source.with_suffix(".pdf")
    if not available():
        raise PdfUnavailable("Chưa tạo được tệp PDF vì máy chưa cài LibreOffice (lệnh soffice); "
                             f"hãy cài LibreOffice hoặc mở {source.name} bằng Word và chọn Lưu dưới dạng PDF.")
    with tempfile.TemporaryDirectory(prefix="xltools-pdf-") as tmp:
        made = convert(source, "pdf", tmp)
        return write_safely(target, lambda path: shutil.copyfile(made, path))  # /tmp may be another disk
