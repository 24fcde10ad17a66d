"""Workspace-wide writes: setting values and permission roles, each announced on its stream."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from ...core.runtime import Runtime
from .. import errors
from .common import Doc, Refused, setting


def set_setting_value(rt: Runtime, setting_id: str, value: Any) -> Doc:
    """Store a setting's new value; a public one goes to every client on ``stream-notify-all``."""
    updated = rt.store.update(
        "settings", setting_id, {"value": value, "_updatedAt": rt.clock.now_ms()}
    )
    if rt.events.active and updated.get("public"):
        rt.events.publish(
            "stream-notify-all",
            {
                "eventName": "public-settings-changed",
                "args": ["updated", {"_id": updated["_id"], "value": updated["value"]}],
            },
        )
    return updated


def set_permission_roles(rt: Runtime, entries: list[tuple[str, list[str]]]) -> None:
    """Replace the roles of each ``(permission, roles)``; each goes to ``stream-notify-logged``."""
    now = rt.clock.now_ms()
    with rt.store.transaction():
        for permission, roles in entries:
            rt.store.update(
                "permissions", permission, {"roles": list(dict.fromkeys(roles)), "_updatedAt": now}
            )
    if rt.events.active:
        for permission, _roles in entries:
            rt.events.publish(
                "stream-notify-logged",
                {
                    "eventName": "permissions-changed",
                    "args": ["updated", rt.store.get("permissions", permission)],
                },
            )


def _role_by_id_or_name(rt: Runtime, role_id: str) -> Doc | None:
    return rt.store.get("roles", role_id) or next(
        (r for r in rt.store.all("roles") if r.get("name") == role_id), None
    )


def delete_role(rt: Runtime, role_id: str) -> None:
    """``roles.delete``: known, not protected, held by nobody (else ``Refused``)."""
    role = _role_by_id_or_name(rt, role_id)
    if role is None:
        raise Refused(errors.INVALID_ROLE_ID, "This role does not exist")
    if role.get("protected"):
        raise Refused(errors.ROLE_PROTECTED, "Cannot delete a protected role")
    holders = (
        [s for s in rt.store.all("subscriptions") if role["_id"] in s.get("roles", [])]
        if role.get("scope") == "Subscriptions"
        else [u for u in rt.store.all("users") if role["_id"] in u.get("roles", [])]
    )
    if holders:
        raise Refused(errors.ROLE_IN_USE, "Cannot delete role because it's in use")
    rt.store.delete("roles", role["_id"])


def users_in_public_roles(rt: Runtime) -> list[Doc]:
    """``Authorization.getUsersFromPublicRoles``: holders of global roles that have a
    description, by username, with only those roles."""
    public = [
        r["_id"]
        for r in rt.store.all("roles")
        if r.get("scope") == "Users" and r.get("description")
    ]
    users = [u for u in rt.store.all("users") if set(u.get("roles", [])) & set(public)]
    users.sort(key=lambda u: str(u.get("username") or ""))
    return [
        {
            "_id": u["_id"],
            "username": u.get("username"),
            "roles": [r for r in u["roles"] if r in public],
        }
        for u in users
    ]


def unique_id(rt: Runtime) -> str:
    """The ``uniqueID`` setting: set by a ``new-workspace`` fingerprint, else derived from the
    seed so every start of the same workspace reports the same id."""
    stored = setting(rt, "uniqueID")
    if stored:
        return stored
    return hashlib.sha256(f"rocketchat-{rt.config.seed}".encode()).hexdigest()[:17]


def regenerate_unique_id(rt: Runtime) -> Doc:
    """A new workspace identity (``fingerprint`` with ``new-workspace``)."""
    return set_setting_value(rt, "uniqueID", str(uuid.UUID(rt.ids.hex(16))))
