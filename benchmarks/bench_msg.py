"""Benchmark: ``docxform round ingest`` of returns saved from Outlook (.msg) against the same returns as .eml.

What a coordinator waits for after dragging the replies out of Outlook: a
whole ``docxform round ingest ROUND inbox/`` process, from the interpreter
starting to the last receipt stored. The same N returns (each filled on its
own, each in its own message with a signature image beside it, from its own
sender at its own time) are written once as .eml (the standard library) and
once as .msg (tests/support/msgwriter.py, MS-OXMSG); each run ingests into a
fresh copy of one started round. The two kinds alternate, three runs each
after one warm-up of each; medians of wall-clock and CPU time.
Target: .msg at most 1.2x the time of .eml.

    python benchmarks/bench_msg.py [N]     (N returns, default 500)
"""

from __future__ import annotations

import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.support: the .msg writer and the .eml writer the tests use

from docxform.framework import load_framework  # noqa: E402
from docxform.oxml.fill import fill  # noqa: E402
from tests.support.msgwriter import write_msg  # noqa: E402
from tests.support.roundkit import write_eml  # noqa: E402

RUNS = 3
TARGET = 1.2


def make_inboxes(folder: Path, blank: Path, n: int) -> tuple[Path, Path]:
    """n returns filled on their own, each sent as one .eml and as one .msg (same sender, time and bytes)."""
    fw = load_framework("sa2003")
    levels = fw.rating_scale.keys if fw.rating_scale else ()
    rng = random.Random(25)
    eml, msg, made = folder / "eml", folder / "msg", folder / "made"
    for target in (eml, msg, made):
        target.mkdir()
    start = datetime(2004, 3, 1, 9, 0, tzinfo=UTC)
    for i in range(n):
        ratings = {it.id: rng.choice(levels) for it in fw.items if rng.random() < 0.9}
        texts = {(it.id, "comments"): f"Return {i}: " + "evidence of progress. " * rng.randint(1, 10)
                 for it in fw.items if rng.random() < 0.8}
        path = made / f"return{i:04d}.docx"
        fill(blank, path, ratings, texts, {"completed_by": f"Person {i:04d}"})
        sender, when = f"person{i:04d}@example.org", start + timedelta(minutes=i)
        write_eml(eml / f"reply{i:04d}.eml", sender, when, path)
        write_msg(msg / f"reply{i:04d}.msg", sender, when, path, exchange=i % 2 == 0, logo=True)
    return eml, msg


def run(command: list[str]) -> tuple[float, float, str]:
    """Wall-clock seconds, CPU seconds (user + system) and the output of one process run to its end."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, check=False, capture_output=True, text=True, env=os.environ.copy())
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    assert done.returncode == 0, done.stderr[-2000:]
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), done.stdout


def ingest(template: Path, inbox: Path, work: Path, n: int) -> tuple[float, float]:
    """One ingest of the inbox into a fresh copy of the started round; every return must arrive as new."""
    target = work / f"round-{time.perf_counter_ns()}"
    shutil.copytree(template, target)
    wall, cpu, out = run([sys.executable, "-m", "docxform", "round", "ingest", str(target), str(inbox)])
    arrived = sum(": new;" in line for line in out.splitlines())
    assert arrived == n, f"{arrived} returns arrived of {n} ({inbox.name})"
    shutil.rmtree(target)
    return wall, cpu


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        template = work / "template"
        subprocess.run([sys.executable, "-m", "docxform", "round", "start", "sa2003", str(template)], check=True,
                       capture_output=True)
        [blank] = sorted((template / "forms").glob("*.docx"))
        eml, msg = make_inboxes(work, blank, n)
        ingest(template, eml, work, n), ingest(template, msg, work, n)  # warm the file cache and the bytecode
        times: dict[str, list[tuple[float, float]]] = {"eml": [], "msg": []}
        for r in range(RUNS):
            for kind in ("eml", "msg") if r % 2 == 0 else ("msg", "eml"):
                times[kind].append(ingest(template, eml if kind == "eml" else msg, work, n))
        size = {kind: sum(p.stat().st_size for p in folder.iterdir()) for kind, folder in (("eml", eml), ("msg", msg))}
    e, m = (statistics.median(t[0] for t in times[k]) for k in ("eml", "msg"))
    ec, mc = (statistics.median(t[1] for t in times[k]) for k in ("eml", "msg"))
    print("| measure | wall clock | CPU (user + system) |\n|---|---|---|")
    print(f"| `round ingest`, {n} returns as .eml ({size['eml'] / 2**20:.1f} MB) | {e:.2f} s | {ec:.2f} s |")
    print(f"| `round ingest`, {n} returns as .msg ({size['msg'] / 2**20:.1f} MB) | {m:.2f} s ({m / e:.2f}x) | "
          f"{mc:.2f} s ({mc / ec:.2f}x) |")
    print(f"| target | .msg at most {TARGET}x .eml | {'met' if m / e <= TARGET else 'NOT met'} (wall clock) |")


if __name__ == "__main__":
    main()
