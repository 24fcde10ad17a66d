"""Rooms and subscriptions: channels, private groups, DMs; access, membership, roles, lifecycle."""

from __future__ import annotations

import re
from typing import Any

from ...core.runtime import Runtime
from .. import errors
from .common import (
    Doc,
    IntegrationEvent,
    Refused,
    _now,
    has_permission,
    run_integrations,
    setting,
)
from .message_store import send_message

# -- rooms and subscriptions ------------------------------------------------------------------


def create_room(
    rt: Runtime,
    *,
    room_type: str,
    name: str | None,
    owner: Doc | None,
    members: list[Doc],
    room_id: str | None = None,
    topic: str = "",
    description: str = "",
    read_only: bool = False,
    default: bool = False,
    at: int | None = None,
) -> Doc:
    now = _now(rt, at)
    room: Doc = {
        "_id": room_id or rt.ids.meteor_id(),
        "t": room_type,
        "msgs": 0,
        "usersCount": 0,
        "ts": now,
        "ro": read_only,
        "sysMes": True,
        "_updatedAt": now,
    }
    if room_type == "d":
        room["uids"] = [m["_id"] for m in members]
        room["usernames"] = [m["username"] for m in members]
    else:
        room["name"] = name
        room["fname"] = name
        room["u"] = {"_id": owner["_id"], "username": owner["username"]} if owner else None
        room["default"] = default
        if topic:
            room["topic"] = topic
        if description:
            room["description"] = description
    with rt.store.transaction():
        rt.store.insert("rooms", room)
        for member in members:
            is_owner = owner is not None and member["_id"] == owner["_id"] and room_type != "d"
            subscribe(rt, room, member, roles=["owner"] if is_owner else [], at=now)
    return rt.store.get("rooms", room["_id"])


def subscription(rt: Runtime, room_id: str, user_id: str) -> Doc | None:
    return rt.store.find_one("subscriptions", "room_user", (room_id, user_id))


def subscribe(
    rt: Runtime, room: Doc, user: Doc, roles: list[str] | None = None, at: int | None = None
) -> Doc:
    existing = subscription(rt, room["_id"], user["_id"])
    if existing is not None:
        return existing
    now = _now(rt, at)
    if room["t"] == "d":
        others = [n for n in room["usernames"] if n != user["username"]] or [user["username"]]
        name = ", ".join(others)
    elif room["t"] == "l":
        name = room["fname"]  # a livechat room is named after its visitor
    else:
        name = room["name"]
    sub = {
        "_id": rt.ids.meteor_id(),
        "rid": room["_id"],
        "u": {"_id": user["_id"], "username": user["username"], "name": user.get("name")},
        "t": room["t"],
        "name": name,
        "fname": name,
        "open": True,
        "alert": False,
        "unread": 0,
        "userMentions": 0,
        "groupMentions": 0,
        "ts": now,
        "ls": now,
        "roles": roles or [],
        "_updatedAt": now,
    }
    with rt.store.transaction():
        rt.store.insert("subscriptions", sub)
        fresh = rt.store.get("rooms", room["_id"])
        rt.store.update("rooms", room["_id"], {"usersCount": fresh["usersCount"] + 1})
    return sub


def direct_room(rt: Runtime, users: list[Doc], at: int | None = None) -> Doc:
    key = ",".join(sorted(u["_id"] for u in users))
    existing = rt.store.find_one("rooms", "direct", key)
    if existing is not None:
        return existing
    return create_room(rt, room_type="d", name=None, owner=None, members=users, at=at)


# -- room access, membership, roles and settings (channels, groups, DMs, teams) ---------------

MENTION_RE = re.compile(r"(?:^|[\s(])@([\w.-]+)")


def room_by_id_or_name(rt: Runtime, room_id: Any, room_name: Any) -> Doc | None:
    if isinstance(room_id, str) and room_id:
        return rt.store.get("rooms", room_id)
    if isinstance(room_name, str) and room_name:
        return rt.store.find_one("rooms", "name", room_name.lstrip("#"))
    return None


