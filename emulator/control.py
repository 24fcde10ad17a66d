"""A small Python client for one product port's ``/_emulator`` control API.

```python
from emulator.control import Control

ctl = Control("http://127.0.0.1:8065")
rule = ctl.add_fault(match={"method": "POST", "path": "/api/v4/posts"},
                     error={"status": 503}, after=2, times=1)
...
assert ctl.fault(rule["id"])["hits"] == 1
ctl.rate_limit(Enable=True, PerSec=1, MaxBurst=0)
ctl.clock.freeze(); ctl.clock.advance(60_000)
ctl.requests(method="POST", path="/api/v4/posts")
ctl.reset()
```
"""

from __future__ import annotations

from typing import Any

import requests


class ControlError(RuntimeError):
    """The control API refused a call; ``status`` and ``body`` say why."""

    def __init__(self, status: int, body: Any) -> None:
        message = body.get("error") if isinstance(body, dict) else body
        super().__init__(f"{status}: {message}")
        self.status = status
        self.body = body


class Control:
    def __init__(self, url: str, token: str | None = None, timeout: float = 10.0) -> None:
        self.url = url.rstrip("/") + "/_emulator"
        self.session = requests.Session()
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"
        self.timeout = timeout
        self.clock = Clock(self)

    def call(self, verb: str, route: str, body: Any = None, /, **params: Any) -> Any:
        query = {k: v for k, v in params.items() if v is not None}
        response = self.session.request(
            verb, self.url + route, json=body, params=query, timeout=self.timeout
        )
        try:
            parsed = response.json()
        except ValueError:
            parsed = response.text
        if response.status_code >= 400:
            raise ControlError(response.status_code, parsed)
        return parsed

    # -- state --------------------------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        return self.call("GET", "/health")

    def reset(self) -> None:
        """Back to the seeded workspace; faults, journal, limiter, latency and clock too."""
        self.call("POST", "/reset")

    # -- faults -------------------------------------------------------------------------------

    def add_fault(self, rule: dict[str, Any] | None = None, **keys: Any) -> dict[str, Any]:
        """Add a rule (``match``, ``error``, ``latency_ms``, ``jitter_ms``, ``drop``,
        ``probability``, ``after``, ``times``; ``target="callout"`` for call-outs); returns it
        with its ``id``."""
        return self.call("POST", "/faults", {**(rule or {}), **keys})

    def faults(self) -> list[dict[str, Any]]:
        return self.call("GET", "/faults")["faults"]

    def fault(self, rule_id: str) -> dict[str, Any]:
        """One rule with its counters and its last near misses."""
        return self.call("GET", f"/faults/{rule_id}")

    def remove_fault(self, rule_id: str) -> None:
        self.call("DELETE", f"/faults/{rule_id}")

    def clear_faults(self) -> None:
        self.call("DELETE", "/faults")

    # -- realtime faults ----------------------------------------------------------------------

    def add_realtime_fault(self, rule: dict[str, Any] | None = None, **keys: Any) -> dict[str, Any]:
        """Add a frame rule (``match``, ``action``, ``delay_ms``, ``mode``, ``code``, ``reason``,
        ``probability``, ``after``, ``times``); returns it with its ``id``."""
        return self.call("POST", "/realtime/faults", {**(rule or {}), **keys})

    def realtime_faults(self) -> list[dict[str, Any]]:
        return self.call("GET", "/realtime/faults")["faults"]

    def clear_realtime_faults(self) -> None:
        self.call("DELETE", "/realtime/faults")

    def connections(self) -> list[dict[str, Any]]:
        return self.call("GET", "/realtime/connections")["connections"]

    def disconnect(self, mode: str = "close", **keys: Any) -> list[str]:
        """Disconnect live realtime connections now (``user``, ``code``, ``reason``)."""
        return self.call("POST", "/realtime/disconnect", {"mode": mode, **keys})["disconnected"]

    # -- rate limiting, latency ---------------------------------------------------------------

    def rate_limit(self, **settings: Any) -> dict[str, Any]:
        """Switch the product's limiter on, with settings in its own names."""
        return self.call("PUT", "/rate-limit", settings)

    def rate_limit_settings(self) -> dict[str, Any]:
        return self.call("GET", "/rate-limit")

    def rate_limit_off(self) -> dict[str, Any]:
        return self.call("DELETE", "/rate-limit")

    def latency(self, latency_ms: int | str = 0, jitter_ms: int | str = 0) -> dict[str, Any]:
        return self.call("PUT", "/latency", {"latency_ms": latency_ms, "jitter_ms": jitter_ms})

    # -- journal ------------------------------------------------------------------------------

    def requests(
        self,
        method: str | None = None,
        path: str | None = None,
        user: str | None = None,
        since: int | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Journal entries, most recent first; ``path`` may use ``*``."""
        found = self.call(
            "GET", "/requests", method=method, path=path, user=user, since=since, limit=limit
        )
        return found["requests"]

    def clear_requests(self) -> None:
        self.call("DELETE", "/requests")

    def callouts(
        self,
        url: str | None = None,
        kind: str | None = None,
        after: int | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Calls the emulator made to the app under test, oldest first, with ``payload`` and
        ``answer`` decoded; ``url`` is a substring, ``after`` an entry id."""
        found = self.call("GET", "/callouts", url=url, kind=kind, after=after, limit=limit)
        return found["callouts"]


class Clock:
    """``/_emulator/clock``: the time behind timestamps, expiry and rate-limit windows."""

    def __init__(self, control: Control) -> None:
        self._control = control

    def state(self) -> dict[str, Any]:
        return self._control.call("GET", "/clock")

    def now_ms(self) -> int:
        return self.state()["now_ms"]

    def _put(self, **body: Any) -> dict[str, Any]:
        return self._control.call("PUT", "/clock", body)

    def freeze(self, now_ms: int | None = None) -> dict[str, Any]:
        return (
            self._put(freeze=True, now_ms=now_ms) if now_ms is not None else self._put(freeze=True)
        )

    def unfreeze(self) -> dict[str, Any]:
        return self._put(freeze=False)

    def set(self, now_ms: int) -> dict[str, Any]:
        return self._put(now_ms=now_ms)

    def advance(self, ms: int) -> dict[str, Any]:
        return self._put(advance_ms=ms)
