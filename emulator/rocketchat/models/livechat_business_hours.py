"""Omnichannel business hours as a Community server keeps them: the one default business hour
(``business-hour/Default.ts``, ``AbstractBusinessHour.ts``). Custom business hours are an
enterprise type a Community manager does not know: asking for one finds nothing, saving or
removing one fails on the missing type as upstream's code does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ...core.runtime import Runtime
from .. import errors
from .common import Doc, Refused

DEFAULT = "default"
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
CLOSED_DAYS = ("Saturday", "Sunday")
SERVER_ZONE = "UTC"  # the emulator runs as a server in UTC (``moment.tz.guess()``)


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or SERVER_ZONE)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(SERVER_ZONE)


def _local(rt: Runtime, day: str, time: str, zone: ZoneInfo) -> datetime:
    """``moment.tz('<day>:<HH:mm>', 'dddd:HH:mm', zone)``: that weekday of the current week."""
    today = datetime.fromtimestamp(rt.clock.now_ms() / 1000, zone)
    monday = today - timedelta(days=today.weekday())
    index = DAYS.index(day) if day in DAYS else 0
    hours, _, minutes = time.partition(":")
    try:
        clock = (int(hours), int(minutes or 0))
    except ValueError:
        clock = (0, 0)
    at = monday.replace(hour=clock[0] % 24, minute=clock[1] % 60, second=0, microsecond=0)
    return at + timedelta(days=index)


def _moment(at: datetime) -> Doc:
    utc = at.astimezone(UTC)
    # the cron fields are in the server's zone, which is UTC here
    shown = {"dayOfWeek": utc.strftime("%A"), "time": utc.strftime("%H:%M")}
    return {"utc": shown, "cron": dict(shown)}


def _hour(rt: Runtime, day: str, start: str, finish: str, zone: ZoneInfo, open_: bool) -> Doc:
    start_at, finish_at = _local(rt, day, start, zone), _local(rt, day, finish, zone)
    if open_ and finish_at < start_at:
        raise Refused(errors.BUSINESS_HOUR_FINISH_BEFORE_START)
    if open_ and finish_at == start_at:
        raise Refused(errors.BUSINESS_HOUR_FINISH_EQUALS_START)
    return {
        "start": {"time": start, **_moment(start_at)},
        "finish": {"time": finish, **_moment(finish_at)},
    }


def _offset(zone: ZoneInfo, rt: Runtime) -> str:
    delta = datetime.fromtimestamp(rt.clock.now_ms() / 1000, zone).utcoffset() or timedelta()
    minutes = int(delta.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def default_business_hour(rt: Runtime) -> Doc:
    """The default business hour every server has (``createDefaultBusinessHourRow``: weekdays
    08:00-20:00 in the server's zone), made the first time it is asked for."""
    found = rt.store.find("livechat_business_hours", "type", DEFAULT)
    if found:
        return found[0]
    zone = _zone(SERVER_ZONE)
    row = {
        "_id": rt.ids.hex(12),
        "name": "",
        "active": True,
        "type": DEFAULT,
        "ts": rt.clock.now_ms(),
        "workHours": [
            {
                "day": day,
                **_hour(rt, day, "08:00", "20:00", zone, False),
                "code": index + 1,
                "open": day not in CLOSED_DAYS,
            }
            for index, day in enumerate(DAYS)
        ],
        "timezone": {"name": SERVER_ZONE, "utc": "0"},
    }
    return rt.store.insert("livechat_business_hours", row)


def business_hour(rt: Runtime, kind: str | None) -> Doc | None:
    """``getBusinessHour(id, type)``: the default one (whatever the id) for the default type,
    else nothing."""
    if (kind or DEFAULT) != DEFAULT:
        return None
    return default_business_hour(rt)


def save_business_hour(rt: Runtime, data: Doc) -> None:
    """``saveBusinessHour`` of the default type: without an ``_id`` nothing is stored."""
    if (data.get("type") or DEFAULT) != DEFAULT:
        raise Refused("Cannot read properties of undefined (reading 'saveBusinessHour')")
    fields = {k: v for k, v in data.items() if k != "timezoneName"}
    if not fields.get("_id"):
        return
    zone = _zone(data.get("timezoneName"))
    fields["timezone"] = {
        "name": data.get("timezoneName") or SERVER_ZONE,
        "utc": _offset(zone, rt) if data.get("timezoneName") else "0",
    }
    fields["active"] = bool(fields.get("active"))
    fields["workHours"] = [
        {**hour, **_hour(rt, hour["day"], hour["start"], hour["finish"], zone, hour["open"])}
        for hour in fields["workHours"]
    ]
    with rt.store.transaction():
        if rt.store.get("livechat_business_hours", fields["_id"]) is not None:
            rt.store.update("livechat_business_hours", fields["_id"], fields)


def remove_business_hour(kind: str) -> None:
    """The default business hour is never removed (whatever the id); other types are unknown
    here."""
    if kind != DEFAULT:
        raise Refused("Cannot read properties of undefined (reading 'removeBusinessHourById')")
