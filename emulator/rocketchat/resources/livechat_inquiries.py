"""Omnichannel inquiries (``imports/server/rest/inquiries.ts``): the queue agents take chats
from under manual selection."""

from __future__ import annotations

from flask import Blueprint, Response, request

from .. import auth, errors, inputs, models, wire
from ..models import livechat_rooms
from . import _livechat
from ._rooms_common import ok, page

blueprint = Blueprint("rc_livechat_inquiries", __name__, url_prefix="/api/v1/livechat")
LIST_FIELDS = ("_id", "rid", "name", "ts", "status", "department")


@blueprint.get("/inquiries.list")
def list_inquiries() -> Response:
    rt, _ = auth.runtime_and_user()
    auth.require_permission("view-livechat-manager")
    found = livechat_rooms.queued_inquiries(rt, None, request.args.get("department"))
    return page(
        rt,
        "inquiries",
        found,
        lambda i: wire.rest_dates({k: i[k] for k in LIST_FIELDS if k in i}),
        {"ts": -1},
    )


@blueprint.post("/inquiries.take")
def take_inquiry() -> Response:
    rt, user = auth.runtime_and_user()
    auth.require_permission("view-l-room")
    params = _livechat.checked(inputs.body(), {"inquiryId": str}, {"userId": str})
    if params.get("userId"):
        user = rt.store.get("users", params["userId"])
        if user is None:
            raise errors.plain("The user is invalid")
    try:
        livechat_rooms.take_inquiry(rt, user, params["inquiryId"])
    except models.Refused as refusal:
        raise _livechat.refused(refusal) from None
    return ok()


@blueprint.get("/inquiries.queuedForUser")
def queued_for_user() -> Response:
    rt, user = auth.runtime_and_user()
    auth.require_permission("view-l-room")
    found = livechat_rooms.queued_inquiries(rt, user, request.args.get("department"))
    return page(rt, "inquiries", found, wire.rest_dates, {"ts": -1})


@blueprint.get("/inquiries.getOne")
def get_one() -> Response:
    rt, _ = auth.runtime_and_user()
    auth.require_permission("view-l-room")
    params = _livechat.checked(request.args.to_dict(), {"roomId": str})
    inquiry = livechat_rooms.inquiry_of_room(rt, params["roomId"])
    return ok(inquiry=wire.rest_dates(inquiry) if inquiry else None)


@blueprint.post("/inquiries.returnAsInquiry")
def return_as_inquiry() -> Response:
    rt, user = auth.runtime_and_user()
    auth.require_permission("view-l-room")
    params = _livechat.checked(inputs.body(), {"roomId": str}, {"departmentId": str})
    room = rt.store.get("rooms", params["roomId"])
    if room is None or room["t"] != "l":
        raise errors.plain(errors.ROOM_NOT_FOUND)
    try:
        returned = livechat_rooms.return_as_inquiry(rt, user, room, params.get("departmentId"))
    except models.Refused as refusal:
        # the route answers a Meteor error by its code alone
        raise errors.plain(refusal.code) from None
    return ok(result=returned)
