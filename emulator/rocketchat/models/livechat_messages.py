"""Messages on the visitor's side of a livechat room: sent through the one send path, edited,
deleted, read back by the widget, and the pages it reports visiting."""

from __future__ import annotations

from ...core.runtime import Runtime
from .. import errors
from . import livechat, messages, rooms
from .common import BOT_ID, Doc, IntegrationEvent, Refused, run_integrations, setting
from .livechat_rooms import visitor_as_sender, visitor_room
from .message_store import send_message


def send_visitor_message(
    rt: Runtime, visitor: Doc, room: Doc, text: str, message_id: str | None = None
) -> Doc:
    """``Livechat.sendMessage`` for a visitor: the character limit, then the one send path
    (stream-room-messages, the agent's unread, outgoing integrations). Raises ``Refused``."""
    if not room.get("open"):
        raise Refused(errors.ROOM_CLOSED)
    limit = livechat.livechat_setting(rt, "Livechat_message_character_limit") or 0
    if (
        livechat.livechat_setting(rt, "Livechat_enable_message_character_limit")
        and len(text) > limit
    ):
        raise Refused(errors.MESSAGE_LENGTH_EXCEEDS_LIMIT)
    if messages.exceeds_max_size(rt, text):
        raise Refused(
            errors.MESSAGE_SIZE_EXCEEDED,
            "Message size exceeds Message_MaxAllowedSize",
            {"method": "sendMessage"},
        )
    if message_id and rt.store.get("messages", message_id) is not None:
        raise Refused(errors.MESSAGE_ALREADY_EXISTS, "Message already exists")
    with rt.store.transaction():
        message = messages.post_message(
            rt,
            room,
            visitor_as_sender(visitor),
            text,
            extra={"token": visitor["token"]},
            message_id=message_id,
        )
        rt.store.update(
            "rooms",
            room["_id"],
            {"waitingResponse": True, "v": {**room["v"], "lastMessageTs": message["ts"]}},
        )
    run_integrations(rt, IntegrationEvent("sendMessage", message=message, room=room))
    return message


def edit_visitor_message(rt: Runtime, visitor: Doc, message: Doc, text: str) -> Doc:
    """``Livechat.updateMessage``: a visitor edits its own message, if editing is allowed."""
    if message["u"]["_id"] != visitor["_id"] or not setting(rt, "Message_AllowEditing"):
        raise Refused(
            errors.ACTION_NOT_ALLOWED,
            "Message editing not allowed",
            {"method": "livechatUpdateMessage"},
        )
    now = rt.clock.now_ms()
    fresh = rt.store.update(
        "messages",
        message["_id"],
        {
            "msg": text,
            "editedAt": now,
            "editedBy": {"_id": visitor["_id"], "username": visitor["username"]},
            "_updatedAt": now,
        },
    )
    if rt.events.active:
        rt.events.publish("stream-room-messages", {"eventName": fresh["rid"], "args": [fresh]})
    return fresh


def delete_visitor_message(rt: Runtime, visitor: Doc, message: Doc) -> None:
    """``Livechat.deleteMessage``: a visitor deletes its own message, if deleting is allowed."""
    if message["u"]["_id"] != visitor["_id"] or not setting(rt, "Message_AllowDeleting"):
        raise Refused(
            errors.ACTION_NOT_ALLOWED,
            "Message deleting not allowed",
            {"method": "livechatDeleteMessage"},
        )
    with rt.store.transaction():
        rt.store.delete("messages", message["_id"])
        rooms._trash(rt, "messages", message)
        room = rt.store.get("rooms", message["rid"])
        if room is not None:
            rt.store.update("rooms", room["_id"], {"msgs": max(room["msgs"] - 1, 0)})
    rooms.notify_room(rt, message["rid"], "deleteMessage", {"_id": message["_id"]})


HIDDEN_TYPES = ("livechat_navigation_history",)


def visitor_history(
    rt: Runtime,
    room: Doc,
    *,
    ls: int | None,
    end: int | None,
    limit: int,
    offset: int,
    text: str | None,
) -> list[Doc]:
    """``loadMessageHistory`` for the widget: newest first, older than ``end``, newer than
    ``ls``, matching ``text``."""
    found = []
    for message in reversed(rt.store.find("messages", "rid", room["_id"])):
        if message.get("_hidden") or message.get("t") in HIDDEN_TYPES:
            continue
        if end is not None and message["ts"] >= end:
            continue
        if ls is not None and message["ts"] <= ls:
            continue
        if text and text.lower() not in (message.get("msg") or "").lower():
            continue
        found.append(message)
    return found[offset : offset + limit] if limit > 0 else found[offset:]


def record_page_view(rt: Runtime, token: str, rid: str | None, page: Doc) -> Doc | None:
    """``savePageHistory``: a page change of the monitored kind (``Livechat_history_monitor_type``)
    in the visitor's room becomes a ``livechat_navigation_history`` message from rocket.cat;
    anything else is not kept. ``page`` is already checked (``change``, ``title``,
    ``location.href``)."""
    room = visitor_room(rt, token, rid) if rid else None
    if room is None or page["change"] != setting(rt, "Livechat_history_monitor_type"):
        return None
    href = page["location"]["href"]
    navigation = {
        "page": {"change": page["change"], "title": page["title"], "location": {"href": href}},
        "token": token,
    }
    bot = rt.store.get("users", BOT_ID)
    return send_message(
        rt,
        room=room,
        user=bot,
        text=f"{page['title']} - {href}",
        extra={"t": "livechat_navigation_history", "navigation": navigation},
    )
