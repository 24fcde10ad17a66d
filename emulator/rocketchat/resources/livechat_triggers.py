"""Livechat triggers (``app/livechat/imports/server/rest/triggers.ts``), for managers
(``view-livechat-manager``). ``triggers/external-service/test`` is enterprise (licensed.py)."""

from __future__ import annotations

from flask import Blueprint, Response, request

from .. import inputs
from ..models import livechat_triggers as triggers
from ._livechat_admin import caller, legacy_params, ok, page

blueprint = Blueprint("rc_livechat_triggers", __name__, url_prefix="/api/v1/livechat")

MANAGER = "view-livechat-manager"
LIST_QUERY = {
    "type": "object",
    "properties": {
        "count": {"type": "number", "nullable": True},
        "offset": {"type": "number", "nullable": True},
        "sort": {"type": "string", "nullable": True},
    },
    "additionalProperties": False,
}
_SENDER = {"type": "string", "enum": ["queue", "custom"]}
_NAME = {"type": "string", "nullable": True}
SAVE_BODY = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "description": {"type": "string"},
        "enabled": {"type": "boolean"},
        "runOnce": {"type": "boolean"},
        "conditions": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "name": {
                        "type": "string",
                        "enum": [
                            "time-on-site",
                            "page-url",
                            "chat-opened-by-visitor",
                            "after-guest-registration",
                        ],
                    },
                    "value": {"type": "string", "nullable": True},
                },
                "required": ["name", "value"],
                "additionalProperties": False,
            },
            "minItems": 1,
        },
        "actions": {
            "type": "array",
            "items": {
                "oneOf": [
                    {
                        "type": "object",
                        "properties": {
                            "name": {"type": "string", "enum": ["send-message"]},
                            "params": {
                                "type": "object",
                                "nullable": True,
                                "properties": {
                                    "sender": _SENDER,
                                    "msg": {"type": "string"},
                                    "name": _NAME,
                                },
                                "required": ["sender", "msg"],
                                "additionalProperties": False,
                            },
                        },
                        "required": ["name"],
                        "additionalProperties": False,
                    },
                    {
                        "type": "object",
                        "properties": {
                            "name": {"type": "string", "enum": ["use-external-service"]},
                            "params": {
                                "type": "object",
                                "nullable": True,
                                "properties": {
                                    "sender": _SENDER,
                                    "name": _NAME,
                                    "serviceUrl": {"type": "string"},
                                    "serviceTimeout": {"type": "number"},
                                    "serviceFallbackMessage": {"type": "string"},
                                },
                                "required": [
                                    "serviceUrl",
                                    "serviceTimeout",
                                    "serviceFallbackMessage",
                                ],
                                "additionalProperties": False,
                            },
                        },
                        "required": ["name"],
                        "additionalProperties": False,
                    },
                ]
            },
            "minItems": 1,
        },
        "_id": {"type": "string", "nullable": True},
    },
    "required": ["name", "description", "enabled", "runOnce", "conditions", "actions"],
    "additionalProperties": False,
}


@blueprint.get("/triggers")
def list_triggers() -> Response:
    rt, _user = caller(MANAGER)
    legacy_params(LIST_QUERY, request.args.to_dict())
    return page(rt, rt.store.all("livechat_triggers"), {"name": 1}, "triggers")


@blueprint.post("/triggers")
def save_trigger() -> Response:
    rt, _user = caller(MANAGER)
    params = legacy_params(SAVE_BODY, inputs.body())
    triggers.save_trigger(rt, params.get("_id"), params)
    return ok()


@blueprint.get("/triggers/<trigger_id>")
def get_trigger(trigger_id: str) -> Response:
    rt, _user = caller(MANAGER)
    return ok(trigger=rt.store.get("livechat_triggers", trigger_id))


@blueprint.delete("/triggers/<trigger_id>")
def delete_trigger(trigger_id: str) -> Response:
    rt, _user = caller(MANAGER)
    triggers.delete_trigger(rt, trigger_id)
    return ok()
