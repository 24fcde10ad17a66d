"""Start-to-ready figures of ``chat-emulator serve``: ``make bench`` or ``python bench/startup.py``.

Start-to-ready is from launching the process to both products answering
``GET /_emulator/health`` (target <= 1 s with the default workspace), measured several times for
a fresh data dir, an existing one and ``--in-memory``. Then where the time goes inside the
process: importing the package, and building each product's app (routes, seeding, store).
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import requests

RUNS = int(os.environ.get("BENCH_RUNS", "7"))

PHASES = """
import time
started = time.perf_counter()
from emulator.app import create_app
from emulator.config import ephemeral_config
imported = time.perf_counter()
create_app("mattermost", ephemeral_config())
mattermost = time.perf_counter()
create_app("rocketchat", ephemeral_config())
rocketchat = time.perf_counter()
print(imported - started, mattermost - imported, rocketchat - mattermost)
"""


def start_to_ready(args: list[str]) -> float:
    started = time.perf_counter()
    command = [sys.executable, "-m", "emulator.cli", "serve"]
    command += ["--mattermost-port", "0", "--rocketchat-port", "0", *args]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    urls = []
    try:
        while len(urls) < 2:
            line = proc.stdout.readline()
            if not line:
                raise RuntimeError("serve exited before it was ready")
            found = re.match(r"\s+(?:mattermost|rocketchat)\s+(http://\S+)$", line)
            if found:
                urls.append(found.group(1))
        for url in urls:
            requests.get(f"{url}/_emulator/health", timeout=5).raise_for_status()
        return time.perf_counter() - started
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        proc.stdout.close()


def summary(samples: list[float]) -> str:
    return (
        f"median {statistics.median(samples):.2f} s "
        f"(min {min(samples):.2f}, max {max(samples):.2f}, {len(samples)} runs)"
    )


def main() -> None:
    with tempfile.TemporaryDirectory() as parent:
        fresh = []
        for run in range(RUNS):
            fresh.append(start_to_ready(["--data-dir", f"{parent}/fresh-{run}"]))
        existing = [start_to_ready(["--data-dir", f"{parent}/fresh-0"]) for _ in range(RUNS)]
    in_memory = [start_to_ready(["--in-memory"]) for _ in range(RUNS)]
    print("start-to-ready, default workspace, both products:")
    print(f"  fresh data dir     {summary(fresh)}")
    print(f"  existing data dir  {summary(existing)}")
    print(f"  in memory          {summary(in_memory)}")
    phases = [
        [float(x) for x in subprocess.check_output([sys.executable, "-c", PHASES]).split()]
        for _ in range(RUNS)
    ]
    medians = [statistics.median(column) for column in zip(*phases, strict=True)]
    print(
        "inside the process (medians): import {:.3f} s, mattermost app {:.3f} s, "
        "rocketchat app {:.3f} s".format(*medians)
    )


if __name__ == "__main__":
    main()
