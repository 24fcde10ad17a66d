"""Users' presence, status and active flag (``v1/users.ts``)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from ...core.runtime import runtime
from .. import auth, errors, inputs, models, wire
from .users import check_active_change

blueprint = Blueprint("rc_users_status", __name__, url_prefix="/api/v1")

Doc = dict[str, Any]
MATCH_ERROR = "Match error: Failed Match.OneOf, Match.Maybe or Match.Optional validation"


def _ok(**body: Any) -> Response:
    return jsonify({**body, "success": True})


@blueprint.post("/users.setActiveStatus")
def set_active_status() -> Response:
    rt = runtime()
    auth.require_permission("edit-other-user-active-status")
    params = inputs.body()
    inputs.require_fields(params, ("userId", "activeStatus"))
    if not isinstance(params["userId"], str):
        raise errors.invalid_params("/userId must be string")
    if not isinstance(params["activeStatus"], bool):
        raise errors.invalid_params("/activeStatus must be boolean")
    user = rt.store.get("users", params["userId"])
    if user is None:
        raise errors.meteor_error(
            errors.INVALID_USER, "Invalid user", {"method": "setUserActiveStatus"}
        )
    if user["active"] != params["activeStatus"]:
        check_active_change(rt, user, params["activeStatus"])
        user = models.set_user_active(rt, user["_id"], params["activeStatus"])
    return _ok(user={"_id": user["_id"], "active": user["active"]})


@blueprint.post("/users.deactivateIdle")
def deactivate_idle() -> Response:
    rt = runtime()
    auth.require_permission("edit-other-user-active-status")
    params = inputs.body()
    inputs.require_fields(params, ("daysIdle",))
    days = params["daysIdle"]
    if isinstance(days, bool) or not isinstance(days, int | float) or days < 0:
        raise errors.invalid_params("/daysIdle must be number")
    role = params.get("role", "user")
    if not isinstance(role, str):
        raise errors.invalid_params("/role must be string")
    cutoff = rt.clock.now_ms() - int(days * 86_400_000)
    count = 0
    with rt.store.transaction():
        for user in models.users_with_role(rt, role):
            if user["active"] and user.get("lastLogin") is not None and user["lastLogin"] <= cutoff:
                models.update_user(rt, user["_id"], {"active": False})
                count += 1
    return _ok(count=count)


# -- presence and status ----------------------------------------------------------------------


@blueprint.post("/users.setStatus")
def set_status() -> Response:
    rt, me = auth.runtime_and_user()
    params = inputs.body()
    status, message = params.get("status"), params.get("message")
    valid = (isinstance(message, str) and (status is None or isinstance(status, str))) or (
        isinstance(status, str) and (message is None or isinstance(message, str))
    )
    if not valid:
        raise errors.failure(MATCH_ERROR, "Match.Error")
    if not models.setting(rt, "Accounts_AllowUserStatusMessageChange"):
        raise errors.meteor_error(
            errors.NOT_ALLOWED, "Change status is not allowed", {"method": "users.setStatus"}
        )
    if inputs.is_user_from_params(params, me):
        user = me
    elif models.has_permission(rt, me, "edit-other-user-info"):
        user = inputs.user_from_params(rt, params)
    else:
        raise errors.unauthorized_result()
    if status:
        if status not in models.USER_STATUSES:
            raise errors.meteor_error(
                errors.INVALID_STATUS,
                "Valid status types include online, away, offline, and busy.",
                {"method": "users.setStatus"},
            )
        if status == "offline" and not models.setting(rt, "Accounts_AllowInvisibleStatusOption"):
            raise errors.meteor_error(
                errors.STATUS_NOT_ALLOWED,
                "Invisible status is disabled",
                {"method": "users.setStatus"},
            )
    text = message if isinstance(message, str) else None
    models.set_user_status(rt, user, status or None, text)
    return _ok()


@blueprint.get("/users.getStatus")
def get_status() -> Response:
    rt, me = auth.runtime_and_user()
    if inputs.is_user_from_params(request.args, me):
        return _ok(
            _id=me["_id"],
            connectionStatus=me.get("statusConnection") or "offline",
            status=me.get("status") or "offline",
        )
    user = inputs.user_from_params(rt, request.args)
    return _ok(_id=user["_id"], status=user.get("status") or "offline")


@blueprint.get("/users.getPresence")
def get_presence() -> Response:
    rt, me = auth.runtime_and_user()
    if inputs.is_user_from_params(request.args, me):
        body: Doc = {
            "presence": me.get("status") or "offline",
            "connectionStatus": me.get("statusConnection") or "offline",
        }
        if me.get("lastLogin"):
            body["lastLogin"] = wire.iso(me["lastLogin"])
        return _ok(**body)
    user = inputs.user_from_params(rt, request.args)
    return _ok(presence=user.get("status") or "offline")


@blueprint.get("/users.presence")
def presence() -> Response:
    """Everyone not offline (``full: true``), or those of ``ids`` (``full: false``)."""
    rt, _ = auth.runtime_and_user()
    fields = ("_id", "username", "name", "status", "utcOffset", "statusText", "avatarETag")
    ids = request.args.get("ids")
    if ids:
        wanted = [rt.store.get("users", i) for i in ids.split(",")]
        users = [u for u in wanted if u is not None and u.get("status", "offline") != "offline"]
        full = False
    else:
        users = [u for s in ("online", "away", "busy") for u in rt.store.find("users", "status", s)]
        full = True
    return _ok(users=[{k: u[k] for k in fields if k in u} for u in users], full=full)
