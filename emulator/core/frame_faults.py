"""Realtime faults: rules applied at frame boundaries of the WebSocket and DDP connections.

One frame hook on ``rt.realtime`` (see ``core/realtime.py``) runs every frame, in and out,
through the rules (first that fires wins) and then into the request journal. A rule matches by
``direction`` (``out``, the default, or ``in``), ``event`` (glob; the Mattermost event or action,
the DDP stream, method, subscription or ``msg``), ``channel`` (name or id) and ``user``; the
products say what a frame is about (``Product.frame_subject``). Actions:

- ``drop``, ``duplicate``, ``delay`` (``delay_ms``: the connection's thread waits, so later
  frames wait behind it), ``reorder`` (held back and sent after the connection's next frame);
- ``ignore_pings``: inbound pings (``{"action": "ping"}``, ``{"msg": "ping"}``) go unanswered;
- ``disconnect`` with ``mode`` ``close`` (a close frame with ``code``/``reason``), ``abnormal``
  (the TCP connection drops without a close frame: the client sees 1006) or ``half_open`` (the
  server forgets the connection but the TCP connection stays open and silent: nothing is read,
  sent or answered, WebSocket pings included). ``after: N`` disconnects on the (N+1)th matching
  frame instead of sending it; ``disconnect_now`` does it to live connections at once.

``after``, ``times`` and ``probability`` work as for HTTP rules, each rule with its own seeded
random stream.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import socket
import time
from typing import TYPE_CHECKING, Any

from .faults import CountedRule, FaultError, RuleBook, int_field, names_match, schedule_fields
from .journal import glob_match
from .realtime import frame_text

if TYPE_CHECKING:
    from .realtime import Connection
    from .runtime import Runtime

ACTIONS = ("drop", "duplicate", "delay", "reorder", "disconnect", "ignore_pings")
MODES = ("close", "abnormal", "half_open")
MATCH_KEYS = ("direction", "event", "channel", "user")
RULE_KEYS = (
    "match",
    "action",
    "delay_ms",
    "mode",
    "code",
    "reason",
    "probability",
    "after",
    "times",
)


def validate(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise FaultError("a realtime fault rule must be a JSON object")
    unknown = sorted(set(body) - set(RULE_KEYS) - {"id", "hits", "matches", "expired"})
    if unknown:
        raise FaultError(f"unknown keys: {', '.join(unknown)}")
    match = body.get("match") or {}
    if not isinstance(match, dict) or set(match) - set(MATCH_KEYS):
        raise FaultError(f"match must be an object with keys from {', '.join(MATCH_KEYS)}")
    for key, value in match.items():
        if not isinstance(value, str) or not value:
            raise FaultError(f"match.{key} must be a non-empty string")
    action = body.get("action")
    if action not in ACTIONS:
        raise FaultError(f"action must be one of {', '.join(ACTIONS)}")
    match = dict(match)
    if action == "ignore_pings":
        match.update({"direction": "in", "event": "ping"})
    direction = match.setdefault("direction", "out")
    if direction not in ("in", "out"):
        raise FaultError("match.direction must be in or out")
    rule: dict[str, Any] = {"match": match, "action": action}
    rule["delay_ms"] = int_field(body, "delay_ms", 0)
    if action == "delay" and not rule["delay_ms"]:
        raise FaultError("action delay needs delay_ms")
    mode = body.get("mode")
    if action == "disconnect":
        mode = mode or "close"
        if mode not in MODES:
            raise FaultError(f"mode must be one of {', '.join(MODES)}")
    elif mode is not None:
        raise FaultError("mode is for action disconnect")
    rule["mode"] = mode
    code = int_field(body, "code", 1000)
    if code is not None and not (code == 1000 or 3000 <= code <= 4999 or 1001 <= code <= 1014):
        raise FaultError("code must be a WebSocket close code (1000-1014, 3000-4999)")
    rule["code"] = code
    reason = body.get("reason")
    if reason is not None and (not isinstance(reason, str) or len(reason.encode()) > 123):
        raise FaultError("reason must be a string of at most 123 bytes")
    rule["reason"] = reason
    rule.update(schedule_fields(body))
    return rule


def event_name(frame: Any) -> str | None:
    """A frame's name for the journal: its event, stream, action or DDP ``msg``."""
    if isinstance(frame, dict):
        for key in ("event", "collection", "action", "msg"):
            value = frame.get(key)
            if isinstance(value, str):
                return value
        return None
    kind = getattr(frame, "kind", None)
    return kind if isinstance(kind, str) else None


