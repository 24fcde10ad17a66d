"""The legacy REST API (v0, the ``Rocket Chat REST API`` seed document): ``/api/<action>``.

Legacy answers are ``{"status": "success", ...}``; errors ``{"status": "error", "message": ...}``.
"""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from . import settings

blueprint = Blueprint("rc_legacy", __name__, url_prefix="/api")

LEGACY_API_VERSION = "0.1"


@blueprint.get("/version")
def version() -> Response:
    return jsonify(
        {
            "status": "success",
            "versions": {"api": LEGACY_API_VERSION, "rocketchat": settings.VERSION},
        }
    )
