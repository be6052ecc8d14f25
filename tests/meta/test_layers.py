"""Packages import only downward, in the order docs/architecture.md gives (function-level imports included).

The order is a list here and a line in the architecture document; a test keeps
the two the same. ``if TYPE_CHECKING:`` imports never run and are allowed (for
annotations only), as the document says; every other import, at any depth, counts.
When this fails, the thing imported is in the wrong room: a record belongs in
``records/``, a constant in the lowest package that uses it, a choice between
two stages in the caller above both.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from tests.meta.test_architecture import _imports, _targets, find_cycles, import_graph

ROOT = Path(__file__).resolve().parents[2]

#: Lowest first: a package may import its own modules and any package before it here.
LAYERS = ["core", "io", "oxml", "framework", "records", "generate", "parse", "validate", "survey", "plan",
          "reports", "round", "pipeline", "api", "serve", "cli"]

#: Modules outside the packages above, and where they stand. The root package holds only
#: ``__version__``; ``schemas`` and ``crosswalks`` hold data files (JSON Schemas, YAML crosswalks)
#: and no code; ``python -m docxform`` starts the command line, so it stands with it.
PLACED = {"docxform": "core", "docxform.schemas": "core", "docxform.crosswalks": "core",
          "docxform.__main__": "cli"}


def layer_of(module: str) -> str:
    """The layer a docxform module belongs to: its package (``docxform.<package>...``), or where PLACED puts it."""
    if module in PLACED:
        return PLACED[module]
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else module


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    """Every import of a higher layer (or of a module in no layer), as ``importer -> imported (layer > layer)``."""
    rank = {name: i for i, name in enumerate(LAYERS)}
    found = []
    for module in sorted(graph):
        mine = layer_of(module)
        for target in sorted(graph[module]):
            theirs = layer_of(target)
            if mine not in rank or theirs not in rank:
                found.append(f"{module} -> {target} (not in any layer: place it in LAYERS and the document)")
            elif rank[theirs] > rank[mine]:
                found.append(f"{module} -> {target} ({mine} imports {theirs}, which is above it)")
    return found


def package_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """Layer -> the other layers it imports."""
    out: dict[str, set[str]] = {}
    for module, targets in graph.items():
        out.setdefault(layer_of(module), set()).update(layer_of(t) for t in targets)
    return {layer: targets - {layer} for layer, targets in out.items()}


def _graph_of(sources: dict[str, str]) -> dict[str, set[str]]:
    """The import graph of made-up modules (name -> source text), read the same way as the real package."""
    known = set(sources) | {"docxform"}
    return {module: {t for node in _imports(ast.parse(text)) for t in _targets(node, module, False, known)}
            - {module, "docxform"} for module, text in sources.items()}


def test_packages_import_only_downward() -> None:
    found = upward_imports(import_graph())
    assert not found, "imports against the layer order:\n" + "\n".join(found)


def test_the_packages_import_each_other_without_cycles() -> None:
    graph = import_graph()
    assert not find_cycles(package_graph(graph)), find_cycles(package_graph(graph))
    assert not find_cycles(graph), find_cycles(graph)


def test_every_module_has_a_layer() -> None:
    unplaced = sorted({layer_of(m) for m in import_graph()} - set(LAYERS))
    assert not unplaced, f"packages in no layer (add them to LAYERS and docs/architecture.md): {unplaced}"


def test_the_order_is_the_documented_one() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text("utf-8")
    line = re.search(r"`core`(?: <\s+`\w+`)+", text)
    assert line is not None, "docs/architecture.md no longer gives the order as `core` < `io` < ..."
    assert re.findall(r"`(\w+)`", line.group(0)) == LAYERS


def test_an_upward_import_fails_at_any_depth_and_type_checking_is_allowed() -> None:
    """The check itself can fail: a module-level and a function-level import upward are both found."""
    graph = _graph_of({
        "docxform.core.errors": "from docxform.survey import merge\n",
        "docxform.survey.merge": "def f():\n    if True:\n        from docxform.reports.summary import Book\n",
        "docxform.reports.summary": ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import docxform.api\n"
                                     "from docxform.core.errors import DocxformError\n"),
        "docxform.reports": "", "docxform.survey": "", "docxform.core": "", "docxform.api": "",
    })
    found = upward_imports(graph)
    assert found == [
        "docxform.core.errors -> docxform.survey (core imports survey, which is above it)",
        "docxform.core.errors -> docxform.survey.merge (core imports survey, which is above it)",
        "docxform.survey.merge -> docxform.reports (survey imports reports, which is above it)",
        "docxform.survey.merge -> docxform.reports.summary (survey imports reports, which is above it)",
    ]
    assert "docxform.api" not in graph["docxform.reports.summary"]  # TYPE_CHECKING only: never runs


def test_a_package_cycle_and_an_unplaced_module_are_found() -> None:
    graph = {"docxform.parse.a": {"docxform.validate.b"}, "docxform.validate.b": {"docxform.parse.a"},
             "docxform.elsewhere.c": set()}
    assert find_cycles(package_graph(graph)) == [["parse", "validate"]]
    assert upward_imports(graph) == ["docxform.parse.a -> docxform.validate.b (parse imports validate, "
                                     "which is above it)"]
    assert {layer_of(m) for m in graph} - set(LAYERS) == {"elsewhere"}
