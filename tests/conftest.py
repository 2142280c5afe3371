"""Fixtures shared by the test modules. Expensive things are made once: one headless LibreOffice
for the whole run (`calc`), the demo's output folder (`demo_out`), the seeds' folder (`data_dir`)."""
import contextlib
import io
import os
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
REQUIRED = os.environ.get("XLTOOLS_REQUIRE_LIBREOFFICE") == "1"


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory) -> Path:
    """The seeds by file name: tests/data/* and the packaged sample (`catalog.sample_path()`, kept in
    one copy only). A folder of links, so a test reads the real files and can never change them."""
    from xltools import catalog

    folder = tmp_path_factory.mktemp("seeds")
    for source in [*sorted(DATA.iterdir()), catalog.sample_path()]:
        (folder / source.name).symlink_to(source.resolve())
    return folder


@pytest.fixture(scope="session")
def calc():
    """One headless LibreOffice Calc for every module (starting one takes seconds). A test that
    crashes it is not a problem: the session restarts soffice on the next open."""
    from xltools.engine import libreoffice as lo

    if not lo.available():
        message = f"LibreOffice không dùng được: {lo.unavailable_reason()}"
        if REQUIRED:
            pytest.fail(f"XLTOOLS_REQUIRE_LIBREOFFICE=1 nhưng {message}")
        pytest.skip(message)
    with lo.CalcSession() as session:
        yield session


@pytest.fixture(scope="session")
def demo_out(tmp_path_factory) -> tuple[int, str, Path]:
    """`xltools demo -o DIR` run once: (exit code, what it printed, DIR). Tests read, never change DIR."""
    from xltools.cli import main

    out = tmp_path_factory.mktemp("demo")
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = main(["demo", "-o", str(out)])
    return code, printed.getvalue(), out
