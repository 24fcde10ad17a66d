"""Store figures: run ``make bench`` (or ``python bench/store.py``).

Prints, at 1k and 100k stored posts in one channel of a file-backed Mattermost app:
- lookup: what ``GET /channels/{id}/posts`` does in the store (post by id + newest page of 60),
- write: creating a post (indexes, channel counters, one journal line),
- request: a whole ``GET /api/v4/users/me`` through the WSGI app,
with their ratio 100k/1k (target <= 1.5). Start-up figures are in ``bench/startup.py``.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from emulator.app import create_app, runtime_of
from emulator.config import ephemeral_config
from emulator.mattermost import models

SAMPLES = 2000


def timed(fn, samples: int = SAMPLES) -> tuple[float, float]:
    """(median, p99) in microseconds."""
    costs = []
    for i in range(samples):
        start = time.perf_counter()
        fn(i)
        costs.append((time.perf_counter() - start) * 1e6)
    costs.sort()
    return statistics.median(costs), costs[int(len(costs) * 0.99)]


def measure(total_posts: int) -> dict[str, tuple[float, float]]:
    with tempfile.TemporaryDirectory() as data_dir:
        app = create_app("mattermost", ephemeral_config(data_dir=Path(data_dir)))
        rt = runtime_of(app)
        channel = rt.store.find_one(
            "channels", "team_name", (rt.store.all("teams")[0]["id"], "town-square")
        )
        author = rt.store.find_one("users", "username", "alice")
        existing = rt.store.count("posts")
        for _ in range(total_posts - existing):
            models.create_post(rt, channel=channel, user_id=author["id"], message="filler")
        rt.store.compact()
        ids = [p["id"] for p in rt.store.find_page("posts", "channel_id", channel["id"], 0, 5000)]

        def lookup(i: int) -> None:
            rt.store.get("posts", ids[i % len(ids)])
            rt.store.find_page("posts", "channel_id", channel["id"], 0, 60)

        def write(i: int) -> None:
            models.create_post(rt, channel=channel, user_id=author["id"], message=f"bench {i}")

        client = app.test_client()
        token = client.post(
            "/api/v4/users/login", json={"login_id": "alice", "password": "alice-password"}
        ).headers["Token"]
        headers = {"Authorization": f"Bearer {token}"}

        def request(_i: int) -> None:
            client.get("/api/v4/users/me", headers=headers)

        figures = {"lookup": timed(lookup), "write": timed(write), "request": timed(request)}
        rt.close()
        return figures


def main() -> None:
    small, large = measure(1_000), measure(100_000)
    columns = ("1k p50", "1k p99", "100k p50", "100k p99")
    print(f"{'operation':<10} " + " ".join(f"{c:>9}" for c in columns) + f" {'ratio':>6}")
    for name in ("lookup", "write", "request"):
        (s50, s99), (l50, l99) = small[name], large[name]
        print(
            f"{name:<10} {s50:>7.1f}us {s99:>7.1f}us {l50:>7.1f}us {l99:>7.1f}us {l50 / s50:>6.2f}"
        )


if __name__ == "__main__":
    main()
