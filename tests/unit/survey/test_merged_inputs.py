"""A merged dataset handed back to docxform is data: checked against its framework, never taken for a return.

Each case starts from the samples' merged dataset (tests/golden), edited as a
person might edit the JSON by hand, and asserts the one-line refusal (exit 1,
never an internal error) naming the file, the item and the field.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.support.cli import run_main

ROOT = Path(__file__).resolve().parents[3]
MERGED = ROOT / "tests" / "golden" / "samples" / "merged.json"
SAMPLES = ROOT / "samples" / "returns"


def edited(tmp_path: Path, change: Any, name: str = "edited.json") -> Path:
    data = json.loads(MERGED.read_text("utf-8"))
    data["docxform_version"] = "0.1.0"
    change(data)
    path = tmp_path / name
    path.write_text(json.dumps(data), "utf-8")
    return path


def off_scale(data: dict[str, Any]) -> None:
    first = next(iter(data["items"]["1.1"]["responses"]))
    data["items"]["1.1"]["responses"][first]["rating"] = "excellent"
    for person in data["respondents"]:
        person["organisation"] = "Police"


def misspelt(data: dict[str, Any]) -> None:
    data["items"]["1.10"] = data["items"].pop("1.1")


def bogus_agreed(data: dict[str, Any]) -> None:
    data["items"]["1.1"]["consensus"]["agreed_level"] = "bogus"


def framework_as_path(data: dict[str, Any]) -> None:
    data["framework"]["id"] = "/etc/passwd"


@pytest.mark.parametrize("change,message", [
    (off_scale, "item 1.1 responses."),
    (misspelt, "item '1.10' is not a sa2003 standard"),
    (bogus_agreed, "item 1.1 consensus.agreed_level: 'bogus' is not a level of the rating scale"),
    (framework_as_path, "names framework '/etc/passwd', which is not built in"),
])
@pytest.mark.parametrize("command", ["summarise", "compare", "consolidate"])
def test_a_hand_edited_dataset_is_refused_in_one_line(tmp_path: Path, change: Any, message: str,
                                                      command: str) -> None:
    bad = edited(tmp_path, change)
    args = {"summarise": ["summarise", str(bad), "-o", str(tmp_path / "s.xlsx")],
            "compare": ["compare", str(MERGED), str(bad), "--json"],
            "consolidate": ["consolidate", str(bad), "-o", str(tmp_path / "a.docx")]}[command]
    done = run_main(*args)
    assert done.returncode == 1, done.stderr
    assert message in done.stderr and "internal error" not in done.stderr
    assert f"{bad}: " in done.stderr and "the merged dataset" not in done.stderr  # the file is named, every command
    assert not (tmp_path / "s.xlsx").exists() and not (tmp_path / "a.docx").exists()


def test_merge_refuses_a_merged_dataset_among_returns_and_merges_the_rest(tmp_path: Path) -> None:
    out = tmp_path / "m.json"
    done = run_main("merge", str(SAMPLES), str(MERGED), "-o", str(out))
    assert done.returncode == 1
    assert f"{MERGED}: a docxform merged file; this command takes returns" in done.stderr
    assert len(json.loads(out.read_text("utf-8"))["respondents"]) == 8  # no ninth, empty respondent


def test_summarise_refuses_two_datasets_rather_than_ignoring_one(tmp_path: Path) -> None:
    other = edited(tmp_path, lambda data: None, "other.json")
    done = run_main("summarise", str(MERGED), str(other), "-o", str(tmp_path / "s.xlsx"))
    assert done.returncode == 1 and "not several datasets" in done.stderr
    assert not (tmp_path / "s.xlsx").exists()
