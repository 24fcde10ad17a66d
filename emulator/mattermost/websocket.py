"""The Mattermost WebSocket, ``GET /api/v4/websocket``.

Server side of ``server/channels/api4/websocket.go`` and ``server/channels/app/platform``
(``web_conn.go``, ``web_hub.go``, ``websocket_router.go``) with the ``wsapi`` actions: upgrade-time
or ``authentication_challenge`` authentication, the ``hello`` event, per-connection ``seq``,
events from ``rt.events`` routed by their ``broadcast``, and resumption with ``connection_id`` +
``sequence_number`` from the last 128 events a connection was sent (kept 5 minutes after a
disconnect, still collecting what it would have been sent).
"""

from __future__ import annotations

import json
import re
import socket
from collections import deque
from typing import Any

from flask import Blueprint, Flask, request
from flask_sock import Sock

from ..core import realtime
from ..core.ids import is_mattermost_id
from ..core.runtime import Runtime, runtime
from . import authentication, errors, models, permissions, settings, wire
from .tables import member_id

Doc = dict[str, Any]

blueprint = Blueprint("mm_websocket", __name__)
_sock = Sock()

MAX_MESSAGE_BYTES = 8 * 1024  # SocketMaxMessageSizeKb
PING_INTERVAL_MS = 60_000  # pingInterval
PONG_WAIT_MS = 100_000  # pongWaitTime
AUTH_TIMEOUT_MS = 5_000  # authCheckInterval
SEND_QUEUE_SIZE = 256  # sendQueueSize
DEAD_QUEUE_SIZE = 128  # deadQueueSize
INACTIVE_TTL_MS = 5 * 60_000  # inactive connections are reaped after about 5 minutes
# Dropped first when a connection's send queue is half full.
DROPPABLE = frozenset({"typing", "status_change", "multiple_channels_viewed"})


def register(app: Flask) -> None:
    app.register_blueprint(blueprint)
    options = app.config.setdefault("SOCK_SERVER_OPTIONS", {})
    options.setdefault("max_message_size", MAX_MESSAGE_BYTES)


@blueprint.get("/api/v4/websocket", strict_slashes=False)
def not_upgraded() -> None:
    """A plain GET (no ``Upgrade: websocket``): the upgrader refuses it."""
    raise errors.AppError(400, errors.WS_UPGRADE, "websocket upgrade expected", BlockedOrigin="")


def _connect(ws: Any) -> None:
    rt = runtime()
    found = authentication.identify(rt, request.environ)
    handler = MattermostSocket(rt, found[0]["token"] if found else None, request.args)
    rt.realtime.serve(handler, ws, request.path)


_sock.route("/api/v4/websocket", bp=blueprint)(_connect)
_sock.route("/api/v4/websocket/", bp=blueprint, endpoint="websocket_slash")(_connect)


