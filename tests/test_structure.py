"""The package layering, read statically from the source (no import is executed): xltools' packages
import each other in one direction only, and the core stays free of the Office libraries."""
from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import xltools

ROOT = Path(xltools.__file__).parent
OFFICE_LIBRARIES = {"openpyxl", "xlwings", "docx", "uno", "matplotlib"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def imports() -> dict[str, set[str]]:
    """Module -> the absolute names it imports (relative imports resolved), anywhere in the file,
    including imports inside functions (a lazy import is still a dependency)."""
    out: dict[str, set[str]] = {}
    for path in sorted(ROOT.rglob("*.py")):
        module = _module_name(path)
        package = module if path.name == "__init__.py" else module.rpartition(".")[0]
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")
                    base = base[:len(base) - node.level + 1]
                    prefix = ".".join(base + ([node.module] if node.module else []))
                else:
                    prefix = node.module or ""
                names.add(prefix)
                names.update(f"{prefix}.{alias.name}" for alias in node.names)  # `from . import catalog`
        out[module] = names
    return out


def unit_of(module: str) -> str:
    """The layer a module belongs to: its sub-package (xltools.core), or the top-level module itself
    (xltools.catalog, xltools.errors)."""
    parts = module.split(".")
    return ".".join(parts[:2])


def package_graph() -> dict[str, set[str]]:
    modules = imports()
    units = {unit_of(m) for m in modules}
    graph: dict[str, set[str]] = {u: set() for u in units}
    for module, names in modules.items():
        for name in names:
            if name.startswith("xltools.") and unit_of(name) in units and unit_of(name) != unit_of(module):
                graph[unit_of(module)].add(unit_of(name))
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as a path [a, b, …, a], or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_find_cycle_sees_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_packages_import_one_way():
    cycle = find_cycle(package_graph())
    assert cycle is None, "import cycle between xltools packages: " + " -> ".join(cycle)


def test_commands_package_has_no_inner_cycle():
    """Commands are siblings: one command module must not need another (shared code goes lower)."""
    modules = imports()
    graph = {m: {n for n in names if n.startswith("xltools.commands.") and n in modules}
             for m, names in modules.items() if m.startswith("xltools.commands.")}
    cycle = find_cycle({m: deps & graph.keys() for m, deps in graph.items()})
    assert cycle is None, "import cycle between commands: " + " -> ".join(cycle)


def test_shared_bottom_and_core_import_nothing_above():
    graph = package_graph()
    assert graph["xltools.errors"] == set()
    assert graph["xltools.core"] <= {"xltools.errors"}


def test_core_imports_no_office_library():
    for module, names in imports().items():
        if module.startswith("xltools.core"):
            used = {name.split(".")[0] for name in names} & OFFICE_LIBRARIES
            assert not used, f"{module} imports {sorted(used)}: the core takes plain data"
