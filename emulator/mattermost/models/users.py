"""Users: accounts, profiles, activation, status, preferences."""

from __future__ import annotations

from ...core.passwords import hash_password, seeded_hash
from ...core.runtime import Runtime
from .. import errors
from . import sessions
from .common import (
    DEFAULT_NOTIFY_PROPS,
    DEFAULT_TIMEZONE,
    Doc,
    _now,
    broadcast,
    publish_event,
    setting,
)

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
        "password": _password_hash(rt, password, salt) if password else "",
    }
    rt.store.insert("users", user)
    rt.store.insert("statuses", offline_status(user["id"]))
    publish_event(rt, "new_user", {"user_id": user["id"]})
    return user


def _password_hash(rt: Runtime, password: str, salt: str | None) -> str:
    """Seeded accounts (``salt`` from the seed) hash cheaply and reproducibly."""
    return seeded_hash(password, salt) if salt else hash_password(password, rt.config.password_cost)


def offline_status(user_id: str) -> Doc:
    return {
        "user_id": user_id,
        "status": "offline",
        "manual": False,
        "last_activity_at": 0,
        "dnd_end_time": 0,
    }


# -- accounts: profile, activation, status, preferences ---------------------------------------

USERNAME_MAX_LENGTH = 22
PASSWORD_MAX_LENGTH = 72
RESERVED_USERNAMES = {"all", "channel", "here", "matterbot", "system"}
STATUSES = ("online", "away", "dnd", "offline")


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
        return errors.PASSWORD_TOO_SHORT, minimum
    if len(password) > PASSWORD_MAX_LENGTH:
        return errors.PASSWORD_TOO_LONG, minimum
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
    publish_event(rt, "user_updated", {"user": user})


def set_user_active(rt: Runtime, user_id: str, active: bool) -> Doc:
    """Deactivate (``delete_at`` set, sessions revoked) or reactivate a user; bots follow."""
    now = rt.clock.now_ms()
    delete_at = 0 if active else now
    with rt.store.transaction():
        user = rt.store.update("users", user_id, {"delete_at": delete_at, "update_at": now})
        if rt.store.get("bots", user_id) is not None:
            rt.store.update("bots", user_id, {"delete_at": delete_at, "update_at": now})
        if not active:
            sessions.revoke_user_sessions(rt, user_id)
            set_status(rt, user_id, "offline", manual=False)
    if rt.events.active:
        publish_user_updated(rt, user)
    return user


def set_password(rt: Runtime, user_id: str, password: str, current_session_id: str = "") -> Doc:
    """``UpdatePassword``: with ``TerminateSessionsOnPasswordChange``, every session of the user
    ends but the one making the change (``current_session_id``, when it is the user's own)."""
    now = rt.clock.now_ms()
    with rt.store.transaction():
        user = rt.store.update(
            "users",
            user_id,
            {
                "password": hash_password(password, rt.config.password_cost),
                "last_password_update": now,
                "update_at": now,
            },
        )
        if setting(rt, "ServiceSettings", "TerminateSessionsOnPasswordChange", True):
            sessions.revoke_user_sessions(rt, user_id, keep=current_session_id)
    return user


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
    rt.store.upsert("statuses", doc)
    publish_event(
        rt, "status_change", {"status": status, "user_id": user_id}, broadcast(user_id=user_id)
    )
    return doc


def set_profile_image(rt: Runtime, user_id: str, data_b64: str, content_type: str) -> Doc:
    now = rt.clock.now_ms()
    with rt.store.transaction():
        rt.store.upsert(
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
            rt.store.upsert(
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
    publish_event(
        rt,
        event,
        {"preferences": shown},
        broadcast(user_id=user_id),
    )
