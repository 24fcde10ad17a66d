"""``api4/team.go``, team icons: upload, read, remove."""

from __future__ import annotations

import base64

from flask import Blueprint, Response, jsonify, request

from .. import authentication, errors, inputs, models, permissions, wire
from .teams import load_team, team_with_permission
from .user_images import image_type

blueprint = Blueprint("mm_team_images", __name__, url_prefix="/api/v4")


@blueprint.get("/teams/<team_id>/image")
def get_team_icon(team_id: str) -> Response:
    rt, viewer = authentication.caller()
    team = load_team(rt, team_id)
    open_team = team["type"] == "O" and team["allow_open_invite"]
    if not open_team:
        permissions.require_team(rt, viewer, team["id"], "view_team")
    stored = rt.store.get("team_icons", team["id"])
    if stored is None:
        raise errors.AppError(404, errors.TEAM_ICON_MISSING)
    response = Response(base64.b64decode(stored["data"]), mimetype=stored["content_type"])
    response.headers["Cache-Control"] = "max-age=86400, private"
    response.headers["ETag"] = str(team.get("last_team_icon_update", 0))
    return response


@blueprint.post("/teams/<team_id>/image")
def set_team_icon(team_id: str) -> Response:
    rt, viewer = authentication.caller()
    team_id = inputs.id_param(team_id, "team_id")
    permissions.require_team(rt, viewer, team_id, "manage_team")
    limit = models.setting(rt, "FileSettings", "MaxFileSize", 104857600)
    if (request.content_length or 0) > limit:
        raise errors.AppError(400, errors.TEAM_ICON_TOO_LARGE)
    upload = request.files.get("image")
    if upload is None:
        raise errors.AppError(400, errors.TEAM_ICON_NO_FILE)
    data = upload.read()
    mime = image_type(data)
    if mime is None:
        raise errors.AppError(400, errors.TEAM_ICON_DECODE)
    load_team(rt, team_id)
    models.set_team_icon(rt, team_id, base64.b64encode(data).decode("ascii"), mime)
    return jsonify(wire.status_ok())


@blueprint.delete("/teams/<team_id>/image")
def remove_team_icon(team_id: str) -> Response:
    rt, viewer = authentication.caller()
    team_with_permission(rt, viewer, team_id, "manage_team")
    models.set_team_icon(rt, team_id, None)
    return jsonify(wire.status_ok())
