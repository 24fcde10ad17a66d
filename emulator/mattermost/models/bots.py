"""Bot accounts."""

from __future__ import annotations

from ...core.passwords import hash_password
from ...core.runtime import Runtime
from . import sessions, users
from .common import Doc, _now


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


# -- bots -------------------------------------------------------------------------------------


def create_bot_account(
    rt: Runtime, *, username: str, display_name: str, description: str, owner_id: str
) -> Doc:
    """``CreateBot``: a bot user (email ``<username>@localhost``) and its bot record."""
    with rt.store.transaction():
        user = users.create_user(
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
        sessions.revoke_user_sessions(rt, user["id"])
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
        "password": hash_password(password, rt.config.password_cost),
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
