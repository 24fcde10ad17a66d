"""Room membership questions and muting: ``rooms.roles``, ``rooms.isMember``, ``rooms.muteUser``,
``rooms.unmuteUser`` (``v1/rooms.ts``)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from .. import auth, errors, inputs, models

blueprint = Blueprint("rc_rooms_members", __name__, url_prefix="/api/v1")

Doc = dict[str, Any]


def _one_of(args: Doc, who: tuple[str, str], limit_empty: bool = True) -> None:
    """ajv ``oneOf`` of ``{<who[0]>, roomId}`` and ``{<who[1]>, roomId}`` (non-empty strings, no
    other property), as ``[invalid-params]``."""
    branches = []
    for key in who:
        allowed = (key, "roomId")
        missing = next((k for k in allowed if k not in args), None)
        if missing is not None:
            branches.append(f"must have required property '{missing}'")
        elif set(args) - set(allowed):
            branches.append("must NOT have additional properties")
        elif not all(isinstance(args[k], str) for k in allowed):
            branches.append("must be string")
        elif limit_empty and not all(args[k] for k in allowed):
            branches.append("must NOT have fewer than 1 characters")
        else:
            return
    raise errors.invalid_params("\n ".join([*branches, "must match exactly one schema in oneOf"]))


@blueprint.get("/rooms.roles")
def room_roles() -> Response:
    """``executeGetRoomRoles``: owners, moderators and leaders of a readable room."""
    rt, user = auth.runtime_and_user()
    args = request.args.to_dict()
    if "rid" not in args:
        raise errors.failure("must have required property 'rid'", errors.ERROR_INVALID_PARAMS)
    details = {"method": "getRoomRoles"}
    room = rt.store.get("rooms", args["rid"])
    if room is None:
        raise errors.meteor_error(errors.INVALID_ROOM, "Invalid room", details)
    if not models.can_access_room(rt, room, user):
        raise errors.meteor_error(errors.INVALID_USER, "Invalid user", details)
    return jsonify({"roles": models.room_roles(rt, room["_id"]), "success": True})


@blueprint.get("/rooms.isMember")
def is_member() -> Response:
    rt, user = auth.runtime_and_user()
    args = request.args.to_dict()
    _one_of(args, ("userId", "username"))
    room = rt.store.get("rooms", args["roomId"])
    if room is None:
        # findRoomByIdOrName
        raise errors.meteor_error(
            errors.ROOM_NOT_FOUND,
            'The required "roomId" or "roomName" param provided does not match any channel',
        )
    if room.get("archived"):
        raise errors.meteor_error(
            errors.ROOM_ARCHIVED, f"The channel, {room.get('name')}, is archived"
        )
    key = args.get("userId") or args.get("username")
    target = rt.store.get("users", key) or models.find_user_by_username(rt, key)
    if target is None:
        raise errors.plain(errors.USER_NOT_FOUND)
    if not models.can_access_room(rt, room, user):
        raise errors.forbidden("unauthorized")
    member = models.subscription(rt, room["_id"], target["_id"]) is not None
    return jsonify({"isMember": member, "success": True})


def _mute(mute: bool) -> Response:
    rt, user = auth.runtime_and_user()
    args = inputs.body()
    _one_of(args, ("userId", "username"))
    target = inputs.user_from_params(rt, args)
    if not target.get("username"):
        raise errors.plain("Invalid user")
    try:
        models.set_muted(rt, rt.store.get("rooms", args["roomId"]), user, target["username"], mute)
    except models.Refused as refusal:
        raise errors.refused(refusal) from None
    return jsonify({"success": True})


@blueprint.post("/rooms.muteUser")
def mute_user() -> Response:
    return _mute(True)


@blueprint.post("/rooms.unmuteUser")
def unmute_user() -> Response:
    return _mute(False)
