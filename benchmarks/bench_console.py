"""Benchmark: the console (docxform round serve) against its targets, over real HTTP on 127.0.0.1.

1. The status page ("Who has returned") of a round of 1,000 respondents, every one
   returned: the time from request to the last byte, median of 15 (target: under 300 ms).
2. 100 returns dropped on the returns page at once, as the page's script sends them
   (each file uploaded, then one batch processed, the lines streamed back), against
   ``docxform round ingest DIR FILE...`` as a whole process on an identical copy of the
   round, and against the same library function called in this process; each side goes first in
   turn, median of 5 each (target: within 1.2x of the CLI).

The server is started in this process on a free port of 127.0.0.1 and stopped at the end.

    python benchmarks/bench_console.py             # 1,000 respondents; 100 returns
    python benchmarks/bench_console.py 100 20      # smaller
"""

from __future__ import annotations

import csv
import http.client
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from docxform import api
from docxform.framework import load_framework
from docxform.oxml.fill import fill
from docxform.serve import Server, start_server

STATUS_ROUNDS = 15
DROP_ROUNDS = 5


def make_round(folder: Path, people: int, returns: Path | None) -> list[Path]:
    """A round of ``people`` respondents and, in ``returns``, one filled return each (ratings and a comment)."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    listing = folder.parent.parent / f"{folder.parent.name}-{folder.name}-people.csv"
    with listing.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["name", "organisation", "role", "email"])
        for i in range(people):
            writer.writerow([f"Person {i:04d}", f"Organisation {i % 17}", "Officer", f"p{i}@example.org"])
    api.round_start("sa2003", folder, respondents=listing, partnership="Benchmark CDRP", due="2004-03-31")
    if returns is None:
        return []
    fw = load_framework("sa2003")
    levels = [lv.key for lv in fw.rating_scale.levels] if fw.rating_scale else []
    rng = random.Random(7)
    returns.mkdir(parents=True, exist_ok=True)
    out = []
    for form in sorted((folder / "forms").glob("*.docx")):
        ratings = {item.id: rng.choice(levels) for item in fw.items}
        texts = {(item.id, "comments"): f"evidence for {item.id}: reviewed quarterly" for item in fw.items}
        fill(form, returns / form.name, ratings, texts, None)
        out.append(returns / form.name)
    return out


class Browser:
    """A signed-in client of the console, over HTTP (cookie from the start token, CSRF token from a page)."""

    def __init__(self, server: Server) -> None:
        self.port = server.guard.port
        self.host = f"127.0.0.1:{self.port}"
        done = self.request("GET", f"/?token={server.guard.token}")
        self.cookie = done[1]["set-cookie"].split(";")[0]
        self.csrf = server.guard.csrf

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        sent = {"Host": self.host, **({"Cookie": self.cookie} if hasattr(self, "cookie") else {}), **(headers or {})}
        conn.request(method, path, body=body, headers=sent)
        response = conn.getresponse()
        data = response.read()
        conn.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data

    def drop(self, rid: str, files: list[Path]) -> list[dict[str, str]]:
        """What the page's script does: each file uploaded, then one batch processed; the streamed lines."""
        ids = []
        for file in files:
            status, _h, data = self.request("POST", f"/r/{rid}/upload", file.read_bytes(), {
                "X-CSRF-Token": self.csrf, "X-File-Name": quote(file.name), "Content-Type": "application/octet-stream"})
            assert status == 200, data
            ids.append(json.loads(data)["id"])
        status, _h, data = self.request("POST", f"/r/{rid}/process", json.dumps({"ids": ids}).encode(),
                                        {"X-CSRF-Token": self.csrf, "Content-Type": "application/json"})
        assert status == 200, data
        return [json.loads(line) for line in data.decode().splitlines() if line]


