"""``saveRoomSettings`` and the other room-wide operations of channels, groups and ``rooms.*``:
add everyone, join codes, mentions of a user in a room."""

from __future__ import annotations

import json
from typing import Any

from ...core.runtime import Runtime
from .. import errors
from . import rooms
from .common import Doc, Refused, has_permission, setting

# The settings ``saveRoomSettings`` knows; any other key refuses the whole call.
ROOM_SETTINGS = (
    "roomAvatar",
    "featured",
    "roomName",
    "roomTopic",
    "roomAnnouncement",
    "roomCustomFields",
    "roomDescription",
    "roomType",
    "readOnly",
    "reactWhenReadOnly",
    "systemMessages",
    "default",
    "joinCode",
    "streamingOptions",
    "retentionEnabled",
    "retentionMaxAge",
    "retentionExcludePinned",
    "retentionFilesOnly",
    "retentionIgnoreThreads",
    "retentionOverrideGlobal",
    "encrypted",
    "favorite",
)
_RETENTION = {
    "retentionEnabled": "enabled",
    "retentionMaxAge": "maxAge",
    "retentionExcludePinned": "excludePinned",
    "retentionFilesOnly": "filesOnly",
    "retentionIgnoreThreads": "ignoreThreads",
    "retentionOverrideGlobal": "overrideGlobal",
}
_METHOD = {"method": "saveRoomSettings"}


def _not_allowed(reason: str, action: str) -> Refused:
    return Refused(errors.ACTION_NOT_ALLOWED, reason, {**_METHOD, "action": action})


def e2e_allowed(rt: Runtime, room: Doc) -> bool:
    """``allowRoomSettingChange(room, E2E)``: groups and DMs, while ``E2E_Enable`` is on."""
    return room["t"] in ("p", "d") and setting(rt, "E2E_Enable") is True


def _validate(rt: Runtime, actor: Doc, room: Doc, key: str, value: Any) -> None:
    """The per-setting validators of ``saveRoomSettings``."""
    rid = room["_id"]
    texts = ("roomName", "roomTopic", "roomAnnouncement", "roomDescription", "joinCode")
    if key in texts and value is not None and not isinstance(value, str):
        # not a text: refused rather than stored (upstream would keep whatever came)
        raise Refused(errors.INVALID_SETTINGS, "Invalid settings provided", _METHOD)
    if key in ("default", "featured") and not has_permission(rt, actor, "view-room-administration"):
        raise _not_allowed(
            "Viewing room administration is not allowed", "Viewing_room_administration"
        )
    if key == "roomName" and isinstance(value, str) and value != room.get("name"):
        rooms.check_room_name(rt, value, rid)
    if key == "roomCustomFields" and not isinstance(value, dict):
        raise Refused(
            errors.INVALID_ROOM_CUSTOM_FIELDS_TYPE,
            "Invalid roomCustomFields type",
            {"function": "RocketChat.saveRoomCustomFields"},
        )
    if key == "roomType" and value != room["t"]:
        # ``saveRoomType``'s own refusals, checked before anything is saved
        if room["t"] == "d":
            raise Refused(
                errors.DIRECT_ROOM,
                "Can't change type of direct rooms",
                {"function": "RocketChat.saveRoomType"},
            )
        if value not in ("c", "p"):
            raise Refused(
                errors.INVALID_ROOM_TYPE,
                f"{value} is not a valid room type",
                {"function": "RocketChat.saveRoomType", "type": value},
            )
        if value == "c" and not has_permission(rt, actor, "create-c"):
            raise _not_allowed(
                "Changing a private group to a public channel is not allowed", "Change_Room_Type"
            )
        if value == "p" and not has_permission(rt, actor, "create-p"):
            raise _not_allowed(
                "Changing a public channel to a private room is not allowed", "Change_Room_Type"
            )
    if key == "encrypted" and value != room.get("encrypted"):
        if not e2e_allowed(rt, room):
            raise _not_allowed(
                "Only groups or direct channels can enable encryption", "Change_Room_Encrypted"
            )
        if room["t"] != "d" and not has_permission(rt, actor, "toggle-room-e2e-encryption", rid):
            raise _not_allowed(
                "You do not have permission to toggle E2E encryption", "Change_Room_Encrypted"
            )
    if key in _RETENTION and key != "retentionOverrideGlobal":
        retention = room.get("retention")
        if retention is None:
            raise _not_allowed("Room does not have retention policy", "Editing_room")
        if value != retention.get(_RETENTION[key]) and not has_permission(
            rt, actor, "edit-room-retention-policy", rid
        ):
            raise _not_allowed("Editing room retention policy is not allowed", "Editing_room")
    if key == "roomAvatar" and not has_permission(rt, actor, "edit-room-avatar", rid):
        raise _not_allowed("Editing a room avatar is not allowed", "Editing_room")


