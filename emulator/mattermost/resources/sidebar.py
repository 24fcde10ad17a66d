"""``api4/channel_category.go``: a user's sidebar categories in a team."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from ...core.runtime import Runtime
from .. import authentication, errors, inputs, permissions
from ..models import sidebar
from ..models.common import Doc

blueprint = Blueprint("mm_sidebar", __name__, url_prefix="/api/v4")

CATEGORIES = "/users/<user_id>/teams/<team_id>/channels/categories"


def _scope(user_id: str, team_id: str) -> tuple[Runtime, Doc, str, str]:
    rt, viewer = authentication.caller()
    target = inputs.user_id_param(user_id)
    inputs.id_param(team_id, "team_id")
    permissions.require_self_or(viewer, target)
    return rt, viewer, target, team_id


def _category_scope(user_id: str, team_id: str, category_id: str) -> tuple[Runtime, str, str]:
    rt, viewer, target, team_id = _scope(user_id, team_id)
    if not sidebar.owns_category(rt, target, team_id, category_id):
        raise errors.permission_denied(viewer["id"], "edit_other_users")
    return rt, target, team_id


def _request(rt: Runtime, raw: Any, user_id: str, team_id: str, for_create: bool) -> Doc:
    """A decoded ``SidebarCategoryWithChannels`` (Go's types; absent fields zero), its
    channels kept to those the user is in."""
    if not isinstance(raw, dict):
        raise errors.invalid_body_param("category")
    spec = {
        "id": str,
        "user_id": str,
        "team_id": str,
        "display_name": str,
        "sorting": str,
        "type": str,
        "muted": bool,
        "collapsed": bool,
        "channel_ids": list,
        "sort_order": int,
    }
    for name, kind in spec.items():
        if raw.get(name) is not None and not isinstance(raw[name], kind):
            raise errors.invalid_body_param("category")
    ids = raw.get("channel_ids") or []
    if not all(isinstance(c, str) for c in ids):
        raise errors.invalid_body_param("category")
    if for_create and (raw.get("user_id") != user_id or raw.get("team_id") != team_id):
        raise errors.invalid_body_param("category")
    return {
        "id": raw.get("id") or "",
        "display_name": raw.get("display_name") or "",
        "sorting": raw.get("sorting") or "",
        "muted": raw.get("muted") is True,
        "collapsed": raw.get("collapsed") is True,
        "channel_ids": sidebar.member_channel_ids(rt, user_id, team_id, ids),
    }


@blueprint.get(CATEGORIES)
def get_categories(user_id: str, team_id: str) -> Response:
    rt, _, target, team_id = _scope(user_id, team_id)
    found = sidebar.categories(rt, target, team_id)
    return jsonify({"categories": found, "order": [c["id"] for c in found]})


@blueprint.post(CATEGORIES)
def create_category(user_id: str, team_id: str) -> Response:
    rt, _, target, team_id = _scope(user_id, team_id)
    request = _request(rt, inputs.json_body(required=False), target, team_id, True)
    return jsonify(sidebar.create_category(rt, target, team_id, request))


@blueprint.put(CATEGORIES)
def update_categories(user_id: str, team_id: str) -> Response:
    rt, _, target, team_id = _scope(user_id, team_id)
    raw = inputs.json_body(required=False)
    if not isinstance(raw, list):
        raise errors.invalid_body_param("category")
    updates = [_request(rt, item, target, team_id, False) for item in raw]
    if any(not sidebar.owns_category(rt, target, team_id, u["id"]) for u in updates):
        raise errors.invalid_body_param("category")
    return jsonify(sidebar.update_categories(rt, target, team_id, updates))


@blueprint.get(f"{CATEGORIES}/order")
def get_category_order(user_id: str, team_id: str) -> Response:
    rt, _, target, team_id = _scope(user_id, team_id)
    return jsonify(sidebar.category_order(rt, target, team_id))


@blueprint.put(f"{CATEGORIES}/order")
def update_category_order(user_id: str, team_id: str) -> Response:
    rt, _, target, team_id = _scope(user_id, team_id)
    order = inputs.json_body(required=False)
    if not isinstance(order, list) or not all(isinstance(i, str) for i in order):
        order = []  # model.ArrayFromJSON: anything else reads as no categories
    if any(not sidebar.owns_category(rt, target, team_id, i) for i in order):
        raise errors.invalid_body_param("category")
    return jsonify(sidebar.set_category_order(rt, target, team_id, order))


@blueprint.get(f"{CATEGORIES}/<category_id>")
def get_category(user_id: str, team_id: str, category_id: str) -> Response:
    rt, target, team_id = _category_scope(user_id, team_id, category_id)
    return jsonify(sidebar.category(rt, target, team_id, category_id))


@blueprint.put(f"{CATEGORIES}/<category_id>")
def update_category(user_id: str, team_id: str, category_id: str) -> Response:
    rt, target, team_id = _category_scope(user_id, team_id, category_id)
    request = _request(rt, inputs.json_body(required=False), target, team_id, True)
    request["id"] = category_id
    return jsonify(sidebar.update_categories(rt, target, team_id, [request])[0])


@blueprint.delete(f"{CATEGORIES}/<category_id>")
def delete_category(user_id: str, team_id: str, category_id: str) -> Response:
    rt, target, team_id = _category_scope(user_id, team_id, category_id)
    sidebar.delete_category(rt, target, team_id, category_id)
    return jsonify({"status": "OK"})
