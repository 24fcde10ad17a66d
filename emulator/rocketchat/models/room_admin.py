"""The ``rooms.*`` operations beyond membership: archive state, notification preferences,
exports, discussions, files."""

from __future__ import annotations

from typing import Any

from ...core.runtime import Runtime
from .. import errors
from . import messages, rooms
from .common import Doc, Refused, has_permission, setting
from .message_store import send_message

# ``saveNotificationSettings``: the fields a subscription takes, and how each value is stored
# (the ``"1"``-strings become booleans; ``default`` removes a preference).
NOTIFICATION_FIELDS = (
    "audioNotificationValue",
    "desktopNotifications",
    "mobilePushNotifications",
    "emailNotifications",
    "unreadAlert",
    "disableNotifications",
    "hideUnreadStatus",
    "hideMentionStatus",
    "muteGroupMentions",
)
_FLAGS = ("disableNotifications", "hideUnreadStatus", "hideMentionStatus", "muteGroupMentions")


def set_archived(rt: Runtime, actor: Doc, room_id: Any, archive: bool) -> None:
    """``archiveRoom`` / ``unarchiveRoom``: an existing room, ``(un)archive-room``, not a DM
    (else ``Refused``, in that order)."""
    method = "archiveRoom" if archive else "unarchiveRoom"
    details = {"method": method}
    room = rt.store.get("rooms", room_id) if isinstance(room_id, str) else None
    if room is None:
        raise Refused(errors.INVALID_ROOM, "Invalid room", details)
    permission = "archive-room" if archive else "unarchive-room"
    if not has_permission(rt, actor, permission, room["_id"]):
        raise Refused(errors.NOT_AUTHORIZED, "Not authorized", details)
    if room["t"] == "d":
        raise Refused(errors.DIRECT_MESSAGE_ROOM, "Direct Messages can not be archived", details)
    if archive:
        rooms.archive_room(rt, room, actor)
    elif room.get("archived"):
        rooms.unarchive_room(rt, room, actor)


def save_notification_setting(rt: Runtime, user: Doc, room_id: Any, field: str, value: Any) -> Doc:
    """``saveNotificationSettings``: a known field, the caller's subscription (else ``Refused``);
    the change reaches the user as ``subscriptions-changed``."""
    details = {"method": "saveNotificationSettings"}
    if field not in NOTIFICATION_FIELDS:
        raise Refused(errors.INVALID_SETTINGS, "Invalid settings field", details)
    sub = rooms.subscription(rt, room_id, user["_id"]) if isinstance(room_id, str) else None
    if sub is None:
        raise Refused(errors.INVALID_SUBSCRIPTION, "Invalid subscription", details)
    if field in _FLAGS:
        return rooms.update_subscription(rt, sub, {field: str(value) == "1"})
    if value == "default":
        rest = {k: v for k, v in sub.items() if k != field}
        rt.store.upsert("subscriptions", rest)
        return rooms.update_subscription(rt, rest, {})
    return rooms.update_subscription(rt, sub, {field: value})


def export_room(rt: Runtime, actor: Doc, room_id: str, kind: str, options: Doc) -> Doc:
    """``rooms.export``: ``mail-messages``, an existing room the actor may read (else
    ``Refused``); kept as a record in ``room_exports`` (no file is built, no mail is sent).
    ``email`` needs recipients and answers the usernames it found no address for."""
    if not has_permission(rt, actor, "mail-messages", room_id):
        raise Refused(errors.ACTION_NOT_ALLOWED, "Mailing is not allowed")
    room = rt.store.get("rooms", room_id)
    if room is None:
        raise Refused(errors.INVALID_ROOM, None)
    if not rooms.can_access_room(rt, room, actor):
        raise Refused(errors.NOT_ALLOWED, "Not Allowed")
    record: Doc = {
        "_id": rt.ids.meteor_id(),
        "rid": room_id,
        "type": kind,
        "userId": actor["_id"],
        "ts": rt.clock.now_ms(),
    }
    result: Doc = {}
    if kind == "file":
        day = 24 * 3600 * 1000
        date_from = options.get("dateFrom") or 0
        date_to = (options.get("dateTo") or rt.clock.now_ms()) + day
        if date_from > date_to:
            raise Refused(errors.INVALID_DATES, "From date cannot be after To date")
        record.update(format=options.get("format"), dateFrom=date_from, dateTo=date_to)
    else:
        to_users = [u for u in options.get("toUsers") or [] if isinstance(u, str)]
        to_emails = [e.strip() for e in options.get("toEmails") or [] if isinstance(e, str)]
        if not to_users and not to_emails:
            raise Refused(errors.INVALID_RECIPIENT, None)
        missing = [u for u in to_users if u]
        emails = [e for e in to_emails if e]
        for username in to_users:
            found = rt.store.find_one("users", "username", username.lower())
            address = ((found or {}).get("emails") or [{}])[0].get("address")
            if address:
                missing = [m for m in missing if m != username]
                emails.append(address)
        record.update(
            toEmails=emails,
            subject=options.get("subject") or "",
            messages=[m for m in options.get("messages") or [] if isinstance(m, str)],
        )
        result = {"missing": missing}
    rt.store.insert("room_exports", record)
    return result