def can_access_room(rt: Runtime, room: Doc, user: Doc) -> bool:
    """``canAccessRoom``: public rooms for ``view-c-room`` holders, other rooms for members."""
    if subscription(rt, room["_id"], user["_id"]) is not None:
        return True
    if room["t"] == "c":
        return has_permission(rt, user, "view-c-room")
    return False


def room_owners(rt: Runtime, room_id: str) -> list[Doc]:
    return [s for s in rt.store.find("subscriptions", "rid", room_id) if "owner" in s["roles"]]


def room_roles(rt: Runtime, room_id: str) -> list[Doc]:
    """``getRoomRoles``: the members holding a described ``Subscriptions``-scope role (owner,
    moderator, leader, custom ones), by username; with ``UI_Use_Real_Name`` each ``u`` carries
    the user's current name."""
    scoped = {
        r["_id"]
        for r in rt.store.all("roles")
        if r.get("scope") == "Subscriptions" and r.get("description")
    }
    real_names = setting(rt, "UI_Use_Real_Name") is True
    found = []
    for sub in rt.store.find("subscriptions", "rid", room_id):
        if not scoped.intersection(sub.get("roles") or []):
            continue
        u = dict(sub["u"])
        if real_names:
            user = rt.store.get("users", u["_id"])
            u["name"] = user.get("name") if user else None
        found.append({"_id": sub["_id"], "rid": sub["rid"], "u": u, "roles": sub["roles"]})
    return sorted(found, key=lambda s: s["u"].get("username") or "")


def notify_user(rt: Runtime, user_id: str, event: str, *args: Any) -> None:
    if rt.events.active:
        rt.events.publish(
            "stream-notify-user", {"eventName": f"{user_id}/{event}", "args": list(args)}
        )


def notify_room(rt: Runtime, room_id: str, event: str, *args: Any) -> None:
    if rt.events.active:
        rt.events.publish(
            "stream-notify-room", {"eventName": f"{room_id}/{event}", "args": list(args)}
        )


def user_activity(
    rt: Runtime,
    room: Doc,
    user: Doc,
    username: str,
    activities: list,
    extra: list,
    origin: str | None = None,
) -> bool:
    """``<rid>/user-activity`` (typing, recording...) written to ``stream-notify-room``: only
    as oneself, in a room one may read; refused silently (False), as the streamer does. The
    ``origin`` connection does not get its own event back."""
    if username != user["username"] or not can_access_room(rt, room, user):
        return False
    if rt.events.active:
        rt.events.publish(
            "stream-notify-room",
            {
                "eventName": f"{room['_id']}/user-activity",
                "args": [username, activities, *extra],
                "origin": origin,
            },
        )
    return True


def _notify_members(rt: Runtime, room: Doc, action: str) -> None:
    if rt.events.active:
        for sub in rt.store.find("subscriptions", "rid", room["_id"]):
            notify_user(rt, sub["u"]["_id"], "rooms-changed", action, room)


def system_message(
    rt: Runtime, room: Doc, kind: str, user: Doc, msg: str = "", extra: Doc | None = None
) -> Doc | None:
    """``Message.saveSystemMessage``: a ``t``-typed message, unless the room hides them."""
    fresh = rt.store.get("rooms", room["_id"])
    if fresh is None or fresh.get("sysMes") is False:
        return None
    fields = {"t": kind, "groupable": False, **(extra or {})}
    return send_message(rt, room=fresh, user=user, text=msg, extra=fields)


def add_member(
    rt: Runtime, room: Doc, user: Doc, actor: Doc | None = None, roles: list[str] | None = None
) -> Doc:
    """Subscribe ``user``; ``uj`` when joining alone, ``au`` when ``actor`` added them."""
    with rt.store.transaction():  # holds the store lock: check and insert are one step
        existing = subscription(rt, room["_id"], user["_id"])
        if existing is not None:
            return existing
        sub = subscribe(rt, room, user, roles=roles)
        if room["t"] != "d":
            if actor is None or actor["_id"] == user["_id"]:
                system_message(rt, room, "uj", user, user["username"])
            else:
                system_message(rt, room, "au", actor, user["username"])
    notify_user(rt, user["_id"], "subscriptions-changed", "inserted", sub)
    fresh = rt.store.get("rooms", room["_id"])
    notify_user(rt, user["_id"], "rooms-changed", "inserted", fresh)
    if room["t"] != "d":  # ``afterJoinRoom``, joined or added
        run_integrations(rt, IntegrationEvent("roomJoined", room=fresh, user=user))
    return sub


