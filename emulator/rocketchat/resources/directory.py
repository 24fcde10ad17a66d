"""``directory`` and ``spotlight`` (``v1/misc.ts``), through ``models.directory``."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from .. import auth, errors, inputs, jsonquery, wire
from ..models import directory

blueprint = Blueprint("rc_directory", __name__, url_prefix="/api/v1")

ROOM_SORTS = ("name", "createdAt", "usersCount", "usernames", "lastMessage")
USER_SORTS = ("name", "createdAt", "usersCount", "username", "email", "bio")


def _sort_spec(kind: str, by: str, direction: int) -> dict[str, int]:
    if kind == "users":
        return (
            {"emails.address": direction, "username": direction}
            if by == "email"
            else {by: direction}
        )
    field = {"createdAt": "ts", "lastMessage": "lastMessage.ts"}.get(by, by)
    # browseChannels puts featured rooms first
    return {"featured": -1, field: direction}


@blueprint.get("/directory")
def browse() -> Response:
    rt, user = auth.runtime_and_user()
    offset, count, sort = inputs.pagination(rt)
    if sort and len(sort) > 1:
        raise errors.plain('This method support only one "sort" parameter')
    # the JSON ``query`` (when the server allows it) is the filter the parameters override
    query, _fields = jsonquery.json_query(rt, user)
    text = request.args.get("text") or query.get("text") or ""
    kind = request.args.get("type") or query.get("type") or "channels"
    workspace = request.args.get("workspace") or "local"
    if not all(isinstance(v, str) for v in (text, kind)):
        raise errors.plain("Please verify the parameters")
    by = next(iter(sort)) if sort else "name"
    # upstream's quirk: without a sort the direction is descending
    direction = 1 if sort and next(iter(sort.values())) == 1 else -1
    allowed = ROOM_SORTS if kind in ("channels", "teams") else USER_SORTS
    found = None
    if kind in ("channels", "teams", "users") and by in allowed:
        if kind == "channels":
            found = directory.directory_channels(rt, user, text)
        elif kind == "teams":
            found = directory.directory_teams(rt, user, text)
        else:
            found = directory.directory_users(rt, user, text, workspace)
    if found is None:
        raise errors.plain("Please verify the parameters")
    found = jsonquery.sort_docs(found, _sort_spec(kind, by, direction), {})
    limit = count if count and count > 0 else 10
    page = found[max(0, offset) : max(0, offset) + limit]
    return jsonify(
        {
            "result": [wire.rest_dates(d) for d in page],
            "count": len(page),
            "offset": offset,
            "total": len(found),
            "success": True,
        }
    )


@blueprint.get("/spotlight")
def spotlight() -> Response:
    rt, user = auth.runtime_and_user()
    query = request.args.get("query")
    if query is None:
        raise errors.failure("must have required property 'query'", errors.ERROR_INVALID_PARAMS)
    result = directory.spotlight(rt, user, query)
    rooms = [wire.rest_dates(r) for r in result["rooms"]]
    return jsonify({"users": result["users"], "rooms": rooms, "success": True})
