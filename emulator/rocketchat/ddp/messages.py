"""DDP methods on messages: ``sendMessage``, ``updateMessage``, ``loadHistory``, ``setReaction``,
``readMessages``.

Each translates DDP params to a domain call (``models.messages``) and its refusals to Meteor
errors.
"""

from __future__ import annotations

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
    user = session.require_user("loadHistory")
    rid = string_param(params)
    end = date_param(params[1]) if len(params) > 1 else None
    limit = params[2] if len(params) > 2 and isinstance(params[2], int) else None
    limit = HISTORY_DEFAULT_LIMIT if limit is None or limit <= 0 else limit
    limit = min(limit, HISTORY_MAX_LIMIT)
    rt = session.rt
    room = rt.store.get("rooms", rid)
    if room is None or not models.can_access_room(rt, room, user):
        return False
    messages = models.recent_messages(rt, rid, end, limit)
    return {"messages": messages, "unreadNotLoaded": 0}


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
    user = session.require_user("readMessages")
    rid = string_param(params)
    sub = models.subscription(session.rt, rid, user["_id"])
    if sub is None:
        raise DdpError(
            errors.INVALID_SUBSCRIPTION, "Invalid subscription", {"method": "readMessages"}
        )
    models.read_room(session.rt, sub)
    return UNDEFINED
