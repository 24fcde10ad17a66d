"""Omnichannel business hours on a Community server (``imports/server/rest/businessHours.ts``):
the default business hour only. ``livechat/business-hours`` (the list) is enterprise
(``licensed.py``). The save and remove routes require a login and no permission, upstream."""

from __future__ import annotations

from flask import Blueprint, Response, request

from .. import auth, errors, models
from ..models import livechat_business_hours as business_hours
from ._livechat_admin import body_params, caller, legacy_params, ok

blueprint = Blueprint("rc_livechat_business_hours", __name__, url_prefix="/api/v1/livechat")

GET_QUERY = {
    "type": "object",
    "properties": {
        "_id": {"type": "string", "nullable": True},
        "type": {"type": "string", "nullable": True},
    },
    "additionalProperties": False,
}
_TIME = {
    "type": "object",
    "properties": {"time": {"type": "string"}},
    "required": ["time"],
    "additionalProperties": False,
}
SAVE_BODY = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "timezoneName": {"type": "string"},
        "daysOpen": {"type": "array", "items": {"type": "string"}},
        "daysTime": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "day": {"type": "string"},
                    "start": _TIME,
                    "finish": _TIME,
                    "open": {"type": "boolean"},
                },
                "required": ["day", "start", "finish", "open"],
                "additionalProperties": False,
            },
            "minItems": 1,
        },
        "departmentsToApplyBusinessHour": {"type": "string"},
        "active": {"type": "boolean"},
        "_id": {"type": "string", "nullable": True},
        "type": {"type": "string"},
        "timezone": {"type": "string"},
        "workHours": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "day": {"type": "string"},
                    "start": {"type": "string"},
                    "finish": {"type": "string"},
                    "open": {"type": "boolean"},
                },
                "required": ["day", "start", "finish", "open"],
                "additionalProperties": False,
            },
            "minItems": 1,
        },
    },
    "required": [
        "name",
        "timezoneName",
        "daysOpen",
        "departmentsToApplyBusinessHour",
        "active",
        "type",
        "workHours",
    ],
    "additionalProperties": False,
}
REMOVE_BODY = {
    "type": "object",
    "properties": {"_id": {"type": "string"}, "type": {"type": "string"}},
    "required": ["_id", "type"],
    "additionalProperties": False,
}


@blueprint.get("/business-hour")
def get_business_hour() -> Response:
    rt, _user = caller("view-livechat-business-hours")
    legacy_params(GET_QUERY, request.args.to_dict())
    return ok(businessHour=business_hours.business_hour(rt, request.args.get("type")))


@blueprint.post("/business-hours.save")
def save() -> Response:
    rt, _user = auth.runtime_and_user()
    params = body_params(SAVE_BODY)
    try:
        business_hours.save_business_hour(rt, params)
    except models.Refused as refused:
        raise errors.plain(refused.code) from None
    return ok()


@blueprint.post("/business-hours.remove")
def remove() -> Response:
    auth.runtime_and_user()
    params = body_params(REMOVE_BODY)
    try:
        business_hours.remove_business_hour(params["type"])
    except models.Refused as refused:
        raise errors.plain(refused.code) from None
    return ok()
