"""DDP methods on messages: ``sendMessage``, ``loadHistory``, ``setReaction``, ``readMessages``.

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
    try:
        return models.execute_send_message(
            rt, user, room, text, tmid=message.get("tmid"), message_id=message_id
        )
    except models.SendRefused as refused:
        if refused.code != errors.NOT_ALLOWED:
            return UNDEFINED  # the method swallows every other refusal
        reason = refused.reason or "Not allowed"
        raise DdpError(errors.NOT_ALLOWED, reason, {"method": "sendMessage"}) from None


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
