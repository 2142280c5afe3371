"""Drive LibreOffice Calc as a real spreadsheet engine (headless, over UNO).

Why this exists: the workbooks xltools generates contain live formulas. openpyxl writes them
but cannot compute them, so tests load the file in LibreOffice Calc, type values the way an
appraiser would, recalculate and read the results back.

Two ways in:

* :class:`CalcSession` starts ONE headless ``soffice`` process with a private, temporary user
  profile and talks to it over a named pipe (UNO "urp" bridge). Many documents can be opened
  one after another in the same session (tests use one session per test module/session).
* :func:`convert` runs ``soffice --convert-to`` in a separate short-lived process
  (``.xlsx -> .pdf``, ``.docx -> .pdf``, ``.xlsx -> .ods`` ...).

The UNO Python bridge (``uno.py`` + ``pyuno``) is not on PyPI. Debian/Ubuntu ship it as
``python3-uno`` in ``/usr/lib/python3/dist-packages``; it is imported lazily and that
directory is appended at the END of ``sys.path`` so pip-installed packages are never shadowed.

Error values: a formula cell in error reports a LibreOffice error code (``cell.getError()``).
:data:`ERROR_TEXTS` maps those codes to the Excel error texts, following LibreOffice's own
mapping (``ScGlobal::GetErrorString`` for what Calc displays and ``XclTools::GetXclErrorCode``
for what it writes into .xlsx). Codes with no Excel equivalent are shown as ``"Err:NNN"``,
exactly as Calc displays them.
"""

from __future__ import annotations

import glob
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
import warnings
import weakref
from collections.abc import Iterable
from pathlib import Path
from typing import Any

__all__ = [
    "ERROR_TEXTS",
    "CalcDoc",
    "CalcSession",
    "LibreOfficeError",
    "available",
    "convert",
    "error_text",
    "find_soffice",
    "recalc_file",
    "unavailable_reason",
]


class LibreOfficeError(RuntimeError):
    """Anything that went wrong while driving LibreOffice (message in Vietnamese)."""


# --------------------------------------------------------------------------------------
# Finding LibreOffice and the UNO bridge
# --------------------------------------------------------------------------------------

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


# --------------------------------------------------------------------------------------
# Error codes
# --------------------------------------------------------------------------------------

# LibreOffice FormulaError codes (include/formula/errorcodes.hxx) -> Excel error text.
# 503/519/521/524/525/532/32767 are the ones Calc itself displays with Excel's text
# (ScGlobal::GetErrorString). The others are displayed by Calc as "Err:NNN"; we map the ones
# that LibreOffice's .xlsx export turns into a specific Excel error (XclTools::GetXclErrorCode)
# so results read the same as the saved file would in Excel.
ERROR_TEXTS: dict[int, str] = {
    502: "#VALUE!",  # IllegalArgument (e.g. SQRT(-1)); Calc shows Err:502
    503: "#NUM!",  # IllegalFPOperation (overflow, also INF)
    504: "#VALUE!",  # IllegalParameter (wrong parameter type); Calc shows Err:504
    508: "#VALUE!",  # PairExpected (bracket missing); Calc shows Err:508
    509: "#VALUE!",  # OperatorExpected; Calc shows Err:509
    510: "#VALUE!",  # VariableExpected; Calc shows Err:510
    511: "#VALUE!",  # ParameterExpected (too few arguments); Calc shows Err:511
    519: "#VALUE!",  # NoValue
    521: "#NULL!",  # NoCode (empty intersection)
    522: "#VALUE!",  # CircularReference; Calc shows Err:522
    524: "#REF!",  # NoRef
    525: "#NAME?",  # NoName (unknown function or defined name)
    530: "#NAME?",  # NoAddin
    531: "#NAME?",  # NoMacro
    532: "#DIV/0!",  # DivisionByZero
    32767: "#N/A",  # NotAvailable (NA(), failed lookups)
}


def error_text(code: int) -> str:
    """Excel-style text for a LibreOffice error code (``"Err:NNN"`` when there is none)."""
    return ERROR_TEXTS.get(int(code), f"Err:{int(code)}")


# --------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------