def join_room(rt: Runtime, room: Doc, user: Doc, join_code: Any = None) -> Doc:
    """``Room.join``: ``user`` joins a room they may read, with its join code unless they hold
    ``join-without-join-code`` (else ``Refused``); returns the subscription."""
    details = {"method": "joinRoom"}
    if not can_access_room(rt, room, user):
        raise Refused(errors.NOT_ALLOWED, "Not allowed", details)
    if room.get("joinCodeRequired") is True and not has_permission(
        rt, user, "join-without-join-code"
    ):
        if not join_code:
            raise Refused(errors.CODE_REQUIRED, "Code required", details)
        if join_code != room.get("joinCode"):
            raise Refused(errors.CODE_INVALID, "Invalid code", details)
    return add_member(rt, room, user)


def leave_room(rt: Runtime, room: Doc, user: Doc) -> None:
    """``leaveRoomMethod``: not a DM, ``leave-<t>``, a member, not the last owner (else
    ``Refused``, in that order)."""
    details = {"method": "leaveRoom"}
    if room["t"] == "d" or not has_permission(rt, user, f"leave-{room['t']}"):
        raise Refused(errors.NOT_ALLOWED, "Not allowed", details)
    sub = subscription(rt, room["_id"], user["_id"])
    if sub is None:
        raise Refused(errors.USER_NOT_IN_ROOM, "You are not in this room", details)
    if "owner" in sub["roles"] and len(room_owners(rt, room["_id"])) == 1:
        raise Refused(errors.YOU_ARE_LAST_OWNER, errors.LAST_OWNER_LEAVING, details)
    remove_member(rt, room, user)


def _trash(rt: Runtime, collection: str, doc: Doc) -> None:
    rt.store.upsert("trash", {**doc, "__collection__": collection, "_deletedAt": rt.clock.now_ms()})


def remove_member(rt: Runtime, room: Doc, user: Doc, actor: Doc | None = None) -> None:
    """Unsubscribe ``user``; ``ul`` when leaving, ``ru`` when ``actor`` removed them."""
    sub = subscription(rt, room["_id"], user["_id"])
    if sub is None:
        return
    with rt.store.transaction():
        if room["t"] != "d":
            if actor is None or actor["_id"] == user["_id"]:
                system_message(rt, room, "ul", user, user["username"])
            else:
                system_message(rt, room, "ru", actor, user["username"])
        rt.store.delete("subscriptions", sub["_id"])
        _trash(rt, "subscriptions", sub)
        fresh = rt.store.get("rooms", room["_id"])
        rt.store.update("rooms", room["_id"], {"usersCount": max(fresh["usersCount"] - 1, 0)})
    notify_user(
        rt,
        user["_id"],
        "subscriptions-changed",
        "removed",
        {"_id": sub["_id"], "u": sub["u"], "rid": sub["rid"], "t": sub["t"]},
    )
    notify_user(rt, user["_id"], "rooms-changed", "removed", {"_id": room["_id"]})
    if room["t"] != "d":  # ``afterLeaveRoom``, left or removed
        run_integrations(rt, IntegrationEvent("roomLeft", room=room, user=user))


def update_subscription(rt: Runtime, sub: Doc, changes: Doc) -> Doc:
    fresh = rt.store.update(
        "subscriptions", sub["_id"], {**changes, "_updatedAt": rt.clock.now_ms()}
    )
    notify_user(rt, sub["u"]["_id"], "subscriptions-changed", "updated", fresh)
    return fresh


def set_room_role(rt: Runtime, room: Doc, sub: Doc, role: str, add: bool, actor: Doc) -> Doc:
    """Give or take a room role (``owner``, ``moderator``, ``leader``) with its system message."""
    roles = [r for r in sub["roles"] if r != role] + ([role] if add else [])
    with rt.store.transaction():
        fresh = update_subscription(rt, sub, {"roles": roles})
        kind = "subscription-role-added" if add else "subscription-role-removed"
        system_message(rt, room, kind, actor, sub["u"]["username"], {"role": role})
    return fresh


