"""What the control plane and the dashboard see of the workspace (``/_emulator/...``)."""

from __future__ import annotations

from typing import Any

from ..core.runtime import Runtime
from . import models, wire


def posts_since(rt: Runtime, channel: str, since_ms: int) -> list[dict[str, Any]] | None:
    """Messages sent at or after ``since_ms`` in a room given by id or name, oldest first;
    None when no such room exists."""
    room = rt.store.get("rooms", channel) or rt.store.find_one("rooms", "name", channel.lstrip("#"))
    if room is None:
        return None
    recent = []
    offset = 0
    while True:
        page = rt.store.find_page("messages", "rid", room["_id"], offset, 50)
        fresh = [m for m in page if m["ts"] >= since_ms]
        recent.extend(fresh)
        if len(fresh) < len(page) or len(page) < 50:
            break
        offset += 50
    return [wire.message(m) for m in reversed(recent)]


def workspace_overview(rt: Runtime) -> dict[str, Any]:
    """Rooms with members, teams and users: what the dashboard draws."""
    teams = {t["_id"]: t["name"] for t in rt.store.all("teams")}
    channels = []
    for room in rt.store.all("rooms"):
        members = [s["u"]["username"] for s in rt.store.find("subscriptions", "rid", room["_id"])]
        label = (
            room.get("fname") or room.get("name") or ", ".join(sorted(room.get("usernames", [])))
        )
        channels.append(
            {
                "id": room["_id"],
                "name": room.get("name") or "",
                "label": label,
                "type": {"c": "public", "p": "private", "d": "direct"}.get(room["t"], room["t"]),
                "team": teams.get(room.get("teamId") or "", ""),
                "members": members,
                "posts": room.get("msgs", 0),
            }
        )
    return {
        "teams": [{"id": tid, "name": name} for tid, name in teams.items()],
        "channels": channels,
        "users": [
            {"id": u["_id"], "username": u["username"], "bot": "bot" in u.get("roles", [])}
            for u in rt.store.all("users")
        ],
    }


def post_as(rt: Runtime, username: str, channel_id: str, text: str) -> dict[str, Any] | None:
    """Post as any user (the dashboard's demo button); None if user or room is unknown."""
    user = models.find_user(rt, username)
    room = rt.store.get("rooms", channel_id)
    if user is None or room is None:
        return None
    return wire.message(models.send_message(rt, room=room, user=user, text=text))


def dashboard_event(rt: Runtime, event: str, payload: dict[str, Any]) -> dict[str, Any] | None:
    """A realtime event as the dashboard's product-neutral ``{"type": "post", ...}``."""
    if event != "stream-room-messages":
        return None
    message = payload["args"][0]
    return {
        "type": "post",
        "channel_id": message["rid"],
        "id": message["_id"],
        "user": message["u"]["username"],
        "text": message.get("msg", ""),
        "at": message["ts"],
    }


def session_for(rt: Runtime, username: str) -> dict[str, Any] | None:
    """A login token for the live view (stored hashed, so each call issues a new one)."""
    user = models.find_user(rt, username)
    if user is None or not user["active"]:
        return None
    token = models.issue_login_token(rt, user)
    return {"token": token, "user_id": user["_id"], "username": user["username"]}
