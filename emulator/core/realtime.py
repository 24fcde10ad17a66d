"""Realtime connections: the product-neutral half of the Mattermost WebSocket and the DDP hubs.

A product route (flask-sock) builds a :class:`Handler` for its protocol and calls
:meth:`RealtimeHub.serve`. The request thread then runs the connection's one loop: it waits on a
single wake-up event, hands received frames to the handler, sends queued frames and checks the
keep-alive and authentication deadlines. A deadline passes when either clock says so: the emulator
clock (advance it, a dead peer times out) or real time (a frozen clock still times out a silent
peer). ``hub.timeouts_ms`` overrides a handler's deadlines by attribute name, e.g.
``{"auth_timeout_ms": 200}``, for tests that cannot wait the real servers' seconds.

**Revocation**: a domain operation that ends a login (logout, a revoked session or token, a
deactivated or deleted user) publishes :data:`CREDENTIAL_REVOKED` through
:func:`publish_revocation`; every live connection's :meth:`Handler.revoked` then checks whether
its own credential still holds and deauthenticates or closes itself as its server does.

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
import time
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

# How often the hub's ticker checks every connection's deadlines (wall seconds); it wakes only
# the connections with one due, so a thousand idle sockets cost one thread's loop.
DEFAULT_TICK_SECONDS = 0.2
# The longest a connection sleeps without a wake-up (a safety net, wall seconds).
IDLE_WAIT_SECONDS = 5.0
MAX_PARKED = 1024
# The event a revocation publishes: ``{"user_id": <id>}``, or ``{"user_id": None}`` for everyone.
CREDENTIAL_REVOKED = "credential_revoked"
# Handler deadlines ``hub.timeouts_ms`` may override.
TIMEOUT_ATTRIBUTES = frozenset({"ping_interval_ms", "timeout_ms", "auth_timeout_ms"})


def publish_revocation(events: EventBus, user_id: str | None) -> None:
    """Tell the live connections that a login of ``user_id`` (None: of anyone) has ended."""
    if events.active:
        events.publish(CREDENTIAL_REVOKED, {"user_id": user_id})


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
    text = json.dumps(frame, separators=(",", ":"), ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate (a client may send "\ud800") has no UTF-8 form: escape it, as
        # JSON.stringify does, rather than fail the write and lose the connection.
        return json.dumps(frame, separators=(",", ":"))
    return text


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
    #: Drop a connection not :meth:`authenticated` this long after it opened (ms), None: never.
    auth_timeout_ms: int | None = None

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

    def authenticated(self, conn: Connection) -> bool:
        """Whether the connection has logged in (read by the authentication deadline)."""
        return True

    def revoked(self, conn: Connection, user_id: str | None) -> None:
        """A login of ``user_id`` (None: any user) ended: recheck this connection's credential
        (in the revoking thread, under the hub's delivery lock)."""

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
        # The same instants in real time: deadlines also pass while the emulator clock is frozen.
        wall = _wall_ms()
        self._opened_wall = self._inbound_wall = self._ping_wall = wall
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
                self._wake.wait(IDLE_WAIT_SECONDS)
                self._wake.clear()
                self._receive()
                self._flush()
                self._keepalive(self.hub.clock.now_ms(), _wall_ms())
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
            self.last_inbound_ms, self._inbound_wall = self.hub.clock.now_ms(), _wall_ms()
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

    def due(self, now: int, wall: int) -> bool:
        """Whether a pong came or a deadline has passed (asked by the hub's ticker)."""
        pong = self._ping_outstanding and getattr(self.ws, "pong_received", False)
        return pong or self._passed(now, wall) is not None

    def wake(self) -> None:
        self._wake.set()

    def _passed(self, now: int, wall: int) -> str | None:
        """The deadline that has passed, on either clock: ``timeout``, ``auth``, ``ping``."""
        handler = self.handler
        silent = max(now - self.last_inbound_ms, wall - self._inbound_wall)
        if handler.timeout_ms is not None and silent >= handler.timeout_ms:
            return "timeout"
        age = max(now - self.opened_ms, wall - self._opened_wall)
        if (
            handler.auth_timeout_ms is not None
            and age >= handler.auth_timeout_ms
            and not handler.authenticated(self)
        ):
            return "auth"
        since_ping = min(silent, max(now - self.last_ping_ms, wall - self._ping_wall))
        if handler.ping_interval_ms is not None and since_ping >= handler.ping_interval_ms:
            return "ping"
        return None

    def _keepalive(self, now: int, wall: int) -> None:
        handler = self.handler
        if self._ping_outstanding and getattr(self.ws, "pong_received", False):
            self._ping_outstanding = False
            self.last_inbound_ms, self._inbound_wall = now, wall
        passed = self._passed(now, wall)
        if passed == "timeout":
            log.info("realtime %s: no traffic for %d ms, closing", self.id, handler.timeout_ms)
            if handler.timeout_close is None:
                self.abort()
            else:
                self.close(*handler.timeout_close)
        elif passed == "auth":
            log.info("realtime %s: not authenticated in %d ms", self.id, handler.auth_timeout_ms)
            self.abort()
        elif passed == "ping":
            self.last_ping_ms, self._ping_wall = now, wall
            ping = handler.ping(self)
            self._ping_outstanding = isinstance(ping, Control)
            for item in self.hub.apply_hooks(OUT, self, ping):
                self._write(item)


def _wall_ms() -> int:
    return int(time.monotonic() * 1000)


class _Gone(Exception):
    """The peer is gone; leave the loop quietly."""


class RealtimeHub:
    """The live connections of one app (``rt.realtime``), their frame hooks and parked sessions."""

    def __init__(self, clock: Clock, events: EventBus, lock: Any = None) -> None:
        self.clock = clock
        self.events = events
        self.frame_hooks: list[FrameHook] = []
        self.tick_seconds = DEFAULT_TICK_SECONDS
        #: Handler deadlines to use instead of the protocols' own (ms by attribute name).
        self.timeouts_ms: dict[str, int | None] = {}
        self._lock = threading.Lock()
        # Delivery runs under the store's lock: publishers may publish inside a transaction
        # and handlers read the store while routing, so one lock (reentrant) avoids an
        # inversion between the two.
        self._delivery = lock if lock is not None else threading.RLock()
        self._connections: dict[str, Connection] = {}
        self._parked: OrderedDict[Any, tuple[Parked, int]] = OrderedDict()
        self._ids = itertools.count(1)
        self._ticker: threading.Thread | None = None
        #: Bumped by every reset: handlers opened before it must not write to the new state.
        self.generation = 0
        self._unsubscribe: Callable[[], None] | None = None

    # -- connections ----------------------------------------------------------------------

    def next_connection_id(self) -> str:
        return f"c{next(self._ids)}"

    def serve(self, handler: Handler, ws: Any, path: str) -> Connection:
        """Run a connection until it ends (blocks the calling request thread)."""
        for name, value in self.timeouts_ms.items():
            if name in TIMEOUT_ATTRIBUTES:
                setattr(handler, name, value)
        conn = Connection(self, handler, ws, path)
        with self._lock:
            self._connections[conn.id] = conn
            if self._unsubscribe is None:
                self._unsubscribe = self.events.subscribe(self._on_event)
            if self._ticker is None:
                self._ticker = threading.Thread(
                    target=self._tick, name="realtime-ticker", daemon=True
                )
                self._ticker.start()
        conn.run()
        return conn

    def _tick(self) -> None:
        """Wake the connections whose deadline passed; ends with the last connection."""
        while True:
            time.sleep(self.tick_seconds)
            with self._lock:
                connections = list(self._connections.values())
                if not connections:
                    self._ticker = None
                    return
            now, wall = self.clock.now_ms(), _wall_ms()
            for conn in connections:
                try:
                    due = conn.due(now, wall)
                except Exception:
                    log.exception("realtime %s: deadline check failed", conn.id)
                    due = True  # its own loop will find out
                if due:
                    conn.wake()

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
        if event == CREDENTIAL_REVOKED:
            self._revoke(payload.get("user_id"))
            return
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

    def _revoke(self, user_id: str | None) -> None:
        # Parked sessions need not hear it: resuming one authenticates again.
        with self._delivery:
            for conn in self.connections():
                if not conn.alive or (user_id is not None and conn.user_id != user_id):
                    continue
                try:
                    conn.handler.revoked(conn, user_id)
                except Exception:
                    log.exception("realtime %s: revocation check failed", conn.id)
                    conn.close(INTERNAL_ERROR, "")

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
