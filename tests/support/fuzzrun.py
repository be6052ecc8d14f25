"""Parse many files, each in a forked child with a time and memory limit; record what happened to each.

Run as ``python3 -m tests.support.fuzzrun LIST RESULTS [--timeout S] [--memory MB] [--jobs N]``:
LIST holds one input path a line; RESULTS gets one JSON object per input
(its outcome, seconds, peak resident memory in MB, and whether it was
killed for time). docxform is imported once, before forking, so a child
costs a fork, not an interpreter start; the memory limit
(``RLIMIT_AS``) is set in the child only.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import signal
import sys
import time
from pathlib import Path
from typing import Any

from docxform import api
from docxform.parse import parse_form  # noqa: F401 - imported before forking, so children start warm
from docxform.plan import parse_plan  # noqa: F401


def warm() -> None:
    """Load what every child would otherwise load again: frameworks and shipped mappings."""
    from docxform.framework import BUILTIN_IDS, load_framework
    from docxform.parse.recognise import form_mappings

    for framework_id in BUILTIN_IDS:
        load_framework(framework_id)
    form_mappings()


def _child(path: str, out: Path, memory: int) -> None:
    """In the child: parse one file under the memory limit and write its outcome."""
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    try:
        [outcome] = list(api.parse([path]))
        error = outcome.error
        record: dict[str, Any] = {"ok": outcome.result is not None, "error": error.describe() if error else None,
                                  "code": error.code if error else None}
    except BaseException as exc:  # an escape from the boundary is what this looks for
        record = {"ok": False, "error": None, "escaped": f"{type(exc).__name__}: {exc}"[:500]}
    out.write_text(json.dumps(record))


def run(paths: list[str], results: Path, *, timeout: float, memory_mb: int, jobs: int) -> list[dict[str, Any]]:
    """Every path's record, in input order."""
    warm()
    # Children share the warm parent's pages; frozen objects are never touched by their collector,
    # so forking does not copy every page of the parent (Python's documented advice for fork).
    gc.freeze()
    work = results.with_suffix(".d")
    work.mkdir(parents=True, exist_ok=True)
    running: dict[int, tuple[int, float]] = {}
    records: dict[int, dict[str, Any]] = {}
    todo = list(enumerate(paths))
    while todo or running:
        while todo and len(running) < jobs:
            index, path = todo.pop(0)
            pid = os.fork()
            if pid == 0:
                try:
                    _child(path, work / f"{index}.json", memory_mb * 2**20)
                finally:
                    os._exit(0)
            running[pid] = (index, time.monotonic())
        _reap(running, records, work, paths, timeout)
    ordered = [records[i] for i in range(len(paths))]
    results.write_text("\n".join(json.dumps(r) for r in ordered) + "\n")
    return ordered


def _reap(running: dict[int, tuple[int, float]], records: dict[int, dict[str, Any]], work: Path,
          paths: list[str], timeout: float) -> None:
    """Collect finished children; kill any past the time limit."""
    pid, status, usage = os.wait4(-1, os.WNOHANG)
    if pid == 0:
        now = time.monotonic()
        for child, (_, started) in list(running.items()):
            if now - started > timeout:
                os.kill(child, signal.SIGKILL)
        time.sleep(0.005)
        return
    index, started = running.pop(pid)
    seconds = time.monotonic() - started
    done = work / f"{index}.json"
    record = json.loads(done.read_text()) if done.exists() else {"ok": False, "error": None}
    record.update(path=paths[index], seconds=round(seconds, 3), peak_mb=round(usage.ru_maxrss / 1024, 1),
                  killed=os.WIFSIGNALED(status), signal=os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
                  timed_out=os.WIFSIGNALED(status) and seconds > timeout)
    records[index] = record


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("list")
    parser.add_argument("results")
    parser.add_argument("--timeout", type=float, default=20.0)
    parser.add_argument("--memory", type=int, default=1024, help="RLIMIT_AS of each child, MB")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    paths = Path(args.list).read_text().splitlines()
    run(paths, Path(args.results), timeout=args.timeout, memory_mb=args.memory, jobs=args.jobs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
