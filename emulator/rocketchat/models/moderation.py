"""The moderation console's reports (``ModerationReports``): messages reported with
``chat.reportMessage``, users reported with ``moderation.reportUser``; moderators read, dismiss
(hide) them, and delete a user's reported messages."""

from __future__ import annotations

from typing import Any

from ...core.runtime import Runtime
from .. import errors
from . import messages, rooms
from .common import Doc, Refused

NO_REASON = "No reason provided"


def _reporter(user: Doc) -> Doc:
    return {
        "_id": user["_id"],
        "username": user["username"],
        "name": user.get("name"),
        "createdAt": user.get("createdAt"),
    }


def _user_brief(user: Doc) -> Doc:
    fields = ("_id", "username", "name", "createdAt", "emails", "active", "roles")
    return {k: user[k] for k in fields if k in user}


def report_message(rt: Runtime, user: Doc, message_id: Any, description: Any) -> Doc:
    """``reportMessage``: a description, an existing message in a room the user may read (else
    ``Refused``); stored as an open message report."""
    details = {"method": "reportMessage"}
    if not isinstance(description, str) or not description.strip():
        raise Refused(errors.INVALID_DESCRIPTION, "Invalid description", details)
    message = rt.store.get("messages", message_id) if isinstance(message_id, str) else None
    if message is None:
        raise Refused(errors.INVALID_MESSAGE_ID, "Invalid message id", details)
    room = rt.store.get("rooms", message["rid"])
    if room is None or not rooms.can_access_room(rt, room, user):
        raise Refused(errors.INVALID_PERMISSIONS, "Invalid permissions", details)
    now = rt.clock.now_ms()
    report = {
        "_id": rt.ids.meteor_id(),
        "message": message,
        "description": description,
        "room": {k: room[k] for k in ("_id", "name", "fname", "t", "federated") if k in room},
        "reportedBy": _reporter(user),
        "ts": now,
        "_updatedAt": now,
    }
    rt.store.insert("moderation_reports", report)
    return report


def report_user(rt: Runtime, user: Doc, reported: Doc, description: str) -> Doc:
    """``ModerationReports.createWithDescriptionAndUser``: an open report on a user."""
    now = rt.clock.now_ms()
    report = {
        "_id": rt.ids.meteor_id(),
        "reportedUser": {
            "_id": reported["_id"],
            "username": reported["username"],
            "name": reported.get("name"),
            "createdAt": reported.get("createdAt"),
        },
        "description": description,
        "reportedBy": _reporter(user),
        "ts": now,
        "_updatedAt": now,
    }
    rt.store.insert("moderation_reports", report)
    return report


def open_reports(rt: Runtime, kind: str) -> list[Doc]:
    """The reports not dismissed, of ``message``s or of ``user``s (``reportedUser``)."""
    field = "message" if kind == "message" else "reportedUser"
    return [r for r in rt.store.all("moderation_reports") if field in r and not r.get("_hidden")]


def _hide(rt: Runtime, reports: list[Doc], moderator_id: str, reason: Any, action: Any) -> None:
    now = rt.clock.now_ms()
    info = {
        "hiddenAt": now,
        "moderatedBy": moderator_id,
        "reason": reason if isinstance(reason, str) and reason.strip() else NO_REASON,
        "action": action if isinstance(action, str) else "None",
    }
    with rt.store.transaction():
        for report in reports:
            changes = {"_hidden": True, "moderationInfo": info, "_updatedAt": now}
            rt.store.update("moderation_reports", report["_id"], changes)


def dismiss_reports(
    rt: Runtime, moderator: Doc, user_id: Any, message_id: Any, reason: Any, action: Any
) -> None:
    """``moderation.dismissReports``: hide the open message reports of a user's messages, or of
    one message; refused (``no-reports-found``) when there are none."""
    found = open_reports(rt, "message")
    if user_id:
        found = [r for r in found if r["message"]["u"]["_id"] == user_id]
    else:
        found = [r for r in found if r["message"]["_id"] == message_id]
    if not found:
        raise Refused(errors.NO_REPORTS_FOUND)
    _hide(rt, found, moderator["_id"], reason, action)


def dismiss_user_reports(
    rt: Runtime, moderator: Doc, user_id: str, reason: Any, action: Any
) -> None:
    """``moderation.dismissUserReports``: hide the open reports on a user."""
    found = [r for r in open_reports(rt, "user") if r["reportedUser"]["_id"] == user_id]
    if not found:
        raise Refused(errors.NO_REPORTS_FOUND)
    _hide(rt, found, moderator["_id"], reason, action)


def delete_reported_messages(rt: Runtime, moderator: Doc, user_id: str, reason: Any) -> None:
    """``moderation.user.deleteReportedMessages``: every reported message of the user is deleted
    (``deleteReportedMessages``, as the moderator) and its reports hidden with the action
    ``DELETE Messages``; refused when the user has none."""
    found = [r for r in open_reports(rt, "message") if r["message"]["u"]["_id"] == user_id]
    if not found:
        raise Refused(errors.NO_REPORTED_MESSAGES)
    for message_id in dict.fromkeys(r["message"]["_id"] for r in found):
        message = rt.store.get("messages", message_id)
        if message is not None:
            messages.remove_message(rt, message)
    _hide(rt, found, moderator["_id"], reason, "DELETE Messages")


def reports_by_users(rt: Runtime, latest: int, oldest: int, selector: str) -> list[Doc]:
    """``findMessageReportsGroupedByUser``: open message reports in a time range, one entry per
    reported author (newest report first), matching ``selector`` in message text or names."""
    groups: dict[str, Doc] = {}
    term = selector.lower()
    for report in sorted(open_reports(rt, "message"), key=lambda r: -r["ts"]):
        message = report["message"]
        if not oldest <= report["ts"] <= latest:
            continue
        author = message["u"]
        texts = (message.get("msg") or "", author.get("username") or "", author.get("name") or "")
        if term and not any(term in t.lower() for t in texts):
            continue
        entry = groups.setdefault(
            author["_id"],
            {
                "userId": author["_id"],
                "username": author.get("username"),
                "name": author.get("name"),
                "message": message.get("msg", ""),
                "msgId": message["_id"],
                "ts": report["ts"],
                "rooms": [],
                "roomIds": [],
                "count": 0,
                "isUserDeleted": rt.store.get("users", author["_id"]) is None,
            },
        )
        entry["count"] += 1
        if report["room"]["_id"] not in entry["roomIds"]:
            entry["roomIds"].append(report["room"]["_id"])
            entry["rooms"].append(report["room"])
    return list(groups.values())


def user_reports(rt: Runtime, latest: int, oldest: int, selector: str) -> list[Doc]:
    """``findUserReports``: open user reports in a time range, one entry per reported user."""
    groups: dict[str, Doc] = {}
    term = selector.lower()
    for report in sorted(open_reports(rt, "user"), key=lambda r: -r["ts"]):
        reported = report["reportedUser"]
        if not oldest <= report["ts"] <= latest:
            continue
        names = (reported.get("username") or "", reported.get("name") or "")
        if term and not any(term in n.lower() for n in names):
            continue
        entry = groups.setdefault(
            reported["_id"],
            {
                "reportedUser": _user_brief(rt.store.get("users", reported["_id"]) or reported),
                "ts": report["ts"],
                "count": 0,
            },
        )
        entry["count"] += 1
    return list(groups.values())
