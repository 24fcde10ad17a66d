"""``api4/post.go``, what a user marks on posts: flagged lists, set unread, reminders."""

from __future__ import annotations

from typing import NoReturn

from flask import Blueprint, Response, jsonify, request

from .. import authentication, errors, inputs, permissions, wire
from ..models import burn_on_read, post_marks
from .posts import post_list, readable_post

blueprint = Blueprint("mm_post_marks", __name__, url_prefix="/api/v4")


@blueprint.get("/users/<user_id>/posts/flagged")
def get_flagged_posts(user_id: str) -> Response:
    rt, viewer = authentication.caller()
    target = inputs.user_id_param(user_id)
    permissions.require_self_or(viewer, target)
    page, per_page = inputs.paging()
    posts = post_marks.flagged_posts(
        rt,
        viewer,
        target,
        team_id=request.args.get("team_id", ""),
        channel_id=request.args.get("channel_id", ""),
        page=page,
        per_page=per_page,
    )
    return jsonify(post_list(rt, posts))


@blueprint.post("/users/<user_id>/posts/<post_id>/set_unread")
def set_post_unread(user_id: str, post_id: str) -> Response:
    rt, actor = authentication.caller()
    inputs.id_param(post_id, "post_id")
    target = inputs.user_id_param(user_id)
    permissions.require_self_or(actor, target)
    return jsonify(post_marks.set_post_unread(rt, actor, target, post_id))


@blueprint.post("/users/<user_id>/posts/<post_id>/reminder")
def set_post_reminder(user_id: str, post_id: str) -> Response:
    rt, actor = authentication.caller()
    inputs.id_param(post_id, "post_id")
    target = inputs.user_id_param(user_id)
    permissions.require_self_or(actor, target)
    body = inputs.json_body(required=False)
    target_time = body.get("target_time", 0) if isinstance(body, dict) else None
    if not isinstance(target_time, int) or isinstance(target_time, bool):
        raise errors.invalid_body_param("target_time")
    post_marks.set_post_reminder(rt, actor, target, post_id, target_time)
    return jsonify(wire.status_ok())


@blueprint.delete("/posts/<post_id>/burn")
def burn_post(post_id: str) -> NoReturn:
    rt, user = authentication.caller()
    burn_on_read.burn_post(rt, user, readable_post(rt, user, post_id))
