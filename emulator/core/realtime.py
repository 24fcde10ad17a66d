"""Realtime connections: the product-neutral half of the Mattermost WebSocket and the DDP hubs.

A product route (flask-sock) builds a :class:`Handler` for its protocol and calls
:meth:`RealtimeHub.serve`. The request thread then runs the connection's one loop: it waits on a
single wake-up event, hands received frames to the handler, sends queued frames and checks the
keep-alive deadlines, which run on the emulator clock (advance the clock, a dead peer times out).

Events published on ``rt.events`` reach every live connection's :meth:`Handler.route` (and every
parked session's ``absorb``) one at a time under the hub's delivery lock, in publish order; the
handler decides who may see what and returns the frames to queue. Publishers never write to a
socket, and a failing handler only loses its own connection.

**Frame hooks** (``hub.frame_hooks``): every frame of both products, outgoing and incoming, passes
through them in order, in the connection's own thread::

    hook(direction, connection, frame) -> list[frame]

``direction`` is ``"out"`` or ``"in"``. ``frame`` is the decoded JSON message (a dict, usually),
the raw ``str``/``bytes`` of an inbound frame that is not JSON, or a :class:`Control` (a
WebSocket ping or close the server sends). Return ``[frame]`` to pass it on, ``[]`` to drop it,
``[frame, frame]`` to duplicate it, or other frames (a ``str`` is sent verbatim). A hook may sleep
(latency: only that connection waits) or call ``connection.abort()`` (a lost network) or
``connection.close(code, reason)``. A hook that raises is logged and the frame passes unchanged.
``connection.path``, ``user_id``, ``username`` and :func:`frame_text` are there for journaling.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import socket
import threading
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from . import jsonbounds
from .clock import Clock
from .events import EventBus

log = logging.getLogger(__name__)

Frame = Any
FrameHook = Callable[[str, "Connection", Frame], list[Frame]]

IN = "in"
OUT = "out"

# Close codes (RFC 6455 and the products' own).
NORMAL = 1000
GOING_AWAY = 1001
INTERNAL_ERROR = 1011
SERVICE_RESTART = 1012

# How often an idle connection wakes up to check its deadlines (wall seconds).
DEFAULT_TICK_SECONDS = 0.2
MAX_PARKED = 1024


@dataclass(frozen=True)
class Control:
    """A WebSocket control frame the server sends: ``ping``, or ``close`` with code and reason."""

    kind: str
    code: int = NORMAL
    reason: str = ""


def frame_text(frame: Frame) -> str | bytes:
    """The bytes on the wire for a frame (compact JSON, as both servers write it)."""
    if isinstance(frame, str | bytes):
        return frame
    if isinstance(frame, Control):
        if frame.kind == "close":
            return f"<close {frame.code}{' ' + frame.reason if frame.reason else ''}>"
        return f"<{frame.kind}>"
    return json.dumps(frame, separators=(",", ":"), ensure_ascii=False)


class Parked(Protocol):
    """A product session kept after its socket closed, so that a client can resume it."""

    def absorb(self, event: str, payload: dict[str, Any]) -> None: ...


class Handler:
    """One connection's protocol; products subclass it. Callbacks run in the connection's thread,
    except :meth:`route`, which runs in the publisher's thread under the hub's delivery lock."""

    #: Frames waiting to be sent; when full, the connection is dropped (a slow consumer).
    max_queue = 256
    #: Send a ping after this long without a ping or inbound traffic (emulator ms), None: never.
    ping_interval_ms: int | None = None
    #: Close after this long without inbound traffic (emulator ms), None: never.
    timeout_ms: int | None = None
    #: How a timed-out connection is closed: (code, reason), or None to drop it without a close.
    timeout_close: tuple[int, str] | None = (GOING_AWAY, "")

    def opened(self, conn: Connection) -> None:
        """The socket is open: greet the client."""

    def received(self, conn: Connection, frame: Frame) -> None:
        """A frame from the client, after the frame hooks."""

    def route(self, conn: Connection, event: str, payload: dict[str, Any]) -> Iterable[Frame]:
        """Frames this connection gets for a published event (quick, in the publisher's thread)."""
        return ()

    def ping(self, conn: Connection) -> Frame:
        """The keep-alive ping frame."""
        return Control("ping")

    def tick(self, conn: Connection, now_ms: int) -> None:
        """Called on every wake-up, for protocol deadlines (e.g. an authentication timeout)."""

    def closed(self, conn: Connection) -> None:
        """The connection is gone (any reason); park what should survive it."""


class Connection:
    """One live WebSocket: a queue of frames to send, one send path, one receive loop."""

    def __init__(self, hub: RealtimeHub, handler: Handler, ws: Any, path: str) -> None:
        self.hub = hub
        self.handler = handler
        self.ws = ws
        self.path = path
        self.id = hub.next_connection_id()
        self.user_id: str | None = None
        self.username: str | None = None
        now = hub.clock.now_ms()
        self.opened_ms = now
        self.last_inbound_ms = now
        self.last_ping_ms = now
        self._ping_outstanding = False
        self._queue: deque[Frame] = deque()
        self._queue_lock = threading.Lock()
        self._send_lock = threading.Lock()
        self._closing: Control | None = None
        self._aborted = False
        self.closed = False
        # simple_websocket sets this event for inbound data and closes; we set it for outbound.
        self._wake: threading.Event = getattr(ws, "event", None) or threading.Event()

    # -- used by handlers, hooks and the hub (any thread) ---------------------------------

    def send(self, frame: Frame) -> bool:
        """Queue a frame; False (and the connection dropped) when the queue is full."""
        with self._queue_lock:
            if self.closed or self._closing is not None:
                return False
            if len(self._queue) >= self.handler.max_queue:
                overflow = True
            else:
                overflow = False
                self._queue.append(frame)
        if overflow:
            log.info("realtime %s: send queue full, dropping the connection", self.id)
            self.abort()
            return False
        self._wake.set()
        return True

    def queued(self) -> int:
        return len(self._queue)

    def close(self, code: int = NORMAL, reason: str = "") -> None:
        """Send what is queued, then a close frame, then end the connection."""
        with self._queue_lock:
            if self._closing is None:
                self._closing = Control("close", code, reason)
        self._wake.set()

    def abort(self) -> None:
        """Drop the TCP connection without a close frame (a lost network, a dead server)."""
        self._aborted = True
        sock = getattr(self.ws, "sock", None)
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        if hasattr(self.ws, "connected"):
            self.ws.connected = False
        self._wake.set()

    @property
    def alive(self) -> bool:
        return not (self.closed or self._aborted or self._closing is not None)

    # -- the connection's own thread ------------------------------------------------------

    def run(self) -> None:
        try:
            self.handler.opened(self)
            while True:
                self._flush()
                if self._closing is not None or self._aborted:
                    break
                if not getattr(self.ws, "connected", True):
                    break
                self._wake.wait(self.hub.tick_seconds)
                self._wake.clear()
                self._receive()
                self._flush()
                now = self.hub.clock.now_ms()
                self._keepalive(now)
                self.handler.tick(self, now)
            if self._closing is not None and not self._aborted:
                self._write(self._closing)
        except _Gone:
            pass
        except Exception:
            log.exception("realtime %s (%s) failed", self.id, self.path)
            with contextlib.suppress(Exception):
                self._write(Control("close", INTERNAL_ERROR, ""))
        finally:
            self.closed = True
            self.hub._remove(self)
            try:
                self.handler.closed(self)
            except Exception:
                log.exception("realtime %s: closing handler failed", self.id)

    def _receive(self) -> None:
        while True:
            try:
                data = self.ws.receive(timeout=0)
            except Exception:  # simple_websocket.ConnectionClosed and socket errors
                raise _Gone() from None
            if data is None:
                return
            self.last_inbound_ms = self.hub.clock.now_ms()
            frame: Frame = data
            if isinstance(data, str):
                try:
                    frame = jsonbounds.loads(data)  # too deep: left as undecodable text
                except ValueError:
                    frame = data
            for item in self.hub.apply_hooks(IN, self, frame):
                self.handler.received(self, item)
                if not self.alive:
                    return

    def _flush(self) -> None:
        while True:
            with self._queue_lock:
                if not self._queue:
                    return
                frame = self._queue.popleft()
            for item in self.hub.apply_hooks(OUT, self, frame):
                self._write(item)

    def _write(self, frame: Frame) -> None:
        if self._aborted:
            raise _Gone()
        with self._send_lock:
            try:
                if isinstance(frame, Control):
                    if frame.kind == "ping":
                        self._send_ping()
                    elif frame.kind == "close":
                        self.ws.close(frame.code, frame.reason or None)
                        self._closing = self._closing or frame
                    return
                self.ws.send(frame_text(frame))
            except Exception:
                raise _Gone() from None

    def _send_ping(self) -> None:
        from wsproto.events import Ping  # simple_websocket's protocol engine

        self.ws.pong_received = False
        self.ws.sock.send(self.ws.ws.send(Ping()))

    def _keepalive(self, now: int) -> None:
        handler = self.handler
        if self._ping_outstanding and getattr(self.ws, "pong_received", False):
            self._ping_outstanding = False
            self.last_inbound_ms = now
        if handler.timeout_ms is not None and now - self.last_inbound_ms >= handler.timeout_ms:
            log.info("realtime %s: no traffic for %d ms, closing", self.id, handler.timeout_ms)
            if handler.timeout_close is None:
                self.abort()
            else:
                self.close(*handler.timeout_close)
            return
        interval = handler.ping_interval_ms
        if interval is not None and now - max(self.last_inbound_ms, self.last_ping_ms) >= interval:
            self.last_ping_ms = now
            ping = handler.ping(self)
            self._ping_outstanding = isinstance(ping, Control)
            for item in self.hub.apply_hooks(OUT, self, ping):
                self._write(item)


class _Gone(Exception):
    """The peer is gone; leave the loop quietly."""


class RealtimeHub:
    """The live connections of one app (``rt.realtime``), their frame hooks and parked sessions."""

    def __init__(self, clock: Clock, events: EventBus, lock: Any = None) -> None:
        self.clock = clock
        self.events = events
        self.frame_hooks: list[FrameHook] = []
        self.tick_seconds = DEFAULT_TICK_SECONDS
        self._lock = threading.Lock()
        # Delivery runs under the store's lock: publishers may publish inside a transaction
        # and handlers read the store while routing, so one lock (reentrant) avoids an
        # inversion between the two.
        self._delivery = lock if lock is not None else threading.RLock()
        self._connections: dict[str, Connection] = {}
        self._parked: OrderedDict[Any, tuple[Parked, int]] = OrderedDict()
        self._ids = itertools.count(1)
        #: Bumped by every reset: handlers opened before it must not write to the new state.
        self.generation = 0
        self._unsubscribe: Callable[[], None] | None = None

    # -- connections ----------------------------------------------------------------------

    def next_connection_id(self) -> str:
        return f"c{next(self._ids)}"

    def serve(self, handler: Handler, ws: Any, path: str) -> Connection:
        """Run a connection until it ends (blocks the calling request thread)."""
        conn = Connection(self, handler, ws, path)
        with self._lock:
            self._connections[conn.id] = conn
            if self._unsubscribe is None:
                self._unsubscribe = self.events.subscribe(self._on_event)
        conn.run()
        return conn

    def _remove(self, conn: Connection) -> None:
        with self._lock:
            self._connections.pop(conn.id, None)

    def connections(self) -> list[Connection]:
        with self._lock:
            return list(self._connections.values())

    def close_all(self, code: int = GOING_AWAY, reason: str = "") -> None:
        for conn in self.connections():
            conn.close(code, reason)

    def reset(self) -> None:
        """Back to the seeded state: every connection closed, nothing parked."""
        with self._delivery:
            self.generation += 1
            self._parked.clear()
        self.close_all(SERVICE_RESTART, "")

    def close(self) -> None:
        """The app is shutting down."""
        self.close_all(GOING_AWAY, "")
        with self._lock:
            if self._unsubscribe is not None:
                self._unsubscribe()
                self._unsubscribe = None

    # -- hooks ----------------------------------------------------------------------------

    def apply_hooks(self, direction: str, conn: Connection, frame: Frame) -> list[Frame]:
        frames = [frame]
        for hook in list(self.frame_hooks):
            passed: list[Frame] = []
            for item in frames:
                try:
                    passed.extend(hook(direction, conn, item))
                except Exception:
                    log.exception("realtime frame hook %r failed", hook)
                    passed.append(item)
            frames = passed
        return frames

    # -- event delivery -------------------------------------------------------------------

    @contextlib.contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold event delivery, e.g. to swap a resumed session in without losing an event."""
        with self._delivery:
            yield

    def _on_event(self, event: str, payload: dict[str, Any]) -> None:
        with self._delivery:
            for conn in self.connections():
                if not conn.alive:
                    continue
                try:
                    frames = list(conn.handler.route(conn, event, payload))
                except Exception:
                    log.exception("realtime %s: routing %s failed", conn.id, event)
                    conn.close(INTERNAL_ERROR, "")
                    continue
                for frame in frames:
                    if not conn.send(frame):
                        break
            if self._parked:
                now = self.clock.now_ms()
                for key, (session, expires) in list(self._parked.items()):
                    if expires <= now:
                        self._parked.pop(key, None)
                        continue
                    try:
                        session.absorb(event, payload)
                    except Exception:
                        log.exception("realtime parked %r: absorbing %s failed", key, event)
                        self._parked.pop(key, None)

    # -- parked sessions (resumption) -----------------------------------------------------

    def park(self, key: Any, session: Parked, ttl_ms: int) -> None:
        """Keep ``session`` for ``ttl_ms`` (emulator clock); it keeps absorbing events."""
        with self._delivery:
            self._parked[key] = (session, self.clock.now_ms() + ttl_ms)
            self._parked.move_to_end(key)
            while len(self._parked) > MAX_PARKED:
                self._parked.popitem(last=False)

    def unpark(self, key: Any) -> Parked | None:
        with self._delivery:
            found = self._parked.pop(key, None)
            if found is None or found[1] <= self.clock.now_ms():
                return None
            return found[0]

    def parked(self) -> int:
        return len(self._parked)