def update_room(rt: Runtime, room: Doc, changes: Doc) -> Doc:
    """Change room fields; a new name or archive state is copied onto every subscription."""
    now = rt.clock.now_ms()
    with rt.store.transaction():
        fresh = rt.store.update("rooms", room["_id"], {**changes, "_updatedAt": now})
        sub_changes: Doc = {}
        if "name" in changes and room["t"] != "d":
            sub_changes.update(name=changes["name"], fname=changes.get("fname", changes["name"]))
        if "archived" in changes:
            sub_changes["archived"] = changes["archived"]
        if "t" in changes:
            sub_changes["t"] = changes["t"]
        if sub_changes:
            for sub in rt.store.find("subscriptions", "rid", room["_id"]):
                rt.store.update("subscriptions", sub["_id"], {**sub_changes, "_updatedAt": now})
    _notify_members(rt, fresh, "updated")
    return fresh


def delete_room(rt: Runtime, room: Doc) -> None:
    """``eraseRoom``: the room, its messages, files and subscriptions."""
    subs = rt.store.find("subscriptions", "rid", room["_id"])
    with rt.store.transaction():
        for message in rt.store.find("messages", "rid", room["_id"]):
            rt.store.delete("messages", message["_id"])
        for upload_doc in rt.store.find("uploads", "rid", room["_id"]):
            rt.store.delete("uploads", upload_doc["_id"])
            rt.store.delete("upload_blobs", upload_doc["_id"])
        for sub in subs:
            rt.store.delete("subscriptions", sub["_id"])
            _trash(rt, "subscriptions", sub)
        rt.store.delete("rooms", room["_id"])
        _trash(rt, "rooms", room)
    for sub in subs:
        notify_user(
            rt,
            sub["u"]["_id"],
            "subscriptions-changed",
            "removed",
            {"_id": sub["_id"], "u": sub["u"], "rid": sub["rid"], "t": sub["t"]},
        )
        notify_user(rt, sub["u"]["_id"], "rooms-changed", "removed", {"_id": room["_id"]})


ROOM_NAME_RE = re.compile(r"^[0-9a-zA-Z\-_.]+$")  # UTF8_Channel_Names_Validation


def check_room_name(rt: Runtime, name: str, room_id: str | None = None) -> None:
    """``getValidRoomName``: the allowed characters, and unique among channels and groups
    (``room_id`` may keep its own). Raises ``Refused``."""
    details = {"function": "RocketChat.getValidRoomName", "channel_name": name}
    if not ROOM_NAME_RE.match(name):
        raise Refused(errors.INVALID_ROOM_NAME, f"{name} is not a valid room name.", details)
    existing = rt.store.find_one("rooms", "name", name)
    if existing is not None and existing["_id"] != room_id:
        reason = f"A channel with name '{name}' exists"
        raise Refused(errors.DUPLICATE_CHANNEL_NAME, reason, details)


def create_named_room(
    rt: Runtime, owner: Doc, room_type: str, name: str, members: list[Doc], read_only: bool
) -> Doc:
    """``createChannel``/``createPrivateGroup``: ``create-<t>``, then ``createRoom`` with a valid,
    free name (checked under the insert's lock); the creator owns it, members join silently.
    Raises ``Refused``."""
    if not has_permission(rt, owner, f"create-{room_type}"):
        method = "createChannel" if room_type == "c" else "createPrivateGroup"
        raise Refused(errors.NOT_ALLOWED, "Not allowed", {"method": method})
    with rt.store.transaction():
        check_room_name(rt, name)
        room = create_room(
            rt,
            room_type=room_type,
            name=name,
            owner=owner,
            members=[owner, *[m for m in members if m["_id"] != owner["_id"]]],
            read_only=read_only,
        )
        room = rt.store.update(
            "rooms", room["_id"], {"customFields": {}, "broadcast": False, "encrypted": False}
        )
    _notify_members(rt, room, "inserted")
    # ``afterCreateChannel``/``afterCreatePrivateGroup``
    run_integrations(rt, IntegrationEvent("roomCreated", room=room, owner=owner))
    return room


