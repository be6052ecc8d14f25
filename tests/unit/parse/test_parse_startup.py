"""What makes ``docxform parse`` quick as a whole process stays true, and changes nothing it writes.

A parse run must not import what only other commands need (the writer,
jsonschema, openpyxl, jinja2, multiprocessing for one job); shipped
frameworks are built straight from their YAML, equal to what the full
check of a user's file builds; the fast JSON writer writes exactly what
``json.dumps(indent=2)`` writes.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from docxform import api
from docxform.framework import BUILTIN_IDS, load_framework
from docxform.framework.loader import builtin_path, check_definition_text
from docxform.io.jsontext import indented

SAMPLES = Path(__file__).resolve().parents[3] / "samples" / "returns"

PROBE = """
import sys
from docxform.cli import main as cli
from docxform.parse import parse_form
parse_form(sys.argv[1])
print(" ".join(sorted({m.split(".")[0] for m in sys.modules} | set(sys.modules))))
"""


def test_a_parse_run_imports_only_what_parsing_needs() -> None:
    form = next(iter(sorted(SAMPLES.glob("*.docx"))))
    done = subprocess.run([sys.executable, "-c", PROBE, str(form)], capture_output=True, text=True, timeout=120,
                          check=True)
    loaded = set(done.stdout.split())
    assert "docxform.parse.form" in loaded  # the probe did parse
    for heavy in ("jsonschema", "openpyxl", "jinja2", "multiprocessing", "docxform.generate", "docxform.oxml.writer",
                  "urllib.request", "email"):
        assert heavy not in loaded, heavy


@pytest.mark.parametrize("framework_id", BUILTIN_IDS)
def test_shipped_frameworks_built_directly_equal_the_checked_build(framework_id: str) -> None:
    checked, problems = check_definition_text(builtin_path(framework_id).read_text("utf-8"),
                                              f"builtin:{framework_id}")
    assert problems == []
    assert load_framework(framework_id) == checked


CASES: list[Any] = [
    {}, [], "", 0, -7, 2.5, 1e300, None, True, False, "é \u2028 \n \" \\ \x00 \U0001f600",
    {"a": [], "b": {}, "c": [1, 2.5, None, True, "x", {"d": [[], [{}]]}]},
    {1: "int key", 2.5: "float key", False: "bool key", None: "none key"},
    (1, "tuple"), [float("inf"), float("-inf")],
]


@pytest.mark.parametrize("value", CASES, ids=[repr(c)[:30] for c in CASES])
def test_indented_json_is_what_json_dumps_writes(value: Any) -> None:
    assert indented(value) == json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def test_parse_results_are_written_as_json_dumps_would() -> None:
    forms = sorted(SAMPLES.glob("*.docx"))[:3]
    assert len(forms) == 3
    results = [o.result for o in api.parse(forms)]
    assert all(results)
    for result in results:
        assert api.to_json(result) == json.dumps(result, indent=2, ensure_ascii=False) + "\n"
