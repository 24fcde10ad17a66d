"""``api4/user.go``, personal access tokens: create, list, read, revoke, disable, enable, search."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from ...core.runtime import Runtime
from .. import authentication, errors, inputs, models, permissions, wire
from .users import Doc, load_user

blueprint = Blueprint("mm_user_tokens", __name__, url_prefix="/api/v4")


def _require_user_or_bot(rt: Runtime, viewer: Doc, user_id: str) -> None:
    """``SessionHasPermissionToUserOrBot``: oneself, ``edit_other_users``, or a bot one manages."""
    if viewer["id"] == user_id or permissions.has_system_permission(viewer, "edit_other_users"):
        return
    bot = rt.store.get("bots", user_id)
    if bot is not None and permissions.can_manage_bot(viewer, bot):
        return
    raise errors.permission_denied(viewer["id"], "edit_other_users")


def _load_token(rt: Runtime, token_id: str) -> Doc:
    token = rt.store.get("access_tokens", inputs.id_param(token_id, "token_id"))
    if token is None:
        raise errors.AppError(404, errors.ACCESS_TOKEN_NOT_FOUND, f"token_id={token_id}")
    return token


def _token_from_body(rt: Runtime, viewer: Doc, permission: str) -> Doc:
    """The body's ``token_id``, checked in the real order: permission, lookup, owner.

    As upstream, a body that is not a string map, or has no ``token_id``, is not refused by
    itself: the lookup of the empty id then fails with the 404.
    """
    body = inputs.json_body(required=False)
    token_id = body.get("token_id") if isinstance(body, dict) else None
    permissions.require_system(viewer, permission)
    token = rt.store.get("access_tokens", token_id) if isinstance(token_id, str) else None
    if token is None:
        raise errors.AppError(404, errors.ACCESS_TOKEN_NOT_FOUND, f"token_id={token_id or ''}")
    _require_user_or_bot(rt, viewer, token["user_id"])
    return token


@blueprint.post("/users/<user_id>/tokens")
def create_token(user_id: str) -> Response:
    rt, viewer = authentication.caller()
    permissions.refuse_oauth_session(
        authentication.current_session(rt), viewer, "create_user_access_token"
    )
    body = inputs.json_body()
    if not isinstance(body, dict):
        raise errors.invalid_body_param("user_access_token")
    description = body.get("description", "")
    if not isinstance(description, str):
        raise errors.invalid_body_param("user_access_token")
    if not description:
        raise errors.invalid_body_param("description")
    permissions.require_system(viewer, "create_user_access_token")
    user = load_user(rt, user_id)
    _require_user_or_bot(rt, viewer, user["id"])
    enabled = models.setting(rt, "ServiceSettings", "EnableUserAccessTokens", False)
    if not enabled and not user.get("is_bot"):
        raise errors.AppError(501, errors.ACCESS_TOKENS_DISABLED)
    token = models.create_access_token(rt, user["id"], description)
    return jsonify(wire.access_token(token, with_token=True))


@blueprint.get("/users/<user_id>/tokens")
def get_tokens_for_user(user_id: str) -> Response:
    rt, viewer = authentication.caller()
    permissions.require_system(viewer, "read_user_access_token")
    user = load_user(rt, user_id)
    _require_user_or_bot(rt, viewer, user["id"])
    page, per_page = inputs.paging()
    tokens = rt.store.find("access_tokens", "user_id", user["id"])
    shown = tokens[page * per_page : (page + 1) * per_page]
    return jsonify([wire.access_token(t) for t in shown])


@blueprint.get("/users/tokens")
def get_all_tokens() -> Response:
    rt, viewer = authentication.caller()
    permissions.require_system(viewer, "manage_system")
    page, per_page = inputs.paging()
    tokens = rt.store.all("access_tokens")
    shown = tokens[page * per_page : (page + 1) * per_page]
    return jsonify([wire.access_token(t) for t in shown])


@blueprint.get("/users/tokens/<token_id>")
def get_token(token_id: str) -> Response:
    rt, viewer = authentication.caller()
    permissions.require_system(viewer, "read_user_access_token")
    token = _load_token(rt, token_id)
    _require_user_or_bot(rt, viewer, token["user_id"])
    return jsonify(wire.access_token(token))


@blueprint.post("/users/tokens/revoke")
def revoke_token() -> Response:
    rt, viewer = authentication.caller()
    token = _token_from_body(rt, viewer, "revoke_user_access_token")
    models.revoke_access_token(rt, token["id"])
    return jsonify(wire.status_ok())


@blueprint.post("/users/tokens/disable")
def disable_token() -> Response:
    rt, viewer = authentication.caller()
    token = _token_from_body(rt, viewer, "revoke_user_access_token")
    models.set_access_token_active(rt, token["id"], False)
    return jsonify(wire.status_ok())


@blueprint.post("/users/tokens/enable")
def enable_token() -> Response:
    rt, viewer = authentication.caller()
    token = _token_from_body(rt, viewer, "create_user_access_token")
    models.set_access_token_active(rt, token["id"], True)
    return jsonify(wire.status_ok())


@blueprint.post("/users/tokens/search")
def search_tokens() -> Response:
    rt, viewer = authentication.caller()
    permissions.require_system(viewer, "manage_system")
    body = inputs.json_object()
    term = body.get("term")
    if not isinstance(term, str) or not term:
        raise errors.invalid_body_param("term")
    found = []
    for token in rt.store.all("access_tokens"):
        user = rt.store.get("users", token["user_id"])
        username = user["username"] if user else ""
        if term in (token["id"], token["user_id"]) or username.startswith(term.lower()):
            found.append(wire.access_token(token))
    return jsonify(found)
