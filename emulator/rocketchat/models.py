"""Rocket.Chat domain operations, shared by REST, legacy REST, DDP, hooks and seeding.

Documents keep Rocket.Chat's own field names; dates are stored as epoch milliseconds and rendered
by ``wire`` (ISO strings over REST, ``{"$date": ms}`` over DDP).
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import Any
from urllib.parse import quote

from ..core.passwords import check_password, hash_password, sha256_hex
from ..core.runtime import Runtime

Doc = dict[str, Any]

BOT_ID = "rocket.cat"
GENERAL_ID = "GENERAL"


def _now(rt: Runtime, at: int | None) -> int:
    return rt.clock.now_ms() if at is None else at


def hash_token(token: str) -> str:
    """``Accounts._hashLoginToken``: base64 of the SHA-256 digest."""
    return base64.b64encode(hashlib.sha256(token.encode()).digest()).decode()


# -- users ------------------------------------------------------------------------------------


def create_user(
    rt: Runtime,
    *,
    username: str,
    email: str | None,
    password: str | None,
    name: str = "",
    roles: list[str] | None = None,
    user_type: str = "user",
    user_id: str | None = None,
    verified: bool = True,
    at: int | None = None,
    salt: str | None = None,
) -> Doc:
    now = _now(rt, at)
    user: Doc = {
        "_id": user_id or rt.ids.meteor_id(),
        "createdAt": now,
        "username": username,
        "name": name or username,
        "type": user_type,
        "active": True,
        "roles": roles or ["user"],
        "status": "offline",
        "statusConnection": "offline",
        "utcOffset": 0,
        "emails": [{"address": email.lower(), "verified": verified}] if email else [],
        "settings": {"preferences": {}},
        "requirePasswordChange": False,
        "_updatedAt": now,
        # Rocket.Chat hashes the SHA-256 hex digest of the password, so DDP digests work too.
        "services": {"password": {"bcrypt": hash_password(sha256_hex(password), salt)}}
        if password
        else {},
    }
    rt.store.insert("users", user)
    return user


def check_user_password(user: Doc, password: str | dict) -> bool:
    """A plain password, or the ``{digest, algorithm: "sha-256"}`` object clients may send."""
    stored = user.get("services", {}).get("password", {}).get("bcrypt")
    if isinstance(password, dict):
        digest = password.get("digest")
        return isinstance(digest, str) and check_password(digest.lower(), stored)
    return isinstance(password, str) and check_password(sha256_hex(password), stored)


def set_password(rt: Runtime, user: Doc, password: str) -> Doc:
    services = dict(user.get("services", {}))
    services["password"] = {"bcrypt": hash_password(sha256_hex(password))}
    return rt.store.update("users", user["_id"], {"services": services})


def has_role(user: Doc, role: str) -> bool:
    return role in user.get("roles", [])


def find_user(rt: Runtime, username_or_email: str) -> Doc | None:
    key = username_or_email.lower()
    return rt.store.find_one("users", "username", key) or rt.store.find_one("users", "email", key)


# -- tokens -----------------------------------------------------------------------------------


def issue_login_token(rt: Runtime, user: Doc) -> str:
    token = rt.ids.meteor_token()
    rt.store.insert(
        "tokens",
        {
            "hashedToken": hash_token(token),
            "userId": user["_id"],
            "when": rt.clock.now_ms(),
            "type": "login",
        },
    )
    return token


def user_for_token(rt: Runtime, user_id: str, token: str) -> Doc | None:
    """The user owning a login or personal access token, if it is valid for ``user_id``."""
    record = rt.store.get("tokens", hash_token(token))
    if record is None or record["userId"] != user_id:
        return None
    if record["type"] == "login":
        days = setting(rt, "Accounts_LoginExpiration")
        if record["when"] + days * 86_400_000 <= rt.clock.now_ms():
            return None
    user = rt.store.get("users", user_id)
    if user is None or not user["active"]:
        return None
    return user


def revoke_token(rt: Runtime, token: str) -> None:
    rt.store.delete("tokens", hash_token(token))


# -- settings and permissions -----------------------------------------------------------------


def setting(rt: Runtime, setting_id: str) -> Any:
    doc = rt.store.get("settings", setting_id)
    return None if doc is None else doc["value"]


def has_permission(rt: Runtime, user: Doc, permission: str, room_id: str | None = None) -> bool:
    """Global roles, plus room-scoped roles (owner, moderator) from the user's subscription."""
    granted = rt.store.get("permissions", permission)
    if granted is None:
        return False
    roles = set(user.get("roles", []))
    if room_id is not None:
        sub = subscription(rt, room_id, user["_id"])
        if sub is not None:
            roles.update(sub.get("roles", []))
    return bool(roles.intersection(granted["roles"]))


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


