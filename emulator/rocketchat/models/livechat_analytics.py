"""Omnichannel analytics computed from the livechat rooms (``t: 'l'``) and their messages:
the overview and agent overview (``server/services/omnichannel-analytics``), the manager
dashboards' totalizers and charts (``app/livechat/server/lib/analytics/dashboards.ts``) and the
``LivechatRooms`` aggregations they read. An empty workspace answers zeros.

Room metrics are the conversation side's (``metrics.chatDuration``, ``metrics.response.{avg,
ft}``, ``metrics.reaction.ft``, ``metrics.visitorInactivity``, ``metrics.serviceTimeDuration``),
in seconds as upstream stores them; a missing or malformed one counts as absent.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from ...core.runtime import Runtime
from .common import Doc, setting

OVERVIEW_ACTIONS = ("Conversations", "Productivity")
AGENT_ACTIONS = (
    "Total_conversations",
    "Avg_chat_duration",
    "Total_messages",
    "Avg_first_response_time",
    "Best_first_response_time",
    "Avg_response_time",
    "Avg_reaction_time",
)
INACTIVITY_TIMEOUT = 3600  # Livechat_visitor_inactivity_timeout's default, in seconds
DAY_MS = 86_400_000
MAX_CHART_DAYS = 3660
MIN_YEAR, MAX_YEAR = 2, 9998


def hhmmss(seconds: float) -> str:
    """``secondsToHHMMSS``."""
    hours = math.floor(seconds / 3600)
    minutes = math.floor((seconds - hours * 3600) / 60)
    rest = seconds - hours * 3600 - minutes * 60
    return f"{hours:02d}:{minutes:02d}:{_js_round(rest):02d}"


def _js_round(value: float) -> int:
    return math.floor(value + 0.5)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _metric(room: Doc, *path: str) -> float | None:
    value: Any = room.get("metrics")
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return _number(value)


def _in_department(room: Doc, department_id: str | None) -> bool:
    # upstream ignores a missing department, and one sent as the string "undefined"
    return (
        not department_id
        or department_id == "undefined"
        or room.get("departmentId") == (department_id)
    )


def rooms_between(
    rt: Runtime, start_ms: int, end_ms: int, department_id: str | None, *, end_open: bool = False
) -> list[Doc]:
    """Livechat rooms created in ``[start, end]`` (``[start, end)`` with ``end_open``)."""
    found = []
    for room in rt.store.find("rooms", "t", "l"):
        ts = room.get("ts")
        if not isinstance(ts, int) or ts < start_ms or (ts >= end_ms if end_open else ts > end_ms):
            continue
        if _in_department(room, department_id):
            found.append(room)
    return found


def _agent_messages(rt: Runtime, room: Doc) -> int:
    """Messages of a room sent by agents: those without a visitor ``token``, system ones out."""
    return sum(
        1
        for m in rt.store.find("messages", "rid", room["_id"])
        if not m.get("token") and not m.get("t")
    )


# -- the overview and the agent overview --------------------------------------------------------


def day_range(raw_from: str, raw_to: str, utc_offset: float) -> tuple[int, int] | None:
    """``moment.tz(d, 'YYYY-MM-DD', tz)``: from the start of the first day to the end of the
    last, in the caller's UTC offset; None when either is not a date."""
    try:
        zone = timezone(timedelta(hours=utc_offset))
        parsed = [_day(raw, zone) for raw in (raw_from, raw_to)]
        if parsed[0] is None or parsed[1] is None:
            return None
        start = int(parsed[0].timestamp() * 1000)
        end = int((parsed[1] + timedelta(days=1)).timestamp() * 1000) - 1
    except (OverflowError, ValueError):  # past what a date holds, or an offset of a day or more
        return None
    return start, end


def _day(raw: str, zone: timezone) -> datetime | None:
    head = raw.strip()[:10]
    try:
        year, month, day = (int(part) for part in head.split("-"))
        parsed = datetime(year, month, day, tzinfo=zone)
    except ValueError:
        return None
    # the first and last years are left out: a day there can fall outside what a date holds
    return parsed if MIN_YEAR <= year <= MAX_YEAR else None


