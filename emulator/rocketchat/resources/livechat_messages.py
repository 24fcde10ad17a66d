"""Messages from the visitor's side (``livechat/v1/message.ts``): the widget sends, edits,
deletes and reads its room's messages with its token; they go through the one send path."""

from __future__ import annotations

from flask import Blueprint, Response, request

from ...core.runtime import runtime
from .. import auth, errors, inputs, models, wire
from ..models import livechat, livechat_messages, livechat_rooms
from . import _livechat
from ._rooms_common import ok, page, parse_date

blueprint = Blueprint("rc_livechat_messages", __name__, url_prefix="/api/v1/livechat")


@blueprint.post("/message")
def send_message() -> Response:
    rt = runtime()
    params = _livechat.checked(
        inputs.body(), {"token": str, "rid": str, "msg": str}, {"_id": str, "agent": dict}
    )
    visitor = _livechat.visitor(rt, params["token"])
    room = _livechat.visitor_room(rt, params["token"], params["rid"])
    try:
        message = livechat_messages.send_visitor_message(
            rt, visitor, room, params["msg"], params.get("_id")
        )
    except models.Refused as refusal:
        raise _livechat.refused(refusal) from None
    return ok(message=wire.message(message))


def _visitor_message(rt, token: str, rid: str, message_id: str) -> tuple:
    visitor = _livechat.visitor(rt, token)
    _livechat.visitor_room(rt, token, rid)
    message = rt.store.get("messages", message_id)
    if message is None or message["rid"] != rid:
        raise errors.plain(errors.BARE_INVALID_MESSAGE)
    return visitor, message


@blueprint.get("/message/<message_id>")
def get_message(message_id: str) -> Response:
    rt = runtime()
    params = _livechat.checked(request.args.to_dict(), {"token": str, "rid": str})
    _, message = _visitor_message(rt, params["token"], params["rid"], message_id)
    return ok(message=wire.message(message))


@blueprint.put("/message/<message_id>")
def update_message(message_id: str) -> Response:
    rt = runtime()
    params = _livechat.checked(inputs.body(), {"token": str, "rid": str, "msg": str})
    visitor, message = _visitor_message(rt, params["token"], params["rid"], message_id)
    try:
        fresh = livechat_messages.edit_visitor_message(rt, visitor, message, params["msg"])
    except models.Refused as refusal:
        raise _livechat.refused(refusal) from None
    return ok(message=wire.message(fresh))


@blueprint.delete("/message/<message_id>")
def delete_message(message_id: str) -> Response:
    rt = runtime()
    params = _livechat.checked(inputs.body(), {"token": str, "rid": str})
    visitor, message = _visitor_message(rt, params["token"], params["rid"], message_id)
    try:
        livechat_messages.delete_visitor_message(rt, visitor, message)
    except models.Refused as refusal:
        raise _livechat.refused(refusal) from None
    return ok(message={"_id": message_id, "ts": wire.iso(rt.clock.now_ms())})


def _history(rid: str) -> Response:
    rt = runtime()
    args = request.args
    token = args.get("token")
    if not token:
        raise errors.plain(errors.TOKEN_PARAM_NOT_PROVIDED)
    _livechat.visitor(rt, token)
    room = _livechat.visitor_room(rt, token, rid)
    offset, _, _ = inputs.pagination(rt)
    limit = inputs.js_parse_int(args.get("limit")) if args.get("limit") else 20
    found = livechat_messages.visitor_history(
        rt,
        room,
        ls=parse_date(args.get("ls")),
        end=parse_date(args.get("end")),
        limit=limit or 0,
        offset=offset,
        text=args.get("searchText"),
    )
    return ok(messages=[wire.message(m) for m in found])


@blueprint.get("/messages.history/<rid>")
def messages_history(rid: str) -> Response:
    return _history(rid)


@blueprint.post("/messages")
def send_messages() -> Response:
    """Messages on behalf of a visitor (registered on the way when new), for integrations."""
    rt, _ = auth.runtime_and_user()
    params = _livechat.checked(inputs.body(), {"visitor": dict, "messages": list})
    guest = _livechat.checked(params["visitor"], {"token": str})
    if not params["messages"]:
        raise _livechat.ajv("must NOT have fewer than 1 items")
    texts = [
        _livechat.checked(m if isinstance(m, dict) else {}, {"msg": str})["msg"]
        for m in params["messages"]
    ]
    try:
        visitor = livechat.find_visitor(rt, guest["token"]) or livechat.register_visitor(
            rt,
            token=guest["token"],
            name=guest.get("name") if isinstance(guest.get("name"), str) else None,
            email=guest.get("email") if isinstance(guest.get("email"), str) else None,
        )
        room, _ = livechat_rooms.open_room(rt, visitor, _livechat.source_type())
        sent = [livechat_messages.send_visitor_message(rt, visitor, room, text) for text in texts]
    except models.Refused as refusal:
        raise _livechat.refused(refusal) from None
    return ok(
        messages=[
            {"username": m["u"]["username"], "msg": m["msg"], "ts": wire.iso(m["ts"])} for m in sent
        ]
    )


@blueprint.get("/messages/<rid>")
def room_messages(rid: str) -> Response:
    """An agent's paged view of a livechat room's messages (``livechat/:rid/messages``)."""
    rt, user = auth.runtime_and_user()
    auth.require_permission("view-l-room")
    room = rt.store.get("rooms", rid)
    if room is None or room["t"] != "l" or not livechat_rooms.can_access(rt, room, user):
        raise errors.plain(errors.INVALID_ROOM)
    found = [m for m in rt.store.find("messages", "rid", rid) if not m.get("_hidden")]
    return page(rt, "messages", found, wire.message, {"ts": -1})
