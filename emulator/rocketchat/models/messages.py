"""Messages: posting, editing, deleting, reactions, pins, stars, threads, history cleaning."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from ...core.runtime import Runtime
from .. import errors
from . import notifications, rooms
from .common import (
    Doc,
    IntegrationEvent,
    Refused,
    _now,
    has_permission,
    run_integrations,
    setting,
)
from .livechat_responses import mark_room_responded
from .message_store import send_message

# -- sending checks ---------------------------------------------------------------------------


class SendRefused(Refused):
    """Why a message may not be sent."""


def exceeds_max_size(rt: Runtime, text: str) -> bool:
    """``msg.length > (Message_MaxAllowedSize ?? 0)``: a JS length, in UTF-16 code units."""
    limit = setting(rt, "Message_MaxAllowedSize") or 0
    return bool(text) and len(text.encode("utf-16-le", "surrogatepass")) // 2 > limit


def check_sendable(rt: Runtime, room: Doc | None, user: Doc, text: str) -> Doc:
    """``executeSendMessage``'s checks, in its order: the size limit, then the room
    (``canSendMessageAsync``), run first by ``execute_send_message``. Returns the room."""
    if exceeds_max_size(rt, text):
        raise SendRefused(
            errors.MESSAGE_SIZE_EXCEEDED,
            "Message size exceeds Message_MaxAllowedSize",
            {"method": "sendMessage"},
        )
    if room is None:
        raise SendRefused(errors.INVALID_ROOM)
    if not rooms.can_access_room(rt, room, user):
        raise SendRefused(errors.NOT_ALLOWED)
    if room.get("archived"):
        raise SendRefused(errors.ROOM_ARCHIVED)
    if (
        room.get("ro")
        and not has_permission(rt, user, "post-readonly", room["_id"])
        and user["username"] not in room.get("unmuted", [])
    ):
        raise SendRefused(errors.READ_ONLY_ROOM)
    if user["username"] in room.get("muted", []):
        raise SendRefused(errors.YOU_HAVE_BEEN_MUTED)
    sub = rooms.subscription(rt, room["_id"], user["_id"])
    if sub is not None and (sub.get("blocked") or sub.get("blocker")):
        raise SendRefused(errors.ROOM_IS_BLOCKED)
    return room


def check_thread_and_id(rt: Runtime, room: Doc, tmid: Any, message_id: str | None) -> str | None:
    """The rest of ``executeSendMessage``, for every door: a ``tmid`` must name a message of
    ``room`` with threads enabled, and a client-chosen ``_id`` must be free. Returns the thread
    root (threads do not nest). ``execute_send_message`` calls it inside the transaction that
    inserts the message, so the id is still free then."""
    root = None
    if tmid:
        parent = rt.store.get("messages", tmid) if isinstance(tmid, str) else None
        if parent is None or parent["rid"] != room["_id"]:
            raise SendRefused(errors.INVALID_MESSAGE, "Invalid message")
        if not setting(rt, "Threads_enabled"):
            raise SendRefused(errors.NOT_ALLOWED, "not-allowed")
        root = parent.get("tmid") or parent["_id"]
    if message_id and rt.store.get("messages", message_id) is not None:
        raise SendRefused(errors.MESSAGE_ALREADY_EXISTS, "Message already exists")
    return root


def execute_send_message(
    rt: Runtime,
    user: Doc,
    room: Doc | None,
    text: str,
    *,
    tmid: Any = None,
    message_id: str | None = None,
    extra: Doc | None = None,
    validate: Callable[[Doc], None] | None = None,
) -> Doc:
    """``executeSendMessage``: the one send for REST, DDP, legacy REST and (next) integrations.
    Checks in upstream's order (``check_sendable``, then the door's ``validate(room)`` for what
    only that door checks, then the thread and the id), and inserts under the lock the id check
    ran under. Raises ``SendRefused``; nothing is stored or published then."""
    room = check_sendable(rt, room, user, text)
    if validate is not None:
        validate(room)
    with rt.store.transaction():
        root = check_thread_and_id(rt, room, tmid, message_id)
        message = post_message(
            rt, room, user, text, extra=extra, tmid=root, message_id=message_id or None
        )
        mark_room_responded(rt, room, message)
    # ``afterSaveMessage``: outgoing integrations see the stored message.
    run_integrations(rt, IntegrationEvent("sendMessage", message=message, room=room))
    return message


# -- reactions --------------------------------------------------------------------------------


def emoji_key(emoji: str) -> str:
    """The ``:name:`` key reactions are stored under, with or without the colons given."""
    return emoji if emoji.startswith(":") else f":{emoji}:"


def react(rt: Runtime, message: Doc, user: Doc, emoji: str, at: int | None = None) -> Doc:
    """Toggle ``user``'s ``:emoji:`` reaction and announce the changed message."""
    key = emoji_key(emoji)
    reactions = {
        k: {"usernames": list(v["usernames"])} for k, v in message.get("reactions", {}).items()
    }
    usernames = reactions.setdefault(key, {"usernames": []})["usernames"]
    if user["username"] in usernames:
        usernames.remove(user["username"])
        if not usernames:
            del reactions[key]
    else:
        usernames.append(user["username"])
    fresh = rt.store.update(
        "messages", message["_id"], {"reactions": reactions, "_updatedAt": _now(rt, at)}
    )
    if rt.events.active:
        rt.events.publish("stream-room-messages", {"eventName": fresh["rid"], "args": [fresh]})
    return fresh


