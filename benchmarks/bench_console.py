"""Benchmark: the console (docxform round serve) against its targets, over real HTTP on 127.0.0.1.

1. The status page ("Who has returned") of a round of 1,000 respondents, every one
   returned: the time from request to the last byte, median of 15 (target: under 300 ms).
2. 100 returns dropped on the returns page at once, as the page's script sends them
   (each file uploaded, then one batch processed, the lines streamed back), against
   ``docxform round ingest DIR FILE...`` as a whole process on an identical copy of the
   round; alternating which goes first, median of 3 each (target: within 1.2x).

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
DROP_ROUNDS = 3


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


def bench_status(work: Path, people: int) -> tuple[float, float, int]:
    """Median and best ms for the status page of a round where all ``people`` returned; and its size in bytes."""
    rounds = work / "status"
    folder = rounds / "big"
    files = make_round(folder, people, work / "status-returns")
    api.round_ingest(folder, files)
    server = start_server(rounds, background=True)
    try:
        client = Browser(server)
        times, size = [], 0
        for _ in range(STATUS_ROUNDS):
            start = time.perf_counter()
            status, _h, page = client.request("GET", "/r/big/")
            times.append((time.perf_counter() - start) * 1000)
            assert status == 200 and f"{people} of {people} returned".encode() in page
            size = len(page)
    finally:
        server.stop()
    return statistics.median(times), min(times), size


def bench_drop(work: Path, count: int) -> tuple[float, float]:
    """Median seconds: the CLI's ingest as a process, and the console's drop, each on a fresh copy of one round."""
    blank = work / "drop-blank"
    files = make_round(blank, count, work / "drop-returns")
    cli_times, web_times = [], []
    for n in range(DROP_ROUNDS):
        order = ("cli", "web") if n % 2 == 0 else ("web", "cli")
        for side in order:
            target = work / f"drop-{side}-{n}" / "r"
            shutil.copytree(blank, target)
            if side == "cli":
                cli_times.append(_cli_ingest(target, files))
            else:
                web_times.append(_web_drop(target.parent, files))
    return statistics.median(cli_times), statistics.median(web_times)


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
        median, best, size = bench_status(Path(tmp), people)
        cli, web = bench_drop(Path(tmp), count)
    print("| benchmark | console | target |")
    print("|---|---|---|")
    print(f"| status page, {people} respondents all returned ({size // 1024} KB), median of {STATUS_ROUNDS} "
          f"| {median:.0f} ms (best {best:.0f} ms) | under 300 ms: {'met' if median < 300 else 'NOT met'} |")
    ratio = web / cli
    print(f"| {count} returns dropped (upload + ingest, lines streamed), median of {DROP_ROUNDS} "
          f"| {web:.2f} s vs CLI `round ingest` process {cli:.2f} s | {ratio:.2f}x (1.2x): "
          f"{'met' if ratio <= 1.2 else 'NOT met'} |")


if __name__ == "__main__":
    main()
