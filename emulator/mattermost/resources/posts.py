"""``api4/post.go``: posting, editing, deleting, reading history and threads, search, pins."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from ...core.ids import is_mattermost_id
from ...core.runtime import Runtime
from .. import authentication, errors, inputs, models, permissions, wire
from ..models import post_actions, post_versions
from .channels import can_read_channel

blueprint = Blueprint("mm_posts", __name__, url_prefix="/api/v4")


Doc = dict[str, Any]
POST_FIELDS = {
    "id": str,
    "channel_id": str,
    "root_id": str,
    "message": str,
    "type": str,
    "props": dict,
    "file_ids": list,
    "pending_post_id": str,
    "is_pinned": bool,
    "create_at": int,
}


# -- helpers ----------------------------------------------------------------------------------


def load_post(rt: Runtime, post_id: str, include_deleted: bool = False) -> Doc:
    post = rt.store.get("posts", inputs.id_param(post_id, "post_id"))
    if post is None or (post["delete_at"] and not include_deleted):
        raise errors.not_found(errors.POST_NOT_FOUND, f"post_id={post_id}")
    return post


def readable_post(rt: Runtime, user: Doc, post_id: str, include_deleted: bool = False) -> Doc:
    post = load_post(rt, post_id, include_deleted)
    channel = rt.store.get("channels", post["channel_id"])
    if channel is None or not can_read_channel(rt, user, channel):
        raise errors.permission_denied(user["id"], "read_channel_content")
    return post


def post_by_permission(rt: Runtime, user: Doc, post_id: str) -> Doc:
    """``SessionHasPermissionToChannelByPost(read_channel_content)``."""
    return models.post_in_readable_channel(rt, user, inputs.id_param(post_id, "post_id"))


def post_list(rt: Runtime, posts: list[Doc], **paging: Any) -> Doc:
    return wire.post_list(
        [wire.post_with_metadata(p, models.post_metadata(rt, p)) for p in posts],
        [p["id"] for p in posts],
        **paging,
    )


def _message(body: Doc) -> str:
    return models.check_message(inputs.body_string(body, "message"))


def _props(body: Doc) -> Doc:
    props = body.get("props", {})
    if props is None:
        return {}
    if not isinstance(props, dict):
        raise errors.invalid_body_param("props")
    return models.check_props(props)


# -- create -----------------------------------------------------------------------------------


@blueprint.post("/posts")
def create_post() -> tuple[Response, int]:
    rt, user = authentication.caller()
    body = inputs.json_object("post", POST_FIELDS)
    channel_id = inputs.body_string(body, "channel_id")
    root_id = inputs.body_string(body, "root_id")
    message = _message(body)
    props = _props(body)
    pending = inputs.body_string(body, "pending_post_id")
    post = models.create_post(
        rt,
        user,
        channel_id=channel_id,
        message=message,
        root_id=root_id,
        file_ids=body.get("file_ids"),
        props=props,
        pending_post_id=pending,
        # Only system admins may date a post (imports); anyone else's create_at is ignored.
        at=body.get("create_at") or None if permissions.is_system_admin(user) else None,
    )
    if request.args.get("set_online", "true").lower() not in ("0", "f", "false"):
        _set_online(rt, user["id"])
    return jsonify(wire.post_with_metadata(post, models.post_metadata(rt, post))), 201


def _set_online(rt: Runtime, user_id: str) -> None:
    """``SetStatusOnline(manual=false)``: a status the user set by hand is kept."""
    status = rt.store.get("statuses", user_id)
    if status is not None and (status["status"] == "online" or status["manual"]):
        return
    models.set_status(rt, user_id, "online", manual=False)


@blueprint.post("/posts/ephemeral")
def create_ephemeral_post() -> tuple[Response, int]:
    rt, user = authentication.caller()
    body = inputs.json_object("post")
    target_id = inputs.body_string(body, "user_id")
    if not is_mattermost_id(target_id):
        raise errors.invalid_body_param("user_id")
    post_body = body.get("post")
    if not isinstance(post_body, dict):
        raise errors.invalid_body_param("post")
    permissions.require_system(user, "create_post_ephemeral")
    channel_id = inputs.body_string(post_body, "channel_id")
    if not is_mattermost_id(channel_id):
        raise errors.invalid_body_param("channel_id")
    post = models.send_ephemeral_post(
        rt,
        sender_id=user["id"],
        target_id=target_id,
        channel_id=channel_id,
        root_id=inputs.body_string(post_body, "root_id"),
        message=_message(post_body),
        props=_props(post_body),
    )
    return jsonify(wire.post(post)), 201


# -- read -------------------------------------------------------------------------------------


@blueprint.get("/posts/<post_id>")
def get_post(post_id: str) -> Response:
    rt, user = authentication.caller()
    include_deleted = request.args.get("include_deleted") == "true"
    if include_deleted:
        permissions.require_system(user, "manage_system")
    post = readable_post(rt, user, post_id, include_deleted)
    return jsonify(wire.post_with_metadata(post, models.post_metadata(rt, post)))


@blueprint.get("/posts/<post_id>/info")
def get_post_info(post_id: str) -> Response:
    rt, user = authentication.caller()
    return jsonify(models.post_info(rt, user, load_post(rt, post_id)))


@blueprint.get("/posts/<post_id>/thread")
def get_thread(post_id: str) -> Response:
    rt, user = authentication.caller()
    post = readable_post(rt, user, post_id)
    root = rt.store.get("posts", post["root_id"]) if post["root_id"] else post
    replies = [r for r in rt.store.find("posts", "root_id", root["id"]) if not r["delete_at"]]
    posts = sorted([root, *replies], key=lambda p: p["create_at"], reverse=True)
    return jsonify(post_list(rt, posts))


@blueprint.get("/posts/<post_id>/files/info")
def get_post_file_infos(post_id: str) -> Response:
    rt, user = authentication.caller()
    post = post_by_permission(rt, user, post_id)
    infos = [
        wire.file_info(f)
        for fid in post["file_ids"]
        if (f := rt.store.get("files", fid)) is not None and not f["delete_at"]
    ]
    return jsonify(infos)


@blueprint.post("/posts/ids")
def get_posts_by_ids() -> Response:
    rt, user = authentication.caller()
    body = inputs.json_body(required=False)
    if not isinstance(body, list) or not all(isinstance(i, str) for i in body):
        raise errors.bad_request(errors.PAYLOAD_PARSE)
    if not body:
        raise errors.invalid_body_param("post_ids")
    if len(body) > 1000:
        raise errors.AppError(400, errors.POSTS_BY_IDS_TOO_MANY, MaxLength="1000")
    found = []
    for post_id in sorted(set(body)):
        post = rt.store.get("posts", post_id) if is_mattermost_id(post_id) else None
        if post is None or post["delete_at"]:
            continue
        channel = rt.store.get("channels", post["channel_id"])
        if channel is not None and can_read_channel(rt, user, channel):
            found.append(wire.post_with_metadata(post, models.post_metadata(rt, post)))
    return jsonify(found)


# -- change -----------------------------------------------------------------------------------


@blueprint.put("/posts/<post_id>/patch")
def patch_post(post_id: str) -> Response:
    rt, user = authentication.caller()
    body = inputs.json_object("post", POST_FIELDS)
    inputs.id_param(post_id, "post_id")
    updated = models.edit_post(rt, user, post_id, body, partial=True)
    return jsonify(wire.post_with_metadata(updated, models.post_metadata(rt, updated)))


@blueprint.put("/posts/<post_id>")
def update_post(post_id: str) -> Response:
    rt, user = authentication.caller()
    inputs.id_param(post_id, "post_id")
    body = inputs.json_object("post", POST_FIELDS)
    if body.get("id") != post_id:
        raise errors.invalid_body_param("id")
    updated = models.edit_post(rt, user, post_id, body, partial=False)
    return jsonify(wire.post_with_metadata(updated, models.post_metadata(rt, updated)))


@blueprint.delete("/posts/<post_id>")
def delete_post(post_id: str) -> Response:
    rt, user = authentication.caller()
    models.delete_post(rt, user, inputs.id_param(post_id, "post_id"))
    return jsonify(wire.status_ok())


def _pin(post_id: str, pinned: bool) -> Response:
    rt, user = authentication.caller()
    models.pin_post(rt, user, inputs.id_param(post_id, "post_id"), pinned)
    return jsonify(wire.status_ok())


@blueprint.post("/posts/<post_id>/pin")
def pin_post(post_id: str) -> Response:
    return _pin(post_id, True)


@blueprint.post("/posts/<post_id>/unpin")
def unpin_post(post_id: str) -> Response:
    return _pin(post_id, False)


# -- interactive messages ---------------------------------------------------------------------


@blueprint.post("/posts/<post_id>/actions/<action_id>")
def do_post_action(post_id: str, action_id: str) -> Response:
    """``doPostAction``: the click of a button or a menu choice (``selected_option``). Cookies
    (the actions of ephemeral posts) are never issued here, so one sent is undecryptable."""
    if not post_actions.ACTION_ID_RE.match(action_id):
        raise errors.for_status(404, request.path)  # the route itself does not match
    rt, user = authentication.caller()
    inputs.id_param(post_id, "post_id")
    # Upstream only logs a body it cannot decode, and clicks on with no option.
    body = inputs.json_body(required=False)
    body = body if isinstance(body, dict) else {}
    if body.get("cookie"):
        raise errors.bad_request(errors.ACTION_INTEGRATION)
    post = rt.store.get("posts", post_id)
    channel = rt.store.get("channels", post["channel_id"]) if post else None
    if channel is None or post["delete_at"] or not permissions.can_read_channel(rt, user, channel):
        raise errors.permission_denied(user["id"], "read_channel_content")
    selected = body.get("selected_option")
    trigger_id = post_actions.do_post_action(
        rt, user, post, action_id, selected if isinstance(selected, str) else ""
    )
    return jsonify({"status": "OK", "trigger_id": trigger_id})


@blueprint.get("/posts/<post_id>/edit_history")
def get_edit_history(post_id: str) -> Response:
    rt, user = authentication.caller()
    inputs.id_param(post_id, "post_id")
    return jsonify([wire.post(v) for v in post_versions.edit_history(rt, user, post_id)])


@blueprint.post("/posts/<post_id>/restore/<restore_version_id>")
def restore_post_version(post_id: str, restore_version_id: str) -> Response:
    rt, user = authentication.caller()
    inputs.id_param(post_id, "post_id")
    inputs.id_param(restore_version_id, "restore_version_id")
    post = post_versions.restore_post_version(rt, user, post_id, restore_version_id)
    return jsonify(wire.post_with_metadata(post, models.post_metadata(rt, post)))


@blueprint.get("/posts/<post_id>/reveal")
def reveal_post(post_id: str) -> Response:
    """Burn-on-read posts sit behind the ``BurnOnRead`` feature flag, off on a released
    server: the handler refuses before looking at the post."""
    authentication.caller()
    inputs.id_param(post_id, "post_id")
    raise errors.AppError(501, errors.REVEAL_DISABLED)