def set_reaction(
    rt: Runtime, message: Doc, user: Doc, emoji: str, should_react: bool | None = None
) -> Doc | None:
    """``executeSetReaction`` for ``chat.react`` and the ``setReaction`` method: toggle, or set
    to ``should_react`` when given. Returns the changed message, None when nothing changed.
    Raises ``Refused("not-authorized")`` when the user may not read the room."""
    room = rt.store.get("rooms", message["rid"])
    if room is None or not rooms.can_access_room(rt, room, user):
        raise Refused(errors.BARE_NOT_AUTHORIZED, "Not Authorized", {"method": "setReaction"})
    key = emoji_key(emoji)
    reacted = user["username"] in message.get("reactions", {}).get(key, {}).get("usernames", [])
    if should_react is not None and should_react == reacted:
        return None
    return react(rt, message, user, key)


# -- messages: posting, editing, deleting, pins, stars, threads -------------------------------


def mentions_in(rt: Runtime, text: str) -> list[Doc]:
    """``@username``, ``@all`` and ``@here`` mentions, as ``message.mentions`` holds them."""
    found: list[Doc] = []
    for name in dict.fromkeys(rooms.MENTION_RE.findall(text or "")):
        name = name.rstrip(".")
        if name in ("all", "here"):
            found.append({"_id": name, "username": name})
            continue
        mentioned = rt.store.find_one("users", "username", name.lower())
        if mentioned is not None:
            found.append(
                {
                    "_id": mentioned["_id"],
                    "username": mentioned["username"],
                    "name": mentioned.get("name"),
                    "type": "user",
                }
            )
    return found


def post_message(
    rt: Runtime,
    room: Doc,
    user: Doc,
    text: str,
    extra: Doc | None = None,
    tmid: str | None = None,
    message_id: str | None = None,
) -> Doc:
    """A user's message: mentions parsed, other members alerted.

    ``unread`` counts every message in DMs (``Unread_Count_DM``: all messages) but only mentions
    elsewhere (``Unread_Count``: user and group mentions only), as the defaults do.
    """
    fields = {"mentions": mentions_in(rt, text), **(extra or {})}
    changed = []
    with rt.store.transaction():
        message = send_message(
            rt, room=room, user=user, text=text, tmid=tmid, message_id=message_id, extra=fields
        )
        mentioned = {m["_id"] for m in fields["mentions"]}
        group = bool(mentioned & {"all", "here"})
        for sub in rt.store.find("subscriptions", "rid", room["_id"]):
            if sub["u"]["_id"] == user["_id"]:
                rt.store.update("subscriptions", sub["_id"], {"ls": message["ts"]})
                continue
            personal = sub["u"]["_id"] in mentioned
            counts = room["t"] == "d" or personal or group
            changed.append(
                rt.store.update(
                    "subscriptions",
                    sub["_id"],
                    {
                        "unread": sub.get("unread", 0) + (1 if counts else 0),
                        "alert": True,
                        "open": True,
                        "userMentions": sub.get("userMentions", 0) + (1 if personal else 0),
                        "groupMentions": sub.get("groupMentions", 0) + (1 if group else 0),
                        "_updatedAt": message["ts"],
                    },
                )
            )
    for sub in changed:
        rooms.notify_user(rt, sub["u"]["_id"], "subscriptions-changed", "updated", sub)
    # The room's lastMessage changed (``notifyOnRoomChangedById``), then desktop notifications.
    fresh_room = rt.store.get("rooms", room["_id"])
    if fresh_room is not None:
        rooms._notify_members(rt, fresh_room, "updated")
    notifications.notify_desktop(rt, room, message, user)
    return message


