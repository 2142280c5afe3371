"""One spreadsheet open in a CalcSession: typing values and formulas, recalculating, reading
values, errors, protection and validation back, saving. Error codes map to Excel's texts."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .soffice import LibreOfficeError, _close_component, _file_url, _properties

if TYPE_CHECKING:
    from .session import CalcSession


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


# Filters for storeToURL, chosen by file extension.
SAVE_FILTERS = {
    ".xlsx": "Calc MS Excel 2007 XML",
    ".xlsm": "Calc MS Excel 2007 VBA XML",  # keeps the VBA project when there is one
    ".xls": "MS Excel 97",
    ".ods": "calc8",
    ".pdf": "calc_pdf_Export",
    ".csv": "Text - txt - csv (StarCalc)",
}


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

    # -- navigation --------------------------------------------------------------------

    def jump(self, mark: str) -> tuple[str, str]:
        """Where Calc goes for `mark`, the part of an in-document link after "#" ("'Tổng hợp Sở'!D7"): (sheet,
        cell). A clicked link and the Name Box go through the same parser (ScTabViewShell::Execute,
        SID_JUMPTOMARK / SID_CURRENTCELL); this drives the Name Box's command (.uno:GoToCell)."""
        controller = self.component.getCurrentController()
        helper = self.session.service("com.sun.star.frame.DispatchHelper")
        helper.executeDispatch(controller.getFrame(), ".uno:GoToCell", "", 0, _properties(ToPoint=mark))
        address = controller.getSelection().getRangeAddress()
        return controller.getActiveSheet().getName(), _cell_name(address.StartColumn, address.StartRow)

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
