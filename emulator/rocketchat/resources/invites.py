"""Room invite links: ``findOrCreateInvite``, ``listInvites``, ``removeInvite/:_id``,
``useInviteToken``, ``validateInviteToken`` (``v1/invites.ts``, typed routes: their ajv body
errors carry no ``[invalid-params]`` suffix)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from ...core.runtime import runtime
from .. import auth, errors, inputs, models, wire
from ..models import invites

blueprint = Blueprint("rc_invites", __name__, url_prefix="/api/v1")

Doc = dict[str, Any]
NOT_AUTHORIZED = "not_authorized"


def _invalid(message: str) -> errors.RocketError:
    return errors.failure(message, errors.INVALID_PARAMS)


def _validated(params: Doc, schema: dict[str, str]) -> Doc:
    """The routes' ajv schemas: required, no other property, types (coerced, as ajv's
    ``coerceTypes`` does)."""
    for name in schema:
        if name not in params:
            raise _invalid(f"must have required property '{name}'")
    if set(params) - set(schema):
        raise _invalid("must NOT have additional properties")
    out: Doc = {}
    for name, kind in schema.items():
        value = params[name]
        if kind == "string":
            if isinstance(value, bool):
                value = "true" if value else "false"
            elif isinstance(value, int | float):
                value = str(int(value)) if float(value).is_integer() else str(value)
            elif not isinstance(value, str):
                raise _invalid(f"must be {kind}")
        else:
            number = value
            if isinstance(value, str) and value.strip().lstrip("-").isdigit():
                number = int(value)
            elif isinstance(value, bool) or value is None:
                number = int(bool(value))
            elif isinstance(value, float) and value.is_integer():
                number = int(value)
            if not isinstance(number, int) or isinstance(number, bool):
                raise _invalid(f"must be {kind}")
            value = number
        out[name] = value
    return out


def _refused(refusal: models.Refused) -> errors.RocketError:
    # ``new Meteor.Error('not_authorized')`` has a code and no reason: "[not_authorized]"
    if refusal.code == NOT_AUTHORIZED:
        return errors.meteor_error(NOT_AUTHORIZED)
    return errors.refused(refusal)


def _render(invite: Doc) -> Doc:
    out = wire.rest_dates(invite)
    if invite.get("expires") is not None:
        out["expires"] = wire.iso(invite["expires"])
    return out


@blueprint.get("/listInvites")
def list_invites() -> Response:
    rt, user = auth.runtime_and_user()
    try:
        found = invites.list_invites(rt, user)
    except models.Refused as refusal:
        raise _refused(refusal) from None
    # API.v1.success(array): the array itself is the body
    return jsonify([_render(invite) for invite in found])


@blueprint.post("/findOrCreateInvite")
def find_or_create_invite() -> Response:
    rt, user = auth.runtime_and_user()
    params = _validated(inputs.body(), {"rid": "string", "days": "integer", "maxUses": "integer"})
    try:
        invite = invites.find_or_create_invite(
            rt, user, params["rid"], params["days"], params["maxUses"]
        )
    except models.Refused as refusal:
        raise _refused(refusal) from None
    return jsonify({**_render(invite), "success": True})


@blueprint.delete("/removeInvite/<invite_id>")
def remove_invite(invite_id: str) -> Response:
    rt, user = auth.runtime_and_user()
    try:
        removed = invites.remove_invite(rt, user, invite_id)
    except models.Refused as refusal:
        raise _refused(refusal) from None
    return jsonify(removed)


@blueprint.post("/useInviteToken")
def use_invite_token() -> Response:
    rt, user = auth.runtime_and_user()
    params = _validated(inputs.body(), {"token": "string"})
    try:
        room = invites.use_invite_token(rt, user, params["token"])
    except models.Refused as refusal:
        raise _refused(refusal) from None
    return jsonify({"room": room, "success": True})


@blueprint.post("/validateInviteToken")
def validate_invite_token() -> Response:
    rt = runtime()
    params = _validated(inputs.body(), {"token": "string"})
    try:
        invites.validate_invite_token(rt, params["token"])
    except models.Refused:
        return jsonify({"valid": False, "success": True})
    return jsonify({"valid": True, "success": True})