def edit_message(rt: Runtime, message: Doc, text: str, editor: Doc) -> Doc:
    """``updateMessage``: the size limit, then ``edit-message`` or one's own message with
    ``Message_AllowEditing``, then the room must take the editor's messages. Raises
    ``Refused``."""
    if exceeds_max_size(rt, text):
        raise Refused(
            errors.MESSAGE_SIZE_EXCEEDED,
            "Message size exceeds Message_MaxAllowedSize",
            {"method": "updateMessage"},
        )
    can_edit = has_permission(rt, editor, "edit-message", message["rid"])
    own = message["u"]["_id"] == editor["_id"] and setting(rt, "Message_AllowEditing")
    if not can_edit and not own:
        raise Refused(
            errors.ACTION_NOT_ALLOWED,
            "Message editing not allowed",
            {"method": "updateMessage", "action": "Message_editing"},
        )
    check_sendable(rt, rt.store.get("rooms", message["rid"]), editor, "")  # canSendMessageAsync
    now = rt.clock.now_ms()
    fresh = rt.store.update(
        "messages",
        message["_id"],
        {
            "msg": text,
            "mentions": mentions_in(rt, text),
            "editedAt": now,
            "editedBy": {"_id": editor["_id"], "username": editor["username"]},
            "_updatedAt": now,
        },
    )
    if rt.events.active:
        rt.events.publish("stream-room-messages", {"eventName": fresh["rid"], "args": [fresh]})
    room = rt.store.get("rooms", fresh["rid"])
    # ``afterSaveMessage`` runs for edits too
    run_integrations(rt, IntegrationEvent("sendMessage", message=fresh, room=room))
    return fresh


def delete_message(rt: Runtime, message: Doc, user: Doc, as_user: bool = False) -> None:
    """``deleteMessage`` by ``user``: another's message ``as_user`` needs
    ``force-delete-message``; then ``delete-message`` or one's own with
    ``Message_AllowDeleting``. Raises ``Refused``."""
    own = message["u"]["_id"] == user["_id"]
    if as_user and not own and not has_permission(rt, user, "force-delete-message", message["rid"]):
        raise Refused(
            'Unauthorized. You must have the permission "force-delete-message" to delete '
            "other's message as them."
        )
    can_delete = has_permission(rt, user, "delete-message", message["rid"])
    if not can_delete and not (own and setting(rt, "Message_AllowDeleting")):
        raise Refused(
            errors.ACTION_NOT_ALLOWED,
            "Not allowed",
            {"method": "deleteMessage", "action": "Delete_message"},
        )
    remove_message(rt, message)


def remove_message(rt: Runtime, message: Doc) -> None:
    """The message goes to the trash (thread count and room counters follow), announced as
    ``deleteMessage``; no checks (``deleteMessage`` and the moderation console run theirs)."""
    with rt.store.transaction():
        rt.store.delete("messages", message["_id"])
        rooms._trash(rt, "messages", message)
        if message.get("tmid"):
            parent = rt.store.get("messages", message["tmid"])
            if parent is not None:
                rt.store.update(
                    "messages",
                    parent["_id"],
                    {"tcount": max(parent.get("tcount", 1) - 1, 0), "_updatedAt": message["ts"]},
                )
        room = rt.store.get("rooms", message["rid"])
        if room is not None:
            changes: Doc = {"msgs": max(room["msgs"] - 1, 0)}
            if (room.get("lastMessage") or {}).get("_id") == message["_id"]:
                remaining = rt.store.find_page("messages", "rid", room["_id"], 0, 1)
                changes["lastMessage"] = remaining[0] if remaining else None
            rt.store.update("rooms", room["_id"], changes)
    rooms.notify_room(rt, message["rid"], "deleteMessage", {"_id": message["_id"]})


