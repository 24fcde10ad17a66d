"""``api4/team.go`` and ``channel.go``: members outside the given groups, as
``UsersWithGroupsAndCount`` (see ``models/group_members.py``)."""

from __future__ import annotations

import re

from flask import Blueprint, Response, jsonify, request

from ...core.ids import is_mattermost_id
from ...core.runtime import Runtime
from .. import authentication, errors, inputs, permissions
from ..models import group_members
from ..models.common import Doc
from .users import present

blueprint = Blueprint("mm_group_members", __name__, url_prefix="/api/v4")

_NOT_ID_OR_COMMA = re.compile(r"[^a-zA-Z0-9,]")


def _group_ids() -> None:
    """``group_ids``: at least an id's worth of id characters, and every comma-separated part
    an id."""
    raw = request.args.get("group_ids", "")
    if len(_NOT_ID_OR_COMMA.sub("", raw)) < 26 or not all(
        is_mattermost_id(part) for part in raw.split(",")
    ):
        raise errors.invalid_url_param("group_ids")


def _answer(rt: Runtime, viewer: Doc, pairs: list[tuple[Doc, Doc]], total: int) -> Response:
    users = [
        {
            **present(rt, viewer, user),
            "groups": None,
            "scheme_guest": member.get("scheme_guest", False),
            "scheme_user": member.get("scheme_user", False),
            "scheme_admin": member.get("scheme_admin", False),
        }
        for user, member in pairs
    ]
    return jsonify({"users": users, "total_count": total})


@blueprint.get("/teams/<team_id>/members_minus_group_members")
def team_members_minus_group_members(team_id: str) -> Response:
    rt, viewer = authentication.caller()
    inputs.id_param(team_id, "team_id")
    _group_ids()
    permissions.require_system(viewer, "sysconsole_read_user_management_groups")
    page, per_page = inputs.paging()
    pairs, total = group_members.members_minus_group_members(
        rt, "team_members", "team_id", team_id, page, per_page
    )
    return _answer(rt, viewer, pairs, total)


@blueprint.get("/channels/<channel_id>/members_minus_group_members")
def channel_members_minus_group_members(channel_id: str) -> Response:
    rt, viewer = authentication.caller()
    inputs.id_param(channel_id, "channel_id")
    _group_ids()
    permissions.require_system(viewer, "sysconsole_read_user_management_channels")
    page, per_page = inputs.paging()
    pairs, total = group_members.members_minus_group_members(
        rt, "channel_members", "channel_id", channel_id, page, per_page
    )
    return _answer(rt, viewer, pairs, total)
