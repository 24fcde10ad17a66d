"""Added response latency: a global default (``--latency``/``--jitter``) and duration parsing."""

from __future__ import annotations

import random
import re
import threading
from typing import Any

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$", re.I)
_UNIT_MS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000}


def parse_duration_ms(text: str | int | float) -> int:
    """``"50ms"``, ``"1.5s"``, ``"2m"`` or a bare number of milliseconds, as whole ms."""
    if isinstance(text, bool):
        raise ValueError(f"not a duration: {text!r}")
    if isinstance(text, int | float):
        if text < 0:
            raise ValueError(f"not a duration: {text!r}")
        return int(text)
    found = _DURATION.match(str(text))
    if not found:
        raise ValueError(f"not a duration: {text!r} (e.g. 50ms, 1.5s)")
    return int(float(found.group(1)) * _UNIT_MS[(found.group(2) or "ms").lower()])


def delay_seconds(latency_ms: int, jitter_ms: int, rng: random.Random) -> float:
    """``latency`` plus a uniform draw in ``[0, jitter]``: latency is a lower bound."""
    extra = rng.uniform(0, jitter_ms) if jitter_ms else 0.0
    return (latency_ms + extra) / 1000.0


class Latency:
    """The default latency of every product request (rules may set their own instead)."""

    def __init__(self, latency_ms: int, jitter_ms: int, seed: int) -> None:
        self._initial = (latency_ms, jitter_ms)
        self._seed = seed
        self._lock = threading.Lock()
        self.latency_ms, self.jitter_ms = self._initial
        self._rng = random.Random(f"latency:{seed}")

    @property
    def active(self) -> bool:
        return bool(self.latency_ms or self.jitter_ms)

    def delay_seconds(self) -> float:
        with self._lock:
            return delay_seconds(self.latency_ms, self.jitter_ms, self._rng)

    def set(self, latency_ms: int, jitter_ms: int) -> None:
        with self._lock:
            self.latency_ms, self.jitter_ms = latency_ms, jitter_ms

    def reset(self) -> None:
        with self._lock:
            self.latency_ms, self.jitter_ms = self._initial
            self._rng = random.Random(f"latency:{self._seed}")

    def state(self) -> dict[str, Any]:
        return {"latency_ms": self.latency_ms, "jitter_ms": self.jitter_ms}