def set_message_fields(rt: Runtime, message: Doc, changes: Doc) -> Doc:
    fresh = rt.store.update(
        "messages", message["_id"], {**changes, "_updatedAt": rt.clock.now_ms()}
    )
    if rt.events.active:
        rt.events.publish("stream-room-messages", {"eventName": fresh["rid"], "args": [fresh]})
    return fresh


def star_message(rt: Runtime, message: Doc, user: Doc, starred: bool) -> Doc:
    """``starMessage`` (``unStarMessage`` calls it too): add or drop ``user``'s star when
    ``Message_AllowStarring`` and the room is readable (else ``Refused``); only a member of the
    room changes it."""
    method = "starMessage"
    if not setting(rt, "Message_AllowStarring"):
        raise Refused(
            errors.ACTION_NOT_ALLOWED,
            "Message starring not allowed",
            {"method": method, "action": "Message_starring"},
        )
    room = rt.store.get("rooms", message["rid"])
    if room is None or not rooms.can_access_room(rt, room, user):
        raise Refused(errors.BARE_NOT_AUTHORIZED, "Not Authorized", {"method": method})
    if rooms.subscription(rt, message["rid"], user["_id"]) is None:
        return message
    others = [s for s in message.get("starred", []) if s["_id"] != user["_id"]]
    return set_message_fields(
        rt, message, {"starred": [*others, {"_id": user["_id"]}] if starred else others}
    )


def follow_message(rt: Runtime, mid: str, user: Doc, following: bool) -> Doc:
    """``followMessage``/``unfollowMessage``: ``user`` in or out of the thread's ``replies``,
    with threads enabled and the message's room readable. Raises ``Refused``."""
    details = {"method": "followMessage" if following else "unfollowMessage"}
    if not setting(rt, "Threads_enabled"):
        raise Refused(errors.NOT_ALLOWED, "not-allowed", details)
    message = rt.store.get("messages", mid)
    room = rt.store.get("rooms", message["rid"]) if message else None
    if message is None or room is None:
        raise Refused(errors.INVALID_MESSAGE, "Invalid message", details)
    if not rooms.can_access_room(rt, room, user):
        raise Refused(errors.NOT_ALLOWED, "not-allowed", details)
    others = [u for u in message.get("replies", []) if u != user["_id"]]
    return set_message_fields(
        rt, message, {"replies": [*others, user["_id"]] if following else others}
    )


def _check_pinning(rt: Runtime, message: Doc, user: Doc, method: str) -> None:
    if not setting(rt, "Message_AllowPinning"):
        raise Refused(
            errors.ACTION_NOT_ALLOWED,
            "Message pinning not allowed",
            {"method": method, "action": "Message_pinning"},
        )
    if not has_permission(rt, user, "pin-message", message["rid"]):
        raise Refused(errors.BARE_NOT_AUTHORIZED, "Not Authorized", {"method": method})


def unpin_message(rt: Runtime, message: Doc, user: Doc) -> Doc:
    """``unpinMessage``: with ``Message_AllowPinning`` and ``pin-message``, else ``Refused``."""
    _check_pinning(rt, message, user, "unpinMessage")
    return set_message_fields(rt, message, {"pinned": False})


def pin_message(rt: Runtime, message: Doc, user: Doc) -> Doc:
    """``pinMessage``: with ``Message_AllowPinning`` and ``pin-message`` (else ``Refused``), pin
    ``message`` and write the ``message_pinned`` system message quoting it."""
    _check_pinning(rt, message, user, "pinMessage")
    now = rt.clock.now_ms()
    with rt.store.transaction():
        set_message_fields(
            rt,
            message,
            {
                "pinned": True,
                "pinnedAt": now,
                "pinnedBy": {"_id": user["_id"], "username": user["username"]},
            },
        )
        room = rt.store.get("rooms", message["rid"])
        quote = {
            "text": message.get("msg", ""),
            "author_name": message["u"]["username"],
            "author_icon": f"/avatar/{message['u']['username']}",
            "ts": message["ts"],
        }
        if message.get("attachments"):
            quote["attachments"] = message["attachments"]
        pinned = send_message(
            rt,
            room=room,
            user=user,
            text=message.get("msg", ""),
            extra={"t": "message_pinned", "attachments": [quote]},
        )
    return pinned


