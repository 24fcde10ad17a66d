"""Bounded-input figures: run ``python bench/bounded_input.py``.

Prints the cost of the nesting check (``jsonbounds.too_deep``) next to ``json.loads`` of the same
body, for bodies that hit each of its paths, and the worker's peak RSS under ``chat-emulator serve``
after a 60 MB chunked upload (refused with 413 at 50 MB).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from emulator.core.jsonbounds import too_deep
from tests.test_bounded_input import ChunkedUpload, http_login
from tests.test_cli import Served

BODIES = {
    "10 MB of sibling [] (scan path)": b"[" + b"[]," * 3_500_000 + b"[]]",
    "50 MB of strings (fast path)": json.dumps({"a": ["x" * 1000] * 50_000}).encode(),
    "3 MB of escaped quotes": b'["' + b'\\"[' * 1_000_000 + b'"]',
}


def seconds(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main() -> None:
    for name, body in BODIES.items():
        scan = seconds(lambda b=body: too_deep(b))
        parse = seconds(lambda b=body: json.loads(b))
        print(f"{name:36} too_deep {scan * 1000:7.1f} ms   json.loads {parse * 1000:7.1f} ms")
    served = Served("--in-memory", "--only", "mattermost", products=["mattermost"])
    try:
        url = served.urls["mattermost"]
        upload = ChunkedUpload(url, "/api/v4/posts", http_login("mattermost", url), total_mb=60)
        status, _ = upload.response()
        workers = subprocess.run(
            ["pgrep", "-P", str(served.proc.pid)], capture_output=True, text=True
        ).stdout.split()
        for pid in workers:
            peak = next(
                line.split()[1]
                for line in Path(f"/proc/{pid}/status").read_text().splitlines()
                if line.startswith("VmHWM")
            )
            print(
                f"60 MB chunked upload: {status}, {upload.produced} MB sent, "
                f"worker peak RSS {int(peak) // 1024} MB"
            )
    finally:
        served.stop()


if __name__ == "__main__":
    main()