# -- messages ---------------------------------------------------------------------------------


def send_message(
    rt: Runtime,
    *,
    room: Doc,
    user: Doc,
    text: str,
    tmid: str | None = None,
    message_id: str | None = None,
    extra: Doc | None = None,
    at: int | None = None,
) -> Doc:
    now = _now(rt, at)
    message: Doc = {
        "_id": message_id or rt.ids.meteor_id(),
        "rid": room["_id"],
        "msg": text,
        "ts": now,
        "u": {"_id": user["_id"], "username": user["username"], "name": user.get("name")},
        "_updatedAt": now,
        "urls": [],
        "mentions": [],
        "channels": [],
    }
    if tmid:
        message["tmid"] = tmid
    message.update(extra or {})
    with rt.store.transaction():
        rt.store.insert("messages", message)
        if tmid:
            parent = rt.store.get("messages", tmid)
            replies = list(dict.fromkeys([*parent.get("replies", []), user["_id"]]))
            rt.store.update(
                "messages",
                tmid,
                {
                    "tcount": parent.get("tcount", 0) + 1,
                    "replies": replies,
                    "tlm": now,
                    "_updatedAt": now,
                },
            )
        fresh = rt.store.get("rooms", room["_id"])
        rt.store.update(
            "rooms",
            room["_id"],
            {"msgs": fresh["msgs"] + 1, "lm": now, "lastMessage": message, "_updatedAt": now},
        )
    if rt.events.active:
        rt.events.publish("stream-room-messages", {"eventName": room["_id"], "args": [message]})
    return message


def react(rt: Runtime, message: Doc, user: Doc, emoji: str, at: int | None = None) -> Doc:
    """Toggle ``user``'s ``:emoji:`` reaction, as ``setReaction`` does."""
    key = emoji if emoji.startswith(":") else f":{emoji}:"
    reactions = {
        k: {"usernames": list(v["usernames"])} for k, v in message.get("reactions", {}).items()
    }
    usernames = reactions.setdefault(key, {"usernames": []})["usernames"]
    if user["username"] in usernames:
        usernames.remove(user["username"])
        if not usernames:
            del reactions[key]
    else:
        usernames.append(user["username"])
    return rt.store.update(
        "messages", message["_id"], {"reactions": reactions, "_updatedAt": _now(rt, at)}
    )


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
    notify_user(rt, user["_id"], "rooms-changed", "inserted", rt.store.get("rooms", room["_id"]))
    return sub


def _trash(rt: Runtime, collection: str, doc: Doc) -> None:
    rt.store.put("trash", {**doc, "__collection__": collection, "_deletedAt": rt.clock.now_ms()})


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


# -- messages: posting, editing, deleting, pins, stars, threads -------------------------------


def mentions_in(rt: Runtime, text: str) -> list[Doc]:
    """``@username``, ``@all`` and ``@here`` mentions, as ``message.mentions`` holds them."""
    found: list[Doc] = []
    for name in dict.fromkeys(MENTION_RE.findall(text or "")):
        name = name.rstrip(".")
        if name in ("all", "here"):
            found.append({"_id": name, "username": name})
            continue
        mentioned = rt.store.find_one("users", "username", name.lower())
        if mentioned is not None:
            found.append(
                {
                    "_id": mentioned["_id"],
                    "username": mentioned["username"],
                    "name": mentioned.get("name"),
                    "type": "user",
                }
            )
    return found


