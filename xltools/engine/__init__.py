"""Real spreadsheet engines used to compute generated workbooks (LibreOffice Calc, headless)."""

from xltools.engine.libreoffice import (
    ERROR_TEXTS,
    CalcDoc,
    CalcSession,
    LibreOfficeError,
    available,
    convert,
    error_text,
    find_soffice,
    recalc_file,
    unavailable_reason,
)
