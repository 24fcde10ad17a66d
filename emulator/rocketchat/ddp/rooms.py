"""DDP methods on rooms and subscriptions: ``rooms/get``, ``subscriptions/get``, ``joinRoom``,
``createDirectMessage``, ``getRoomRoles``, ``getRoomIdByNameOrId``, ``getRoomNameById``, and
typing written to ``stream-notify-room``. Each calls ``models.rooms``."""

from __future__ import annotations

from typing import Any

from ...core import realtime
from .. import errors, models
from ..errors import DdpError
from .protocol import DdpSession, Doc, date_param, string_param
from .registry import UNDEFINED, ddp_method


@ddp_method("getRoomRoles")
def get_room_roles(session: DdpSession, conn: realtime.Connection, params: list) -> Any:
    rid = string_param(params)
    details = {"method": "getRoomRoles"}
    user = session.user()
    if user is None and not models.setting(session.rt, "Accounts_AllowAnonymousRead"):
        raise DdpError(errors.INVALID_USER, "Invalid user", details)
    room = session.rt.store.get("rooms", rid)
    if room is None:
        raise DdpError(errors.INVALID_ROOM, "Invalid room", details)
    if user is not None and not models.can_access_room(session.rt, room, user):
        raise DdpError(errors.INVALID_USER, "Invalid user", details)
    return models.room_roles(session.rt, rid)


@ddp_method("subscriptions/get")
def get_subscriptions(session: DdpSession, conn: realtime.Connection, params: list) -> Any:
    user = session.user()
    if user is None:
        return []
    subs = session.rt.store.find("subscriptions", "user", user["_id"])
    return _since(subs, params)


@ddp_method("rooms/get")
def get_rooms(session: DdpSession, conn: realtime.Connection, params: list) -> Any:
    user = session.user()
    if user is None:
        return []
    rooms = [
        room
        for sub in session.rt.store.find("subscriptions", "user", user["_id"])
        if (room := session.rt.store.get("rooms", sub["rid"])) is not None
    ]
    return _since(rooms, params)


def _since(docs: list[Doc], params: list) -> Any:
    """All of ``docs``, or ``{update, remove}`` for those changed since an EJSON date."""
    since = date_param(params[0]) if params else None
    if since is None:
        return docs
    return {"update": [d for d in docs if d.get("_updatedAt", 0) > since], "remove": []}


@ddp_method("stream-notify-room")
def notify_room(session: DdpSession, conn: realtime.Connection, params: list) -> Any:
    """``stream-notify-room`` written by a client: typing (``<rid>/user-activity``)."""
    user = session.user()
    event_name = params[0] if params else None
    if user is None or not isinstance(event_name, str) or "/" not in event_name:
        return UNDEFINED
    rid, _, event = event_name.partition("/")
    room = session.rt.store.get("rooms", rid)
    if (
        event != "user-activity"
        or room is None
        or len(params) < 3
        or not isinstance(params[1], str)
        or not isinstance(params[2], list)
    ):
        return UNDEFINED  # the streamer refuses the write silently
    models.user_activity(
        session.rt, room, user, params[1], params[2], list(params[3:]), origin=conn.id
    )
    return UNDEFINED


@ddp_method("getRoomIdByNameOrId")
def room_id_by_name_or_id(session: DdpSession, conn: realtime.Connection, params: list) -> Any:
    key = string_param(params)
    rt = session.rt
    room = rt.store.get("rooms", key) or rt.store.find_one("rooms", "name", key)
    if room is None:
        return None
    user = session.user()
    if user is None or not models.can_access_room(rt, room, user):
        raise errors.ddp_not_allowed("getRoomIdByNameOrId")
    return room["_id"]


@ddp_method("getRoomNameById")
def room_name_by_id(session: DdpSession, conn: realtime.Connection, params: list) -> Any:
    rid = string_param(params)
    user = session.user()
    room = session.rt.store.get("rooms", rid)
    if user is None or room is None or not models.can_access_room(session.rt, room, user):
        raise errors.ddp_not_allowed("getRoomNameById")
    return room.get("name")


@ddp_method("joinRoom")
def join_room(session: DdpSession, conn: realtime.Connection, params: list) -> Any:
    user = session.require_user("joinRoom")
    rid = string_param(params)
    room = session.rt.store.get("rooms", rid)
    if room is None:
        raise DdpError(errors.INVALID_ROOM, "Invalid room", {"method": "joinRoom"})
    try:
        code = params[1] if len(params) > 1 and isinstance(params[1], str) else None
        models.join_room(session.rt, room, user, code)
    except models.Refused as refused:
        raise DdpError(refused.code, refused.reason, refused.details) from None
    return True


@ddp_method("createDirectMessage")
def create_direct_message(session: DdpSession, conn: realtime.Connection, params: list) -> Any:
    user = session.require_user("createDirectMessage")
    if not all(isinstance(p, str) for p in params):
        raise errors.ddp_match_failed()
    if not models.has_permission(session.rt, user, "create-d"):
        raise errors.ddp_not_allowed("createDirectMessage")
    members = {user["_id"]: user}
    for username in params:
        other = models.find_user(session.rt, username)
        if other is None:
            raise errors.ddp_invalid_user("createDirectMessage")
        members.setdefault(other["_id"], other)
    room = models.direct_room(session.rt, list(members.values()))
    return {"t": "d", "rid": room["_id"], "usernames": room.get("usernames", [])}
