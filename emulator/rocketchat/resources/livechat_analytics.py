"""Omnichannel analytics for managers (``view-livechat-manager``): the overview and agent
overview (``server/api/v1/statistics.ts``) and the dashboards (``imports/server/rest/
dashboards.ts``). The reports' ``conversations-by-*`` are enterprise (``licensed.py``).

``charts-data`` is served at ``livechat/analytics/dashboards/charts-data``; the reference
documents it under a doubled ``livechat/livechat/`` prefix.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, jsonify, request

from .. import errors
from ..models import livechat_analytics as analytics
from ._livechat_admin import caller, legacy_params, ok, query_params

blueprint = Blueprint("rc_livechat_analytics", __name__, url_prefix="/api/v1/livechat/analytics")

MANAGER = "view-livechat-manager"
OVERVIEW_QUERY = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "from": {"type": "string"},
        "to": {"type": "string"},
        "departmentId": {"type": "string", "nullable": True},
    },
    "required": ["name", "from", "to"],
    "additionalProperties": False,
}
TOTALIZER_QUERY = {
    "type": "object",
    "properties": {
        "start": {"type": "string"},
        "end": {"type": "string"},
        "departmentId": {"type": "string", "nullable": True},
    },
    "additionalProperties": False,
    "required": ["start", "end"],
}
AGENT_STATUS_QUERY = {
    "type": "object",
    "properties": {"departmentId": {"type": "string", "nullable": True}},
    "additionalProperties": True,
}
CHART_DATA_QUERY = {
    "type": "object",
    "properties": {
        "chartName": {"type": "string"},
        "start": {"type": "string"},
        "end": {"type": "string"},
        "departmentId": {"type": "string"},
    },
    "additionalProperties": False,
    "required": ["chartName", "start", "end"],
}

Doc = dict[str, Any]


def _utc_offset(user: Doc) -> float:
    offset = user.get("utcOffset")
    if not isinstance(offset, int | float) or isinstance(offset, bool):
        return 0
    return analytics.valid_offset(float(offset))


def _js_date(raw: str) -> int | None:
    """``Date.parse``: an ISO date or date-time (a date alone is UTC midnight), else None."""
    text = raw.strip().replace("Z", "+00:00")
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    if not analytics.MIN_YEAR <= parsed.year <= analytics.MAX_YEAR:
        return None
    return int(parsed.timestamp() * 1000)


def _named_overview(compute: Callable[..., Any]) -> Response:
    rt, user = caller(MANAGER)
    params = legacy_params(OVERVIEW_QUERY, request.args.to_dict())
    if not params["name"]:
        raise errors.plain(errors.INVALID_CHART_NAME)
    offset = _utc_offset(user)
    days = analytics.day_range(params["from"], params["to"], offset)
    result = (
        None
        if days is None
        else compute(rt, params["name"], *days, params.get("departmentId"), offset)
    )
    # an unknown chart or a bad date logs and answers nothing but success, upstream
    return ok() if result is None else ok_value(result)


def ok_value(result: Any) -> Response:
    return ok(**result) if isinstance(result, dict) else _list_response(result)


def _list_response(result: list) -> Response:
    # ``API.v1.success(array)`` sets ``success`` on the array, which JSON does not show: the
    # body is the bare array
    return jsonify(result)


@blueprint.get("/agent-overview")
def agent_overview() -> Response:
    def compute(rt: Any, name: str, start: int, end: int, department: Any, _offset: float) -> Any:
        if name not in analytics.AGENT_ACTIONS:
            return None
        return analytics.agent_overview(rt, name, start, end, department)

    return _named_overview(compute)


@blueprint.get("/overview")
def overview() -> Response:
    def compute(rt: Any, name: str, start: int, end: int, department: Any, offset: float) -> Any:
        if name not in analytics.OVERVIEW_ACTIONS:
            return None
        return analytics.overview(rt, name, start, end, department, offset)

    return _named_overview(compute)


def _window() -> tuple[Any, Doc, int, int, str | None]:
    rt, user = caller(MANAGER)
    params = legacy_params(TOTALIZER_QUERY, request.args.to_dict())
    start, end = _js_date(params["start"]), _js_date(params["end"])
    if start is None:
        raise errors.plain('The "start" query parameter must be a valid date.')
    if end is None:
        raise errors.plain('The "end" query parameter must be a valid date.')
    return rt, user, start, end, params.get("departmentId")


@blueprint.get("/dashboards/conversation-totalizers")
def conversation_totalizers() -> Response:
    rt, user, start, end, department = _window()
    totals = analytics.conversation_totalizers(rt, start, end, department, _utc_offset(user))
    return ok(totalizers=totals)


@blueprint.get("/dashboards/agents-productivity-totalizers")
def agents_productivity_totalizers() -> Response:
    rt, user, start, end, department = _window()
    totals = analytics.agents_productivity_totalizers(rt, start, end, department, _utc_offset(user))
    return ok(totalizers=totals)


@blueprint.get("/dashboards/chats-totalizers")
def chats_totalizers() -> Response:
    rt, _user, start, end, department = _window()
    return ok(totalizers=analytics.chats_totalizers(rt, start, end, department))


@blueprint.get("/dashboards/productivity-totalizers")
def productivity_totalizers() -> Response:
    rt, user, start, end, department = _window()
    totals = analytics.productivity_totalizers(rt, start, end, department, _utc_offset(user))
    return ok(totalizers=totals)


@blueprint.get("/dashboards/charts/chats")
def chart_chats() -> Response:
    rt, _user, start, end, department = _window()
    return ok(**analytics.chats_status(rt, start, end, department))


@blueprint.get("/dashboards/charts/chats-per-agent")
def chart_chats_per_agent() -> Response:
    rt, _user, start, end, department = _window()
    return ok(**analytics.chats_per_agent(rt, start, end, department))


@blueprint.get("/dashboards/charts/agents-status")
def chart_agents_status() -> Response:
    rt, _user = caller(MANAGER)
    params = legacy_params(AGENT_STATUS_QUERY, request.args.to_dict())
    counts = analytics.agents_status(rt, params.get("departmentId"))
    return ok() if counts is None else ok(**counts)


@blueprint.get("/dashboards/charts/chats-per-department")
def chart_chats_per_department() -> Response:
    rt, _user, start, end, department = _window()
    return ok(**analytics.chats_per_department(rt, start, end, department))


@blueprint.get("/dashboards/charts/timings")
def chart_timings() -> Response:
    rt, _user, start, end, department = _window()
    return ok(**analytics.timings(rt, start, end, department))


@blueprint.get("/dashboards/charts-data")
def charts_data() -> Response:
    rt, user = caller(MANAGER)
    params = query_params(CHART_DATA_QUERY)
    name = params["chartName"]
    days = analytics.day_range(params["start"], params["end"], _utc_offset(user))
    if name not in analytics.AGENT_ACTIONS or days is None:
        return ok(chartLabel=name, dataLabels=[], dataPoints=[])
    data = analytics.chart_data(rt, name, *days, params.get("departmentId"), _utc_offset(user))
    return ok(**data)