def apply_room_setting(rt: Runtime, actor: Doc, room: Doc, key: str, value: Any) -> None:
    """The per-setting savers of ``saveRoomSettings`` (``room`` as it was before the call),
    without its checks: ``Team.update`` saves a team's name and type through them."""
    if key == "roomName":
        if not isinstance(value, str) or value == room.get("name"):
            return
        rooms.check_room_name(rt, value, room["_id"])
        rooms.update_room(rt, room, {"name": value, "fname": value})
        rooms.system_message(rt, room, "r", actor, value)
        if room.get("teamMain") and room.get("teamId"):
            rt.store.update("teams", room["teamId"], {"name": value})
    elif key == "roomTopic":
        if value or room.get("topic"):
            rooms.save_room_topic(rt, room, actor, value)
    elif key in ("roomAnnouncement", "roomDescription"):
        field = "announcement" if key == "roomAnnouncement" else "description"
        if (not value and not room.get(field)) or value == room.get(field):
            return
        rooms.update_room(rt, room, {field: value})
        rooms.system_message(rt, room, f"room_changed_{field}", actor, str(value or ""))
    elif key == "roomCustomFields":
        rooms.update_room(rt, room, {"customFields": value})
    elif key == "roomType":
        if value == room["t"]:
            return
        rooms.update_room(rt, room, {"t": value})
        label = "public" if value == "c" else "private"
        rooms.system_message(rt, room, "room_changed_privacy", actor, label)
        if room.get("teamMain") and room.get("teamId"):
            rt.store.update("teams", room["teamId"], {"type": 0 if value == "c" else 1})
    elif key == "readOnly":
        if bool(value) == bool(room.get("ro")):
            return
        rooms.update_room(rt, room, {"ro": bool(value)})
        kind = "room-set-read-only" if value else "room-removed-read-only"
        rooms.system_message(rt, room, kind, actor, actor["username"])
    elif key == "reactWhenReadOnly":
        if value == room.get("reactWhenReadOnly"):
            return
        rooms.update_room(rt, room, {"reactWhenReadOnly": bool(value)})
        kind = "room-allowed-reacting" if value else "room-disallowed-reacting"
        rooms.system_message(rt, room, kind, actor, actor["username"])
    elif key == "systemMessages":
        if isinstance(value, list | bool) and json.dumps(value) != json.dumps(room.get("sysMes")):
            rooms.update_room(rt, room, {"sysMes": value})
    elif key == "joinCode":
        set_join_code(rt, room, value or "")
    elif key in ("default", "featured", "streamingOptions"):
        rooms.update_room(rt, room, {key: value})
    elif key in _RETENTION:
        current = (rt.store.get("rooms", room["_id"]) or room).get("retention") or {}
        retention = {**current, _RETENTION[key]: value}
        rooms.update_room(rt, room, {"retention": retention})
    elif key == "encrypted":
        rooms.update_room(rt, room, {"encrypted": bool(value)})
        if bool(room.get("encrypted")) != bool(value):
            kind = "room_e2e_enabled" if value else "room_e2e_disabled"
            rooms.system_message(rt, room, kind, actor, actor["username"])
    elif key == "favorite" and isinstance(value, dict):
        rooms.update_room(
            rt,
            room,
            {"favorite": bool(value.get("favorite")), "defaultValue": value.get("defaultValue")},
        )
    elif key == "roomAvatar":
        rooms.update_room(rt, room, {"avatarETag": rt.ids.meteor_id()} if value else {})


