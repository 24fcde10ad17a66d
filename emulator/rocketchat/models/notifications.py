"""What reaches one user's ``stream-notify-user``: desktop notifications
(``sendNotificationsOnMessage``, ``notifyDesktopUser``: ``<uid>/notification`` when someone else
writes) and ephemeral messages (``notify.ephemeralMessage``: ``<uid>/message``)."""

from __future__ import annotations

from ...core.runtime import Runtime
from . import rooms
from .common import Doc, setting


def ephemeral(rt: Runtime, user_id: str, rid: str, fields: Doc) -> None:
    """``notify.ephemeralMessage`` as the listeners module sends it to the user's sockets."""
    now = rt.clock.now_ms()
    message = {"groupable": False, **fields, "_id": str(now), "rid": rid, "ts": now}
    rooms.notify_user(rt, user_id, "message", message)


def notify_desktop(rt: Runtime, room: Doc, message: Doc, sender: Doc) -> None:
    """Each other member whom ``shouldNotifyDesktop`` lets through gets ``notification``."""
    if not rt.events.active:
        return
    limit = setting(rt, "Notifications_Max_Room_Members") or 0
    crowded = bool(limit) and (room.get("usersCount") or 0) > limit
    mentioned = {m.get("_id") for m in message.get("mentions") or []}
    group = bool(mentioned & {"all", "here"}) and not crowded
    parent = rt.store.get("messages", message["tmid"]) if message.get("tmid") else None
    for sub in rt.store.find("subscriptions", "rid", room["_id"]):
        uid = sub["u"]["_id"]
        if uid == sender["_id"] or sub.get("disableNotifications"):
            continue
        if sender["_id"] in (sub.get("ignored") or []):
            continue
        receiver = rt.store.get("users", uid)
        if receiver is None or not receiver.get("active"):
            continue
        follows = parent is not None and uid in (parent.get("replies") or [])
        if _should_notify(rt, room, sub, receiver, uid in mentioned, group, parent, follows):
            rooms.notify_user(rt, uid, "notification", _payload(rt, room, sub, message, sender))


def _should_notify(
    rt: Runtime,
    room: Doc,
    sub: Doc,
    receiver: Doc,
    personal: bool,
    group: bool,
    parent: Doc | None,
    follows: bool,
) -> bool:
    """``shouldNotifyDesktop`` for an online receiver: busy or offline people get nothing."""
    if receiver.get("statusConnection", "offline") == "offline" or receiver.get("status") == "busy":
        return False
    preference = sub.get("desktopNotifications")
    if preference == "nothing":
        return False
    in_thread = parent is None or follows
    if not preference:
        default = setting(rt, "Accounts_Default_User_Preferences_desktopNotifications")
        if default == "all" and in_thread:
            return True
        if default == "nothing":
            return False
    wanted = room["t"] == "d" or group or preference == "all" or personal
    return wanted and (in_thread or personal)


def _payload(rt: Runtime, room: Doc, sub: Doc, message: Doc, sender: Doc) -> Doc:
    """``notifyDesktopUser`` with the room type's ``getNotificationDetails``."""
    shown = (setting(rt, "UI_Use_Real_Name") and sender.get("name")) or sender["username"]
    room_name = sub.get("fname") or sub.get("name") or room.get("name") or ""
    if room["t"] == "d" and len(room.get("uids") or []) <= 2:
        title, text = shown, message.get("msg", "")
    elif room["t"] == "d":
        title, text = room_name, f"{shown}: {message.get('msg', '')}"
    else:
        title, text = f"#{room_name}", f"{shown}: {message.get('msg', '')}"
    body: Doc = {"msg": message.get("msg", "")}
    if message.get("t"):
        body["t"] = message["t"]
    details: Doc = {
        "_id": message["_id"],
        "rid": message["rid"],
        "sender": {
            "_id": sender["_id"],
            "username": sender["username"],
            "name": sender.get("name"),
        },
        "type": room["t"],
        "message": body,
        "name": room.get("name") or room_name,
    }
    if message.get("tmid"):
        details["tmid"] = message["tmid"]
    return {"title": title, "text": text, "payload": details}
