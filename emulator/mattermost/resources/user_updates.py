"""``api4/user.go``, the editing half: profile, roles, activation, deletion and password.

Checks run in the real handlers' order, so the same bad request gets the same first error.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from ...core.passwords import check_password
from ...core.runtime import Runtime
from ...core.store import DuplicateKey
from .. import authentication, errors, inputs, models, permissions, wire
from .users import PROFILE_MAPS, PROFILE_STRINGS, SYSTEM_ROLES, Doc, duplicate, load_user, present

blueprint = Blueprint("mm_user_updates", __name__, url_prefix="/api/v4")


def _require_admin_for_admins(viewer: Doc, target: Doc) -> None:
    """``Cannot update a system admin unless user making request is a systemadmin also``."""
    if permissions.is_system_admin(target):
        permissions.require_system(viewer, "manage_system")


def _check_own_password(viewer: Doc, target: Doc, changes: Doc, password: object) -> None:
    """Changing one's own email needs the current password (``DoubleCheckPassword``)."""
    if viewer["id"] != target["id"] or changes.get("email", target["email"]) == target["email"]:
        return
    if not isinstance(password, str) or not password:
        raise errors.invalid_body_param("password")
    if not check_password(password, target["password"]):
        raise errors.AppError(401, errors.PASSWORD_INVALID)


# -- profile ----------------------------------------------------------------------------------


def _profile_changes(body: Doc, full: bool) -> Doc:
    """A ``UserPatch`` (or, ``full``, the profile fields of a whole ``User``), typed and valid."""
    changes: Doc = {}
    for name in ("username", "email", *PROFILE_STRINGS):
        if name in body or (full and name != "locale"):
            value = body.get(name, "")
            if not isinstance(value, str):
                raise errors.invalid_body_param("user")
            changes[name] = value.lower() if name in ("username", "email") else value
    for name in PROFILE_MAPS:
        if name in body:
            if not isinstance(body[name], dict):
                raise errors.invalid_body_param("user")
            changes[name] = dict(body[name])
    if "disable_welcome_email" in body:
        if not isinstance(body["disable_welcome_email"], bool):
            raise errors.invalid_body_param("user")
        changes["disable_welcome_email"] = body["disable_welcome_email"]
    if "password" in body and not isinstance(body["password"], str):
        raise errors.invalid_body_param("user")
    return changes


def _validate(changes: Doc) -> None:
    if "username" in changes and not models.is_valid_username(changes["username"]):
        raise errors.AppError(400, errors.USER_USERNAME_INVALID)
    if "email" in changes and not models.is_valid_email(changes["email"]):
        raise errors.AppError(400, errors.USER_EMAIL_INVALID)


def _apply_update(rt: Runtime, viewer: Doc, user: Doc, changes: Doc) -> Response:
    _validate(changes)
    try:
        fresh = models.update_user(rt, user["id"], changes)
    except DuplicateKey as exc:
        raise duplicate(exc) from None
    return jsonify(present(rt, viewer, fresh))


@blueprint.put("/users/<user_id>/patch")
def patch_user(user_id: str) -> Response:
    rt, viewer = authentication.caller()
    target_id = inputs.user_id_param(user_id)
    body = inputs.json_object("user")
    changes = _profile_changes(body, full=False)
    permissions.require_self_or(viewer, target_id)
    user = rt.store.get("users", target_id)
    if user is None:
        raise errors.invalid_body_param("user_id")
    _require_admin_for_admins(viewer, user)
    _check_own_password(viewer, user, changes, body.get("password"))
    return _apply_update(rt, viewer, user, changes)


@blueprint.put("/users/<user_id>")
def update_user(user_id: str) -> Response:
    rt, viewer = authentication.caller()
    target_id = inputs.user_id_param(user_id)
    body = inputs.json_object("user")
    changes = _profile_changes(body, full=True)
    if body.get("id") != target_id:
        raise errors.invalid_body_param("user_id")
    roles = body.get("roles", "")
    if isinstance(roles, str) and "system_admin" in roles.split():
        permissions.require_system(viewer, "manage_system")
    permissions.require_self_or(viewer, target_id)
    user = load_user(rt, target_id)
    try:
        _check_own_password(viewer, user, changes, body.get("password"))
    except errors.AppError:
        raise errors.invalid_body_param("password") from None
    return _apply_update(rt, viewer, user, changes)


