"""Omnichannel rooms (``livechat/v1/room.ts``, ``v1/transfer.ts``, ``imports/server/rest/rooms.ts``,
``queue.ts``, ``upload.ts``): the widget opens and closes its room; agents close, join, forward,
edit and list them."""

from __future__ import annotations

from flask import Blueprint, Response, request

from ...core.runtime import runtime
from .. import auth, errors, inputs, models, wire
from ..models import livechat, livechat_rooms
from . import _livechat
from ._livechat import Doc
from ._rooms_common import ok, page, parse_date

blueprint = Blueprint("rc_livechat_rooms", __name__, url_prefix="/api/v1/livechat")


@blueprint.get("/room")
def open_room() -> Response:
    rt = runtime()
    args = request.args
    token = args.get("token")
    if token is None:
        raise errors.plain("Match error: Missing key 'token'")
    visitor = _livechat.visitor(rt, token)
    rid = args.get("rid")
    if rid:
        room = livechat_rooms.open_room_of(rt, token, rid)
        if room is None:
            raise errors.plain(errors.BARE_INVALID_ROOM)
        return ok(room=wire.room(room), newRoom=False)
    try:
        room, new = livechat_rooms.open_room(
            rt, visitor, _livechat.source_type(), args.get("agentId") or None
        )
    except models.Refused as refusal:
        raise _livechat.refused(refusal) from None
    return ok(room=wire.room(room), newRoom=new)


@blueprint.post("/room.close")
def close_by_visitor() -> Response:
    rt = runtime()
    params = _livechat.checked(inputs.body(), {"rid": str, "token": str})
    visitor = _livechat.visitor(rt, params["token"])
    room = _livechat.visitor_room(rt, params["token"], params["rid"])
    if not room.get("open"):
        raise errors.plain(errors.ROOM_CLOSED)
    livechat_rooms.close_room(rt, room, visitor=visitor, comment=livechat_rooms.CLOSED_BY_VISITOR)
    return ok(rid=room["_id"], comment=livechat_rooms.CLOSED_BY_VISITOR)


@blueprint.post("/room.closeByUser")
def close_by_user() -> Response:
    rt, user = auth.runtime_and_user()
    params = _livechat.checked(
        inputs.body(),
        {"rid": str},
        {"comment": str, "tags": list, "generateTranscriptPdf": bool, "transcriptEmail": dict},
    )
    auth.require_permission("close-livechat-room")
    try:
        livechat_rooms.close_by_user(
            rt, user, params["rid"], params.get("comment") or "", params.get("tags")
        )
    except models.Refused as refusal:
        raise _livechat.refused(refusal) from None
    return ok()


@blueprint.get("/room.join")
def join_room() -> Response:
    rt, user = auth.runtime_and_user()
    auth.require_permission("view-l-room")
    params = _livechat.checked(request.args.to_dict(), {"roomId": str})
    try:
        livechat_rooms.join(rt, user, params["roomId"])
    except models.Refused as refusal:
        raise _livechat.refused(refusal) from None
    return ok()


@blueprint.post("/room.saveInfo")
def save_info() -> Response:
    rt, user = auth.runtime_and_user()
    auth.require_permission("view-l-room")
    params = _livechat.checked(inputs.body(), {"roomData": dict, "guestData": dict})
    room_data = _livechat.checked(
        params["roomData"], {"_id": str}, {"topic": str, "tags": list, "livechatData": dict}
    )
    try:
        livechat_rooms.save_room_info(rt, user, room_data, params["guestData"])
    except models.Refused as refusal:
        raise _livechat.refused(refusal) from None
    return ok()


@blueprint.post("/room.forward")
def forward() -> Response:
    rt, user = auth.runtime_and_user()
    auth.require_permission("view-l-room")
    auth.require_permission("transfer-livechat-guest")
    params = _livechat.checked(
        inputs.body(), {"roomId": str}, {"userId": str, "departmentId": str, "comment": str}
    )
    try:
        forwarded = livechat_rooms.forward(
            rt,
            user,
            params["roomId"],
            user_id=params.get("userId"),
            department_id=params.get("departmentId"),
            comment=params.get("comment") or "",
        )
    except models.Refused as refusal:
        raise _livechat.refused(refusal) from None
    if not forwarded:
        raise errors.bare_failure()
    return ok()


@blueprint.get("/transfer.history/<rid>")
def transfer_history(rid: str) -> Response:
    rt, _user = auth.runtime_and_user()
    auth.require_permission("view-livechat-rooms")
    room = rt.store.get("rooms", rid)
    if room is None or room["t"] != "l":
        raise errors.plain(errors.INVALID_ROOM)
    found = livechat_rooms.transfer_history(rt, rid)
    return page(rt, "history", [m["transferData"] for m in found], wire.rest_dates, {"ts": 1})


@blueprint.post("/room.survey")
def survey() -> Response:
    rt = runtime()
    params = _livechat.checked(inputs.body(), {"rid": str, "token": str, "data": list})
    _livechat.visitor(rt, params["token"])
    room = _livechat.visitor_room(rt, params["token"], params["rid"])
    items = [d for d in params["data"] if isinstance(d, dict)]
    try:
        saved = livechat_rooms.save_survey(rt, room, items)
    except models.Refused as refusal:
        raise _livechat.refused(refusal) from None
    return ok(rid=room["_id"], data=saved)


