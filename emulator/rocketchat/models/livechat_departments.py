"""Omnichannel departments and their agents (``app/livechat/server/lib/departmentsLib.ts``,
``Helper.updateDepartmentAgents``, ``api/lib/departments.ts``).

A Community server holds at most one department (``@rocket.chat/omni-core``'s
``isDepartmentCreationAvailable``: creation is open only while none exists); units are an
enterprise callback a Community server never runs, so ``departmentUnit`` is only type-checked.
"""

from __future__ import annotations

import re
from typing import Any

from ...core.runtime import Runtime
from .. import errors
from .common import Doc, Refused, js_type, setting

SAVE = {"method": "livechat:saveDepartment"}
# ``saveDepartment``'s ``check()`` patterns: a JS type name per known field, None for optional
DEPARTMENT_FIELDS: dict[str, tuple[str, bool]] = {
    "enabled": ("boolean", True),
    "name": ("string", True),
    "description": ("string", False),
    "showOnRegistration": ("boolean", True),
    "email": ("string", True),
    "showOnOfflineForm": ("boolean", True),
    "requestTagBeforeClosingChat": ("boolean", False),
    "chatClosingTags": ("strings", False),
    "fallbackForwardDepartment": ("string", False),
    "departmentsAllowedToForward": ("strings", False),
    "allowReceiveForwardOffline": ("boolean", False),
}


def expected_object(value: Any) -> str:
    """What ``check`` says of a value that is not a plain object (an array is an object)."""
    if isinstance(value, list):
        return "Expected plain object"
    return f"Expected object, got {js_type(value)}"


def _match_error(message: str) -> Refused:
    # a failed ``check()``: a plain ``Match.Error`` whose message the route answers
    return Refused(f"Match error: {message}")


def check_department_data(data: Doc) -> None:
    """``check(departmentData, defaultValidations)``: known fields by type; any other field the
    widget's form added must be a string, an integer or a boolean."""
    for key, value in data.items():
        kind, _required = DEPARTMENT_FIELDS.get(key, ("extra", False))
        if kind == "extra":
            if not (isinstance(value, str | bool) or _is_integer(value)):
                raise _match_error(
                    f"Failed Match.OneOf, Match.Maybe or Match.Optional validation in field {key}"
                )
        elif kind == "strings":
            if not isinstance(value, list):
                raise _match_error(f"Expected array, got {js_type(value)} in field {key}")
            for index, item in enumerate(value):
                if not isinstance(item, str):
                    raise _match_error(
                        f"Expected string, got {js_type(item)} in field {key}[{index}]"
                    )
        elif js_type(value) != kind:
            raise _match_error(f"Expected {kind}, got {js_type(value)} in field {key}")
    for key, (_kind, required) in DEPARTMENT_FIELDS.items():
        if required and key not in data:
            raise _match_error(f"Missing key '{key}'")


def _is_integer(value: Any) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)) or (
        isinstance(value, float) and value.is_integer()
    )


def _int(value: Any) -> int:
    """``parseFromIntOrStr``: an integer, or the leading digits of a string (else 0)."""
    if isinstance(value, bool):
        return 0
    if isinstance(value, int | float):
        return int(value)
    found = re.match(r"\s*([+-]?\d+)", str(value))
    return int(found.group(1)) if found else 0


def creation_available(rt: Runtime) -> bool:
    """Community edition: a department may be created only while there is none."""
    return rt.store.count("livechat_departments") == 0


