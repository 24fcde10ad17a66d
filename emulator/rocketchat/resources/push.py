"""``push.token`` (POST registers, DELETE removes; ``v1/push.ts``, typed routes)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, g, jsonify

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
