"""Every benchmark runs end to end at a small size, so a change to the library cannot leave one broken.

The figures themselves are not asserted (speed is measured by running the
benchmarks, README "Speed"); what is asserted is that each prints its table,
with the ratio against its floor measured in the same run.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

#: Each benchmark at a small size, and the line of its table that holds the ratio to its floor.
RUNS = {
    "generate": (["bench_generate.py"], r"^\| ratio \| \d+\.\d+x \|"),
    "floor": (["bench_floor.py", "12", "2"], r"^\| iter_cells_iter_texts \| [\d.]+ ms \| [\d.]+ ms \| 1\.00x \|"),
    "parse": (["bench_parse.py", "20", "40"],
              r"^\| docxform parse_form, median per form, 40 returns \| [\d.]+ ms \(\d+\.\d+x the floor\) \|"),
    "parse-cli": (["bench_parse_cli.py", "15", "30"],
                  r"^\| `docxform parse \.\.\. -o parsed/`, 30 returns \| [\d.]+ s \(\d+\.\d+x\) \| [\d.]+ s "
                  r"\(\d+\.\d+x; [\d.]+ ms a form\) \| \d+ MB \|"),
    "parse-cli-other-returns": (["bench_parse_cli.py", "10", "--returns", "samples/returns"],
                                r"^\| `docxform parse \.\.\. -o parsed/`, 10 returns \| [\d.]+ s \(\d+\.\d+x\) \|"),
    "parse-bound": (["bench_parse_bound.py", "12"],
                    r"^\| the parse with the judgement work free, 12 returns \| [\d.]+ ms \| [\d.]+ ms \| \d+\.\d+x \|"),
    "summarise": (["bench_summarise.py", "50"], r"^\| 50 \| \d+ \| [\d.]+ s \| [\d.]+ s \| \d+\.\d+x \|"),
    "console": (["bench_console.py", "20", "4"],
                r"^\| 4 returns dropped .*\| [\d.]+ s vs CLI `round ingest` process [\d.]+ s \| \d+\.\d+x \(1\.2x\)"),
    "msg": (["bench_msg.py", "10"], r"^\| `round ingest`, 10 returns as \.msg \([\d.]+ MB\) \| [\d.]+ s \(\d+\.\d+x\) \|"),
    "round": (["bench_round.py", "--small"], r"^\| 15 \| [\d.]+ s \| [\d.]+ s \| [\d.]+ s \| [\d.]+ s \|"),
}


@pytest.mark.slow
@pytest.mark.libreoffice  # bench_parse re-saves a quarter of its returns in LibreOffice, as partners do
@pytest.mark.parametrize("name", list(RUNS))
def test_each_benchmark_runs_and_prints_its_ratio(name: str) -> None:
    args, row = RUNS[name]
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / args[0]), *args[1:]], capture_output=True,
                          text=True, cwd=ROOT, timeout=600, check=False,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr[-2000:]
    assert re.search(row, done.stdout, re.MULTILINE), done.stdout
