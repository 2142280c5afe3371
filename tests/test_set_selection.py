"""One set selection (`catalog.for_table`) for rank/check and import: `import FILE` names the set
`rank FILE` scores with, and a title without a province picks no set by level and year alone."""
import json

from test_import_malformed import small_table

from xltools import catalog
from xltools.cli import main
from xltools.importers.registry import read_tables


def test_table_without_province_gets_no_set_by_level_and_year(tmp_path, capsys):
    path = small_table(tmp_path / "so.xlsx", [[1, "Sở Tư pháp", "9", "8,5", "8", "8"]])
    [table] = read_tables(path)
    assert (table.province, table.level, table.year) == ("", "so", 2024)
    assert catalog.find(None, "so", 2024) is not None  # level and year alone would fit a shipped set
    assert catalog.for_table(table) is None
    assert main(["import", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["set"] is None
    assert main(["rank", str(path)]) == 2
    assert "không tự chọn được bộ tiêu chí" in capsys.readouterr().err


def test_import_and_rank_name_the_same_set(data_dir, capsys):
    path = data_dir / "phu_luc_backan_2024_so_huyen.txt"
    assert main(["import", str(path), "--json"]) == 0
    named = {r["table"]: r["set"] for r in json.loads(capsys.readouterr().out)}
    assert named == {"Phụ lục I": "backan-2024-so", "Phụ lục II": "backan-2024-huyen"}
    main(["rank", str(path), "--json"])
    assert {r["table"]: r["set"] for r in json.loads(capsys.readouterr().out)} == named
