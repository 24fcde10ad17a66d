"""``markRoomResponded``, the ``afterSaveMessage`` rule every send path runs for livechat rooms:
below ``messages`` (which calls it) and free of the conversation module (which imports
``messages``), so neither imports the other back."""

from __future__ import annotations

from ...core.runtime import Runtime
from .common import Doc


def mark_room_responded(rt: Runtime, room: Doc, message: Doc) -> None:
    """An agent's message in a livechat room: the room no longer waits for a response, and the
    first response (who, when) is kept; the visitor's own and system messages change nothing."""
    if room.get("t") != "l" or message.get("token") or message.get("t"):
        return
    fresh = rt.store.get("rooms", room["_id"])
    if fresh is None:
        return
    ts = message["ts"]
    responded = fresh.get("responseBy") or {
        "_id": message["u"]["_id"],
        "username": message["u"]["username"],
        "firstResponseTs": ts,
    }
    doc = {k: v for k, v in fresh.items() if k != "waitingResponse"}
    rt.store.upsert("rooms", {**doc, "responseBy": {**responded, "lastMessageTs": ts}})
