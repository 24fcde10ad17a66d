"""Costs of keeping secrets: run ``python bench/credentials.py`` (also part of ``make bench``).

Prints bcrypt hash and check times at the minimum cost (seeded accounts, tests) and at the real
servers' cost 10 (``--password-cost`` default), how long seeding the default workspace takes,
and what recording a body in the journal costs with redaction (a body with nothing secret-looking
in its first 4 KiB, a login, a user object, a 1 MiB body with a password up front).
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable

from emulator.app import create_app
from emulator.config import ephemeral_config
from emulator.core.journal import record_body
from emulator.core.passwords import DEFAULT_COST, MIN_COST, check_password, hash_password


def median_ms(fn: Callable[[], object], samples: int) -> float:
    costs = []
    for _ in range(samples):
        start = time.perf_counter()
        fn()
        costs.append((time.perf_counter() - start) * 1000)
    return statistics.median(costs)


def main() -> None:
    for cost, samples in ((MIN_COST, 200), (DEFAULT_COST, 15)):
        stored = hash_password("alice-password", cost)
        hashing = median_ms(lambda c=cost: hash_password("alice-password", c), samples)
        checking = median_ms(lambda s=stored: check_password("alice-password", s), samples)
        print(f"bcrypt cost {cost:>2}: hash {hashing:7.2f} ms, check {checking:7.2f} ms")

    for product in ("mattermost", "rocketchat"):
        for cost in (MIN_COST, DEFAULT_COST):
            seeding = median_ms(
                lambda p=product, c=cost: create_app(p, ephemeral_config(password_cost=c)), 5
            )
            print(f"create_app({product}, password_cost={cost}): {seeding:7.1f} ms")

    user = {"id": "x" * 26, "username": "alice", "last_password_update": 1, "props": {}}
    bodies = {
        "clean 1 KiB JSON": json.dumps({"message": "hello " * 170}).encode(),
        "login body": json.dumps({"login_id": "alice", "password": "alice-password"}).encode(),
        "user object": json.dumps(user).encode(),
        "1 MiB, password first": json.dumps({"password": "p", "pad": "x" * 2**20}).encode(),
    }
    for name, body in bodies.items():
        cost = median_ms(lambda b=body: record_body(b), 2000) * 1000
        print(f"journal record_body, {name:<22} {cost:8.1f} us")


if __name__ == "__main__":
    main()
