"""Opening an Office file (.xlsx, .docx): a ZIP package within the limits, or a ReadError that says
what the file really is (an old .xls, a PDF, an HTML export, a file with a password, a truncated
copy) and what to do.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

from ..errors import ReadError
from ..limits import Extent, LimitError, check_package, check_xlsx

_NOT_PACKAGE = ((b"\xd0\xcf\x11\xe0", "tệp định dạng cũ (Office 97–2003) hoặc tệp có mật khẩu"),
                (b"%PDF", "tệp PDF"), (b"<", "tệp HTML/XML (nhiều phần mềm xuất 'Excel' dạng HTML)"),
                (b"{\\rtf", "tệp RTF"))


def _check_package(path: Path, kind: str, save_as: str) -> None:
    """Office files are ZIP packages; name what the file is when it is not one."""
    try:
        with open(path, "rb") as f:
            head = f.read(8)
    except OSError as exc:
        raise ReadError(f"{path.name}: không mở được tệp ({exc.strerror}).") from exc
    if head.startswith(b"PK"):
        return
    if head.startswith(_OLE) and _is_encrypted(path):
        raise ReadError(f"{path.name}: tệp {kind} được đặt mật khẩu mở (tệp đã mã hóa), xltools không đọc được. Hãy mở "
                        f"tệp bằng {kind}, nhập mật khẩu, vào Tệp > Thông tin > Bảo vệ (File > Info > Protect) > Mã hóa "
                        "bằng mật khẩu (Encrypt with Password), xóa mật khẩu rồi lưu lại; hoặc lưu một bản sao không "
                        "mật khẩu để dùng với xltools.")
    if not head:
        what = "tệp rỗng, 0 byte"
    else:
        what = next((w for magic, w in _NOT_PACKAGE if head.lstrip().startswith(magic)), None)
        if what is None:
            what = "tệp văn bản thuần" if _is_text(path) else "tệp không rõ loại"
    raise ReadError(f"{path.name}: không phải tệp {kind} dù có đuôi '{path.suffix}' (đây là {what}); "
                    f"hãy mở tệp gốc và lưu lại dạng {save_as}.")


_OLE = b"\xd0\xcf\x11\xe0"


def _is_encrypted(path: Path) -> bool:
    """An Office 2007+ file with a password to open is an OLE container holding an 'EncryptionInfo' stream
    (the directory names it in UTF-16) instead of a ZIP package."""
    with open(path, "rb") as f:
        data = f.read(8 * 2**20)
    return "EncryptionInfo".encode("utf-16-le") in data


def _is_text(path: Path) -> bool:
    try:
        path.read_bytes()[:4096].decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def broken(path: Path, kind: str, exc: Exception) -> ReadError:
    """The message for a package that opened as a ZIP but could not be read through."""
    if isinstance(exc, zipfile.BadZipFile) or type(exc).__name__ == "PackageNotFoundError":
        reason = "gói ZIP của tệp bị cắt cụt hoặc hỏng"
    elif isinstance(exc, KeyError):
        reason = f"thiếu thành phần {exc} trong gói tệp"
    else:
        reason = f"{type(exc).__name__}: {exc}"
    return ReadError(f"{path.name}: tệp {kind} bị hỏng hoặc không trọn vẹn (có thể tải về hoặc sao chép chưa xong: "
                     f"{reason}); hãy mở lại bằng {kind} để sửa, hoặc xin lại tệp gốc.")


def check_excel(path: Path) -> dict[str, Extent]:
    """Each sheet's used range (`limits.check_xlsx`) of an Excel package within the limits; a file that is
    not one, or a damaged one, is a ReadError saying what the file is and what to do."""
    _check_package(path, "Excel", ".xlsx (Excel Workbook)")
    try:
        return check_xlsx(path)  # within the limits, before a reader holds every cell in memory
    except LimitError:
        raise
    except Exception as exc:  # zipfile.BadZipFile, KeyError, XML errors: all mean a damaged package
        raise broken(path, "Excel", exc) from exc


def open_excel(path: Path, **options):
    """openpyxl's workbook of `path`, after `check_excel`."""
    import openpyxl

    check_excel(path)
    try:
        return openpyxl.load_workbook(path, **options)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, lxml errors: all mean a damaged package
        raise broken(path, "Excel", exc) from exc


def open_word(path: Path):
    """python-docx's document of `path`; a file that is not one, or a damaged one, is a ReadError saying
    what the file is and what to do."""
    import docx

    _check_package(path, "Word", ".docx (Word Document)")
    try:
        check_package(path, "Word", ".docx").close()  # an OpenDocument file renamed, an XML bomb
        return docx.Document(str(path))
    except LimitError:
        raise
    except Exception as exc:
        raise broken(path, "Word", exc) from exc
