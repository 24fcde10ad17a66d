"""Rocket.Chat's REST rate limiter (``ApiClass.ts`` ``enforceRateLimit`` on Meteor's RateLimiter).

Per route and client address, ``API_Enable_Rate_Limiter_Limit_Calls_Default`` calls per
``API_Enable_Rate_Limiter_Limit_Time_Default`` ms in a fixed window per route; users holding
``api-bypass-rate-limit`` (admin, bot, app) are exempt. Headers ``x-ratelimit-limit``,
``-remaining`` and ``-reset`` (epoch **ms** when the window resets); over the limit a 429 with the
``error-too-many-requests`` body.

The real server enforces it by default. The emulator keeps the setting's real default visible but
enforces it only when switched on: ``PUT /_emulator/rate-limit``, ``--rate-limit``, or an explicit
``OVERWRITE_SETTING_API_Enable_Rate_Limiter=true`` (or ``API_Enable_Rate_Limiter=true``) in the
environment; then the stored setting decides, as in the real server.
"""

from __future__ import annotations

import json
import math
from typing import Any

from ..core.ratelimit import RateSpec, Verdict, check_setting_types
from ..core.runtime import Runtime
from . import auth, models

ENABLE = "API_Enable_Rate_Limiter"
CALLS = "API_Enable_Rate_Limiter_Limit_Calls_Default"
TIME = "API_Enable_Rate_Limiter_Limit_Time_Default"
SETTING_TYPES: dict[str, type] = {ENABLE: bool, CALLS: int, TIME: int}
TOO_MANY = (
    "Error, too many requests. Please slow down. You must wait {seconds} seconds before trying "
    "this endpoint again. [error-too-many-requests]"
)


def _env_enables(rt: Runtime) -> bool:
    env = rt.config.environ
    raw = env.get(f"OVERWRITE_SETTING_{ENABLE}", env.get(ENABLE, ""))
    return raw.strip().lower() == "true"


class RocketChatRateLimit:
    def _stored(self, rt: Runtime) -> dict[str, Any]:
        return {key: models.setting(rt, key) for key in SETTING_TYPES}

    def settings(self, rt: Runtime) -> dict[str, Any]:
        current = self._stored(rt)
        current.update(rt.limiter.override or {})
        current[ENABLE] = self.active(rt)
        return current

    def active(self, rt: Runtime) -> bool:
        override = rt.limiter.override
        if override is not None and ENABLE in override:
            return bool(override[ENABLE])
        return _env_enables(rt) and bool(models.setting(rt, ENABLE))

    def configure(self, rt: Runtime, body: dict[str, Any]) -> dict[str, Any]:
        check_setting_types(body, SETTING_TYPES)
        for key, value in body.items():
            if SETTING_TYPES[key] is int and value < 1:
                raise ValueError(f"{key} must be >= 1")
        rt.limiter.set_override({**(rt.limiter.override or {}), ENABLE: True, **body})
        return self.settings(rt)

    def disable(self, rt: Runtime) -> dict[str, Any]:
        rt.limiter.set_override({**(rt.limiter.override or {}), ENABLE: False})
        return self.settings(rt)

    def refusal(self, rt: Runtime) -> tuple[str, list[tuple[str, str]], bytes]:
        window = {**self._stored(rt), **(rt.limiter.override or {})}[TIME]
        return self._refusal(math.ceil(int(window) / 1000), [])

    def _refusal(
        self, seconds: int, headers: list[tuple[str, str]]
    ) -> tuple[str, list[tuple[str, str]], bytes]:
        body = {"success": False, "error": TOO_MANY.format(seconds=seconds)}
        payload = json.dumps(body, separators=(",", ":")).encode()
        return "429 Too Many Requests", [("Content-Type", "application/json"), *headers], payload

    def from_spec(self, spec: RateSpec) -> dict[str, Any]:
        override: dict[str, Any] = {ENABLE: spec.enabled}
        if spec.calls is not None and spec.period_ms is not None:
            override.update({CALLS: spec.calls, TIME: spec.period_ms})
        return override

    def verdict(self, rt: Runtime, environ: dict[str, Any], now_ms: int) -> Verdict | None:
        path = environ.get("PATH_INFO", "")
        if not path.startswith("/api/") or not self.active(rt):
            return None
        caller = auth.authenticate(rt, environ)
        if caller is not None and models.has_permission(rt, caller.user, "api-bypass-rate-limit"):
            return None
        s = {**self._stored(rt), **(rt.limiter.override or {})}
        calls, window = int(s[CALLS]), int(s[TIME])
        route = path + environ.get("REQUEST_METHOD", "GET").lower()
        with rt.limiter.lock:
            result = rt.limiter.windows.hit(
                route, environ.get("REMOTE_ADDR", ""), now_ms, calls, window
            )
        headers = [
            ("x-ratelimit-limit", str(calls)),
            ("x-ratelimit-remaining", str(result.remaining)),
            ("x-ratelimit-reset", str(now_ms + result.time_to_reset_ms)),
        ]
        if result.allowed:
            return Verdict(headers)
        seconds = math.ceil(result.time_to_reset_ms / 1000)
        return Verdict(headers, self._refusal(seconds, headers))


RATE_LIMIT = RocketChatRateLimit()
