"""Shared by the Rocket.Chat domain operations: well-known ids, refusals, the clock, settings,
permissions."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from typing import Any

from ...core.runtime import Runtime

Doc = dict[str, Any]

BOT_ID = "rocket.cat"
GENERAL_ID = "GENERAL"


class Refused(Exception):
    """Why an operation may not run: its error code, and the reason and details when it is a
    Meteor.Error (a plain ``Error``'s message is its code). Each door answers it in its own
    shape."""

    def __init__(self, code: str, reason: str | None = None, details: Any = None) -> None:
        super().__init__(code)
        self.code = code
        self.reason = reason
        self.details = details


@dataclass(frozen=True)
class IntegrationEvent:
    """What happened, for outgoing integrations (``eventNameArgumentsToObject``'s object)."""

    name: str
    message: Doc | None = None
    room: Doc | None = None
    user: Doc | None = None
    owner: Doc | None = None


INTEGRATIONS_SERVICE = "rocketchat.outgoing_integrations"


def run_integrations(rt: Runtime, event: IntegrationEvent) -> None:
    """Where upstream runs its ``after*`` callbacks: the outgoing integrations the product
    plugged in (``emulator/rocketchat/outgoing.py``) see the event."""
    service = rt.services.get(INTEGRATIONS_SERVICE)
    if service is not None:
        service(event)


def _now(rt: Runtime, at: int | None) -> int:
    return rt.clock.now_ms() if at is None else at


def hash_token(token: str) -> str:
    """``Accounts._hashLoginToken``: base64 of the SHA-256 digest."""
    return base64.b64encode(hashlib.sha256(token.encode()).digest()).decode()


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
        sub = rt.store.find_one("subscriptions", "room_user", (room_id, user["_id"]))
        if sub is not None:
            roles.update(sub.get("roles", []))
    return bool(roles.intersection(granted["roles"]))


def js_type(value: Any) -> str:
    """The type name Meteor's ``check`` prints for a value ("Expected string, got number")."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "object"