def post_message(
    rt: Runtime,
    room: Doc,
    user: Doc,
    text: str,
    extra: Doc | None = None,
    tmid: str | None = None,
    message_id: str | None = None,
) -> Doc:
    """A user's message: mentions parsed, other members alerted.

    ``unread`` counts every message in DMs (``Unread_Count_DM``: all messages) but only mentions
    elsewhere (``Unread_Count``: user and group mentions only), as the defaults do.
    """
    fields = {"mentions": mentions_in(rt, text), **(extra or {})}
    changed = []
    with rt.store.transaction():
        message = send_message(
            rt, room=room, user=user, text=text, tmid=tmid, message_id=message_id, extra=fields
        )
        mentioned = {m["_id"] for m in fields["mentions"]}
        group = bool(mentioned & {"all", "here"})
        for sub in rt.store.find("subscriptions", "rid", room["_id"]):
            if sub["u"]["_id"] == user["_id"]:
                rt.store.update("subscriptions", sub["_id"], {"ls": message["ts"]})
                continue
            personal = sub["u"]["_id"] in mentioned
            counts = room["t"] == "d" or personal or group
            changed.append(
                rt.store.update(
                    "subscriptions",
                    sub["_id"],
                    {
                        "unread": sub.get("unread", 0) + (1 if counts else 0),
                        "alert": True,
                        "open": True,
                        "userMentions": sub.get("userMentions", 0) + (1 if personal else 0),
                        "groupMentions": sub.get("groupMentions", 0) + (1 if group else 0),
                        "_updatedAt": message["ts"],
                    },
                )
            )
    for sub in changed:
        notify_user(rt, sub["u"]["_id"], "subscriptions-changed", "updated", sub)
    return message


def edit_message(rt: Runtime, message: Doc, text: str, editor: Doc) -> Doc:
    now = rt.clock.now_ms()
    fresh = rt.store.update(
        "messages",
        message["_id"],
        {
            "msg": text,
            "mentions": mentions_in(rt, text),
            "editedAt": now,
            "editedBy": {"_id": editor["_id"], "username": editor["username"]},
            "_updatedAt": now,
        },
    )
    if rt.events.active:
        rt.events.publish("stream-room-messages", {"eventName": fresh["rid"], "args": [fresh]})
    return fresh


def delete_message(rt: Runtime, message: Doc) -> None:
    with rt.store.transaction():
        rt.store.delete("messages", message["_id"])
        _trash(rt, "messages", message)
        if message.get("tmid"):
            parent = rt.store.get("messages", message["tmid"])
            if parent is not None:
                rt.store.update(
                    "messages",
                    parent["_id"],
                    {"tcount": max(parent.get("tcount", 1) - 1, 0), "_updatedAt": message["ts"]},
                )
        room = rt.store.get("rooms", message["rid"])
        if room is not None:
            changes: Doc = {"msgs": max(room["msgs"] - 1, 0)}
            if (room.get("lastMessage") or {}).get("_id") == message["_id"]:
                remaining = rt.store.find_page("messages", "rid", room["_id"], 0, 1)
                changes["lastMessage"] = remaining[0] if remaining else None
            rt.store.update("rooms", room["_id"], changes)
    notify_room(rt, message["rid"], "deleteMessage", {"_id": message["_id"]})


def set_message_fields(rt: Runtime, message: Doc, changes: Doc) -> Doc:
    fresh = rt.store.update(
        "messages", message["_id"], {**changes, "_updatedAt": rt.clock.now_ms()}
    )
    if rt.events.active:
        rt.events.publish("stream-room-messages", {"eventName": fresh["rid"], "args": [fresh]})
    return fresh


