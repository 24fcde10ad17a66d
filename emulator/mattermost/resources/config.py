"""``api4/config.go`` and ``api4/license.go``: the client config clients read on start-up, and
the server config system admins read and change (``models/server_config.py``)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from ...core.runtime import runtime
from .. import authentication, errors, inputs, permissions, settings
from ..models import server_config

blueprint = Blueprint("mm_config", __name__, url_prefix="/api/v4")
MANAGE_SYSTEM = "manage_system"
NO_CACHE = {"Cache-Control": "no-cache, no-store, must-revalidate"}


def _config_response(config: server_config.Config) -> Response:
    response = jsonify(settings.sanitized(config))
    response.headers.update(NO_CACHE)
    return response


@blueprint.get("/config")
def get_config() -> Response:
    rt, user = authentication.caller()
    permissions.require_system(user, MANAGE_SYSTEM)
    return _config_response(server_config.current(rt))


@blueprint.put("/config")
def update_config() -> Response:
    rt, user = authentication.caller()
    # Decoded before the permission check, as upstream does.
    body = server_config.checked_body(inputs.json_body())
    permissions.require_system(user, MANAGE_SYSTEM)
    return _config_response(server_config.replace(rt, body))


@blueprint.put("/config/patch")
def patch_config() -> Response:
    rt, user = authentication.caller()
    body = server_config.checked_body(inputs.json_body())
    permissions.require_system(user, MANAGE_SYSTEM)
    return _config_response(server_config.patch(rt, body))


@blueprint.post("/config/reload")
def reload_config() -> Response:
    rt, user = authentication.caller()
    permissions.require_system(user, "reload_config")
    server_config.reload(rt)
    response = jsonify({"status": "OK"})
    response.headers.update(NO_CACHE)
    return response


@blueprint.get("/config/environment")
def get_environment_config() -> Response:
    """Which settings the environment sets; only those the caller may read (none for users
    without system console access)."""
    rt, user = authentication.caller()
    found: dict = {}
    if permissions.has_system_permission(user, MANAGE_SYSTEM):
        found = settings.environment_map(server_config.current(rt), rt.config.environ)
    response = jsonify(found)
    response.headers.update(NO_CACHE)
    return response


@blueprint.get("/config/client")
def get_client_config() -> Response:
    rt = runtime()
    fmt = request.args.get("format", "")
    if not fmt:
        raise errors.AppError(501, errors.CONFIG_OLD_FORMAT)
    if fmt != "old":
        raise errors.invalid_body_param("format")
    try:
        authentication.current_session(rt)
        signed_in = True
    except errors.AppError:
        signed_in = False
    return jsonify(server_config.computed_client_config(rt, signed_in))


@blueprint.get("/license/client")
def get_client_license() -> Response:
    fmt = request.args.get("format", "")
    if not fmt:
        raise errors.AppError(501, errors.LICENSE_OLD_FORMAT)
    if fmt != "old":
        raise errors.invalid_body_param("format")
    return jsonify({"IsLicensed": "false"})


@blueprint.get("/license/load_metric")
def get_license_load_metric() -> Response:
    """Monthly active users per licensed seat, as a percentage: 0 without a licence."""
    authentication.caller()
    return jsonify({"load": 0})
