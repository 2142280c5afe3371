"""The live appraisal workbook: layout contract (layout.py), formulas generated from the criteria set
(formulas.py), the openpyxl builder (builder.py) and the reader of its input cells (reader.py)."""
