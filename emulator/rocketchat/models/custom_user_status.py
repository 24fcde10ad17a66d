"""Custom user statuses (``app/user-status/server/methods``): name and type rules, create,
update, delete; each change is broadcast to every client."""

from __future__ import annotations

import re

from ...core.runtime import Runtime
from .. import errors
from .common import Doc, Refused, has_permission

INVALID_NAME = re.compile(r"[><&\"']")
STATUS_TYPES = ("online", "away", "busy", "offline")
DETAILS = {"method": "insertOrUpdateUserStatus"}


def _check(rt: Runtime, user: Doc, name: str, status_type: str | None, own_id: str | None) -> None:
    if not has_permission(rt, user, "manage-user-status"):
        raise Refused(errors.INTEGRATION_NOT_AUTHORIZED)
    if not name.strip():
        raise Refused(
            errors.THE_FIELD_IS_REQUIRED,
            "The field Name is required",
            {**DETAILS, "field": "Name"},
        )
    if INVALID_NAME.search(name):
        raise Refused(
            errors.INPUT_IS_NOT_A_VALID_FIELD,
            f"{name} is not a valid name",
            {**DETAILS, "input": name, "field": "Name"},
        )
    if any(s["_id"] != own_id for s in rt.store.find("custom_user_status", "name", name)):
        raise Refused(
            errors.CUSTOM_USER_STATUS_ERROR_NAME_ALREADY_IN_USE,
            "The custom user status name is already in use",
            DETAILS,
        )
    if status_type and status_type not in STATUS_TYPES:
        raise Refused(
            errors.INPUT_IS_NOT_A_VALID_FIELD,
            f"{status_type} is not a valid status type",
            {**DETAILS, "input": status_type, "field": "StatusType"},
        )


def create_status(rt: Runtime, user: Doc, name: str, status_type: str) -> Doc:
    with rt.store.transaction():
        _check(rt, user, name, status_type, None)
        status = {
            "_id": rt.ids.meteor_id(),
            "name": name,
            "statusType": status_type,
            "_updatedAt": rt.clock.now_ms(),
        }
        rt.store.insert("custom_user_status", status)
    _broadcast(rt, "updateCustomUserStatus", status)
    return status


def update_status(
    rt: Runtime, user: Doc, status_id: str, name: str, status_type: str | None
) -> Doc:
    with rt.store.transaction():
        _check(rt, user, name, status_type, status_id)
        changes: Doc = {"name": name, "_updatedAt": rt.clock.now_ms()}
        if status_type is not None:
            changes["statusType"] = status_type
        status = rt.store.update("custom_user_status", status_id, changes)
    _broadcast(rt, "updateCustomUserStatus", status)
    return status


def delete_status(rt: Runtime, user: Doc, status_id: str) -> None:
    if not has_permission(rt, user, "manage-user-status"):
        raise Refused(errors.INTEGRATION_NOT_AUTHORIZED)
    status = rt.store.get("custom_user_status", status_id)
    if status is None:
        raise Refused(
            errors.CUSTOM_USER_STATUS_ERROR_INVALID_USER_STATUS,
            "Invalid user status",
            {"method": "deleteCustomUserStatus"},
        )
    rt.store.delete("custom_user_status", status_id)
    _broadcast(rt, "deleteCustomUserStatus", status)


def _broadcast(rt: Runtime, event: str, status: Doc) -> None:
    # listeners.module.ts: ``stream-notify-logged`` ``<event>`` with ``{userStatusData}``
    if rt.events.active:
        data = {k: status[k] for k in ("_id", "name", "statusType") if k in status}
        rt.events.publish(
            "stream-notify-logged", {"eventName": event, "args": [{"userStatusData": data}]}
        )
