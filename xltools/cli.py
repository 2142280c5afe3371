"""`xltools …`: parse arguments, call the layers below, print. Each command is a module in
xltools/commands/ with `register(subparsers)`; this file only finds and runs them."""
from __future__ import annotations

import argparse
import importlib
import os
import pkgutil
import sys

from . import commands
from .core.criteria import CriteriaError
from .core.numbers import NumberError
from .importers.text_tables import ReadError


class UserError(Exception):
    """A problem the user can fix; printed as a message, never as a traceback."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="xltools", description="Công cụ chấm điểm, xếp hạng Chỉ số CCHC trên Excel.")
    sub = parser.add_subparsers(dest="command", metavar="LỆNH")
    sub.required = True
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if not info.name.startswith("_"):
            importlib.import_module(f"{commands.__name__}.{info.name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except BrokenPipeError:  # `xltools rank … | head`: the reader left, nothing is wrong
        sys.stdout = open(os.devnull, "w")
        return 0
    except (UserError, ReadError, CriteriaError, NumberError, LookupError, ValueError, OSError) as exc:
        print(f"Lỗi: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:  # a defect of ours: say so plainly; the traceback only when asked for
        if os.environ.get("XLTOOLS_DEBUG"):
            raise
        print(f"Lỗi không mong đợi ({type(exc).__name__}: {exc}). Dữ liệu của bạn không bị thay đổi. "
              "Hãy chạy lại với biến môi trường XLTOOLS_DEBUG=1 và gửi nội dung lỗi cho bộ phận CNTT.",
              file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main())
