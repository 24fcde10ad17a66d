"""``api4/file.go`` search: files attached to posts, found by name, ``ext:`` and the post
search flags."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from ...core.runtime import Runtime
from .. import authentication, errors, inputs, permissions, wire
from ..models import search
from ..models.common import Doc

blueprint = Blueprint("mm_file_search", __name__, url_prefix="/api/v4")


@blueprint.post("/teams/<team_id>/files/search")
def search_team_files(team_id: str) -> Response:
    rt, user = authentication.caller()
    inputs.id_param(team_id, "team_id")
    permissions.require_team(rt, user, team_id, "view_team")
    return _search(rt, user, team_id)


@blueprint.post("/files/search")
def search_all_files() -> Response:
    rt, user = authentication.caller()
    return _search(rt, user, "")


def _search(rt: Runtime, user: Doc, team_id: str) -> Response:
    terms, options = inputs.search_params(errors.FILE_SEARCH_BODY)
    found = search.search_files(rt, user, team_id, terms, **options)
    response = jsonify(
        {
            "order": [f["id"] for f in found],
            "file_infos": {f["id"]: wire.file_info(f) for f in found},
            "next_file_info_id": "",
            "prev_file_info_id": "",
            "first_inaccessible_file_time": 0,
        }
    )
    response.headers["Cache-Control"] = "no-cache, no-store, must-revalidate"
    return response
