"""Python inside Excel (xlwings), with the same code tested on Linux.

udfs.py        the CCHC_ worksheet functions (declarations); functions.py the plain functions behind them
macros.py      the button macros (Tính lại xếp hạng, Nhập điểm XHH, Xuất phụ lục) and Run main's main()
book.py        the workbook interface the macros use, and OpenpyxlBook (files, CLI, tests)
book_xlwings.py  XlwingsBook (inside Excel; imported only there)
tables.py      where the units are (the template's layout) and how their rows are read
moves.py       moving whole rows the way Excel's cut and paste does, in formula text
xlsm.py        the macro-enabled workbook (.xlsm) from the standalone quickstart of the pinned xlwings
See docs/excel.md.
"""
