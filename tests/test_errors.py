"""One exception base for "the user's input is wrong": exit 2 with the Vietnamese message; anything
else, a KeyError or a ValueError from a bug included, is a defect: exit 3 (and never a cell's text or
a macro's message)."""
from __future__ import annotations

import pytest

from xltools import catalog, cli, errors
from xltools.commands import sets as sets_command
from xltools.core.criteria import CriteriaError
from xltools.core.numbers import NumberError
from xltools.excel import macros, udfs
from xltools.excel.book import BookError
from xltools.excel.cells import CellError
from xltools.importers.text_tables import ReadError as ReadErrorFromOldHome
from xltools.publish.pdf import PdfUnavailable


@pytest.mark.parametrize("kind", [errors.ReadError, CriteriaError, NumberError, catalog.UnknownSetError, BookError,
                                  CellError, macros.MacroError, PdfUnavailable, cli.UserError])
def test_every_user_error_shares_the_base(kind):
    assert issubclass(kind, errors.UserError)
    assert ReadErrorFromOldHome is errors.ReadError


@pytest.mark.parametrize("raised, code", [(errors.UserError("Thiếu tệp"), 2), (KeyError("level"), 3),
                                          (ValueError("bug"), 3), (IndexError("bug"), 3)])
def test_exit_code_tells_user_error_from_bug(monkeypatch, capsys, raised, code):
    def run(args):
        raise raised

    real = sets_command.register

    def register(sub):
        real(sub)
        sub.choices["sets"].set_defaults(run=run)

    monkeypatch.setattr(sets_command, "register", register)
    monkeypatch.delenv("XLTOOLS_DEBUG", raising=False)
    assert cli.main(["sets"]) == code
    err = capsys.readouterr().err
    assert ("Lỗi: Thiếu tệp" in err) if code == 2 else ("Lỗi không mong đợi" in err)


def test_udf_shows_user_errors_and_lets_bugs_through():
    @udfs.vietnamese_errors
    def user():
        raise CellError("Ô B3 không phải là số.")

    @udfs.vietnamese_errors
    def bug():
        return {}["missing"]

    assert user() == [["Lỗi: Ô B3 không phải là số."]]
    with pytest.raises(KeyError):
        bug()


def test_macro_reports_user_errors_and_lets_bugs_through(tmp_path):
    class Book:
        name = "bang.xlsx"

    def user(book):
        raise errors.ReadError("Trang Cấu hình không có bộ tiêu chí.")

    def bug(book):
        raise KeyError("sheet")

    with pytest.raises(macros.MacroError, match="Chưa ghi gì vào bang.xlsx: Trang Cấu hình"):
        macros._run(user, Book())
    with pytest.raises(KeyError):
        macros._run(bug, Book())
