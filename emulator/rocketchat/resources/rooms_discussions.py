"""``rooms.getDiscussions`` (``v1/rooms.ts``): the discussion rooms whose parent is a room."""

from __future__ import annotations

from flask import Blueprint, Response, request

from .. import auth, errors, models, wire
from ._rooms_common import page

blueprint = Blueprint("rc_rooms_discussions", __name__, url_prefix="/api/v1")


@blueprint.get("/rooms.getDiscussions")
def discussions() -> Response:
    rt, user = auth.runtime_and_user()
    args = request.args
    room_id, room_name = args.get("roomId"), args.get("roomName")
    # findRoomByIdOrName
    if not room_id and not room_name:
        raise errors.meteor_error(
            errors.ROOMID_PARAM_NOT_PROVIDED, 'The parameter "roomId" or "roomName" is required'
        )
    if "roomId" in args:
        room = rt.store.get("rooms", room_id or "")
    else:
        room = next((r for r in rt.store.all("rooms") if r.get("name") == room_name), None)
    if room is None:
        raise errors.meteor_error(
            errors.ROOM_NOT_FOUND,
            'The required "roomId" or "roomName" param provided does not match any channel',
        )
    if room.get("archived"):
        raise errors.meteor_error(
            errors.ROOM_ARCHIVED, f"The channel, {room.get('name')}, is archived"
        )
    if not models.can_access_room(rt, room, user):
        # API.v1.failure('not-allowed', 'Not Allowed'): the words land the other way round
        raise errors.failure("not-allowed", "Not Allowed")
    found = [r for r in rt.store.all("rooms") if r.get("prid") == room["_id"]]
    return page(rt, "discussions", found, wire.room, {"fname": 1})
