"""``api4/channel.go``, second half: memberships, read state, stats, pinned posts, timezones."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Response, jsonify

from ...core.ids import is_mattermost_id
from ...core.runtime import Runtime
from .. import authentication, errors, inputs, models, permissions, wire
from ..models import scheme_roles
from ..tables import member_id
from .channels import load_channel, readable_channel
from .team_members import scheme_roles_body

blueprint = Blueprint("mm_channel_members", __name__, url_prefix="/api/v4")

Doc = dict[str, Any]
MAX_LIST_SIZE = 1000
SCHEME_ROLES = {"channel_user", "channel_admin", "channel_guest"}
_ROLE_NAME = re.compile(r"^[a-z0-9_]{1,64}$")


def _member_or_404(rt: Runtime, channel_id: str, user_id: str) -> Doc:
    member = rt.store.get("channel_members", member_id(channel_id, user_id))
    if member is None:
        raise errors.not_found(
            errors.CHANNEL_MEMBER_MISSING, f"channel_id={channel_id}, user_id={user_id}"
        )
    return member


@blueprint.post("/channels/<channel_id>/members")
def add_members(channel_id: str) -> tuple[Response, int]:
    """``addChannelMember``: ``user_id`` answers one member, ``user_ids`` a list; each user is
    tried on its own and the call fails only when none could be added."""
    rt, user = authentication.caller()
    inputs.id_param(channel_id, "channel_id")
    body = inputs.json_body(required=False)
    body = body if isinstance(body, dict) else {}
    if isinstance(body.get("user_ids"), list):
        user_ids = body["user_ids"]
        if len(user_ids) > MAX_LIST_SIZE:
            raise errors.invalid_body_param("user_ids")
        if not all(is_mattermost_id(u) for u in user_ids):
            raise errors.invalid_body_param("user_id in user_ids")
    else:
        if not is_mattermost_id(body.get("user_id")):
            raise errors.invalid_body_param("user_id or user_ids")
        user_ids = [body["user_id"]]
    root_id = body.get("post_root_id")
    if isinstance(root_id, str) and root_id:
        if not is_mattermost_id(root_id):
            raise errors.invalid_body_param("post_root_id")
        root = rt.store.get("posts", root_id)
        if root is None or root["delete_at"]:
            raise errors.not_found(errors.POST_NOT_FOUND, f"post_id={root_id}")
        if root["channel_id"] != channel_id:
            raise errors.invalid_body_param("post_root_id")
    else:
        root = None
    channel = load_channel(rt, channel_id)
    members = models.add_channel_members(rt, user, channel, user_ids, root)
    rendered = [wire.channel_member(m, user["id"]) for m in members]
    single = body.get("user_id") is not None and len(members) == 1
    if single and members[0]["user_id"] == body["user_id"]:
        return jsonify(rendered[0]), 201
    return jsonify(rendered), 201


@blueprint.delete("/channels/<channel_id>/members/<user_id>")
def remove_member(channel_id: str, user_id: str) -> Response:
    rt, user = authentication.caller()
    target_id = inputs.user_id_param(user_id)
    channel = load_channel(rt, channel_id)
    models.remove_channel_member(rt, user, channel, target_id)
    return jsonify(wire.status_ok())


def _channel_permission(rt: Runtime, user: Doc, channel_id: str, permission: str) -> Doc:
    """``SessionHasPermissionToChannel``: an unknown channel is as forbidden as a foreign one."""
    channel = rt.store.get("channels", inputs.id_param(channel_id, "channel_id"))
    if channel is None or not permissions.has_channel_permission(rt, user, channel, permission):
        raise errors.permission_denied(user["id"], permission)
    return channel


@blueprint.get("/channels/<channel_id>/members")
def get_members(channel_id: str) -> Response:
    rt, user = authentication.caller()
    channel = _channel_permission(rt, user, channel_id, "read_channel")
    page, per_page = inputs.paging()
    members = rt.store.find_page(
        "channel_members", "channel_id", channel["id"], page * per_page, per_page, False
    )
    return jsonify([wire.channel_member(m, user["id"]) for m in members])


@blueprint.get("/channels/<channel_id>/members/<user_id>")
def get_member(channel_id: str, user_id: str) -> Response:
    rt, user = authentication.caller()
    target_id = inputs.user_id_param(user_id)
    channel = _channel_permission(rt, user, channel_id, "read_channel")
    member = _member_or_404(rt, channel["id"], target_id)
    return jsonify(wire.channel_member(member, user["id"]))


@blueprint.post("/channels/<channel_id>/members/ids")
def get_members_by_ids(channel_id: str) -> Response:
    rt, user = authentication.caller()
    inputs.id_param(channel_id, "channel_id")
    body = inputs.json_body(required=False)
    if not isinstance(body, list) or not all(isinstance(u, str) for u in body):
        raise errors.bad_request(errors.PAYLOAD_PARSE)
    if not body:
        raise errors.invalid_body_param("user_ids")
    channel = _channel_permission(rt, user, channel_id, "read_channel")
    found = []
    for target_id in sorted(set(body)):
        member = rt.store.get("channel_members", member_id(channel["id"], target_id))
        if member is not None:
            found.append(wire.channel_member(member, user["id"]))
    return jsonify(found)


@blueprint.put("/channels/<channel_id>/members/<user_id>/roles")
def update_member_roles(channel_id: str, user_id: str) -> Response:
    rt, user = authentication.caller()
    target_id = inputs.user_id_param(user_id)
    body = inputs.json_object("roles")
    roles = body.get("roles")
    if not isinstance(roles, str) or not all(_ROLE_NAME.match(r) for r in roles.split()):
        raise errors.invalid_body_param("roles")
    channel = _channel_permission(rt, user, channel_id, "manage_channel_roles")
    member = _member_or_404(rt, channel["id"], target_id)
    wanted = roles.split()
    if any(role not in SCHEME_ROLES for role in wanted) or "channel_guest" in wanted:
        raise errors.bad_request(errors.CHANNEL_ROLE_INVALID)
    if "channel_user" not in wanted:
        raise errors.bad_request(errors.CHANNEL_ROLE_NO_USER)
    admin = "channel_admin" in wanted
    rt.store.update(
        "channel_members",
        member["id"],
        {
            "roles": "channel_user channel_admin" if admin else "channel_user",
            "scheme_admin": admin,
            "last_update_at": rt.clock.now_ms(),
        },
    )
    return jsonify(wire.status_ok())


@blueprint.put("/channels/<channel_id>/members/<user_id>/notify_props")
def update_member_notify_props(channel_id: str, user_id: str) -> Response:
    rt, user = authentication.caller()
    target_id = inputs.user_id_param(user_id)
    body = inputs.json_object("notify_props")
    if not all(isinstance(v, str) for v in body.values()):
        raise errors.invalid_body_param("notify_props")
    permissions.require_self_or(user, target_id)
    channel = load_channel(rt, channel_id)
    member = _member_or_404(rt, channel["id"], target_id)
    rt.store.update(
        "channel_members",
        member["id"],
        {"notify_props": {**member["notify_props"], **body}, "last_update_at": rt.clock.now_ms()},
    )
    return jsonify(wire.status_ok())


@blueprint.post("/channels/members/<user_id>/view")
def view_channel(user_id: str) -> Response:
    rt, user = authentication.caller()
    target_id = inputs.user_id_param(user_id)
    permissions.require_self_or(user, target_id)
    body = inputs.json_object("channel_view")
    channel_id = inputs.body_string(body, "channel_id")
    prev_id = inputs.body_string(body, "prev_channel_id")
    if channel_id and not is_mattermost_id(channel_id):
        raise errors.invalid_body_param("channel_view.channel_id")
    if prev_id and not is_mattermost_id(prev_id):
        raise errors.invalid_body_param("channel_view.prev_channel_id")
    ids = [c for c in (channel_id, prev_id) if c]
    for cid in ids:
        channel = rt.store.get("channels", cid)
        if channel is not None and not permissions.has_channel_permission(
            rt, user, channel, "read_channel"
        ):
            raise errors.permission_denied(user["id"], "read_channel")
    models.view_channels(rt, target_id, ids)
    times = {}
    for cid in ids:
        channel = rt.store.get("channels", cid)
        if channel is not None and rt.store.get("channel_members", member_id(cid, target_id)):
            times[cid] = channel["last_post_at"]
    return jsonify({"status": "OK", "last_viewed_at_times": times})


@blueprint.get("/users/<user_id>/channels/<channel_id>/unread")
def get_unread(user_id: str, channel_id: str) -> Response:
    rt, user = authentication.caller()
    target_id = inputs.user_id_param(user_id)
    permissions.require_self_or(user, target_id)
    channel = _channel_permission(rt, user, channel_id, "read_channel")
    member = _member_or_404(rt, channel["id"], target_id)
    return jsonify(wire.channel_unread(channel, member))


@blueprint.get("/channels/<channel_id>/stats")
def get_stats(channel_id: str) -> Response:
    rt, user = authentication.caller()
    channel = _channel_permission(rt, user, channel_id, "read_channel")
    files = sum(
        1 for f in rt.store.find("files", "channel_id", channel["id"]) if not f["delete_at"]
    )
    return jsonify(
        wire.channel_stats(
            channel["id"],
            rt.store.count_by("channel_members", "channel_id", channel["id"]),
            rt.store.count_by("posts", "pinned", channel["id"]),
            files,
        )
    )


@blueprint.post("/channels/stats/member_count")
def get_channels_member_count() -> Response:
    """``SessionHasPermissionToChannels(read_channel)``: every channel asked for, or nothing."""
    rt, user = authentication.caller()
    ids = inputs.json_body(required=False)
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise errors.AppError(400, errors.PAYLOAD_PARSE)
    for channel_id in ids:
        channel = rt.store.get("channels", channel_id)
        if channel is None or not permissions.has_channel_permission(
            rt, user, channel, "read_channel"
        ):
            raise errors.permission_denied(user["id"], "read_channel")
    return jsonify({i: rt.store.count_by("channel_members", "channel_id", i) for i in ids})


@blueprint.get("/channels/<channel_id>/pinned")
def get_pinned(channel_id: str) -> Response:
    rt, user = authentication.caller()
    channel = readable_channel(rt, user, channel_id)
    posts = sorted(rt.store.find("posts", "pinned", channel["id"]), key=lambda p: -p["create_at"])
    rendered = [wire.post_with_metadata(p, models.post_metadata(rt, p)) for p in posts]
    return jsonify(wire.post_list(rendered, [p["id"] for p in posts]))


@blueprint.get("/channels/<channel_id>/timezones")
def get_timezones(channel_id: str) -> Response:
    rt, user = authentication.caller()
    channel = _channel_permission(rt, user, channel_id, "read_channel")
    zones: dict[str, None] = {}
    for member in rt.store.find("channel_members", "channel_id", channel["id"]):
        account = rt.store.get("users", member["user_id"])
        tz = (account or {}).get("timezone") or {}
        automatic = tz.get("useAutomaticTimezone") == "true"
        name = tz.get("automaticTimezone") if automatic else tz.get("manualTimezone")
        if name:
            zones[name] = None
    return jsonify(list(zones))


@blueprint.put("/channels/<channel_id>/members/<user_id>/schemeRoles")
def update_member_scheme_roles(channel_id: str, user_id: str) -> Response:
    rt, user = authentication.caller()
    inputs.id_param(channel_id, "channel_id")
    target_id = inputs.user_id_param(user_id)
    admin, member, guest = scheme_roles_body()
    channel = _channel_permission(rt, user, channel_id, "manage_channel_roles")
    scheme_roles.set_channel_member_scheme_roles(rt, channel, target_id, admin, member, guest)
    return jsonify(wire.status_ok())
