"""``api4/role.go``: the built-in roles, read-only.

Roles are rendered from the permission sets the emulator enforces (``permissions.ROLES``), with
ids derived from their names; ``system_admin`` lists every permission the emulator knows. They
cannot be patched: the emulator's permission checks use fixed roles.
"""

from __future__ import annotations

import hashlib

from flask import Blueprint, Response, jsonify

from ...core.ids import mattermost_id_from_bytes
from .. import authentication, errors, inputs, permissions
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


def _render(name: str) -> dict:
    granted = permissions.ROLES[name]
    if name == "system_admin":
        granted = set().union(*permissions.ROLES.values())
    key = _DISPLAY.get(name, name)
    return {
        "id": role_id(name),
        "name": name,
        "display_name": f"authentication.roles.{key}.name",
        "description": f"authentication.roles.{key}.description",
        "create_at": SEED_START_MS,
        "update_at": SEED_START_MS,
        "delete_at": 0,
        "permissions": sorted(granted),
        "scheme_managed": name in _SCHEME_MANAGED,
        "built_in": True,
    }


def _valid_name(name: str) -> bool:
    return 0 < len(name) <= ROLE_NAME_MAX and set(name) <= _ROLE_NAME_CHARS


@blueprint.get("/roles")
def get_all_roles() -> Response:
    _, user = authentication.caller()
    permissions.require_system(user, "manage_system")
    return jsonify([_render(name) for name in sorted(permissions.ROLES)])


@blueprint.get("/roles/<raw_id>")
def get_role(raw_id: str) -> Response:
    authentication.caller()
    wanted = inputs.id_param(raw_id, "role_id")
    name = next((n for n in permissions.ROLES if role_id(n) == wanted), None)
    if name is None:
        raise errors.AppError(404, errors.ROLE_NOT_FOUND)
    return jsonify(_render(name))


@blueprint.get("/roles/name/<role_name>")
def get_role_by_name(role_name: str) -> Response:
    authentication.caller()
    if not _valid_name(role_name):
        raise errors.invalid_url_param("role_name")
    if role_name not in permissions.ROLES:
        raise errors.AppError(404, errors.ROLE_NAME_NOT_FOUND)
    return jsonify(_render(role_name))


@blueprint.post("/roles/names")
def get_roles_by_names() -> Response:
    authentication.caller()
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
    return jsonify([_render(n) for n in wanted if n in permissions.ROLES])
