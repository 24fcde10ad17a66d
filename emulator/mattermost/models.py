"""Mattermost domain operations, shared by REST handlers, the WebSocket hub, hooks and seeding.

They take the runtime and plain values, never ``flask.request``; timestamps default to the
emulator clock so that seeding can pass its own fixed ones.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import zlib
from typing import Any

from ..core.ids import is_mattermost_id
from ..core.passwords import hash_password
from ..core.runtime import Runtime
from ..core.store import DuplicateKey
from . import errors, wire
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
    if rt.events.active:
        rt.events.publish(
            "new_user",
            {
                "data": {"user_id": user["id"]},
                "broadcast": {"channel_id": "", "team_id": "", "user_id": "", "omit_users": None},
            },
        )
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
    if rt.events.active:
        rt.events.publish(
            "added_to_team",
            {
                "data": {"team_id": team["id"], "user_id": user_id},
                "broadcast": {
                    "channel_id": "",
                    "team_id": "",
                    "user_id": user_id,
                    "omit_users": None,
                },
            },
        )
    return member


# -- accounts: profile, activation, status, preferences ---------------------------------------

USERNAME_MAX_LENGTH = 22
PASSWORD_MAX_LENGTH = 72
RESERVED_USERNAMES = {"all", "channel", "here", "matterbot", "system"}
STATUSES = ("online", "away", "dnd", "offline")


def setting(rt: Runtime, section: str, name: str, default: Any = None) -> Any:
    """One config value; settings added after a store was written fall back to ``default``."""
    return get_config(rt).get(section, {}).get(name, default)


def is_valid_username(name: str) -> bool:
    """``IsValidUsername``: 3-22 of a-z 0-9 . - _, starting with a letter, not reserved."""
    return (
        3 <= len(name) <= USERNAME_MAX_LENGTH
        and name[0].isascii()
        and name[0].isalpha()
        and all(c.isascii() and (c.isalnum() or c in ".-_") for c in name)
        and name == name.lower()
        and name not in RESERVED_USERNAMES
    )


def is_valid_email(email: str) -> bool:
    local, at, domain = email.partition("@")
    return bool(at and local and domain) and " " not in email and len(email) <= 128


def password_problem(rt: Runtime, password: str) -> tuple[str, int] | None:
    """``IsPasswordValidWithSettings``: (error id, minimum length) of a bad password, else None.

    Only the length rules: the character-class settings default to off.
    """
    minimum = setting(rt, "PasswordSettings", "MinimumLength", 8)
    if len(password) < minimum:
        return "model.user.is_valid.pwd_min_length.app_error", minimum
    if len(password) > PASSWORD_MAX_LENGTH:
        return "model.user.is_valid.pwd_max_length.app_error", minimum
    return None


def update_user(rt: Runtime, user_id: str, changes: Doc) -> Doc:
    """Replace profile fields (DuplicateKey on a taken username/email); publishes user_updated."""
    changes = dict(changes)
    for key in ("username", "email"):
        if key in changes:
            changes[key] = changes[key].lower()
    changes["update_at"] = rt.clock.now_ms()
    with rt.store.transaction():
        user = rt.store.update("users", user_id, changes)
        if user.get("is_bot") and "username" in changes and rt.store.get("bots", user_id):
            rt.store.update("bots", user_id, {"username": user["username"]})
    if rt.events.active:
        publish_user_updated(rt, user)
    return user


def publish_user_updated(rt: Runtime, user: Doc) -> None:
    rt.events.publish(
        "user_updated",
        {
            "data": {"user": wire.user(user)},
            "broadcast": {"channel_id": "", "team_id": "", "user_id": "", "omit_users": None},
        },
    )


def set_user_active(rt: Runtime, user_id: str, active: bool) -> Doc:
    """Deactivate (``delete_at`` set, sessions revoked) or reactivate a user; bots follow."""
    now = rt.clock.now_ms()
    delete_at = 0 if active else now
    with rt.store.transaction():
        user = rt.store.update("users", user_id, {"delete_at": delete_at, "update_at": now})
        if rt.store.get("bots", user_id) is not None:
            rt.store.update("bots", user_id, {"delete_at": delete_at, "update_at": now})
        if not active:
            revoke_user_sessions(rt, user_id)
            set_status(rt, user_id, "offline", manual=False)
    if rt.events.active:
        publish_user_updated(rt, user)
    return user


def set_password(rt: Runtime, user_id: str, password: str) -> Doc:
    now = rt.clock.now_ms()
    return rt.store.update(
        "users",
        user_id,
        {"password": hash_password(password), "last_password_update": now, "update_at": now},
    )


def set_status(
    rt: Runtime, user_id: str, status: str, manual: bool = True, dnd_end_time: int = 0
) -> Doc:
    previous = rt.store.get("statuses", user_id) or offline_status(user_id)
    doc = {
        **previous,
        "status": status,
        "manual": manual,
        "last_activity_at": rt.clock.now_ms(),
        "dnd_end_time": dnd_end_time if status == "dnd" else 0,
    }
    rt.store.put("statuses", doc)
    if rt.events.active:
        rt.events.publish(
            "status_change",
            {
                "data": {"status": status, "user_id": user_id},
                "broadcast": {
                    "channel_id": "",
                    "team_id": "",
                    "user_id": user_id,
                    "omit_users": None,
                },
            },
        )
    return doc


def set_profile_image(rt: Runtime, user_id: str, data_b64: str, content_type: str) -> Doc:
    now = rt.clock.now_ms()
    with rt.store.transaction():
        rt.store.put(
            "profile_images",
            {"user_id": user_id, "data": data_b64, "content_type": content_type, "at": now},
        )
        user = rt.store.update("users", user_id, {"last_picture_update": now, "update_at": now})
    return user


def reset_profile_image(rt: Runtime, user_id: str) -> Doc:
    now = rt.clock.now_ms()
    with rt.store.transaction():
        rt.store.delete("profile_images", user_id)
        user = rt.store.update("users", user_id, {"last_picture_update": -now, "update_at": now})
    return user


def preference_id(user_id: str, category: str, name: str) -> str:
    return f"{user_id}:{category}:{name}"


def save_preferences(rt: Runtime, user_id: str, preferences: list[Doc]) -> None:
    with rt.store.transaction():
        for pref in preferences:
            rt.store.put(
                "preferences",
                {
                    "id": preference_id(user_id, pref["category"], pref["name"]),
                    "user_id": user_id,
                    "category": pref["category"],
                    "name": pref["name"],
                    "value": pref["value"],
                },
            )
    _publish_preferences(rt, "preferences_changed", user_id, preferences)


def delete_preferences(rt: Runtime, user_id: str, preferences: list[Doc]) -> None:
    with rt.store.transaction():
        for pref in preferences:
            rt.store.delete("preferences", preference_id(user_id, pref["category"], pref["name"]))
    _publish_preferences(rt, "preferences_deleted", user_id, preferences)


def _publish_preferences(rt: Runtime, event: str, user_id: str, preferences: list[Doc]) -> None:
    if not rt.events.active:
        return
    shown = [
        {"user_id": user_id, "category": p["category"], "name": p["name"], "value": p["value"]}
        for p in preferences
    ]
    rt.events.publish(
        event,
        {
            "data": {"preferences": json.dumps(shown, separators=(",", ":"))},
            "broadcast": {"channel_id": "", "team_id": "", "user_id": user_id, "omit_users": None},
        },
    )


# -- access tokens and sessions ---------------------------------------------------------------


def create_access_token(rt: Runtime, user_id: str, description: str) -> Doc:
    token = {
        "id": rt.ids.mattermost_id(),
        "token": rt.ids.mattermost_token(),
        "user_id": user_id,
        "description": description,
        "is_active": True,
    }
    rt.store.insert("access_tokens", token)
    return token


def set_access_token_active(rt: Runtime, token_id: str, active: bool) -> Doc:
    return rt.store.update("access_tokens", token_id, {"is_active": active})


def revoke_access_token(rt: Runtime, token_id: str) -> None:
    rt.store.delete("access_tokens", token_id)


def attach_device(rt: Runtime, session: Doc, device_id: str) -> Doc:
    """Bind a session to a mobile device: other sessions of that device go, and the session
    lasts ``SessionLengthMobileInHours`` from now."""
    now = rt.clock.now_ms()
    hours = setting(rt, "ServiceSettings", "SessionLengthMobileInHours", 720)
    with rt.store.transaction():
        for other in rt.store.find("sessions", "user_id", session["user_id"]):
            if other["id"] != session["id"] and other.get("device_id") == device_id:
                rt.store.delete("sessions", other["id"])
        return rt.store.update(
            "sessions",
            session["id"],
            {"device_id": device_id, "expires_at": now + hours * 3600 * 1000},
        )


def revoke_session(rt: Runtime, session_id: str) -> None:
    rt.store.delete("sessions", session_id)


def revoke_user_sessions(rt: Runtime, user_id: str) -> None:
    with rt.store.transaction():
        for session in rt.store.find("sessions", "user_id", user_id):
            rt.store.delete("sessions", session["id"])


def revoke_all_sessions(rt: Runtime) -> None:
    with rt.store.transaction():
        for session in rt.store.all("sessions"):
            rt.store.delete("sessions", session["id"])


# -- bots -------------------------------------------------------------------------------------


def create_bot_account(
    rt: Runtime, *, username: str, display_name: str, description: str, owner_id: str
) -> Doc:
    """``CreateBot``: a bot user (email ``<username>@localhost``) and its bot record."""
    with rt.store.transaction():
        user = create_user(
            rt,
            username=username,
            email=f"{username.lower()}@localhost",
            password=None,
            first_name=display_name,
            is_bot=True,
        )
        user = rt.store.update("users", user["id"], {"bot_description": description})
        bot = create_bot(rt, user, owner_id, display_name)
        bot = rt.store.update("bots", user["id"], {"description": description})
    return bot


def patch_bot(rt: Runtime, bot_id: str, changes: Doc) -> Doc:
    now = rt.clock.now_ms()
    user_changes: Doc = {"update_at": now}
    if "username" in changes:
        user_changes["username"] = changes["username"].lower()
    if "display_name" in changes:
        user_changes["first_name"] = changes["display_name"]
    if "description" in changes:
        user_changes["bot_description"] = changes["description"]
    with rt.store.transaction():
        rt.store.update("users", bot_id, user_changes)
        fresh = {**changes, "update_at": now}
        if "username" in fresh:
            fresh["username"] = fresh["username"].lower()
        return rt.store.update("bots", bot_id, fresh)


def convert_user_to_bot(rt: Runtime, user: Doc) -> Doc:
    """``ConvertUserToBot``: the account becomes a bot it owns itself; its sessions end."""
    with rt.store.transaction():
        fresh = rt.store.update(
            "users", user["id"], {"is_bot": True, "password": "", "update_at": rt.clock.now_ms()}
        )
        revoke_user_sessions(rt, user["id"])
        display = f"{user['first_name']} {user['last_name']}".strip() or user["username"]
        bot = create_bot(rt, fresh, user["id"], display)
    return bot


def convert_bot_to_user(rt: Runtime, bot: Doc, changes: Doc, password: str, admin: bool) -> Doc:
    """``ConvertBotToUser``: the bot record goes, the account gets a password (and a patch)."""
    now = rt.clock.now_ms()
    updates = {
        **changes,
        "is_bot": False,
        "bot_description": "",
        "password": hash_password(password),
        "last_password_update": now,
        "update_at": now,
    }
    if admin:
        updates["roles"] = "system_admin system_user"
    with rt.store.transaction():
        user = rt.store.update("users", bot["user_id"], updates)
        rt.store.delete("bots", bot["user_id"])
    return user


def assign_bot(rt: Runtime, bot_id: str, owner_id: str) -> Doc:
    return rt.store.update("bots", bot_id, {"owner_id": owner_id, "update_at": rt.clock.now_ms()})


# -- teams (changes) --------------------------------------------------------------------------


def update_team(rt: Runtime, team_id: str, changes: Doc) -> Doc:
    team = rt.store.update("teams", team_id, {**changes, "update_at": rt.clock.now_ms()})
    if rt.events.active:
        rt.events.publish(
            "update_team",
            {
                "data": {"team": json.dumps(wire.team(team), separators=(",", ":"))},
                "broadcast": {"channel_id": "", "team_id": "", "user_id": "", "omit_users": None},
            },
        )
    return team


def delete_team(rt: Runtime, team: Doc, permanent: bool = False) -> None:
    """Archive a team (``delete_at``), or remove it with its channels and memberships."""
    now = rt.clock.now_ms()
    with rt.store.transaction():
        if not permanent:
            rt.store.update("teams", team["id"], {"delete_at": now, "update_at": now})
        else:
            for channel in rt.store.find("channels", "team_id", team["id"]):
                for member in rt.store.find("channel_members", "channel_id", channel["id"]):
                    rt.store.delete("channel_members", member["id"])
                rt.store.delete("channels", channel["id"])
            for member in rt.store.find("team_members", "team_id", team["id"]):
                rt.store.delete("team_members", member["id"])
            rt.store.delete("teams", team["id"])
    if rt.events.active:
        rt.events.publish(
            "delete_team",
            {
                "data": {"team": json.dumps(wire.team(team), separators=(",", ":"))},
                "broadcast": {"channel_id": "", "team_id": "", "user_id": "", "omit_users": None},
            },
        )


def set_team_icon(rt: Runtime, team_id: str, data_b64: str | None, content_type: str = "") -> Doc:
    """Store a team icon (``None`` removes it); ``last_team_icon_update`` follows."""
    now = rt.clock.now_ms()
    with rt.store.transaction():
        if data_b64 is None:
            rt.store.delete("team_icons", team_id)
        else:
            rt.store.put(
                "team_icons", {"team_id": team_id, "data": data_b64, "content_type": content_type}
            )
        return update_team(rt, team_id, {"last_team_icon_update": now if data_b64 else 0})


def remove_team_member(rt: Runtime, team: Doc, user_id: str) -> None:
    """Leave a team: the membership gets ``delete_at``, its channel memberships go."""
    key = member_id(team["id"], user_id)
    now = rt.clock.now_ms()
    with rt.store.transaction():
        rt.store.update("team_members", key, {"delete_at": now})
        for member in rt.store.find("channel_members", "user_id", user_id):
            channel = rt.store.get("channels", member["channel_id"])
            if channel is not None and channel["team_id"] == team["id"]:
                rt.store.delete("channel_members", member["id"])
    if rt.events.active:
        rt.events.publish(
            "leave_team",
            {
                "data": {"team_id": team["id"], "user_id": user_id},
                "broadcast": {
                    "channel_id": "",
                    "team_id": team["id"],
                    "user_id": "",
                    "omit_users": None,
                },
            },
        )


def set_team_member_roles(rt: Runtime, team_id: str, user_id: str, roles: list[str]) -> Doc:
    return rt.store.update(
        "team_members",
        member_id(team_id, user_id),
        {
            "roles": " ".join(roles),
            "scheme_user": "team_user" in roles,
            "scheme_admin": "team_admin" in roles,
            "scheme_guest": "team_guest" in roles,
        },
    )


def team_unread(rt: Runtime, team_id: str, user_id: str) -> Doc:
    """Unread and mention counts summed over the user's channels in the team."""
    counts = {"msg_count": 0, "mention_count": 0, "mention_count_root": 0, "msg_count_root": 0}
    for member in rt.store.find("channel_members", "user_id", user_id):
        channel = rt.store.get("channels", member["channel_id"])
        if channel is None or channel["team_id"] != team_id or channel["delete_at"]:
            continue
        counts["msg_count"] += max(channel["total_msg_count"] - member["msg_count"], 0)
        counts["msg_count_root"] += max(
            channel["total_msg_count_root"] - member["msg_count_root"], 0
        )
        counts["mention_count"] += member["mention_count"]
        counts["mention_count_root"] += member["mention_count_root"]
    return {"team_id": team_id, **counts}


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
            creator_id="",  # createGroupChannel sets no CreatorId
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
    props = props or {}
    if not post_type and props.get("attachments"):
        post_type = "slack_attachment"
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
        mentioned = mentioned_user_ids(rt, fresh, message, user_id)
        if at is None:
            count_mentions(rt, fresh, mentioned, root_id)
        if root_id:
            follow_thread_on_reply(rt, post, mentioned)
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
        "post": json.dumps(render_post(rt, post), separators=(",", ":")),
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
    publish_reaction(rt, "reaction_added", reaction)
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


