"""The shape of the package: no import cycles inside docxform.

A cycle means two modules cannot be understood (or typed) apart: today's
were why ``api.validate`` returned ``Any``. Imports inside functions count too
(they only hide a cycle until run time); ``if TYPE_CHECKING:`` blocks do not,
since they never run.
"""

from __future__ import annotations

import ast
from pathlib import Path

import docxform

PACKAGE = Path(docxform.__file__).parent


def _module_name(path: Path) -> str:
    parts = ["docxform", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement, at any depth, except those under ``if TYPE_CHECKING:``."""
    found: list[ast.Import | ast.ImportFrom] = []

    def walk(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for sub in child.orelse:
                    walk(sub)
                continue
            if isinstance(child, (ast.Import, ast.ImportFrom)):
                found.append(child)
            walk(child)

    walk(tree)
    return found


def _with_parents(name: str) -> set[str]:
    """Importing ``a.b.c`` runs ``a.b``'s ``__init__`` too, so it depends on every parent package."""
    parts = name.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts) + 1)}


def _targets(node: ast.Import | ast.ImportFrom, module: str, is_package: bool, known: set[str]) -> set[str]:
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    else:
        base = node.module or ""
        if node.level:
            anchor = module.split(".") if is_package else module.split(".")[:-1]
            anchor = anchor[: len(anchor) - (node.level - 1)]
            base = ".".join([*anchor, base] if base else anchor)
        names = [base] + [f"{base}.{alias.name}" for alias in node.names]
    out: set[str] = set()
    for name in names:
        if name.split(".")[0] == "docxform" and name in known:
            out |= _with_parents(name)
    return out


def import_graph() -> dict[str, set[str]]:
    """Module -> the docxform modules it imports (self-edges and the root package left out)."""
    files = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    known = set(files)
    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        deps: set[str] = set()
        for node in _imports(tree):
            deps |= _targets(node, module, path.name == "__init__.py", known)
        # A package's own __init__ and the root (only __version__) cannot close a cycle worth naming.
        graph[module] = {d for d in deps if d != module and d != "docxform" and not module.startswith(d + ".")}
    return graph


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
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
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_cycles():
    cycles = find_cycles(import_graph())
    assert not cycles, "import cycles inside docxform: " + "; ".join(" <-> ".join(c) for c in cycles)


def test_the_cycle_finder_finds_a_cycle_and_ignores_type_checking(tmp_path):
    """The check itself can fail: a planted cycle is found, a TYPE_CHECKING-only import is not."""
    assert find_cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    tree = ast.parse("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import docxform.api\n"
                     "def f():\n    from docxform.survey import merge\n")
    found = [_targets(n, "docxform.x", False, {"docxform", "docxform.api", "docxform.survey.merge"}) for n in _imports(tree)]
    assert any("docxform.survey.merge" in f for f in found) and not any("docxform.api" in f for f in found)


def test_relative_imports_resolve():
    tree = ast.parse("from .model import Framework\nfrom . import loader\n")
    known = {"docxform", "docxform.framework", "docxform.framework.model", "docxform.framework.loader"}
    targets = set().union(*(_targets(n, "docxform.framework.build", False, known) for n in _imports(tree)))
    assert {"docxform.framework.model", "docxform.framework.loader"} <= targets


def test_validation_does_not_import_the_merge():
    """Validation runs before merging; the helpers both need live in docxform.records.response."""
    graph = import_graph()
    assert "docxform.survey.merge" not in graph["docxform.validate.rules"]
    assert "docxform.records.response" in graph["docxform.validate.rules"]


def test_public_api_signatures_name_no_any():
    """The CLI's library says what each command returns (mypy enforces it too: setup.cfg, docxform.api)."""
    import inspect

    from docxform import api

    for name in api.__all__:
        obj = getattr(api, name)
        if inspect.isfunction(obj):
            text = str(inspect.signature(obj))
            assert "Any" not in text, f"api.{name}{text}"