def _column_letters(index: int) -> str:
    """0 -> 'A', 25 -> 'Z', 26 -> 'AA'."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell_name(column: int, row: int) -> str:
    """Zero-based (column, row) -> 'C7'."""
    return f"{_column_letters(column)}{row + 1}"


def _file_url(path: str | os.PathLike) -> str:
    return Path(path).resolve().as_uri()


# Filters for storeToURL, chosen by file extension.
SAVE_FILTERS = {
    ".xlsx": "Calc MS Excel 2007 XML",
    ".xlsm": "Calc MS Excel 2007 VBA XML",  # keeps the VBA project when there is one
    ".xls": "MS Excel 97",
    ".ods": "calc8",
    ".pdf": "calc_pdf_Export",
    ".csv": "Text - txt - csv (StarCalc)",
}

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


# --------------------------------------------------------------------------------------
# The session: one soffice process
# --------------------------------------------------------------------------------------

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


# --------------------------------------------------------------------------------------
# One open document
# --------------------------------------------------------------------------------------

# com.sun.star.sheet.FormulaResult flags and com.sun.star.sheet.CellFlags bits.
_FORMULA_RESULT_VALUE = 1
_FORMULA_RESULT_STRING = 2
_FORMULA_RESULT_ERROR = 4
_CELLFLAGS_CLEAR_CONTENT = 1 | 2 | 4 | 16  # VALUE | DATETIME | STRING | FORMULA
_FORMULA_LANGUAGE_OOXML = 5  # com.sun.star.sheet.FormulaLanguage.OOXML
_FORMULA_MAP_ALL_EXCEPT_SPECIAL = 0x7FFFFFFF  # com.sun.star.sheet.FormulaMapGroup
_ADDRESS_CONVENTION_XL_OOX = 3  # com.sun.star.sheet.AddressConvention.XL_OOX

# com.sun.star.sheet.ValidationType / ConditionOperator / ValidationAlertStyle names,
# translated to openpyxl's vocabulary so tests can compare with what they wrote.
_VALIDATION_TYPES = {
    "ANY": "any",
    "WHOLE": "whole",
    "DECIMAL": "decimal",
    "DATE": "date",
    "TIME": "time",
    "TEXT_LEN": "textLength",
    "LIST": "list",
    "CUSTOM": "custom",
}
_VALIDATION_OPERATORS = {
    "NONE": None,
    "EQUAL": "equal",
    "NOT_EQUAL": "notEqual",
    "GREATER": "greaterThan",
    "GREATER_EQUAL": "greaterThanOrEqual",
    "LESS": "lessThan",
    "LESS_EQUAL": "lessThanOrEqual",
    "BETWEEN": "between",
    "NOT_BETWEEN": "notBetween",
    "FORMULA": "formula",
}
_ALERT_STYLES = {"STOP": "stop", "WARNING": "warning", "INFO": "information", "MACRO": "macro"}


class CalcDoc:
    """A spreadsheet open in a :class:`CalcSession`.

    Sheets are given by name (or zero-based index); cells and ranges in A1 notation
    ("C7", "$C$7", "A1:D10").
    """

    def __init__(self, component, path: Path, session: CalcSession):
        self.component = component  # the raw UNO document, for anything not wrapped here
        self.path = path
        self.session = session
        self._parser = None  # FormulaParser for Excel-syntax formulas, made on first use

    def __enter__(self) -> CalcDoc:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # -- lookup ------------------------------------------------------------------------

    def sheet_names(self) -> list[str]:
        return list(self.component.getSheets().getElementNames())

    def _sheet(self, sheet: str | int):
        sheets = self.component.getSheets()
        if isinstance(sheet, int):
            if not 0 <= sheet < sheets.getCount():
                raise LibreOfficeError(f"Không có trang tính thứ {sheet + 1} trong {self.path.name}.")
            return sheets.getByIndex(sheet)
        if not sheets.hasByName(sheet):
            raise LibreOfficeError(
                f"Không có trang tính '{sheet}' trong {self.path.name} "
                f"(các trang: {', '.join(self.sheet_names())})."
            )
        return sheets.getByName(sheet)

    def _sheet_name(self, sheet: str | int) -> str:
        return sheet if isinstance(sheet, str) else self._sheet(sheet).getName()

    def _range(self, sheet: str | int, ref: str):
        try:
            return self._sheet(sheet).getCellRangeByName(ref.replace("$", ""))
        except LibreOfficeError:
            raise
        except Exception as exc:
            raise LibreOfficeError(f"Địa chỉ ô không hợp lệ: '{ref}' ({type(exc).__name__}).") from exc

    def _cell(self, sheet: str | int, ref: str):
        if ":" in ref:
            raise LibreOfficeError(f"Cần địa chỉ một ô (ví dụ C7), không phải vùng '{ref}'.")
        return self._range(sheet, ref)  # a single cell is a 1x1 range with XCell

    # -- writing -------------------------------------------------------------------------

    def set_value(self, sheet: str | int, cell: str, value: Any) -> None:
        """Put a constant into a cell, like an appraiser typing it.

        numbers -> numeric cell; str -> text cell (always text, even "9,5" or "9.5": use this to
        simulate a number typed as text); None -> clear the contents (keeps formatting).
        """
        target = self._cell(sheet, cell)
        if value is None:
            target.clearContents(_CELLFLAGS_CLEAR_CONTENT)
        elif isinstance(value, str):
            target.setString(value)
        elif isinstance(value, (int, float)):  # bool included: True -> 1, False -> 0
            target.setValue(float(value))
        else:
            try:
                number = float(value)  # Decimal, Fraction, numpy numbers ...
            except (TypeError, ValueError):
                raise TypeError(f"Không ghi được giá trị kiểu {type(value).__name__} vào ô {cell}.") from None
            target.setValue(number)

    def enter(self, sheet: str | int, cell: str, text: str) -> None:
        """Put ``text`` in a cell as if typed in the UI: "9.5" becomes a number, "=A1" a
        formula, "abc" text (LibreOffice's input parsing, en-US locale in our profile)."""
        self._cell(sheet, cell).setFormula(text)

    def set_formula(self, sheet: str | int, cell: str, formula: str, syntax: str = "excel") -> None:
        """Set a formula in a cell.

        ``syntax="excel"`` (default): the formula as Excel and openpyxl write it: "," between
        arguments, "Sheet!A1" references, newer functions with their "_xlfn." prefix
        (``=_xlfn.RANK.EQ(C7,$C$7:$C$20)``). It is parsed with LibreOffice's OOXML formula
        grammar, i.e. read the way LibreOffice reads the formula from an .xlsx file, so an
        unprefixed ``RANK.EQ`` gives #NAME? here exactly as it does in a saved file.

        ``syntax="calc"``: LibreOffice's own API syntax (";" between arguments, "$Sheet.A1").
        """
        if not formula.startswith("="):
            formula = "=" + formula
        target = self._cell(sheet, cell)
        if syntax == "calc":
            target.setFormula(formula)
        elif syntax == "excel":
            tokens = self._excel_parser().parseFormula(formula[1:], target.getCellAddress())
            target.setTokens(tokens)
        else:
            raise ValueError(f"syntax must be 'excel' or 'calc', not {syntax!r}")

    def _excel_parser(self):
        """A com.sun.star.sheet.FormulaParser set up for the OOXML (Excel file) grammar."""
        if self._parser is None:
            parser = self.component.createInstance("com.sun.star.sheet.FormulaParser")
            mapper = self.component.createInstance("com.sun.star.sheet.FormulaOpCodeMapper")
            parser.OpCodeMap = mapper.getAvailableMappings(
                _FORMULA_LANGUAGE_OOXML, _FORMULA_MAP_ALL_EXCEPT_SPECIAL
            )
            parser.FormulaConvention = _ADDRESS_CONVENTION_XL_OOX
            parser.CompileEnglish = True
            self._parser = parser
        return self._parser

    # -- reading -------------------------------------------------------------------------

    def get(self, sheet: str | int, cell: str) -> float | str | None:
        """Value of a cell: float for numbers, str for text, None for empty, and the Excel
        error text ("#NAME?", "#DIV/0!", ...) for a formula in error."""
        return _cell_value(self._cell(sheet, cell))

    def formula(self, sheet: str | int, cell: str) -> str:
        """The cell's formula as LibreOffice stores it (or its constant content as text)."""
        return self._cell(sheet, cell).getFormula()

    def error_code(self, sheet: str | int, cell: str) -> int:
        """Raw LibreOffice error code of a cell (0 when there is no error)."""
        return int(self._cell(sheet, cell).getError())

    def get_range(self, sheet: str | int, ref: str) -> list[list]:
        """Values of a range as rows of cells, with the same conventions as :meth:`get`.

        One getDataArray() call for the values, then two range queries to put None in empty
        cells and the error text in cells whose formula is in error.
        """
        rng = self._range(sheet, ref)
        rows = [list(row) for row in rng.getDataArray()]
        origin = rng.getRangeAddress()
        for address in rng.queryEmptyCells().getRangeAddresses():
            for row in range(address.StartRow, address.EndRow + 1):
                for col in range(address.StartColumn, address.EndColumn + 1):
                    rows[row - origin.StartRow][col - origin.StartColumn] = None
        for row, col, code in _error_cells(rng):
            rows[row - origin.StartRow][col - origin.StartColumn] = error_text(code)
        return rows

    def errors(self, sheet: str | int | None = None) -> list[tuple[str, str, str]]:
        """Every formula cell whose result is an error: ``[(sheet, "C7", "#NAME?"), ...]``,
        in sheet order, then row, then column. Uses queryFormulaCells(FormulaResult.ERROR),
        so only cells that hold a formula in error are visited."""
        names = [self._sheet_name(sheet)] if sheet is not None else self.sheet_names()
        found = []
        for name in names:
            for row, col, code in _error_cells(self._sheet(name)):
                found.append((name, _cell_name(col, row), error_text(code)))
        return found

    # -- protection and validation -------------------------------------------------------

    def is_protected(self, sheet: str | int) -> bool:
        return bool(self._sheet(sheet).isProtected())

    def cell_locked(self, sheet: str | int, cell: str) -> bool:
        """CellProtection.IsLocked (only enforced when the sheet is protected)."""
        return bool(self._cell(sheet, cell).CellProtection.IsLocked)

    def validation(self, sheet: str | int, cell: str) -> dict | None:
        """The data validation of a cell, in openpyxl's words, or None when there is none.

        Keys: type ("decimal", "whole", "list", ...), operator ("between", ...), formula1,
        formula2, allow_blank, show_error, error_style, error_title, error, show_input,
        prompt_title, prompt.
        """
        rule = self._cell(sheet, cell).Validation
        kind = _VALIDATION_TYPES.get(rule.Type.value, rule.Type.value)
        if kind == "any" and not rule.ShowInputMessage and not rule.InputMessage:
            return None
        return {
            "type": kind,
            "operator": _VALIDATION_OPERATORS.get(rule.getOperator().value, rule.getOperator().value),
            "formula1": rule.getFormula1(),
            "formula2": rule.getFormula2(),
            "allow_blank": bool(rule.IgnoreBlankCells),
            "show_error": bool(rule.ShowErrorMessage),
            "error_style": _ALERT_STYLES.get(rule.ErrorAlertStyle.value, rule.ErrorAlertStyle.value),
            "error_title": rule.ErrorTitle,
            "error": rule.ErrorMessage,
            "show_input": bool(rule.ShowInputMessage),
            "prompt_title": rule.InputTitle,
            "prompt": rule.InputMessage,
        }

    # -- calculation, saving -------------------------------------------------------------

    def recalc(self) -> float:
        """Recalculate every formula (calculateAll, a hard recalc). Returns the seconds taken."""
        began = time.perf_counter()
        self.component.calculateAll()
        return time.perf_counter() - began

    def save_as(self, path: str | os.PathLike, filter_name: str | None = None) -> Path:
        """Write the document to ``path`` (a copy: this document stays bound to its file).
        The filter follows the extension (.xlsx, .xlsm, .xls, .ods, .pdf, .csv)."""
        path = Path(path)
        name = filter_name or SAVE_FILTERS.get(path.suffix.lower())
        if name is None:
            raise LibreOfficeError(
                f"Không biết lưu định dạng '{path.suffix}' (hỗ trợ: {', '.join(SAVE_FILTERS)})."
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.component.storeToURL(_file_url(path), _properties(FilterName=name, Overwrite=True))
        except Exception as exc:
            raise LibreOfficeError(
                f"LibreOffice không lưu được {path.name}: {type(exc).__name__}: {exc}"
            ) from exc
        return path

    def close(self) -> None:
        if self.component is not None:
            _close_component(self.component)
            self.component = None


def _cell_value(cell) -> float | str | None:
    kind = cell.getType().value  # com.sun.star.table.CellContentType
    if kind == "EMPTY":
        return None
    if kind == "VALUE":
        return cell.getValue()
    if kind == "TEXT":
        return cell.getString()
    code = cell.getError()  # FORMULA
    if code:
        return error_text(code)
    if cell.FormulaResultType2 == _FORMULA_RESULT_STRING:
        return cell.getString()
    return cell.getValue()


def _error_cells(cell_range) -> Iterable[tuple[int, int, int]]:
    """(row, column, error code) of the formula cells in error inside a sheet or range."""
    ranges = cell_range.queryFormulaCells(_FORMULA_RESULT_ERROR)
    sheet = cell_range.getSpreadsheet()  # a sheet returns itself
    result = []
    for address in ranges.getRangeAddresses():
        for row in range(address.StartRow, address.EndRow + 1):
            for col in range(address.StartColumn, address.EndColumn + 1):
                code = sheet.getCellByPosition(col, row).getError()
                if code:
                    result.append((row, col, int(code)))
    result.sort()
    return result


# --------------------------------------------------------------------------------------
# One-shot helpers
# --------------------------------------------------------------------------------------

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