# -- channel lifecycle and membership (REST part B) -------------------------------------------

_CHANNEL_NAME_RE = re.compile(r"^[a-z0-9]+([a-z\-_0-9]+|(__)?)[a-z0-9]*$")
_GM_NAME_RE = re.compile(r"^[a-f0-9]{40}$")
CHANNEL_DISPLAY_NAME_MAX = 64
CHANNEL_NAME_MAX = 64
CHANNEL_HEADER_MAX = 1024
CHANNEL_PURPOSE_MAX = 250


def validate_channel(channel: Doc) -> None:
    """``Channel.IsValid`` for the fields a client controls."""
    name = channel["name"]
    if len(channel["display_name"]) > CHANNEL_DISPLAY_NAME_MAX:
        raise errors.AppError(400, errors.CHANNEL_DISPLAY_NAME_INVALID, f"id={channel['id']}")
    if not name or len(name) > CHANNEL_NAME_MAX or not _CHANNEL_NAME_RE.match(name):
        raise errors.AppError(400, errors.CHANNEL_NAME_INVALID, f"id={channel['id']}")
    if channel["type"] not in ("O", "P", "D", "G"):
        raise errors.AppError(400, errors.CHANNEL_TYPE_INVALID, f"id={channel['id']}")
    if len(channel["header"]) > CHANNEL_HEADER_MAX:
        raise errors.AppError(400, errors.CHANNEL_HEADER_INVALID, f"id={channel['id']}")
    if len(channel["purpose"]) > CHANNEL_PURPOSE_MAX:
        raise errors.AppError(400, errors.CHANNEL_PURPOSE_INVALID, f"id={channel['id']}")
    if channel["type"] in ("O", "P"):
        parts = name.split("__")
        user_ids = len(parts) == 2 and all(is_mattermost_id(p) for p in parts)
        if _GM_NAME_RE.match(name) or user_ids:
            raise errors.AppError(400, errors.CHANNEL_NAME_USER_IDS)