def create_direct_message(
    rt: Runtime, actor: Doc, usernames: list[str], exclude_self: bool = False
) -> Doc:
    """``createDirectMessage`` by ``actor`` with ``usernames``: ``create-d``, then each user must
    exist (else ``Refused``, in that order); opens the DM, ``actor`` in it unless
    ``exclude_self``."""
    details = {"method": "createDirectMessage"}
    if not has_permission(rt, actor, "create-d"):
        raise Refused(errors.NOT_ALLOWED, "Not allowed", details)
    others = []
    for name in usernames:
        other = rt.store.find_one("users", "username", name.lower())
        if other is None:
            raise Refused(errors.INVALID_USER, "Invalid user", details)
        others.append(other)
    members = [] if exclude_self else [actor]
    members += [o for o in others if o["_id"] != actor["_id"]]
    return open_direct(rt, members or [actor])


def open_direct(rt: Runtime, users: list[Doc]) -> Doc:
    """``createDirectMessage``: the DM of ``users``, created (and announced) if it is new."""
    key = ",".join(sorted(u["_id"] for u in users))
    with rt.store.transaction():  # holds the store lock: check and insert are one step
        existing = rt.store.find_one("rooms", "direct", key)
        if existing is not None:
            return existing
        room = direct_room(rt, users)
    for member in users:
        sub = subscription(rt, room["_id"], member["_id"])
        notify_user(rt, member["_id"], "subscriptions-changed", "inserted", sub)
        notify_user(rt, member["_id"], "rooms-changed", "inserted", room)
    return room


# -- room settings and moderation shared by REST and slash commands --------------------------


def save_room_topic(rt: Runtime, room: Doc, actor: Doc, topic: str) -> None:
    """``saveRoomSettings(..., 'roomTopic', topic)``: a changed topic and its system message."""
    if topic == room.get("topic"):
        return
    with rt.store.transaction():
        update_room(rt, room, {"topic": topic})
        system_message(rt, room, "room_changed_topic", actor, topic)


def archive_room(rt: Runtime, room: Doc, actor: Doc) -> None:
    """``archiveRoom``: archived, closed for every member, with its system message."""
    with rt.store.transaction():
        update_room(rt, room, {"archived": True})
        for sub in rt.store.find("subscriptions", "rid", room["_id"]):
            rt.store.update("subscriptions", sub["_id"], {"open": False, "alert": False})
        system_message(rt, room, "room-archived", actor)


def unarchive_room(rt: Runtime, room: Doc, actor: Doc) -> None:
    """``unarchiveRoom``: open again for every member, with its system message."""
    with rt.store.transaction():
        update_room(rt, room, {"archived": False})
        for sub in rt.store.find("subscriptions", "rid", room["_id"]):
            rt.store.update("subscriptions", sub["_id"], {"open": True})
        system_message(rt, room, "room-unarchived", actor)


def add_users_to_room(rt: Runtime, room: Doc | None, actor: Doc, targets: list[Doc]) -> None:
    """``addUsersToRoomMethod``: not a DM, then ``add-user-to-any-<t>-room`` or, for a member,
    ``add-user-to-joined-room`` (else ``Refused``); each target added by ``actor``."""
    details = {"method": "addUsersToRoom"}
    if room is None:
        raise Refused(errors.INVALID_ROOM, "Invalid room", details)
    if room["t"] == "d":
        raise Refused(
            errors.CANT_INVITE_FOR_DIRECT_ROOM, "Can't invite user to direct rooms", details
        )
    joined = subscription(rt, room["_id"], actor["_id"]) is not None
    if not has_permission(rt, actor, f"add-user-to-any-{room['t']}-room") and not (
        joined and has_permission(rt, actor, "add-user-to-joined-room", room["_id"])
    ):
        raise Refused(errors.NOT_ALLOWED, "Not allowed", details)
    with rt.store.transaction():
        for target in targets:
            add_member(rt, room, target, actor=actor)


