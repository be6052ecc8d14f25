"""Fuzz: hundreds of damaged and hostile variants of good inputs, each parsed under a time and memory limit.

The mutants (tests/support/mutate.py) come from the sample returns, the
blank forms and a filled plan workbook, through six families of damage
(raw bytes, zip structure, document XML, text, custom properties, other
parts), with a fixed seed so CI sees the same files every run. Each is
parsed in its own forked child (tests/support/fuzzrun.py) with a time
limit and ``RLIMIT_AS``; then mixed batches go through the CLI (parse with
two workers, validate, collate, summarise --plan) next to good files.

Asserted: no internal error and nothing escaping the per-file boundary, no
file over the time limit, peak memory under the limit, every failure one
line naming its file, no input changed, every batch complete (the good
files' outputs present, every bad file named).

More mutants: ``DOCXFORM_FUZZ_MUTANTS=2000``; another seed:
``DOCXFORM_FUZZ_SEED=N``; figures printed with ``-s``.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from docxform import api
from tests.support.mutate import FAMILIES, mutant
from tests.support.planfill import fill_plan

#: A fuzz campaign: part of the full suite and CI, left out of the quick run (-m "not slow").
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
MUTANTS = int(os.environ.get("DOCXFORM_FUZZ_MUTANTS", "240"))
SEED = int(os.environ.get("DOCXFORM_FUZZ_SEED", "13000"))
TIME_LIMIT = 20.0
MEMORY_MB = 1024
BATCH = 30


@dataclass
class Fuzz:
    folder: Path
    good: list[Path]
    good_plan: Path
    mutants: list[Path]
    what: dict[str, str]
    records: list[dict[str, Any]]
    hashes_before: dict[str, str]
    seconds: float


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _env() -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("DOCXFORM_DEBUG", None)
    return env


def _plan(folder: Path) -> Path:
    blank = folder / "blank-plan.xlsx"
    api.generate_plan("sa2003", blank)
    filled = folder / "seed-plan.xlsx"
    row = {"standard": "1.1", "goal": "=HYPERLINK(\"x\")", "action": "Train staff", "milestones": "Q1",
           "lead_officer": "A. Lead", "resources": "", "challenges": "", "measure": "90%",
           "milestone_date": "2026-03-31", "status": "In progress", "last_reviewed": "2026-01-15", "priority": "2"}
    fill_plan(blank, filled, [row, {**row, "standard": "2.1", "priority": "1"}],
              {"partnership": "Safer Town", "lead_officer": "C. Ord", "period": "2026"})
    return filled


@pytest.fixture(scope="module")
def fuzz(tmp_path_factory: pytest.TempPathFactory) -> Fuzz:
    folder = tmp_path_factory.mktemp("fuzz")
    seeds_dir = folder / "seeds"
    seeds_dir.mkdir()
    plan = _plan(seeds_dir)
    seed_files = [*sorted((ROOT / "samples" / "returns").glob("*.docx")), *sorted((ROOT / "blank_forms").glob("*.docx")),
                  plan]
    seeds = {p.name: p.read_bytes() for p in seed_files}
    inputs = folder / "inputs"
    inputs.mkdir()
    mutants, what = [], {}
    for number in range(SEED, SEED + MUTANTS):
        made = mutant(seeds, number)
        suffix = ".xlsx" if made.what.startswith("seed-plan") else ".docx"
        path = inputs / f"m{number}-{made.family}{suffix}"
        path.write_bytes(made.data)
        mutants.append(path)
        what[str(path)] = f"seed {number}, {made.what}"
    before = {str(p): _sha(p) for p in mutants}
    listing = folder / "list.txt"
    listing.write_text("\n".join(map(str, mutants)) + "\n")
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "tests.support.fuzzrun", str(listing), str(folder / "results.jsonl"),
                    "--timeout", str(TIME_LIMIT), "--memory", str(MEMORY_MB), "--jobs", "2"],
                   check=True, cwd=ROOT, env=_env(), timeout=max(600, MUTANTS * 3))
    seconds = time.monotonic() - started
    records = [json.loads(line) for line in (folder / "results.jsonl").read_text().splitlines()]
    return Fuzz(folder, seed_files[:3], plan, mutants, what, records, before, seconds)


def _explain(fuzz: Fuzz, records: list[dict[str, Any]]) -> str:
    return "\n".join(f"{r['path']} ({fuzz.what[r['path']]}): {r.get('escaped') or r.get('error')} "
                     f"[{r['seconds']} s, {r['peak_mb']} MB]" for r in records[:20])


def test_every_family_is_fuzzed(fuzz: Fuzz) -> None:
    families = Counter(path.stem.split("-", 1)[1] for path in fuzz.mutants)
    assert set(families) == set(FAMILIES) or len(FAMILIES) > MUTANTS
    assert len(fuzz.records) == len(fuzz.mutants)
    # Not all noise: a good share still parses, so the parser's depths are reached.
    assert sum(r["ok"] for r in fuzz.records) > len(fuzz.records) // 5


def test_no_internal_error(fuzz: Fuzz) -> None:
    bad = [r for r in fuzz.records if r.get("escaped") or "internal-error" in (r.get("error") or "")
           or (not r["ok"] and not r.get("error") and not r["killed"])]
    assert not bad, _explain(fuzz, bad)


def test_no_file_hangs(fuzz: Fuzz) -> None:
    slow = [r for r in fuzz.records if r["killed"] or r["seconds"] > TIME_LIMIT]
    assert not slow, _explain(fuzz, slow)


def test_memory_is_bounded(fuzz: Fuzz) -> None:
    heavy = [r for r in fuzz.records if r["peak_mb"] >= MEMORY_MB or "out of memory" in (r.get("error") or "")
             or "ended abruptly" in (r.get("error") or "")]
    assert not heavy, _explain(fuzz, heavy)


def test_every_failure_is_one_line_naming_the_file(fuzz: Fuzz) -> None:
    bad = [r for r in fuzz.records if not r["ok"] and r.get("error")
           and (not r["error"].startswith(r["path"] + ": ") or "\n" in r["error"] or "Traceback" in r["error"])]
    assert not bad, _explain(fuzz, bad)


def test_no_refusal_in_a_library_s_words(fuzz: Fuzz) -> None:
    """"could not read worksheets from None." and friends are openpyxl's; docxform says what is wrong itself."""
    bad = [r for r in fuzz.records if "from None" in (r.get("error") or "") or "Unable to read workbook"
           in (r.get("error") or "")]
    assert not bad, _explain(fuzz, bad)


