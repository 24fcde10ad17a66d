"""Omnichannel contacts (``app/livechat/server/api/v1/contact.ts``). Blocking a contact is
enterprise (``licensed.py``); ``POST omnichannel/contact`` registers a visitor, which is the
conversation side's to do, and is not served here."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, request

from .. import errors, inputs, jsonquery, models
from ..models import livechat_contacts as contacts
from ._livechat_admin import caller, legacy_params, ok, page, refusal

blueprint = Blueprint("rc_livechat_contacts", __name__, url_prefix="/api/v1/omnichannel")

Doc = dict[str, Any]

_STRINGS = {"type": "array", "items": {"type": "string"}, "uniqueItems": True}
_OPTIONAL_STRING = {"type": "string", "nullable": True}
CREATE_BODY = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "emails": _STRINGS,
        "phones": _STRINGS,
        "customFields": {"type": "object", "nullable": True},
        "contactManager": _OPTIONAL_STRING,
    },
    "required": ["name", "emails", "phones"],
    "additionalProperties": False,
}
UPDATE_BODY = {
    "type": "object",
    "properties": {
        "contactId": {"type": "string"},
        "name": {"type": "string"},
        "emails": {**_STRINGS, "nullable": True},
        "phones": {**_STRINGS, "nullable": True},
        "customFields": {"type": "object", "nullable": True},
        "contactManager": _OPTIONAL_STRING,
        "wipeConflicts": {"type": "boolean", "nullable": True},
    },
    "required": ["contactId"],
    "additionalProperties": False,
}
CONFLICTS_BODY = {
    "type": "object",
    "properties": {
        "contactId": {"type": "string"},
        "name": _OPTIONAL_STRING,
        "contactManager": _OPTIONAL_STRING,
        "customFields": {"type": "object"},
        "wipeConflicts": {"type": "boolean", "nullable": True},
    },
    "required": ["contactId"],
    "additionalProperties": False,
}
_CONTACT_ID = {"type": "string", "nullable": False, "isNotEmpty": True}
GET_QUERY = {
    "type": "object",
    "properties": {"contactId": _CONTACT_ID},
    "required": ["contactId"],
    "additionalProperties": False,
}
SEARCH_QUERY = {
    "type": "object",
    "properties": {
        "count": {"type": "number"},
        "offset": {"type": "number"},
        "sort": {"type": "string"},
        "searchText": {"type": "string"},
        "unknown": {"type": "boolean"},
    },
    "required": [],
    "additionalProperties": False,
}
EXISTENCE_QUERY = {
    "oneOf": [
        {
            "type": "object",
            "properties": {"contactId": _CONTACT_ID},
            "required": ["contactId"],
            "additionalProperties": False,
        },
        {
            "type": "object",
            "properties": {"email": {**_CONTACT_ID, "format": "basic_email"}},
            "required": ["email"],
            "additionalProperties": False,
        },
        {
            "type": "object",
            "properties": {"phone": _CONTACT_ID},
            "required": ["phone"],
            "additionalProperties": False,
        },
    ]
}
HISTORY_QUERY = {
    "type": "object",
    "properties": {
        "contactId": {"type": "string"},
        "source": {"type": "string"},
        "count": {"type": "number"},
        "offset": {"type": "number"},
        "sort": {"type": "string"},
    },
    "required": ["contactId"],
    "additionalProperties": False,
}
CHANNELS_QUERY = {
    "type": "object",
    "properties": {"contactId": {"type": "string"}},
    "required": ["contactId"],
    "additionalProperties": False,
}


def _without_nulls(params: Doc) -> Doc:
    """``removeEmpty``: keys whose value is null go."""
    return {k: v for k, v in params.items() if v is not None}


def _body() -> Doc:
    return inputs.body()


@blueprint.post("/contacts")
def create() -> Response:
    rt, _user = caller("create-livechat-contact")
    params = legacy_params(CREATE_BODY, _body())
    try:
        contact_id = contacts.create_contact(rt, params)
    except models.Refused as refused:
        raise refusal(refused) from None
    return ok(contactId=contact_id)


@blueprint.post("/contacts.update")
def update() -> Response:
    rt, _user = caller("update-livechat-contact")
    params = legacy_params(UPDATE_BODY, _body())
    try:
        contact = contacts.update_contact(rt, _without_nulls(params))
    except models.Refused as refused:
        raise refusal(refused) from None
    return ok(contact=contact)


@blueprint.post("/contacts.conflicts")
def conflicts() -> Response:
    rt, _user = caller("update-livechat-contact")
    params = legacy_params(CONFLICTS_BODY, _body())
    try:
        contact = contacts.resolve_conflicts(rt, _without_nulls(params))
    except models.Refused as refused:
        raise refusal(refused) from None
    return ok(result=contact)


@blueprint.get("/contacts.get")
def get_contact() -> Response:
    rt, _user = caller("view-livechat-contact")
    params = legacy_params(GET_QUERY, request.args.to_dict())
    contact = contacts.enabled_contact(rt, params["contactId"])
    if contact is None:
        raise errors.not_found()
    return ok(contact=contact)


@blueprint.get("/contacts.search")
def search() -> Response:
    rt, _user = caller("view-livechat-contact")
    params = legacy_params(SEARCH_QUERY, request.args.to_dict())
    found = contacts.search_contacts(rt, params.get("searchText"), params.get("unknown") == "true")
    offset, count, sort = inputs.pagination(rt)
    found = jsonquery.sort_docs(found, sort, {"name": 1})
    chunk = found[offset : None if count is None else offset + count]
    # ``getContacts`` answers the page size asked for as ``count``, not the contacts returned
    return ok(
        contacts=[contacts.with_manager(rt, c) for c in chunk],
        count=count,
        offset=offset,
        total=len(found),
    )


@blueprint.get("/contacts.checkExistence")
def check_existence() -> Response:
    rt, _user = caller("view-livechat-contact")
    params = legacy_params(EXISTENCE_QUERY, request.args.to_dict())
    found = contacts.exists(rt, params.get("contactId"), params.get("email"), params.get("phone"))
    return ok(exists=found)


@blueprint.get("/contacts.history")
def history() -> Response:
    rt, _user = caller("view-livechat-contact-history")
    params = legacy_params(HISTORY_QUERY, request.args.to_dict())
    try:
        rooms = contacts.history(rt, params["contactId"])
    except models.Refused as refused:
        raise refusal(refused) from None
    return page(rt, rooms, {"closedAt": -1}, "history")


@blueprint.get("/contacts.channels")
def channels() -> Response:
    rt, _user = caller("view-livechat-contact")
    params = legacy_params(CHANNELS_QUERY, request.args.to_dict())
    return ok(channels=contacts.channels_grouped(rt, params["contactId"]))


@blueprint.get("/contact")
def get_visitor_contact() -> Response:
    rt, _user = caller("view-l-room")
    params = request.args.to_dict()
    for key in params:
        if key != "contactId":
            raise errors.plain(f"Match error: Unknown key in field {key}")
    if "contactId" not in params:
        raise errors.plain("Match error: Missing key 'contactId'")
    return ok(contact=contacts.find_visitor(rt, params["contactId"]))


@blueprint.get("/contact.search")
def search_visitor_contact() -> Response:
    rt, _user = caller("view-l-room")
    params = request.args.to_dict()
    for key in params:
        if key not in ("email", "phone", "custom"):
            raise errors.plain(f"Match error: Unknown key in field {key}")
    custom: Any = {}
    if params.get("custom"):
        try:
            custom = json.loads(params["custom"])
        except ValueError:
            raise errors.meteor_error(errors.INVALID_PARAMS_CUSTOM) from None
    if not isinstance(custom, dict):
        custom = {}
    if not params.get("email") and not params.get("phone") and not custom:
        raise errors.meteor_error(errors.ERROR_INVALID_PARAMS)
    found = contacts.search_visitor(rt, params.get("email"), params.get("phone"), custom)
    return ok(contact=found)
