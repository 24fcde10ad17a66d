"""Calendar events (``server/services/calendar/service.ts``): each user's own events. The
reminders and busy-status changes upstream schedules with cron jobs are not run."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from ...core.runtime import Runtime
from .common import Doc

DEFAULT_REMINDER_MINUTES = 5
MINUTE_MS = 60_000
DAY_MS = 24 * 60 * MINUTE_MS
# ``parseDescriptionForMeetingUrl``'s default ``Calendar_MeetingUrl_Regex``
_MEETING_URL = re.compile(
    r"(?:[?&]callUrl=([^\n&<]+))|(?:(?:%3F)|(?:%26))callUrl(?:%3D)((?:(?:[^\n&<](?!%26)))+[^\n&<]?)",
    re.IGNORECASE | re.MULTILINE,
)


def meeting_url_in(description: Any) -> str | None:
    if not isinstance(description, str) or not description:
        return None
    found = _MEETING_URL.search(description)
    if found is None:
        return None
    return unquote(found.group(1) or found.group(2) or "") or None


def _fields(data: Doc) -> Doc:
    """The stored fields of a create/import/update (``None``: left out, as undefined)."""
    return {k: v for k, v in data.items() if v is not None}


def create_event(rt: Runtime, uid: str, data: Doc) -> Doc:
    """``Calendar.create``: the reminder defaults to five minutes before the start."""
    minutes = data.get("reminderMinutesBeforeStart")
    minutes = DEFAULT_REMINDER_MINUTES if minutes is None else minutes
    event = _fields(
        {
            "_id": rt.ids.meteor_id(),
            "uid": uid,
            "startTime": data["startTime"],
            "endTime": data.get("endTime"),
            "subject": data["subject"],
            "description": data["description"],
            "meetingUrl": data.get("meetingUrl"),
            "reminderMinutesBeforeStart": minutes,
            "reminderTime": data["startTime"] - minutes * MINUTE_MS if minutes else None,
            "notificationSent": False,
            "busy": data.get("busy"),
            "externalId": data.get("externalId"),
            "_updatedAt": rt.clock.now_ms(),
        }
    )
    return rt.store.insert("calendar_events", event)


def import_event(rt: Runtime, uid: str, data: Doc) -> Doc:
    """``Calendar.import``: an event already imported under the same ``externalId`` for the
    user is updated instead; the meeting URL may come from the description."""
    external = data.get("externalId")
    if not external:
        return create_event(rt, uid, data)
    minutes = data.get("reminderMinutesBeforeStart")
    changes = {
        "startTime": data["startTime"],
        "endTime": data.get("endTime"),
        "subject": data["subject"],
        "description": data["description"],
        "meetingUrl": data.get("meetingUrl") or meeting_url_in(data["description"]),
        "reminderMinutesBeforeStart": minutes,
        "reminderTime": data["startTime"] - minutes * MINUTE_MS if minutes else None,
        "externalId": external,
        "busy": data.get("busy"),
    }
    existing = next(
        (e for e in events_of(rt, uid) if e.get("externalId") == external),
        None,
    )
    if existing is None:
        event = {"_id": rt.ids.meteor_id(), "uid": uid, "notificationSent": False}
        event.update(_fields(changes))
        event["_updatedAt"] = rt.clock.now_ms()
        return rt.store.insert("calendar_events", event)
    return _update(rt, existing, changes)


def update_event(rt: Runtime, event: Doc, data: Doc) -> Doc:
    """``Calendar.update``: the meeting URL comes from the body, else from the description."""
    minutes = data.get("reminderMinutesBeforeStart")
    if "meetingUrl" in data and data["meetingUrl"] is not None:
        url = data["meetingUrl"] or None
    else:
        url = meeting_url_in(data.get("description"))
    return _update(
        rt,
        event,
        {
            "startTime": data["startTime"],
            "endTime": data.get("endTime"),
            "subject": data["subject"],
            "description": data["description"],
            "meetingUrl": url,
            "reminderMinutesBeforeStart": minutes,
            "reminderTime": data["startTime"] - minutes * MINUTE_MS if minutes else None,
            "busy": data.get("busy"),
        },
    )


def _update(rt: Runtime, event: Doc, changes: Doc) -> Doc:
    """``CalendarEvent.updateEvent``: a ``$set`` of the defined fields."""
    return rt.store.update(
        "calendar_events", event["_id"], {**_fields(changes), "_updatedAt": rt.clock.now_ms()}
    )


def delete_event(rt: Runtime, event: Doc) -> None:
    rt.store.delete("calendar_events", event["_id"])


def events_of(rt: Runtime, uid: str) -> list[Doc]:
    return rt.store.find("calendar_events", "uid", uid)


def events_on(rt: Runtime, uid: str, date_ms: int) -> list[Doc]:
    """``findByUserIdAndDate``: from that day's midnight (server time, UTC) to a day after the
    given instant, by start time."""
    midnight = date_ms - date_ms % DAY_MS
    found = [e for e in events_of(rt, uid) if midnight <= e["startTime"] < date_ms + DAY_MS]
    return sorted(found, key=lambda e: e["startTime"])
