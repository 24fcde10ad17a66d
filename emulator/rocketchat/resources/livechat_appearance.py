"""The widget's appearance and the omnichannel webhook (``imports/server/rest/appearance.ts``,
``integrations.ts``; ``server/api/v1/integration.ts``, ``webhooks.ts``) and the routing
method's configuration (``config.ts``'s ``livechat/config/routing``)."""

from __future__ import annotations

from flask import Blueprint, Response, request

from ...core import jsonbounds
from .. import auth, errors, inputs, models, wire
from ..models import livechat_settings
from ._livechat_admin import caller, legacy_params, ok

blueprint = Blueprint("rc_livechat_appearance", __name__, url_prefix="/api/v1")

MANAGER = "view-livechat-manager"
APPEARANCE_BODY = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {
            "_id": {"type": "string"},
            "value": {"type": ["string", "boolean", "number", "array"]},
        },
        "required": ["_id", "value"],
        "additionalProperties": False,
    },
    "minItems": 1,
}
INTEGRATIONS_BODY = {
    "type": "object",
    "properties": {
        "LivechatWebhookUrl": {"type": "string"},
        "LivechatSecretToken": {"type": "string"},
        "LivechatHttpTimeout": {"type": "number"},
        **{
            key: {"type": "boolean"}
            for key, (_setting, kind) in livechat_settings.INTEGRATION_PARAMS.items()
            if kind == "boolean"
        },
    },
    "required": [],
    "additionalProperties": False,
}


def _body_any() -> object:
    """The body as JSON of any shape (the appearance is an array)."""
    if request.data:
        deep = jsonbounds.too_deep(request.get_data())
        parsed = None if deep else request.get_json(silent=True, force=True)
        if parsed is None:
            raise errors.failure("Invalid JSON body", errors.INVALID_BODY)
        return parsed
    return inputs.body()


@blueprint.get("/livechat/appearance")
def get_appearance() -> Response:
    rt, _user = caller(MANAGER)
    return ok(appearance=livechat_settings.settings_docs(rt, livechat_settings.APPEARANCE))


@blueprint.post("/livechat/appearance")
def save_appearance() -> Response:
    rt, _user = caller(MANAGER)
    entries = legacy_params(APPEARANCE_BODY, _body_any())
    try:
        livechat_settings.save_appearance(rt, entries)
    except models.Refused as refused:
        raise errors.plain(refused.code) from None
    return ok()


@blueprint.get("/livechat/integrations.settings")
def integration_settings() -> Response:
    rt, _user = caller(MANAGER)
    return ok(settings=livechat_settings.settings_docs(rt, livechat_settings.INTEGRATION))


@blueprint.post("/omnichannel/integrations")
def save_integrations() -> Response:
    rt, _user = caller(MANAGER)
    params = legacy_params(INTEGRATIONS_BODY, inputs.body())
    livechat_settings.save_integration(rt, params)
    return ok()


@blueprint.post("/livechat/webhook.test")
def test_webhook() -> Response:
    rt, _user = caller("view-livechat-webhooks")
    try:
        livechat_settings.test_webhook(rt, wire.iso(rt.clock.now_ms()))
    except models.Refused as refused:
        raise errors.plain(refused.code) from None
    return ok()


@blueprint.get("/livechat/config/routing")
def routing_config() -> Response:
    rt, _user = auth.runtime_and_user()
    config = livechat_settings.routing_config(rt)
    return ok() if config is None else ok(config=config)