class WsSession:
    """What outlives a socket: the connection id, the next ``seq`` and the dead queue."""

    def __init__(self, rt: Runtime, connection_id: str, user_id: str, posted_ack: bool) -> None:
        self.rt = rt
        self.connection_id = connection_id
        self.user_id = user_id
        self.posted_ack = posted_ack
        self.next_seq = 0
        self.dead: deque[Doc] = deque(maxlen=DEAD_QUEUE_SIZE)

    def stamp(self, event: str, data: Doc | None, broadcast: Doc | None) -> Doc:
        frame = wire.ws_event(event, data, broadcast, self.next_seq)
        self.next_seq += 1
        self.dead.append(frame)
        return frame

    def replay_from(self, seq: int) -> list[Doc] | None:
        """The events from ``seq`` on, or None when some of them are gone."""
        if seq == self.next_seq:
            return []
        if self.dead and self.dead[0]["seq"] <= seq < self.next_seq:
            return [f for f in self.dead if f["seq"] >= seq]
        return None

    def event_for(self, event: str, payload: Doc) -> Doc | None:
        """The frame this user gets for a published event, rendered and stamped, or None."""
        broadcast = payload.get("broadcast") or {}
        if not self._should_send(broadcast):
            return None
        data = payload.get("data") or {}
        hooked = self._posted_hooks(data) if event == "posted" else {}
        return self.stamp(event, {**wire.ws_event_data(data), **hooked}, broadcast)

    def absorb(self, event: str, payload: Doc) -> None:
        """While parked: keep what the connection would have been sent, for a resume."""
        self.event_for(event, payload)

    def _should_send(self, b: Doc) -> bool:
        """``WebConn.ShouldSendEvent``, in its order."""
        store, uid = self.rt.store, self.user_id
        if b.get("contains_sanitized_data") or b.get("contains_sensitive_data"):
            user = store.get("users", uid)
            admin = user is not None and permissions.has_system_permission(user, "manage_system")
            if b.get("contains_sanitized_data") and admin:
                return False
            if b.get("contains_sensitive_data") and not admin:
                return False
        if b.get("connection_id"):
            return b["connection_id"] == self.connection_id
        if b.get("omit_connection_id") and b["omit_connection_id"] == self.connection_id:
            return False
        if b.get("user_id"):
            return b["user_id"] == uid
        omit = b.get("omit_users")
        if omit and uid in omit:
            return False
        if b.get("channel_id"):
            return store.get("channel_members", member_id(b["channel_id"], uid)) is not None
        if b.get("team_id"):
            member = store.get("team_members", member_id(b["team_id"], uid))
            return member is not None and not member.get("delete_at")
        return True

    def _posted_hooks(self, data: Doc) -> Doc:
        """``web_broadcast_hooks.go``: what this recipient gets added, ``mentions`` with only its
        own id and ``should_ack``."""
        post = data.get("post")
        uid = self.user_id
        if not isinstance(post, dict) or post.get("user_id") == uid:
            return {}
        mentioned = data.get("channel_type") == "D" or self._mentioned(str(post.get("message", "")))
        added: Doc = {}
        if mentioned:
            added["mentions"] = json.dumps([uid])
        if self.posted_ack and (mentioned or data.get("channel_type") == "D"):
            added["should_ack"] = True
        return added

    def _mentioned(self, message: str) -> bool:
        if "@" not in message:
            return False
        user = self.rt.store.get("users", self.user_id)
        if user is None:
            return False
        names = "|".join(re.escape(n) for n in (user["username"], "channel", "all"))
        return re.search(rf"(?:^|[^\w@])@(?:{names})(?![\w-])", message, re.IGNORECASE) is not None


