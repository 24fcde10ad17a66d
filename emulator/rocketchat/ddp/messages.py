"""DDP methods on messages: ``sendMessage``, ``updateMessage``, ``loadHistory``, ``setReaction``,
``readMessages``.

Each translates DDP params to a domain call (``models.messages``) and its refusals to Meteor
errors.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ...core import realtime
from .. import errors, models
from ..errors import DdpError
from .protocol import DdpSession, date_param, string_param
from .registry import UNDEFINED, ddp_method

HISTORY_DEFAULT_LIMIT = 20
HISTORY_MAX_LIMIT = 1000
SENT_AS_IS = ("bot", "customFields")
# ``executeUpdateMessage``: any other key must equal the stored message's (JS ``!==``).
EDITABLE_KEYS = frozenset({"tshow", "alias", "attachments", "avatar", "emoji", "msg"})


@ddp_method("sendMessage")
def send_message(session: DdpSession, conn: realtime.Connection, params: list) -> Any:
    user = session.require_user("sendMessage")
    message = params[0] if params else None
    if (
        not isinstance(message, dict)
        or not isinstance(message.get("rid"), str)
        or not isinstance(message.get("msg", ""), str)
        or not isinstance(message.get("tmid", ""), str)
        or not isinstance(message.get("_id", ""), str)
    ):
        raise errors.ddp_match_failed()
    rt = session.rt
    room = rt.store.get("rooms", message["rid"])
    if room is None:
        return UNDEFINED  # 8.x swallows everything but error-not-allowed
    if models.subscription(rt, room["_id"], user["_id"]) is None:
        raise errors.ddp_not_allowed("sendMessage")
    text = message.get("msg", "")
    message_id = message.get("_id") or None
    # The checked object is stored as sent: ``bot`` is how bots' messages say where they came from.
    extra = {k: message[k] for k in SENT_AS_IS if isinstance(message.get(k), dict)}
    try:
        return models.execute_send_message(
            rt, user, room, text, tmid=message.get("tmid"), message_id=message_id, extra=extra
        )
    except models.SendRefused as refused:
        # executeSendMessage tells the sender why, on their own stream, before rethrowing.
        text = models.translate(refused.code)
        models.ephemeral(rt, user["_id"], room["_id"], {"msg": text})
        if refused.code != errors.NOT_ALLOWED:
            return UNDEFINED  # the method swallows every other refusal
        reason = refused.reason or "Not allowed"
        raise DdpError(errors.NOT_ALLOWED, reason, {"method": "sendMessage"}) from None


@ddp_method("updateMessage")
def update_message(session: DdpSession, conn: realtime.Connection, params: list) -> Any:
    edited = params[0] if params else None
    previews = params[1] if len(params) > 1 else None
    if not isinstance(edited, dict) or not isinstance(edited.get("_id"), str):
        raise errors.ddp_match_failed()
    if previews is not None and not (
        isinstance(previews, list) and all(isinstance(u, str) for u in previews)
    ):
        raise errors.ddp_match_failed()
    user = session.require_user("updateMessage")
    rt = session.rt
    original = rt.store.get("messages", edited["_id"])
    if original is None:
        return UNDEFINED
    for key, value in edited.items():
        if key not in EDITABLE_KEYS and not _same_js_value(value, original.get(key, _MISSING)):
            raise DdpError(
                errors.INVALID_UPDATE_KEY,
                f"Cannot update the message {key}",
                {"method": "updateMessage"},
            )
    text = edited.get("msg")
    if text == original.get("msg") and previews is None:
        return UNDEFINED
    if not isinstance(text, str):
        raise errors.ddp_match_failed()
    try:
        models.edit_message(rt, original, text, user)
    except models.SendRefused:
        # canSendMessageAsync throws plain ``Error``s, which Meteor hides from the client.
        raise DdpError(500, "Internal server error") from None
    except models.Refused as refused:
        raise DdpError(refused.code, refused.reason, refused.details) from None
    return UNDEFINED


_MISSING = object()


def _same_js_value(value: Any, stored: Any) -> bool:
    """``value === stored`` for what came over the wire: objects and arrays are never
    identical, and ``1`` is not ``true``."""
    if isinstance(value, dict | list) or stored is _MISSING:
        return False
    return type(value) is type(stored) and value == stored


@ddp_method("loadHistory")
def load_history(session: DdpSession, conn: realtime.Connection, params: list) -> Any:
    rid = string_param(params)
    rt = session.rt
    user = session.user()
    if user is None:
        if not models.setting(rt, "Accounts_AllowAnonymousRead"):
            raise errors.ddp_invalid_user("loadHistory")
        return False
    end = date_param(params[1]) if len(params) > 1 else None
    limit = params[2] if len(params) > 2 and isinstance(params[2], int) else None
    limit = HISTORY_DEFAULT_LIMIT if limit is None or limit <= 0 else limit
    limit = min(limit, HISTORY_MAX_LIMIT)
    last_seen = _last_seen(params[3]) if len(params) > 3 else None
    threads = params[4] is not False if len(params) > 4 else True
    room = rt.store.get("rooms", rid)
    if room is None or not models.can_access_room(rt, room, user):
        return False
    if (
        room["t"] == "c"
        and not models.setting(rt, "Accounts_AllowAnonymousRead")
        and not models.has_permission(rt, user, "preview-c-room")
        and models.subscription(rt, rid, user["_id"]) is None
    ):
        return False
    return models.load_history(rt, rid, end, limit, last_seen, threads)


def _last_seen(value: Any) -> int | None:
    """``ls``: the subscription's EJSON date, or the ISO string the web client passes."""
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
        return int(parsed.replace(tzinfo=parsed.tzinfo or UTC).timestamp() * 1000)
    return date_param(value)


@ddp_method("setReaction")
def set_reaction(session: DdpSession, conn: realtime.Connection, params: list) -> Any:
    user = session.require_user("setReaction")
    emoji = params[0] if params else None
    message_id = params[1] if len(params) > 1 else None
    should_react = params[2] if len(params) > 2 else None
    if not isinstance(emoji, str) or not isinstance(message_id, str):
        raise errors.ddp_match_failed()
    message = session.rt.store.get("messages", message_id)
    if message is None:
        raise errors.ddp_not_allowed("setReaction")
    try:
        models.set_reaction(
            session.rt, message, user, emoji, None if should_react is None else bool(should_react)
        )
    except models.Refused:
        raise errors.ddp_not_allowed("setReaction") from None
    return UNDEFINED


@ddp_method("readMessages")
def read_messages(session: DdpSession, conn: realtime.Connection, params: list) -> Any:
    rid = string_param(params)
    user = session.require_user("readMessages")
    details = {"method": "readMessages"}
    room = session.rt.store.get("rooms", rid)
    if room is None:
        raise DdpError(errors.ROOM_DOES_NOT_EXIST, "This room does not exist", details)
    if not models.can_access_room(session.rt, room, user):
        raise DdpError(errors.NOT_ALLOWED, "Not allowed", details)
    sub = models.subscription(session.rt, rid, user["_id"])
    if sub is None:
        # readMessages throws a plain Error('error-invalid-subscription'): Meteor hides it.
        raise DdpError(500, "Internal server error")
    models.read_room(session.rt, sub)
    return UNDEFINED
