"""Members of a team or channel outside some groups (``TeamMembersMinusGroupMembers``,
``ChannelMembersMinusGroupMembers``). An unlicensed server can create no group, so no one is
in any: every member is outside them."""

from __future__ import annotations

from ...core.runtime import Runtime
from .common import Doc


def members_minus_group_members(
    rt: Runtime, table: str, index: str, container_id: str, page: int, per_page: int
) -> tuple[list[tuple[Doc, Doc]], int]:
    """(user, membership) pairs of the live members of a team or channel, by username, one page;
    and how many there are."""
    pairs = []
    for member in rt.store.find(table, index, container_id):
        user = rt.store.get("users", member["user_id"])
        if user is None or user["delete_at"] or member.get("delete_at"):
            continue
        pairs.append((user, member))
    pairs.sort(key=lambda pair: pair[0]["username"])
    return pairs[page * per_page : (page + 1) * per_page], len(pairs)