def publish_channel_updated(rt: Runtime, channel: Doc) -> None:
    if rt.events.active:
        rt.events.publish(
            "channel_updated",
            {
                "data": {"channel": json.dumps(wire.channel(channel), separators=(",", ":"))},
                "broadcast": _broadcast(channel_id=channel["id"]),
            },
        )


def _broadcast(
    channel_id: str = "", team_id: str = "", user_id: str = "", omit: list[str] | None = None
) -> Doc:
    return {
        "omit_users": {u: True for u in omit} if omit else None,
        "user_id": user_id,
        "channel_id": channel_id,
        "team_id": team_id,
    }


def create_team_channel(
    rt: Runtime,
    *,
    team: Doc,
    creator_id: str,
    name: str,
    display_name: str,
    channel_type: str,
    purpose: str = "",
    header: str = "",
) -> Doc:
    """``CreateChannelWithUser``: validate, save (unique per team), make the creator its admin."""
    probe = {
        "id": "",
        "name": name,
        "display_name": display_name.strip(),
        "type": channel_type,
        "header": header,
        "purpose": purpose,
    }
    if not probe["display_name"]:
        raise errors.AppError(400, errors.CHANNEL_DISPLAY_NAME_INVALID)
    validate_channel(probe)
    if rt.store.find_one("channels", "team_name", (team["id"], name)) is not None:
        raise errors.AppError(400, errors.CHANNEL_EXISTS, f"name={name}")
    try:
        channel = _create_with_creator(
            rt, team, creator_id, name, probe["display_name"], channel_type, purpose, header
        )
    except DuplicateKey:  # lost a race for the name
        raise errors.AppError(400, errors.CHANNEL_EXISTS, f"name={name}") from None
    if rt.events.active:
        rt.events.publish(
            "channel_created",
            {
                "data": {"channel_id": channel["id"], "team_id": team["id"]},
                "broadcast": _broadcast(user_id=creator_id),
            },
        )
    return channel


