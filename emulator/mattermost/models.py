"""Mattermost domain operations, shared by REST handlers, the WebSocket hub, hooks and seeding.

They take the runtime and plain values, never ``flask.request``; timestamps default to the
emulator clock so that seeding can pass its own fixed ones.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from ..core.passwords import hash_password
from ..core.runtime import Runtime
from . import wire
from .tables import member_id

Doc = dict[str, Any]

DEFAULT_NOTIFY_PROPS = {
    "channel": "true",
    "comments": "never",
    "desktop": "mention",
    "desktop_sound": "true",
    "email": "true",
    "first_name": "false",
    "mention_keys": "",
    "push": "mention",
    "push_status": "away",
}
DEFAULT_TIMEZONE = {"automaticTimezone": "", "manualTimezone": "", "useAutomaticTimezone": "true"}
CHANNEL_NOTIFY_PROPS = {
    "desktop": "default",
    "email": "default",
    "ignore_channel_mentions": "default",
    "mark_unread": "all",
    "push": "default",
}


def _now(rt: Runtime, at: int | None) -> int:
    return rt.clock.now_ms() if at is None else at


def dm_channel_name(user_a: str, user_b: str) -> str:
    """``GetDMNameFromIds``: the smaller id first, joined by two underscores."""
    return "__".join(sorted((user_a, user_b)))


def group_channel_name(user_ids: list[str]) -> str:
    """``GetGroupNameFromUserIds``: hex SHA-1 of the sorted ids concatenated."""
    return hashlib.sha1("".join(sorted(user_ids)).encode()).hexdigest()


# -- users ------------------------------------------------------------------------------------


def create_user(
    rt: Runtime,
    *,
    username: str,
    email: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    nickname: str = "",
    position: str = "",
    roles: str = "system_user",
    is_bot: bool = False,
    at: int | None = None,
    salt: str | None = None,
) -> Doc:
    now = _now(rt, at)
    user = {
        "id": rt.ids.mattermost_id(),
        "create_at": now,
        "update_at": now,
        "delete_at": 0,
        "username": username.lower(),
        "auth_data": "",
        "auth_service": "",
        "email": email.lower(),
        "email_verified": True,
        "nickname": nickname,
        "first_name": first_name,
        "last_name": last_name,
        "position": position,
        "roles": roles,
        "notify_props": dict(DEFAULT_NOTIFY_PROPS),
        "last_password_update": now,
        "locale": "en",
        "timezone": dict(DEFAULT_TIMEZONE),
        "is_bot": is_bot,
        "disable_welcome_email": False,
        "password": hash_password(password, salt) if password else "",
    }
    rt.store.insert("users", user)
    rt.store.put("statuses", offline_status(user["id"]))
    return user


def offline_status(user_id: str) -> Doc:
    return {
        "user_id": user_id,
        "status": "offline",
        "manual": False,
        "last_activity_at": 0,
        "dnd_end_time": 0,
    }


def create_bot(
    rt: Runtime, user: Doc, owner_id: str, display_name: str = "", at: int | None = None
) -> Doc:
    now = _now(rt, at)
    bot = {
        "user_id": user["id"],
        "username": user["username"],
        "display_name": display_name,
        "description": "",
        "owner_id": owner_id,
        "create_at": now,
        "update_at": now,
        "delete_at": 0,
    }
    rt.store.insert("bots", bot)
    return bot


# -- sessions ---------------------------------------------------------------------------------


def create_session(rt: Runtime, user: Doc, device_id: str = "", is_oauth: bool = False) -> Doc:
    now = rt.clock.now_ms()
    config = get_config(rt)
    hours = config["ServiceSettings"]["SessionLengthWebInHours"]
    session = {
        "id": rt.ids.mattermost_id(),
        "token": rt.ids.mattermost_token(),
        "create_at": now,
        "expires_at": now + hours * 3600 * 1000,
        "last_activity_at": now,
        "user_id": user["id"],
        "device_id": device_id,
        "roles": user["roles"],
        "is_oauth": is_oauth,
        "expired_notify": False,
        "props": {"csrf": rt.ids.mattermost_token(), "platform": "", "os": "", "browser": ""},
        "local": False,
    }
    rt.store.insert("sessions", session)
    return session


# -- config -----------------------------------------------------------------------------------


def get_config(rt: Runtime) -> dict[str, dict[str, Any]]:
    return rt.store.get("config", "config")["settings"]


# -- teams ------------------------------------------------------------------------------------


def create_team(
    rt: Runtime,
    *,
    name: str,
    display_name: str,
    creator_id: str,
    description: str = "",
    team_type: str = "O",
    at: int | None = None,
) -> Doc:
    now = _now(rt, at)
    team = {
        "id": rt.ids.mattermost_id(),
        "create_at": now,
        "update_at": now,
        "delete_at": 0,
        "display_name": display_name,
        "name": name,
        "description": description,
        "email": "",
        "type": team_type,
        "company_name": "",
        "allowed_domains": "",
        "invite_id": rt.ids.mattermost_id(),
        "allow_open_invite": team_type == "O",
        "scheme_id": "",
        "group_constrained": False,
        "policy_id": None,
        "cloud_limits_archived": False,
    }
    with rt.store.transaction():
        rt.store.insert("teams", team)
        # The real server gives every new team these two public channels.
        for channel_name, title in (("town-square", "Town Square"), ("off-topic", "Off-Topic")):
            create_channel(
                rt,
                team_id=team["id"],
                name=channel_name,
                display_name=title,
                channel_type="O",
                creator_id="",
                at=now,
            )
        if creator_id:
            add_team_member(rt, team, creator_id, admin=True, at=now)
    return team


def add_team_member(
    rt: Runtime, team: Doc, user_id: str, admin: bool = False, at: int | None = None
) -> Doc:
    """Join a team and, as the real server does, its default channels."""
    key = member_id(team["id"], user_id)
    existing = rt.store.get("team_members", key)
    if existing is not None and existing["delete_at"] == 0:
        return existing
    member = {
        "id": key,
        "team_id": team["id"],
        "user_id": user_id,
        "roles": "team_user team_admin" if admin else "team_user",
        "delete_at": 0,
        "scheme_guest": False,
        "scheme_user": True,
        "scheme_admin": admin,
        "explicit_roles": "",
    }
    with rt.store.transaction():
        rt.store.put("team_members", member)
        for default in ("town-square", "off-topic"):
            channel = rt.store.find_one("channels", "team_name", (team["id"], default))
            if channel is not None:
                add_channel_member(rt, channel, user_id, at=at)
    return member


# -- channels ---------------------------------------------------------------------------------


def create_channel(
    rt: Runtime,
    *,
    team_id: str,
    name: str,
    display_name: str,
    channel_type: str,
    creator_id: str,
    purpose: str = "",
    header: str = "",
    at: int | None = None,
) -> Doc:
    now = _now(rt, at)
    channel = {
        "id": rt.ids.mattermost_id(),
        "create_at": now,
        "update_at": now,
        "delete_at": 0,
        "team_id": team_id,
        "type": channel_type,
        "display_name": display_name,
        "name": name,
        "header": header,
        "purpose": purpose,
        "last_post_at": now,
        "total_msg_count": 0,
        "extra_update_at": 0,
        "creator_id": creator_id,
        "scheme_id": None,
        "props": None,
        "group_constrained": None,
        "shared": None,
        "total_msg_count_root": 0,
        "policy_id": None,
        "last_root_post_at": now,
    }
    rt.store.insert("channels", channel)
    return channel


def add_channel_member(
    rt: Runtime, channel: Doc, user_id: str, admin: bool = False, at: int | None = None
) -> Doc:
    key = member_id(channel["id"], user_id)
    existing = rt.store.get("channel_members", key)
    if existing is not None:
        return existing
    member = {
        "id": key,
        "channel_id": channel["id"],
        "user_id": user_id,
        "roles": "channel_user channel_admin" if admin else "channel_user",
        "last_viewed_at": _now(rt, at),
        "msg_count": channel["total_msg_count"],
        "mention_count": 0,
        "mention_count_root": 0,
        "urgent_mention_count": 0,
        "msg_count_root": channel["total_msg_count_root"],
        "notify_props": dict(CHANNEL_NOTIFY_PROPS),
        "last_update_at": _now(rt, at),
        "scheme_guest": False,
        "scheme_user": True,
        "scheme_admin": admin,
        "explicit_roles": "",
    }
    rt.store.put("channel_members", member)
    return member


def create_direct_channel(rt: Runtime, user_a: str, user_b: str, at: int | None = None) -> Doc:
    name = dm_channel_name(user_a, user_b)
    existing = rt.store.find_one("channels", "team_name", ("", name))
    if existing is not None:
        return existing
    with rt.store.transaction():
        channel = create_channel(
            rt, team_id="", name=name, display_name="", channel_type="D", creator_id=user_a, at=at
        )
        for user_id in {user_a, user_b}:
            add_channel_member(rt, channel, user_id, at=at)
    return channel


def create_group_channel(rt: Runtime, user_ids: list[str], at: int | None = None) -> Doc:
    name = group_channel_name(user_ids)
    existing = rt.store.find_one("channels", "team_name", ("", name))
    if existing is not None:
        return existing
    usernames = sorted(rt.store.get("users", uid)["username"] for uid in user_ids)
    with rt.store.transaction():
        channel = create_channel(
            rt,
            team_id="",
            name=name,
            display_name=", ".join(usernames),
            channel_type="G",
            creator_id=user_ids[0],
            at=at,
        )
        for user_id in user_ids:
            add_channel_member(rt, channel, user_id, at=at)
    return channel


# -- posts ------------------------------------------------------------------------------------


def create_post(
    rt: Runtime,
    *,
    channel: Doc,
    user_id: str,
    message: str,
    root_id: str = "",
    file_ids: list[str] | None = None,
    props: Doc | None = None,
    post_type: str = "",
    pending_post_id: str = "",
    at: int | None = None,
) -> Doc:
    now = _now(rt, at)
    post = {
        "id": rt.ids.mattermost_id(),
        "create_at": now,
        "update_at": now,
        "edit_at": 0,
        "delete_at": 0,
        "is_pinned": False,
        "user_id": user_id,
        "channel_id": channel["id"],
        "root_id": root_id,
        "original_id": "",
        "message": message,
        "type": post_type,
        "props": props or {},
        "hashtags": "",
        "file_ids": list(file_ids or []),
        "pending_post_id": pending_post_id,
        "has_reactions": False,
        "reply_count": 0,
        "last_reply_at": 0,
        "participants": None,
    }
    with rt.store.transaction():
        if root_id:
            root = rt.store.get("posts", root_id)
            replies = rt.store.count_by("posts", "root_id", root_id) + 1
            rt.store.update("posts", root_id, {"reply_count": replies, "last_reply_at": now})
            post["reply_count"] = replies
            for reply in rt.store.find("posts", "root_id", root_id):
                rt.store.update("posts", reply["id"], {"reply_count": replies})
            del root
        rt.store.insert("posts", post)
        fresh = rt.store.get("channels", channel["id"])
        changes = {"last_post_at": now, "total_msg_count": fresh["total_msg_count"] + 1}
        if not root_id:
            changes["total_msg_count_root"] = fresh["total_msg_count_root"] + 1
            changes["last_root_post_at"] = now
        rt.store.update("channels", channel["id"], changes)
        for file_id in post["file_ids"]:
            if rt.store.get("files", file_id) is not None:
                rt.store.update("files", file_id, {"post_id": post["id"]})
    if rt.events.active:
        publish_posted(rt, post)
    return post


def publish_posted(rt: Runtime, post: Doc) -> None:
    """The ``posted`` WebSocket event (``publishWebsocketEventForPost``)."""
    channel = rt.store.get("channels", post["channel_id"])
    sender = rt.store.get("users", post["user_id"])
    sender_name = f"@{sender['username']}" if sender else ""
    display = channel["display_name"]
    if channel["type"] == "D":
        display = sender_name
    data = {
        "channel_display_name": display,
        "channel_name": channel["name"],
        "channel_type": channel["type"],
        "post": json.dumps(wire.post(post), separators=(",", ":")),
        "sender_name": sender_name,
        "set_online": True,
        "team_id": channel["team_id"],
    }
    if post["file_ids"]:
        data["otherFile"] = "true"
    broadcast = {"channel_id": channel["id"], "team_id": "", "user_id": "", "omit_users": None}
    rt.events.publish("posted", {"data": data, "broadcast": broadcast})


def add_reaction(
    rt: Runtime, post: Doc, user_id: str, emoji_name: str, at: int | None = None
) -> Doc:
    now = _now(rt, at)
    reaction = {
        "id": f"{post['id']}:{user_id}:{emoji_name}",
        "user_id": user_id,
        "post_id": post["id"],
        "emoji_name": emoji_name,
        "create_at": now,
        "update_at": now,
        "delete_at": 0,
        "remote_id": "",
        "channel_id": post["channel_id"],
    }
    with rt.store.transaction():
        rt.store.put("reactions", reaction)
        rt.store.update("posts", post["id"], {"has_reactions": True, "update_at": now})
    return reaction


def create_file_info(
    rt: Runtime,
    *,
    user_id: str,
    channel_id: str,
    name: str,
    size: int,
    mime_type: str,
    at: int | None = None,
) -> Doc:
    now = _now(rt, at)
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    info = {
        "id": rt.ids.mattermost_id(),
        "user_id": user_id,
        "post_id": "",
        "channel_id": channel_id,
        "create_at": now,
        "update_at": now,
        "delete_at": 0,
        "name": name,
        "extension": extension,
        "size": size,
        "mime_type": mime_type,
        "has_preview_image": mime_type.startswith("image/"),
        "mini_preview": None,
        "remote_id": "",
        "archived": False,
    }
    rt.store.insert("files", info)
    return info