class FrameRule(CountedRule):
    keys = RULE_KEYS

    def __init__(self, rule_id: str, definition: dict[str, Any], seed: int) -> None:
        super().__init__(rule_id, definition)
        self.action: str = definition["action"]
        canonical = json.dumps(definition, sort_keys=True, separators=(",", ":"))
        self._rng = random.Random(f"frame-fault:{seed}:{canonical}")

    def mismatches(self, direction: str, conn: Connection, subject: Any) -> list[str]:
        reasons = []
        m = self.match
        if m["direction"] != direction:
            return [f"direction {direction} is not {m['direction']}"]
        event, channel = subject() if "event" in m or "channel" in m else (None, None)
        if "event" in m and not (event and glob_match(m["event"], event)):
            reasons.append(f"event {event} does not match {m['event']}")
        who = (conn.user_id, conn.username) if conn.user_id else None
        if "user" in m and not names_match(m["user"], who):
            reasons.append(f"user {conn.username or 'anonymous'} is not {m['user']}")
        if "channel" in m and not names_match(m["channel"], channel):
            where = (channel[1] or channel[0]) if channel else "no channel"
            reasons.append(f"channel {where} is not {m['channel']}")
        return reasons

    def consider(self, direction: str, conn: Connection, subject: Any, now_ms: int) -> bool:
        if self.expired:
            return False
        reasons = self.mismatches(direction, conn, subject)
        if not reasons:
            self.matches += 1
            if self.matches <= self.definition["after"]:
                reasons = [f"frame {self.matches} let through (after={self.definition['after']})"]
            elif self.definition["probability"] < 1.0:
                draw = self._rng.random()
                if draw >= self.definition["probability"]:
                    reasons = [f"draw {draw:.3f} >= probability {self.definition['probability']}"]
        if reasons:
            if len(reasons) == 1 and not reasons[0].startswith("direction"):
                self.near_misses.append(
                    {"time": now_ms, "connection": conn.id, "reason": reasons[0]}
                )
            return False
        self.hits += 1
        return True


