"""Sessions and personal access tokens."""

from __future__ import annotations

from ...core.realtime import publish_revocation
from ...core.runtime import Runtime
from .common import Doc, get_config, setting

# -- sessions ---------------------------------------------------------------------------------


def create_session(
    rt: Runtime,
    user: Doc,
    device_id: str = "",
    is_oauth: bool = False,
    length_hours: int | None = None,
    props: Doc | None = None,
) -> Doc:
    """A login session (``SessionLengthWebInHours`` unless ``length_hours`` says otherwise);
    ``props`` add to the session's ``props``."""
    now = rt.clock.now_ms()
    config = get_config(rt)
    hours = (
        config["ServiceSettings"]["SessionLengthWebInHours"]
        if length_hours is None
        else length_hours
    )
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
        "props": {
            "csrf": rt.ids.mattermost_token(),
            "platform": "",
            "os": "",
            "browser": "",
            **(props or {}),
        },
        "local": False,
    }
    rt.store.insert("sessions", session)
    return session


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
    token = rt.store.update("access_tokens", token_id, {"is_active": active})
    if not active:
        publish_revocation(rt.events, token["user_id"])
    return token


def revoke_access_token(rt: Runtime, token_id: str) -> None:
    token = rt.store.get("access_tokens", token_id)
    rt.store.delete("access_tokens", token_id)
    if token is not None:
        publish_revocation(rt.events, token["user_id"])


def attach_device(rt: Runtime, session: Doc, device_id: str) -> Doc:
    """Bind a session to a mobile device: other sessions of that device go, and the session
    lasts ``SessionLengthMobileInHours`` from now."""
    now = rt.clock.now_ms()
    hours = setting(rt, "ServiceSettings", "SessionLengthMobileInHours", 720)
    replaced = False
    with rt.store.transaction():
        for other in rt.store.find("sessions", "user_id", session["user_id"]):
            if other["id"] != session["id"] and other.get("device_id") == device_id:
                rt.store.delete("sessions", other["id"])
                replaced = True
        updated = rt.store.update(
            "sessions",
            session["id"],
            {"device_id": device_id, "expires_at": now + hours * 3600 * 1000},
        )
    if replaced:
        publish_revocation(rt.events, session["user_id"])
    return updated


def revoke_session(rt: Runtime, session_id: str) -> None:
    session = rt.store.get("sessions", session_id)
    rt.store.delete("sessions", session_id)
    if session is not None:
        publish_revocation(rt.events, session["user_id"])


def revoke_user_sessions(rt: Runtime, user_id: str, keep: str = "") -> None:
    """Every session of the user but the one with id ``keep``."""
    with rt.store.transaction():
        for session in rt.store.find("sessions", "user_id", user_id):
            if session["id"] != keep:
                rt.store.delete("sessions", session["id"])
    publish_revocation(rt.events, user_id)


def revoke_all_sessions(rt: Runtime) -> None:
    with rt.store.transaction():
        for session in rt.store.all("sessions"):
            rt.store.delete("sessions", session["id"])
    publish_revocation(rt.events, None)