def save_department(
    rt: Runtime,
    department_id: str | None,
    data: Doc,
    agents: Doc | None = None,
    unit: Doc | None = None,
) -> Doc:
    """``saveDepartment``: create (``department_id`` None) or update, then upsert/remove the
    agents given. Refusals are upstream's, in its order."""
    if unit is not None and "_id" in unit and not isinstance(unit["_id"], str):
        raise Refused(errors.INVALID_DEPARTMENT_UNIT, "Invalid department unit id provided", SAVE)
    with rt.store.transaction():
        current = rt.store.get("livechat_departments", department_id) if department_id else None
        if current is None and not creation_available(rt):
            raise Refused(
                errors.MAX_DEPARTMENTS_NUMBER_REACHED, "Maximum number of departments reached", SAVE
            )
        if current is not None and current.get("archived") and data.get("enabled"):
            raise Refused(
                errors.ARCHIVED_DEPARTMENT_CANT_BE_ENABLED,
                "Archived departments cant be enabled",
                SAVE,
            )
        check_department_data(data)
        _check_agents_param(agents)
        if data.get("requestTagBeforeClosingChat") and not data.get("chatClosingTags"):
            raise Refused(
                errors.VALIDATING_DEPARTMENT_CHAT_CLOSING_TAGS,
                "At least one closing tag is required when the department requires tag(s) on "
                "closing conversations.",
                SAVE,
            )
        if department_id and current is None:
            raise Refused(errors.DEPARTMENT_NOT_FOUND, "Department not found", SAVE)
        fallback = data.get("fallbackForwardDepartment")
        if fallback is not None and fallback == department_id:
            raise Refused(
                errors.FALLBACK_DEPARTMENT_CIRCULAR,
                "Cannot save department. Circular reference between fallback department and "
                "department",
            )
        if fallback and rt.store.get("livechat_departments", fallback) is None:
            raise Refused(
                errors.FALLBACK_DEPARTMENT_NOT_FOUND, "Fallback department not found", SAVE
            )
        now = rt.clock.now_ms()
        if current is None:
            saved = rt.store.insert(
                "livechat_departments", {**data, "_id": rt.ids.meteor_id(), "_updatedAt": now}
            )
        else:
            changes = {**data, "_updatedAt": now}
            saved = rt.store.update("livechat_departments", current["_id"], changes)
        if current is not None and current.get("enabled") != data.get("enabled"):
            for row in rt.store.find("livechat_department_agents", "departmentId", saved["_id"]):
                enabled = {"departmentEnabled": data.get("enabled")}
                rt.store.update("livechat_department_agents", row["_id"], enabled)
        if agents:
            _update_agents(rt, saved["_id"], agents, bool(saved.get("enabled")))
        return rt.store.get("livechat_departments", saved["_id"])


def _check_agents_param(agents: Doc | None) -> None:
    """``check(agents, {upsert: Maybe([ObjectIncluding({agentId: String...})]), remove...})``."""
    if agents is None:
        return
    for key, rows in agents.items():
        if key not in ("upsert", "remove"):
            raise _match_error(f"Unknown key in field {key}")
        if rows is None:
            continue
        if not isinstance(rows, list):
            raise _match_error(f"Expected array, got {js_type(rows)} in field {key}")
        for index, row in enumerate(rows):
            where = f"{key}[{index}]"
            if not isinstance(row, dict):
                raise _match_error(f"{expected_object(row)} in field {where}")
            if not isinstance(row.get("agentId"), str):
                if "agentId" not in row:
                    raise _match_error(f"Missing key 'agentId' in field {where}")
                got = js_type(row["agentId"])
                raise _match_error(f"Expected string, got {got} in field {where}.agentId")
            for name in ("count", "order"):
                if row.get(name) is not None and not _is_integer(row[name]):
                    raise _match_error(
                        f"Expected Integer, got {js_type(row[name])} in field {where}.{name}"
                    )


