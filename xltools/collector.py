"""Python's cycle collector paused around work that makes many objects and no cyclic garbage."""
from __future__ import annotations

import functools
import gc


def cycle_collector_paused(fn):
    """`fn` run with Python's cycle collector paused (and resumed after, if it ran). Building a workbook
    (160 000 cells) or reading a national table (3 321 rows of scores, their findings) makes objects that
    live until the end; the collector would walk them again and again (a fifth of a build, a tenth of a
    `check`) and free nothing: reference counting frees what is dropped, as before."""
    @functools.wraps(fn)
    def paused(*args, **kwargs):
        if not gc.isenabled():
            return fn(*args, **kwargs)
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            gc.enable()
    return paused