def _create_with_creator(
    rt: Runtime,
    team: Doc,
    creator_id: str,
    name: str,
    display_name: str,
    channel_type: str,
    purpose: str,
    header: str,
) -> Doc:
    with rt.store.transaction():
        channel = create_channel(
            rt,
            team_id=team["id"],
            name=name,
            display_name=display_name,
            channel_type=channel_type,
            creator_id=creator_id,
            purpose=purpose,
            header=header,
        )
        add_channel_member(rt, channel, creator_id, admin=True)
    return channel


def update_channel(rt: Runtime, channel: Doc, changes: Doc) -> Doc:
    """Apply changes to a channel (already permission-checked), validating the result."""
    merged = {**channel, **changes}
    validate_channel(merged)
    if merged["name"] != channel["name"]:
        other = rt.store.find_one("channels", "team_name", (channel["team_id"], merged["name"]))
        if other is not None and other["id"] != channel["id"]:
            raise errors.AppError(400, errors.CHANNEL_EXISTS, f"name={merged['name']}")
    try:
        updated = rt.store.update(
            "channels", channel["id"], {**changes, "update_at": rt.clock.now_ms()}
        )
    except DuplicateKey:  # lost a race for the name
        raise errors.AppError(400, errors.CHANNEL_EXISTS, f"name={merged['name']}") from None
    publish_channel_updated(rt, updated)
    return updated


def convert_channel(rt: Runtime, channel: Doc, channel_type: str) -> Doc:
    """``UpdateChannelPrivacy``: the type changes, and the team hears ``channel_converted``."""
    updated = update_channel(rt, channel, {"type": channel_type})
    if rt.events.active:
        rt.events.publish(
            "channel_converted",
            {
                "data": {"channel_id": channel["id"]},
                "broadcast": _broadcast(team_id=channel["team_id"]),
            },
        )
    return updated


def archive_channel(rt: Runtime, channel: Doc) -> Doc:
    now = rt.clock.now_ms()
    updated = rt.store.update("channels", channel["id"], {"delete_at": now, "update_at": now})
    if rt.events.active:
        public = channel["type"] == "O"
        rt.events.publish(
            "channel_deleted",
            {
                "data": {"channel_id": channel["id"], "delete_at": now},
                "broadcast": _broadcast(
                    team_id=channel["team_id"] if public else "",
                    channel_id="" if public else channel["id"],
                ),
            },
        )
    return updated


def restore_channel(rt: Runtime, channel: Doc) -> Doc:
    updated = rt.store.update(
        "channels", channel["id"], {"delete_at": 0, "update_at": rt.clock.now_ms()}
    )
    if rt.events.active:
        rt.events.publish(
            "channel_restored",
            {
                "data": {"channel_id": channel["id"]},
                "broadcast": _broadcast(team_id=channel["team_id"]),
            },
        )
    return updated


def _system_post(
    rt: Runtime, channel: Doc, user_id: str, post_type: str, message: str, props: Doc
) -> None:
    if channel["type"] in ("O", "P"):
        create_post(
            rt, channel=channel, user_id=user_id, message=message, post_type=post_type, props=props
        )


def join_channel(rt: Runtime, channel: Doc, user_id: str, actor_id: str | None = None) -> Doc:
    """Add a member, post the ``system_join_channel`` / ``system_add_to_channel`` message and
    tell the channel (``user_added``), as ``AddChannelMember`` does."""
    key = member_id(channel["id"], user_id)
    existing = rt.store.get("channel_members", key)
    if existing is not None:
        return existing
    user = rt.store.get("users", user_id)
    actor = rt.store.get("users", actor_id) if actor_id else None
    with rt.store.transaction():
        member = add_channel_member(rt, channel, user_id)
        if actor is None or actor["id"] == user_id:
            _system_post(
                rt,
                channel,
                user_id,
                "system_join_channel",
                f"{user['username']} joined the channel.",
                {"username": user["username"]},
            )
        else:
            _system_post(
                rt,
                channel,
                actor["id"],
                "system_add_to_channel",
                f"{user['username']} added to the channel by {actor['username']}.",
                {
                    "userId": actor["id"],
                    "username": actor["username"],
                    "addedUserId": user_id,
                    "addedUsername": user["username"],
                },
            )
    if rt.events.active:
        data = {"user_id": user_id, "team_id": channel["team_id"]}
        rt.events.publish(
            "user_added",
            {"data": data, "broadcast": _broadcast(channel_id=channel["id"], omit=[user_id])},
        )
        rt.events.publish(
            "user_added",
            {"data": data, "broadcast": _broadcast(channel_id=channel["id"], user_id=user_id)},
        )
    return member


