"""The DDP protocol: the Meteor server's side of a connection on ``/websocket``.

``connect``/``connected``, ``ping``/``pong``, ``method`` → ``result`` + ``updated``, ``sub`` →
``ready``/``nosub``, ``unsub``; the session's login (``login``/``logout``, password or resume);
and the Rocket.Chat streams (``stream-room-messages``, ``stream-notify-*``,
``stream-user-presence``), fed by the events domain operations publish on ``rt.events``. Payloads
are EJSON: dates as ``{"$date": ms}``. Every other method lives in the module named after the
domain it calls (``messages``, ``rooms``, ``users``, ``permissions``).

A ``stream-*`` event payload may carry ``"origin": <connection id>``: that connection does not
get it back (``retransmitToSelf = false`` for client writes such as typing).
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from flask import Blueprint, Flask, Response, request
from flask_sock import Sock

from ...core import realtime
from ...core.ids import METEOR_ALPHABET
from ...core.runtime import Runtime, runtime
from .. import errors, models, wire
from ..errors import DdpError
from ..models import livechat_rooms, two_factor
from .registry import METHODS, UNDEFINED, ddp_method

log = logging.getLogger(__name__)

Doc = dict[str, Any]

blueprint = Blueprint("rc_ddp", __name__)
_sock = Sock()

SUPPORTED_VERSIONS = ("1", "pre2", "pre1")
PING_AFTER_MS = 30_000  # ddp-streamer: ping after 30 s without inbound traffic
TIMEOUT_MS = 60_000  # ... and close (4000 TIMEOUT) when 30 s more pass in silence
MAX_MESSAGE_BYTES = 1024 * 1024
MAX_QUEUE = 1024
MAX_SUBSCRIPTIONS = 500

# Streams a client may subscribe to; the first group delivers events, the rest only get ready.
LOGGED_IN_STREAMS = frozenset(
    {
        "stream-room-messages",
        "stream-notify-user",
        "stream-notify-room",
        "stream-notify-logged",
        "stream-user-presence",
    }
)
QUIET_STREAMS = frozenset(
    {
        "stream-roles",
        "stream-importers",
        "stream-apps",
        "stream-canned-responses",
        "stream-integrationHistory",
        "stream-livechat-room",
        "stream-livechat-inquiry-queue-observer",
        "stream-room-data",
        "stream-notify-room-users",
        "meteor.loginServiceConfiguration",
        "meteor_autoupdate_clientVersions",
    }
)


def register(app: Flask) -> None:
    app.register_blueprint(blueprint)
    options = app.config.setdefault("SOCK_SERVER_OPTIONS", {})
    options.setdefault("max_message_size", MAX_MESSAGE_BYTES)


@blueprint.get("/websocket", strict_slashes=False)
def not_upgraded() -> Response:
    """A plain GET on the DDP endpoint (the websocket server's own text answer)."""
    return Response(errors.DDP_UPGRADE_REQUIRED, status=400, mimetype="text/plain")


def _connect(ws: Any) -> None:
    rt = runtime()
    rt.realtime.serve(DdpSession(rt), ws, request.path)


_sock.route("/websocket", bp=blueprint)(_connect)
_sock.route("/websocket/", bp=blueprint, endpoint="websocket_slash")(_connect)


def _meteor_id() -> str:
    """``Random.id()`` from a secure source: session ids must not disturb the seeded ids."""
    return "".join(secrets.choice(METEOR_ALPHABET) for _ in range(17))


def date_param(value: Any) -> int | None:
    """An EJSON date parameter as epoch ms."""
    if isinstance(value, dict) and isinstance(value.get("$date"), int | float):
        return int(value["$date"])
    return None


def string_param(params: list) -> str:
    """The first parameter, which must be a string (``check(rid, String)``)."""
    value = params[0] if params else None
    if not isinstance(value, str):
        raise errors.ddp_match_failed()
    return value


def refused(refusal: models.Refused) -> DdpError:
    """A domain refusal as a method error; an e-mail code's expiry is an EJSON date."""
    details = refusal.details
    if isinstance(details, dict) and isinstance(details.get("codeExpires"), int):
        details = {**details, "codeExpires": {"$date": details["codeExpires"]}}
    return DdpError(refusal.code, refusal.reason, details)


class DdpSession(realtime.Handler):
    """One DDP connection: the Meteor session, its login and its subscriptions."""

    max_queue = MAX_QUEUE
    ping_interval_ms = PING_AFTER_MS
    timeout_ms = TIMEOUT_MS
    timeout_close = (4000, "TIMEOUT")

    def __init__(self, rt: Runtime) -> None:
        self.rt = rt
        self.generation = rt.realtime.generation
        self.session_id: str | None = None
        # the livechat widget's subscriptions: sub id -> the visitor token it subscribed with
        self.visitor_tokens: dict[str, str | None] = {}
        self.user_id: str | None = None
        self.token: str | None = None
        self.subs: dict[str, tuple[str, str]] = {}  # sub id -> (stream, eventName)
        self.presence = "online"  # this connection's own status (``UserPresence:away``...)

    # -- frames in ------------------------------------------------------------------------

    def opened(self, conn: realtime.Connection) -> None:
        conn.send({"server_id": "0"})  # the Meteor server's legacy greeting

    def ping(self, conn: realtime.Connection) -> Doc:
        return {"msg": "ping"}

    def closed(self, conn: realtime.Connection) -> None:
        """The user goes offline with their last DDP connection (not when a reset closed it)."""
        uid = self.user_id
        if uid is None or self.rt.realtime.generation != self.generation:
            return
        models.set_connection_status(self.rt, uid, self.connection_status(uid, leaving=conn))

    def connection_status(self, user_id: str, leaving: Any = None) -> str:
        """``processConnectionStatus``: the best status among the user's DDP connections."""
        best = "offline"
        for other in self.rt.realtime.connections():
            session = other.handler
            if other is leaving or other.user_id != user_id or not isinstance(session, DdpSession):
                continue
            if session.presence == "online":
                return "online"
            best = session.presence
        return best

    def revoked(self, conn: realtime.Connection, user_id: str | None) -> None:
        """Meteor observes the login token a connection logged in with (``_setLoginToken``)
        and closes the connection when the token goes (logout elsewhere, deactivation...)."""
        if self.token is None or self.user_id is None:
            return
        if models.user_for_token(self.rt, self.user_id, self.token) is None:
            self.subs.clear()  # nothing more reaches it before the close goes out
            conn.close()

    def received(self, conn: realtime.Connection, frame: realtime.Frame) -> None:
        if isinstance(frame, str | bytes):
            conn.send({"msg": "error", "reason": "Parse error"})
            return
        if not isinstance(frame, dict) or not isinstance(frame.get("msg"), str):
            conn.send(_error("Bad request", frame))
            return
        kind = frame["msg"]
        if kind == "connect":
            self._connect(conn, frame)
        elif self.session_id is None:
            conn.send(_error("Must connect first", frame))
        elif kind == "ping":
            conn.send({"msg": "pong", **({"id": frame["id"]} if "id" in frame else {})})
        elif kind == "pong":
            return
        elif kind == "method":
            self._method(conn, frame)
        elif kind == "sub":
            self._sub(conn, frame)
        elif kind == "unsub":
            self.subs.pop(str(frame.get("id")), None)
            conn.send({"msg": "nosub", "id": frame.get("id")})
        else:
            conn.send(_error("Bad request", frame))

    def _connect(self, conn: realtime.Connection, frame: Doc) -> None:
        if self.session_id is not None:
            conn.send(_error("Already connected", frame))
            return
        version, support = frame.get("version"), frame.get("support")
        if not (
            isinstance(version, str)
            and isinstance(support, list)
            and all(isinstance(v, str) for v in support)
            and version in support
        ):
            conn.send({"msg": "failed", "version": SUPPORTED_VERSIONS[0]})
            conn.close()
            return
        agreed = next((v for v in support if v in SUPPORTED_VERSIONS), SUPPORTED_VERSIONS[0])
        if version != agreed:
            conn.send({"msg": "failed", "version": agreed})
            conn.close()
            return
        self.session_id = _meteor_id()
        conn.send({"msg": "connected", "session": self.session_id})

    # -- methods --------------------------------------------------------------------------

    def _method(self, conn: realtime.Connection, frame: Doc) -> None:
        method_id, name = frame.get("id"), frame.get("method")
        params = frame.get("params", [])
        if (
            not isinstance(method_id, str)
            or not isinstance(name, str)
            or not isinstance(params, list)
        ):
            conn.send(_error("Malformed method invocation", frame))
            return
        conn.send(self.invoke(conn, method_id, name, params))
        conn.send({"msg": "updated", "methods": [method_id]})

    def invoke(self, conn: Any, method_id: Any, name: str, params: list) -> Doc:
        """Run a method as this session's user: the ``result`` message."""
        reply: Doc = {"msg": "result", "id": method_id}
        handler = METHODS.get(name)
        try:
            if handler is None:
                raise DdpError(404, f"Method '{name}' not found")
            result = handler(self, conn, params)
            if result is not UNDEFINED:
                reply["result"] = wire.ejson_dates(result)
        except DdpError as error:
            reply["error"] = error.body
        except Exception:
            log.exception("DDP method %s failed", name)
            reply["error"] = errors.ddp_error(500, "Internal server error")
        return reply

    def user(self) -> Doc | None:
        if self.user_id is None:
            return None
        user = self.rt.store.get("users", self.user_id)
        return user if user is not None and user.get("active") else None

    def require_user(self, method: str) -> Doc:
        """The logged-in caller, or ``error-invalid-user`` naming ``method``."""
        user = self.user()
        if user is None:
            raise errors.ddp_invalid_user(method)
        return user

    @ddp_method("login")
    def login(self, conn: realtime.Connection, params: list) -> Any:
        rt = self.rt
        request_ = params[0] if params else None
        if not isinstance(request_, dict):
            raise errors.ddp_match_failed()
        # The ``totp`` handler runs the other handlers on ``totp.login``; ``onValidateLogin``
        # then checks ``totp.code`` (without a code the wrapper is an unrecognized option).
        code = None
        totp = request_.get("totp")
        if isinstance(totp, dict) and totp.get("code") and isinstance(totp.get("login"), dict):
            code, request_ = totp["code"], totp["login"]
        if "resume" in request_:
            token = request_["resume"]
            if not isinstance(token, str):
                raise errors.ddp_match_failed()
            record = rt.store.get("tokens", models.hash_token(token))
            user = models.user_for_token(rt, record["userId"], token) if record else None
            if user is None:
                raise DdpError(403, errors.DDP_LOGGED_OUT)
            login_type = "resume"
        elif "user" in request_ and "password" in request_:
            user = self._password_user(request_["user"], request_["password"])
            try:
                second = code if isinstance(code, str) else None if code is None else str(code)
                two_factor.check_code_for_user(rt, user, second, None, two_factor.LOGIN)
            except models.Refused as refusal:
                raise refused(refusal) from None
            token = models.issue_login_token(rt, user)
            user = rt.store.update("users", user["_id"], {"lastLogin": rt.clock.now_ms()})
            login_type = "password"
        else:
            raise DdpError(400, "Unrecognized options for login request")
        record = rt.store.get("tokens", models.hash_token(token))
        days = models.setting(rt, "Accounts_LoginExpiration") or 90
        expires = (record["when"] if record else rt.clock.now_ms()) + days * 86_400_000
        self.user_id, self.token = user["_id"], token
        conn.user_id, conn.username = user["_id"], user["username"]
        if isinstance(conn, realtime.Connection):  # a socket, not the REST bridge
            self.presence = "online"
            models.set_connection_status(rt, user["_id"], self.connection_status(user["_id"]))
        return {
            "id": user["_id"],
            "token": token,
            "tokenExpires": {"$date": expires},
            "type": login_type,
        }

    def _password_user(self, selector: Any, password: Any) -> Doc:
        # accounts-password's check(): a user query with exactly one of id/username/email.
        if (
            not isinstance(selector, dict)
            or len(selector) != 1
            or not set(selector) <= {"id", "username", "email"}
            or not isinstance(password, str | dict)
        ):
            raise errors.ddp_match_failed()
        if isinstance(password, dict) and password.get("algorithm") != "sha-256":
            raise errors.ddp_match_failed()
        user = None
        if isinstance(selector.get("id"), str):
            user = self.rt.store.get("users", selector["id"])
        for key in ("username", "email"):
            if user is None and isinstance(selector.get(key), str):
                user = models.find_user(self.rt, selector[key])
        if user is None:
            raise DdpError(403, "User not found")
        if not models.check_user_password(user, password):
            raise DdpError(403, "Incorrect password")
        if not user.get("active"):
            raise DdpError(errors.USER_IS_NOT_ACTIVATED, "User is not activated")
        return user

    @ddp_method("logout")
    def logout(self, conn: realtime.Connection, params: list) -> Any:
        # ``_setLoginToken(null)`` first: this connection stops observing the token, so only
        # other connections logged in with it are closed.
        token, self.token = self.token, None
        if token is not None:
            models.revoke_token(self.rt, token)
        if self.user_id is not None and isinstance(conn, realtime.Connection):
            self.closed(conn)
        self.user_id = self.token = None
        conn.user_id = conn.username = None
        for sub_id, (stream, _event) in list(self.subs.items()):
            if stream in LOGGED_IN_STREAMS:
                del self.subs[sub_id]
                conn.send(_nosub(sub_id, errors.ddp_error(errors.BARE_NOT_ALLOWED)))
        return UNDEFINED

    # -- subscriptions --------------------------------------------------------------------

    def _sub(self, conn: realtime.Connection, frame: Doc) -> None:
        sub_id, name, params = frame.get("id"), frame.get("name"), frame.get("params", [])
        if not isinstance(sub_id, str) or not isinstance(name, str) or not isinstance(params, list):
            conn.send(_error("Malformed subscription", frame))
            return
        if name in QUIET_STREAMS:
            conn.send({"msg": "ready", "subs": [sub_id]})
            return
        if name not in LOGGED_IN_STREAMS and name != "stream-notify-all":
            conn.send(_nosub(sub_id, errors.ddp_error(404, f"Subscription '{name}' not found")))
            return
        event_name = params[0] if params else None
        options = params[1] if len(params) > 1 else False
        if not isinstance(event_name, str) or not isinstance(options, bool | dict):
            conn.send(_nosub(sub_id, errors.ddp_error(400, "Match failed")))
            return
        if not event_name:
            conn.send(_nosub(sub_id, errors.ddp_error(errors.BARE_INVALID_EVENT_NAME)))
            return
        token = _visitor_token(name, options)
        if len(self.subs) >= MAX_SUBSCRIPTIONS or not self._may_read(name, event_name, token):
            conn.send(_nosub(sub_id, errors.ddp_error(errors.BARE_NOT_ALLOWED)))
            return
        self.visitor_tokens[sub_id] = token
        self.subs[sub_id] = (name, event_name)
        use_collection = options.get("useCollection") if isinstance(options, dict) else options
        if use_collection is True:
            # "Collection compatibility" (``_publish``): the item every later ``changed`` updates,
            # which collection-keeping clients (Asteroid, the classic SDK) need to exist first.
            fields = {"eventName": event_name}
            conn.send({"msg": "added", "collection": name, "id": "id", "fields": fields})
        conn.send({"msg": "ready", "subs": [sub_id]})

    def _may_read(self, stream: str, event_name: str, visitor_token: str | None = None) -> bool:
        if stream == "stream-notify-all":
            return True
        user = self.user()
        if user is None:
            room = self.rt.store.get("rooms", event_name)
            return livechat_rooms.visitor_may_read(room, visitor_token)
        if stream == "stream-notify-user":
            return event_name.split("/", 1)[0] == user["_id"]
        if stream == "stream-room-messages":
            return event_name == "__my_messages__" or self._can_read_room(user, event_name)
        if stream == "stream-notify-room":
            return self._can_read_room(user, event_name.split("/", 1)[0])
        return True  # stream-notify-logged, stream-user-presence: any logged-in user

    def _can_read_room(self, user: Doc, rid: str) -> bool:
        room = self.rt.store.get("rooms", rid)
        return room is not None and models.can_access_room(self.rt, room, user)

    # -- events ---------------------------------------------------------------------------

    def route(self, conn: realtime.Connection, event: str, payload: Doc) -> list[Doc]:
        if not self.subs or payload.get("origin") == conn.id:
            return []
        name, args = payload.get("eventName"), payload.get("args") or []
        frames: list[Doc] = []
        for sub_id, (stream, wanted) in list(self.subs.items()):
            if stream != event:
                continue
            if stream == "stream-room-messages":
                sent = self._room_message(sub_id, wanted, name, args)
                if sent is not None:
                    frames.append(_changed(stream, "id", wanted, sent))
            elif wanted == name:
                if stream == "stream-notify-user" and name.split("/", 1)[0] != self.user_id:
                    continue
                item_id = name if stream == "stream-user-presence" else "id"
                frames.append(_changed(stream, item_id, name, args))
        return frames

    def _room_message(self, sub_id: str, wanted: str, rid: Any, args: list) -> list | None:
        """The args a room-messages subscription gets, re-checking that the user may read."""
        if wanted != rid and wanted != "__my_messages__":
            return None
        user = self.user()
        room = self.rt.store.get("rooms", rid) if isinstance(rid, str) else None
        if user is None and wanted == rid:
            token = self.visitor_tokens.get(sub_id)
            return args if livechat_rooms.visitor_may_read(room, token) else None
        if user is None or room is None or not models.can_access_room(self.rt, room, user):
            if wanted == rid:
                self.subs.pop(sub_id, None)  # left or removed: dropped silently
            return None
        if wanted == rid:
            return args
        participant = models.subscription(self.rt, room["_id"], user["_id"]) is not None
        extra = {"roomParticipant": participant, "roomType": room["t"]}
        if room.get("name"):
            extra["roomName"] = room["name"]
        return [*args[:1], extra]


def _visitor_token(stream: str, options: Any) -> str | None:
    """The ``visitorToken`` (or ``token``) a livechat widget sends in its room-messages
    subscription's ``args``."""
    args = options.get("args") if isinstance(options, dict) else None
    first = args[0] if isinstance(args, list) and args else None
    if stream != "stream-room-messages" or not isinstance(first, dict):
        return None
    token = first.get("visitorToken") or first.get("token")
    return token if isinstance(token, str) else None


def _error(reason: str, offending: Any) -> Doc:
    """Meteor's ``sendError``: ``{"msg": "error", "reason", "offendingMessage"}``."""
    out: Doc = {"msg": "error", "reason": reason}
    if offending is not None:
        out["offendingMessage"] = offending
    return out


def _nosub(sub_id: str, error: Doc) -> Doc:
    return {"msg": "nosub", "id": sub_id, "error": error}


def _changed(stream: str, item_id: str, event_name: Any, args: list) -> Doc:
    return {
        "msg": "changed",
        "collection": stream,
        "id": item_id,
        "fields": {"eventName": event_name, "args": wire.ejson_dates(list(args))},
    }
