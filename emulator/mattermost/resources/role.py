"""``api4/role.go``: the built-in roles.

Roles are rendered from the permission sets the emulator enforces (``permissions.ROLES``), with
ids derived from their names; ``system_admin`` lists every permission the emulator knows. A patch
is stored and shown by every read, but the permission checks keep the built-in sets.
"""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, jsonify

from ...core.ids import mattermost_id_from_bytes
from ...core.runtime import Runtime
from .. import authentication, errors, inputs, permissions
from ..models import roles
from ..seed import SEED_START_MS

blueprint = Blueprint("mm_role", __name__, url_prefix="/api/v4")

NAMES_MAX = 100
ROLE_NAME_MAX = 64
_ROLE_NAME_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789_")
# Roles a team or channel scheme manages (upstream ``SchemeManaged``).
_SCHEME_MANAGED = {
    "channel_guest",
    "channel_user",
    "channel_admin",
    "team_guest",
    "team_user",
    "team_admin",
    "system_guest",
    "system_user",
    "system_admin",
}
# Upstream names the system roles' display strings after "global".
_DISPLAY = {"system_user": "global_user", "system_guest": "global_guest"}


def role_id(name: str) -> str:
    return mattermost_id_from_bytes(hashlib.sha256(b"role:" + name.encode()).digest()[:16])


def _render(rt: Runtime, name: str) -> dict:
    granted = permissions.ROLES[name]
    if name == "system_admin":
        granted = set().union(*permissions.ROLES.values())
    key = _DISPLAY.get(name, name)
    patch = roles.role_patch(rt, name)
    return {
        "id": role_id(name),
        "name": name,
        "display_name": f"authentication.roles.{key}.name",
        "description": f"authentication.roles.{key}.description",
        "create_at": SEED_START_MS,
        "update_at": patch["update_at"] if patch else SEED_START_MS,
        "delete_at": 0,
        "permissions": patch["permissions"] if patch else sorted(granted),
        "scheme_managed": name in _SCHEME_MANAGED,
        "built_in": True,
    }


def _valid_name(name: str) -> bool:
    return 0 < len(name) <= ROLE_NAME_MAX and set(name) <= _ROLE_NAME_CHARS


@blueprint.get("/roles")
def get_all_roles() -> Response:
    rt, user = authentication.caller()
    permissions.require_system(user, "manage_system")
    return jsonify([_render(rt, name) for name in sorted(permissions.ROLES)])


@blueprint.get("/roles/<raw_id>")
def get_role(raw_id: str) -> Response:
    rt, _ = authentication.caller()
    return jsonify(_render(rt, _role_name(raw_id)))


def _role_name(raw_id: str) -> str:
    wanted = inputs.id_param(raw_id, "role_id")
    name = next((n for n in permissions.ROLES if role_id(n) == wanted), None)
    if name is None:
        raise errors.AppError(404, errors.ROLE_NOT_FOUND)
    return name


@blueprint.get("/roles/name/<role_name>")
def get_role_by_name(role_name: str) -> Response:
    rt, _ = authentication.caller()
    if not _valid_name(role_name):
        raise errors.invalid_url_param("role_name")
    if role_name not in permissions.ROLES:
        raise errors.AppError(404, errors.ROLE_NAME_NOT_FOUND)
    return jsonify(_render(rt, role_name))


@blueprint.post("/roles/names")
def get_roles_by_names() -> Response:
    rt, _ = authentication.caller()
    names = inputs.json_body(required=False)
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise errors.AppError(400, errors.PAYLOAD_PARSE)
    names = sorted(set(names))
    if not names:
        raise errors.invalid_body_param("rolenames")
    if len(names) > NAMES_MAX:
        raise errors.AppError(400, errors.ROLE_NAMES_TOO_MANY, MaxNames=str(NAMES_MAX))
    wanted = [n for n in names if n.strip()]
    if not all(_valid_name(n) for n in wanted):
        raise errors.invalid_body_param("rolename")
    return jsonify([_render(rt, n) for n in wanted if n in permissions.ROLES])


# Roles only ``manage_system`` may patch (upstream's ``NewSystemRoleIDs`` and system_admin).
_PROTECTED = {
    "system_admin",
    "system_user_manager",
    "system_read_only_admin",
    "system_manager",
    "system_custom_group_admin",
}
_GUESTS = {"system_guest", "team_guest", "channel_guest"}
# Roles the permissions page edits; any other needs the system roles page.
_SCHEME_EDITED = {
    "team_admin",
    "channel_admin",
    "system_user",
    "team_user",
    "channel_user",
    "system_guest",
    "team_guest",
    "channel_guest",
}
# Permissions no patch may add or remove.
_NOT_ALLOWED = (
    "sysconsole_write_user_management_system_roles",
    "sysconsole_read_user_management_system_roles",
    "manage_roles",
)
WRITE_PERMISSIONS = "sysconsole_write_user_management_permissions"


def _changed(old: list[str], new: list[str]) -> list[str]:
    """``PermissionsChangedByPatch``: added ones, then removed ones."""
    return [p for p in new if p not in old] + [p for p in old if p not in new]


@blueprint.put("/roles/<raw_id>/patch")
def patch_role(raw_id: str) -> Response:
    """``patchRole``, its checks in upstream's order, on an unlicensed server."""
    rt, user = authentication.caller()
    inputs.id_param(raw_id, "role_id")
    body = inputs.json_body(required=False)
    if body is None and not inputs.body_is_json_null():
        raise errors.invalid_body_param("role")
    body = body or {}
    new = body.get("permissions") if isinstance(body, dict) else None
    if not isinstance(body, dict) or not (
        new is None or (isinstance(new, list) and all(isinstance(p, str) for p in new))
    ):
        raise errors.invalid_body_param("role")
    role = _render(rt, _role_name(raw_id))
    name = role["name"]
    permissions.require_system(user, "manage_system" if name in _PROTECTED else WRITE_PERMISSIONS)
    if new is not None:
        if name in _GUESTS:
            raise errors.AppError(501, errors.ROLE_PATCH_LICENSE)
        for permission in _changed(role["permissions"], new):
            if permission in _NOT_ALLOWED:
                raise errors.AppError(
                    501,
                    errors.ROLE_PATCH_NOT_ALLOWED,
                    f"Cannot add or remove permission: {permission}",
                )
        new = list(dict.fromkeys(new))
    page = (
        WRITE_PERMISSIONS
        if name in _SCHEME_EDITED
        else ("sysconsole_write_user_management_system_roles")
    )
    permissions.require_system(user, page)
    return jsonify(roles.patch_role(rt, role, new))