def save_room_settings(rt: Runtime, actor: Doc, room: Doc | None, settings: Doc) -> None:
    """``saveRoomSettings``: known keys, ``edit-room`` (a DM member may only toggle ``encrypted``),
    no read-only switches on broadcast rooms, each setting's validator, then its saver (each with
    its system message and ``rooms-changed``). Raises ``Refused``."""
    if any(key not in ROOM_SETTINGS for key in settings):
        raise Refused(errors.INVALID_SETTINGS, "Invalid settings provided", _METHOD)
    if room is None:
        raise Refused(errors.INVALID_ROOM, "Invalid room", _METHOD)
    if not has_permission(rt, actor, "edit-room", room["_id"]):
        if not ("encrypted" in settings and room["t"] == "d"):
            raise _not_allowed("Editing room is not allowed", "Editing_room")
        settings = {"encrypted": settings["encrypted"]}
    if room.get("broadcast") and (settings.get("readOnly") or settings.get("reactWhenReadOnly")):
        raise _not_allowed(
            "Editing readOnly/reactWhenReadOnly are not allowed for broadcast rooms",
            "Editing_room",
        )
    settings = dict(settings)
    for key, value in list(settings.items()):
        _validate(rt, actor, room, key, value)
        if key == "retentionOverrideGlobal":
            for dropped in _RETENTION:
                if dropped not in ("retentionEnabled", "retentionOverrideGlobal"):
                    settings.pop(dropped, None)
    with rt.store.transaction():
        for key, value in settings.items():
            apply_room_setting(rt, actor, room, key, value)


def set_join_code(rt: Runtime, room: Doc, code: str) -> Doc:
    """``Rooms.setJoinCodeById``: an empty code removes the requirement."""
    return rooms.update_room(rt, room, {"joinCode": code, "joinCodeRequired": bool(code)})


def add_all_users(rt: Runtime, actor: Doc, room_id: str, active_only: bool) -> None:
    """``addAllUserToRoom``: ``add-all-to-room``, at most ``API_User_Limit`` users, an existing
    room (else ``Refused``, in that order); every user not yet in it joins."""
    details = {"method": "addAllToRoom"}
    if not has_permission(rt, actor, "add-all-to-room"):
        raise Refused(errors.FORBIDDEN_CODE, "Access to Method Forbidden", details)
    users = [u for u in rt.store.all("users") if u.get("active") or not active_only]
    if len(users) > (setting(rt, "API_User_Limit") or 0):
        raise Refused(errors.USER_LIMIT_EXCEEDED, "User Limit Exceeded", details)
    room = rt.store.get("rooms", room_id)
    if room is None:
        raise Refused(errors.INVALID_ROOM, "Invalid room", details)
    with rt.store.transaction():
        for user in users:
            if user.get("username"):
                rooms.add_member(rt, room, user)


def user_mentions(rt: Runtime, user: Doc, room_id: str) -> list[Doc]:
    """``getUserMentionsByChannel``: the messages of a room the user may read that mention them,
    oldest first. Raises ``Refused``."""
    room = rt.store.get("rooms", room_id)
    if room is None or not rooms.can_access_room(rt, room, user):
        raise Refused(errors.INVALID_ROOM, "Invalid room", {"method": "getUserMentionsByChannel"})
    return [
        m
        for m in rt.store.find("messages", "rid", room_id)
        if not m.get("_hidden")
        and any(x.get("username") == user["username"] for x in m.get("mentions", []))
    ]
