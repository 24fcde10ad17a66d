"""Omnichannel custom-field definitions (``livechat/server/api/v1/customField.ts``): the list
and one field for agents (``view-l-room``), ``custom-fields.save``/``.delete`` for managers."""

from __future__ import annotations

import re

from flask import Blueprint, Response, request

from .. import errors, models
from ..models import livechat_custom_fields as custom_fields
from ._livechat_admin import PAGING_QUERY, body_params, caller, legacy_params, ok, page

blueprint = Blueprint("rc_livechat_custom_fields", __name__, url_prefix="/api/v1/livechat")

LIST_QUERY = {
    "type": "object",
    "properties": {"text": {"type": "string", "nullable": True}, **PAGING_QUERY},
    "additionalProperties": False,
}
_OPTIONAL_STRING = {"type": "string", "nullable": True}
_OPTIONAL_BOOLEAN = {"type": "boolean", "nullable": True}
SAVE_BODY = {
    "type": "object",
    "properties": {
        "customFieldId": _OPTIONAL_STRING,
        "customFieldData": {
            "type": "object",
            "properties": {
                "field": {"type": "string", "pattern": "^[0-9a-zA-Z_-]+$"},
                "label": {"type": "string"},
                "scope": {"type": "string", "enum": ["visitor", "room"]},
                "visibility": {"type": "string"},
                "type": _OPTIONAL_STRING,
                "regexp": _OPTIONAL_STRING,
                "required": _OPTIONAL_BOOLEAN,
                "defaultValue": _OPTIONAL_STRING,
                "options": _OPTIONAL_STRING,
                "public": _OPTIONAL_BOOLEAN,
                "searchable": _OPTIONAL_BOOLEAN,
            },
            "required": ["field", "label", "scope", "visibility"],
        },
    },
    "additionalProperties": False,
}
DELETE_BODY = {
    "type": "object",
    "properties": {"customFieldId": {"type": "string"}},
    "required": ["customFieldId"],
    "additionalProperties": False,
}


@blueprint.get("/custom-fields")
def list_custom_fields() -> Response:
    rt, _user = caller("view-l-room")
    legacy_params(LIST_QUERY, request.args.to_dict())
    text = request.args.get("text")
    found = rt.store.all("livechat_custom_fields")
    if text:
        pattern = re.compile(re.escape(text), re.I)
        found = [
            f for f in found if pattern.search(str(f.get("label", ""))) or pattern.search(f["_id"])
        ]
    return page(rt, found, {"label": 1}, "customFields")


@blueprint.get("/custom-fields/<field_id>")
def get_custom_field(field_id: str) -> Response:
    rt, _user = caller("view-l-room")
    return ok(customField=rt.store.get("livechat_custom_fields", field_id))


@blueprint.post("/custom-fields.save")
def save() -> Response:
    rt, _user = caller("view-livechat-manager")
    params = body_params(SAVE_BODY)
    field_id, data = params.get("customFieldId"), params.get("customFieldData")
    if not isinstance(data, dict):
        # the schema does not require it; the handler then reads a field of ``undefined``
        if not field_id:
            raise errors.plain("Cannot read properties of undefined (reading 'field')")
        if rt.store.get("livechat_custom_fields", field_id) is not None:
            raise errors.plain(
                "Cannot destructure property 'field' of 'customFieldData' as it is undefined."
            )
        data = {}
    try:
        saved = custom_fields.save_custom_field(rt, field_id, data)
    except models.Refused as refused:
        raise errors.plain(refused.code) from None
    return ok(customField=saved)


@blueprint.post("/custom-fields.delete")
def delete() -> Response:
    rt, _user = caller("view-livechat-manager")
    params = body_params(DELETE_BODY)
    try:
        custom_fields.delete_custom_field(rt, params["customFieldId"])
    except models.Refused as refused:
        raise errors.plain(refused.code) from None
    return ok()
