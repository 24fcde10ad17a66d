"""Public channels: ``channels.*`` (``v1/channels.ts``); the routes shared with ``groups.*`` live
in ``_room_family``."""

from __future__ import annotations

from flask import Blueprint, Response

from ...core.runtime import runtime
from .. import auth, errors, inputs, models, wire
from ._room_family import Family, find_room, register_family, save_settings
from ._rooms_common import ok, page, params, text_param

blueprint = Blueprint("rc_channels", __name__, url_prefix="/api/v1")

FAMILY = Family(
    prefix="channels",
    room_type="c",
    one="channel",
    many="channels",
    noun="channel",
    not_found=errors.CHANNEL_NOT_FOUND,
    param_error=errors.ROOMID_PARAM_NOT_PROVIDED,
)
register_family(blueprint, FAMILY)


@blueprint.get("/channels.list")
def channels_list() -> Response:
    """Every public channel (``view-c-room``), or the joined ones (``view-joined-room``); team
    channels only for their members."""
    rt, user = auth.runtime_and_user()
    joined = {s["rid"] for s in rt.store.find("subscriptions", "user", user["_id"])}
    if models.has_permission(rt, user, "view-c-room"):
        rooms = rt.store.find("rooms", "t", "c")
    elif models.has_permission(rt, user, "view-joined-room"):
        rooms = [r for r in (rt.store.get("rooms", rid) for rid in joined) if r and r["t"] == "c"]
    else:
        raise errors.unauthorized_result()
    rooms = [r for r in rooms if not r.get("teamId") or r["_id"] in joined]
    return page(rt, "channels", rooms, wire.room, {"name": 1})


@blueprint.get("/channels.list.joined")
def channels_list_joined() -> Response:
    rt, user = auth.runtime_and_user()
    rooms = [
        rt.store.get("rooms", s["rid"])
        for s in rt.store.find("subscriptions", "user", user["_id"])
        if s["t"] == "c"
    ]
    return page(rt, "channels", [r for r in rooms if r], wire.room, {"name": 1})


@blueprint.post("/channels.join")
def channels_join() -> Response:
    rt, user = auth.runtime_and_user()
    args = inputs.body()
    room = find_room(rt, FAMILY, user, args)
    try:
        models.join_room(rt, room, user, args.get("joinCode"))
    except models.Refused as refused:
        raise errors.refused(refused) from None
    return ok(channel=wire.room(rt.store.get("rooms", room["_id"])))


@blueprint.post("/channels.setDefault")
def channels_set_default() -> Response:
    rt, user = auth.runtime_and_user()
    args = inputs.body()
    # (sic: upstream swapped the two errorTypes)
    if args.get("default") is None:
        raise errors.failure(
            'The bodyParam "default" is required', errors.CHANNELS_SETDEFAULT_IS_SAME
        )
    room = find_room(rt, FAMILY, user, args)
    if room.get("default") == args["default"]:
        raise errors.failure(
            "The channel default setting is the same as what it would be changed to.",
            errors.CHANNELS_SETDEFAULT_MISSING_DEFAULT_PARAM,
        )
    value = str(args["default"]).lower() in ("true", "1")
    save_settings(rt, user, room, {"default": value})
    return ok(channel=wire.room(rt.store.get("rooms", room["_id"])))


@blueprint.post("/channels.setJoinCode")
def channels_set_join_code() -> Response:
    rt, user = auth.runtime_and_user()
    args = inputs.body()
    code = args.get("joinCode")
    if not isinstance(code, str) or not code.strip():
        raise errors.plain('The bodyParam "joinCode" is required')
    room = find_room(rt, FAMILY, user, args)
    save_settings(rt, user, room, {"joinCode": code})
    return ok(channel=wire.room(rt.store.get("rooms", room["_id"])))


@blueprint.get("/channels.anonymousread")
def channels_anonymous_read() -> Response:
    """Needs no login; refused while ``Accounts_AllowAnonymousRead`` is off (checked after the
    room is found, as upstream)."""
    rt = runtime()
    room = find_room(rt, FAMILY, {}, params(), checked_archived=False)
    if not models.setting(rt, "Accounts_AllowAnonymousRead"):
        raise errors.not_allowed("channels.anonymousread", 'Enable "Allow Anonymous Read"')
    found = rt.store.find("messages", "rid", room["_id"])
    return page(rt, "messages", found, wire.message, {"ts": -1})


@blueprint.get("/channels.getAllUserMentionsByChannel")
def channels_user_mentions() -> Response:
    rt, user = auth.runtime_and_user()
    room_id = text_param(params().get("roomId"))
    if room_id is None:
        raise errors.invalid_params("must have required property 'roomId'")
    try:
        found = models.user_mentions(rt, user, room_id)
    except models.Refused as refused:
        raise errors.refused(refused) from None
    return page(rt, "mentions", found, wire.message, {"ts": 1})
