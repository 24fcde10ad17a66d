"""Users: accounts, passwords, administration, presence, preferences, avatars, access tokens."""

from __future__ import annotations

import base64

from ...core.passwords import check_password, hash_password, seeded_hash, sha256_hex
from ...core.realtime import publish_revocation
from ...core.runtime import Runtime
from . import rooms
from .common import Doc, IntegrationEvent, _now, hash_token, run_integrations, setting
from .tokens import revoke_other_login_tokens

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
        "services": {"password": {"bcrypt": _password_hash(rt, password, salt)}}
        if password
        else {},
    }
    if at is None and setting(rt, "Accounts_TwoFactorAuthentication_By_Email_Auto_Opt_In"):
        # ``insertUserDoc``: accounts made live start with e-mail 2FA on (it applies once an
        # address is verified); seeded accounts predate the setting.
        user["services"]["email2fa"] = {"enabled": True, "changedAt": now}
    rt.store.insert("users", user)
    if at is None:  # ``afterCreateUser``; seeded accounts are not created live
        run_integrations(rt, IntegrationEvent("userCreated", user=user))
    return user


def check_user_password(user: Doc, password: str | dict) -> bool:
    """A plain password, or the ``{digest, algorithm: "sha-256"}`` object clients may send."""
    stored = user.get("services", {}).get("password", {}).get("bcrypt")
    if isinstance(password, dict):
        digest = password.get("digest")
        return isinstance(digest, str) and check_password(digest.lower(), stored)
    return isinstance(password, str) and check_password(sha256_hex(password), stored)


def _password_hash(rt: Runtime, password: str, salt: str | None) -> str:
    """Seeded accounts (``salt`` from the seed) hash cheaply and reproducibly."""
    digest = sha256_hex(password)
    return seeded_hash(digest, salt) if salt else hash_password(digest, rt.config.password_cost)


def set_password(rt: Runtime, user: Doc, password: str, salt: str | None = None) -> Doc:
    services = dict(user.get("services", {}))
    services["password"] = {"bcrypt": _password_hash(rt, password, salt)}
    return rt.store.update("users", user["_id"], {"services": services})


def has_role(user: Doc, role: str) -> bool:
    return role in user.get("roles", [])


def find_user(rt: Runtime, username_or_email: str) -> Doc | None:
    key = username_or_email.lower()
    return rt.store.find_one("users", "username", key) or rt.store.find_one("users", "email", key)


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
        rooms.add_member(rt, room, user)


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


def set_user_password(
    rt: Runtime, user_id: str, password: str, current_token: str | None = None
) -> Doc:
    """A new password logs the user out: everywhere (``saveUser``'s ``setPasswordUpdater``),
    or, when they change it themselves, everywhere but ``current_token``
    (``saveUserProfile`` → ``removeOtherTokens``; personal access tokens stay)."""
    with rt.store.transaction():
        updated = set_password(rt, rt.store.get("users", user_id), password)
        if current_token is None:
            revoke_user_tokens(rt, user_id)
        else:
            revoke_other_login_tokens(rt, user_id, current_token)
    return updated


def revoke_user_tokens(rt: Runtime, user_id: str, keep_personal: bool = False) -> None:
    with rt.store.transaction():
        for record in rt.store.find("tokens", "userId", user_id):
            if keep_personal and record["type"] == "personalAccessToken":
                continue
            rt.store.delete("tokens", record["hashedToken"])
    publish_revocation(rt.events, user_id)


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
    text_changed = text is not None and text != user.get("statusText")
    updated = update_user(rt, user["_id"], changes)
    # setStatusText broadcasts presence too, but only for a new text
    if (status is not None or text_changed) and rt.events.active:
        rt.events.publish(
            "stream-notify-logged",
            {
                "eventName": "user-status",
                "args": [
                    [
                        user["_id"],
                        user["username"],
                        STATUS_CODES[status or updated.get("status") or "offline"],
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
    publish_revocation(rt.events, record["userId"])


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
            rt.store.upsert(
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
        rt.store.upsert("users", {**changes, "_updatedAt": rt.clock.now_ms()})
    return rt.store.get("users", user["_id"])


def is_last_active_admin(rt: Runtime, user: Doc) -> bool:
    """Whether ``user`` is the only active admin (who may be neither deleted nor deactivated)."""
    if not has_role(user, "admin"):
        return False
    return not any(u["_id"] != user["_id"] and u["active"] for u in users_with_role(rt, "admin"))


def presence_status(connection: str, default: str | None) -> str:
    """``processStatus``: what others see, from the best status of the user's connections and
    the status they chose (``statusDefault``); ``offline`` as a default is "invisible"."""
    if connection == "offline" or default in (None, "online"):
        return connection
    return default


def set_connection_status(rt: Runtime, user_id: str, connection: str) -> Doc | None:
    """Presence of the user's realtime connections (``Presence.updateUserPresence``):
    ``connection`` is the best of them (``online``, ``away`` or ``offline``). Publishes
    ``user-status`` and ``stream-user-presence`` when the status changes."""
    user = rt.store.get("users", user_id)
    if user is None:
        return None
    return _set_presence(rt, user, {"statusConnection": connection})


def set_default_status(rt: Runtime, user: Doc, default: str) -> bool:
    """``Presence.setStatus``: the status the user chose, shown while they are connected.
    Whether anything changed."""
    fresh = rt.store.get("users", user["_id"]) or user
    return _set_presence(rt, fresh, {"statusDefault": default}) is not fresh


def _set_presence(rt: Runtime, user: Doc, changes: Doc) -> Doc:
    merged = {**user, **changes}
    connection = merged.get("statusConnection") or "offline"
    changes["status"] = presence_status(connection, merged.get("statusDefault"))
    if all(user.get(k) == v for k, v in changes.items()):
        return user
    updated = update_user(rt, user["_id"], changes)
    status = changes["status"]
    if user.get("status") != status and rt.events.active:
        text = updated.get("statusText", "")
        rt.events.publish(
            "stream-notify-logged",
            {
                "eventName": "user-status",
                "args": [
                    [
                        user["_id"],
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
            {"eventName": user["_id"], "args": [[updated["username"], STATUS_CODES[status], text]]},
        )
    return updated
