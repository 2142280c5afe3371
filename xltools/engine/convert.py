"""One-shot helpers: convert a file with ``soffice --convert-to`` in its own short-lived process,
and recalculate a file (in a given session, or a new one)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from .session import CalcSession
from .soffice import LibreOfficeError, _kill_process_group, _make_profile, _popen_new_group, _soffice_or_raise


def convert(
    path: str | os.PathLike,
    fmt: str,
    outdir: str | os.PathLike,
    timeout: float = 180.0,
    soffice: str | None = None,
) -> Path:
    """``soffice --headless --convert-to fmt --outdir outdir path`` in its own profile.

    ``fmt`` is an extension, optionally with a filter ("pdf", "xlsx",
    "xlsx:Calc MS Excel 2007 XML"). Returns the path of the converted file.
    """
    source = Path(path)
    if not source.is_file():
        raise LibreOfficeError(f"Không tìm thấy tệp cần chuyển đổi: {source}")
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    extension = fmt.split(":", 1)[0].lower()
    target = outdir / f"{source.stem}.{extension}"
    if target.resolve() == source.resolve():
        raise LibreOfficeError(f"Tệp kết quả trùng với tệp nguồn: {source}. Hãy chọn thư mục khác.")
    exe = _soffice_or_raise(soffice)
    root = tempfile.mkdtemp(prefix="xltools-lo-convert-")
    try:
        profile = _make_profile(Path(root))
        cmd = [
            exe,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--invisible",
            "--nologo",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            fmt,
            "--outdir",
            str(outdir.resolve()),
            str(source.resolve()),
        ]
        started = time.monotonic()
        if target.exists():
            target.unlink()  # so a stale file is never mistaken for the result
        proc = _popen_new_group(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        try:
            out, err = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_process_group(proc)
            out, err = proc.communicate()
            raise LibreOfficeError(
                f"LibreOffice chuyển đổi {source.name} sang {extension} quá {timeout:.0f} giây nên đã bị dừng. "
                f"stderr: {err.decode(errors='replace').strip() or '(trống)'}"
            ) from None
        stderr = err.decode(errors="replace").strip()
        stdout = out.decode(errors="replace").strip()
        if proc.returncode != 0 or not target.is_file() or target.stat().st_size == 0:
            raise LibreOfficeError(
                f"LibreOffice không chuyển đổi được {source.name} sang {extension} "
                f"(mã thoát {proc.returncode}, {time.monotonic() - started:.1f} giây). "
                f"stderr: {stderr or '(trống)'}; stdout: {stdout or '(trống)'}"
            )
        return target
    finally:
        shutil.rmtree(root, ignore_errors=True)


def recalc_file(
    path: str | os.PathLike,
    out_path: str | os.PathLike | None = None,
    session: CalcSession | None = None,
) -> dict:
    """Open ``path``, run a full recalculation, optionally save to ``out_path``.

    Returns timings in seconds: ``start`` (0 when a session was given), ``open`` (includes
    the recalculation on load), ``recalc`` (calculateAll), ``save``, ``total``, plus
    ``errors``: the number of formula cells in error after the recalculation.
    """
    began = time.perf_counter()
    own = session is None
    if own:
        session = CalcSession().start()
    timings = {"start": time.perf_counter() - began if own else 0.0}
    try:
        step = time.perf_counter()
        doc = session.open(path)
        timings["open"] = time.perf_counter() - step
        try:
            timings["recalc"] = doc.recalc()
            timings["errors"] = len(doc.errors())
            step = time.perf_counter()
            if out_path is not None:
                doc.save_as(out_path)
            timings["save"] = time.perf_counter() - step
        finally:
            doc.close()
    finally:
        if own:
            session.close()
    timings["total"] = time.perf_counter() - began
    return timings
