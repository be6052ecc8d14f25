"""Golden files: the outputs of the bundled samples, kept so that a change of behaviour is seen and explained.

``collate`` runs over samples/returns and every output is compared with
tests/golden/samples/: each parsed return, validation.json, merged.json and the
summary workbook's cell values, sheet by sheet. A change that alters them on
purpose regenerates them (``DOCXFORM_UPDATE_GOLDEN=1 python3 -m pytest
tests/e2e/test_golden.py``) and says why in its commit message. The files were first
written by the code as it stood before the typed-stages refactor (issue 14).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from docxform import api

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden" / "samples"
UPDATE = bool(os.environ.get("DOCXFORM_UPDATE_GOLDEN"))


def _normal(data: Any) -> str:
    """JSON text with sorted keys and without the version stamp, so only behaviour shows in a diff."""
    if isinstance(data, dict):
        data = {k: v for k, v in data.items() if k != "docxform_version"}
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False, default=str) + "\n"


def _workbook_values(path: Path) -> dict[str, list[list[Any]]]:
    book = load_workbook(path)
    return {ws.title: [[cell.value for cell in row] for row in ws.iter_rows()] for ws in book.worksheets}


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Every sample output as normalised text, by its name under tests/golden/samples/."""
    out = tmp_path_factory.mktemp("collate")
    cwd = Path.cwd()
    os.chdir(ROOT)  # source paths are recorded as given: relative to the checkout, as the README runs it
    try:
        api.collate(["samples/returns"], out)
    finally:
        os.chdir(cwd)
    found = {f"parsed/{p.name}": _normal(json.loads(p.read_text("utf-8"))) for p in sorted((out / "parsed").glob("*.json"))}
    for name in ("validation.json", "merged.json"):
        found[name] = _normal(json.loads((out / name).read_text("utf-8")))
    found["summary.json"] = _normal(_workbook_values(out / "summary.xlsx"))
    return found


def test_golden_files_cover_every_output(outputs: dict[str, str]) -> None:
    if UPDATE:
        for name, text in outputs.items():
            (GOLDEN / name).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / name).write_text(text, "utf-8")
    kept = sorted(str(p.relative_to(GOLDEN)) for p in GOLDEN.rglob("*.json"))
    assert kept == sorted(outputs), "outputs added or gone: regenerate the golden files and say why"


@pytest.mark.parametrize("name", sorted(p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*.json")))
def test_sample_output_matches_its_golden_file(outputs: dict[str, str], name: str) -> None:
    assert outputs[name] == (GOLDEN / name).read_text("utf-8"), (
        f"{name} changed: if on purpose, regenerate with DOCXFORM_UPDATE_GOLDEN=1 and say why in the commit")
