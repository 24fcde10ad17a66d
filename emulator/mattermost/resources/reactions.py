"""``api4/reaction.go``: emoji reactions on posts."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify

from ...core.ids import is_mattermost_id
from .. import authentication, errors, inputs, models, wire
from .channels import can_read_channel

blueprint = Blueprint("mm_reactions", __name__, url_prefix="/api/v4")

Doc = dict[str, Any]


@blueprint.post("/reactions")
def save_reaction() -> Response:
    rt, user = authentication.caller()
    body = inputs.json_object("reaction")
    user_id, post_id = body.get("user_id"), body.get("post_id")
    emoji_name = body.get("emoji_name")
    if not all(isinstance(v, str) for v in (user_id, post_id, emoji_name)):
        raise errors.invalid_body_param("reaction")
    if (
        not is_mattermost_id(user_id)
        or not is_mattermost_id(post_id)
        or not emoji_name
        or len(emoji_name) > 64
    ):
        raise errors.bad_request(errors.REACTION_INVALID)
    return jsonify(wire.reaction(models.save_reaction(rt, user, user_id, post_id, emoji_name)))


@blueprint.delete("/users/<user_id>/posts/<post_id>/reactions/<emoji_name>")
def delete_reaction(user_id: str, post_id: str, emoji_name: str) -> Response:
    rt, user = authentication.caller()
    target_id = inputs.user_id_param(user_id)
    inputs.id_param(post_id, "post_id")
    if not models.valid_reaction_emoji_name(emoji_name):
        raise errors.invalid_url_param("emoji_name")
    models.delete_reaction(rt, user, target_id, post_id, emoji_name)
    return jsonify(wire.status_ok())


@blueprint.get("/posts/<post_id>/reactions")
def get_reactions(post_id: str) -> Response:
    rt, user = authentication.caller()
    inputs.id_param(post_id, "post_id")
    post = rt.store.get("posts", post_id)
    channel = rt.store.get("channels", post["channel_id"]) if post else None
    if channel is None or not can_read_channel(rt, user, channel):
        raise errors.permission_denied(user["id"], "read_channel_content")
    return jsonify([wire.reaction(r) for r in rt.store.find("reactions", "post_id", post_id)])


@blueprint.post("/posts/ids/reactions")
def get_bulk_reactions() -> Response:
    rt, user = authentication.caller()
    body = inputs.json_body()
    if not isinstance(body, list) or not all(isinstance(i, str) for i in body):
        raise errors.bad_request(errors.PAYLOAD_PARSE)
    answer: dict[str, list[Doc]] = {}
    for post_id in sorted(set(body)):
        post = rt.store.get("posts", post_id)
        channel = rt.store.get("channels", post["channel_id"]) if post else None
        if channel is None or not can_read_channel(rt, user, channel):
            raise errors.permission_denied(user["id"], "read_channel_content")
        answer[post_id] = [wire.reaction(r) for r in rt.store.find("reactions", "post_id", post_id)]
    return jsonify(answer)