def leave_channel(rt: Runtime, channel: Doc, user_id: str, remover_id: str) -> None:
    """Drop a member with the ``system_leave_channel`` / ``system_remove_from_channel`` post."""
    user = rt.store.get("users", user_id)
    with rt.store.transaction():
        rt.store.delete("channel_members", member_id(channel["id"], user_id))
        if remover_id == user_id:
            _system_post(
                rt,
                channel,
                user_id,
                "system_leave_channel",
                f"{user['username']} left the channel.",
                {"username": user["username"]},
            )
        else:
            _system_post(
                rt,
                channel,
                remover_id,
                "system_remove_from_channel",
                f"{user['username']} removed from the channel.",
                {"removedUserId": user_id, "removedUsername": user["username"]},
            )
    if rt.events.active:
        rt.events.publish(
            "user_removed",
            {
                "data": {"user_id": user_id, "remover_id": remover_id},
                "broadcast": _broadcast(channel_id=channel["id"]),
            },
        )
        rt.events.publish(
            "user_removed",
            {
                "data": {"channel_id": channel["id"], "remover_id": remover_id},
                "broadcast": _broadcast(user_id=user_id),
            },
        )


def view_channels(rt: Runtime, user_id: str, channel_ids: list[str]) -> dict[str, int]:
    """Mark channels read for a user; answers ``{channel_id: previous last_viewed_at}``."""
    now = rt.clock.now_ms()
    times: dict[str, int] = {}
    with rt.store.transaction():
        for channel_id in channel_ids:
            member = rt.store.get("channel_members", member_id(channel_id, user_id))
            channel = rt.store.get("channels", channel_id)
            if member is None or channel is None:
                continue
            times[channel_id] = member["last_viewed_at"]
            rt.store.update(
                "channel_members",
                member["id"],
                {
                    "last_viewed_at": now,
                    "last_update_at": now,
                    "msg_count": channel["total_msg_count"],
                    "msg_count_root": channel["total_msg_count_root"],
                    "mention_count": 0,
                    "mention_count_root": 0,
                    "urgent_mention_count": 0,
                },
            )
    if times and rt.events.active:
        rt.events.publish(
            "multiple_channels_viewed",
            {
                "data": {"channel_times": {cid: now for cid in times}},
                "broadcast": _broadcast(user_id=user_id),
            },
        )
    return times


# -- posts: mentions, threads, edits, deletes, reactions (REST part B) ------------------------

_MENTION_RE = re.compile(r"@([a-z0-9.\-_]+)", re.IGNORECASE)
_CHANNEL_WIDE = {"channel", "all", "here"}


def mentioned_user_ids(rt: Runtime, channel: Doc, message: str, sender_id: str) -> list[str]:
    """Channel members a message mentions (``@name``, ``@channel``/``@all``/``@here``; the other
    side of a DM always), in a stable order, never the sender."""
    members = [m["user_id"] for m in rt.store.find("channel_members", "channel_id", channel["id"])]
    if channel["type"] == "D":
        return [u for u in members if u != sender_id]
    found: dict[str, None] = {}
    for raw in _MENTION_RE.findall(message or ""):
        name = raw.lower().rstrip(".-_")
        if name in _CHANNEL_WIDE:
            found.update(dict.fromkeys(u for u in members if u != sender_id))
            continue
        user = rt.store.find_one("users", "username", name)
        if user is not None and user["id"] != sender_id and user["id"] in members:
            found[user["id"]] = None
    return list(found)


def count_mentions(rt: Runtime, channel: Doc, user_ids: list[str], root_id: str) -> None:
    for user_id in user_ids:
        member = rt.store.get("channel_members", member_id(channel["id"], user_id))
        if member is None:
            continue
        changes = {"mention_count": member["mention_count"] + 1}
        if not root_id:
            changes["mention_count_root"] = member["mention_count_root"] + 1
        rt.store.update("channel_members", member["id"], changes)


def thread_membership_id(post_id: str, user_id: str) -> str:
    return f"{post_id}:{user_id}"


def set_thread_following(
    rt: Runtime, root: Doc, user_id: str, following: bool, viewed_at: int | None = None
) -> Doc:
    key = thread_membership_id(root["id"], user_id)
    now = rt.clock.now_ms()
    existing = rt.store.get("thread_memberships", key)
    doc = {
        "id": key,
        "post_id": root["id"],
        "user_id": user_id,
        "following": following,
        "last_viewed": existing["last_viewed"] if existing else 0,
        "last_updated": now,
        "unread_mentions": existing["unread_mentions"] if existing else 0,
    }
    if viewed_at is not None:
        doc["last_viewed"] = viewed_at
        doc["unread_mentions"] = 0
    rt.store.put("thread_memberships", doc)
    if rt.events.active:
        channel = rt.store.get("channels", root["channel_id"])
        rt.events.publish(
            "thread_follow_changed",
            {
                "data": {
                    "thread_id": root["id"],
                    "state": following,
                    "reply_count": root["reply_count"],
                },
                "broadcast": _broadcast(user_id=user_id, team_id=channel["team_id"]),
            },
        )
    return doc


def follow_thread_on_reply(rt: Runtime, reply: Doc, mentioned: list[str]) -> None:
    """Who follows a thread when someone replies: the root's author, the replier, the mentioned
    (unless they unfollowed it explicitly); the replier has seen it."""
    root = rt.store.get("posts", reply["root_id"])
    if root is None:
        return
    for user_id in dict.fromkeys([root["user_id"], reply["user_id"], *mentioned]):
        key = thread_membership_id(root["id"], user_id)
        existing = rt.store.get("thread_memberships", key)
        if existing is not None and not existing["following"]:
            continue
        doc = {
            "id": key,
            "post_id": root["id"],
            "user_id": user_id,
            "following": True,
            "last_viewed": existing["last_viewed"] if existing else 0,
            "last_updated": reply["create_at"],
            "unread_mentions": existing["unread_mentions"] if existing else 0,
        }
        if user_id == reply["user_id"]:
            doc["last_viewed"] = reply["create_at"]
        elif user_id in mentioned:
            doc["unread_mentions"] += 1
        rt.store.put("thread_memberships", doc)


