"""Mattermost's rate limiter (``app/ratelimit.go`` on ``throttled``'s GCRA), off by default.

Settings are ``RateLimitSettings`` of the server config (``MM_RATELIMITSETTINGS_*``), with what
``PUT /_emulator/rate-limit`` or ``--rate-limit`` set laid over them until the next reset. The key
is the session token (``VaryByUser``, when there is one) or the client address
(``VaryByRemoteAddr``), plus the value of the ``VaryByHeader`` header. Every response carries
``X-Ratelimit-Limit`` (``MaxBurst + 1``), ``-Remaining`` and ``-Reset`` (seconds, rounded up,
until the bucket is full again); a refusal is ``http.Error``'s plain-text 429 with
``Retry-After``, sent before the API router (so without ``X-Request-Id``).
"""

from __future__ import annotations

import math
from typing import Any

from ..core.ratelimit import RateSpec, Verdict, check_setting_types
from ..core.runtime import Runtime
from .authentication import request_credential

SETTING_TYPES: dict[str, type] = {
    "Enable": bool,
    "PerSec": int,
    "MaxBurst": int,
    "MemoryStoreSize": int,
    "VaryByRemoteAddr": bool,
    "VaryByUser": bool,
    "VaryByHeader": str,
}
LIMIT_EXCEEDED = b"limit exceeded\n"


def _ceil_seconds(ns: int) -> str:
    return str(math.ceil(ns / 1_000_000_000))


class MattermostRateLimit:
    def settings(self, rt: Runtime) -> dict[str, Any]:
        stored = rt.store.get("config", "config")["settings"].get("RateLimitSettings", {})
        current = {key: stored.get(key) for key in SETTING_TYPES}
        if rt.limiter.override:
            current.update(rt.limiter.override)
        return current

    def active(self, rt: Runtime) -> bool:
        override = rt.limiter.override
        if override is not None and "Enable" in override:
            return bool(override["Enable"])
        stored = rt.store.get("config", "config")["settings"].get("RateLimitSettings", {})
        return bool(stored.get("Enable"))

    def configure(self, rt: Runtime, body: dict[str, Any]) -> dict[str, Any]:
        check_setting_types(body, SETTING_TYPES)
        if body.get("PerSec", 1) < 1 or body.get("MaxBurst", 0) < 0:
            raise ValueError("PerSec must be >= 1 and MaxBurst >= 0")
        rt.limiter.set_override({**(rt.limiter.override or {}), "Enable": True, **body})
        return self.settings(rt)

    def disable(self, rt: Runtime) -> dict[str, Any]:
        rt.limiter.set_override({**(rt.limiter.override or {}), "Enable": False})
        return self.settings(rt)

    def refusal(self, rt: Runtime) -> tuple[str, list[tuple[str, str]], bytes]:
        headers = [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("X-Content-Type-Options", "nosniff"),
        ]
        return "429 Too Many Requests", headers, LIMIT_EXCEEDED

    def from_spec(self, spec: RateSpec) -> dict[str, Any]:
        override: dict[str, Any] = {"Enable": spec.enabled}
        if spec.calls is not None and spec.period_ms is not None:
            override["PerSec"] = max(1, round(spec.calls * 1000 / spec.period_ms))
        if spec.burst is not None:
            override["MaxBurst"] = spec.burst
        return override

    def verdict(self, rt: Runtime, environ: dict[str, Any], now_ms: int) -> Verdict | None:
        if not self.active(rt):
            return None
        s = self.settings(rt)
        key = ""
        # ``GenerateKey``: the raw token wherever it was found, valid or not.
        credential = request_credential(environ) if s["VaryByUser"] else None
        if credential is not None:
            key += credential.token
        elif s["VaryByRemoteAddr"]:
            key += environ.get("REMOTE_ADDR", "")
        if s["VaryByHeader"]:
            key += environ.get("HTTP_" + s["VaryByHeader"].upper().replace("-", "_"), "")
        with rt.limiter.lock:
            result = rt.limiter.gcra.take(key, now_ms * 1_000_000, s["PerSec"], s["MaxBurst"])
        headers = [
            ("X-Ratelimit-Limit", str(result.limit)),
            ("X-Ratelimit-Remaining", str(result.remaining)),
            ("X-Ratelimit-Reset", _ceil_seconds(max(result.reset_after_ns, 0))),
        ]
        if not result.limited:
            return Verdict(headers)
        if result.retry_after_ns >= 0:
            headers.append(("Retry-After", _ceil_seconds(result.retry_after_ns)))
        refusal_headers = [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("X-Content-Type-Options", "nosniff"),
            *headers,
        ]
        return Verdict(headers, ("429 Too Many Requests", refusal_headers, LIMIT_EXCEEDED))


RATE_LIMIT = MattermostRateLimit()
