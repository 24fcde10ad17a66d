"""Omnichannel departments (``app/livechat/imports/server/rest/departments.ts``).

The archive routes are ``livechat/department/:_id/archive`` and ``.../unarchive`` on the real
server (the reference documents them as ``department/archive/{_id}``).
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Blueprint, Response, request

from .. import errors, inputs, jsonquery, models
from ..models import livechat_departments as departments
from ._livechat_admin import PAGING_QUERY, caller, legacy_params, ok, page

blueprint = Blueprint("rc_livechat_departments", __name__, url_prefix="/api/v1/livechat")

Doc = dict[str, Any]

VIEW = ("view-livechat-departments", "view-l-room")
MANAGE = "manage-livechat-departments"
ADD_AGENTS = "add-livechat-department-agents"

LIST_QUERY = {
    "type": "object",
    "properties": {
        "text": {"type": "string", "nullable": True},
        "onlyMyDepartments": {"type": "string", "enum": ["true", "false"], "nullable": True},
        "enabled": {"type": "string", "nullable": True},
        "excludeDepartmentId": {"type": "string", "nullable": True},
        "showArchived": {"type": "string", "nullable": True},
        **PAGING_QUERY,
    },
    "additionalProperties": False,
}
_STRINGS = {"type": "array", "items": {"type": "string"}, "nullable": True}
CREATE_BODY = {
    "type": "object",
    "properties": {
        "department": {
            "type": "object",
            "properties": {
                "enabled": {"type": "boolean"},
                "name": {"type": "string"},
                "description": {"type": "string", "nullable": True},
                "showOnRegistration": {"type": "boolean"},
                "showOnOfflineForm": {"type": "boolean"},
                "requestTagBeforeClosingChat": {"type": "boolean", "nullable": True},
                "chatClosingTags": _STRINGS,
                "fallbackForwardDepartment": {"type": "string", "nullable": True},
                "email": {"type": "string"},
                "departmentsAllowedToForward": _STRINGS,
                "allowReceiveForwardOffline": {"type": "boolean", "nullable": True},
                "offlineMessageChannelName": {"type": "string", "nullable": True},
                "abandonedRoomsCloseCustomMessage": {"type": "string", "nullable": True},
                "waitingQueueMessage": {"type": "string", "nullable": True},
            },
            "required": ["name", "email", "enabled", "showOnRegistration", "showOnOfflineForm"],
        },
        "agents": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "agentId": {"type": "string"},
                    "count": {"type": "number", "nullable": True},
                    "order": {"type": "number", "nullable": True},
                },
                "required": ["agentId"],
                "additionalProperties": False,
            },
            "nullable": True,
        },
        "departmentUnit": {
            "type": "object",
            "properties": {"_id": {"type": "string"}},
            "additionalProperties": False,
        },
    },
    "required": ["department"],
    "additionalProperties": False,
}
AGENTS_QUERY = {
    "type": "object",
    "properties": {
        "count": {"type": "number"},
        "offset": {"type": "number"},
        "sort": {"type": "string"},
    },
    "additionalProperties": False,
}
_AGENT_ROW = {
    "agentId": {"type": "string"},
    "username": {"type": "string"},
    "name": {"type": "string"},
    "count": {"type": "number"},
    "order": {"type": "number"},
}
AGENTS_BODY = {
    "type": "object",
    "properties": {
        "upsert": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": _AGENT_ROW,
                "required": ["agentId", "username"],
                "additionalProperties": False,
            },
        },
        "remove": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    **_AGENT_ROW,
                    "departmentEnabled": {"type": "boolean"},
                    "departmentId": {"type": "string"},
                    "_id": {"type": "string"},
                    "_updatedAt": {"type": "string"},
                },
                "required": ["agentId", "username"],
                "additionalProperties": False,
            },
        },
    },
    "required": ["upsert", "remove"],
    "additionalProperties": False,
}


def _checked_save_body(params: Doc) -> Doc:
    """``check(bodyParams, {department: Object, agents: Maybe(Array), departmentUnit:
    Maybe({_id: Optional(String)})})``."""
    for key, value in params.items():
        if key not in ("department", "agents", "departmentUnit"):
            raise errors.plain(f"Match error: Unknown key in field {key}")
        if key == "department" and not isinstance(value, dict):
            raise errors.plain(f"Match error: {departments.expected_object(value)} in field {key}")
        if key == "agents" and value is not None and not isinstance(value, list):
            kind = models.js_type(value)
            raise errors.plain(f"Match error: Expected array, got {kind} in field agents")
        if key == "departmentUnit" and not (
            value is None or (isinstance(value, dict) and all(k == "_id" for k in value))
        ):
            raise errors.plain(
                "Match error: Failed Match.OneOf, Match.Maybe or Match.Optional validation "
                "in field departmentUnit"
            )
    if "department" not in params:
        raise errors.plain("Match error: Missing key 'department'")
    return params


def _listed(rt: Any, archived_only: bool) -> list[Doc]:
    text = request.args.get("text")
    exclude = request.args.get("excludeDepartmentId")
    show_archived = request.args.get("showArchived") == "true"
    enabled = request.args.get("enabled") == "true"
    found = []
    for department in rt.store.all("livechat_departments"):
        if department.get("type", "d") != "d":
            continue
        if archived_only and department.get("archived") is not True:
            continue
        if not archived_only and not show_archived and department.get("archived") is True:
            continue
        if not archived_only and enabled and department.get("enabled") is not True:
            continue
        if text and not re.search(re.escape(text), str(department.get("name", "")), re.I):
            continue
        if exclude and department["_id"] == exclude:
            continue
        found.append(department)
    return found


@blueprint.get("/department")
def list_departments() -> Response:
    rt, _user = caller(*VIEW, any_of=True)
    legacy_params(LIST_QUERY, request.args.to_dict())
    return page(rt, _listed(rt, archived_only=False), {"name": 1}, "departments")


@blueprint.post("/department")
def create_department() -> Response:
    rt, _user = caller(MANAGE)
    params = legacy_params(CREATE_BODY, inputs.body())
    _checked_save_body(params)
    agents = {"upsert": params["agents"]} if params.get("agents") else {}
    try:
        department = departments.save_department(
            rt, None, params["department"], agents, params.get("departmentUnit") or {}
        )
    except models.Refused as refused:
        raise errors.refused(refused) from None
    return ok(department=department, agents=departments.department_agents(rt, department["_id"]))


@blueprint.get("/department/isDepartmentCreationAvailable")
def creation_available() -> Response:
    rt, _user = caller("view-livechat-departments", MANAGE, any_of=True)
    return ok(isDepartmentCreationAvailable=departments.creation_available(rt))


@blueprint.get("/department/<department_id>")
def get_department(department_id: str) -> Response:
    rt, user = caller(*VIEW, any_of=True)
    # ``includeAgents`` absent means the helper's default (true); only "true" keeps it otherwise
    raw = request.args.get("includeAgents")
    include = raw is None or raw == "true"
    body: Doc = {"department": rt.store.get("livechat_departments", department_id)}
    if include and models.has_permission(rt, user, "view-livechat-departments"):
        body["agents"] = departments.department_agents(rt, department_id)
    return ok(**body)


@blueprint.put("/department/<department_id>")
def update_department(department_id: str) -> Response:
    rt, user = caller(MANAGE, ADD_AGENTS, any_of=True)
    may_save = models.has_permission(rt, user, MANAGE)
    may_add_agents = models.has_permission(rt, user, ADD_AGENTS)
    params = _checked_save_body(inputs.body())
    if not may_save:
        raise errors.plain(errors.NOT_ALLOWED)
    agents = {"upsert": params["agents"]} if may_add_agents and params.get("agents") else {}
    try:
        departments.save_department(
            rt, department_id, params["department"], agents, params.get("departmentUnit") or {}
        )
    except models.Refused as refused:
        raise errors.refused(refused) from None
    return ok(
        department=rt.store.get("livechat_departments", department_id),
        agents=departments.department_agents(rt, department_id),
    )


@blueprint.delete("/department/<department_id>")
def delete_department(department_id: str) -> Response:
    rt, _user = caller(MANAGE, "remove-livechat-department", any_of=True)
    try:
        departments.remove_department(rt, department_id)
    except models.Refused as refused:
        raise errors.refused(refused) from None
    return ok()


@blueprint.get("/departments/archived")
def archived_departments() -> Response:
    rt, _user = caller(*VIEW, any_of=True)
    legacy_params(LIST_QUERY, request.args.to_dict())
    return page(rt, _listed(rt, archived_only=True), {"name": 1}, "departments")


@blueprint.post("/department/<department_id>/archive")
def archive(department_id: str) -> Response:
    rt, _user = caller(MANAGE)
    try:
        departments.set_archived(rt, department_id, True)
    except models.Refused as refused:
        raise errors.plain(refused.code) from None
    return ok()


@blueprint.post("/department/<department_id>/unarchive")
def unarchive(department_id: str) -> Response:
    rt, _user = caller(MANAGE)
    try:
        departments.set_archived(rt, department_id, False)
    except models.Refused as refused:
        raise errors.meteor_error(refused.code) from None
    return ok()


@blueprint.get("/department.autocomplete")
def autocomplete() -> Response:
    rt, _user = caller(*VIEW, any_of=True)
    raw = request.args.get("selector")
    if not raw:
        raise errors.plain("The 'selector' param is required")
    try:
        selector = json.loads(raw)
    except ValueError:
        raise errors.plain(f'Unexpected token in JSON: "{raw[:30]}" is not valid JSON') from None
    if not isinstance(selector, dict):
        selector = {}
    term = selector.get("term")
    if not isinstance(term, str):
        raise errors.plain("Cannot read properties of undefined (reading 'replace')")
    exceptions = selector.get("exceptions") or []
    if not isinstance(exceptions, list):
        exceptions = [exceptions]
    conditions = selector.get("conditions") if isinstance(selector.get("conditions"), dict) else {}
    show_archived = request.args.get("showArchived") == "true"
    prefix = re.compile("^" + re.escape(term).strip(), re.I)
    items = []
    for department in rt.store.all("livechat_departments"):
        if not prefix.search(str(department.get("name", ""))) or department["_id"] in exceptions:
            continue
        # ``archived: {$ne: !showArchived}``, literally
        if department.get("archived") is (not show_archived):
            continue
        try:
            if not jsonquery.matches(department, conditions):
                continue
        except ValueError:
            raise errors.plain("Invalid conditions") from None
        items.append({"_id": department["_id"], "name": department.get("name")})
    items = jsonquery.sort_docs(items, None, {"name": 1})
    return ok(items=items)


@blueprint.get("/department/<department_id>/agents")
def list_agents(department_id: str) -> Response:
    rt, _user = caller(*VIEW, any_of=True)
    legacy_params(AGENTS_QUERY, request.args.to_dict())
    rows = departments.department_agents(rt, department_id)
    return page(rt, rows, {"username": 1}, "agents")


@blueprint.post("/department/<department_id>/agents")
def save_agents(department_id: str) -> Response:
    rt, _user = caller(MANAGE, ADD_AGENTS, any_of=True)
    params = legacy_params(AGENTS_BODY, inputs.body())
    try:
        departments.save_department_agents(rt, department_id, params)
    except models.Refused as refused:
        raise errors.refused(refused) from None
    return ok()


@blueprint.get("/department.listByIds")
def list_by_ids() -> Response:
    rt, _user = caller(*VIEW, any_of=True)
    _query, fields = jsonquery.json_query(rt)
    listed = request.args.getlist("ids[]") or request.args.getlist("ids")
    if not listed:
        raise errors.plain("The 'ids' param is required")
    if "ids[]" not in request.args and len(listed) == 1:
        raise errors.plain("The 'ids' param must be an array")
    found = [rt.store.get("livechat_departments", i) for i in dict.fromkeys(listed)]
    shown = [d for d in found if d is not None]
    if fields:
        kept = {k for k, v in fields.items() if v}
        shown = [{k: v for k, v in d.items() if k == "_id" or k in kept} for d in shown]
    return ok(departments=shown)