def bench_status(work: Path, people: int) -> tuple[float, float, float, int]:
    """The status page of a round where all ``people`` returned: median and best ms (request to last byte),
    the median CPU ms the server's thread spent on it (its Server-Timing header), and its size in bytes."""
    rounds = work / "status"
    folder = rounds / "big"
    files = make_round(folder, people, work / "status-returns")
    api.round_ingest(folder, files)
    server = start_server(rounds, background=True)
    try:
        client = Browser(server)
        times, cpu, size = [], [], 0
        for _ in range(STATUS_ROUNDS):
            start = time.perf_counter()
            status, headers, page = client.request("GET", "/r/big/")
            times.append((time.perf_counter() - start) * 1000)
            assert status == 200 and f"{people} of {people} returned".encode() in page
            cpu.append(float(headers["server-timing"].split("cpu;dur=")[1]))
            size = len(page)
    finally:
        server.stop()
    return statistics.median(times), min(times), statistics.median(cpu), size


def bench_drop(work: Path, count: int) -> tuple[float, float, float]:
    """Median seconds on fresh copies of one round: the CLI's ingest as a process, the same library
    function called in this process (the CLI without its process start), and the console's drop."""
    blank = work / "drop-blank"
    files = make_round(blank, count, work / "drop-returns")
    times: dict[str, list[float]] = {"cli": [], "lib": [], "web": []}
    for n in range(DROP_ROUNDS):
        for side in ("cli", "lib", "web")[n % 3:] + ("cli", "lib", "web")[:n % 3]:  # each goes first in turn
            target = work / f"drop-{side}-{n}" / "r"
            shutil.copytree(blank, target)
            times[side].append(_cli_ingest(target, files) if side == "cli" else _lib_ingest(target, files)
                               if side == "lib" else _web_drop(target.parent, files))
    return statistics.median(times["cli"]), statistics.median(times["lib"]), statistics.median(times["web"])


def _lib_ingest(folder: Path, files: list[Path]) -> float:
    start = time.perf_counter()
    result = api.round_ingest(folder, files)
    elapsed = time.perf_counter() - start
    assert [line.outcome for line in result.lines] == ["new"] * len(files)
    return elapsed


def _cli_ingest(folder: Path, files: list[Path]) -> float:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "docxform", "round", "ingest", str(folder), *map(str, files)],
                          capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    assert done.returncode == 0 and done.stdout.count(": new;") == len(files), done.stderr[-500:]
    return elapsed


def _web_drop(rounds: Path, files: list[Path]) -> float:
    server = start_server(rounds, background=True)
    try:
        client = Browser(server)
        start = time.perf_counter()
        lines = client.drop("r", files)
        elapsed = time.perf_counter() - start
    finally:
        server.stop()
    assert [line["outcome"] for line in lines] == ["new"] * len(files), lines[:3]
    return elapsed


def main() -> None:
    people = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 100
    with tempfile.TemporaryDirectory(prefix="bench-console-") as tmp:
        median, best, cpu, size = bench_status(Path(tmp), people)
        cli, lib, web = bench_drop(Path(tmp), count)
    print("| benchmark | console | target |")
    print("|---|---|---|")
    print(f"| status page, {people} respondents all returned ({size // 1024} KB), median of {STATUS_ROUNDS} "
          f"| {median:.0f} ms (best {best:.0f} ms; server CPU {cpu:.0f} ms) "
          f"| under 300 ms: {'met' if median < 300 else 'NOT met'} |")
    print(f"| {count} returns dropped (upload + ingest, lines streamed), median of {DROP_ROUNDS} "
          f"| {web:.2f} s vs CLI `round ingest` process {cli:.2f} s | {web / cli:.2f}x (1.2x): "
          f"{'met' if web / cli <= 1.2 else 'NOT met'} |")
    print(f"| the same against the library function in-process (the CLI without its start) "
          f"| {web:.2f} s vs {lib:.2f} s | {web / lib:.2f}x |")


if __name__ == "__main__":
    main()