# -- roles, activation, deletion --------------------------------------------------------------


@blueprint.put("/users/<user_id>/roles")
def update_user_roles(user_id: str) -> Response:
    rt, viewer = authentication.caller()
    target_id = inputs.user_id_param(user_id)
    body = inputs.json_object()
    roles = body.get("roles")
    names = roles.split() if isinstance(roles, str) else []
    # ``IsValidUserRoles``: known names, and never ``system_admin`` alone.
    if not names or any(n not in SYSTEM_ROLES for n in names) or names == ["system_admin"]:
        raise errors.invalid_body_param("roles")
    permissions.require_system(viewer, "manage_roles")
    load_user(rt, target_id)
    models.update_user(rt, target_id, {"roles": " ".join(names)})
    return jsonify(wire.status_ok())


@blueprint.put("/users/<user_id>/active")
def update_user_active(user_id: str) -> Response:
    rt, viewer = authentication.caller()
    target_id = inputs.user_id_param(user_id)
    body = inputs.json_object()
    active = body.get("active")
    if not isinstance(active, bool):
        raise errors.invalid_body_param("active")
    self_deactivate = not active and target_id == viewer["id"]
    if not self_deactivate and not permissions.has_system_permission(
        viewer, "sysconsole_write_user_management_users"
    ):
        raise errors.AppError(403, errors.USER_ACTIVE_FORBIDDEN, f"userId={target_id}")
    if self_deactivate and not models.setting(rt, "TeamSettings", "EnableUserDeactivation"):
        raise errors.AppError(401, errors.USER_DEACTIVATION_DISABLED, f"userId={target_id}")
    user = load_user(rt, target_id)
    _require_admin_for_admins(viewer, user)
    models.set_user_active(rt, user["id"], active)
    return jsonify(wire.status_ok())


@blueprint.delete("/users/<user_id>")
def delete_user(user_id: str) -> Response:
    rt, viewer = authentication.caller()
    target_id = inputs.user_id_param(user_id)
    permissions.require_self_or(viewer, target_id)
    if (
        target_id == viewer["id"]
        and not models.setting(rt, "TeamSettings", "EnableUserDeactivation")
        and not permissions.has_system_permission(viewer, "manage_system")
    ):
        raise errors.AppError(401, errors.USER_DEACTIVATION_DISABLED, f"userId={target_id}")
    user = load_user(rt, target_id)
    _require_admin_for_admins(viewer, user)
    if inputs.bool_arg("permanent"):
        # EnableAPIUserDeletion is off by default; permanent deletion is not emulated.
        raise errors.AppError(401, errors.USER_DELETION_DISABLED, f"userId={target_id}")
    models.set_user_active(rt, user["id"], False)
    return jsonify(wire.status_ok())


# -- password ---------------------------------------------------------------------------------


@blueprint.put("/users/<user_id>/password")
def update_password(user_id: str) -> Response:
    rt, viewer = authentication.caller()
    target_id = inputs.user_id_param(user_id)
    body = inputs.json_object()
    new_password = body.get("new_password", "")
    current = body.get("current_password", "")
    if not isinstance(new_password, str) or not isinstance(current, str):
        raise errors.invalid_body_param("new_password")
    user = rt.store.get("users", target_id)
    if user is None:
        may_update = False
    elif permissions.is_system_admin(user):
        may_update = permissions.has_system_permission(viewer, "manage_system")
    else:
        may_update = permissions.has_system_permission(
            viewer, "sysconsole_write_user_management_users"
        )
    if target_id == viewer["id"]:
        if not current:
            raise errors.invalid_body_param("current_password")
        if not check_password(current, viewer["password"]):
            raise errors.AppError(400, errors.PASSWORD_INCORRECT)
    elif not may_update or user is None:
        raise errors.AppError(403, errors.PASSWORD_UPDATE_FORBIDDEN)
    problem = models.password_problem(rt, new_password)
    if problem is not None:
        raise errors.AppError(400, problem[0], Min=str(problem[1]))
    own = authentication.current_session(rt)["id"] if target_id == viewer["id"] else ""
    models.set_password(rt, target_id, new_password, own)
    return jsonify(wire.status_ok())
