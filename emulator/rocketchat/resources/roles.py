"""Roles: listing, members and assignment (``v1/roles.ts``).

Global (``Users`` scope) roles live in the user's ``roles``; room (``Subscriptions`` scope) roles
in the subscription's ``roles`` for that room.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from ...core.runtime import Runtime, runtime
from .. import auth, errors, inputs, models, wire

blueprint = Blueprint("rc_roles", __name__, url_prefix="/api/v1")

Doc = dict[str, Any]


def _role_params(params: Doc) -> tuple[Doc, Doc, str | None]:
    """(role, user, roomId) from ``roleId`` (or the older ``roleName``) and ``username``."""
    for key in ("username", "roleId", "roleName", "roomId", "scope"):
        if key in params and not isinstance(params[key], str):
            raise errors.meteor_error(errors.INVALID_ROLE_PROPERTIES, f"/{key} must be string")
    if "username" not in params or not ("roleId" in params or "roleName" in params):
        missing = "username" if "username" not in params else "roleId"
        raise errors.meteor_error(
            errors.INVALID_ROLE_PROPERTIES, f"must have required property '{missing}'"
        )
    rt = runtime()
    user = models.find_user_by_username(rt, params["username"])
    if user is None:
        raise errors.meteor_error(errors.INVALID_USER, "There is no user with this username")
    role_id = params.get("roleId") or params.get("roleName")
    role = rt.store.get("roles", role_id)
    if role is None:
        raise errors.meteor_error(errors.INVALID_ROLE_ID, "This role does not exist")
    room_id = params.get("roomId") or None
    if role["scope"] == "Subscriptions" and room_id is None:
        raise errors.meteor_error(errors.INVALID_ARGUMENTS, "Invalid arguments")
    return role, user, room_id


def _subscription_for(rt: Runtime, room_id: str, user: Doc) -> Doc:
    sub = models.subscription(rt, room_id, user["_id"])
    if sub is None:
        raise errors.meteor_error(errors.INVALID_ROOM, "Invalid room")
    return sub


def _holds(rt: Runtime, user: Doc, role: Doc, room_id: str | None) -> bool:
    if role["scope"] == "Subscriptions" and room_id:
        sub = models.subscription(rt, room_id, user["_id"])
        return sub is not None and role["_id"] in sub.get("roles", [])
    return role["_id"] in user.get("roles", [])


@blueprint.get("/roles.list")
def list_roles() -> Response:
    rt, _ = auth.runtime_and_user()
    return jsonify({"roles": [wire.role(r) for r in rt.store.all("roles")], "success": True})


@blueprint.get("/roles.getUsersInRole")
def users_in_role() -> Response:
    rt = runtime()
    me = auth.require_permission("access-permissions")
    role_id, room_id = request.args.get("role"), request.args.get("roomId")
    if not role_id:
        raise errors.meteor_error(errors.PARAM_NOT_PROVIDED, 'Query param "role" is required')
    if room_id and not models.has_permission(rt, me, "view-other-user-channels"):
        raise errors.meteor_error(errors.NOT_ALLOWED, "Not allowed")
    role = rt.store.get("roles", role_id)
    if role is None:
        raise errors.meteor_error(errors.INVALID_ROLE_ID)
    offset, limit, _ = inputs.pagination(rt)
    if room_id:
        users = [
            rt.store.get("users", s["u"]["_id"])
            for s in rt.store.find("subscriptions", "rid", room_id)
            if role_id in s.get("roles", [])
        ]
        users = [u for u in users if u is not None]
    else:
        users = models.users_with_role(rt, role_id)
    users.sort(key=lambda u: u.get("username") or "")
    page = users[offset:] if limit is None else users[offset : offset + limit]
    return jsonify(
        {
            "users": [wire.user_without(u, frozenset()) for u in page],
            "total": len(users),
            "success": True,
        }
    )


@blueprint.post("/roles.addUserToRole")
def add_user_to_role() -> Response:
    rt = runtime()
    me = auth.require_permission("access-permissions")
    role, user, room_id = _role_params(inputs.body())
    if role["_id"] == "admin" and not models.has_permission(rt, me, "assign-admin-role"):
        raise errors.meteor_error(
            errors.ACTION_NOT_ALLOWED,
            "Assigning admin is not allowed",
            {"method": "authorization:addUserToRole", "action": "Assign_admin"},
        )
    if _holds(rt, user, role, room_id):
        raise errors.meteor_error(errors.USER_ALREADY_IN_ROLE, "User already in role")
    if role["scope"] == "Subscriptions" and room_id:
        sub = _subscription_for(rt, room_id, user)
        models.update_subscription(rt, sub, {"roles": [*sub.get("roles", []), role["_id"]]})
    else:
        models.update_user(rt, user["_id"], {"roles": [*user.get("roles", []), role["_id"]]})
    return jsonify({"role": wire.role(role), "success": True})


@blueprint.post("/roles.removeUserFromRole")
def remove_user_from_role() -> Response:
    rt = runtime()
    auth.require_permission("access-permissions")
    role, user, room_id = _role_params(inputs.body())
    if not _holds(rt, user, role, room_id):
        raise errors.meteor_error(errors.USER_NOT_IN_ROLE, "User is not in this role")
    if role["scope"] == "Subscriptions" and room_id:
        sub = _subscription_for(rt, room_id, user)
        roles = [r for r in sub.get("roles", []) if r != role["_id"]]
        models.update_subscription(rt, sub, {"roles": roles})
    else:
        if role["_id"] == "admin" and len(models.users_with_role(rt, "admin")) <= 1:
            raise errors.meteor_error(errors.ADMIN_REQUIRED, "You need to have at least one admin")
        roles = [r for r in user.get("roles", []) if r != role["_id"]]
        models.update_user(rt, user["_id"], {"roles": roles})
    return jsonify({"role": wire.role(role), "success": True})


@blueprint.get("/roles.sync")
def sync() -> Response:
    rt, _ = auth.runtime_and_user()
    inputs.require_fields(request.args, ("updatedSince",))
    raw = request.args["updatedSince"]
    since = inputs.date_param(
        raw, errors.UPDATED_SINCE_PARAM_INVALID, "Failed parsing updatedSince param"
    )
    update = [wire.role(r) for r in rt.store.all("roles") if r["_updatedAt"] > since]
    return jsonify({"roles": {"update": update, "remove": []}, "success": True})


@blueprint.post("/roles.delete")
def delete_role() -> Response:
    rt = runtime()
    auth.require_permission("access-permissions")
    params = inputs.body()
    if "roleId" not in params:
        raise errors.failure("must have required property 'roleId'", errors.INVALID_PARAMS)
    if set(params) - {"roleId"}:
        raise errors.failure("must NOT have additional properties", errors.INVALID_PARAMS)
    if not isinstance(params["roleId"], str):
        raise errors.failure("must be string", errors.INVALID_PARAMS)
    try:
        models.delete_role(rt, params["roleId"])
    except models.Refused as refusal:
        raise errors.refused(refusal) from None
    return jsonify({"success": True})


@blueprint.get("/roles.getUsersInPublicRoles")
def users_in_public_roles() -> Response:
    rt, _user = auth.runtime_and_user()
    return jsonify({"users": models.users_in_public_roles(rt), "success": True})