def post_metadata(rt: Runtime, post: Doc) -> Doc:
    """``PreparePostForClient``: files, reactions and the custom emojis those use."""
    metadata: Doc = {}
    files = [
        wire.file_info(f)
        for fid in post["file_ids"]
        if (f := rt.store.get("files", fid)) is not None and not f["delete_at"]
    ]
    if files:
        metadata["files"] = files
    if post["has_reactions"]:
        reactions = rt.store.find("reactions", "post_id", post["id"])
        if reactions:
            metadata["reactions"] = [wire.reaction(r) for r in reactions]
            emojis = []
            for name in dict.fromkeys(r["emoji_name"] for r in reactions):
                custom = rt.store.find_one("emoji", "name", name)
                if custom is not None:
                    emojis.append(wire.emoji(custom))
            if emojis:
                metadata["emojis"] = emojis
    return metadata


def render_post(rt: Runtime, post: Doc) -> Doc:
    return wire.post(post, post_metadata(rt, post))


def _publish_post_event(rt: Runtime, event: str, post: Doc, extra: Doc | None = None) -> None:
    if rt.events.active:
        data = {"post": json.dumps(render_post(rt, post), separators=(",", ":")), **(extra or {})}
        rt.events.publish(event, {"data": data, "broadcast": _broadcast(post["channel_id"])})


def update_post(rt: Runtime, post: Doc, changes: Doc) -> Doc:
    """Edit a post: ``edit_at`` moves when the message changes."""
    now = rt.clock.now_ms()
    changes = {**changes, "update_at": now}
    if "message" in changes and changes["message"] != post["message"]:
        changes["edit_at"] = now
    updated = rt.store.update("posts", post["id"], changes)
    _publish_post_event(rt, "post_edited", updated)
    return updated


def set_pinned(rt: Runtime, post: Doc, pinned: bool) -> Doc:
    updated = rt.store.update(
        "posts", post["id"], {"is_pinned": pinned, "update_at": rt.clock.now_ms()}
    )
    _publish_post_event(rt, "post_edited", updated)
    return updated


def delete_post(rt: Runtime, post: Doc, deleter_id: str) -> Doc:
    """Soft-delete a post (and its replies when it is a thread root) and its files."""
    now = rt.clock.now_ms()
    with rt.store.transaction():
        targets = [post]
        if not post["root_id"]:
            targets += rt.store.find("posts", "root_id", post["id"])
        for target in targets:
            if target["delete_at"]:
                continue
            rt.store.update(
                "posts",
                target["id"],
                {"delete_at": now, "update_at": now, "is_pinned": False},
            )
            for file_id in target["file_ids"]:
                if rt.store.get("files", file_id) is not None:
                    rt.store.update("files", file_id, {"delete_at": now})
        if post["root_id"]:
            root = rt.store.get("posts", post["root_id"])
            if root is not None:
                live = [
                    r for r in rt.store.find("posts", "root_id", root["id"]) if not r["delete_at"]
                ]
                last = max((r["create_at"] for r in live), default=0)
                rt.store.update(
                    "posts", root["id"], {"reply_count": len(live), "last_reply_at": last}
                )
    deleted = rt.store.get("posts", post["id"])
    if rt.events.active:
        rendered = json.dumps(render_post(rt, deleted), separators=(",", ":"))
        for flag, extra in (
            ("contains_sanitized_data", {}),
            ("contains_sensitive_data", {"delete_by": deleter_id}),
        ):
            rt.events.publish(
                "post_deleted",
                {
                    "data": {"post": rendered, **extra},
                    "broadcast": {**_broadcast(post["channel_id"]), flag: True},
                },
            )
    return deleted


def publish_reaction(rt: Runtime, event: str, reaction: Doc) -> None:
    if rt.events.active:
        rt.events.publish(
            event,
            {
                "data": {"reaction": json.dumps(wire.reaction(reaction), separators=(",", ":"))},
                "broadcast": _broadcast(reaction["channel_id"]),
            },
        )


def remove_reaction(rt: Runtime, reaction: Doc) -> None:
    now = rt.clock.now_ms()
    with rt.store.transaction():
        rt.store.delete("reactions", reaction["id"])
        left = rt.store.count_by("reactions", "post_id", reaction["post_id"])
        if rt.store.get("posts", reaction["post_id"]) is not None:
            rt.store.update(
                "posts", reaction["post_id"], {"has_reactions": left > 0, "update_at": now}
            )
    publish_reaction(rt, "reaction_removed", {**reaction, "delete_at": now})


def publish_user_typing(rt: Runtime, user_id: str, channel_id: str, parent_id: str = "") -> None:
    """``PublishUserTyping``: ``typing`` to the channel's members, except the typist."""
    rt.events.publish(
        "typing",
        {
            "data": {"parent_id": parent_id, "user_id": user_id},
            "broadcast": {
                "channel_id": channel_id,
                "team_id": "",
                "user_id": "",
                "omit_users": {user_id: True},
            },
        },
    )


# -- files (REST part B) ----------------------------------------------------------------------


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")


# A valid 1x1 transparent PNG: the placeholder image of seeded files, padded to their size.
_PLACEHOLDER_PNG = (
    b"\x89PNG\r\n\x1a\n"
    + _png_chunk(b"IHDR", (1).to_bytes(4, "big") * 2 + bytes([8, 6, 0, 0, 0]))
    + _png_chunk(b"IDAT", zlib.compress(b"\x00\x00\x00\x00\x00"))
    + _png_chunk(b"IEND", b"")
)


def _image_size(data: bytes) -> tuple[int, int] | None:
    if data[:8] == _PLACEHOLDER_PNG[:8] and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        return int.from_bytes(data[6:8], "little"), int.from_bytes(data[8:10], "little")
    return None


