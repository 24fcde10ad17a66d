"""The ``livechat:*`` DDP methods widgets and agents call most (``app/livechat/server/methods``):
``livechat:registerGuest``, ``sendMessageLivechat``, ``livechat:closeRoom`` and
``livechat:takeInquiry``. Each runs the domain operation its REST twin runs; over
``method.call``/``method.callAnon`` too."""

from __future__ import annotations

from typing import Any

from ...core import realtime
from .. import errors, models, wire
from ..errors import DdpError
from ..models import livechat, livechat_messages, livechat_rooms
from .protocol import DdpSession, refused
from .registry import UNDEFINED, ddp_method

# ``registerGuest``'s projection of the visitor it answers with
_GUEST_FIELDS = ("_id", "token", "name", "username", "visitorEmails", "department")


def _optional_string(value: Any) -> str | None:
    return value if isinstance(value, str) else None


@ddp_method("livechat:registerGuest")
def register_guest(session: DdpSession, conn: realtime.Connection, params: list) -> Any:
    """``livechat:registerGuest({token, name, email, department, customFields})``: no login;
    answers ``{userId, visitor}``."""
    method = "livechat:registerGuest"
    args = params[0] if params and isinstance(params[0], dict) else {}
    token = args.get("token")
    if not token or not isinstance(token, str):
        raise DdpError(errors.INVALID_TOKEN, "Invalid token", {"method": method})
    rt = session.rt
    try:
        visitor = livechat.register_visitor(
            rt,
            token=token,
            name=_optional_string(args.get("name")),
            email=_optional_string(args.get("email")),
            department=_optional_string(args.get("department")),
        )
        livechat_rooms.sync_visitor_rooms(rt, visitor)
        # visitor-scoped values of defined fields, as ``POST livechat/visitor`` keeps them
        # (upstream's method would store undefined keys too)
        known = livechat.visitor_field_ids(rt)
        custom = args.get("customFields")
        values = [
            {"key": f["key"], "value": f["value"], "overwrite": bool(f.get("overwrite"))}
            for f in (custom if isinstance(custom, list) else [])
            if isinstance(f, dict)
            and f.get("scope") != "room"
            and f.get("key") in known
            and isinstance(f.get("value"), str)
        ]
        livechat.set_visitor_custom_fields(rt, token, values)
    except models.Refused as refusal:
        raise refused(refusal) from None
    fresh = rt.store.get("livechat_visitors", visitor["_id"])
    shown = {k: fresh[k] for k in _GUEST_FIELDS if k in fresh}
    return {"userId": fresh["_id"], "visitor": shown}


@ddp_method("sendMessageLivechat")
def send_message_livechat(session: DdpSession, conn: realtime.Connection, params: list) -> Any:
    """``sendMessageLivechat({token, _id, rid, msg}, agent?)``: the visitor's message into its
    room, through the send path ``livechat/message`` uses."""
    message = params[0] if params and isinstance(params[0], dict) else {}
    if not all(isinstance(message.get(k), str) for k in ("token", "_id", "rid", "msg")):
        raise errors.ddp_match_failed()
    rt = session.rt
    visitor = livechat.find_visitor(rt, message["token"])
    if visitor is None:
        raise DdpError(errors.BARE_INVALID_TOKEN)
    room = livechat_rooms.visitor_room(rt, message["token"], message["rid"])
    if room is None:
        raise DdpError(errors.INVALID_ROOM, "Invalid room", {"method": "sendMessageLivechat"})
    try:
        sent = livechat_messages.send_visitor_message(
            rt, visitor, room, message["msg"], message["_id"]
        )
    except models.Refused as refusal:
        raise refused(refusal) from None
    return wire.ejson_dates(wire.message(sent))


@ddp_method("livechat:closeRoom")
def close_room(session: DdpSession, conn: realtime.Connection, params: list) -> Any:
    """``livechat:closeRoom(rid, comment?, options?)``: ``close-livechat-room``, then the room
    (open, ``t: 'l'``), then the caller serves it or may close others'."""
    method = {"method": "livechat:closeRoom"}
    rt = session.rt
    user = session.user()
    if user is None or not models.has_permission(rt, user, "close-livechat-room"):
        raise DdpError(errors.NOT_AUTHORIZED, "Not authorized", method)
    rid = params[0] if params else None
    room = rt.store.get("rooms", rid) if isinstance(rid, str) else None
    if room is None or room["t"] != "l":
        raise DdpError(errors.INVALID_ROOM, "Invalid room", method)
    if not room.get("open"):
        raise DdpError(errors.ROOM_CLOSED, "Room closed", method)
    if models.subscription(rt, rid, user["_id"]) is None and not models.has_permission(
        rt, user, "close-others-livechat-room"
    ):
        raise DdpError(errors.NOT_AUTHORIZED, "Not authorized", method)
    comment = params[1] if len(params) > 1 and isinstance(params[1], str) else ""
    options = params[2] if len(params) > 2 and isinstance(params[2], dict) else {}
    tags = options.get("tags") if isinstance(options.get("tags"), list) else None
    try:
        livechat_rooms.close_room(rt, room, user=user, comment=comment, tags=tags)
    except models.Refused as refusal:
        raise refused(refusal) from None
    return UNDEFINED  # the method resolves to undefined


@ddp_method("livechat:takeInquiry")
def take_inquiry(session: DdpSession, conn: realtime.Connection, params: list) -> Any:
    """``livechat:takeInquiry(inquiryId, options?)``: ``view-l-room``, then ``takeInquiry``."""
    rt = session.rt
    user = session.user()
    if user is None or not models.has_permission(rt, user, "view-l-room"):
        raise DdpError(errors.NOT_ALLOWED, "Not allowed", {"method": "livechat:takeInquiry"})
    try:
        livechat_rooms.take_inquiry(rt, user, params[0] if params else None)
    except models.Refused as refusal:
        raise refused(refusal) from None
    return UNDEFINED  # the method resolves to undefined
