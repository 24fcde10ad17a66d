"""``api4/brand.go``: the custom brand image of the login page.

Upstream re-encodes an upload as PNG; the emulator keeps the bytes it was sent (PNG, JPEG, GIF
or BMP) and serves them with their own type.
"""

from __future__ import annotations

import base64

from flask import Blueprint, Response, jsonify, request

from ...core.runtime import runtime
from .. import authentication, errors, models, permissions, wire
from .user_images import image_type

blueprint = Blueprint("mm_brand", __name__, url_prefix="/api/v4")
EDIT_BRAND = "edit_brand"


@blueprint.get("/brand/image")
def get_brand_image() -> Response:
    """No session needed; without an image, an empty 404 (typed JSON, as every API answer)."""
    stored = models.brand_image(runtime())
    if stored is None:
        return Response(b"", status=404, mimetype="application/json")
    return Response(base64.b64decode(stored["value"]), mimetype=stored["content_type"])


@blueprint.post("/brand/image")
def upload_brand_image() -> Response:
    rt, user = authentication.caller()
    limit = models.setting(rt, "FileSettings", "MaxFileSize", 104857600)
    if (request.content_length or 0) > limit:
        raise errors.AppError(413, errors.BRAND_TOO_LARGE)
    upload = request.files.get("image")
    if upload is None:
        raise errors.AppError(400, errors.BRAND_NO_FILE)
    # Upstream checks the permission only once the form is read.
    permissions.require_system(user, EDIT_BRAND)
    data = upload.read()
    mime = image_type(data)
    if mime is None:
        raise errors.AppError(400, errors.BRAND_DECODE)
    models.save_brand_image(rt, base64.b64encode(data).decode("ascii"), mime)
    response = jsonify(wire.status_ok())
    response.status_code = 201
    return response


@blueprint.delete("/brand/image")
def delete_brand_image() -> Response:
    rt, user = authentication.caller()
    permissions.require_system(user, EDIT_BRAND)
    if not models.delete_brand_image(rt):
        raise errors.AppError(404, errors.BRAND_NOT_FOUND)
    return jsonify(wire.status_ok())
