"""Rate-limiting engines, driven by the emulator clock; each product supplies its own policy.

- ``Gcra``: the generic cell rate algorithm of ``throttled`` (Mattermost): a per-key theoretical
  arrival time, an emission interval and a burst tolerance.
- ``Windows``: Meteor's ``RateLimiter`` (Rocket.Chat): per rule, counters per key in a fixed
  window that starts with the rule and resets all its counters at once.

State (counters, the emulator's own switch) lives on ``rt.limiter``; ``POST /_emulator/reset``
clears it. Policies (``emulator/<product>/ratelimit.py``) pick keys, headers and refusal bodies.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from .runtime import Runtime

Headers = list[tuple[str, str]]


@dataclass(frozen=True)
class Verdict:
    """Headers to add to the response, and the refusal ``(status, headers, body)`` if limited."""

    headers: Headers
    refusal: tuple[str, Headers, bytes] | None = None


def check_setting_types(body: dict[str, Any], types: dict[str, type]) -> None:
    """Refuse (``ValueError``) limiter settings a product does not have or of the wrong type."""
    for key, value in body.items():
        wanted = types.get(key)
        if wanted is None:
            raise ValueError(f"unknown setting {key!r}; use {', '.join(types)}")
        if not isinstance(value, wanted) or (wanted is int and isinstance(value, bool)):
            raise ValueError(f"{key} must be {'a string' if wanted is str else wanted.__name__}")


class RateLimitPolicy(Protocol):
    """A product's limiter: its settings in its own names, its keys, headers and refusal."""

    def active(self, rt: Runtime) -> bool: ...
    def verdict(self, rt: Runtime, environ: dict[str, Any], now_ms: int) -> Verdict | None: ...
    def settings(self, rt: Runtime) -> dict[str, Any]: ...
    def configure(self, rt: Runtime, body: dict[str, Any]) -> dict[str, Any]: ...
    def disable(self, rt: Runtime) -> dict[str, Any]: ...
    def refusal(self, rt: Runtime) -> tuple[str, Headers, bytes]:
        """The product's own 429, for a fault rule with status 429 and no body of its own."""
        ...

    def from_spec(self, spec: RateSpec) -> dict[str, Any]: ...


@dataclass(frozen=True)
class GcraResult:
    limited: bool
    limit: int
    remaining: int
    reset_after_ns: int
    retry_after_ns: int  # -1 unless limited


class Gcra:
    """``throttled.GCRARateLimiter``: limit = burst + 1, per-key TAT in nanoseconds."""

    def __init__(self) -> None:
        self._tat: dict[str, int] = {}

    def clear(self) -> None:
        self._tat.clear()

    def take(self, key: str, now_ns: int, per_sec: int, max_burst: int) -> GcraResult:
        emission = 1_000_000_000 // max(per_sec, 1)
        tolerance = emission * (max_burst + 1)
        limit = max_burst + 1
        tat = self._tat.get(key, now_ns)
        new_tat = (now_ns if now_ns > tat else tat) + emission
        allow_at = new_tat - tolerance
        retry_after = -1
        if now_ns - allow_at < 0:
            retry_after = allow_at - now_ns if emission <= tolerance else -1
            ttl = tat - now_ns
            limited = True
        else:
            ttl = new_tat - now_ns
            self._tat[key] = new_tat
            limited = False
        following = tolerance - ttl
        remaining = following // emission if following > -emission else 0
        return GcraResult(limited, limit, max(int(remaining), 0), ttl, retry_after)


@dataclass(frozen=True)
class WindowResult:
    allowed: bool
    remaining: int
    time_to_reset_ms: int


class Windows:
    """Meteor ``RateLimiter`` rules keyed by route: increment, then check."""

    def __init__(self) -> None:
        # route -> [window start ms, {key: count}]
        self._rules: dict[str, list[Any]] = {}

    def clear(self) -> None:
        self._rules.clear()

    def hit(self, route: str, key: str, now_ms: int, calls: int, window_ms: int) -> WindowResult:
        rule = self._rules.get(route)
        if rule is None:
            rule = self._rules[route] = [now_ms, {}]
        if window_ms - (now_ms - rule[0]) < 0:
            rule[0], rule[1] = now_ms, {}
        counters: dict[str, int] = rule[1]
        count = counters.get(key, 0) + 1
        counters[key] = count
        time_to_reset = window_ms - (now_ms - rule[0])
        if count > calls:
            return WindowResult(False, 0, time_to_reset)
        return WindowResult(True, calls - count, time_to_reset)


class RateLimiter:
    """The limiter state of one product app: engines, and the emulator's own override."""

    def __init__(self, initial_override: dict[str, Any] | None = None) -> None:
        self.lock = threading.Lock()
        self.gcra = Gcra()
        self.windows = Windows()
        self._initial = dict(initial_override) if initial_override is not None else None
        # Settings in the product's own names laid over its stored settings; None: none set.
        self.override: dict[str, Any] | None = self._initial

    def set_override(self, override: dict[str, Any] | None) -> None:
        with self.lock:
            self.override = override
            self.gcra.clear()
            self.windows.clear()

    def reset(self) -> None:
        self.set_override(dict(self._initial) if self._initial is not None else None)


@dataclass(frozen=True)
class RateSpec:
    """``--rate-limit``: ``on``, ``off``, or ``<calls>/<period>`` with optional ``burst=N``."""

    enabled: bool
    calls: int | None = None
    period_ms: int | None = None
    burst: int | None = None


_RATE = re.compile(
    r"^\s*(\d+)\s*/\s*(\d+(?:\.\d+)?)?\s*(ms|s|m|min|h)\s*(?:[, ]\s*burst\s*=\s*(\d+))?\s*$", re.I
)
_PERIOD_MS = {"ms": 1, "s": 1000, "m": 60_000, "min": 60_000, "h": 3_600_000}


def parse_rate(text: str) -> RateSpec:
    """``10/s``, ``10/60s``, ``5/m``, ``100/s burst=20``, ``on`` or ``off``."""
    word = text.strip().lower()
    if word in ("on", "true", "yes", "1"):
        return RateSpec(True)
    if word in ("off", "false", "no", "0", ""):
        return RateSpec(False)
    found = _RATE.match(text)
    if not found:
        raise ValueError(f"not a rate: {text!r} (e.g. 10/s, 10/60s, 100/s burst=20, on, off)")
    calls = int(found.group(1))
    period = float(found.group(2) or 1) * _PERIOD_MS[found.group(3).lower()]
    if calls < 1 or period < 1:
        raise ValueError(f"not a rate: {text!r}")
    burst = int(found.group(4)) if found.group(4) else None
    return RateSpec(True, calls, int(period), burst)
