"""What the control plane and the dashboard see of the workspace (``/_emulator/...``)."""

from __future__ import annotations

from typing import Any

from ..core.ids import is_mattermost_id
from ..core.runtime import Runtime
from . import models, wire


def posts_since(rt: Runtime, channel: str, since_ms: int) -> list[dict[str, Any]] | None:
    """Posts created at or after ``since_ms`` in a channel given by id or name, oldest first;
    None when no such channel exists."""
    found = rt.store.get("channels", channel) if is_mattermost_id(channel) else None
    if found is None:
        named = rt.store.find("channels", "name", channel.lstrip("~"))
        found = named[0] if named else None
    if found is None:
        return None
    recent = []
    offset = 0
    while True:
        page = rt.store.find_page("posts", "channel_id", found["id"], offset, 50)
        fresh = [p for p in page if p["create_at"] >= since_ms]
        recent.extend(fresh)
        if len(fresh) < len(page) or len(page) < 50:
            break
        offset += 50
    return [wire.post(p) for p in reversed(recent) if not p["delete_at"]]


def _channel_label(rt: Runtime, channel: dict[str, Any], members: list[str]) -> str:
    if channel["type"] in ("D", "G"):
        return ", ".join(sorted(members))
    return channel["display_name"] or channel["name"]


def workspace_overview(rt: Runtime) -> dict[str, Any]:
    """Teams, channels with members, and users: what the dashboard draws."""
    users = rt.store.all("users")
    usernames = {u["id"]: u["username"] for u in users}
    teams = {t["id"]: t["name"] for t in rt.store.all("teams")}
    channels = []
    for channel in rt.store.all("channels"):
        if channel["delete_at"]:
            continue
        members = [
            usernames.get(m["user_id"], m["user_id"])
            for m in rt.store.find("channel_members", "channel_id", channel["id"])
        ]
        channels.append(
            {
                "id": channel["id"],
                "name": channel["name"],
                "label": _channel_label(rt, channel, members),
                "type": {"O": "public", "P": "private", "D": "direct", "G": "group"}[
                    channel["type"]
                ],
                "team": teams.get(channel["team_id"], ""),
                "members": members,
                "posts": channel["total_msg_count"],
            }
        )
    return {
        "teams": [{"id": t["id"], "name": t["name"]} for t in rt.store.all("teams")],
        "channels": channels,
        "users": [
            {"id": u["id"], "username": u["username"], "bot": u.get("is_bot", False)} for u in users
        ],
    }


def post_as(rt: Runtime, username: str, channel_id: str, text: str) -> dict[str, Any] | None:
    """Post as a user (the dashboard's demo button), by that user's permissions; None if user
    or channel is unknown."""
    user = rt.store.find_one("users", "username", username.lower())
    channel = rt.store.get("channels", channel_id)
    if user is None or channel is None:
        return None
    return wire.post(models.create_post(rt, user, channel_id=channel["id"], message=text))


def dashboard_event(rt: Runtime, event: str, payload: dict[str, Any]) -> dict[str, Any] | None:
    """A realtime event as the dashboard's product-neutral ``{"type": "post", ...}``."""
    if event != "posted":
        return None
    post = payload["data"]["post"]
    user = rt.store.get("users", post["user_id"])
    return {
        "type": "post",
        "channel_id": post["channel_id"],
        "id": post["id"],
        "user": user["username"] if user else post["user_id"],
        "text": post["message"],
        "at": post["create_at"],
    }


DASHBOARD_DEVICE = "chat-emulator-dashboard"


def session_for(rt: Runtime, username: str) -> dict[str, Any] | None:
    """A web session for the live view, reused while valid (one per user, not one per page)."""
    user = rt.store.find_one("users", "username", username.lower())
    if user is None or user["delete_at"]:
        return None
    now = rt.clock.now_ms()
    session = next(
        (
            s
            for s in rt.store.find("sessions", "user_id", user["id"])
            if s["device_id"] == DASHBOARD_DEVICE and s["expires_at"] > now
        ),
        None,
    ) or models.create_session(rt, user, device_id=DASHBOARD_DEVICE)
    return {"token": session["token"], "user_id": user["id"], "username": user["username"]}
