"""Omnichannel contacts (``app/livechat/server/api/v1/contact.ts``). Blocking a contact is
enterprise (``licensed.py``); ``POST omnichannel/contact`` registers a visitor through the
conversation side's registration."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, request

from .. import errors, inputs, jsonquery, models
from ..models import livechat_contacts as contacts
from ._livechat_admin import caller, legacy_params, ok, page

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
        raise errors.refused(refused) from None
    return ok(contactId=contact_id)


@blueprint.post("/contacts.update")
def update() -> Response:
    rt, _user = caller("update-livechat-contact")
    params = legacy_params(UPDATE_BODY, _body())
    try:
        contact = contacts.update_contact(rt, _without_nulls(params))
    except models.Refused as refused:
        raise errors.refused(refused) from None
    return ok(contact=contact)


@blueprint.post("/contacts.conflicts")
def conflicts() -> Response:
    rt, _user = caller("update-livechat-contact")
    params = legacy_params(CONFLICTS_BODY, _body())
    try:
        contact = contacts.resolve_conflicts(rt, _without_nulls(params))
    except models.Refused as refused:
        raise errors.refused(refused) from None
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
        raise errors.refused(refused) from None
    return page(rt, rooms, {"closedAt": -1}, "history")


@blueprint.get("/contacts.channels")
def channels() -> Response:
    rt, _user = caller("view-livechat-contact")
    params = legacy_params(CHANNELS_QUERY, request.args.to_dict())
    return ok(channels=contacts.channels_grouped(rt, params["contactId"]))


# ``check(bodyParams, {...})`` of ``POST omnichannel/contact``: key -> (type, required)
VISITOR_CONTACT_BODY = {
    "_id": ("string", False),
    "token": ("string", True),
    "name": ("string", True),
    "email": ("string", False),
    "phone": ("string", False),
    "username": ("string", False),
    "customFields": ("object", False),
    "contactManager": ("object", False),
}


def _match_visitor_contact(params: Any) -> Doc:
    """Meteor's ``check`` of an object: each given key in order (unknown, or of the wrong type;
    ``Match.Maybe`` lets null through), then the first missing required key."""
    if not isinstance(params, dict):
        raise errors.plain(f"Match error: Expected object, got {models.js_type(params)}")
    for key, value in params.items():
        if key not in VISITOR_CONTACT_BODY:
            raise errors.plain(f"Match error: Unknown key in field {key}")
        wanted, required = VISITOR_CONTACT_BODY[key]
        if value is None and not required:
            continue
        if models.js_type(value) != wanted or isinstance(value, list):
            raise errors.plain(
                f"Match error: Expected {wanted}, got {models.js_type(value)} in field {key}"
            )
    manager = params.get("contactManager")
    if isinstance(manager, dict) and not isinstance(manager.get("username"), str):
        raise errors.plain(
            "Match error: Failed Match.OneOf, Match.Maybe or Match.Optional validation"
            " in field contactManager"
        )
    for key, (_, required) in VISITOR_CONTACT_BODY.items():
        if required and key not in params:
            raise errors.plain(f"Match error: Missing key '{key}'")
    return params


@blueprint.post("/contact")
def register_visitor_contact() -> Response:
    rt, _user = caller("view-l-room")
    params = _match_visitor_contact(_body())
    try:
        contact_id = contacts.register_visitor_contact(rt, params)
    except models.Refused as refused:
        raise errors.refused(refused) from None
    return ok(contact=contact_id)


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
