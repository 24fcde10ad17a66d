"""``api4/system.go``: what clients call first."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from .. import settings

blueprint = Blueprint("mm_system", __name__, url_prefix="/api/v4")


@blueprint.get("/system/ping")
def ping() -> Response:
    body = {
        "status": "OK",
        "ActiveSearchBackend": "database",
        "AndroidLatestVersion": "",
        "AndroidMinVersion": "",
        "IosLatestVersion": "",
        "IosMinVersion": "",
    }
    if request.args.get("get_server_status") == "true":
        body.update({"database_status": "OK", "filestore_status": "OK"})
    body["version"] = settings.VERSION
    return jsonify(body)
