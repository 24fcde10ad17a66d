"""``push.token`` (POST registers, DELETE removes; ``v1/push.ts``, typed routes)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, g, jsonify, request

from ...core.runtime import Runtime, runtime
from .. import auth, errors, inputs, models, wire
from ..models import push_tokens

blueprint = Blueprint("rc_push", __name__, url_prefix="/api/v1")

Doc = dict[str, Any]
RESULT_FIELDS = (
    "_id",
    "token",
    "appName",
    "userId",
    "enabled",
    "createdAt",
    "_updatedAt",
    "voipToken",
)


def _invalid(message: str) -> errors.RocketError:
    return errors.failure(message, errors.INVALID_PARAMS)


def _validated(params: Doc, required: tuple[str, ...], optional: tuple[str, ...]) -> Doc:
    """ajv: required, no other property, strings (``minLength: 1`` for the required ones)."""
    for name in required:
        if name not in params:
            raise _invalid(f"must have required property '{name}'")
    if set(params) - set(required) - set(optional):
        raise _invalid("must NOT have additional properties")
    for name, value in params.items():
        if value is None and name in optional:
            continue
        if not isinstance(value, str):
            raise _invalid("must be string")
        if name in required and not value:
            raise _invalid("must NOT have fewer than 1 characters")
    return params


@blueprint.post("/push.token")
def register() -> Response:
    rt, user = auth.runtime_and_user()
    params = _validated(inputs.body(), ("type", "value", "appName"), ("id", "voipToken"))
    if params["type"] not in ("apn", "gcm"):
        raise _invalid("must be equal to one of the allowed values")
    if params.get("voipToken") and not params.get("id"):
        raise errors.plain(errors.VOIP_TOKENS_MUST_SPECIFY_DEVICE_ID)
    doc = push_tokens.register_push_token(
        rt,
        user,
        g.auth_token,
        {params["type"]: params["value"]},
        params["appName"],
        params.get("id"),
        params.get("voipToken"),
    )
    result = {k: doc[k] for k in RESULT_FIELDS if k in doc}
    return jsonify({"result": wire.rest_dates(result), "success": True})


@blueprint.delete("/push.token")
def remove() -> Response:
    rt, user = auth.runtime_and_user()
    params = _validated(inputs.body(), ("token",), ())
    if push_tokens.remove_push_tokens(rt, user, params["token"]) == 0:
        raise errors.not_found()
    return jsonify({"success": True})


@blueprint.get("/push.info")
def info() -> Response:
    """Whether push is on and uses the default gateway (defaults when the settings are absent)."""
    rt, _user = auth.runtime_and_user()
    gateway = rt.store.get("settings", "Push_gateway")
    enabled = models.setting(rt, "Push_enable")
    default = gateway is None or gateway["value"] == gateway.get("packageValue")
    return jsonify(
        {
            "pushGatewayEnabled": True if enabled is None else enabled,
            "defaultPushGateway": default,
            "success": True,
        }
    )


def _notification_id(rt: Runtime, rid: str) -> int:
    """``PushNotification.getNotificationId``: a 32-bit string hash of ``uniqueID|rid``."""
    value = 0
    for char in reversed(f"{models.unique_id(rt)}|{rid}"):
        value = ((value << 5) - value + ord(char)) & 0xFFFFFFFF
    return value - (1 << 32) if value & 0x80000000 else value


@blueprint.get("/push.get")
def get_notification() -> Response:
    """``getNotificationForMessageId``: the push a mobile client would have been sent for a
    message, with the default push settings (room and sender shown, message shown)."""
    rt, user = auth.runtime_and_user()
    message_id = request.args.get("id")
    if message_id is None:
        raise errors.plain("Match error: Missing key 'id'")
    message = rt.store.get("messages", message_id)
    if message is None:
        raise errors.plain(errors.MISSING_MESSAGE)
    room = rt.store.get("rooms", message["rid"])
    if room is None:
        raise errors.plain(errors.ROOM_NOT_FOUND)
    if not models.can_access_room(rt, room, user):
        raise errors.plain(errors.NOT_ALLOWED)
    sender = rt.store.get("users", message["u"]["_id"]) or message["u"]
    username = sender.get("username", "")
    group = room["t"] in ("c", "p")
    room_name = f"#{room.get('fname') or room.get('name')}" if group else ""
    badge = sum(s.get("unread", 0) for s in rt.store.find("subscriptions", "user", user["_id"]))
    reply = not room.get("ro") and username not in room.get("muted", [])
    payload = {
        "sender": message["u"],
        "senderName": username,
        "type": room["t"],
        "name": room.get("name", ""),
        "messageType": message.get("t"),
        "tmid": message.get("tmid"),
    }
    notification = {
        "from": "push",
        "badge": badge,
        "sound": "default",
        "priority": 10,
        "title": room_name or username,
        "text": f"{username}: {message.get('msg', '')}" if room_name else message.get("msg", ""),
        "payload": {
            "host": models.setting(rt, "Site_Url").rstrip("/") + "/",
            "messageId": message["_id"],
            "notificationType": "message",
            "rid": message["rid"],
            **{k: v for k, v in payload.items() if v is not None},
        },
        "userId": message["u"]["_id"],
        "notId": _notification_id(rt, message["rid"]),
        "gcm": {
            "style": "inbox",
            "image": models.setting(rt, "Site_Url").rstrip("/")
            + "/images/logo/android-chrome-192x192.png",
        },
        "apn": {"category": "MESSAGE" if reply else "MESSAGE_NOREPLY"},
    }
    return jsonify(
        {"data": {"message": wire.message(message), "notification": notification}, "success": True}
    )


@blueprint.post("/push.test")
def test_push() -> Response:
    """A test push to the caller's devices. It is handed to the push gateway, which the
    emulator never contacts (a workspace without cloud registration would be refused there,
    after this answer): the answer counts the devices."""
    params = inputs.body()
    if params:
        raise _invalid("must NOT have additional properties")
    rt = runtime()
    user = auth.require_permission("test-push-notifications")
    where = {"method": "push_test"}
    if models.setting(rt, "Push_enable") is not True:
        raise errors.meteor_error(errors.PUSH_DISABLED, "Push is disabled", where)
    count = sum(1 for d in rt.store.all("push_tokens") if d["userId"] == user["_id"])
    if count == 0:
        raise errors.meteor_error(
            errors.NO_TOKENS_FOR_THIS_USER, "There are no tokens for this user", where
        )
    return jsonify({"tokensCount": count, "success": True})
