"""The session: one headless soffice process, reachable over a private named pipe."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
import uuid
import warnings
import weakref
from pathlib import Path
from typing import Any

from .calcdoc import CalcDoc
from .soffice import (
    LibreOfficeError,
    _close_component,
    _file_url,
    _import_uno,
    _kill_process_group,
    _make_profile,
    _popen_new_group,
    _properties,
    _read_tail,
    _soffice_or_raise,
)


def _cleanup(proc: subprocess.Popen | None, root: str | None) -> None:
    """Finalizer shared by CalcSession.close() and interpreter exit."""
    if proc is not None:
        _kill_process_group(proc)
    if root:
        shutil.rmtree(root, ignore_errors=True)


class CalcSession:
    """One headless LibreOffice process, reachable over a private named pipe.

    Use as a context manager::

        with CalcSession() as lo:
            doc = lo.open("template.xlsx")
            doc.set_value("Huyện", "C7", 9.5)
            doc.recalc()
            print(doc.get("Huyện", "J7"))
            doc.close()

    The process and its temporary profile are removed on exit, also after an exception (and at
    interpreter exit, if ``close()`` was never called).
    """

    def __init__(
        self,
        soffice: str | None = None,
        connect_timeout: float = 60.0,
        auto_restart: bool = True,
    ):
        self.soffice = soffice
        self.connect_timeout = connect_timeout
        # If soffice died (crash, killed) since the last document, open() starts a new one
        # and warns, so one crash does not fail every later test of a shared session.
        self.auto_restart = auto_restart
        self.restarts = 0
        self.pipe_name: str | None = None
        self.startup_seconds: float | None = None
        self._proc: subprocess.Popen | None = None
        self._root: str | None = None
        self._desktop = None
        self._context = None
        self._finalizer: weakref.finalize | None = None

    # -- lifecycle ---------------------------------------------------------------------

    def __enter__(self) -> CalcSession:
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def start(self) -> CalcSession:
        """Start soffice and connect to it (retrying until ``connect_timeout``)."""
        if self._proc is not None:
            return self
        uno = _import_uno()
        soffice = _soffice_or_raise(self.soffice)
        began = time.perf_counter()
        self._root = tempfile.mkdtemp(prefix="xltools-lo-")
        profile = _make_profile(Path(self._root))
        self.pipe_name = f"xltools_{os.getpid()}_{uuid.uuid4().hex[:12]}"
        log_path = Path(self._root) / "soffice.log"
        cmd = [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--invisible",
            "--nologo",
            "--norestore",
            "--nodefault",
            "--nolockcheck",
            f"--accept=pipe,name={self.pipe_name};urp;StarOffice.ComponentContext",
        ]
        with open(log_path, "wb") as log:
            self._proc = _popen_new_group(cmd, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        self._finalizer = weakref.finalize(self, _cleanup, self._proc, self._root)
        try:
            self._connect(uno, log_path)
        except BaseException:
            self.close()
            raise
        self.startup_seconds = time.perf_counter() - began
        return self

    def _connect(self, uno, log_path: Path) -> None:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local
        )
        url = f"uno:pipe,name={self.pipe_name};urp;StarOffice.ComponentContext"
        deadline = time.monotonic() + self.connect_timeout
        last_error = ""
        while True:
            if self._proc.poll() is not None:
                raise LibreOfficeError(
                    f"LibreOffice (soffice) đã thoát ngay khi khởi động (mã {self._proc.returncode}). "
                    f"Nhật ký: {_read_tail(log_path)}"
                )
            try:
                context = resolver.resolve(url)
                smgr = context.ServiceManager
                desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", context)
                if desktop is not None:
                    self._context, self._desktop = context, desktop
                    return
            except Exception as exc:  # NoConnectException until the pipe is up
                last_error = f"{type(exc).__name__}: {exc}"
            if time.monotonic() > deadline:
                raise LibreOfficeError(
                    f"Không kết nối được tới LibreOffice sau {self.connect_timeout:.0f} giây "
                    f"(pipe {self.pipe_name}). Lỗi cuối: {last_error}. "
                    f"Nhật ký soffice: {_read_tail(log_path)}"
                )
            time.sleep(0.2)

    def close(self) -> None:
        """Ask LibreOffice to quit, kill it if it does not, remove the temporary profile."""
        desktop, self._desktop = self._desktop, None
        if desktop is not None and self.running:
            try:
                desktop.terminate()  # the bridge usually drops during this call: fine
            except Exception:
                pass
            try:
                self._proc.wait(10)
            except subprocess.TimeoutExpired:
                pass
        if self._finalizer is not None:
            self._finalizer()  # kills what is left and removes the profile (runs once)
        self._proc = None
        self._context = None

    # -- documents ---------------------------------------------------------------------

    def restart(self) -> CalcSession:
        """Stop soffice (whatever its state) and start a fresh one with a new profile.
        Documents opened before are lost."""
        self.close()
        self.restarts += 1
        return self.start()

    def _require(self):
        if self._desktop is None:
            raise LibreOfficeError("Phiên LibreOffice chưa được khởi động hoặc đã đóng.")
        if not self.running:
            if not self.auto_restart:
                raise LibreOfficeError(
                    f"LibreOffice (soffice) đã dừng bất thường (mã {self._proc.returncode})."
                )
            warnings.warn(
                f"soffice stopped unexpectedly (exit code {self._proc.returncode}); restarting it",
                RuntimeWarning,
                stacklevel=3,
            )
            self.restart()
        return self._desktop

    def service(self, name: str) -> Any:
        """A new instance of a UNO service of this soffice ("com.sun.star.frame.DispatchHelper")."""
        self._require()
        context: Any = self._context
        return context.ServiceManager.createInstanceWithContext(name, context)

    def open(self, path: str | os.PathLike) -> CalcDoc:
        """Open a spreadsheet (.xlsx, .xlsm, .xls, .ods) hidden; formulas are recalculated."""
        desktop = self._require()
        path = Path(path)
        if not path.is_file():
            raise LibreOfficeError(f"Không tìm thấy tệp bảng tính: {path}")
        props = _properties(
            Hidden=True,
            ReadOnly=False,
            MacroExecutionMode=0,  # com.sun.star.document.MacroExecMode.NEVER_EXECUTE
            UpdateDocMode=0,  # com.sun.star.document.UpdateDocMode.NO_UPDATE (links)
        )
        try:
            component = desktop.loadComponentFromURL(_file_url(path), "_blank", 0, props)
        except Exception as exc:
            raise LibreOfficeError(
                f"LibreOffice không mở được tệp {path.name}: {type(exc).__name__}: {exc}"
            ) from exc
        if component is None or not hasattr(component, "getSheets"):
            if component is not None:
                _close_component(component)
            raise LibreOfficeError(
                f"LibreOffice không mở được tệp {path.name} như một bảng tính "
                "(tệp hỏng hoặc không phải định dạng .xlsx/.xlsm/.ods)."
            )
        return CalcDoc(component, path, self)
