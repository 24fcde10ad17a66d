"""Server identity: ``GET /api/info`` (``default/info.ts``)."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from ...core.runtime import runtime
from .. import auth, models, settings

blueprint = Blueprint("rc_misc", __name__)

MINIMUM_CLIENT_VERSIONS = {"desktop": "3.9.6", "mobile": "4.39.0"}
# ``Info`` (``rocketchat.info``) as the build writes it; fixed values keep answers deterministic.
BUILD_INFO = {
    "version": settings.VERSION,
    "build": {
        "date": "2026-03-20T13:14:28.000Z",
        "nodeVersion": "v22.16.0",
        "arch": "x64",
        "platform": "linux",
        "osRelease": "6.8.0",
        "totalMemory": 8589934592,
        "freeMemory": 4294967296,
        "cpus": 4,
    },
    "marketplaceApiVersion": "1.56.0",
    "commit": {
        "hash": "0000000000000000000000000000000000000000",
        "date": "Fri Mar 20 13:14:28 2026 +0000",
        "author": "Rocket.Chat",
        "subject": "Release " + settings.VERSION,
        "tag": settings.VERSION,
        "branch": "release-" + settings.VERSION,
    },
}


@blueprint.get("/api/info")
def info() -> Response:
    rt = runtime()
    body = {
        "version": ".".join(settings.VERSION.split(".")[:2]),
        "minimumClientVersions": MINIMUM_CLIENT_VERSIONS,
        "success": True,
    }
    caller = auth.authenticate(rt, request.environ)
    if caller is not None and models.has_permission(rt, caller.user, "view-statistics"):
        body["version"] = settings.VERSION
        body["info"] = BUILD_INFO
    return jsonify(body)