def remove_user_from_room(rt: Runtime, room: Doc | None, actor: Doc, target: Doc) -> None:
    """``removeUserFromRoomMethod``: ``remove-user``, a room that is not a DM, a member target
    that is not the last owner (else ``Refused``, in that order)."""
    details = {"method": "removeUserFromRoom"}
    if not has_permission(rt, actor, "remove-user", room["_id"] if room else None):
        raise Refused(errors.NOT_ALLOWED, "Not allowed", details)
    if room is None:
        raise Refused(errors.INVALID_ROOM, "Invalid room", details)
    if room["t"] == "d":
        raise Refused(errors.NOT_ALLOWED, "Not allowed", details)
    sub = subscription(rt, room["_id"], target["_id"])
    if sub is None:
        raise Refused(errors.USER_NOT_IN_ROOM, "User is not in this room", details)
    if "owner" in sub["roles"] and len(room_owners(rt, room["_id"])) == 1:
        raise Refused(errors.YOU_ARE_LAST_OWNER, errors.LAST_OWNER_LEAVING, details)
    remove_member(rt, room, target, actor=actor)


def set_muted(rt: Runtime, room: Doc | None, actor: Doc, username: str, mute: bool) -> None:
    """``muteUserInRoom``/``unmuteUserInRoom``: ``mute-user``, a room that is not a DM, a member
    (else ``Refused``, in that order); read-only rooms keep an ``unmuted`` list instead."""
    details: Doc = {"method": "muteUserInRoom" if mute else "unmuteUserInRoom"}
    if not has_permission(rt, actor, "mute-user", room["_id"] if room else None):
        raise Refused(errors.NOT_ALLOWED, "Not allowed", details)
    if room is None:
        raise Refused(errors.INVALID_ROOM, "Invalid room", details)
    if room["t"] == "d":
        reason = f"{room['t']} is not a valid room type"
        raise Refused(errors.INVALID_ROOM_TYPE, reason, {**details, "type": room["t"]})
    if not any(
        s["u"]["username"] == username for s in rt.store.find("subscriptions", "rid", room["_id"])
    ):
        raise Refused(errors.USER_NOT_IN_ROOM, "User is not in this room", details)
    field = "unmuted" if room.get("ro") else "muted"
    names = [n for n in room.get(field, []) if n != username]
    if mute != (field == "unmuted"):
        names.append(username)
    with rt.store.transaction():
        update_room(rt, room, {field: names})
        system_message(rt, room, "user-muted" if mute else "user-unmuted", actor, username)


def set_room_open(rt: Runtime, room_id: str, user: Doc, open_: bool) -> bool:
    """``openRoom`` / ``hideRoomMethod``: show or hide the user's subscription (hiding also
    clears its alert); whether anything changed."""
    sub = subscription(rt, room_id, user["_id"])
    if sub is None:
        return False
    changes = {"open": True} if open_ else {"open": False, "alert": False}
    if all(sub.get(k) == v for k, v in changes.items()):
        return False
    update_subscription(rt, sub, changes)
    return True


def set_blocked(rt: Runtime, room: Doc | None, user: Doc, block: bool) -> None:
    """``blockUser`` / ``unblockUser`` in a DM of two: the caller's subscription is the
    ``blocker``, the other's ``blocked`` (else ``Refused`` ``invalid-channel``); while either
    is set, nobody can post there (``room_is_blocked``)."""
    others = [u for u in (room or {}).get("uids", []) if u != user["_id"]]
    if room is None or room["t"] != "d" or len(others) != 1 or user["_id"] not in room["uids"]:
        raise Refused(errors.BARE_INVALID_CHANNEL, None)
    mine = subscription(rt, room["_id"], user["_id"])
    theirs = subscription(rt, room["_id"], others[0])
    if mine is None or theirs is None:
        raise Refused(errors.INVALID_ROOM, "Invalid room", {"method": "blockUser"})
    with rt.store.transaction():
        for sub, field in ((mine, "blocker"), (theirs, "blocked")):
            if block:
                update_subscription(rt, sub, {field: True})
            else:
                rest = {k: v for k, v in sub.items() if k != field}
                rt.store.upsert("subscriptions", rest)
                update_subscription(rt, rest, {})
