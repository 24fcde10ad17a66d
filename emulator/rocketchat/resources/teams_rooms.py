"""``teams.removeRoom``, ``teams.updateRoom``, ``teams.updateMember`` (``v1/teams.ts``).

Team service refusals are plain ``Error``s: ``API.v1.failure(message)`` with no ``errorType``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from ...core.pagination import page_slice
from .. import auth, errors, inputs, models, wire

blueprint = Blueprint("rc_teams_rooms", __name__, url_prefix="/api/v1")

Doc = dict[str, Any]


def _one_of(args: Doc, extra: tuple[str, ...]) -> None:
    """ajv ``oneOf`` over ``{teamId, *extra}`` and ``{teamName, *extra}``, no other property:
    each branch's first error, then the ``oneOf`` line, as ``[invalid-params]``."""
    branches = []
    for key in ("teamId", "teamName"):
        allowed = (key, *extra)
        missing = next((k for k in allowed if k not in args), None)
        if missing is not None:
            branches.append(f"must have required property '{missing}'")
        elif set(args) - set(allowed):
            branches.append("must NOT have additional properties")
        else:
            return
    raise errors.invalid_params("\n ".join([*branches, "must match exactly one schema in oneOf"]))


def _team(rt: Any, args: Doc) -> Doc:
    team_id, name = args.get("teamId"), args.get("teamName")
    team = rt.store.get("teams", team_id) if team_id else rt.store.find_one("teams", "name", name)
    if team is None:
        raise errors.plain(errors.TEAM_DOES_NOT_EXIST)
    return team


def _refused(refusal: models.Refused) -> errors.RocketError:
    return errors.plain(refusal.code)


@blueprint.post("/teams.removeRoom")
def remove_room() -> Response:
    rt, user = auth.runtime_and_user()
    args = inputs.body()
    _one_of(args, ("roomId",))
    team = _team(rt, args)
    if not models.has_permission(rt, user, "remove-team-channel", team["roomId"]):
        raise errors.forbidden("unauthorized")
    any_room = models.has_permission(rt, user, "view-all-team-channels", team["roomId"])
    try:
        room = models.remove_room_from_team(rt, user, str(args["roomId"]), team, any_room)
    except models.Refused as refusal:
        raise _refused(refusal) from None
    return jsonify({"room": wire.room(room), "success": True})


@blueprint.post("/teams.updateRoom")
def update_room() -> Response:
    rt, user = auth.runtime_and_user()
    args = inputs.body()
    # check(body, Match.ObjectIncluding({roomId: String, isDefault: Boolean}))
    if not isinstance(args.get("roomId"), str):
        raise errors.plain(f"Match error: {_match_reason(args, 'roomId', 'string')}")
    if not isinstance(args.get("isDefault"), bool):
        raise errors.plain(f"Match error: {_match_reason(args, 'isDefault', 'boolean')}")
    team = _team_of_room(rt, args["roomId"])
    if not models.has_permission(rt, user, "edit-team-channel", team["roomId"]):
        raise errors.forbidden("unauthorized")
    any_room = models.has_permission(rt, user, "view-all-team-channels", team["roomId"])
    try:
        room = models.update_team_room(rt, user, args["roomId"], args["isDefault"], any_room)
    except models.Refused as refusal:
        raise _refused(refusal) from None
    return jsonify({"room": wire.room(room), "success": True})


def _team_of_room(rt: Any, room_id: str) -> Doc:
    """``Team.getOneByRoomId``: the room's team; its throws reach the client as failures."""
    room = rt.store.get("rooms", room_id)
    if room is None:
        raise errors.plain(errors.BARE_INVALID_ROOM)
    if not room.get("teamId"):
        raise errors.plain(errors.ROOM_NOT_ON_TEAM)
    team = rt.store.get("teams", room["teamId"])
    if team is None:
        raise errors.plain(errors.TEAM_DOES_NOT_EXIST)
    return team


def _match_reason(args: Doc, key: str, kind: str) -> str:
    if key not in args:
        return f"Missing key '{key}'"
    value = args[key]
    got = "null" if value is None else {bool: "boolean", str: "string"}.get(type(value), "number")
    if isinstance(value, dict | list):
        got = "object"
    return f"Expected {kind}, got {got} in field {key}"


@blueprint.post("/teams.updateMember")
def update_member() -> Response:
    rt, user = auth.runtime_and_user()
    args = inputs.body()
    _one_of(args, ("member",))
    member = args["member"]
    if not isinstance(member, dict) or not isinstance(member.get("userId"), str):
        raise errors.invalid_params("must have required property 'userId'")
    roles = member.get("roles") or []
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise errors.invalid_params("must be array")
    team = _team(rt, args)
    if not models.has_permission(rt, user, "edit-team-member", team["roomId"]):
        raise errors.forbidden("unauthorized")
    models.update_team_member(rt, team, member["userId"], roles)
    return jsonify({"success": True})


@blueprint.get("/teams.listRoomsOfUser")
def rooms_of_user() -> Response:
    rt, user = auth.runtime_and_user()
    args = request.args.to_dict()
    # check(query, Match.OneOf({teamId}, {teamName})) then check(query, {userId: String, ...})
    if not args.get("teamId") and not args.get("teamName"):
        raise errors.plain(
            "Match error: Failed Match.OneOf, Match.Maybe or Match.Optional validation"
        )
    if "userId" not in args:
        raise errors.plain("Match error: Missing key 'userId'")
    offset, count, _sort = inputs.pagination(rt)
    team = _team(rt, args)
    allow_private = models.has_permission(rt, user, "view-all-teams", team["roomId"])
    target_id = args["userId"]
    if target_id != user["_id"] and not models.has_permission(
        rt, user, "view-all-team-channels", team["roomId"]
    ):
        raise errors.forbidden("unauthorized")
    deletable_only = args.get("canUserDelete") == "true"
    try:
        found = models.rooms_of_user_in_team(
            rt, user, team, target_id, allow_private, deletable_only
        )
    except models.Refused as refusal:
        raise _refused(refusal) from None
    chunk = page_slice(found, offset, count)
    return jsonify(
        {
            "rooms": [wire.room(r) for r in chunk],
            "total": len(found),
            "count": len(chunk),
            "offset": 0,
            "success": True,
        }
    )