def _update_agents(rt: Runtime, department_id: str, agents: Doc, enabled: bool) -> None:
    """``updateDepartmentAgents``: remove, then upsert the users that exist; ``numAgents``
    follows."""
    removed = [row["agentId"] for row in agents.get("remove") or []]
    for row in rt.store.find("livechat_department_agents", "departmentId", department_id):
        if row["agentId"] in removed:
            rt.store.delete("livechat_department_agents", row["_id"])
    added = 0
    rows = rt.store.find("livechat_department_agents", "departmentId", department_id)
    for wanted in agents.get("upsert") or []:
        user = rt.store.get("users", wanted["agentId"])
        if user is None:
            continue
        fields = {
            "username": user.get("username") or "",
            "count": _int(wanted["count"]) if wanted.get("count") else 0,
            "order": _int(wanted["order"]) if wanted.get("order") else 0,
            "departmentEnabled": enabled,
            "_updatedAt": rt.clock.now_ms(),
        }
        existing = next(
            (r for r in rows if r["agentId"] == user["_id"]),
            None,
        )
        if existing is None:
            rows.append(
                rt.store.insert(
                    "livechat_department_agents",
                    {
                        "_id": rt.ids.meteor_id(),
                        "agentId": user["_id"],
                        "departmentId": department_id,
                        **fields,
                    },
                )
            )
        else:
            rt.store.update("livechat_department_agents", existing["_id"], fields)
        added += 1
    if removed or added:
        count = len(rt.store.find("livechat_department_agents", "departmentId", department_id))
        rt.store.update("livechat_departments", department_id, {"numAgents": count})


def save_department_agents(rt: Runtime, department_id: str, agents: Doc) -> None:
    """``saveDepartmentAgents`` (``POST livechat/department/:_id/agents``)."""
    with rt.store.transaction():
        department = rt.store.get("livechat_departments", department_id)
        if department is None:
            raise Refused(errors.DEPARTMENT_NOT_FOUND, "Department not found")
        _check_agents_param(agents)
        _update_agents(rt, department_id, agents, bool(department.get("enabled")))


def set_archived(rt: Runtime, department_id: str, archived: bool) -> None:
    """``archiveDepartment`` (also disables it) / ``unarchiveDepartment``; the department's
    agent rows follow (``departmentEnabled``)."""
    with rt.store.transaction():
        department = rt.store.get("livechat_departments", department_id)
        if department is None:
            # archive throws it as a plain ``Error``, unarchive as a code-only ``Meteor.Error``
            raise Refused(errors.BARE_DEPARTMENT_NOT_FOUND)
        changes: Doc = {"archived": archived, "_updatedAt": rt.clock.now_ms()}
        if archived:
            changes["enabled"] = False
        rt.store.update("livechat_departments", department_id, changes)
        for row in rt.store.find("livechat_department_agents", "departmentId", department_id):
            rt.store.update(
                "livechat_department_agents", row["_id"], {"departmentEnabled": not archived}
            )


def remove_department(rt: Runtime, department_id: str) -> None:
    """``DELETE livechat/department/:_id``: refused unless the
    ``Omnichannel_enable_department_removal`` setting is on; drops the agents, unsets it as
    others' fallback and takes it off rooms."""
    if not setting(rt, "Omnichannel_enable_department_removal"):
        raise Refused(errors.DEPARTMENT_REMOVAL_DISABLED)
    with rt.store.transaction():
        if rt.store.get("livechat_departments", department_id) is None:
            raise Refused(errors.DEPARTMENT_NOT_FOUND)
        rt.store.delete("livechat_departments", department_id)
        for row in rt.store.find("livechat_department_agents", "departmentId", department_id):
            rt.store.delete("livechat_department_agents", row["_id"])
        for other in rt.store.all("livechat_departments"):
            if other.get("fallbackForwardDepartment") == department_id:
                rt.store.upsert(
                    "livechat_departments",
                    {k: v for k, v in other.items() if k != "fallbackForwardDepartment"},
                )
        for room in rt.store.find("rooms", "t", "l"):
            if room.get("departmentId") == department_id:
                rt.store.upsert(
                    "rooms", {k: v for k, v in room.items() if k not in ("departmentId", "unitId")}
                )


def department_agents(rt: Runtime, department_id: str) -> list[Doc]:
    return rt.store.find("livechat_department_agents", "departmentId", department_id)
