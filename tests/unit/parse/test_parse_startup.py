"""What makes ``docxform parse`` quick as a whole process stays true, and changes nothing it writes.

A parse run must not import what only other commands need (the writer,
jsonschema, openpyxl, jinja2, multiprocessing for one job, merging, collating, validating); shipped
frameworks are built straight from their YAML, equal to what the full
check of a user's file builds; the JSON writer (orjson) writes exactly what
``json.dumps(indent=2)`` writes, floats with an exponent and non-finite ones aside
(``docxform/io/jsontext.py``).
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
from docxform.io.jsontext import indented, indented_bytes

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
                  "urllib.request", "email", "docxform.survey", "docxform.pipeline", "docxform.validate"):
        assert heavy not in loaded, heavy


@pytest.mark.parametrize("framework_id", BUILTIN_IDS)
def test_shipped_frameworks_built_directly_equal_the_checked_build(framework_id: str) -> None:
    checked, problems = check_definition_text(builtin_path(framework_id).read_text("utf-8"),
                                              f"builtin:{framework_id}")
    assert problems == []
    assert load_framework(framework_id) == checked


CASES: list[Any] = [
    {}, [], "", 0, -7, 2.5, 0.1, 1 / 3, -0.0, 1e15, None, True, False,
    "é \u2028 \n \" \\ \x00 \x1f \x7f \U0001f600 </script>",
    {"a": [], "b": {}, "c": [1, 2.5, None, True, "x", {"d": [[], [{}]]}]},
    {1: "int key", 2.5: "float key", False: "bool key", None: "none key"},
    (1, "tuple"), 2**70, "lone \ud800 surrogate",
]


@pytest.mark.parametrize("value", CASES, ids=[repr(c)[:30] for c in CASES])
def test_indented_json_is_what_json_dumps_writes(value: Any) -> None:
    expected = json.dumps(value, indent=2, ensure_ascii=False) + "\n"
    assert indented(value) == expected
    if "\ud800" not in expected:
        assert indented_bytes(value) == expected.encode("utf-8")


@pytest.mark.parametrize(("value", "written"), [(1e300, "1e300"), (1e16, "1e16"), (1e-05, "0.00001"),
                                                (float("nan"), "null"), (float("inf"), "null")])
def test_floats_json_spells_otherwise_are_the_same_number_or_null(value: float, written: str) -> None:
    """The documented differences: exponents spelled the short way; NaN and infinities (not JSON) as null."""
    assert indented(value) == written + "\n"
    if value == value and abs(value) != float("inf"):
        assert json.loads(indented(value)) == value


def test_what_json_refuses_is_still_refused() -> None:
    import dataclasses
    import datetime

    @dataclasses.dataclass
    class Record:
        x: int

    for value in (Record(1), datetime.date(2004, 3, 1), {"set": {1}}):
        with pytest.raises(TypeError):
            indented(value)


def test_parse_results_are_written_as_json_dumps_would(tmp_path: Path) -> None:
    forms = sorted(SAMPLES.glob("*.docx"))[:3]
    assert len(forms) == 3
    results = [o.result for o in api.parse(forms)]
    assert all(results)
    for result in results:
        assert api.to_json(result) == json.dumps(result, indent=2, ensure_ascii=False) + "\n"
    written = [o.written for o in api.parse(forms, output=Path(str(tmp_path) + "/"))]
    for result, path in zip(results, written, strict=True):
        assert path is not None and path.read_text("utf-8") == api.to_json(result)


def test_parsing_makes_no_reference_cycles(tmp_path: Path) -> None:
    """What lets the command collect garbage rarely (cli/main.py): a parse run frees all it makes by refcount."""
    import gc

    forms = sorted(SAMPLES.glob("*.docx"))
    list(api.parse(forms[:1], output=tmp_path / "warm"))  # caches (frameworks, mappings) filled first
    gc.collect()
    gc.disable()
    try:
        for outcome in api.parse(forms, output=tmp_path / "out"):
            assert outcome.error is None
        assert gc.collect() == 0
    finally:
        gc.enable()
