"""``users.listTeams`` (``v1/users.ts``): a user's teams, as far as the caller may see them."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from .. import auth, errors, models, wire

blueprint = Blueprint("rc_users_teams", __name__, url_prefix="/api/v1")


@blueprint.get("/users.listTeams")
def list_teams() -> Response:
    rt, user = auth.runtime_and_user()
    args = request.args.to_dict()
    if "userId" not in args:
        raise errors.invalid_params("must have required property 'userId'")
    if set(args) != {"userId"}:
        raise errors.invalid_params("must NOT have additional properties")
    # view-all-teams sees private teams the caller is not in
    viewer = None if models.has_permission(rt, user, "view-all-teams") else user
    teams = models.teams_of_user(rt, args["userId"], viewer)
    return jsonify({"teams": [wire.team(t) for t in teams], "success": True})
