"""What the ``livechat/*`` route modules share: ajv-style parameter checks, the visitor and room
lookups every widget route starts with, and how a domain refusal is answered."""

from __future__ import annotations

import json
from typing import Any

from flask import request

from ...core.runtime import Runtime
from .. import errors, models
from ..models import livechat, livechat_rooms

Doc = dict[str, Any]
TYPE_NAMES = {str: "string", bool: "boolean", list: "array", dict: "object"}


def ajv(message: str) -> errors.RocketError:
    # these routes answer ajv's message without the ``[invalid-params]`` suffix
    return errors.failure(message, errors.INVALID_PARAMS)


def checked(params: Doc, required: Doc, optional: Doc | None = None) -> Doc:
    """The route's ajv schema: required properties, then each property's type."""
    for name in required:
        if name not in params:
            raise ajv(f"must have required property '{name}'")
    for name, kind in {**required, **(optional or {})}.items():
        if name not in required and params.get(name) is None:
            continue
        value = params[name]
        if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
            raise ajv(f"must be {TYPE_NAMES[kind]}")
    return params


def refused(refusal: models.Refused) -> errors.RocketError:
    if refusal.code == errors.UNAUTHORIZED:
        return errors.unauthorized_result()
    if refusal.code == errors.FORBIDDEN:
        return errors.forbidden(errors.UNAUTHORIZED)
    return errors.refused(refusal)


def source_type() -> str:
    """``isWidget()``: the widget sends its visitor token as a header; anything else is the API."""
    return "widget" if request.headers.get("x-rocketchat-livechat-token") else "api"


def visitor(rt: Runtime, token: Any) -> Doc:
    """``findGuest``: the visitor of ``token``, else the plain ``invalid-token`` error."""
    found = livechat.find_visitor(rt, token)
    if found is None:
        raise errors.plain(errors.BARE_INVALID_TOKEN)
    return found


def visitor_room(rt: Runtime, token: str, rid: Any) -> Doc:
    """``findRoom(token, rid)``, else the plain ``invalid-room`` error."""
    room = livechat_rooms.visitor_room(rt, token, rid)
    if room is None:
        raise errors.plain(errors.BARE_INVALID_ROOM)
    return room


def json_object(raw: str) -> Doc:
    """A JSON-encoded query parameter (``selector``), an object or the ajv refusal."""
    try:
        parsed = json.loads(raw)
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict):
        raise ajv("must be object")
    return parsed
