"""The caller's subscriptions: ``subscriptions.*`` (``v1/subscriptions.ts``)."""

from __future__ import annotations

from flask import Blueprint, Response

from .. import auth, errors, inputs, models, wire
from ._rooms_common import ok, params, text_param, updated_since

blueprint = Blueprint("rc_subscriptions", __name__, url_prefix="/api/v1")


@blueprint.get("/subscriptions.get")
def subscriptions_get() -> Response:
    rt, user = auth.runtime_and_user()
    subs = rt.store.find("subscriptions", "user", user["_id"])
    since = updated_since(
        params().get("updatedSince"),
        errors.ROOM_ID_PARAM_INVALID,
        'The "lastUpdate" query parameter must be a valid date.',
    )
    if since is None:
        return ok(update=[wire.subscription(s) for s in subs], remove=[])
    removed = [
        t for t in rt.store.find("trash", "sub_user", user["_id"]) if t["_deletedAt"] > since
    ]
    return ok(
        update=[wire.subscription(s) for s in subs if s["_updatedAt"] > since],
        remove=[wire.trashed(t) for t in removed],
    )


@blueprint.get("/subscriptions.getOne")
def subscriptions_get_one() -> Response:
    rt, user = auth.runtime_and_user()
    room_id = inputs.required_text(params(), "roomId", "The 'roomId' param is required")
    sub = models.subscription(rt, room_id, user["_id"])
    return ok(subscription=wire.subscription(sub) if sub else None)


@blueprint.post("/subscriptions.read")
def subscriptions_read() -> Response:
    rt, user = auth.runtime_and_user()
    args = inputs.body()
    room_id = text_param(args.get("rid")) or text_param(args.get("roomId"))
    if room_id is None:
        raise errors.invalid_params(
            "must have required property 'rid'\n must have required property 'roomId'\n"
            " must match a schema in anyOf"
        )
    sub = models.subscription(rt, room_id, user["_id"])
    if sub is None:
        raise errors.meteor_error(
            errors.INVALID_SUBSCRIPTION, "Invalid subscription", {"method": "readMessages"}
        )
    models.read_room(rt, sub)
    return ok()


@blueprint.post("/subscriptions.unread")
def subscriptions_unread() -> Response:
    rt, user = auth.runtime_and_user()
    args = inputs.body()
    first = args.get("firstUnreadMessage")
    room_id = text_param(args.get("roomId"))
    if room_id is None and not (isinstance(first, dict) and text_param(first.get("_id"))):
        raise errors.invalid_params(
            "must have required property 'roomId'\n must have required property "
            "'firstUnreadMessage'\n must match a schema in anyOf"
        )
    changes: dict = {"alert": True, "open": True}
    if room_id is None:
        message = rt.store.get("messages", first["_id"])
        if message is None:
            raise errors.meteor_error(
                errors.INVALID_MESSAGE, "Invalid message", {"method": "unreadMessages"}
            )
        room_id = message["rid"]
        changes["ls"] = message["ts"] - 1
    sub = models.subscription(rt, room_id, user["_id"])
    if sub is None:
        raise errors.meteor_error(
            errors.ACTION_NOT_ALLOWED, "Not allowed", {"method": "unreadMessages"}
        )
    models.update_subscription(rt, sub, changes)
    return ok()