def overview(
    rt: Runtime, name: str, start: int, end: int, department_id: str | None, utc_offset: float
) -> list[Doc]:
    """``OverviewData.Conversations`` / ``.Productivity``."""
    if name == "Productivity":
        return productivity(rt, start, end, department_id)
    zone = timezone(timedelta(hours=utc_offset))
    rooms = rooms_between(rt, start, end, department_id)
    days = max(1, (end - start + 1) // DAY_MS)
    by_day: dict[str, dict[int, int]] = {}
    open_count = messages = 0
    for room in rooms:
        msgs = int(_number(room.get("msgs")) or 0)
        if isinstance(room.get("metrics"), dict) and not _metric(room, "chatDuration"):
            open_count += 0 if room.get("onHold") else 1
        at = datetime.fromtimestamp(room["ts"] / 1000, zone)
        hours = by_day.setdefault(at.strftime("%d-%m-%Y"), {})
        hours[at.hour] = hours.get(at.hour, 0) + msgs
        messages += msgs
    on_hold = sum(
        1 for r in rooms_between(rt, start, end, department_id, end_open=True) if r.get("onHold")
    )
    busiest_day, most = "-", -1
    for day, hours in by_day.items():
        if sum(hours.values()) > most:
            busiest_day, most = day, sum(hours.values())
    busiest_hour, top = -1, 0
    for hour, count in by_day.get(busiest_day, {}).items():
        if count > top:
            busiest_hour, top = hour, count
    time = ""
    if busiest_hour >= 0:
        time = f"{_h_a(busiest_hour)} - {_h_a((busiest_hour + 1) % 24)}"
    day_name = (
        datetime.strptime(busiest_day, "%d-%m-%Y").strftime("%A") if busiest_day != "-" else ""
    )
    return [
        {"title": "Total_conversations", "value": len(rooms)},
        {"title": "Open_conversations", "value": open_count},
        {"title": "On_Hold_conversations", "value": on_hold},
        {"title": "Total_messages", "value": messages},
        {"title": "Busiest_day", "value": day_name or "-"},
        {"title": "Conversations_per_day", "value": f"{len(rooms) / days:.2f}"},
        {"title": "Busiest_time", "value": time or "-"},
    ]


def _h_a(hour: int) -> str:
    """moment's ``hA``: 12AM, 1AM ... 12PM, 1PM."""
    return f"{hour % 12 or 12}{'AM' if hour < 12 else 'PM'}"


def productivity(rt: Runtime, start: int, end: int, department_id: str | None) -> list[Doc]:
    response = first = reaction = 0.0
    count = 0
    for room in rooms_between(rt, start, end, department_id):
        avg, ft = _metric(room, "response", "avg"), _metric(room, "response", "ft")
        reacted = _metric(room, "reaction", "ft")
        if avg is not None and ft is not None and reacted is not None:
            response, first, reaction, count = (
                response + avg,
                first + ft,
                reaction + reacted,
                count + 1,
            )
    if count:
        response, first, reaction = response / count, first / count, reaction / count
    return [
        {"title": "Avg_response_time", "value": hhmmss(round(response, 2))},
        {"title": "Avg_first_response_time", "value": hhmmss(round(first, 2))},
        {"title": "Avg_reaction_time", "value": hhmmss(round(reaction, 2))},
    ]


def _served(room: Doc, key: str = "servedBy") -> str | None:
    agent = room.get(key)
    return agent.get("username") if isinstance(agent, dict) else None


def agent_overview(rt: Runtime, name: str, start: int, end: int, department_id: str | None) -> Doc:
    """``AgentOverviewData``: one row per agent, ``head`` naming the two columns."""
    rooms = rooms_between(rt, start, end, department_id)
    head = "%_of_conversations" if name == "Total_conversations" else name
    sums: dict[str, list[float]] = {}

    def add(agent: str | None, value: float | None) -> None:
        if agent is not None and value:
            sums.setdefault(agent, []).append(value)

    for room in rooms:
        if name == "Total_conversations":
            add(_served(room), 1)
        elif name == "Total_messages":
            add(_served(room), _agent_messages(rt, room))
        elif name == "Avg_chat_duration":
            add(_served(room), _metric(room, "chatDuration"))
        elif name in ("Avg_first_response_time", "Best_first_response_time"):
            add(_served(room, "responseBy"), _metric(room, "response", "ft"))
        elif name == "Avg_response_time":
            add(_served(room), _metric(room, "response", "avg"))
        else:
            add(_served(room), _metric(room, "reaction", "ft"))
    total = sum(len(v) for v in sums.values())
    rows = []
    for agent, values in sums.items():
        if name == "Total_conversations":
            value = f"{len(values) / total * 100:.2f}%"
        elif name == "Total_messages":
            value = int(sum(values))
        elif name == "Best_first_response_time":
            value = hhmmss(min(values))
        else:
            value = hhmmss(round(sum(values) / len(values), 2))
        rows.append({"name": agent, "value": value})
    descending = name in ("Total_conversations", "Avg_chat_duration", "Total_messages")
    rows.sort(key=lambda r: _parse_float(r["value"]), reverse=descending)
    return {"head": [{"name": "Agent"}, {"name": head}], "data": rows}


def _parse_float(value: Any) -> float:
    """``parseFloat``: the leading number of the text ("00:01:05" is 0), NaN last."""
    text = str(value)
    digits = ""
    for char in text:
        if char.isdigit() or (char == "." and "." not in digits) or (char == "-" and not digits):
            digits += char
        else:
            break
    try:
        return float(digits)
    except ValueError:
        return -math.inf


# -- the dashboards -----------------------------------------------------------------------------


def _department_average(
    rooms: Iterable[Doc], value: Callable[[Doc], float | None], rounding: Callable[[float], int]
) -> list[float]:
    """Per department (no department is one group too), the rounded mean of ``value``."""
    groups: dict[Any, list[float]] = {}
    for room in rooms:
        groups.setdefault(room.get("departmentId"), []).append(value(room) or 0)
    return [rounding(sum(v) / len(v)) if v else 0 for v in groups.values()]


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0


def conversation_totalizers(
    rt: Runtime, start: int, end: int, department_id: str | None, utc_offset: float
) -> list[Doc]:
    days = day_range(_iso_day(start), _iso_day(end), utc_offset) or (start, end)
    metrics = overview(rt, "Conversations", *days, department_id, utc_offset)
    kept = ("Total_conversations", "Open_conversations", "On_Hold_conversations", "Total_messages")
    visitors = [
        v
        for v in _visitors(rt)
        if isinstance(v.get("ts"), int)
        and start <= v["ts"] <= end
        and (not department_id or v.get("department") == department_id)
    ]
    return [m for m in metrics if m["title"] in kept] + [
        {"title": "Total_visitors", "value": len(visitors)}
    ]


def _visitors(rt: Runtime) -> list[Doc]:
    """The conversation side's visitors (its table; none where it is not defined)."""
    try:
        return rt.store.all("livechat_visitors")
    except KeyError:
        return []


def _iso_day(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d")


def valid_offset(offset: float) -> float:
    """A user's ``utcOffset`` in hours, or 0 when it is none a zone can have."""
    return offset if -24 < offset < 24 else 0


def productivity_totalizers(
    rt: Runtime, start: int, end: int, department_id: str | None, utc_offset: float
) -> list[Doc]:
    days = day_range(_iso_day(start), _iso_day(end), utc_offset) or (start, end)
    waiting = _department_average(
        (
            r
            for r in rooms_between(rt, start, end, department_id)
            if r.get("waitingResponse") is not True
        ),
        lambda r: _metric(r, "response", "ft"),
        math.ceil,
    )
    return [
        *productivity(rt, *days, department_id),
        {"title": "Avg_of_waiting_time", "value": hhmmss(_mean(waiting))},
    ]


def agents_productivity_totalizers(
    rt: Runtime, start: int, end: int, department_id: str | None, utc_offset: float
) -> list[Doc]:
    days = day_range(_iso_day(start), _iso_day(end), utc_offset) or (start, end)
    busiest = overview(rt, "Conversations", *days, department_id, utc_offset)
    service = _department_average(
        (r for r in rooms_between(rt, start, end, department_id) if r.get("open") is not True),
        lambda r: _metric(r, "serviceTimeDuration"),
        math.ceil,
    )
    return [
        *(m for m in busiest if m["title"] == "Busiest_time"),
        # agents' availability is recorded by the enterprise activity monitor only
        {"title": "Avg_of_available_service_time", "value": hhmmss(0)},
        {"title": "Avg_of_service_time", "value": hhmmss(_mean(service))},
    ]


def _closed_between(rt: Runtime, start: int, end: int, department_id: str | None) -> list[Doc]:
    """``ts >= start`` and ``closedAt <= end``."""
    return [
        r
        for r in rt.store.find("rooms", "t", "l")
        if isinstance(r.get("ts"), int)
        and r["ts"] >= start
        and isinstance(r.get("closedAt"), int)
        and r["closedAt"] <= end
        and _in_department(r, department_id)
    ]


def chats_totalizers(rt: Runtime, start: int, end: int, department_id: str | None) -> list[Doc]:
    timeout = setting(rt, "Livechat_visitor_inactivity_timeout") or INACTIVITY_TIMEOUT

    def abandoned(room: Doc) -> bool:
        inactive = _metric(room, "visitorInactivity")
        return inactive is not None and inactive >= timeout

    abandoned_total = sum(1 for r in _closed_between(rt, start, end, department_id) if abandoned(r))
    percentages = _department_average(
        rooms_between(rt, start, end, department_id),
        lambda r: 100.0 if abandoned(r) else 0.0,
        math.floor,
    )
    durations = _department_average(
        _closed_between(rt, start, end, department_id),
        lambda r: _metric(r, "chatDuration"),
        math.ceil,
    )
    average = _mean(percentages)
    return [
        {"title": "Total_abandoned_chats", "value": abandoned_total},
        {"title": "Avg_of_abandoned_chats", "value": f"{_js_number(average)}%"},
        {"title": "Avg_of_chat_duration_time", "value": hhmmss(_mean(durations))},
    ]


def _js_number(value: float) -> str:
    """A number as JavaScript prints it (``12`` not ``12.0``)."""
    return str(int(value)) if float(value).is_integer() else str(value)


def chats_status(rt: Runtime, start: int, end: int, department_id: str | None) -> Doc:
    rooms = rooms_between(rt, start, end, department_id)
    return {
        "open": sum(
            1
            for r in rooms
            if "chatDuration" not in (r.get("metrics") or {})
            and not r.get("onHold")
            and r.get("servedBy")
        ),
        "closed": sum(1 for r in rooms if "chatDuration" in (r.get("metrics") or {})),
        "queued": sum(1 for r in rooms if not r.get("servedBy") and r.get("open") is True),
        "onhold": sum(
            1
            for r in rooms_between(rt, start, end, department_id, end_open=True)
            if r.get("onHold")
        ),
    }


def chats_per_agent(rt: Runtime, start: int, end: int, department_id: str | None) -> Doc:
    result: dict[str, Doc] = {}
    rooms = [r for r in rooms_between(rt, start, end, department_id) if _served(r)]
    for room in rooms:
        if room.get("open") is True and not room.get("onHold"):
            entry = result.setdefault(_served(room), {"open": 0, "closed": 0, "onhold": 0})
            entry["open"] += 1
    closed: dict[str, int] = {}
    for room in rooms:
        if room.get("open") is not True:
            closed[_served(room)] = closed.get(_served(room), 0) + 1
    for agent, count in closed.items():
        result[agent] = {"open": result.get(agent, {}).get("open", 0), "closed": count}
    for room in rooms:
        if room.get("onHold"):
            entry = result.setdefault(_served(room), {})
            entry["onhold"] = entry.get("onhold", 0) + 1
    return result


def agents_status(rt: Runtime, department_id: str | None) -> Doc | None:
    """``Users.countAllAgentsStatus``; None when there is no agent (upstream's empty result)."""
    agents = rt.store.find("users", "roles", "livechat-agent")
    if department_id:
        members = {
            a["agentId"]
            for a in rt.store.find("livechat_department_agents", "departmentId", department_id)
        }
        agents = [a for a in agents if a["_id"] in members]
    if not agents:
        return None
    counts = {"offline": 0, "away": 0, "busy": 0, "available": 0}
    for agent in agents:
        status, livechat = agent.get("status"), agent.get("statusLivechat")
        if livechat == "not-available" or (status == "offline" and livechat == "available"):
            counts["offline"] += 1
        elif livechat == "available" and status in ("away", "busy"):
            counts[status] += 1
        elif livechat == "available" and status == "online":
            counts["available"] += 1
    return counts


def chats_per_department(rt: Runtime, start: int, end: int, department_id: str | None) -> Doc:
    result: dict[str, Doc] = {}
    rooms = [r for r in rooms_between(rt, start, end, department_id) if r.get("departmentId")]

    def name(room: Doc) -> str:
        department = rt.store.get("livechat_departments", room["departmentId"])
        return department.get("name") if department else None

    for room in rooms:
        if room.get("open") is True:
            result.setdefault(name(room), {"open": 0, "closed": 0})["open"] += 1
    closed: dict[str, int] = {}
    for room in rooms:
        if room.get("open") is not True:
            closed[name(room)] = closed.get(name(room), 0) + 1
    for department, count in closed.items():
        result[department] = {"open": result.get(department, {}).get("open", 0), "closed": count}
    return result


def timings(rt: Runtime, start: int, end: int, department_id: str | None) -> Doc:
    rooms = rooms_between(rt, start, end, department_id)

    def summary(path: tuple[str, ...], longest: tuple[str, ...], only: bool = False) -> Doc:
        considered = [r for r in rooms if not only or "chatDuration" in (r.get("metrics") or {})]
        if not considered:
            return {"avg": 0, "longest": 0}
        values = [v for v in (_metric(r, *path) for r in considered) if v]
        maxima = [v for v in (_metric(r, *longest) for r in considered) if v is not None]
        avg = math.trunc(sum(values) / len(values)) if values else 0
        return {"avg": avg, "longest": _int_if_whole(max(maxima)) if maxima else None}

    return {
        "response": summary(("response", "avg"), ("response", "ft")),
        "reaction": summary(("reaction", "ft"), ("reaction", "ft")),
        "chatDuration": summary(("chatDuration",), ("chatDuration",), only=True),
    }


def _int_if_whole(value: float) -> float | int:
    return int(value) if float(value).is_integer() else value


def chart_data(
    rt: Runtime, name: str, start: int, end: int, department_id: str | None, utc_offset: float
) -> Doc:
    """``getAnalyticsChartData``: one point per hour of a single day, else per day."""
    zone = timezone(timedelta(hours=utc_offset))
    labels: list[str] = []
    points: list[float] = []
    if (end - start) // DAY_MS == 0:
        for hour in range(24):
            lo = start + hour * 3_600_000
            labels.append(f"{_h_a(hour)}-{_h_a(hour)}")
            points.append(_chart_point(rt, name, lo, lo + 3_599_999, department_id))
    else:
        day = start
        # one point a day, as upstream, but no more than MAX_CHART_DAYS: a window of centuries
        # would otherwise hold the request for minutes
        end = min(end, start + MAX_CHART_DAYS * DAY_MS - 1)
        while day <= end:
            labels.append(datetime.fromtimestamp(day / 1000, zone).strftime("%-m/%-d"))
            points.append(_chart_point(rt, name, day, day + DAY_MS - 1, department_id))
            day += DAY_MS
    return {"chartLabel": name, "dataLabels": labels, "dataPoints": points}


def _chart_point(rt: Runtime, name: str, lo: int, hi: int, department_id: str | None) -> float:
    rooms = rooms_between(rt, lo, hi, department_id)
    if name == "Total_conversations":
        return len(rooms)
    if name == "Total_messages":
        return sum(_agent_messages(rt, r) for r in rooms)
    path = {
        "Avg_chat_duration": ("chatDuration",),
        "Avg_first_response_time": ("response", "ft"),
        "Best_first_response_time": ("response", "ft"),
        "Avg_response_time": ("response", "avg"),
        "Avg_reaction_time": ("reaction", "ft"),
    }[name]
    values = [v for v in (_metric(r, *path) for r in rooms) if v]
    if not values:
        return 0
    if name == "Best_first_response_time":
        return round(min(values), 2)
    return round(sum(values) / len(values), 2)