def pin_message(rt: Runtime, message: Doc, user: Doc) -> Doc:
    """Pin ``message`` and write the ``message_pinned`` system message quoting it."""
    now = rt.clock.now_ms()
    with rt.store.transaction():
        set_message_fields(
            rt,
            message,
            {
                "pinned": True,
                "pinnedAt": now,
                "pinnedBy": {"_id": user["_id"], "username": user["username"]},
            },
        )
        room = rt.store.get("rooms", message["rid"])
        quote = {
            "text": message.get("msg", ""),
            "author_name": message["u"]["username"],
            "author_icon": f"/avatar/{message['u']['username']}",
            "ts": message["ts"],
        }
        if message.get("attachments"):
            quote["attachments"] = message["attachments"]
        pinned = send_message(
            rt,
            room=room,
            user=user,
            text=message.get("msg", ""),
            extra={"t": "message_pinned", "attachments": [quote]},
        )
    return pinned


def clean_history(
    rt: Runtime,
    room: Doc,
    latest: int,
    oldest: int,
    inclusive: bool,
    exclude_pinned: bool,
    files_only: bool,
    users: list[str],
    ignore_threads: bool,
) -> int:
    """``cleanRoomHistory``: delete the room's messages in a time range; returns how many."""
    doomed = []
    for message in rt.store.find("messages", "rid", room["_id"]):
        ts = message["ts"]
        inside = oldest <= ts <= latest if inclusive else oldest < ts < latest
        if not inside or message.get("t") in ("message_pinned",):
            continue
        if exclude_pinned and message.get("pinned"):
            continue
        if files_only and not message.get("file"):
            continue
        if users and message["u"]["username"] not in users:
            continue
        if ignore_threads and (message.get("tmid") or message.get("tcount")):
            continue
        doomed.append(message)
    with rt.store.transaction():
        for message in doomed:
            rt.store.delete("messages", message["_id"])
            _trash(rt, "messages", message)
        fresh = rt.store.get("rooms", room["_id"])
        remaining = rt.store.find_page("messages", "rid", room["_id"], 0, 1)
        rt.store.update(
            "rooms",
            room["_id"],
            {
                "msgs": max(fresh["msgs"] - len(doomed), 0),
                "lastMessage": remaining[0] if remaining else None,
            },
        )
    notify_room(
        rt,
        room["_id"],
        "deleteMessageBulk",
        {
            "rid": room["_id"],
            "excludePinned": exclude_pinned,
            "ignoreDiscussion": True,
            "ts": {"$gt": oldest, "$lt": latest},
            "users": users,
            "ids": [m["_id"] for m in doomed],
        },
    )
    return len(doomed)


def read_room(rt: Runtime, sub: Doc) -> Doc:
    """``readMessages``: the caller has seen everything in the room."""
    now = rt.clock.now_ms()
    fresh = update_subscription(
        rt,
        sub,
        {"unread": 0, "alert": False, "userMentions": 0, "groupMentions": 0, "ls": now},
    )
    notify_room(rt, sub["rid"], "messagesRead", {"until": now})
    return fresh


# -- teams ------------------------------------------------------------------------------------


def team_member(rt: Runtime, team_id: str, user_id: str) -> Doc | None:
    return rt.store.find_one("team_members", "team_user", (team_id, user_id))


def add_team_member(
    rt: Runtime, team: Doc, user: Doc, roles: list[str], actor: Doc | None = None
) -> Doc:
    with rt.store.transaction():  # holds the store lock: check and insert are one step
        existing = team_member(rt, team["_id"], user["_id"])
        if existing is not None:
            return existing
        return _insert_team_member(rt, team, user, roles, actor)