def upload_file(
    rt: Runtime, *, user_id: str, channel_id: str, name: str, data: bytes, mime_type: str
) -> Doc:
    """Store an uploaded file's bytes and its FileInfo (not yet attached to a post)."""
    with rt.store.transaction():
        info = create_file_info(
            rt,
            user_id=user_id,
            channel_id=channel_id,
            name=name,
            size=len(data),
            mime_type=mime_type,
        )
        size = _image_size(data) if mime_type.startswith("image/") else None
        if size is not None:
            info = rt.store.update("files", info["id"], {"width": size[0], "height": size[1]})
        rt.store.put("file_blobs", {"id": info["id"], "data": base64.b64encode(data).decode()})
    return info


def file_bytes(rt: Runtime, info: Doc) -> bytes:
    """The stored bytes, or deterministic placeholder content of the recorded size and type."""
    blob = rt.store.get("file_blobs", info["id"])
    if blob is not None:
        return base64.b64decode(blob["data"])
    size = info["size"]
    if info["mime_type"].startswith("image/"):
        return _PLACEHOLDER_PNG + bytes(max(size - len(_PLACEHOLDER_PNG), 0))
    pattern = f"chat-emulator placeholder for {info['name']}\n".encode()
    return (pattern * (size // len(pattern) + 1))[:size]


def mark_thread_read(rt: Runtime, root: Doc, user_id: str, at: int) -> Doc:
    """Set how far a user has read a thread (``UpdateThreadReadForUser``)."""
    key = thread_membership_id(root["id"], user_id)
    existing = rt.store.get("thread_memberships", key)
    doc = {
        "id": key,
        "post_id": root["id"],
        "user_id": user_id,
        "following": existing["following"] if existing else False,
        "last_viewed": at,
        "last_updated": rt.clock.now_ms(),
        "unread_mentions": 0,
    }
    rt.store.put("thread_memberships", doc)
    if rt.events.active:
        channel = rt.store.get("channels", root["channel_id"])
        unread = sum(
            1
            for r in rt.store.find("posts", "root_id", root["id"])
            if not r["delete_at"] and r["create_at"] > at
        )
        rt.events.publish(
            "thread_read_changed",
            {
                "data": {
                    "thread_id": root["id"],
                    "timestamp": at,
                    "unread_mentions": 0,
                    "unread_replies": unread,
                    "previous_unread_mentions": existing["unread_mentions"] if existing else 0,
                    "channel_id": root["channel_id"],
                },
                "broadcast": _broadcast(user_id=user_id, team_id=channel["team_id"]),
            },
        )
    return doc


# -- integrations: incoming/outgoing webhooks and slash commands (CRUD, REST part B) ----------

_HTTP_URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)


def is_http_url(value: str) -> bool:
    return bool(_HTTP_URL_RE.match(value or ""))


def _check_hook_texts(hook: Doc) -> None:
    if len(hook["display_name"]) > 64:
        raise errors.AppError(400, errors.HOOK_DISPLAY_NAME_INVALID)
    if len(hook["description"]) > 500:
        raise errors.AppError(400, errors.HOOK_DESCRIPTION_INVALID)


def save_incoming_webhook(rt: Runtime, hook: Doc) -> Doc:
    """Create (no ``id``) or replace an incoming webhook; ``hook`` has every wire field."""
    now = rt.clock.now_ms()
    _check_hook_texts(hook)
    if not hook.get("id"):
        hook = {**hook, "id": rt.ids.mattermost_id(), "create_at": now, "delete_at": 0}
    hook = {**hook, "update_at": now}
    rt.store.put("incoming_webhooks", hook)
    return hook


def validate_outgoing_webhook(rt: Runtime, hook: Doc) -> None:
    """``CreateOutgoingWebhook`` / ``OutgoingWebhook.IsValid`` for what a client controls."""
    if hook["channel_id"]:
        channel = rt.store.get("channels", hook["channel_id"])
        if channel is None:
            raise errors.not_found(errors.CHANNEL_NOT_FOUND, f"channel_id={hook['channel_id']}")
        if channel["type"] != "O":
            raise errors.AppError(403, errors.OUTGOING_NOT_OPEN)
        if channel["team_id"] != hook["team_id"]:
            raise errors.AppError(403, errors.OUTGOING_WRONG_TEAM)
    elif not hook["trigger_words"]:
        raise errors.bad_request(errors.OUTGOING_NEEDS_CHANNEL_OR_WORDS)
    for other in rt.store.find("outgoing_webhooks", "team_id", hook["team_id"]):
        if other["id"] == hook.get("id") or other["channel_id"] != hook["channel_id"]:
            continue
        if not other["trigger_words"] or not hook["trigger_words"]:
            if set(other["callback_urls"]) & set(hook["callback_urls"]):
                raise errors.bad_request(errors.OUTGOING_INTERSECT)
        elif set(other["trigger_words"]) & set(hook["trigger_words"]):
            raise errors.bad_request(errors.OUTGOING_INTERSECT)
    urls = hook["callback_urls"]
    if not urls or len(" ".join(urls)) > 1024:
        raise errors.bad_request(errors.OUTGOING_CALLBACKS_INVALID)
    if not all(is_http_url(u) for u in urls):
        raise errors.bad_request(errors.OUTGOING_URL_INVALID)
    if hook["trigger_when"] not in (0, 1):
        raise errors.bad_request(errors.OUTGOING_TRIGGER_WHEN_INVALID)
    if len(hook["content_type"]) > 128:
        raise errors.bad_request(errors.OUTGOING_CONTENT_TYPE_INVALID)
    if any(not w or len(w) > 64 for w in hook["trigger_words"]):
        raise errors.bad_request(errors.OUTGOING_WORDS_INVALID)
    _check_hook_texts(hook)


def save_outgoing_webhook(rt: Runtime, hook: Doc) -> Doc:
    validate_outgoing_webhook(rt, hook)
    now = rt.clock.now_ms()
    if not hook.get("id"):
        hook = {
            **hook,
            "id": rt.ids.mattermost_id(),
            "token": rt.ids.mattermost_token(),
            "create_at": now,
            "delete_at": 0,
        }
    hook = {**hook, "update_at": now}
    rt.store.put("outgoing_webhooks", hook)
    return hook


def regen_outgoing_token(rt: Runtime, hook: Doc) -> Doc:
    return rt.store.update(
        "outgoing_webhooks",
        hook["id"],
        {"token": rt.ids.mattermost_token(), "update_at": rt.clock.now_ms()},
    )


def validate_command(rt: Runtime, command: Doc) -> None:
    trigger = command["trigger"]
    if not trigger or len(trigger) > 128 or trigger.startswith("/") or " " in trigger:
        raise errors.bad_request(errors.COMMAND_TRIGGER_INVALID)
    if not command["url"] or len(command["url"]) > 1024:
        raise errors.bad_request(errors.COMMAND_URL_INVALID)
    if not is_http_url(command["url"]):
        raise errors.bad_request(errors.COMMAND_URL_HTTP_INVALID)
    if command["method"] not in ("P", "G"):
        raise errors.bad_request(errors.COMMAND_METHOD_INVALID)
    for other in rt.store.find("commands", "team_id", command["team_id"]):
        if other["id"] != command.get("id") and other["trigger"] == trigger:
            raise errors.bad_request(errors.COMMAND_DUPLICATE)


def save_command(rt: Runtime, command: Doc) -> Doc:
    command = {**command, "trigger": command["trigger"].lower()}
    validate_command(rt, command)
    now = rt.clock.now_ms()
    if not command.get("id"):
        command = {
            **command,
            "id": rt.ids.mattermost_id(),
            "token": rt.ids.mattermost_token(),
            "create_at": now,
            "delete_at": 0,
        }
    command = {**command, "update_at": now}
    rt.store.put("commands", command)
    return command


# -- custom emoji (REST part B) ---------------------------------------------------------------

EMOJI_NAME_RE = re.compile(r"^[a-zA-Z0-9\-+_]+$")
# A few of the built-in emoji names a custom emoji may not take (``model.SystemEmojis``).
SYSTEM_EMOJI = frozenset(
    (
        *("+1", "-1", "thumbsup", "thumbsdown", "smile", "smiley", "grinning", "laughing"),
        *("joy", "wink", "heart", "tada", "rocket", "fire", "eyes", "white_check_mark", "x"),
        *("warning", "thinking_face", "slightly_smiling_face", "ok_hand", "clap", "pray"),
        *("100", "star", "sunglasses", "cry", "sob", "wave"),
    )
)


def is_valid_emoji_name(name: Any) -> bool:
    return (
        isinstance(name, str)
        and 0 < len(name) <= 64
        and bool(EMOJI_NAME_RE.match(name))
        and name not in SYSTEM_EMOJI
    )


def image_type(data: bytes) -> str | None:
    """``png``, ``jpeg`` or ``gif`` from the magic bytes; None for anything else."""
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    return None


def create_emoji(rt: Runtime, *, creator_id: str, name: str, image: bytes, kind: str) -> Doc:
    now = rt.clock.now_ms()
    emoji = {
        "id": rt.ids.mattermost_id(),
        "creator_id": creator_id,
        "name": name,
        "create_at": now,
        "update_at": now,
        "delete_at": 0,
    }
    try:
        _store_emoji(rt, emoji, image, kind)
    except DuplicateKey:  # lost a race for the name
        raise errors.AppError(400, errors.EMOJI_DUPLICATE) from None
    if rt.events.active:
        rt.events.publish(
            "emoji_added",
            {
                "data": {"emoji": json.dumps(wire.emoji(emoji), separators=(",", ":"))},
                "broadcast": _broadcast(),
            },
        )
    return emoji


def _store_emoji(rt: Runtime, emoji: Doc, image: bytes, kind: str) -> None:
    with rt.store.transaction():
        rt.store.insert("emoji", emoji)
        rt.store.put(
            "emoji_images",
            {"id": emoji["id"], "type": kind, "data": base64.b64encode(image).decode()},
        )


def delete_emoji(rt: Runtime, emoji: Doc) -> None:
    """Soft-delete a custom emoji, its image and every reaction that used it."""
    now = rt.clock.now_ms()
    with rt.store.transaction():
        rt.store.update("emoji", emoji["id"], {"delete_at": now, "update_at": now})
        rt.store.delete("emoji_images", emoji["id"])
        for reaction in rt.store.find("reactions", "emoji_name", emoji["name"]):
            rt.store.delete("reactions", reaction["id"])
            if not rt.store.count_by("reactions", "post_id", reaction["post_id"]):
                rt.store.update("posts", reaction["post_id"], {"has_reactions": False})


# -- channel system messages (REST part B) ----------------------------------------------------

_CHANGE_TEXTS = {
    "header": ("header", "system_header_change"),
    "purpose": ("purpose", "system_purpose_change"),
}


def post_channel_change_messages(
    rt: Runtime, before: Doc, after: Doc, actor_id: str, fields: tuple[str, ...]
) -> None:
    """The system posts ``PatchChannel``/``UpdateChannel`` leave when the header, purpose or
    display name changes (``PostUpdateChannel*Message``)."""
    actor = rt.store.get("users", actor_id)
    if actor is None:
        return
    name = actor["username"]
    for field in fields:
        old, new = before[field], after[field]
        if old == new:
            continue
        if field == "display_name":
            message = f"{name} updated the channel display name from: {old} to: {new}"
            props = {"username": name, "old_displayname": old, "new_displayname": new}
            post_type = "system_displayname_change"
        else:
            label, post_type = _CHANGE_TEXTS[field]
            if not old:
                message = f"{name} updated the channel {label} to: {new}"
            elif not new:
                message = f"{name} removed the channel {label} (was: {old})"
            else:
                message = f"{name} updated the channel {label} from: {old} to: {new}"
            props = {"username": name, f"old_{field}": old, f"new_{field}": new}
        create_post(
            rt, channel=after, user_id=actor_id, message=message, post_type=post_type, props=props
        )


def post_archive_message(rt: Runtime, channel: Doc, actor_id: str, restored: bool) -> None:
    """``system_channel_deleted`` before archiving, ``system_channel_restored`` after restoring."""
    actor = rt.store.get("users", actor_id)
    if actor is None or channel["type"] not in ("O", "P"):
        return
    name = actor["username"]
    if restored:
        message, post_type = f"{name} unarchived the channel.", "system_channel_restored"
    else:
        message, post_type = f"{name} archived the channel.", "system_channel_deleted"
    create_post(
        rt,
        channel=channel,
        user_id=actor_id,
        message=message,
        post_type=post_type,
        props={"username": name},
    )