class MattermostSocket(realtime.Handler):
    """One ``/api/v4/websocket`` connection (``WebConn`` + ``WebSocketRouter``)."""

    max_queue = SEND_QUEUE_SIZE
    ping_interval_ms = PING_INTERVAL_MS
    timeout_ms = PONG_WAIT_MS
    timeout_close = None  # the read deadline expires: the socket is just closed
    auth_timeout_ms = AUTH_TIMEOUT_MS  # the write pump's auth ticker just returns (no close frame)

    def __init__(self, rt: Runtime, token: str | None, args: Any) -> None:
        self.rt = rt
        self.token = token
        self.session: WsSession | None = None
        # False once the session or token it authenticated with is revoked (``IsAuthenticated``).
        self.signed_in = False
        self.generation = rt.realtime.generation
        self.posted_ack = args.get("posted_ack") == "true"
        self.resume_id = args.get("connection_id") or ""
        self.resume_seq = 0
        self.bad_request = False
        if self.resume_id:
            raw_seq = args.get("sequence_number", "")
            if not is_mattermost_id(self.resume_id) or not raw_seq.isdigit():
                self.bad_request = True
            else:
                self.resume_seq = int(raw_seq)

    # -- lifecycle ------------------------------------------------------------------------

    def opened(self, conn: realtime.Connection) -> None:
        if self.bad_request:
            conn.abort()
            return
        found = authentication.session_for_token(self.rt, self.token) if self.token else None
        if found is not None:
            self._register(conn, *found)

    def authenticated(self, conn: realtime.Connection) -> bool:
        return self.session is not None

    def revoked(self, conn: realtime.Connection, user_id: str | None) -> None:
        """``Hub.InvalidateUser``: the connection re-reads its session; if it is gone the socket
        stays open but gets no more events and its actions fail until a new challenge."""
        if self.signed_in and authentication.session_for_token(self.rt, self.token) is None:
            self.signed_in = False
            self.token = None

    def closed(self, conn: realtime.Connection) -> None:
        session, hub = self.session, self.rt.realtime
        if session is None or hub.generation != self.generation:
            return  # never registered, or closed by a reset: nothing to keep
        hub.park(session.connection_id, session, INACTIVE_TTL_MS)
        uid = session.user_id
        if not any(c.user_id == uid and c is not conn for c in hub.connections()):
            status = self.rt.store.get("statuses", uid)
            if status is not None and not status["manual"] and status["status"] != "offline":
                models.set_status(self.rt, uid, "offline", manual=False)

    def _register(self, conn: realtime.Connection, session: Doc, user: Doc) -> None:
        """``HubRegister``: resume or start a session, ``hello`` if events may have been lost."""
        rt, uid = self.rt, user["id"]
        conn.user_id, conn.username = uid, user["username"]
        self.token = session["token"]
        self.signed_in = True
        with rt.realtime.exclusive():
            ws_session, frames = None, []
            if self.session is not None and self.session.user_id == uid:
                # Authenticated again after a revocation: same connection, a fresh hello.
                ws_session = self.session
                frames = [ws_session.stamp("hello", self._hello_data(ws_session), {"user_id": uid})]
            elif self.resume_id:
                parked = rt.realtime.unpark(self.resume_id)
                if isinstance(parked, WsSession) and parked.user_id == uid:
                    replay = parked.replay_from(self.resume_seq)
                    if replay is not None:
                        ws_session, frames = parked, replay
            if ws_session is None:
                connection_id = rt.ids.mattermost_token()  # random: seeded ids stay untouched
                ws_session = WsSession(rt, connection_id, uid, self.posted_ack)
                frames = [ws_session.stamp("hello", self._hello_data(ws_session), {"user_id": uid})]
            ws_session.posted_ack = self.posted_ack
            self.session = ws_session
            for frame in frames:
                conn.send(frame)
        status = rt.store.get("statuses", uid)
        if status is None or (not status["manual"] and status["status"] != "online"):
            models.set_status(rt, uid, "online", manual=False)

    @staticmethod
    def _hello_data(ws_session: WsSession) -> Doc:
        data = {"connection_id": ws_session.connection_id, "server_version": settings.VERSION_ID}
        hostname = socket.gethostname()
        if hostname:
            data["server_hostname"] = hostname
        return data

    # -- events ---------------------------------------------------------------------------

    def route(self, conn: realtime.Connection, event: str, payload: Doc) -> list[Doc]:
        if self.session is None or not self.signed_in:
            return []
        if event in DROPPABLE and conn.queued() >= self.max_queue // 2:
            return []
        frame = self.session.event_for(event, payload)
        return [] if frame is None else [frame]

    # -- requests -------------------------------------------------------------------------

    def received(self, conn: realtime.Connection, frame: realtime.Frame) -> None:
        request_ = _decode(frame)
        if request_ is None:
            conn.abort()  # readPump: a frame that does not decode ends the connection
            return
        seq, action, data = request_
        if not action:
            self._fail(conn, seq, errors.AppError(400, errors.WS_NO_ACTION))
        elif seq <= 0:
            self._fail(conn, seq, errors.AppError(400, errors.WS_BAD_SEQ))
        elif action == "authentication_challenge":
            self._challenge(conn, seq, data)
        elif action == "presence":
            self._reply(conn, seq)
        elif self.session is None or not self.signed_in:
            self._fail(conn, seq, errors.AppError(401, errors.WS_NOT_AUTHENTICATED))
        elif action.startswith("custom_"):
            return  # plugin actions
        else:
            handler = _ACTIONS.get(action)
            if handler is None:
                self._fail(conn, seq, errors.AppError(500, errors.WS_BAD_ACTION))
                return
            try:
                result = handler(self, data)
            except errors.AppError as error:
                self._fail(conn, seq, error)
                return
            self._reply(conn, seq, result)

    def _challenge(self, conn: realtime.Connection, seq: int, data: Doc) -> None:
        if self.signed_in:
            return
        found = authentication.session_for_token(self.rt, data.get("token"))
        if found is None:
            conn.abort()
            return
        self._register(conn, *found)
        self._reply(conn, seq)

    def _reply(self, conn: realtime.Connection, seq: int, data: Doc | None = None) -> None:
        if self.session is not None:  # the hub drops replies to unregistered connections
            conn.send(wire.ws_response(seq, data))

    def _fail(self, conn: realtime.Connection, seq: int, error: errors.AppError) -> None:
        if self.session is not None:
            conn.send(wire.ws_response(seq, error=errors.ws_error_body(error)))

    # -- actions (server/channels/wsapi) --------------------------------------------------

    def user_typing(self, data: Doc) -> None:
        channel_id = data.get("channel_id")
        if not is_mattermost_id(channel_id):
            raise errors.ws_invalid_param("channel_id")
        parent_id = data.get("parent_id")
        parent_id = parent_id if isinstance(parent_id, str) else ""
        if not models.user_typing(self.rt, self.session.user_id, channel_id, parent_id):
            raise errors.ws_invalid_param("channel_id")

    def get_statuses(self, data: Doc) -> Doc:
        return {s["user_id"]: s["status"] for s in self.rt.store.all("statuses")}

    def get_statuses_by_ids(self, data: Doc) -> Doc:
        raw = data.get("user_ids")
        ids = [i for i in raw if isinstance(i, str)] if isinstance(raw, list) else []
        if not ids or not all(is_mattermost_id(i) for i in ids):
            raise errors.ws_invalid_param("user_ids")
        out = {}
        for user_id in ids:
            status = self.rt.store.get("statuses", user_id)
            out[user_id] = status["status"] if status else "offline"
        return out

    def user_update_active_status(self, data: Doc) -> None:
        active = data.get("user_is_active")
        if not isinstance(active, bool):
            raise errors.ws_invalid_param("user_is_active")
        manual = data.get("manual") is True
        uid = self.session.user_id
        status = self.rt.store.get("statuses", uid) or models.offline_status(uid)
        if status["manual"] and not manual:
            return
        if active and status["status"] != "online":
            models.set_status(self.rt, uid, "online", manual=manual)
        elif not active and status["status"] not in ("away", "offline"):
            models.set_status(self.rt, uid, "away", manual=manual)

    def answer_ping(self, data: Doc) -> Doc:
        return {
            "text": "pong",
            "version": settings.VERSION,
            "server_time": self.rt.clock.now_ms(),
            "node_id": "",
        }

    def posted_notify_ack(self, data: Doc) -> None:
        return None  # metrics only


_ACTIONS = {
    "user_typing": MattermostSocket.user_typing,
    "get_statuses": MattermostSocket.get_statuses,
    "get_statuses_by_ids": MattermostSocket.get_statuses_by_ids,
    "user_update_active_status": MattermostSocket.user_update_active_status,
    "ping": MattermostSocket.answer_ping,
    "posted_notify_ack": MattermostSocket.posted_notify_ack,
}


def _decode(frame: realtime.Frame) -> tuple[int, str, Doc] | None:
    """A ``WebSocketRequest`` as Go's decoder takes it, or None where decoding fails."""
    if not isinstance(frame, dict):
        return None  # not JSON, not an object, or binary (msgpack is not supported)
    seq = frame.get("seq", 0)
    action = frame.get("action", "")
    data = frame.get("data")
    if seq is None:
        seq = 0
    if action is None:
        action = ""
    if isinstance(seq, bool) or not isinstance(seq, int) or not isinstance(action, str):
        return None
    if data is not None and not isinstance(data, dict):
        return None
    return seq, action, data or {}