def _insert_team_member(
    rt: Runtime, team: Doc, user: Doc, roles: list[str], actor: Doc | None
) -> Doc:
    now = rt.clock.now_ms()
    doc = {
        "_id": rt.ids.meteor_id(),
        "teamId": team["_id"],
        "userId": user["_id"],
        "roles": roles,
        "createdAt": now,
        "createdBy": {"_id": (actor or user)["_id"], "username": (actor or user)["username"]},
        "_updatedAt": now,
    }
    with rt.store.transaction():
        rt.store.insert("team_members", doc)
        main = rt.store.get("rooms", team["roomId"])
        if main is not None:
            add_member(rt, main, user, actor, roles=[r for r in roles if r != "member"])
    return doc


def create_team(
    rt: Runtime, owner: Doc, name: str, team_type: int, members: list[Doc], read_only: bool
) -> Doc:
    now = rt.clock.now_ms()
    team_id = rt.ids.meteor_id()
    with rt.store.transaction():
        room = create_room(
            rt,
            room_type="p" if team_type == 1 else "c",
            name=name,
            owner=owner,
            members=[owner],
            read_only=read_only,
        )
        room = rt.store.update("rooms", room["_id"], {"teamMain": True, "teamId": team_id})
        team = {
            "_id": team_id,
            "name": name,
            "type": team_type,
            "roomId": room["_id"],
            "createdBy": {"_id": owner["_id"], "username": owner["username"]},
            "createdAt": now,
            "_updatedAt": now,
        }
        rt.store.insert("teams", team)
        rt.store.insert(
            "team_members",
            {
                "_id": rt.ids.meteor_id(),
                "teamId": team_id,
                "userId": owner["_id"],
                "roles": ["owner"],
                "createdAt": now,
                "createdBy": {"_id": owner["_id"], "username": owner["username"]},
                "_updatedAt": now,
            },
        )
        for sub in rt.store.find("subscriptions", "rid", room["_id"]):
            rt.store.update("subscriptions", sub["_id"], {"teamMain": True, "teamId": team_id})
        for member_doc in members:
            if member_doc["_id"] != owner["_id"]:
                add_team_member(rt, team, member_doc, ["member"], actor=owner)
    return team


def remove_team_member(rt: Runtime, team: Doc, user: Doc, actor: Doc) -> None:
    membership = team_member(rt, team["_id"], user["_id"])
    if membership is None:
        return
    with rt.store.transaction():
        rt.store.delete("team_members", membership["_id"])
        main = rt.store.get("rooms", team["roomId"])
        if main is not None:
            remove_member(rt, main, user, actor)


# -- user administration, presence, preferences, personal access tokens -----------------------

USERNAME_PATTERN = r"[0-9a-zA-Z-_.]+"  # ``UTF8_User_Names_Validation`` default
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
USER_STATUSES = ("online", "away", "busy", "offline")
# ``user-status`` events carry the status as a number (``STATUS_MAP``).
STATUS_CODES = {"offline": 0, "online": 1, "away": 2, "busy": 3}


def find_user_by_username(rt: Runtime, username: str) -> Doc | None:
    return rt.store.find_one("users", "username", username.lower())


def users_with_role(rt: Runtime, role: str) -> list[Doc]:
    return rt.store.find("users", "roles", role)


def default_rooms(rt: Runtime) -> list[Doc]:
    """Rooms every new user joins (``default: true``)."""
    return [r for t in ("c", "p") for r in rt.store.find("rooms", "t", t) if r.get("default")]


def join_default_rooms(rt: Runtime, user: Doc) -> None:
    """``addUserToDefaultChannels``: a subscription and a ``uj`` message in each default room."""
    for room in default_rooms(rt):
        add_member(rt, room, user)


def update_user(rt: Runtime, user_id: str, changes: Doc) -> Doc:
    """Apply profile changes (already validated), keeping subscriptions' names in step."""
    now = rt.clock.now_ms()
    with rt.store.transaction():
        updated = rt.store.update("users", user_id, {**changes, "_updatedAt": now})
        if "username" in changes or "name" in changes:
            ref = {"_id": user_id, "username": updated["username"], "name": updated.get("name")}
            for sub in rt.store.find("subscriptions", "user", user_id):
                rt.store.update("subscriptions", sub["_id"], {"u": ref})
    return updated


