"""Private groups: ``groups.*`` (``v1/groups.ts``); a user never sees a group they are not in.

The routes shared with ``channels.*`` live in ``_room_family``.
"""

from __future__ import annotations

from flask import Blueprint, Response

from ...core.runtime import runtime
from .. import auth, errors, wire
from ._room_family import Family, register_family
from ._rooms_common import page

blueprint = Blueprint("rc_groups", __name__, url_prefix="/api/v1")

FAMILY = Family(
    prefix="groups",
    room_type="p",
    one="group",
    many="groups",
    noun="private group",
    not_found=errors.GROUP_NOT_FOUND,
    param_error=errors.ROOM_PARAM_NOT_PROVIDED,
)
register_family(blueprint, FAMILY)


@blueprint.get("/groups.list")
def groups_list() -> Response:
    """The caller's private groups."""
    rt, user = auth.runtime_and_user()
    rooms = [
        rt.store.get("rooms", s["rid"])
        for s in rt.store.find("subscriptions", "user", user["_id"])
        if s["t"] == "p"
    ]
    return page(rt, "groups", [r for r in rooms if r], wire.room, {"name": 1})


@blueprint.get("/groups.listAll")
def groups_list_all() -> Response:
    rt = runtime()
    auth.require_permission("view-room-administration")
    return page(rt, "groups", rt.store.find("rooms", "t", "p"), wire.room, {"name": 1})
