"""The package's structure: no module of ppaip_rules imports itself back in a circle.

Read from the source (nothing is imported): every ``import``, at the top of a module,
inside a function or under ``if TYPE_CHECKING:`` (type checkers and tools follow it), is an
edge, and ``from . import x`` is an edge to the package itself as well as to ``x`` (it
runs the package's ``__init__``): the same reading as a plain source scanner's. The
registry (ppaip_rules/registry.py) is a leaf that the areas register into; it imports them
by name (``registry.AREAS``) at the first lookup; the CLI owns every command. A new circle
fails this test with the modules that form it. The package starts fast: a fresh process
computing a deadline imports no area (issue 13).
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
    """The package's modules that ``name`` imports (``from . import x``: the package and
    ``x``)."""
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
            candidates = {target, *(f"{target}.{a.name}" for a in node.names)}
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
    (package / "d.py").write_text("from typing import TYPE_CHECKING\n"
                                  "if TYPE_CHECKING:\n    from . import c\n")
    (package / "e.py").write_text("from . import d\n")
    assert _cycles(import_graph(package)) == [["pkg.a", "pkg.b"]]
    (package / "c.py").write_text("from . import e\n")  # c → e → d → (type-checking) c
    assert _cycles(import_graph(package)) == [["pkg.a", "pkg.b"], ["pkg.c", "pkg.d", "pkg.e"]]
    (package / "d.py").write_text("x = 1\n")
    (package / "__init__.py").write_text("from .e import d\n")  # the package → e → d
    (package / "d.py").write_text("from . import x\n")  # d → the package (its __init__)
    assert _cycles(import_graph(package)) == [["pkg", "pkg.d", "pkg.e"], ["pkg.a", "pkg.b"]]


# --- lazy loading (issue 13: a fast start; every rule still reachable) -------------------

ROOT = PACKAGE.parent


def _fresh(code: str) -> object:
    """What ``code`` prints (one JSON value), run by a fresh interpreter on this checkout."""
    import json
    import subprocess

    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    return json.loads(out.stdout)


#: Modules that a deadline must not import: the areas other than the deadlines
#: themselves, the renderers, the service, the batch runner.
HEAVY = sorted({f"ppaip_rules.{m}" for m in (
    "checks", "eligibility", "programme", "timeline", "documents", "staffing",
    "roster_csv", "premises", "lot", "events", "render", "service", "batch", "describe",
    "describe_fields", "describe_reader", "describe_publish", "deadline_rules")})


def test_a_fresh_process_reading_only_the_registry_sees_every_rule_and_kind():
    from ppaip_rules import kinds, rules

    seen = _fresh("import json; from ppaip_rules import registry; registry.load(); "
                  "print(json.dumps([list(registry.RULES), list(registry.KINDS)]))")
    assert seen == [[r.id for r in rules()], [k.name for k in kinds()]]
    assert len(seen[0]) == 65


def test_the_order_of_the_rules_does_not_depend_on_what_was_used_first():
    listed = "print(json.dumps([r.id for r in ppaip_rules.rules()]))"
    first = _fresh("import json, ppaip_rules; " + listed)
    after_a_deadline = _fresh("import datetime, json, ppaip_rules; ppaip_rules.deadline("
                              "'END-BILAN-IND', datetime.date(2025, 5, 7)); " + listed)
    after_an_area = _fresh("import json, ppaip_rules; ppaip_rules.evaluate_case; " + listed)
    # a caller (or a test file) importing an area module directly, before any lookup
    lot_first = _fresh("import json, ppaip_rules.lot, ppaip_rules; " + listed)
    documents_first = _fresh("import json, ppaip_rules.documents, ppaip_rules; " + listed)
    assert first == after_a_deadline == after_an_area == lot_first == documents_first
    assert len(first) == 65
    kinds = "print(json.dumps([k.name for k in ppaip_rules.kinds()]))"
    assert _fresh("import json, ppaip_rules; " + kinds) == _fresh(
        "import json, ppaip_rules.lot, ppaip_rules; " + kinds)


def test_evaluating_a_case_imports_only_the_areas_whose_rules_it_runs():
    # what a batch worker runs (issue 13: ppaip_rules.batch imports the timeline itself):
    # the case rules and the modules that declare the rules a case reads, not the roster,
    # the lot, the premises
    loaded = _fresh("import json, sys; from ppaip_rules.timeline import evaluate_case; "
                    "evaluate_case({'events': ["
                    "{'type': 'prescription_received', 'at': '2025-05-02'}]}, "
                    "as_of='2025-06-02'); print(json.dumps(sorted(sys.modules)))")
    assert "ppaip_rules.case_rules" in loaded  # the test can fail: it sees what is imported
    assert [m for m in ("ppaip_rules.staffing", "ppaip_rules.roster_csv", "ppaip_rules.lot",
                        "ppaip_rules.premises") if m in loaded] == []


def test_the_modules_imported_for_the_case_rules_declare_every_rule_a_case_runs():
    from ppaip_rules import registry
    from ppaip_rules.case_rules import CASE_RULE_MODULES, CASE_RULES

    registry.load()
    origins = {registry._RULE_ORIGIN[rule_id] for rule_id in CASE_RULES}
    assert origins == {f"ppaip_rules.{m}" for m in ("case_rules", *CASE_RULE_MODULES)}


def test_every_module_that_declares_a_rule_or_a_kind_is_listed_in_the_areas():
    from ppaip_rules import registry

    registry.load()
    declaring = {*registry._RULE_ORIGIN.values(), *registry._KIND_ORIGIN.values()}
    listed = {f"ppaip_rules.{name}" for name in registry.AREAS}
    assert "ppaip_rules.case_rules" in declaring  # the test can fail: it sees the origins
    assert declaring <= listed, sorted(declaring - listed)


def test_a_deadline_in_a_fresh_process_imports_no_area_module():
    loaded = _fresh("import datetime, json, sys, ppaip_rules; d = ppaip_rules.deadline("
                    "'END-BILAN-IND', datetime.date(2025, 5, 7)); assert d.due.day == 15; "
                    "print(json.dumps(sorted(sys.modules)))")
    assert "ppaip_rules.deadlines" in loaded  # the test can fail: it sees what is imported
    assert [m for m in HEAVY if m in loaded] == []


def test_a_default_deadline_imports_neither_attrs_nor_the_model_nor_the_parameters():
    # Issue 13 (cold start): the delay comes from ppaip_rules.dijon_delays; the French
    # trace, flags and findings import the model only when they are built.
    loaded = _fresh("import json, sys, ppaip_rules; d = ppaip_rules.deadline("
                    "'END-BILAN-IND', '2025-03-03'); assert str(d.due) == '2025-03-10'; "
                    "d = ppaip_rules.deadline('REFUSAL-48H', '2025-03-03T11:00:00+01:00'); "
                    "assert d.is_met('2025-03-05T10:00:00+01:00'); "
                    "ppaip_rules.due_dates('STAFF-ACCESS', ['2025-03-31']); "
                    "print(json.dumps(sorted(sys.modules)))")
    assert "ppaip_rules.dijon_delays" in loaded  # the test can fail: it sees what is imported
    heavy = ["attr", "attrs", "ppaip_rules.model", "ppaip_rules.parameters",
             "ppaip_rules.registry", *HEAVY]
    assert [m for m in heavy if m in loaded] == []
    traced = _fresh("import json, sys, ppaip_rules; d = ppaip_rules.deadline("
                    "'END-BILAN-IND', '2025-03-03'); d.trace; "
                    "print(json.dumps(sorted(sys.modules)))")
    assert "ppaip_rules.model" in traced  # the trace is built on demand, by the model


def test_the_deadline_command_imports_no_area_module():
    loaded = _fresh("import contextlib, io, json, sys; from ppaip_rules.cli import main; "
                    "out = io.StringIO()\n"
                    "with contextlib.redirect_stdout(out): "
                    "code = main(['deadline', 'END-BILAN-IND', '2025-05-07', '--json'])\n"
                    "assert code == 0 and json.loads(out.getvalue())['due'] == '2025-05-15'\n"
                    "print(json.dumps(sorted(sys.modules)))")
    assert "ppaip_rules.deadlines" in loaded
    assert [m for m in HEAVY if m in loaded] == []


def test_importing_the_package_imports_no_area_and_every_public_name_resolves():
    loaded = _fresh("import json, sys, ppaip_rules; print(json.dumps(sorted(sys.modules)))")
    assert [m for m in [*HEAVY, "ppaip_rules.deadlines"] if m in loaded] == []
    import ppaip_rules

    assert all(getattr(ppaip_rules, name) is not None for name in ppaip_rules.__all__)
    assert sorted(dir(ppaip_rules)) == sorted(ppaip_rules.__all__)


def test_the_rules_command_in_a_fresh_process_lists_every_rule():
    from ppaip_rules import rules

    listed = _fresh("import contextlib, io, json; from ppaip_rules.cli import main; "
                    "out = io.StringIO()\n"
                    "with contextlib.redirect_stdout(out): main(['rules', '--json'])\n"
                    "print(json.dumps([r['id'] for r in json.loads(out.getvalue())]))")
    assert listed == [r.id for r in rules()]
    assert len(listed) == 65