def set_user_password(rt: Runtime, user_id: str, password: str) -> Doc:
    user = rt.store.get("users", user_id)
    return set_password(rt, user, password)


def revoke_user_tokens(rt: Runtime, user_id: str, keep_personal: bool = False) -> None:
    with rt.store.transaction():
        for record in rt.store.find("tokens", "userId", user_id):
            if keep_personal and record["type"] == "personalAccessToken":
                continue
            rt.store.delete("tokens", record["hashedToken"])


def set_user_active(rt: Runtime, user_id: str, active: bool) -> Doc:
    """``setUserActiveStatus``: deactivation also ends every session of the user."""
    with rt.store.transaction():
        user = update_user(rt, user_id, {"active": active})
        if not active:
            revoke_user_tokens(rt, user_id)
    return user


def set_user_status(rt: Runtime, user: Doc, status: str | None, text: str | None) -> Doc:
    changes: Doc = {}
    if text is not None:
        changes["statusText"] = text
    if status is not None:
        changes["status"] = status
        changes["statusDefault"] = status
    updated = update_user(rt, user["_id"], changes)
    if status is not None and rt.events.active:
        rt.events.publish(
            "stream-notify-logged",
            {
                "eventName": "user-status",
                "args": [
                    [
                        user["_id"],
                        user["username"],
                        STATUS_CODES[status],
                        updated.get("statusText", ""),
                        updated.get("name"),
                        updated.get("roles", []),
                    ]
                ],
            },
        )
    return updated


def delete_user(rt: Runtime, user: Doc) -> None:
    """``deleteUser``: subscriptions, direct rooms, tokens and (erasure type Delete) messages."""
    erase = setting(rt, "Message_ErasureType") == "Delete"
    with rt.store.transaction():
        for sub in rt.store.find("subscriptions", "user", user["_id"]):
            room = rt.store.get("rooms", sub["rid"])
            if room is not None and room["t"] == "d":
                for other in rt.store.find("subscriptions", "rid", room["_id"]):
                    rt.store.delete("subscriptions", other["_id"])
                for message in rt.store.find("messages", "rid", room["_id"]):
                    rt.store.delete("messages", message["_id"])
                rt.store.delete("rooms", room["_id"])
            else:
                rt.store.delete("subscriptions", sub["_id"])
                if room is not None:
                    count = max(room["usersCount"] - 1, 0)
                    rt.store.update("rooms", room["_id"], {"usersCount": count})
        if erase:
            for message in rt.store.find("messages", "user", user["_id"]):
                rt.store.delete("messages", message["_id"])
        revoke_user_tokens(rt, user["_id"])
        rt.store.delete("avatars", user["_id"])
        rt.store.delete("users", user["_id"])


def personal_access_tokens(rt: Runtime, user_id: str) -> list[Doc]:
    return [
        t for t in rt.store.find("tokens", "userId", user_id) if t["type"] == "personalAccessToken"
    ]


def personal_access_token(rt: Runtime, user_id: str, name: str) -> Doc | None:
    return next((t for t in personal_access_tokens(rt, user_id) if t["name"] == name), None)


def generate_personal_access_token(
    rt: Runtime, user_id: str, name: str, bypass_two_factor: bool
) -> str:
    """Stored like a login token (hashed), but typed, named and without expiry."""
    token = rt.ids.meteor_token()
    now = rt.clock.now_ms()
    rt.store.insert(
        "tokens",
        {
            "hashedToken": hash_token(token),
            "userId": user_id,
            "type": "personalAccessToken",
            "when": now,  # only read by code that dates any session; PATs never expire
            "createdAt": now,
            "lastTokenPart": token[-6:],
            "name": name,
            "bypassTwoFactor": bypass_two_factor,
        },
    )
    return token


def remove_personal_access_token(rt: Runtime, record: Doc) -> None:
    rt.store.delete("tokens", record["hashedToken"])


