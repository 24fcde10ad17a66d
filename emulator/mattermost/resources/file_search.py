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
    body = inputs.json_body(required=False)
    typed = {
        "terms": str,
        "is_or_search": bool,
        "include_deleted_channels": bool,
        "time_zone_offset": int,
        "page": int,
        "per_page": int,
    }
    if not isinstance(body, dict) or any(
        body.get(k) is not None and not isinstance(body[k], t) for k, t in typed.items()
    ):
        raise errors.bad_request(errors.FILE_SEARCH_BODY)
    terms = body.get("terms")
    if not terms:
        raise errors.invalid_body_param("terms")
    page = body.get("page") or 0
    per_page = body.get("per_page") if body.get("per_page") is not None else 60
    found = search.search_files(
        rt,
        user,
        team_id,
        terms,
        is_or_search=body.get("is_or_search") is True,
        include_deleted_channels=body.get("include_deleted_channels") is True,
        time_zone_offset=body.get("time_zone_offset") or 0,
        page=max(page, 0),
        per_page=min(max(per_page, 1), 200),
    )
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
