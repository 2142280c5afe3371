"""The one exception base of xltools, at the bottom of the package: every package may import it.

`UserError` means "the user's input is wrong" (a file, a table, a cell, an option): its message is
Vietnamese, names the file, sheet, cell, unit or field, and says what to do. The CLI prints it and
exits 2, a worksheet function returns it as the cell's text, a macro shows it in a message box.
Anything else that escapes is a defect of ours (exit 3), so never catch ValueError or LookupError
broadly: raise a UserError (or a subclass) where the input is judged.

Subclasses keep their historical second base (ValueError, LookupError, RuntimeError) so that older
`except ValueError` code keeps working; new code catches `UserError`.
"""
from __future__ import annotations


class UserError(Exception):
    """A problem the user can fix; shown as its Vietnamese message, never as a traceback."""


class ReadError(UserError, ValueError):
    """A table that cannot be read; the message names the file, the table and the row."""
