"""Shared by the Mattermost domain operations: defaults, names, the clock, config."""

from __future__ import annotations

import hashlib
from typing import Any

from ...core.runtime import Runtime

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


# -- config -----------------------------------------------------------------------------------


def get_config(rt: Runtime) -> dict[str, dict[str, Any]]:
    return rt.store.get("config", "config")["settings"]


def setting(rt: Runtime, section: str, name: str, default: Any = None) -> Any:
    """One config value; settings added after a store was written fall back to ``default``."""
    return get_config(rt).get(section, {}).get(name, default)


# -- realtime ---------------------------------------------------------------------------------


def broadcast(
    channel_id: str = "", team_id: str = "", user_id: str = "", omit: list[str] | None = None
) -> Doc:
    """A ``WebsocketBroadcast``: who of the connected users an event is for."""
    return {
        "omit_users": {u: True for u in omit} if omit else None,
        "user_id": user_id,
        "channel_id": channel_id,
        "team_id": team_id,
    }


def publish_event(rt: Runtime, event: str, data: Doc, to: Doc | None = None) -> None:
    """A realtime event with its documents as stored (``wire.ws_event_data`` renders them), for
    whom ``to`` (a :func:`broadcast`) names, everyone without it; nothing when nobody listens."""
    if rt.events.active:
        rt.events.publish(event, {"data": data, "broadcast": to or broadcast()})