def save_preferences(rt: Runtime, user: Doc, preferences: Doc) -> Doc:
    """``saveUserPreferences``: ``language`` lives on the user, the rest in settings."""
    prefs = dict(preferences)
    changes: Doc = {}
    if "language" in prefs:
        changes["language"] = prefs.pop("language")
    current = dict(user.get("settings", {}).get("preferences", {}))
    current.update(prefs)
    changes["settings"] = {**user.get("settings", {}), "preferences": current}
    return update_user(rt, user["_id"], changes)


def set_avatar(rt: Runtime, user: Doc, origin: str, data: bytes | None, content_type: str) -> Doc:
    """Store an uploaded avatar (``origin`` ``rest``) or record a URL origin."""
    etag = rt.ids.meteor_id()
    with rt.store.transaction():
        if data is not None:
            rt.store.put(
                "avatars",
                {
                    "_id": user["_id"],
                    "contentType": content_type,
                    "data": base64.b64encode(data).decode(),
                    "etag": etag,
                },
            )
        return update_user(rt, user["_id"], {"avatarOrigin": origin, "avatarETag": etag})


def reset_avatar(rt: Runtime, user: Doc) -> Doc:
    with rt.store.transaction():
        rt.store.delete("avatars", user["_id"])
        changes = {k: v for k, v in user.items() if k not in ("avatarOrigin", "avatarETag")}
        rt.store.put("users", {**changes, "_updatedAt": rt.clock.now_ms()})
    return rt.store.get("users", user["_id"])


ROOM_NAME_RE = re.compile(r"^[0-9a-zA-Z\-_.]+$")  # UTF8_Channel_Names_Validation


def create_named_room(
    rt: Runtime, owner: Doc, room_type: str, name: str, members: list[Doc], read_only: bool
) -> Doc:
    """``createRoom`` for channels and groups: the creator owns it; members join silently."""
    with rt.store.transaction():
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
    return room


# -- uploads ----------------------------------------------------------------------------------


def store_upload(
    rt: Runtime, room: Doc, user: Doc, name: str, content_type: str, data: bytes
) -> Doc:
    """A pending upload (``rooms.media``): stored, not yet attached to a message."""
    now = rt.clock.now_ms()
    upload_id = rt.ids.meteor_id()
    path = f"/file-upload/{upload_id}/{quote(name)}"
    doc = {
        "_id": upload_id,
        "name": name,
        "size": len(data),
        "type": content_type,
        "rid": room["_id"],
        "userId": user["_id"],
        "store": "GridFS:Uploads",
        "complete": True,
        "uploading": False,
        "extension": name.rsplit(".", 1)[1] if "." in name else "",
        "progress": 1,
        "uploadedAt": now,
        "_updatedAt": now,
        "path": path,
        "url": path,
    }
    with rt.store.transaction():
        rt.store.insert("uploads", doc)
        rt.store.put("upload_blobs", {"_id": upload_id, "data": base64.b64encode(data).decode()})
    return doc


def upload_content(rt: Runtime, upload_id: str) -> bytes | None:
    blob = rt.store.get("upload_blobs", upload_id)
    return None if blob is None else base64.b64decode(blob["data"])


def send_file_message(
    rt: Runtime,
    room: Doc,
    user: Doc,
    upload: Doc,
    msg: str = "",
    description: str = "",
    tmid: str | None = None,
) -> Doc:
    """``sendFileMessage``: a message carrying the upload as ``file``/``files``/attachment."""
    attachment: Doc = {
        "title": upload["name"],
        "type": "file",
        "description": description,
        "title_link": upload["path"],
        "title_link_download": True,
    }
    kind = upload["type"].split("/", 1)[0]
    if kind in ("image", "audio", "video"):
        attachment[f"{kind}_url"] = upload["path"]
        attachment[f"{kind}_type"] = upload["type"]
        attachment[f"{kind}_size"] = upload["size"]
    file_ref = {"_id": upload["_id"], "name": upload["name"], "type": upload["type"]}
    extra = {
        "file": file_ref,
        "files": [{**file_ref, "size": upload["size"], "format": upload.get("extension", "")}],
        "attachments": [attachment],
        "groupable": False,
    }
    with rt.store.transaction():
        rt.store.update("uploads", upload["_id"], {"description": description})
        return post_message(rt, room, user, msg, extra=extra, tmid=tmid)


