"""Outbound calls to the app under test (outgoing webhooks, slash commands, ...).

A bounded worker pool makes them, so the request that triggered one is never held up by a slow
app; each call and its answer or failure goes into the journal. Targets are the URLs the user
configured. A product may register a policy (``set_policy``) that refuses some targets, checked
before every hop (redirects included) as upstream's dialer does: Mattermost's is
``AllowedUntrustedInternalConnections``. Call-out fault rules (``target: "callout"`` in
``core/faults.py``) delay a call, answer it with a status without making it, or fail it as a
dropped connection. ``timeout`` bounds the whole call, the answer's body included.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any

import requests
import urllib3
from requests.adapters import HTTPAdapter

from .clock import Clock
from .faults import CalloutSubject, FaultRules, Firing
from .journal import Journal

WORKERS = 8
CHUNK = 65536
# Called with the call's context, the answer's status and body once it succeeds at the HTTP level.
AnswerHandler = Callable[[Any, int, bytes], None]
# What the app answered (status, body); None when it was not reached, refused or too slow.
Answer = tuple[int, bytes] | None
# A synchronous call queued behind others still gets its own full timeout.
QUEUE_GRACE_S = 5.0
#: A target URL -> why it must not be called, or None when it may be.
Policy = Callable[[str], str | None]


class CalloutRefused(requests.ConnectionError):
    """The product's policy refused the target; the call was not made."""


class _GuardedAdapter(HTTPAdapter):
    """Asks the policy before each request it sends, so a redirect cannot reach a refused host."""

    def __init__(self, policy: Policy) -> None:
        super().__init__()
        self._policy = policy

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        reason = self._policy(request.url or "")
        if reason is not None:
            raise CalloutRefused(reason, request=request)
        return super().send(request, *args, **kwargs)


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
    product: str
    hook_id: str
    method: str


class Callouts:
    def __init__(
        self,
        journal: Journal,
        clock: Clock,
        workers: int = WORKERS,
        *,
        product: str = "",
        faults: FaultRules | None = None,
    ) -> None:
        self._journal = journal
        self._clock = clock
        self._product = product
        self._faults = faults
        self._policy: Policy | None = None
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

    def set_policy(self, policy: Policy | None) -> None:
        """Which targets the product allows (every one without a policy)."""
        self._policy = policy

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
        *,
        product: str = "",
        hook_id: str = "",
        method: str = "POST",
    ) -> Future[Answer]:
        """POST ``body`` to ``url`` in the background (``method="GET"``: no body, for slash
        commands configured so); the handler of ``kind`` gets ``context`` and the reply.
        ``product`` (the dispatcher's own by default) and ``hook_id`` name the call for the
        journal and for call-out fault rules."""
        call = _Call(
            url,
            body,
            dict(headers),
            timeout,
            kind,
            context,
            self._generation,
            product or self._product,
            hook_id,
            method,
        )
        with self._idle:
            self._pending += 1
        return self._pool.submit(self._run, call)

    def call(
        self,
        url: str,
        body: bytes,
        headers: Mapping[str, str],
        timeout: float,
        kind: str = "",
        *,
        hook_id: str = "",
        method: str = "POST",
    ) -> Answer:
        """Make the call and wait for the app's answer, for the call-outs upstream makes while
        the user's request waits (slash commands, button clicks, dialog submissions)."""
        future = self.post(url, body, headers, timeout, kind, hook_id=hook_id, method=method)
        try:
            return future.result(timeout=timeout + QUEUE_GRACE_S)
        except FutureTimeout:
            return None

    def _run(self, call: _Call) -> Answer:
        try:
            return self._call_once(call)
        finally:
            with self._idle:
                self._pending -= 1
                self._idle.notify_all()

    def _call_once(self, call: _Call) -> Answer:
        started = time.monotonic()
        at = self._clock.now_ms()
        firing = self._fault(call, at)
        fault = firing.rule_id if firing else None
        if firing is not None:
            if firing.delay_s >= call.timeout:
                # The app "answers" after the deadline: the call times out as a slow app's would.
                time.sleep(call.timeout)
                error = f"Timeout: delayed past the {call.timeout:g} s timeout by fault {fault}"
                self._record(at, call, started, None, b"", error, fault)
                return None
            time.sleep(firing.delay_s)
            if firing.drop is not None:
                error = f"ConnectionError: connection {firing.drop} by fault {fault}"
                self._record(at, call, started, None, b"", error, fault)
                return None
            if firing.status is not None:
                data = _fault_body(firing)
                self._record(at, call, started, firing.status, data, None, fault)
                self._answer(call, firing.status, data)
                return firing.status, data
        try:
            status, data = self._request(call, started)
        except CalloutRefused as exc:
            self._record(at, call, started, None, b"", f"refused: {exc}", fault)
            return None
        except requests.RequestException as exc:
            self._record(at, call, started, None, b"", f"{type(exc).__name__}: {exc}", fault)
            return None
        self._record(at, call, started, status, data, None, fault)
        self._answer(call, status, data)
        return status, data

    def _fault(self, call: _Call, now_ms: int) -> Firing | None:
        if self._faults is None or not self._faults.targets_callouts:
            return None
        subject = CalloutSubject(call.url, call.product, call.hook_id, call.kind)
        return self._faults.decide(subject, now_ms)

    def _request(self, call: _Call, started: float) -> tuple[int, bytes]:
        """The answer's status and body; the whole exchange within ``call.timeout``."""
        deadline = started + call.timeout
        with requests.Session() as session:
            if self._policy is not None:
                adapter = _GuardedAdapter(self._policy)
                session.mount("http://", adapter)
                session.mount("https://", adapter)
            response = session.request(
                call.method,
                call.url,
                data=call.body,
                headers=call.headers,
                timeout=call.timeout,
                stream=True,
            )
            with response:
                return response.status_code, _read_body(response, deadline, call.timeout)

    def _answer(self, call: _Call, status: int, data: bytes) -> None:
        handler = self._handlers.get(call.kind)
        if handler is not None and call.generation == self._generation:
            handler(call.context, status, data)

    def _record(
        self,
        at: int,
        call: _Call,
        started: float,
        status: int | None,
        response: bytes,
        error: str | None,
        fault: str | None,
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
            headers=call.headers,
            product=call.product,
            callout_kind=call.kind,
            hook_id=call.hook_id,
            fault=fault,
        )


def _read_body(response: requests.Response, deadline: float, timeout: float) -> bytes:
    """The answer's body, read as it arrives (``read1``: an app trickling bytes is still cut at
    the deadline); urllib3's errors as requests' ones."""
    chunks = []
    try:
        while chunk := response.raw.read1(CHUNK, decode_content=True):
            chunks.append(chunk)
            if time.monotonic() > deadline:
                raise requests.Timeout(f"answer not complete within {timeout:g} s")
    except urllib3.exceptions.ReadTimeoutError as exc:
        raise requests.ReadTimeout(exc) from exc
    except urllib3.exceptions.HTTPError as exc:
        raise requests.ConnectionError(exc) from exc
    return b"".join(chunks)


def _fault_body(firing: Firing) -> bytes:
    """A fault's answer body as the app would send it: a string as is, other JSON encoded."""
    if firing.body is None:
        return b""
    if isinstance(firing.body, str):
        return firing.body.encode()
    return json.dumps(firing.body).encode()
