"""Custom statuses (``app/custom_status.go``): kept in the user's ``props.customStatus`` as a
JSON string, the last five in the ``custom_status``/``recent_custom_statuses`` preference."""

from __future__ import annotations

import datetime as dt
import json

from ...core.runtime import Runtime
from .. import errors
from .common import Doc, setting
from .users import preference_id, save_preferences, update_user

TEXT_MAX_RUNES = 100
MAX_RECENT = 5
DURATIONS = ("thirty_minutes", "one_hour", "four_hours", "today", "this_week", "date_and_time")
ZERO_TIME = "0001-01-01T00:00:00Z"
_RECENT = ("custom_status", "recent_custom_statuses")


def require_enabled(rt: Runtime) -> None:
    if not setting(rt, "TeamSettings", "EnableCustomUserStatuses", True):
        raise errors.AppError(501, errors.CUSTOM_STATUS_DISABLED)


def _expires(value: str) -> dt.datetime | None:
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def decode_custom_status(body: Doc, name: str) -> Doc:
    """A ``CustomStatus`` decoded as Go would: strings and an RFC 3339 ``expires_at``."""
    fields = {k: body.get(k, "") for k in ("emoji", "text", "duration")}
    raw_expiry = body.get("expires_at", ZERO_TIME)
    if not all(isinstance(v, str) for v in (*fields.values(), raw_expiry)):
        raise errors.invalid_body_param(name)
    if _expires(raw_expiry) is None:
        raise errors.invalid_body_param(name)
    return {**fields, "expires_at": raw_expiry}


def check_custom_status(rt: Runtime, status: Doc, name: str) -> Doc:
    """Refused without emoji and text or by ``AreDurationAndExpirationTimeValid``; then
    completed by ``PreSave`` (a future expiry alone means ``date_and_time``, text cut)."""
    if not status["emoji"] and not status["text"]:
        raise errors.invalid_body_param(name)
    expires = _expires(status["expires_at"])
    now = dt.datetime.fromtimestamp(rt.clock.now_ms() / 1000, dt.UTC)
    zero = expires is None or expires.year == 1
    future = not zero and expires >= now
    duration = status["duration"]
    if duration and (duration not in DURATIONS or not future):
        raise errors.invalid_body_param(name)
    if not duration and not zero and not future:
        raise errors.invalid_body_param(name)
    return {
        **status,
        "duration": duration or ("date_and_time" if future else ""),
        "text": status["text"][:TEXT_MAX_RUNES],
    }


def recent_custom_statuses(rt: Runtime, user_id: str) -> list[Doc]:
    pref = rt.store.get("preferences", preference_id(user_id, *_RECENT))
    if pref is None or not pref["value"]:
        return []
    try:
        recent = json.loads(pref["value"])
    except ValueError:
        return []
    return recent if isinstance(recent, list) else []


def _save_recent(rt: Runtime, user_id: str, recent: list[Doc]) -> None:
    value = json.dumps(recent, separators=(",", ":"))
    save_preferences(rt, user_id, [{"category": _RECENT[0], "name": _RECENT[1], "value": value}])


def set_custom_status(rt: Runtime, user_id: str, status: Doc) -> Doc:
    """``SetCustomStatus``: stored on the user (``user_updated``), then first among the recent
    ones, replacing one with the same text."""
    if not status["emoji"] and not status["text"]:
        raise errors.bad_request(errors.CUSTOM_STATUS_SET)
    user = rt.store.get("users", user_id)
    if user is None:
        raise errors.not_found(errors.USER_NOT_FOUND, f"user_id={user_id}")
    props = {**(user.get("props") or {}), "customStatus": json.dumps(status)}
    user = update_user(rt, user_id, {"props": props})
    recent = [s for s in recent_custom_statuses(rt, user_id) if s.get("text") != status["text"]]
    _save_recent(rt, user_id, [status, *recent][:MAX_RECENT])
    return user


def clear_custom_status(rt: Runtime, user_id: str) -> Doc:
    """``RemoveCustomStatus``: the prop emptied, the recent list kept."""
    user = rt.store.get("users", user_id)
    if user is None:
        raise errors.not_found(errors.USER_NOT_FOUND, f"user_id={user_id}")
    props = {**(user.get("props") or {}), "customStatus": ""}
    return update_user(rt, user_id, {"props": props})


def remove_recent_custom_status(rt: Runtime, user_id: str, status: Doc) -> None:
    """``RemoveRecentCustomStatus``: only a status the list holds, field for field."""
    if rt.store.get("preferences", preference_id(user_id, *_RECENT)) is None:
        raise errors.not_found(errors.PREFERENCE_NOT_FOUND)
    recent = recent_custom_statuses(rt, user_id)
    if (not status["emoji"] and not status["text"]) or status not in recent:
        raise errors.bad_request(errors.CUSTOM_STATUS_RECENT_DELETE)
    _save_recent(rt, user_id, [s for s in recent if s != status])
