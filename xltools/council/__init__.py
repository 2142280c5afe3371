"""The appraisal council's workflow: split a workbook among the members, merge their parts back,
and show what changed between two versions.

cells.py     the typed cells of a workbook (Thẩm định, notes, Giải trình) keyed by unit and field, not address
manifest.py  who owns what: the assignment, the master's fingerprint, the values at split time
split.py     one part per member: same layout and formulas, only the member's cells open
merge.py     each cell from its owner; every conflict a finding; provenance of every cell
diff.py      every changed score and the movements of total, rank and class between two versions
"""
