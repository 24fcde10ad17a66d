"""``api4/team.go`` email invitations: sending them (kept, never mailed) and dropping them."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from .. import authentication, errors, inputs, permissions, wire
from ..models import invites
from .teams import load_team

blueprint = Blueprint("mm_team_invites", __name__, url_prefix="/api/v4")


@blueprint.post("/teams/<team_id>/invite/email")
def invite_users_by_email(team_id: str) -> Response:
    rt, viewer = authentication.caller()
    inputs.id_param(team_id, "team_id")
    permissions.require_team(rt, viewer, team_id, "invite_user")
    if not permissions.has_team_permission(rt, viewer, team_id, "add_user_to_team"):
        raise errors.permission_denied(viewer["id"], "invite_user")
    body = inputs.json_body(required=False)
    if isinstance(body, dict):  # MemberInvite {emails, channel_ids, message}
        body = body.get("emails")
    emails = body if isinstance(body, list) and all(isinstance(e, str) for e in body) else []
    if not emails:
        raise errors.invalid_body_param("user_email")
    team = load_team(rt, team_id)
    graceful = request.args.get("graceful", "") != ""
    results = invites.invite_by_email(rt, team, viewer["id"], emails, graceful)
    return jsonify(results if graceful else wire.status_ok())


@blueprint.delete("/teams/invites/email")
def invalidate_email_invites() -> Response:
    rt, viewer = authentication.caller()
    permissions.require_system(viewer, "manage_system")
    invites.invalidate_email_invites(rt)
    return jsonify(wire.status_ok())