def create_discussion(
    rt: Runtime,
    actor: Doc,
    prid: str,
    name: str,
    pmid: str | None = None,
    reply: str | None = None,
    users: list[str] | None = None,
    encrypted: bool | None = None,
    topic: str | None = None,
) -> Doc:
    """``createDiscussion``: discussions on, ``start-discussion(-other-user)`` in the parent, a
    parent the actor may post to that is no discussion itself, a message of that room if
    ``pmid`` (else ``Refused``); a room of the parent's type (``p`` for DMs) with ``prid``, the
    actor and ``users`` in it, announced in the parent by ``discussion-created``."""
    details = {"method": "createDiscussion"}
    not_allowed = "You are not allowed to create a discussion"
    if setting(rt, "Discussion_enabled") is False:
        raise Refused(errors.ACTION_NOT_ALLOWED, not_allowed, details)
    if not any(
        has_permission(rt, actor, p, prid)
        for p in ("start-discussion", "start-discussion-other-user")
    ):
        raise Refused(errors.ACTION_NOT_ALLOWED, not_allowed, details)
    parent = rt.store.get("rooms", prid)
    creation = {"method": "DiscussionCreation"}
    if parent is None:
        raise Refused(errors.INVALID_ROOM, "Invalid room", creation)
    message = None
    if pmid:
        message = rt.store.get("messages", pmid)
        if message is None:
            raise Refused(errors.INVALID_MESSAGE, "Invalid message", creation)
        if message["rid"] != prid:
            raise Refused(errors.INVALID_ROOM, "Invalid room", creation)
    if parent.get("prid"):
        raise Refused(errors.NESTED_DISCUSSION, "Cannot create nested discussions", creation)
    try:
        messages.check_sendable(rt, parent, actor, "")
    except Refused:
        raise Refused(errors.ACTION_NOT_ALLOWED, not_allowed, creation) from None
    invited = [actor]
    for username in users or []:
        found = rt.store.find_one("users", "username", username.lower())
        if found is not None and found["_id"] != actor["_id"]:
            invited.append(found)
    kind = "p" if parent["t"] == "d" else parent["t"]
    with rt.store.transaction():
        room = rooms.create_room(
            rt,
            room_type=kind,
            name=rt.ids.meteor_id(),
            owner=actor,
            members=invited,
            topic=topic or "",
            description=(message or {}).get("msg", "") if message else "",
        )
        extra: Doc = {"fname": name, "prid": prid}
        if encrypted is not None:
            extra["encrypted"] = encrypted
        room = rooms.update_room(rt, room, extra)
        for sub in rt.store.find("subscriptions", "rid", room["_id"]):
            rt.store.update("subscriptions", sub["_id"], {"fname": name, "prid": prid})
        send_message(
            rt,
            room=rt.store.get("rooms", prid),
            user=actor,
            text=name,
            extra={"t": "discussion-created", "drid": room["_id"], "groupable": False},
        )
        if message is not None:
            messages.set_message_fields(rt, message, {"drid": room["_id"], "dcount": 0})
        if reply:
            fresh = rt.store.get("rooms", room["_id"])
            messages.post_message(rt, room=fresh, user=actor, text=reply)
    for member in invited:
        sub = rooms.subscription(rt, room["_id"], member["_id"])
        rooms.notify_user(rt, member["_id"], "subscriptions-changed", "inserted", sub)
        rooms.notify_user(rt, member["_id"], "rooms-changed", "inserted", room)
    fresh = rt.store.get("rooms", room["_id"])
    return {**fresh, "rid": fresh["_id"]}


def delete_upload(rt: Runtime, actor: Doc, upload: Doc) -> list[str]:
    """``deleteFileMessage``: the message carrying the file goes as ``deleteMessage`` would
    have it (its rules apply), and the file with it; a file no message carries only its
    uploader (or a ``delete-message`` holder) may delete. Raises ``Refused``."""
    carrier = next(
        (
            m
            for m in rt.store.find("messages", "rid", upload["rid"])
            if (m.get("file") or {}).get("_id") == upload["_id"]
        ),
        None,
    )
    if carrier is not None:
        messages.delete_message(rt, carrier, actor)
    elif upload["userId"] != actor["_id"] and not has_permission(
        rt, actor, "delete-message", upload["rid"]
    ):
        raise Refused(
            errors.ACTION_NOT_ALLOWED,
            "Not allowed",
            {"method": "deleteMessage", "action": "Delete_message"},
        )
    with rt.store.transaction():
        rt.store.delete("uploads", upload["_id"])
        rt.store.delete("upload_blobs", upload["_id"])
    return [upload["_id"]]


ROLE_ORDER = ("owner", "moderator", "leader")


def members_by_role(rt: Runtime, room: Doc) -> list[Doc]:
    """``findUsersOfRoomOrderedByRole``: owners, then moderators, then the rest, each by
    username; every member with its room ``roles``."""
    found = []
    for sub in rt.store.find("subscriptions", "rid", room["_id"]):
        user = rt.store.get("users", sub["u"]["_id"])
        if user is not None:
            found.append((user, sub.get("roles", [])))

    def rank(entry: tuple[Doc, list[str]]) -> tuple[int, str]:
        roles = entry[1]
        first = min((ROLE_ORDER.index(r) for r in roles if r in ROLE_ORDER), default=9)
        return first, entry[0]["username"]

    return [{**user, "roles": roles} for user, roles in sorted(found, key=rank)]