def test_inputs_are_unchanged(fuzz: Fuzz) -> None:
    changed = [p for p in fuzz.mutants if _sha(p) != fuzz.hashes_before[str(p)]]
    assert not changed


def test_figures(fuzz: Fuzz) -> None:
    """The run's figures (shown with -s): what the closing note of a fuzz run reports."""
    records = fuzz.records
    causes = Counter((r.get("error") or "parsed").split(": ", 1)[-1][:50] for r in records)
    print(f"\nfuzz: {len(records)} mutants (seed {SEED}) in {fuzz.seconds:.1f} s; parsed {sum(r['ok'] for r in records)}, "
          f"refused {sum(not r['ok'] for r in records)}; slowest {max(r['seconds'] for r in records):.2f} s; "
          f"peak {max(r['peak_mb'] for r in records):.0f} MB; killed {sum(r['killed'] for r in records)}")
    for cause, count in causes.most_common(12):
        print(f"  {count:5d}  {cause}")
    assert records


# --- batches through the CLI: one bad file never stops the others


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "docxform", *args], capture_output=True, text=True, cwd=cwd,
                          env=_env(), timeout=600)


def _assert_batch_ok(run: subprocess.CompletedProcess[str]) -> None:
    assert run.returncode in (0, 1), run.stderr[-2000:]
    for word in ("internal error", "internal-error", "Traceback"):
        assert word not in run.stderr, run.stderr[-2000:]


def _batch(fuzz: Fuzz, suffix: str, count: int = BATCH) -> list[Path]:
    return [p for p in fuzz.mutants if p.suffix == suffix][:count]


def test_parse_batch_in_two_workers_completes(fuzz: Fuzz, tmp_path: Path) -> None:
    bad = _batch(fuzz, ".docx") + _batch(fuzz, ".xlsx", 8)
    files = [fuzz.good[0], *bad, fuzz.good[1], fuzz.good_plan]
    out = tmp_path / "parsed"
    run = _cli("parse", *map(str, files), "-o", str(out), "--jobs", "2", cwd=tmp_path)
    _assert_batch_ok(run)
    for good in (fuzz.good[0], fuzz.good[1], fuzz.good_plan):
        assert json.loads((out / f"{good.stem}.json").read_text())["source"]["path"] == str(good)
    for path in bad:
        assert (out / f"{path.stem}.json").exists() or f"{path}: " in run.stderr, path


def test_validate_batch_completes(fuzz: Fuzz, tmp_path: Path) -> None:
    bad = _batch(fuzz, ".docx")
    files = [fuzz.good[0], *bad, fuzz.good[1]]
    run = _cli("validate", *map(str, files), "--json", cwd=tmp_path)
    _assert_batch_ok(run)
    report = json.loads(run.stdout)
    assert [f["path"] for f in report["files"]] == list(map(str, files))
    assert all("error" not in f for f in report["files"] if f["path"] in (str(fuzz.good[0]), str(fuzz.good[1])))


def test_collate_batch_completes(fuzz: Fuzz, tmp_path: Path) -> None:
    bad = _batch(fuzz, ".docx")
    out = tmp_path / "out"
    run = _cli("collate", str(fuzz.good[0]), *map(str, bad), str(fuzz.good[1]), "-o", str(out),
               "--framework", "sa2003", "--jobs", "2", cwd=tmp_path)
    _assert_batch_ok(run)
    assert (out / "summary.xlsx").is_file() and (out / "report.html").is_file()
    for good in fuzz.good[:2]:
        assert (out / "parsed" / f"{good.stem}.json").is_file()
    for path in bad:
        assert (out / "parsed" / f"{path.stem}.json").exists() or f"{path}: " in run.stderr, path


def test_summarise_with_damaged_plans_completes(fuzz: Fuzz, tmp_path: Path) -> None:
    plans = _batch(fuzz, ".xlsx", 12)
    args = [arg for plan in (fuzz.good_plan, *plans) for arg in ("--plan", str(plan))]
    run = _cli("summarise", str(fuzz.good[0]), str(fuzz.good[1]), "-o", str(tmp_path / "s.xlsx"), *args,
               "--framework", "sa2003", cwd=tmp_path)
    _assert_batch_ok(run)
    assert (tmp_path / "s.xlsx").is_file()
