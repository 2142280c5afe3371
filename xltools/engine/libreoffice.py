"""Drive LibreOffice Calc as a real spreadsheet engine (headless, over UNO).

Why this exists: the workbooks xltools generates contain live formulas. openpyxl writes them
but cannot compute them, so tests load the file in LibreOffice Calc, type values the way an
appraiser would, recalculate and read the results back.

Two ways in:

* :class:`CalcSession` starts ONE headless ``soffice`` process with a private, temporary user
  profile and talks to it over a named pipe (UNO "urp" bridge). Many documents can be opened
  one after another in the same session (the tests share one session for the whole run).
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

The code is split by concern: ``soffice.py`` (finding LibreOffice and UNO, the processes),
``session.py`` (CalcSession), ``calcdoc.py`` (CalcDoc, error texts), ``convert.py`` (convert,
recalc_file). This module is the public face: ``from xltools.engine import libreoffice as lo``.
"""

from __future__ import annotations

from .calcdoc import ERROR_TEXTS, SAVE_FILTERS, CalcDoc, error_text
from .convert import convert, recalc_file
from .session import CalcSession
from .soffice import LibreOfficeError, available, find_soffice, unavailable_reason

__all__ = [
    "ERROR_TEXTS",
    "CalcDoc",
    "CalcSession",
    "LibreOfficeError",
    "SAVE_FILTERS",
    "available",
    "convert",
    "error_text",
    "find_soffice",
    "recalc_file",
    "unavailable_reason",
]
