"""Who and which channel a raw request is about, for fault matching and the request journal.

Works on the WSGI environ (before Flask routing) and reads only through indexes.
"""

from __future__ import annotations

from typing import Any

from ..core import jsonbounds
from ..core.ids import is_mattermost_id
from ..core.runtime import Runtime
from . import authentication


def identify_user(rt: Runtime, environ: dict[str, Any]) -> tuple[str, str] | None:
    """The caller as the REST API authenticates it: a credential the API refuses names nobody."""
    found = authentication.identify(rt, environ)
    if found is None:
        return None
    _, user = found
    return user["id"], user["username"]


def _channel(rt: Runtime, channel_id: Any) -> tuple[str, str] | None:
    if not is_mattermost_id(channel_id):
        return None
    channel = rt.store.get("channels", channel_id)
    return (channel["id"], channel["name"]) if channel is not None else None


def identify_channel(
    rt: Runtime, environ: dict[str, Any], body: bytes | None
) -> tuple[str, str] | None:
    """From ``/channels/{id}``, ``/teams/{id}/channels/name/{name}``, ``/posts/{id}`` or a
    ``channel_id`` in the JSON body."""
    parts = environ.get("PATH_INFO", "").strip("/").split("/")
    if len(parts) >= 4 and parts[:2] == ["api", "v4"]:
        if parts[2] == "channels":
            found = _channel(rt, parts[3])
            if found:
                return found
        if parts[2] == "teams" and len(parts) >= 7 and parts[4:6] == ["channels", "name"]:
            channel = rt.store.find_one("channels", "team_name", (parts[3], parts[6]))
            if channel is not None:
                return (channel["id"], channel["name"])
        if parts[2] == "posts" and is_mattermost_id(parts[3]):
            post = rt.store.get("posts", parts[3])
            if post is not None:
                return _channel(rt, post["channel_id"])
    if body and body[:1] in (b"{", b" ", b"\n"):
        try:
            parsed = jsonbounds.loads(body)
        except ValueError:
            return None
        if isinstance(parsed, dict):
            return _channel(rt, parsed.get("channel_id"))
    return None


def frame_subject(
    rt: Runtime, direction: str, frame: dict[str, Any]
) -> tuple[str | None, tuple[str, str] | None]:
    """A WebSocket frame's event (or, inbound, action) and channel, for realtime faults."""
    if direction == "in":
        action = frame.get("action")
        data = frame.get("data")
        channel_id = data.get("channel_id") if isinstance(data, dict) else None
        return (action if isinstance(action, str) else None), _channel(rt, channel_id)
    event = frame.get("event")
    if not isinstance(event, str):
        return ("reply" if "seq_reply" in frame else None), None
    broadcast = frame.get("broadcast") or {}
    data = frame.get("data") or {}
    channel_id = broadcast.get("channel_id") or data.get("channel_id")
    return event, _channel(rt, channel_id)
