"""The package's structure: no module of ppaip_rules imports itself back in a circle.

Read from the source (nothing is imported): every ``import``, at the top of a module or
inside a function, is an edge. The registry (ppaip_rules/registry.py) is a leaf that the
areas register into; the package root installs the loader that imports the areas; the
CLI owns every command. A new circle fails this test with the modules that form it.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "ppaip_rules"


def _modules(package: Path) -> dict[str, Path]:
    found = {}
    for file in package.rglob("*.py"):
        parts = file.relative_to(package.parent).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = file
    return found


def _imports(name: str, file: Path, known: dict[str, Path]) -> set[str]:
    """The package's modules that ``name`` imports (``from . import x`` → only ``x``)."""
    base = name if file.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                parts = base.split(".")
                parts = parts[: len(parts) - (node.level - 1)]
                target = ".".join(parts + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            submodules = {f"{target}.{a.name}" for a in node.names} & known.keys()
            candidates = submodules if submodules else {target}
        elif isinstance(node, ast.Import):
            candidates = {a.name for a in node.names}
        else:
            continue
        found.update(c for c in candidates if c in known and c != name)
    return found


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))
    try:
        for v in sorted(graph):
            if v not in index:
                visit(v)
    finally:
        sys.setrecursionlimit(limit)
    return components


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    known = _modules(package)
    return {name: _imports(name, file, known) for name, file in known.items()}


def test_package_has_no_import_cycle():
    assert _cycles(import_graph()) == []


def test_registry_is_a_leaf_that_imports_nothing_of_the_package():
    assert import_graph()["ppaip_rules.registry"] == set()


def test_no_area_module_imports_the_cli():
    graph = import_graph()
    assert sorted(m for m, targets in graph.items() if "ppaip_rules.cli" in targets) == []


def test_documentation_tooling_is_outside_the_runtime_package():
    assert not (PACKAGE / "docsite").exists()


def test_cycle_finder_sees_a_circle(tmp_path):
    """The test can fail: a two-module circle (even through a function's import) is found."""
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from .b import x\n")
    (package / "b.py").write_text("x = 1\n\ndef f():\n    from . import a\n")
    (package / "c.py").write_text("from . import a\n")
    assert _cycles(import_graph(package)) == [["pkg.a", "pkg.b"]]
