"""DDP methods on room settings, notification preferences, reports and blocking:
``saveRoomSettings``, ``saveNotificationSettings``, ``reportMessage``, ``blockUser``,
``unblockUser``. Each calls the domain operation its REST twin calls."""

from __future__ import annotations

from typing import Any

from ...core import realtime
from .. import errors, models
from ..errors import DdpError
from .protocol import DdpSession, refused, string_param
from .registry import ddp_method


@ddp_method("saveRoomSettings")
def save_room_settings(session: DdpSession, conn: realtime.Connection, params: list) -> Any:
    """``saveRoomSettings(rid, settings)`` or ``saveRoomSettings(rid, name, value)``."""
    user = session.require_user("saveRoomSettings")
    rid = params[0] if params else None
    if not isinstance(rid, str):
        raise DdpError(errors.INVALID_ROOM, "Invalid room", {"method": "saveRoomSettings"})
    settings = params[1] if len(params) > 1 else None
    if isinstance(settings, str):
        settings = {settings: params[2] if len(params) > 2 else None}
    if not isinstance(settings, dict):
        settings = {}
    try:
        models.save_room_settings(session.rt, user, session.rt.store.get("rooms", rid), settings)
    except models.Refused as refusal:
        raise refused(refusal) from None
    return {"result": True, "rid": rid}


@ddp_method("saveNotificationSettings")
def save_notification_settings(session: DdpSession, conn: realtime.Connection, params: list) -> Any:
    user = session.require_user("saveNotificationSettings")
    rid = string_param(params)
    field = params[1] if len(params) > 1 else None
    if not isinstance(field, str):
        raise errors.ddp_match_failed()
    try:
        value = params[2] if len(params) > 2 else None
        models.save_notification_setting(session.rt, user, rid, field, value)
    except models.Refused as refusal:
        raise refused(refusal) from None
    return True


@ddp_method("reportMessage")
def report_message(session: DdpSession, conn: realtime.Connection, params: list) -> Any:
    user = session.require_user("reportMessage")
    message_id = string_param(params)
    description = params[1] if len(params) > 1 else None
    if not isinstance(description, str):
        raise errors.ddp_match_failed()
    try:
        models.report_message(session.rt, user, message_id, description)
    except models.Refused as refusal:
        raise refused(refusal) from None
    return True


@ddp_method("blockUser")
def block_user(session: DdpSession, conn: realtime.Connection, params: list) -> Any:
    """``blockUser({rid, blocked})``."""
    return _set_blocked(session, params, "blockUser", True)


@ddp_method("unblockUser")
def unblock_user(session: DdpSession, conn: realtime.Connection, params: list) -> Any:
    """``unblockUser({rid, blocked})``."""
    return _set_blocked(session, params, "unblockUser", False)


def _set_blocked(session: DdpSession, params: list, method: str, block: bool) -> bool:
    """Both users must be in the DM (else ``error-invalid-room``)."""
    user = session.require_user(method)
    args = params[0] if params and isinstance(params[0], dict) else {}
    rid, blocked = args.get("rid"), args.get("blocked")
    if not isinstance(rid, str) or not isinstance(blocked, str):
        raise errors.ddp_match_failed()
    room = session.rt.store.get("rooms", rid)
    invalid = DdpError(errors.INVALID_ROOM, "Invalid room", {"method": method})
    if room is None or blocked not in room.get("uids", []) or blocked == user["_id"]:
        raise invalid
    try:
        models.set_blocked(session.rt, room, user, block)
    except models.Refused:
        raise invalid from None
    return True
