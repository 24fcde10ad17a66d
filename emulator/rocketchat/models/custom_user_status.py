"""Custom user statuses (``app/user-status/server/methods``): name and type rules, create,
update, delete; each change is broadcast to every client."""

from __future__ import annotations

import re

from ...core.runtime import Runtime
from .common import Doc, Refused, has_permission

INVALID_NAME = re.compile(r"[><&\"']")
STATUS_TYPES = ("online", "away", "busy", "offline")
DETAILS = {"method": "insertOrUpdateUserStatus"}


def _check(rt: Runtime, user: Doc, name: str, status_type: str | None, own_id: str | None) -> None:
    if not has_permission(rt, user, "manage-user-status"):
        raise Refused("not_authorized")
    if not name.strip():
        raise Refused(
            "error-the-field-is-required",
            "The field Name is required",
            {**DETAILS, "field": "Name"},
        )
    if INVALID_NAME.search(name):
        raise Refused(
            "error-input-is-not-a-valid-field",
            f"{name} is not a valid name",
            {**DETAILS, "input": name, "field": "Name"},
        )
    if any(s["_id"] != own_id for s in rt.store.find("custom_user_status", "name", name)):
        raise Refused(
            "Custom_User_Status_Error_Name_Already_In_Use",
            "The custom user status name is already in use",
            DETAILS,
        )
    if status_type and status_type not in STATUS_TYPES:
        raise Refused(
            "error-input-is-not-a-valid-field",
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
        raise Refused("not_authorized")
    status = rt.store.get("custom_user_status", status_id)
    if status is None:
        raise Refused(
            "Custom_User_Status_Error_Invalid_User_Status",
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
