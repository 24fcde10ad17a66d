"""The request pipeline every product request goes through: journal, faults, latency, limiter.

It is a WSGI middleware around the product's Flask app, so it sees every request (404s and
errors included) and can do what a handler cannot: answer before the app, mangle the bytes after
it, or cut the TCP connection. Fault error bodies are the one step taken inside Flask (a
``before_request`` hook), so that they come out in the product's dialect with its usual headers.
``/_emulator`` itself is never journaled, faulted, delayed or limited.

With no rules, no latency and the limiter off, a request costs one journal entry.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import socket
import struct
import time
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from flask import Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import RequestEntityTooLarge

from .faults import Firing, Subject
from .journal import record_body, request_headers
from .redaction import path_secrets, redact_form, redact_headers, redact_path, scrub
from .runtime import runtime

if TYPE_CHECKING:
    from .runtime import Runtime

log = logging.getLogger(__name__)

FIRING_KEY = "chat_emulator.fault"
CONTROL_PREFIX = "/_emulator"
# Request bodies up to this size are buffered, for the journal and for channel matching.
BUFFER_LIMIT = 1024 * 1024
GARBAGE = b"\x00\xff<html><body>502 Bad Gateway</body></html>\x00{"
CHUNKED_READ = 64 * 1024
METHODS_WITH_BODY = frozenset({"POST", "PUT", "PATCH", "DELETE"})

StartResponse = Callable[..., Any]


def install(app: Flask, rt: Runtime) -> None:
    """Wrap the app; call after the product registered its own hooks."""
    app.wsgi_app = Pipeline(app.wsgi_app, rt)  # type: ignore[method-assign]
    app.before_request(_bound_chunked_body)
    app.before_request(_fault_error)
    # Realtime faults and the journal of frames: one hook at every frame boundary.
    rt.realtime.frame_hooks.append(rt.frame_faults.hook)


def _bound_chunked_body() -> None:
    """Read a chunked body (no Content-Length) here, and at most one byte past the app's
    ``MAX_CONTENT_LENGTH``: that byte is the 413, and the rest of the body is never read.

    werkzeug's own bound on such streams truncates silently at exactly the limit.
    """
    environ = request.environ
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit is None or not _is_chunked(environ):
        return
    stream = environ["wsgi.input"]
    parts: list[bytes] = []
    size = 0
    while size <= limit:
        chunk = stream.read(min(CHUNKED_READ, limit + 1 - size))
        if not chunk:
            break
        parts.append(chunk)
        size += len(chunk)
    if size > limit:
        raise RequestEntityTooLarge()
    environ["wsgi.input"] = io.BytesIO(b"".join(parts))


def _is_chunked(environ: dict[str, Any]) -> bool:
    return (
        bool(environ.get("wsgi.input_terminated"))
        and "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
    )


def _fault_error() -> Response | None:
    firing: Firing | None = request.environ.get(FIRING_KEY)
    if firing is None or firing.status is None:
        return None
    if firing.body is None and firing.status == 429:
        rt = runtime()
        status, headers, payload = rt.product.rate_limit.refusal(rt)
        return Response(payload, status=status, headers=headers)
    if firing.body is None:
        return runtime().product.error_response(
            firing.status, f"chat-emulator fault {firing.rule_id}"
        )
    if isinstance(firing.body, str):
        response = Response(firing.body, mimetype="text/plain")
    else:
        response = jsonify(firing.body)
    response.status_code = firing.status
    return response


class Pipeline:
    def __init__(self, wsgi_app: Callable[..., Iterable[bytes]], rt: Runtime) -> None:
        self.wsgi_app = wsgi_app
        self.rt = rt

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        rt = self.rt
        limiter = rt.product.rate_limit
        if path.startswith(CONTROL_PREFIX) or not (
            rt.journal.enabled or rt.faults.active or rt.latency.active or limiter.active(rt)
        ):
            return self.wsgi_app(environ, start_response)
        return self._handle(environ, start_response, path)

    def _handle(
        self, environ: dict[str, Any], start_response: StartResponse, path: str
    ) -> Iterable[bytes]:
        rt = self.rt
        product = rt.product
        started = time.perf_counter()
        now_ms = rt.clock.now_ms()
        method = environ.get("REQUEST_METHOD", "GET")
        body = _buffer_body(environ) if method in METHODS_WITH_BODY else b""
        subject = Subject(
            method=method,
            path=path,
            resolve_user=lambda: _quietly(product.identify_user, rt, environ),
            resolve_channel=lambda: _quietly(product.identify_channel, rt, environ, body),
        )
        entry: dict[str, Any] | None = None
        if rt.journal.enabled:
            user = subject.user
            entry = {
                "id": rt.journal.next_id(),
                "kind": "http",
                "time": now_ms,
                "method": method,
                "path": redact_path(path),
                "query": redact_form(environ.get("QUERY_STRING", "")),
                "headers": request_headers(environ),
                "body": record_body(body) if body is not None else "[not captured]",
                "user": user[1] if user else None,
                "user_id": user[0] if user else None,
                "status": None,
                "response": "",
                "response_headers": (),
                "duration_ms": 0.0,
                "fault": None,
            }
        firing = rt.faults.decide(subject, now_ms) if rt.faults.active else None
        if firing is not None and entry is not None:
            entry["fault"] = firing.rule_id
        delay = firing.delay_s if firing is not None and firing.delay_s else 0.0
        if not delay and rt.latency.active:
            delay = rt.latency.delay_seconds()
        if delay:
            time.sleep(delay)
        exchange = Exchange(self, entry, started, start_response)
        if entry is not None:
            exchange.secrets = path_secrets(path)

        if firing is not None and firing.drop in ("reset", "close"):
            # The request never reaches the app: as if the server or network died.
            exchange.finish()
            _kill_connection(environ, hard=firing.drop == "reset")
            start_response("502 Bad Gateway", [("Content-Length", "0")])
            return []

        extra_headers: list[tuple[str, str]] = []
        if firing is None or firing.status is None:
            verdict = product.rate_limit.verdict(rt, environ, now_ms)
            if verdict is not None:
                extra_headers = verdict.headers
                if verdict.refusal is not None:
                    status, headers, payload = verdict.refusal
                    return exchange.respond(status, headers, payload)

        if firing is not None:
            environ[FIRING_KEY] = firing
        if firing is not None and firing.drop in ("empty", "garbage"):
            status, headers, payload = _run_to_completion(self.wsgi_app, environ)
            headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
            headers += extra_headers
            if firing.drop == "garbage":
                mangled = payload[: len(payload) // 2] + GARBAGE
                return exchange.respond(status, headers, mangled)
            declared = [*headers, ("Content-Length", str(max(len(payload), 1)))]
            exchange.record(status, declared, b"")
            exchange.finish()
            if _send_headers_and_close(environ, status, declared):
                start_response("502 Bad Gateway", [("Content-Length", "0")])
                return []
            return exchange.respond(status, declared, b"")

        return exchange.run(self.wsgi_app, environ, extra_headers)


class Exchange:
    """One request/response as the journal sees it."""

    def __init__(
        self,
        pipeline: Pipeline,
        entry: dict[str, Any] | None,
        started: float,
        start_response: StartResponse,
    ) -> None:
        self.rt = pipeline.rt
        self.entry = entry
        self.secrets: tuple[bytes, ...] = ()  # path secrets a response may echo
        self.started = started
        self.start_response = start_response
        self.captured: list[bytes] = []
        self.captured_len = 0
        self.total_len = 0
        self.done = False

    def record(self, status: str, headers: list[tuple[str, str]], payload: bytes | None) -> None:
        if self.entry is None:
            return
        self.entry["status"] = int(status.split(None, 1)[0])
        self.entry["response_headers"] = redact_headers(headers)
        if payload is not None:
            self.entry["response"] = record_body(scrub(payload, self.secrets))

    def finish(self) -> None:
        if self.done:
            return
        self.done = True
        if self.entry is None:
            return
        if self.captured:
            captured = scrub(b"".join(self.captured), self.secrets)
            self.entry["response"] = record_body(captured, self.total_len)
        self.entry["duration_ms"] = round((time.perf_counter() - self.started) * 1000, 3)
        self.rt.journal.add(self.entry)

    def respond(
        self, status: str, headers: list[tuple[str, str]], payload: bytes
    ) -> Iterable[bytes]:
        headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
        headers.append(("Content-Length", str(len(payload))))
        self.record(status, headers, payload)
        self.finish()
        self.start_response(status, headers)
        return [payload]

    def run(
        self,
        app: Callable[..., Iterable[bytes]],
        environ: dict[str, Any],
        extra_headers: list[tuple[str, str]],
    ) -> Iterable[bytes]:
        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            if extra_headers:
                headers = [*headers, *extra_headers]
            self.record(status, headers, None)
            if exc_info is not None:
                return self.start_response(status, headers, exc_info)
            return self.start_response(status, headers)

        try:
            result = app(environ, start)
        except BaseException:
            self.finish()
            raise
        if self.entry is None:
            return result
        return _Recorded(result, self)

    def capture(self, chunk: bytes) -> None:
        self.total_len += len(chunk)
        # As much as a request body: the response is redacted whole before the journal cuts it.
        room = BUFFER_LIMIT - self.captured_len
        if room > 0 and chunk:
            piece = chunk[:room]
            self.captured.append(piece)
            self.captured_len += len(piece)


class _Recorded:
    """The app's response iterable, teed into the journal; recorded before its last chunk is sent
    (or when the server closes it early)."""

    def __init__(self, inner: Iterable[bytes], exchange: Exchange) -> None:
        self.inner = inner
        self.exchange = exchange

    def __iter__(self) -> Iterator[bytes]:
        # One chunk of look-ahead: the entry is journaled before the last bytes go out, so a
        # client that reads the journal right after its response always finds its request.
        chunks = iter(self.inner)
        pending = next(chunks, None)
        for chunk in chunks:
            self.exchange.capture(pending)
            yield pending
            pending = chunk
        if pending is not None:
            self.exchange.capture(pending)
        self.exchange.finish()
        if pending is not None:
            yield pending

    def close(self) -> None:
        try:
            close = getattr(self.inner, "close", None)
            if close is not None:
                close()
        finally:
            self.exchange.finish()


def _quietly(identify: Callable[..., Any], *args: Any) -> Any:
    """Who or where a request is about; a failure there must not fail the request."""
    try:
        return identify(*args)
    except Exception:
        log.exception("chat-emulator: identifying a request failed")
        return None


def _buffer_body(environ: dict[str, Any]) -> bytes | None:
    """The request body, read once and put back; None if too big or streamed."""
    if _is_chunked(environ):
        return None  # left to the app, which bounds it (``_bound_chunked_body``)
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return b""
    if length <= 0:
        return b""
    if length > BUFFER_LIMIT:
        return None
    stream = environ["wsgi.input"]
    data = stream.read(length)
    environ["wsgi.input"] = io.BytesIO(data)
    return data


def _run_to_completion(
    app: Callable[..., Iterable[bytes]], environ: dict[str, Any]
) -> tuple[str, list[tuple[str, str]], bytes]:
    seen: dict[str, Any] = {}

    def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        seen["status"], seen["headers"] = status, list(headers)
        return lambda data: None

    result = app(environ, start)
    try:
        payload = b"".join(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    return seen["status"], seen["headers"], payload


def _client_socket(environ: dict[str, Any]) -> socket.socket | None:
    sock = environ.get("werkzeug.socket") or environ.get("gunicorn.socket")
    return sock if isinstance(sock, socket.socket) else None


def _kill_connection(environ: dict[str, Any], hard: bool) -> None:
    """Cut the client's TCP connection: RST (``hard``) or a plain FIN, with no response.

    The server still holds the socket object, so its descriptor is swapped for one end of a dead
    socket pair first: the server's own writes then fail quietly (EPIPE) and closing our duplicate,
    the last reference to the connection, is what the client sees.
    """
    sock = _client_socket(environ)
    if sock is None:
        raise ConnectionAbortedError("chat-emulator fault: connection dropped (no socket)")
    fd = sock.fileno()
    if fd < 0:
        return
    connection = socket.socket(fileno=os.dup(fd))
    if hard:
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    dead, peer = socket.socketpair()
    peer.close()
    os.dup2(dead.fileno(), fd)
    dead.close()
    if not hard:
        with contextlib.suppress(OSError):
            connection.shutdown(socket.SHUT_RDWR)
    connection.close()


def _send_headers_and_close(
    environ: dict[str, Any], status: str, headers: list[tuple[str, str]]
) -> bool:
    """Status line and headers straight onto the socket, then a FIN: the body never comes."""
    sock = _client_socket(environ)
    if sock is None:
        return False
    head = f"HTTP/1.1 {status}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers) + "\r\n"
    with contextlib.suppress(OSError):
        sock.sendall(head.encode("latin-1"))
    _kill_connection(environ, hard=False)
    return True
