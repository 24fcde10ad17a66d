"""Rocket.Chat domain operations, shared by REST, legacy REST, DDP, hooks and seeding.

Documents keep Rocket.Chat's own field names; dates are stored as epoch milliseconds and rendered
by ``wire`` (ISO strings over REST, ``{"$date": ms}`` over DDP).
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

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
