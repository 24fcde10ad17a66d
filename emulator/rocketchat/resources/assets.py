"""``assets.setAsset``/``assets.unsetAsset`` (``v1/assets.ts``, ``manage-assets``) and the
uploaded assets served under ``/assets/<name>.<ext>`` as the real server's asset handler."""

from __future__ import annotations

import base64

from flask import Blueprint, Response, request

from ...core.runtime import runtime
from .. import ajv, auth, errors, inputs, models
from ..models import assets
from ._rooms_common import ok

blueprint = Blueprint("rc_assets", __name__)


@blueprint.post("/api/v1/assets.setAsset")
def set_asset() -> Response:
    rt = runtime()
    auth.require_permission("manage-assets")
    upload = request.files.get("asset")
    if upload is None:
        raise errors.plain("No file uploaded")
    data = upload.read()
    limit = models.setting(rt, "FileUpload_MaxFileSize")
    if limit is not None and 0 <= limit < len(data):
        raise errors.meteor_error(
            errors.FILE_TOO_LARGE, "File size exceeds the allowed limit", {"limit": limit}
        )
    name = request.form.get("assetName") or upload.filename or ""
    if name not in assets.ASSETS:
        raise errors.plain("Invalid asset")
    try:
        assets.set_asset(rt, name, data, upload.mimetype or "application/octet-stream")
    except models.Refused as refusal:
        raise errors.refused(refusal) from None
    return ok()


@blueprint.post("/api/v1/assets.unsetAsset")
def unset_asset() -> Response:
    args = ajv.check(
        inputs.body(), {"assetName": "string", "refreshAllClients": "boolean?"}, ("assetName",)
    )
    rt = runtime()
    auth.require_permission("manage-assets")
    if args["assetName"] not in assets.ASSETS:
        raise errors.plain("Invalid asset")
    assets.unset_asset(rt, args["assetName"])
    return ok()


@blueprint.get("/assets/<name>.<extension>")
def serve_asset(name: str, extension: str) -> Response:
    stored = runtime().store.get("assets", name)
    if stored is None or stored["extension"] != extension:
        return Response(status=404)
    response = Response(base64.b64decode(stored["data"]), mimetype=stored["contentType"])
    response.headers["Cache-Control"] = "public, max-age=0"
    return response
