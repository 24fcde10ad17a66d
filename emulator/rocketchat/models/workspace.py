"""Workspace-wide writes: setting values and permission roles, each announced on its stream."""

from __future__ import annotations

from typing import Any

from ...core.runtime import Runtime
from .common import Doc


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
