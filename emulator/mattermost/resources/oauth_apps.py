"""``api4/oauth.go``: OAuth 2.0 apps Mattermost serves as a provider, and a user's authorized
apps. Who may do what is decided here as upstream does, the rest in ``models/oauth.py``."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify

from ...core.runtime import Runtime
from .. import authentication, errors, inputs, permissions, wire
from ..models import oauth
from .users import Doc

blueprint = Blueprint("mm_oauth_apps", __name__, url_prefix="/api/v4")

_APP_TYPES = {
    "name": str,
    "description": str,
    "icon_url": str,
    "callback_urls": list,
    "homepage": str,
    "is_trusted": bool,
    "mattermost_app_id": str,
    "is_public": bool,
}


def _app_body() -> Doc:
    """The body decoded into an ``OAuthApp``: a wrong type fails it whole, as Go's decoder."""
    body = inputs.json_object("oauth_app", _APP_TYPES)
    urls = body.get("callback_urls")
    if urls is not None and not all(isinstance(u, str) for u in urls):
        raise errors.invalid_body_param("oauth_app")
    return body


def _owned_app(rt: Runtime, viewer: Doc, app_id: str) -> Doc:
    """An app the caller manages: its creator, or whoever manages every app."""
    app = oauth.get_app(rt, app_id)
    if app["creator_id"] != viewer["id"]:
        permissions.require_system(viewer, "manage_system_wide_oauth")
    return app


@blueprint.post("/oauth/apps")
def create_oauth_app() -> Response:
    rt, viewer = authentication.caller()
    body = _app_body()
    permissions.require_system(viewer, "manage_oauth")
    fields = oauth.app_fields(body)
    if not permissions.has_system_permission(viewer, "manage_system"):
        fields["is_trusted"] = False
    app = oauth.create_app(rt, viewer["id"], fields, public=bool(body.get("is_public")))
    response = jsonify(wire.oauth_app(app))
    response.status_code = 201
    return response


@blueprint.get("/oauth/apps")
def get_oauth_apps() -> Response:
    rt, viewer = authentication.caller()
    if not permissions.has_system_permission(viewer, "manage_oauth"):
        raise errors.AppError(403, errors.OAUTH_APPS_ADMIN_ONLY)
    page, per_page = inputs.paging()
    every = permissions.has_system_permission(viewer, "manage_system_wide_oauth")
    apps = oauth.list_apps(rt, None if every else viewer["id"], page, per_page)
    return jsonify([wire.oauth_app(a) for a in apps])


@blueprint.get("/oauth/apps/<app_id>")
def get_oauth_app(app_id: str) -> Response:
    rt, viewer = authentication.caller()
    inputs.id_param(app_id, "app_id")
    permissions.require_system(viewer, "manage_oauth")
    return jsonify(wire.oauth_app(_owned_app(rt, viewer, app_id)))


@blueprint.get("/oauth/apps/<app_id>/info")
def get_oauth_app_info(app_id: str) -> Response:
    rt, _ = authentication.caller()
    inputs.id_param(app_id, "app_id")
    return jsonify(wire.oauth_app(oauth.get_app(rt, app_id), sanitize=True))


@blueprint.put("/oauth/apps/<app_id>")
def update_oauth_app(app_id: str) -> Response:
    rt, viewer = authentication.caller()
    inputs.id_param(app_id, "app_id")
    permissions.require_system(viewer, "manage_oauth")
    body = _app_body()
    # The app in the body must be the one in the URL.
    if body.get("id") != app_id:
        raise errors.invalid_body_param("app_id")
    old = _owned_app(rt, viewer, app_id)
    fields = oauth.app_fields(body)
    if not permissions.has_system_permission(viewer, "manage_system"):
        fields["is_trusted"] = old["is_trusted"]
    return jsonify(wire.oauth_app(oauth.update_app(rt, old, fields)))


@blueprint.delete("/oauth/apps/<app_id>")
def delete_oauth_app(app_id: str) -> Response:
    rt, viewer = authentication.caller()
    inputs.id_param(app_id, "app_id")
    permissions.require_system(viewer, "manage_oauth")
    oauth.delete_app(rt, _owned_app(rt, viewer, app_id)["id"])
    return jsonify(wire.status_ok())


@blueprint.post("/oauth/apps/<app_id>/regen_secret")
def regenerate_oauth_app_secret(app_id: str) -> Response:
    rt, viewer = authentication.caller()
    inputs.id_param(app_id, "app_id")
    permissions.require_system(viewer, "manage_oauth")
    app = oauth.regenerate_secret(rt, _owned_app(rt, viewer, app_id))
    return jsonify(wire.oauth_app(app))


@blueprint.get("/users/<user_id>/oauth/apps/authorized")
def get_authorized_oauth_apps(user_id: str) -> Response:
    rt, viewer = authentication.caller()
    target = inputs.user_id_param(user_id)
    permissions.require_self_or(viewer, target)
    page, per_page = inputs.paging()
    apps = oauth.authorized_apps(rt, target, page, per_page)
    return jsonify([wire.oauth_app(a, sanitize=True) for a in apps])
