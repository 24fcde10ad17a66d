"""``api4/user.go``, smaller user lookups: group-channel members, filtered counts, invalid
emails, the login type, and clearing failed login attempts."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from .. import authentication, errors, inputs, models, permissions, wire
from ..models.common import Doc
from ..tables import member_id
from .users import load_user, present

blueprint = Blueprint("mm_user_admin", __name__, url_prefix="/api/v4")


@blueprint.post("/users/group_channels")
def get_users_by_group_channel_ids() -> Response:
    """``GetUsersByGroupChannelIds``: the other members of the caller's group messages (any
    group message for admins), by channel id."""
    rt, viewer = authentication.caller()
    ids = inputs.json_body(required=False)
    ids = [i for i in ids if isinstance(i, str)] if isinstance(ids, list) else []
    if not ids:
        raise errors.invalid_body_param("channel_ids")
    admin = permissions.is_system_admin(viewer)
    found: dict[str, list[Doc]] = {}
    for channel_id in dict.fromkeys(ids):
        channel = rt.store.get("channels", channel_id)
        if channel is None or channel["type"] != "G":
            continue
        if (
            not admin
            and rt.store.get("channel_members", member_id(channel_id, viewer["id"])) is None
        ):
            continue
        members = [
            rt.store.get("users", m["user_id"])
            for m in rt.store.find("channel_members", "channel_id", channel_id)
            if m["user_id"] != viewer["id"]
        ]
        found[channel_id] = [present(rt, viewer, u) for u in members if u is not None]
    return jsonify(found)


def _role_list(name: str) -> list[str]:
    raw = request.args.get(name, "")
    roles = [r.strip() for r in raw.split(",") if r.strip()]
    if any(not r.replace("_", "").isalnum() for r in roles):
        raise errors.invalid_url_param(name)
    return roles


@blueprint.get("/users/stats/filtered")
def get_filtered_users_stats() -> Response:
    """``GetFilteredUsersStats``: how many users a team/channel/role filter keeps."""
    rt, viewer = authentication.caller()
    team_id, channel_id = request.args.get("in_team", ""), request.args.get("in_channel", "")
    roles = _role_list("roles")
    channel_roles = _role_list("channel_roles") if channel_id else []
    team_roles = _role_list("team_roles") if team_id else []
    permissions.require_system(viewer, "manage_system")
    include_deleted = inputs.bool_arg("include_deleted")
    include_bots = inputs.bool_arg("include_bots")
    count = 0
    for user in rt.store.all("users"):
        if (user["delete_at"] and not include_deleted) or (user.get("is_bot") and not include_bots):
            continue
        if roles and not set(roles) & set(user["roles"].split()):
            continue
        if team_id:
            membership = rt.store.get("team_members", member_id(team_id, user["id"]))
            if membership is None or membership["delete_at"]:
                continue
            if team_roles and not set(team_roles) & set(membership["roles"].split()):
                continue
        if channel_id:
            membership = rt.store.get("channel_members", member_id(channel_id, user["id"]))
            if membership is None:
                continue
            if channel_roles and not set(channel_roles) & set(membership["roles"].split()):
                continue
        count += 1
    return jsonify({"total_users_count": count})


@blueprint.get("/users/invalid_emails")
def get_users_with_invalid_emails() -> Response:
    """Email-login users whose address is outside ``RestrictCreationToDomains``."""
    rt, viewer = authentication.caller()
    if models.setting(rt, "TeamSettings", "EnableOpenServer", False):
        raise errors.bad_request(errors.INVALID_EMAILS_OPEN_SERVER)
    permissions.require_system(viewer, "manage_system")
    raw = models.setting(rt, "TeamSettings", "RestrictCreationToDomains", "") or ""
    domains = raw.replace("@", " ").replace(",", " ").lower().split()
    found = [
        u
        for u in sorted(rt.store.all("users"), key=lambda u: u["username"])
        if not u["delete_at"]
        and not u.get("is_bot")
        and not u["auth_service"]
        and not any(u["email"].endswith("@" + d) for d in domains)
    ]
    page, per_page = inputs.paging()
    return jsonify([present(rt, viewer, u) for u in found[page * per_page : (page + 1) * per_page]])


@blueprint.post("/users/login/type")
def get_login_type() -> Response:
    """Only magic-link guests get a non-empty ``auth_service``; nobody here has one."""
    body = inputs.json_body(required=False)
    if not isinstance(body, dict) or any(
        not isinstance(body.get(k, ""), str) for k in ("id", "login_id", "device_id")
    ):
        raise errors.invalid_body_param("login_type")
    return jsonify({"auth_service": ""})


@blueprint.post("/users/<user_id>/reset_failed_attempts")
def reset_failed_attempts(user_id: str) -> Response:
    rt, viewer = authentication.caller()
    permissions.require_system(viewer, "manage_system")
    user = load_user(rt, user_id)
    models.update_user(rt, user["id"], {"failed_attempts": 0})
    return jsonify(wire.status_ok())