def clean_history(
    rt: Runtime,
    room: Doc,
    latest: int,
    oldest: int,
    inclusive: bool,
    exclude_pinned: bool,
    files_only: bool,
    users: list[str],
    ignore_threads: bool,
) -> int:
    """``cleanRoomHistory``: delete the room's messages in a time range; returns how many."""
    doomed = []
    for message in rt.store.find("messages", "rid", room["_id"]):
        ts = message["ts"]
        inside = oldest <= ts <= latest if inclusive else oldest < ts < latest
        if not inside or message.get("t") in ("message_pinned",):
            continue
        if exclude_pinned and message.get("pinned"):
            continue
        if files_only and not message.get("file"):
            continue
        if users and message["u"]["username"] not in users:
            continue
        if ignore_threads and (message.get("tmid") or message.get("tcount")):
            continue
        doomed.append(message)
    with rt.store.transaction():
        for message in doomed:
            rt.store.delete("messages", message["_id"])
            rooms._trash(rt, "messages", message)
        fresh = rt.store.get("rooms", room["_id"])
        remaining = rt.store.find_page("messages", "rid", room["_id"], 0, 1)
        rt.store.update(
            "rooms",
            room["_id"],
            {
                "msgs": max(fresh["msgs"] - len(doomed), 0),
                "lastMessage": remaining[0] if remaining else None,
            },
        )
    rooms.notify_room(
        rt,
        room["_id"],
        "deleteMessageBulk",
        {
            "rid": room["_id"],
            "excludePinned": exclude_pinned,
            "ignoreDiscussion": True,
            "ts": {"$gt": oldest, "$lt": latest},
            "users": users,
            "ids": [m["_id"] for m in doomed],
        },
    )
    return len(doomed)


def _visible_newest_first(rt: Runtime, room_id: str, threads: bool) -> Iterator[Doc]:
    """``findVisibleByRoomId...``: the room's messages newest first, without hidden ones and,
    unless ``threads``, without thread replies not also shown in the room (``tshow``)."""
    offset, chunk = 0, 200
    while page := rt.store.find_page("messages", "rid", room_id, offset, chunk, newest_first=True):
        offset += len(page)
        for message in page:
            if message.get("_hidden") or (
                not threads and message.get("tmid") and not message.get("tshow")
            ):
                continue
            yield message


def load_history(
    rt: Runtime,
    room_id: str,
    before: int | None,
    limit: int,
    last_seen: int | None = None,
    threads: bool = True,
) -> Doc:
    """``loadMessageHistory``: the newest ``limit`` messages older than ``before`` (epoch ms)
    when given, newest first; with the caller's ``last_seen``, the oldest unread message the page
    does not reach (``firstUnread``) and how many such there are (``unreadNotLoaded``)."""
    found: list[Doc] = []
    unread: list[Doc] = []
    for message in _visible_newest_first(rt, room_id, threads):
        if before is not None and message["ts"] >= before:
            continue
        if len(found) < limit:
            found.append(message)
        elif last_seen is None or message["ts"] <= last_seen:
            break
        elif message["ts"] < found[-1]["ts"]:  # strictly between last_seen and the page
            unread.append(message)
    out: Doc = {"messages": found, "unreadNotLoaded": len(unread)}
    if unread:
        out["firstUnread"] = unread[-1]
    return out


def read_room(rt: Runtime, sub: Doc) -> Doc:
    """``readMessages``: the caller has seen everything in the room."""
    now = rt.clock.now_ms()
    fresh = rooms.update_subscription(
        rt,
        sub,
        {"unread": 0, "alert": False, "userMentions": 0, "groupMentions": 0, "ls": now},
    )
    rooms.notify_room(rt, sub["rid"], "messagesRead", {"until": now})
    return fresh