class FrameFaults(RuleBook[FrameRule]):
    """The realtime rules of one app, its frame hook, and the connections held half-open."""

    prefix = "r"

    def __init__(self, rt: Runtime) -> None:
        super().__init__(rt.config.seed)
        self.rt = rt
        self._held: dict[str, Any] = {}  # connection id -> frame held back by reorder
        self._half_open: list[socket.socket] = []
        # Connections live at the last reset: the reset closes them; their last frames belong to
        # the state before it, so they are neither faulted nor journaled.
        self._stale: set[str] = set()

    # -- rule list --------------------------------------------------------------------------

    def make_rule(self, rule_id: str, body: Any) -> FrameRule:
        return FrameRule(rule_id, validate(body), self._seed)

    def clear(self) -> None:
        with self._lock:
            self._rules = []
            self._held.clear()

    def reset(self) -> None:
        live = {conn.id for conn in self.rt.realtime.connections()}
        with self._lock:
            self._restart()
            self._held.clear()
            self._stale = live
            held, self._half_open = self._half_open, []
        for sock in held:
            with contextlib.suppress(OSError):
                sock.close()

    # -- the frame hook ---------------------------------------------------------------------

    def hook(self, direction: str, conn: Connection, frame: Any) -> list[Any]:
        rt = self.rt
        if conn.id in self._stale:
            return [frame]
        out = self._apply(direction, conn, frame) if self._rules else [frame]
        if rt.journal.enabled:
            for item in out:
                rt.journal.record_frame(
                    time=rt.clock.now_ms(),
                    direction=direction,
                    path=conn.path,
                    data=frame_text(item),
                    user=conn.username,
                    user_id=conn.user_id,
                    event=event_name(item),
                )
        return out

    def _subject(self, direction: str, frame: Any) -> tuple[str | None, tuple[str, str] | None]:
        if not isinstance(frame, dict):
            kind = getattr(frame, "kind", None)
            return (kind, None) if isinstance(kind, str) else (None, None)
        return self.rt.product.frame_subject(self.rt, direction, frame)

    def _apply(self, direction: str, conn: Connection, frame: Any) -> list[Any]:
        now_ms = self.rt.clock.now_ms()
        cache: list[Any] = []

        def subject() -> tuple[str | None, tuple[str, str] | None]:
            if not cache:
                cache.append(self._subject(direction, frame))
            return cache[0]

        fired: FrameRule | None = None
        with self._lock:
            held = self._held.pop(conn.id, None) if direction == "out" else None
            for rule in self._rules:
                if rule.consider(direction, conn, subject, now_ms):
                    fired = rule
                    break
            if fired is not None and fired.action == "reorder":
                if held is not None:  # already holding one: let that go first
                    self._held[conn.id] = frame
                    return [held]
                self._held[conn.id] = frame
                return []
        after = [held] if held is not None else []
        if fired is None:
            return [frame, *after]
        action = fired.action
        if action in ("drop", "ignore_pings"):
            return after
        if action == "duplicate":
            return [frame, frame, *after]
        if action == "delay":
            time.sleep(fired.definition["delay_ms"] / 1000)
            return [frame, *after]
        # disconnect instead of sending this frame
        self.disconnect(
            conn, fired.definition["mode"], fired.definition["code"], fired.definition["reason"]
        )
        return []

    # -- disconnecting ----------------------------------------------------------------------

    def disconnect(
        self, conn: Connection, mode: str, code: int | None = None, reason: str | None = None
    ) -> None:
        if mode == "close":
            conn.close(code or 1000, reason or "")
        elif mode == "abnormal":
            conn.abort()
        else:
            self._half_open_connection(conn)

    def _half_open_connection(self, conn: Connection) -> None:
        """Keep the TCP connection, silent; the server's side reads EOF and forgets it."""
        sock = getattr(conn.ws, "sock", None)
        if not isinstance(sock, socket.socket) or sock.fileno() < 0:
            conn.abort()
            return
        fd = sock.fileno()
        kept = socket.socket(fileno=os.dup(fd))
        dead, peer = socket.socketpair()
        peer.close()
        os.dup2(dead.fileno(), fd)
        dead.close()
        with self._lock:
            self._half_open.append(kept)
        conn.abort()

    def disconnect_now(self, connections: list[Connection], body: Any) -> list[str]:
        """``POST /_emulator/realtime/disconnect``: to live connections (of ``user``) at once."""
        if not isinstance(body, dict) or set(body) - {"mode", "code", "reason", "user"}:
            raise FaultError('body must be {"mode": ..., "code": ..., "reason": ..., "user": ...}')
        mode = body.get("mode") or "close"
        if mode not in MODES:
            raise FaultError(f"mode must be one of {', '.join(MODES)}")
        checked = validate(
            {
                "action": "disconnect",
                "mode": mode,
                "code": body.get("code"),
                "reason": body.get("reason"),
            }
        )
        user = body.get("user")
        if user is not None and not isinstance(user, str):
            raise FaultError("user must be a username or id")
        done = []
        for conn in connections:
            if not conn.alive:
                continue
            if user and user != conn.user_id and user.lower() != (conn.username or "").lower():
                continue
            self.disconnect(conn, mode, checked["code"], checked["reason"])
            done.append(conn.id)
        return done
