"""Server identity: ``GET /api/info`` (``default/info.ts``)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from ...core.runtime import runtime
from .. import models, settings

blueprint = Blueprint("rc_misc", __name__)

MINIMUM_CLIENT_VERSIONS = {"desktop": "3.9.6", "mobile": "4.39.0"}


@blueprint.get("/api/info")
def info() -> Response:
    rt = runtime()
    body = {
        "version": ".".join(settings.VERSION.split(".")[:2]),
        "minimumClientVersions": MINIMUM_CLIENT_VERSIONS,
        "success": True,
    }
    user_id, token = request.headers.get("X-User-Id"), request.headers.get("X-Auth-Token")
    user = models.user_for_token(rt, user_id, token) if user_id and token else None
    if user is not None and models.has_permission(rt, user, "view-statistics"):
        body["version"] = settings.VERSION
        body["info"] = {
            "version": settings.VERSION,
            "build": {"platform": "linux"},
            "commit": {},
            "marketplaceApiVersion": "1.0",
        }
    return jsonify(body)
