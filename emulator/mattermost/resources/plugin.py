"""``api4/plugin.go``: plugin administration on a server with none installed.

Plugins are enabled (upstream default), uploads are not (``PluginSettings.EnableUploads`` false),
and the marketplace is empty: the emulator never reaches Mattermost's marketplace.
"""

from __future__ import annotations

import re

from flask import Blueprint, Response, jsonify, request

from ...core.runtime import Runtime, runtime
from .. import authentication, errors, inputs, models, permissions, wire

blueprint = Blueprint("mm_plugin", __name__, url_prefix="/api/v4")

READ_PLUGINS = "sysconsole_read_plugins"
WRITE_PLUGINS = "sysconsole_write_plugins"
# ``model.IsValidPluginId``
_PLUGIN_ID = re.compile(r"^[a-zA-Z0-9-_.]{3,190}$")


def _setting(rt: Runtime, name: str, default: bool) -> bool:
    return bool(models.setting(rt, "PluginSettings", name, default))


def _require_plugins(rt: Runtime) -> None:
    if not _setting(rt, "Enable", True):
        raise errors.AppError(501, errors.PLUGINS_DISABLED)


def _require_marketplace(rt: Runtime) -> None:
    _require_plugins(rt)
    if not _setting(rt, "EnableMarketplace", True):
        raise errors.AppError(501, errors.MARKETPLACE_DISABLED)


def _plugin_id(raw: str) -> str:
    if not _PLUGIN_ID.match(raw):
        raise errors.invalid_url_param("plugin_id")
    return raw


@blueprint.post("/plugins")
def upload_plugin() -> Response:
    rt, user = authentication.caller()
    uploads = _setting(rt, "EnableUploads", False) and not _setting(
        rt, "RequirePluginSignature", False
    )
    if not _setting(rt, "Enable", True) or not uploads:
        raise errors.AppError(501, errors.PLUGIN_UPLOADS_DISABLED)
    permissions.require_system(user, WRITE_PLUGINS)
    if "plugin" not in request.files:
        raise errors.AppError(400, errors.PLUGIN_NO_FILE)
    # A bundle would have to be a real plugin the emulator could run; none can be.
    raise errors.AppError(400, errors.PLUGIN_INSTALL_FAILED)


@blueprint.get("/plugins")
def get_plugins() -> Response:
    rt, user = authentication.caller()
    _require_plugins(rt)
    permissions.require_system(user, READ_PLUGINS)
    return jsonify({"active": [], "inactive": []})


@blueprint.get("/plugins/statuses")
def get_plugin_statuses() -> Response:
    rt, user = authentication.caller()
    _require_plugins(rt)
    permissions.require_system(user, READ_PLUGINS)
    return jsonify([])


@blueprint.get("/plugins/webapp")
def get_webapp_plugins() -> Response:
    _require_plugins(runtime())
    return jsonify([])


@blueprint.post("/plugins/install_from_url")
def install_plugin_from_url() -> Response:
    rt, user = authentication.caller()
    uploads = _setting(rt, "EnableUploads", False) and not _setting(
        rt, "RequirePluginSignature", False
    )
    if not _setting(rt, "Enable", True) or not uploads:
        raise errors.AppError(501, errors.PLUGINS_DISABLED)
    permissions.require_system(user, WRITE_PLUGINS)
    raise errors.AppError(400, errors.PLUGIN_DOWNLOAD_FAILED)


@blueprint.post("/plugins/marketplace")
def install_marketplace_plugin() -> Response:
    rt, user = authentication.caller()
    _require_marketplace(rt)
    permissions.require_system(user, WRITE_PLUGINS)
    body = inputs.json_body(required=False)
    if not isinstance(body, dict) or not isinstance(body.get("id", ""), str):
        raise errors.AppError(501, errors.MARKETPLACE_REQUEST_INVALID)
    # Nothing is listed, so whatever is asked for is not found (upstream says so with a 500;
    # a request the client could not have known better about is answered as a 404 here).
    raise errors.AppError(404, errors.MARKETPLACE_PLUGIN_NOT_FOUND)


@blueprint.get("/plugins/marketplace")
def get_marketplace_plugins() -> Response:
    rt, user = authentication.caller()
    _require_marketplace(rt)
    if request.args.get("remote_only", "") != "true":
        permissions.require_system(user, READ_PLUGINS)
    return jsonify([])


@blueprint.delete("/plugins/<plugin_id>")
def remove_plugin(plugin_id: str) -> Response:
    return _installed_plugin_action(plugin_id)


@blueprint.post("/plugins/<plugin_id>/enable")
def enable_plugin(plugin_id: str) -> Response:
    return _installed_plugin_action(plugin_id)


@blueprint.post("/plugins/<plugin_id>/disable")
def disable_plugin(plugin_id: str) -> Response:
    return _installed_plugin_action(plugin_id)


def _installed_plugin_action(plugin_id: str) -> Response:
    """Remove, enable and disable share their checks and, with none installed, their end."""
    rt, user = authentication.caller()
    _plugin_id(plugin_id)
    _require_plugins(rt)
    permissions.require_system(user, WRITE_PLUGINS)
    raise errors.AppError(404, errors.PLUGIN_NOT_INSTALLED)


@blueprint.get("/plugins/marketplace/first_admin_visit")
def get_first_admin_visit() -> Response:
    rt, user = authentication.caller()
    permissions.require_system(user, "manage_system")
    name = models.FIRST_ADMIN_VISIT_MARKETPLACE
    return jsonify({"name": name, "value": models.system_value(rt, name, "false")})


@blueprint.post("/plugins/marketplace/first_admin_visit")
def set_first_admin_visit() -> Response:
    rt = runtime()
    found = authentication.identify(rt, request.environ)
    user = found[1] if found else {"id": "", "roles": ""}
    permissions.require_system(user, "manage_system")
    models.set_first_admin_visit_marketplace(rt)
    return jsonify(wire.status_ok())
