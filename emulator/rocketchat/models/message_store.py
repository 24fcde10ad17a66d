"""The one insert every message goes through: user posts, system messages, pins, files.

Below both ``messages`` and ``rooms`` (which writes system messages), so neither imports the other
back.
"""

from __future__ import annotations

from ...core.runtime import Runtime
from .common import Doc, _now


def _sender(user: Doc) -> Doc:
    # ``name`` only when the sender has one (a livechat visitor may not)
    out = {"_id": user["_id"], "username": user["username"]}
    if user.get("name") is not None:
        out["name"] = user["name"]
    return out


def send_message(
    rt: Runtime,
    *,
    room: Doc,
    user: Doc,
    text: str,
    tmid: str | None = None,
    message_id: str | None = None,
    extra: Doc | None = None,
    at: int | None = None,
) -> Doc:
    now = _now(rt, at)
    message: Doc = {
        "_id": message_id or rt.ids.meteor_id(),
        "rid": room["_id"],
        "msg": text,
        "ts": now,
        "u": _sender(user),
        "_updatedAt": now,
        "urls": [],
        "mentions": [],
        "channels": [],
    }
    if tmid:
        message["tmid"] = tmid
    message.update(extra or {})
    with rt.store.transaction():
        rt.store.insert("messages", message)
        if tmid:
            parent = rt.store.get("messages", tmid)
            replies = list(dict.fromkeys([*parent.get("replies", []), user["_id"]]))
            rt.store.update(
                "messages",
                tmid,
                {
                    "tcount": parent.get("tcount", 0) + 1,
                    "replies": replies,
                    "tlm": now,
                    "_updatedAt": now,
                },
            )
        fresh = rt.store.get("rooms", room["_id"])
        rt.store.update(
            "rooms",
            room["_id"],
            {"msgs": fresh["msgs"] + 1, "lm": now, "lastMessage": message, "_updatedAt": now},
        )
    if rt.events.active:
        rt.events.publish("stream-room-messages", {"eventName": room["_id"], "args": [message]})
    return message
