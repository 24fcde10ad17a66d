"""Outbound calls to the app under test (outgoing webhooks, slash commands, ...).

A bounded worker pool makes them, so the request that triggered one is never held up by a slow
app; each call and its answer or failure goes into the journal. Targets are the URLs the user
configured; loopback is allowed because the app under test usually runs there (upstream would
refuse it unless ``AllowedUntrustedInternalConnections`` lists it).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import requests

from .clock import Clock
from .journal import Journal

WORKERS = 8
# Called with the call's context, the answer's status and body once it succeeds at the HTTP level.
AnswerHandler = Callable[[Any, int, bytes], None]


@dataclass(frozen=True)
class _Call:
    url: str
    body: bytes
    headers: dict[str, str]
    timeout: float
    kind: str
    context: Any
    #: The dispatcher's generation when the call was made (see ``Callouts.reset``).
    generation: int
    method: str = "POST"


class Callouts:
    def __init__(self, journal: Journal, clock: Clock, workers: int = WORKERS) -> None:
        self._journal = journal
        self._clock = clock
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="callout")
        # Bumped on reset: an answer to a call made before it must not land in the fresh state.
        self._generation = 0
        self._pending = 0
        # By kind of call, registered by the product: what its domain does with an answer.
        self._handlers: dict[str, AnswerHandler] = {}
        self._idle = threading.Condition()

    def reset(self) -> None:
        self._generation += 1

    def on_answer(self, kind: str, handler: AnswerHandler) -> None:
        self._handlers[kind] = handler

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no call is queued or running (answers handled, the calls they caused
        included); False on timeout. Lets tests tell "not called" from "not called yet"."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def post(
        self,
        url: str,
        body: bytes,
        headers: Mapping[str, str],
        timeout: float,
        kind: str = "",
        context: Any = None,
        method: str = "POST",
    ) -> Future[None]:
        """POST ``body`` to ``url`` in the background (``method="GET"``: no body, for slash
        commands configured so); the handler of ``kind`` gets ``context`` and the reply."""
        call = _Call(url, body, dict(headers), timeout, kind, context, self._generation, method)
        with self._idle:
            self._pending += 1
        return self._pool.submit(self._run, call)

    def _run(self, call: _Call) -> None:
        try:
            self._call_once(call)
        finally:
            with self._idle:
                self._pending -= 1
                self._idle.notify_all()

    def _call_once(self, call: _Call) -> None:
        started = time.monotonic()
        at = self._clock.now_ms()
        try:
            response = requests.request(
                call.method,
                call.url,
                data=call.body,
                headers=call.headers,
                timeout=call.timeout,
            )
        except requests.RequestException as exc:
            self._record(at, call, started, None, b"", f"{type(exc).__name__}: {exc}")
            return
        self._record(at, call, started, response.status_code, response.content, None)
        handler = self._handlers.get(call.kind)
        if handler is not None and call.generation == self._generation:
            handler(call.context, response.status_code, response.content)

    def _record(
        self,
        at: int,
        call: _Call,
        started: float,
        status: int | None,
        response: bytes,
        error: str | None,
    ) -> None:
        self._journal.record_callback(
            time=at,
            method=call.method,
            url=call.url,
            body=call.body,
            status=status,
            response=response,
            duration_ms=round((time.monotonic() - started) * 1000, 3),
            error=error,
        )
