"""OAuth apps over REST (``v1/oauthapps.ts``); the rules are ``models.oauth_apps``'s. The
provider's own routes are ``oauth_provider``."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from ...core.runtime import runtime
from .. import auth, errors, inputs, models, wire
from ..models import oauth_apps

blueprint = Blueprint("rc_oauth_apps", __name__, url_prefix="/api/v1")

Doc = dict[str, Any]

_APP_DATES = ("_createdAt", "_updatedAt")


def _app(doc: Doc, with_secret: bool = True) -> Doc:
    out = {k: v for k, v in doc.items() if with_secret or k != "clientSecret"}
    for key in _APP_DATES:
        if isinstance(out.get(key), int):
            out[key] = wire.iso(out[key])
    return out


_AJV_TYPES = {str: "string", bool: "boolean"}


def _strict(params: Doc, fields: dict[str, type]) -> None:
    """An ajv object schema: every field required with its type, nothing else."""
    for name in fields:
        inputs.require_fields(params, (name,))
    for name in params:
        if name not in fields:
            raise errors.invalid_params("must NOT have additional properties")
    for name, kind in fields.items():
        if not isinstance(params[name], kind):
            raise errors.invalid_params(f"/{name} must be {_AJV_TYPES[kind]}")


@blueprint.get("/oauth-apps.list")
def list_apps() -> Response:
    rt = runtime()
    auth.require_permission("manage-oauth-apps")
    return jsonify({"oauthApps": [_app(d) for d in rt.store.all("oauth_apps")], "success": True})


_GET_BRANCHES = ("_id", "clientId", "appId")


@blueprint.get("/oauth-apps.get")
def get_app() -> Response:
    """``oneOf`` one of ``_id``, ``clientId``, ``appId``; the secret for managers only."""
    rt, me = auth.runtime_and_user()
    query = request.args.to_dict()
    matching = [k for k in _GET_BRANCHES if set(query) == {k}]
    if len(matching) != 1:
        messages = [
            "must NOT have additional properties"
            if key in query
            else f"must have required property '{key}'"
            for key in _GET_BRANCHES
        ]
        raise errors.invalid_params(
            "\n ".join([*messages, "must match exactly one schema in oneOf"])
        )
    app = oauth_apps.find_oauth_app(rt, query)
    if app is None:
        raise errors.failure("OAuth app not found.")
    manager = models.has_permission(rt, me, "manage-oauth-apps")
    return jsonify({"oauthApp": _app(app, with_secret=manager), "success": True})


@blueprint.post("/oauth-apps.create")
def create_app() -> Response:
    rt = runtime()
    me = auth.require_permission("manage-oauth-apps")
    params = inputs.body()
    _strict(params, {"name": str, "active": bool, "redirectUri": str})
    try:
        app = oauth_apps.add_oauth_app(rt, me, params)
    except models.Refused as refusal:
        raise errors.refused(refusal) from None
    return jsonify({"application": _app(app), "success": True})


@blueprint.post("/oauth-apps.update")
def update_app() -> Response:
    rt = runtime()
    me = auth.require_permission("manage-oauth-apps")
    params = inputs.body()
    _strict(params, {"appId": str, "name": str, "active": bool, "redirectUri": str})
    try:
        app = oauth_apps.update_oauth_app(rt, me, params["appId"], params)
    except models.Refused as refusal:
        raise errors.refused(refusal) from None
    return jsonify({**_app(app), "success": True})


@blueprint.post("/oauth-apps.delete")
def delete_app() -> Response:
    rt = runtime()
    me = auth.require_permission("manage-oauth-apps")
    params = inputs.body()
    _strict(params, {"appId": str})
    try:
        oauth_apps.delete_oauth_app(rt, me, params["appId"])
    except models.Refused as refusal:
        raise errors.refused(refusal) from None
    # ``API.v1.success(true)``: not an object, so the body is the bare value.
    return jsonify(True)