@blueprint.post("/visitor/department.transfer")
def visitor_department_transfer() -> Response:
    rt = runtime()
    params = _livechat.checked(inputs.body(), {"rid": str, "token": str, "department": str})
    visitor = _livechat.visitor(rt, params["token"])
    room = _livechat.visitor_room(rt, params["token"], params["rid"])
    by = {"_id": visitor["_id"], "username": visitor["username"], "name": visitor.get("name")}
    try:
        moved = livechat_rooms.forward_as_visitor(rt, by, room, params["department"])
    except models.Refused as refusal:
        raise _livechat.refused(refusal) from None
    if not moved:
        raise errors.bare_failure()
    return ok()


def _room_filter(args: dict, room: Doc) -> bool:
    agents = request.args.getlist("agents[]") or request.args.getlist("agents")
    if agents and (room.get("servedBy") or {}).get("_id") not in agents:
        return False
    name = args.get("roomName")
    if name and name.lower() not in (room.get("fname") or "").lower():
        return False
    if args.get("departmentId") and room.get("departmentId") != args["departmentId"]:
        return False
    if args.get("open") is not None and bool(room.get("open")) != (args["open"] == "true"):
        return False
    if args.get("onhold") == "true" and not room.get("onHold"):
        return False
    if args.get("queued") == "true" and (room.get("servedBy") or not room.get("open")):
        return False
    tags = request.args.getlist("tags[]") or request.args.getlist("tags")
    if tags and not set(tags) & set(room.get("tags") or []):
        return False
    for field, key in (("createdAt", "ts"), ("closedAt", "closedAt")):
        if args.get(field):
            window = _livechat.json_object(args[field])
            start, end = parse_date(window.get("start")), parse_date(window.get("end"))
            value = room.get(key)
            if (
                value is None
                or (start is not None and value < start)
                or (end is not None and value > end)
            ):
                return False
    return True


@blueprint.get("/rooms")
def list_rooms() -> Response:
    rt, _user = auth.runtime_and_user()
    auth.require_permission("view-livechat-rooms")
    args = request.args.to_dict()
    found = [r for r in livechat_rooms.livechat_rooms(rt) if _room_filter(args, r)]
    return page(rt, "rooms", found, wire.room, {"ts": -1})


@blueprint.get("/rooms/filters")
def room_filters() -> Response:
    rt, _user = auth.runtime_and_user()
    auth.require_permission("view-l-room")
    # ``OmnichannelSourceType``s of the rooms, one entry per distinct source
    seen: dict[str, Doc] = {}
    for room in livechat_rooms.livechat_rooms(rt):
        source = room.get("source") or {}
        seen.setdefault(source.get("type", ""), source)
    return ok(filters=list(seen.values()))


@blueprint.post("/rooms.delete")
def delete_room() -> Response:
    rt, _ = auth.runtime_and_user()
    auth.require_permission("remove-closed-livechat-room")
    params = _livechat.checked(inputs.body(), {"roomId": str})
    try:
        livechat_rooms.delete_closed_room(rt, params["roomId"])
    except models.Refused as refusal:
        # ``API.v1.failure(error.reason)``: a Meteor error without a reason gives a bare failure
        raise (errors.plain(refusal.reason) if refusal.reason else errors.bare_failure()) from None
    return ok()


@blueprint.post("/rooms.removeAllClosedRooms")
def remove_all_closed_rooms() -> Response:
    rt, _user = auth.runtime_and_user()
    auth.require_permission("remove-closed-livechat-rooms")
    params = _livechat.checked(inputs.body(), {}, {"departmentIds": list})
    removed = livechat_rooms.remove_all_closed_rooms(rt, params.get("departmentIds"))
    return ok(removedRooms=removed)


@blueprint.get("/queue")
def queue() -> Response:
    rt, _ = auth.runtime_and_user()
    auth.require_permission("view-l-room")
    args = request.args
    rows = livechat_rooms.queue_metrics(
        rt,
        args.get("departmentId") or None,
        args.get("agentId") or None,
        args.get("includeOfflineAgents") == "true",
    )
    return page(rt, "queue", rows, lambda r: r, {"chats": -1})


@blueprint.get("/agent.info/<rid>/<token>")
def agent_info(rid: str, token: str) -> Response:
    rt = runtime()
    _livechat.visitor(rt, token)
    room = _livechat.visitor_room(rt, token, rid)
    agent = livechat.agent_info(rt, (room.get("servedBy") or {}).get("_id"))
    if agent is None:
        raise errors.plain(errors.BARE_INVALID_AGENT)
    return ok(agent=agent)


@blueprint.get("/agent.next/<token>")
def agent_next(token: str) -> Response:
    rt = runtime()
    if livechat_rooms.open_room_of(rt, token) is not None:
        return ok()
    agent = livechat.peek_next_agent(rt, request.args.get("department"))
    if agent is None:
        raise errors.plain(errors.AGENT_NOT_FOUND)
    return ok(agent=livechat.agent_info(rt, agent["_id"]))
