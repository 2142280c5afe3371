"""Workbooks for the macro tests: a hand-made summary sheet (the template's columns, typed classes, no
Cấu hình) filled from a seed table, read through an explicit Table."""
from __future__ import annotations

import random
from dataclasses import replace

from openpyxl import Workbook, load_workbook
from openpyxl.utils.cell import get_column_letter

from xltools.excel.tables import Table, summary_columns
from xltools.importers.registry import load

SHEET = "Tổng hợp"
FIRST = 6


def summary_workbook(path, seed, set_index=0, shuffle=3, spare=2, formulas=True):
    """Rows of a seed table in a shuffled order, with live total/rank formulas and typed classes."""
    table, cset = load(seed)[set_index]
    units = list(table.units)
    random.Random(shuffle).shuffle(units)
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws["A1"] = "PHỤ LỤC I"
    last = FIRST + len(units) + spare - 1
    table = replace(summary_columns(cset, last - FIRST + 1), sheet=SHEET, first_row=FIRST, last_row=last)
    fields = [fc.by_kind() for fc in table.layout.fields]
    totals, rank = table.layout.total_columns(), table.layout.rank
    kinds = list(fields[0])
    letter = get_column_letter
    for i, unit in enumerate(units):
        r = FIRST + i
        ws.cell(r, 1, i + 1)
        ws.cell(r, 2, unit.name)
        for f, cols in zip(unit.fields, fields):
            for k, c in cols.items():
                value = f.score(k)
                ws.cell(r, c, None if value is None else float(value))
    for r in range(FIRST, last + 1):
        for k in kinds:
            parts = ",".join(f"{letter(cols[k])}{r}" for cols in fields)
            ws.cell(r, totals[k], f"=ROUND(SUM({parts}),{cset.decimals})" if formulas else None)
        ws.cell(r, totals["total"], f"=ROUND({'+'.join(f'{letter(totals[k])}{r}' for k in kinds[1:])},{cset.decimals})"
                if formulas else None)
        t = f"{letter(totals['total'])}{r}"
        block = f"${letter(totals['total'])}${FIRST}:${letter(totals['total'])}${last}"
        ws.cell(r, rank, f'=IF(B{r}="","",COUNTIF({block},">"&{t})+1)' if formulas else None)
    ws.cell(last + 2, 2, "Cộng")
    ws.cell(last + 2, totals["total"], f"=SUM({letter(totals['total'])}{FIRST}:{letter(totals['total'])}{last})")
    other = wb.create_sheet("Ghi chú")
    other["A1"] = f"='{SHEET}'!B{FIRST}"  # a formula tied to one unit's row: it must follow the unit
    other["A2"] = f"=COUNTA('{SHEET}'!B{FIRST}:B{last})"
    wb.save(path)
    return table


def snapshot(path) -> dict:
    """Every sheet's cells as typed (formulas as text)."""
    wb = load_workbook(path)
    return {ws.title: {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}
            for ws in wb.worksheets}


def input_rows(path, table: Table) -> dict[str, tuple]:
    """Each unit's typed inputs (name -> its field scores), wherever its row is."""
    ws = load_workbook(path)[table.sheet]
    out = {}
    for r in range(table.first_row, table.last_row + 1):
        name = ws.cell(r, table.layout.name).value
        if name:
            out[name] = tuple(ws.cell(r, c).value for fc in table.layout.fields for c in fc.by_kind().values())
    return out


def survey_file(path, units, rename=None, extra=(), bad=None):
    """A survey result as another team sends it: title, header, one row per unit (`rename`: name as
    they wrote it), total at the end; `extra` rows; `bad` typed over the first unit's third score."""
    wb = Workbook()
    ws = wb.active
    ws.append(["KẾT QUẢ ĐIỀU TRA XÃ HỘI HỌC NĂM 2024"])
    ws.append(["STT", "Tên đơn vị", "LV1", "LV2", "LV3", "LV4", "LV5", "LV6", "LV7", "Tổng"])
    for i, u in enumerate(units, start=1):
        scores = [float(f.survey) for f in u.fields]
        ws.append([i, (rename or {}).get(u.name, u.name), *scores, sum(scores)])
    for row in extra:
        ws.append(row)
    if bad:
        ws.cell(3, 5, bad)
    wb.save(path)
    return path
