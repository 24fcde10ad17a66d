"""Direct messages: ``im.*`` and its alias ``dm.*`` (``v1/im.ts``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response

from ...core.runtime import Runtime, runtime
from .. import auth, errors, inputs, models, wire
from ._room_family import require_edit
from ._rooms_common import (
    counters,
    files_page,
    history,
    members_page,
    messages_page,
    ok,
    page,
    params,
    text_param,
)

blueprint = Blueprint("rc_im", __name__, url_prefix="/api/v1")

Doc = dict


def _route(action: str, methods: list[str], **options: Any) -> Callable:
    """Mount a handler under both ``im.<action>`` and ``dm.<action>``."""

    def register(handler: Callable[..., Response]) -> Callable[..., Response]:
        for prefix in ("im", "dm"):
            blueprint.add_url_rule(
                f"/{prefix}.{action}",
                endpoint=f"{prefix}_{action.replace('.', '_')}",
                view_func=handler,
                methods=methods,
                **options,
            )
        return handler

    return register


def _find_dm(rt: Runtime, user: Doc, args: Doc) -> tuple[Doc, Doc | None]:
    """``findDirectMessageRoom``: by ``roomId``, or the DM with ``username`` (opened if need be,
    as ``getRoomByNameOrIdWithOptionToJoin`` does)."""
    room_id, username = text_param(args.get("roomId")), text_param(args.get("username"))
    name_or_id = username or room_id
    if name_or_id is None:
        raise errors.meteor_error(errors.ROOM_PARAM_NOT_PROVIDED, errors.DM_PARAM_REQUIRED)
    room = rt.store.get("rooms", name_or_id)
    if room is None:
        other = rt.store.find_one("users", "username", name_or_id.lower())
        if other is None:
            raise errors.meteor_error(errors.BARE_INVALID_CHANNEL)
        room = models.open_direct(rt, [user] if other["_id"] == user["_id"] else [user, other])
    if room["t"] != "d" or not models.can_access_room(rt, room, user):
        raise errors.meteor_error(errors.ROOM_NOT_FOUND, errors.DM_NOT_FOUND)
    return room, models.subscription(rt, room["_id"], user["_id"])


def _require(args: Doc, *keys: str) -> None:
    """The ajv ``oneOf`` answer when none of ``keys`` is given."""
    if any(text_param(args.get(k)) for k in keys):
        return
    if len(keys) == 1:
        raise errors.invalid_params(f"must have required property '{keys[0]}'")
    lines = "\n ".join(f"must have required property '{k}'" for k in keys)
    raise errors.invalid_params(f"{lines}\n must match exactly one schema in oneOf")


def _dm_of_params() -> tuple[Runtime, Doc]:
    """The runtime and the DM a GET names by ``roomId`` or ``username``, for its caller."""
    rt, user = auth.runtime_and_user()
    _require(params(), "roomId", "username")
    room, _ = _find_dm(rt, user, params())
    return rt, room


def _require_room_id(rt: Runtime, user: Doc, args: Doc) -> None:
    """``dm.open``/``dm.close``: ``roomId`` only, and a room the caller can read (else 401)."""
    inputs.required_text(
        args, "roomId", 'Body param "roomId" is required', errors.ROOM_PARAM_NOT_PROVIDED
    )
    room = rt.store.get("rooms", args["roomId"])
    if room is None or not models.can_access_room(rt, room, user):
        raise errors.unauthorized_result()


@_route("create", ["POST"])
def create() -> Response:
    rt, user = auth.runtime_and_user()
    args = inputs.body()
    if text_param(args.get("username")):
        names = [args["username"]]
    elif text_param(args.get("usernames")):
        names = [n.strip() for n in args["usernames"].split(",") if n.strip()]
    else:
        raise errors.invalid_params(
            "must have required property 'usernames'\n must have required property 'username'\n"
            " must match exactly one schema in oneOf"
        )
    exclude_self = str(args.get("excludeSelf", "")).lower() == "true"
    try:
        room = models.create_direct_message(rt, user, names, exclude_self)
    except models.Refused as refused:
        raise errors.refused(refused) from None
    return ok(
        room={"t": "d", "rid": room["_id"], "usernames": room["usernames"], "_id": room["_id"]}
    )


@_route("list", ["GET"])
def im_list() -> Response:
    rt, user = auth.runtime_and_user()
    subs = [s for s in rt.store.find("subscriptions", "user", user["_id"]) if s["t"] == "d"]
    rooms = [r for r in (rt.store.get("rooms", s["rid"]) for s in subs) if r is not None]
    return page(rt, "ims", rooms, wire.room, {"_updatedAt": -1})


@_route("list.everyone", ["GET"])
def im_list_everyone() -> Response:
    rt = runtime()
    auth.require_permission("view-room-administration")
    return page(rt, "ims", rt.store.find("rooms", "t", "d"), wire.room, {"_updatedAt": -1})


@_route("history", ["GET"])
def im_history() -> Response:
    rt, user = auth.runtime_and_user()
    args = params()
    _require(args, "roomId")
    room, _ = _find_dm(rt, user, {"roomId": args["roomId"]})
    return history(rt, room, user, args)


@_route("messages", ["GET"])
def im_messages() -> Response:
    rt, room = _dm_of_params()
    return messages_page(rt, room, params())


@_route("members", ["GET"])
def im_members() -> Response:
    rt, room = _dm_of_params()
    return members_page(rt, room, params())


@_route("counters", ["GET"])
def im_counters() -> Response:
    rt, user = auth.runtime_and_user()
    args = params()
    inputs.required_text(
        args, "roomId", 'Query param "roomId" is required', errors.ROOM_PARAM_NOT_PROVIDED
    )
    room, _ = _find_dm(rt, user, args)
    return counters(rt, room, user, args, errors.forbidden("unauthorized"))


@_route("files", ["GET"])
def im_files() -> Response:
    rt, room = _dm_of_params()
    return files_page(rt, room)


@_route("open", ["POST"], defaults={"opening": True})
@_route("close", ["POST"], defaults={"opening": False})
def set_open(opening: bool) -> Response:
    """``dm.open``/``dm.close``: show or hide the DM for the caller."""
    rt, user = auth.runtime_and_user()
    args = inputs.body()
    _require_room_id(rt, user, args)
    _, sub = _find_dm(rt, user, {"roomId": args["roomId"]})
    if not opening and sub is None:
        raise errors.plain("The user is not subscribed to the room")
    if not opening and not sub.get("open"):
        # DMs have no ``name``: the real text interpolates ``undefined``.
        raise errors.plain("The direct message room, undefined, is already closed to the sender")
    if sub is not None and bool(sub.get("open")) != opening:  # opening an open DM is no error
        models.update_subscription(rt, sub, {"open": opening})
    return ok()


@_route("delete", ["POST"])
def im_delete() -> Response:
    rt, user = auth.runtime_and_user()
    args = inputs.body()
    _require(args, "roomId", "username")
    room_id = text_param(args.get("roomId"))
    admin = models.has_permission(rt, user, "view-room-administration")
    room = rt.store.get("rooms", room_id) if room_id else None
    if room is None or room["t"] != "d" or not admin:
        room, _ = _find_dm(rt, user, args)
    if not models.has_permission(rt, user, "delete-d", room["_id"]):
        raise errors.not_allowed("eraseRoom")
    models.delete_room(rt, room)
    return ok()


@_route("setTopic", ["POST"])
def set_topic() -> Response:
    """``saveRoomSettings(roomTopic)`` on a DM: ``edit-room`` in it, which DM members hold only
    as admins (a DM subscription has no owner role)."""
    rt, user = auth.runtime_and_user()
    args = inputs.body()
    room_id = inputs.required_text(
        args, "roomId", 'Body param "roomId" is required', errors.ROOM_PARAM_NOT_PROVIDED
    )
    room = rt.store.get("rooms", room_id)
    if room is None or not models.can_access_room(rt, room, user):
        raise errors.forbidden("unauthorized")
    room, _ = _find_dm(rt, user, {"roomId": room_id})
    require_edit(rt, user, room)
    topic = args.get("topic")
    if isinstance(topic, str):
        models.save_room_topic(rt, room, user, topic)
    return ok(**({"topic": topic} if topic is not None else {}))


@_route("blockUser", ["POST"])
def block_user() -> Response:
    rt, user = auth.runtime_and_user()
    args = inputs.body()
    if not isinstance(args.get("roomId"), str):
        raise errors.invalid_params("must have required property 'roomId'")
    if not isinstance(args.get("block"), bool):
        raise errors.invalid_params("must have required property 'block'")
    try:
        models.set_blocked(rt, rt.store.get("rooms", args["roomId"]), user, args["block"])
    except models.Refused as refused:
        if refused.reason is None:  # ``Meteor.Error('invalid-channel')``: "[invalid-channel]"
            raise errors.meteor_error(refused.code) from None
        raise errors.refused(refused) from None
    return ok()


@_route("messages.others", ["GET"])
def messages_others() -> Response:
    """Any DM's messages, for room administrators, while the endpoint is enabled."""
    rt, user = auth.runtime_and_user()
    if not models.has_permission(rt, user, "view-room-administration"):
        raise errors.forbidden()
    if models.setting(rt, "API_Enable_Direct_Message_History_EndPoint") is not True:
        raise errors.meteor_error(
            errors.ENDPOINT_DISABLED,
            "This endpoint is disabled",
            {"route": "/api/v1/im.messages.others"},
        )
    room_id = text_param(params().get("roomId"))
    if room_id is None:
        raise errors.meteor_error(
            errors.ROOMID_PARAM_NOT_PROVIDED, 'The parameter "roomId" is required'
        )
    room = rt.store.get("rooms", room_id)
    if room is None or room["t"] != "d":
        raise errors.meteor_error(
            errors.ROOM_NOT_FOUND, f"No direct message room found by the id of: {room_id}"
        )
    found = rt.store.find("messages", "rid", room_id)
    return page(rt, "messages", found, wire.message, {"ts": -1})
