"""Finding LibreOffice and its UNO bridge, and the soffice processes we start: a private
profile each, a process group we can stop whole, and the small UNO helpers every part uses."""

from __future__ import annotations

import glob
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any


class LibreOfficeError(RuntimeError):
    """Anything that went wrong while driving LibreOffice (message in Vietnamese)."""


# Where Debian/Ubuntu (python3-uno) and the LibreOffice program folder keep uno.py.
_UNO_DIRS = [
    "/usr/lib/python3/dist-packages",
    "/usr/lib/libreoffice/program",
    "/opt/libreoffice/program",
]

_SOFFICE_CANDIDATES = [
    "/usr/bin/soffice",
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice/program/soffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
]


def find_soffice() -> str | None:
    """Path of the ``soffice`` executable, or None when LibreOffice is not installed.

    The environment variable ``XLTOOLS_SOFFICE`` overrides the search.
    """
    override = os.environ.get("XLTOOLS_SOFFICE")
    if override:
        return override if os.path.isfile(override) else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    candidates = list(_SOFFICE_CANDIDATES) + sorted(glob.glob("/opt/libreoffice*/program/soffice"))
    for candidate in candidates:
        if os.path.isfile(candidate):
            return candidate
    return None


_uno_module: Any = None
_uno_import_error: str | None = None


def _import_uno():
    """Import ``uno`` (lazily), appending the system folders at the end of sys.path."""
    global _uno_module, _uno_import_error
    if _uno_module is not None:
        return _uno_module
    try:
        import uno  # noqa: F401  (already importable, e.g. LibreOffice's own python)
    except ImportError:
        for folder in _UNO_DIRS + sorted(glob.glob("/opt/libreoffice*/program")):
            if os.path.isfile(os.path.join(folder, "uno.py")) and folder not in sys.path:
                sys.path.append(folder)
        try:
            import uno  # noqa: F811
        except ImportError as exc:  # no python3-uno, or built for another Python version
            _uno_import_error = f"{type(exc).__name__}: {exc}"
            raise LibreOfficeError(
                "Không nạp được cầu nối UNO của LibreOffice (mô-đun 'uno'). "
                "Hãy cài gói python3-uno (Debian/Ubuntu) cùng phiên bản Python đang chạy. "
                f"Chi tiết: {_uno_import_error}"
            ) from exc
    _uno_module = uno
    return uno


def available() -> bool:
    """True when the soffice binary exists AND the UNO bridge can be imported."""
    if find_soffice() is None:
        return False
    try:
        _import_uno()
    except LibreOfficeError:
        return False
    return True


def unavailable_reason() -> str:
    """Short Vietnamese explanation of why :func:`available` is False ('' when available)."""
    if find_soffice() is None:
        return "Không tìm thấy LibreOffice (lệnh soffice). Hãy cài LibreOffice."
    try:
        _import_uno()
    except LibreOfficeError as exc:
        return str(exc)
    return ""


def _file_url(path: str | os.PathLike) -> str:
    return Path(path).resolve().as_uri()


# A few settings written into the fresh profile before soffice starts:
#  * always recalculate .xlsx/.ods on load (the default, "never", trusts cached results, and
#    openpyxl-written files have none or stale ones);
#  * no ".~lock.<name>#" files next to the documents we open (they would litter templates/).
_PROFILE_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
           xmlns:xs="http://www.w3.org/2001/XMLSchema"
           xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="UseDocumentOOoLockFile" oor:op="fuse"><value>false</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="UseDocumentSystemFileLocking" oor:op="fuse"><value>false</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="UseLocking" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
"""  # noqa: E501 (the registry's XML, one setting a line)


def _make_profile(root: Path) -> Path:
    """Create a fresh LibreOffice user profile folder under ``root`` with our settings."""
    profile = root / "profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(_PROFILE_SETTINGS, encoding="utf-8")
    return profile


def _kill_process_group(proc: subprocess.Popen, grace: float = 5.0) -> None:
    """Stop a process we started (and its children: soffice is a wrapper around soffice.bin):
    politely first, then by force."""
    for sig, fallback in ((signal.SIGTERM, proc.terminate), (getattr(signal, "SIGKILL", None), proc.kill)):
        if proc.poll() is not None:
            return
        try:
            if os.name == "posix":
                os.killpg(proc.pid, sig)
            else:
                fallback()
            proc.wait(grace)
        except (ProcessLookupError, subprocess.TimeoutExpired, PermissionError):
            pass


def _popen_new_group(cmd: list[str], **kwargs) -> subprocess.Popen:
    if os.name == "posix":
        kwargs["start_new_session"] = True  # own process group, so we can stop all of it
    return subprocess.Popen(cmd, **kwargs)


def _soffice_or_raise(soffice: str | None) -> str:
    found = soffice or find_soffice()
    if not found:
        raise LibreOfficeError("Không tìm thấy LibreOffice (lệnh soffice). Hãy cài LibreOffice.")
    return found


def _read_tail(path: Path, limit: int = 2000) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return "(không có)"
    return text[-limit:] if text else "(trống)"


def _properties(**values) -> tuple:
    """Keyword arguments -> tuple of com.sun.star.beans.PropertyValue."""
    uno = _import_uno()
    result = []
    for name, value in values.items():
        prop = uno.createUnoStruct("com.sun.star.beans.PropertyValue")
        prop.Name = name
        prop.Value = value
        result.append(prop)
    return tuple(result)


def _close_component(component) -> None:
    try:
        component.close(True)
    except Exception:
        try:
            component.dispose()
        except Exception:
            pass