# -- integrations -----------------------------------------------------------------------------


def create_integration(rt: Runtime, creator: Doc, poster: Doc, fields: Doc) -> Doc:
    """Store a webhook integration; its posting user gets the ``bot`` role, as upstream."""
    now = rt.clock.now_ms()
    doc = {
        **fields,
        "_id": rt.ids.meteor_id(),
        "userId": poster["_id"],
        "_createdAt": now,
        "_createdBy": {"_id": creator["_id"], "username": creator["username"]},
        "_updatedAt": now,
    }
    with rt.store.transaction():
        rt.store.insert("integrations", doc)
        if "bot" not in poster.get("roles", []):
            rt.store.update("users", poster["_id"], {"roles": [*poster.get("roles", []), "bot"]})
    return doc


def add_room_to_team(rt: Runtime, team: Doc, room: Doc) -> Doc:
    with rt.store.transaction():
        fresh = update_room(rt, room, {"teamId": team["_id"]})
        for sub in rt.store.find("subscriptions", "rid", room["_id"]):
            rt.store.update("subscriptions", sub["_id"], {"teamId": team["_id"]})
    return fresh


def is_last_active_admin(rt: Runtime, user: Doc) -> bool:
    """Whether ``user`` is the only active admin (who may be neither deleted nor deactivated)."""
    if not has_role(user, "admin"):
        return False
    return not any(u["_id"] != user["_id"] and u["active"] for u in users_with_role(rt, "admin"))


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


def set_connection_status(rt: Runtime, user_id: str, connected: bool) -> Doc | None:
    """Presence of a realtime connection (``Presence.updateUserPresence``): a connected user
    shows their default status (``online`` unless they chose away or busy), a disconnected one
    ``offline``. Publishes ``user-status`` and ``stream-user-presence`` when the status changes."""
    user = rt.store.get("users", user_id)
    if user is None:
        return None
    default = user.get("statusDefault")
    status = (default if default in ("away", "busy") else "online") if connected else "offline"
    connection = "online" if connected else "offline"
    if user.get("status") == status and user.get("statusConnection") == connection:
        return user
    updated = update_user(rt, user_id, {"status": status, "statusConnection": connection})
    if user.get("status") != status and rt.events.active:
        text = updated.get("statusText", "")
        rt.events.publish(
            "stream-notify-logged",
            {
                "eventName": "user-status",
                "args": [
                    [
                        user_id,
                        updated["username"],
                        STATUS_CODES[status],
                        text,
                        updated.get("name"),
                        updated.get("roles", []),
                    ]
                ],
            },
        )
        rt.events.publish(
            "stream-user-presence",
            {"eventName": user_id, "args": [[updated["username"], STATUS_CODES[status], text]]},
        )
    return updated


def delete_team(rt: Runtime, team: Doc, rooms_to_remove: list[str]) -> None:
    """``teams.delete``: the chosen team rooms and the main room go, the rest leave the team."""
    with rt.store.transaction():
        for room in rt.store.find("rooms", "teamId", team["_id"]):
            if room["_id"] == team["roomId"]:
                continue
            if room["_id"] in rooms_to_remove:
                delete_room(rt, room)
            else:  # ``$unset: {teamId}``
                rest = {k: v for k, v in room.items() if k != "teamId"}
                rt.store.put("rooms", {**rest, "_updatedAt": rt.clock.now_ms()})
        main = rt.store.get("rooms", team["roomId"])
        if main is not None:
            delete_room(rt, main)
        for membership in rt.store.find("team_members", "teamId", team["_id"]):
            rt.store.delete("team_members", membership["_id"])
        rt.store.delete("teams", team["_id"])
